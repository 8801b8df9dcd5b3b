//! Pauses: proposed by one partner, in effect once the other agrees; a
//! check-in inside an agreed pause is shown paused and cannot be recorded;
//! withdrawing brings it back; proposals are checked beside their fields;
//! the coach reads and never writes. The agreement of `checkin_pages_support`
//! (weekly, Tuesday 08:00 Europe/Berlin) is signed on Monday 2 March 2026.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkin_pages_support;
mod common;

use checkin_pages_support::*;
use common::*;

/// The check-in of Tuesday 10 March 2026, 08:00 Berlin (the second).
fn checkin(id: &str) -> String {
    path(id, 1)
}

/// The id of the only pause.
async fn only_pause(app: &TestApp, id: &str) -> String {
    let pauses = app.store.pauses(&pid(id)).await.unwrap();
    assert_eq!(pauses.len(), 1);
    pauses[0].id.to_string()
}

async fn a_pause_takes_effect_when_the_other_partner_agrees(app: &TestApp) {
    let (mut maya, mut jonas, _, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    let pauses = format!("/p/{id}/pauses");
    assert_eq!(maya.get(&pauses).await.status, 200);
    let page = maya
        .post(
            &pauses,
            &[
                ("first_day", "2026-03-09"),
                ("last_day", "2026-03-15"),
                ("reason", "Maya is at a conference"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = maya.get(page.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Pause proposed"));
    assert!(
        page.body
            .contains("from Monday 9 March 2026 to Sunday 15 March 2026")
    );
    assert!(
        page.body.contains("1 check-in falls in it."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Proposed by Maya Chen"));
    assert!(!page.body.contains("Agree to this pause"));
    let pause = only_pause(app, &id).await;
    let agree = format!("/p/{id}/pauses/{pause}/agree");

    // Not in effect yet.
    let list = jonas.get(&format!("/p/{id}/checkins")).await;
    assert!(list.body.contains("waiting for agreement"), "{}", list.body);

    // The proposer cannot agree to it.
    let refused = maya.post(&agree, &[]).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("your partner is the one to agree"));
    assert!(
        app.store.pauses(&pid(&id)).await.unwrap()[0]
            .agreed_at
            .is_none()
    );

    // The other partner agrees.
    let page = jonas.get(&pauses).await;
    assert!(page.body.contains("Agree to this pause"));
    let agreed = jonas.post(&agree, &[]).await;
    assert_eq!(agreed.status, 303, "{}", agreed.body);
    let page = jonas.get(&pauses).await;
    assert!(page.body.contains("Agreed by Jonas Berg"), "{}", page.body);
    assert_eq!(jonas.post(&agree, &[]).await.status, 409, "agreed already");

    // The check-in inside is paused, in the list and on its page …
    let list = maya.get(&format!("/p/{id}/checkins")).await;
    assert!(list.body.contains("Paused"), "{}", list.body);
    assert!(list.body.contains("Maya is at a conference"));
    app.clock.set("2026-03-10T07:30:00Z".parse().unwrap());
    let page = maya.get(&checkin(&id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("status paused"), "{}", page.body);
    assert!(!page.body.contains("Record the check-in</button>"));
    // … and cannot be recorded.
    let form = complete(&["kept"], &["kept", "kept"]);
    let refused = post(&mut maya, &checkin(&id), &form).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("agreed pause"));
    // The history shows the pause.
    let list = maya.get(&format!("/p/{id}/checkins")).await;
    let history = &list.body[list.body.find("id=\"history\"").unwrap()..];
    assert!(history.contains("Paused"), "{history}");
    assert!(history.contains("Maya is at a conference"));

    // Withdrawn, the check-in is due again.
    maya.get(&pauses).await;
    let withdrawn = maya
        .post(&format!("/p/{id}/pauses/{pause}/withdraw"), &[])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let page = maya.get(&pauses).await;
    assert!(page.body.contains("Withdrawn,"), "{}", page.body);
    let page = maya.get(&checkin(&id)).await;
    assert!(page.body.contains("status open"), "{}", page.body);
    let again = maya
        .post(&format!("/p/{id}/pauses/{pause}/withdraw"), &[])
        .await;
    assert_eq!(again.status, 409);
}

on_both_databases!(a_pause_takes_effect_when_the_other_partner_agrees: pause_sqlite, pause_postgres);

#[tokio::test]
async fn a_proposal_is_checked_beside_its_fields() {
    let app = spawn_app().await;
    let (mut maya, _, _, id) = full_partnership(&app).await;
    sign(&app, &id, AGREEMENT).await;
    let pauses = format!("/p/{id}/pauses");
    maya.get(&pauses).await;
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        ("next week", "2026-03-15", "Away", "first_day", "YYYY-MM-DD"),
        (
            "2026-03-15",
            "2026-03-09",
            "Away",
            "last_day",
            "before the first day",
        ),
        ("2026-03-09", "2026-09-30", "Away", "last_day", "26 weeks"),
        (
            "2026-02-01",
            "2026-02-20",
            "Away",
            "last_day",
            "over already",
        ),
        ("2026-03-09", "2026-03-15", " ", "reason", "Say why"),
    ];
    for (first, last, reason, field, message) in cases {
        let page = maya
            .post(
                &pauses,
                &[("first_day", first), ("last_day", last), ("reason", reason)],
            )
            .await;
        assert_eq!(page.status, 422, "{first}–{last}: {}", page.body);
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            page.body
        );
        assert!(page.body.contains(message), "{message}: {}", page.body);
        // What was typed stays.
        assert!(page.body.contains(&format!("value=\"{first}\"")));
    }
    assert!(app.store.pauses(&pid(&id)).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_coach_sees_pauses_and_changes_nothing() {
    let app = spawn_app().await;
    let (mut maya, _, mut coach, id) = full_partnership(&app).await;
    let pauses = format!("/p/{id}/pauses");
    let fields = [
        ("first_day", "2026-03-09"),
        ("last_day", "2026-03-15"),
        ("reason", "Holiday"),
    ];
    // Before signing there is nothing to pause.
    let page = maya.get(&pauses).await;
    assert!(page.body.contains("id=\"not-in-force\""));
    assert_eq!(maya.post(&pauses, &fields).await.status, 409);

    sign(&app, &id, AGREEMENT).await;
    assert_eq!(maya.post(&pauses, &fields).await.status, 303);
    let pause = only_pause(&app, &id).await;
    let page = coach.get(&pauses).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Holiday"));
    assert!(!page.body.contains("Propose the pause"));
    assert!(!page.body.contains("Agree to this pause"));
    for p in [
        pauses.clone(),
        format!("/p/{id}/pauses/{pause}/agree"),
        format!("/p/{id}/pauses/{pause}/withdraw"),
    ] {
        assert_eq!(coach.post(&p, &fields).await.status, 403, "{p}");
    }
    let mut olga = signup(&app, "Olga Stranger", "olga@example.org").await;
    assert_eq!(olga.get(&pauses).await.status, 404);
    assert_eq!(
        olga.post(&format!("/p/{id}/pauses/{pause}/agree"), &[])
            .await
            .status,
        404
    );
    // An unknown pause is not found.
    let unknown = format!("/p/{id}/pauses/00000000-0000-4000-8000-000000000000/agree");
    assert_eq!(maya.post(&unknown, &[]).await.status, 404);
    let stored = &app.store.pauses(&pid(&id)).await.unwrap()[0];
    assert!(stored.agreed_at.is_none() && stored.withdrawn_at.is_none());
}

async fn withdrawing_a_pause_under_way_keeps_its_past(app: &TestApp) {
    let (mut maya, mut jonas, _, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    let pauses = format!("/p/{id}/pauses");
    maya.get(&pauses).await;
    let proposed = maya
        .post(
            &pauses,
            &[
                ("first_day", "2026-03-09"),
                ("last_day", "2026-03-29"),
                ("reason", "Three weeks of travel"),
            ],
        )
        .await;
    assert_eq!(proposed.status, 303, "{}", proposed.body);
    let pause = only_pause(app, &id).await;
    jonas.get(&pauses).await;
    let agreed = jonas
        .post(&format!("/p/{id}/pauses/{pause}/agree"), &[])
        .await;
    assert_eq!(agreed.status, 303, "{}", agreed.body);

    // Wednesday 18 March: two of its check-ins have passed; Maya is back
    // early and withdraws it.
    app.clock.set("2026-03-18T10:00:00Z".parse().unwrap());
    maya.get(&pauses).await;
    let withdrawn = maya
        .post(&format!("/p/{id}/pauses/{pause}/withdraw"), &[])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let page = maya.get(&pauses).await;
    assert!(
        page.body.contains(
            "It had begun, so it stays in effect from Monday 9 March 2026 to Tuesday 17 March 2026; the check-ins after that are due again."
        ),
        "{}",
        page.body
    );
    // The check-ins it covered stay paused, not missed …
    for n in [1, 2] {
        let page = maya.get(&path(&id, n)).await;
        assert!(page.body.contains("status paused"), "{n}: {}", page.body);
    }
    let list = jonas.get(&format!("/p/{id}/checkins")).await;
    assert!(
        list.body.contains(
            "Pause from Monday 9 March 2026 to Tuesday 17 March 2026: Three weeks of travel"
        ),
        "{}",
        list.body
    );
    let dashboard = jonas.get(&format!("/p/{id}/dashboard")).await;
    assert!(
        // The first check-in, before the pause, was not recorded.
        dashboard
            .body
            .contains("0 check-ins held, 1 missed, 2 paused"),
        "{}",
        dashboard.body
    );
    // … and the one after the withdrawal is due again.
    during(app, 3);
    let page = maya.get(&path(&id, 3)).await;
    assert!(page.body.contains("status open"), "{}", page.body);
}

on_both_databases!(withdrawing_a_pause_under_way_keeps_its_past: under_way_sqlite, under_way_postgres);
