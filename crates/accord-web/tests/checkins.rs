//! The check-in pages: preparation, recording, the consequence ladder,
//! notes and who sees what, the reminder link, and the conflicts (recorded
//! twice, not open). Each scenario signs the weekly agreement of
//! `checkin_pages_support` (Tuesday 08:00 Europe/Berlin) on Monday 2 March 2026,
//! so the first check-in is Tuesday 3 March at 07:00 UTC.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use accord_web::Clock;
use accord_web::running::links;
use checkin_pages_support::*;
use common::*;
use jiff::SignedDuration;

async fn preparation_waits_for_the_checkin_to_open(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = signed(app).await;
    // Monday: the check-in of Tuesday is upcoming; Maya prepares.
    let page = maya.get(&path(&id, 0)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("upcoming"), "{}", page.body);
    assert!(page.body.contains("You facilitate."), "{}", page.body);
    assert!(page.body.contains("Commitments since last time"));
    // The first prompt is filled with her commitments.
    assert!(
        page.body
            .contains(">Book the one-to-ones every Monday</textarea>")
    );
    let saved = maya
        .post(
            &format!("{}/prepare", path(&id, 0)),
            &[
                ("committed", "Book the one-to-ones every Monday"),
                ("happened", "Booked four of eight"),
                ("want", "Ask me about the other four"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = maya.get(saved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Your preparation is saved"));
    assert!(page.body.contains("Booked four of eight"));

    // Jonas knows she prepared, not what she wrote.
    let page = jonas.get(&path(&id, 0)).await;
    assert!(page.body.contains("Maya has prepared"), "{}", page.body);
    assert!(!page.body.contains("Booked four of eight"));
    assert!(page.body.contains("Maya Chen facilitates."));
    // The coach sees no preparation at all.
    let page = coach.get(&path(&id, 0)).await;
    assert!(page.body.contains("not shown to a coach"), "{}", page.body);
    assert!(!page.body.contains("Booked four of eight"));

    // Once it opens, Jonas reads her answers.
    during(app, 0);
    let page = jonas.get(&path(&id, 0)).await;
    assert!(page.body.contains("Booked four of eight"), "{}", page.body);
    assert!(page.body.contains("Ask me about the other four"));
    let page = coach.get(&path(&id, 0)).await;
    assert!(!page.body.contains("Booked four of eight"));

    // An empty answer is refused beside its field, the rest kept.
    let refused = jonas
        .post(
            &format!("{}/prepare", path(&id, 0)),
            &[
                ("committed", "Review drafts"),
                ("happened", "  "),
                ("want", "Patience"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"happened-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(">Patience</textarea>"));
    let stored = app.store.preparations(&pid(&id), start(0)).await.unwrap();
    assert_eq!(stored.len(), 1);
}

on_both_databases!(preparation_waits_for_the_checkin_to_open: preparation_sqlite, preparation_postgres);

async fn a_checkin_is_recorded_once_and_shown_to_both(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = signed(app).await;
    during(app, 0);
    let page = maya.get(&path(&id, 0)).await;
    assert!(
        page.body
            .contains("name=\"reports[1].reviewed[1].outcome\"")
    );
    assert!(page.body.contains("name=\"reports[0].slips.0\""));
    assert!(page.body.contains("name=\"reports[1].wellbeing.energy\""));
    let mut form = complete(&["kept"], &["kept", "partly-kept"]);
    form.push(("note".into(), "A good first one".into()));
    record(&mut maya, &id, 0, &form).await;

    for c in [&mut maya, &mut jonas, &mut coach] {
        let page = c.get(&path(&id, 0)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("recorded"), "{}", page.body);
        assert!(page.body.contains("Held five one-to-ones"));
        assert!(page.body.contains("Partly kept"));
        assert!(page.body.contains("A week of late deliveries"));
        assert!(page.body.contains("Answered the board once"));
        assert!(page.body.contains("stress 3/5"));
        assert!(page.body.contains("one-to-ones held: 5 meetings"));
        assert!(page.body.contains("Recap"));
        assert!(
            page.body
                .contains("Next check-in: Tuesday 10 March 2026, 08:00")
        );
        assert!(page.body.contains("A good first one"), "shared note");
        // Nothing fired: nobody missed.
        assert!(!page.body.contains("id=\"as-agreed\""));
        assert!(!page.body.contains("Record the check-in</button>"));
    }
    // The list shows it, with the latest recap.
    let list = jonas.get(&format!("/p/{id}/checkins")).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Recorded by Maya Chen"), "{}", list.body);
    assert!(list.body.contains("The deputy wrote the report"));
    assert!(
        list.body
            .contains("Tuesday 10 March 2026, 08:00 (Europe/Berlin)")
    );

    // A second record is refused and changes nothing.
    let before = app.store.checkin(&pid(&id), start(0)).await.unwrap();
    let again = post(
        &mut jonas,
        &path(&id, 0),
        &complete(&["missed"], &["missed", "missed"]),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("recorded already"), "{}", again.body);
    assert_eq!(
        app.store.checkin(&pid(&id), start(0)).await.unwrap(),
        before
    );
    assert!(
        app.store
            .consequence_log(&pid(&id))
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_databases!(a_checkin_is_recorded_once_and_shown_to_both: record_sqlite, record_postgres);

#[tokio::test]
async fn an_incomplete_checkin_is_refused_beside_its_fields() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    during(&app, 0);
    maya.get(&path(&id, 0)).await;
    let mut form = complete(&["missed"], &["kept", "kept"]);
    form.retain(|(k, _)| {
        k != "reports[0].win"
            && k != "reports[0].reviewed[0].obstacle"
            && k != "reports[1].next_step"
            && k != "reports[1].win"
    });
    form.push(("reports[1].win".into(), "Jonas shipped it".into()));
    let page = post(&mut maya, &path(&id, 0), &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    for field in [
        "reports[0].win",
        "reports[0].reviewed[0].obstacle",
        "reports[1].next_step",
    ] {
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "no message beside {field}: {}",
            page.body
        );
    }
    assert!(page.body.contains("one win, however small"));
    assert!(page.body.contains("3 things to fix"), "{}", page.body);
    // Typed text is kept.
    assert!(page.body.contains("value=\"Jonas shipped it\""));
    assert!(page.body.contains("value=\"missed\" checked"));
    assert!(
        app.store
            .checkin(&pid(&id), start(0))
            .await
            .unwrap()
            .is_none()
    );

    // Unreadable values: a word for a number, an unknown outcome.
    let mut form = complete(&["kept"], &["kept", "kept"]);
    for (k, v) in &mut form {
        if k == "reports[0].indicators.0" {
            *v = "five".into();
        }
        if k == "reports[1].reviewed[0].outcome" {
            *v = "sort-of".into();
        }
    }
    let page = post(&mut maya, &path(&id, 0), &form).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("id=\"reports[0].indicators.0-error\""));
    assert!(page.body.contains("as a number"));
    assert!(
        page.body
            .contains("id=\"reports[1].reviewed[0].outcome-error\"")
    );
    assert!(page.body.contains("value=\"five\""));
    assert!(
        app.store
            .checkin(&pid(&id), start(0))
            .await
            .unwrap()
            .is_none()
    );
}

async fn misses_climb_the_ladder(app: &TestApp) {
    let (mut maya, mut jonas, mut coach, id) = signed(app).await;
    let expect = [
        "Maya, a miss. As agreed: The partner asks what got in the way",
        "Maya, 2 misses in a row. As agreed: We call our coach together",
        "Maya, 3 misses in a row. As agreed: We call our coach together",
    ];
    for (n, text) in expect.iter().enumerate() {
        let n = n as i64;
        during(app, n);
        let recorder = if n % 2 == 0 { &mut maya } else { &mut jonas };
        record(recorder, &id, n, &complete(&["missed"], &["kept", "kept"])).await;
        for c in [&mut maya, &mut jonas] {
            let page = c.get(&path(&id, n)).await;
            assert!(page.body.contains("id=\"as-agreed\""), "{}", page.body);
            let body = page.body.replace("&#39;", "'");
            assert!(body.contains(text), "{text} missing: {body}");
        }
    }
    let log = app.store.consequence_log(&pid(&id)).await.unwrap();
    let misses: Vec<Option<i64>> = log.iter().map(|e| e.misses).collect();
    assert_eq!(misses, [Some(1), Some(2), Some(3)]);
    assert_eq!(log[1].response, log[2].response, "only two steps");
    // The coach sees the responses and the log too, newest first.
    let list = coach.get(&format!("/p/{id}/checkins")).await;
    let body = list.body.replace("&#39;", "'");
    let third = body.find("3 misses in a row").expect("third in the log");
    let first = body.find("Maya, a miss").expect("first in the log");
    assert!(third < first, "newest first");
}

on_both_databases!(misses_climb_the_ladder: ladder_sqlite, ladder_postgres);

#[tokio::test]
async fn private_notes_stay_with_their_author() {
    let app = spawn_app().await;
    let (mut maya, mut jonas, mut coach, id) = signed(&app).await;
    during(&app, 0);
    let mut form = complete(&["kept"], &["kept", "kept"]);
    form.push(("note".into(), "I was tired today".into()));
    form.push(("note_private".into(), "on".into()));
    record(&mut maya, &id, 0, &form).await;
    let notes = format!("{}/notes", path(&id, 0));
    let saved = jonas.post(&notes, &[("body", "Thanks for the push")]).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let saved = maya
        .post(
            &notes,
            &[("body", "Ask Jonas about March"), ("private", "on")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let page = maya.get(&path(&id, 0)).await;
    assert!(page.body.contains("I was tired today"));
    assert!(page.body.contains("Ask Jonas about March"));
    assert!(page.body.contains("Thanks for the push"));
    assert!(page.body.contains("only you see it"));
    for c in [&mut jonas, &mut coach] {
        let page = c.get(&path(&id, 0)).await;
        assert!(page.body.contains("Thanks for the push"), "{}", page.body);
        assert!(!page.body.contains("I was tired today"));
        assert!(!page.body.contains("Ask Jonas about March"));
    }
    // The recap never carries a note.
    let list = jonas.get(&format!("/p/{id}/checkins")).await;
    assert!(!list.body.contains("I was tired today"));

    // An empty note is refused beside its field.
    let page = jonas.post(&notes, &[("body", " ")]).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("id=\"body-error\""));
}

#[tokio::test]
async fn the_coach_reads_but_never_writes_and_strangers_see_nothing() {
    let app = spawn_app().await;
    let (mut maya, _, mut coach, id) = signed(&app).await;
    during(&app, 0);
    let page = coach.get(&path(&id, 0)).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<form method=\"post\" action=\"/p/"));
    let form = complete(&["kept"], &["kept", "kept"]);
    let posts = [
        format!("{}/prepare", path(&id, 0)),
        path(&id, 0),
        format!("{}/notes", path(&id, 0)),
    ];
    for p in &posts {
        let page = post(&mut coach, p, &form).await;
        assert_eq!(page.status, 403, "{p}: {}", page.body);
    }
    assert!(
        app.store
            .checkin(&pid(&id), start(0))
            .await
            .unwrap()
            .is_none()
    );
    record(&mut maya, &id, 0, &form).await;
    let page = coach
        .post(&format!("{}/notes", path(&id, 0)), &[("body", "Well done")])
        .await;
    assert_eq!(page.status, 403);

    let mut olga = signup(&app, "Olga Stranger", "olga@example.org").await;
    for p in [format!("/p/{id}/checkins"), path(&id, 0), path(&id, 1)] {
        assert_eq!(olga.get(&p).await.status, 404, "{p}");
    }
    for p in &posts {
        assert_eq!(post(&mut olga, p, &form).await.status, 404, "{p}");
    }
}

#[tokio::test]
async fn only_checkins_of_the_schedule_have_pages() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    let odd = start(0).checked_add(SignedDuration::from_mins(1)).unwrap();
    for p in [
        format!("/p/{id}/checkins/{}", odd.as_millisecond()),
        format!("/p/{id}/checkins/tuesday"),
        // Before the agreement came into force.
        path(&id, -1),
    ] {
        assert_eq!(maya.get(&p).await.status, 404, "{p}");
    }
}

#[tokio::test]
async fn a_new_version_keeps_the_earlier_checkins_pages() {
    let app = spawn_app().await;
    let (mut maya, mut jonas, _, id) = signed(&app).await;
    during(&app, 0);
    record(&mut maya, &id, 0, &complete(&["missed"], &["kept", "kept"])).await;
    // A week later they sign a new version: fortnightly, on Thursdays.
    app.clock.advance(SignedDuration::from_hours(24 * 7));
    let changed = AGREEMENT
        .replace("interval_weeks = 1", "interval_weeks = 2")
        .replace("weekdays = [\"tuesday\"]", "weekdays = [\"thursday\"]");
    sign(&app, &id, &changed).await;
    let page = jonas.get(&path(&id, 0)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Recorded by Maya Chen"), "{}", page.body);
    assert!(page.body.contains("id=\"as-agreed\""), "{}", page.body);
    // Notes can still be added to it; it cannot be recorded again.
    let note = post(
        &mut jonas,
        &format!("{}/notes", path(&id, 0)),
        &[("body".into(), "Looking back at this one".into())],
    )
    .await;
    assert_eq!(note.status, 303, "{}", note.body);
    let again = post(&mut jonas, &path(&id, 0), &complete(&["kept"], &["kept"])).await;
    assert_eq!(again.status, 409, "{}", again.body);
    // A Tuesday that was never recorded belongs to no schedule now.
    assert_eq!(maya.get(&path(&id, 2)).await.status, 404);
}

#[tokio::test]
async fn a_checkin_that_is_not_open_cannot_be_written() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = signed(&app).await;
    // Upcoming: preparing is fine, recording is not.
    maya.get(&path(&id, 0)).await;
    let page = post(
        &mut maya,
        &path(&id, 0),
        &complete(&["kept"], &["kept", "kept"]),
    )
    .await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(
        page.body
            .contains("opens for recording at Tuesday 3 March 2026, 07:00")
    );
    // Missed: its window closed (Thursday 08:00 Berlin).
    app.clock.set("2026-03-05T08:00:00Z".parse().unwrap());
    let page = maya.get(&path(&id, 0)).await;
    assert!(page.body.contains("missed"), "{}", page.body);
    let page = maya
        .post(
            &format!("{}/prepare", path(&id, 0)),
            &[("committed", "a"), ("happened", "b"), ("want", "c")],
        )
        .await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.body.contains("can no longer be recorded"));
    let list = maya.get(&format!("/p/{id}/checkins")).await;
    assert!(list.body.contains("Missed"), "{}", list.body);
}

#[tokio::test]
async fn before_signing_and_without_a_schedule_the_page_says_why() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = full_partnership(&app).await;
    let page = maya.get(&format!("/p/{id}/checkins")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"not-in-force\""));
    assert!(page.body.contains("both partners have signed"));
    let overview = maya.get(&format!("/p/{id}")).await;
    assert!(
        overview
            .body
            .contains(&format!("href=\"/p/{id}/checkins\""))
    );

    let unscheduled = AGREEMENT.replace("weekdays = [\"tuesday\"]\n", "");
    sign(&app, &id, &unscheduled).await;
    let page = maya.get(&format!("/p/{id}/checkins")).await;
    assert!(page.body.contains("id=\"unscheduled\""), "{}", page.body);
    assert!(page.body.contains("cadence.weekdays"));
    assert!(page.body.contains(&format!("/p/{id}/edit/cadence")));
}

async fn a_reminder_link_works_once(app: &TestApp) {
    let (_, mut jonas, _, id) = signed(app).await;
    let jonas_id = user(app, "jonas@example.org").await;
    let now = app.clock.now();
    let week = now.checked_add(SignedDuration::from_hours(24 * 7)).unwrap();
    let token = links::create(&app.state, &pid(&id), start(0), &jonas_id, week, now)
        .await
        .unwrap();
    during(app, 0);
    let mut anonymous = Client::new(app);
    let page = anonymous.get(&format!("/c/{token}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You are Jonas Berg"), "{}", page.body);
    assert!(page.body.contains(&format!("action=\"/c/{token}\"")));
    // Opening it again does not use it.
    assert_eq!(anonymous.get(&format!("/c/{token}")).await.status, 200);
    // A refused form does not use it either.
    let refused = post(&mut anonymous, &format!("/c/{token}"), &[]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let done = post(
        &mut anonymous,
        &format!("/c/{token}"),
        &complete(&["kept"], &["kept", "missed"]),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("The check-in is recorded"));
    assert!(done.body.contains("This link has now been used"));
    let stored = app
        .store
        .checkin(&pid(&id), start(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.recorded_by, jonas_id);
    let page = jonas.get(&path(&id, 0)).await;
    assert!(
        page.body.contains("Recorded by Jonas Berg"),
        "{}",
        page.body
    );

    let used = anonymous.get(&format!("/c/{token}")).await;
    assert_eq!(used.status, 410, "{}", used.body);
    assert!(used.body.contains("used already"));
    assert!(used.body.contains("href=\"/login\""));
    let again = post(&mut anonymous, &format!("/c/{token}/prepare"), &[]).await;
    assert_eq!(again.status, 410);

    // Altered: 404.
    let mut altered = token.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(anonymous.get(&format!("/c/{altered}")).await.status, 404);
    assert_eq!(anonymous.get("/c/not-a-token").await.status, 404);

    // Expired: 410. A link for next week's check-in, valid one hour.
    let now = app.clock.now();
    let hour = now.checked_add(SignedDuration::from_hours(1)).unwrap();
    let token = links::create(&app.state, &pid(&id), start(1), &jonas_id, hour, now)
        .await
        .unwrap();
    let page = anonymous.get(&format!("/c/{token}")).await;
    assert_eq!(page.status, 200);
    // Preparing through it works (and uses it up) …
    let prepared = anonymous
        .post(
            &format!("/c/{token}/prepare"),
            &[
                ("committed", "Review a draft"),
                ("happened", "Did"),
                ("want", "Praise"),
            ],
        )
        .await;
    assert_eq!(prepared.status, 200, "{}", prepared.body);
    assert!(prepared.body.contains("Your preparation is saved"));
    let preps = app.store.preparations(&pid(&id), start(1)).await.unwrap();
    assert_eq!(preps.len(), 1);
    let token = links::create(&app.state, &pid(&id), start(1), &jonas_id, hour, now)
        .await
        .unwrap();
    app.clock.advance(SignedDuration::from_hours(2));
    let expired = anonymous.get(&format!("/c/{token}")).await;
    assert_eq!(expired.status, 410, "{}", expired.body);
    assert!(expired.body.contains("expired"));
}

on_both_databases!(a_reminder_link_works_once: link_sqlite, link_postgres);

#[tokio::test]
async fn a_missed_checkin_shows_the_agreed_response() {
    let app = spawn_app().await;
    let (mut maya, mut jonas, _, id) = signed(&app).await;
    let worker = accord_web::worker::Worker::new(app.state.clone(), 50).unwrap();
    // Nobody records the first check-in; the worker notices when its
    // window closes (Thursday 5 March, 08:00 Berlin).
    for _ in 0..8 {
        worker.step().await.unwrap();
        app.clock.advance(SignedDuration::from_hours(12));
    }
    worker.step().await.unwrap();
    let log = app.store.consequence_log(&pid(&id)).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    let said = "Nobody recorded this check-in in time. As agreed: The one who missed proposes \
                a new slot within 48 hours.";
    for c in [&mut maya, &mut jonas] {
        let page = c.get(&path(&id, 0)).await;
        assert!(page.body.contains("id=\"as-agreed\""), "{}", page.body);
        assert!(page.body.contains(said), "{}", page.body);
        let list = c.get(&format!("/p/{id}/checkins")).await;
        assert!(
            list.body
                .contains("Nobody recorded the check-in in time. As agreed"),
            "{}",
            list.body
        );
    }
}
