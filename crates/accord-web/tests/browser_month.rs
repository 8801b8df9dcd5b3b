//! A month of weekly check-ins in real headless Chromium, with the app's
//! clock moved by the test and the reminder worker stepped at the times it
//! would wake: Maya and Jonas (logged in, each in a browser) prepare, hold
//! and record their check-ins; Jonas records one from the link in his
//! reminder e-mail in a browser that never logged in; a miss climbs the
//! ladder and both see the agreed response; they agree a pause and its
//! check-in is neither due nor reminded; a check-in nobody records fires
//! the missed-check-in protocol. The month crosses the change to summer
//! time (29 March 2026), and the check-ins stay at 08:00 in Berlin.
//!
//! Needs `chromedriver` and `/usr/bin/chromium` (see `browser.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser_support;
mod checkin_pages_support;
mod common;

use accord_web::Clock;
use accord_web::worker::Worker;
use browser_support::{Browser, Driver};
use checkin_pages_support::{AGREEMENT, path as page, sign, start};
use common::{TestApp, full_partnership};
use jiff::{SignedDuration, Timestamp};

const TITLE: &str = "Maya and Jonas";

/// Sets the clock and steps the worker until a round finds nothing to do.
async fn wake_at(app: &TestApp, worker: &Worker, at: Timestamp) {
    app.clock.set(at);
    for _ in 0..20 {
        let r = worker.step().await.unwrap();
        if r.claimed == 0 && r.planned == 0 {
            return;
        }
    }
    panic!("the worker kept finding work at {at}");
}

/// The subjects of the e-mails sent to `to`, oldest first.
fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox
        .sent()
        .into_iter()
        .filter(|m| m.to == to)
        .map(|m| m.subject)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_partners_run_a_month_of_checkins_in_chromium() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = common::spawn_app().await;
    // The accounts and the signed agreement are arranged over HTTP (the
    // other browser test clicks through all of that); from here on
    // everything the partners do is done in the browsers.
    let (_, _, _, id) = full_partnership(&app).await;
    sign(&app, &id, AGREEMENT).await;
    let worker = Worker::new(app.state.clone(), 50).unwrap();
    let maya = driver.browser(&app.base, 1280, 900).await;
    let jonas = driver.browser(&app.base, 1280, 900).await;
    maya.log_in("maya@example.org").await;
    jonas.log_in("jonas@example.org").await;

    week_one_prepare_and_record(&app, &worker, &maya, &jonas, &id).await;
    week_two_from_the_reminder_link(&app, &driver, &worker, &maya, &id).await;
    week_three_paused(&app, &worker, &maya, &jonas, &id).await;
    week_four_nobody_records(&app, &worker, &maya, &id).await;
    week_five_the_ladder_climbs(&app, &worker, &maya, &jonas, &id).await;
    the_month_in_the_list(&jonas, &id).await;

    // Every e-mail of the month went out once.
    let mut seen = std::collections::HashSet::new();
    for m in app.outbox.sent() {
        assert!(
            seen.insert((m.to.clone(), m.subject.clone(), m.body.clone())),
            "sent twice: {} to {}",
            m.subject,
            m.to
        );
    }
    assert_eq!(app.store.outbox_counts().await.unwrap().failed, 0);
    maya.close().await;
    jonas.close().await;
}

/// 3 March: Maya prepares in her browser on Monday; the reminder comes an
/// hour before; Jonas reads her answers once the check-in opens and records
/// it with her; the page shows the recap, which both get by e-mail.
async fn week_one_prepare_and_record(
    app: &TestApp,
    worker: &Worker,
    maya: &Browser,
    jonas: &Browser,
    id: &str,
) {
    // Signed on Monday at 10:00, after the time for the reminder to
    // prepare: none for this first one.
    wake_at(app, worker, app.clock.now()).await;
    assert!(app.outbox.sent().is_empty());

    maya.open(&format!("/p/{id}/checkins")).await;
    maya.text_with("#coming", "Tuesday 3 March 2026, 08:00")
        .await;
    maya.click_and_load(&format!("#coming a[href='{}']", page(id, 0)))
        .await;
    shows_status(maya, "upcoming").await;
    maya.text_with("main", "You facilitate.").await;
    assert_eq!(
        maya.value("textarea[name=committed]").await,
        "Book the one-to-ones every Monday",
        "the first prompt starts from her commitments"
    );
    maya.type_into("textarea[name=happened]", "Booked four of eight")
        .await;
    maya.type_into("textarea[name=want]", "Ask me about the other four")
        .await;
    maya.click_and_load("form.prepare button[type=submit]")
        .await;
    maya.text_with("[role=status]", "Your preparation is saved")
        .await;

    // Before the check-in opens Jonas only knows that she prepared.
    jonas.open(&page(id, 0)).await;
    jonas.text_with("#preparation", "Maya has prepared").await;
    assert!(!jonas.text("#preparation").await.contains("Booked four"));

    // Tuesday 07:00 Berlin: the reminder an hour before, to both.
    wake_at(
        app,
        worker,
        start(0).checked_sub(SignedDuration::from_hours(1)).unwrap(),
    )
    .await;
    for to in ["maya@example.org", "jonas@example.org"] {
        assert_eq!(subjects(app, to), [format!("Check-in in an hour: {TITLE}")]);
    }
    // Tuesday 08:30 Berlin: it is open, her answers are in front of him.
    app.clock
        .set(start(0).checked_add(SignedDuration::from_mins(30)).unwrap());
    jonas.open(&page(id, 0)).await;
    jonas
        .text_with("article.prep", "Booked four of eight")
        .await;
    jonas
        .text_with("article.prep", "Ask me about the other four")
        .await;
    fill_record(jonas, &["kept"], &["kept", "partly-kept"]).await;
    jonas
        .click_and_load("form.checkin button[type=submit]")
        .await;
    shows_status(jonas, "recorded").await;
    jonas
        .text_with("#recap", "Next check-in: Tuesday 10 March 2026, 08:00")
        .await;
    assert!(!jonas.has("#as-agreed").await, "nobody missed");

    wake_at(app, worker, app.clock.now()).await;
    for to in ["maya@example.org", "jonas@example.org"] {
        assert_eq!(
            subjects(app, to).last().unwrap(),
            &format!("Check-in recap: {TITLE}")
        );
    }
    maya.open(&page(id, 0)).await;
    maya.text_with("#recap", "Held five one-to-ones").await;
}

/// 10 March: Jonas records the check-in from the link in his reminder, in
/// a browser that never logged in. Maya missed her commitment: the first
/// step of the ladder fires and both see it.
async fn week_two_from_the_reminder_link(
    app: &TestApp,
    driver: &Driver,
    worker: &Worker,
    maya: &Browser,
    id: &str,
) {
    // Monday 9 March, 08:00 Berlin: the reminder to prepare.
    wake_at(app, worker, "2026-03-09T07:00:00Z".parse().unwrap()).await;
    let mail = app
        .outbox
        .sent()
        .into_iter()
        .rev()
        .find(|m| m.to == "jonas@example.org")
        .unwrap();
    assert_eq!(mail.subject, format!("Prepare for your check-in: {TITLE}"));
    let from = mail
        .body
        .find(&format!("{}/c/", app.base))
        .expect("the reminder carries a check-in link");
    let link: String = mail.body[from..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();

    app.clock
        .set(start(1).checked_add(SignedDuration::from_mins(20)).unwrap());
    let phone = driver.browser(&app.base, 400, 850).await;
    phone.open_url(&link).await;
    phone.text_with("#through-link", "You are Jonas Berg").await;
    fill_record(&phone, &["missed"], &["kept", "kept"]).await;
    phone
        .click_and_load("form.checkin button[type=submit]")
        .await;
    phone
        .text_with("[role=status]", "The check-in is recorded")
        .await;
    phone.text_with("main", "This link has now been used").await;
    let said = phone.text_with("#as-agreed", "Maya, a miss.").await;
    assert!(
        said.contains("The partner asks what got in the way"),
        "{said}"
    );
    // The link is spent.
    phone.open_url(&link).await;
    phone.text_with("main", "used already").await;
    phone.close().await;

    maya.open(&page(id, 1)).await;
    maya.text_with(".checkin-status", "Recorded by Jonas Berg")
        .await;
    maya.text_with("#as-agreed", "The partner asks what got in the way")
        .await;
}

/// 17 March: Maya proposes a pause for that week, Jonas agrees; its
/// check-in shows paused and no reminder goes out for it.
async fn week_three_paused(
    app: &TestApp,
    worker: &Worker,
    maya: &Browser,
    jonas: &Browser,
    id: &str,
) {
    wake_at(app, worker, "2026-03-11T09:00:00Z".parse().unwrap()).await;
    maya.open(&format!("/p/{id}/pauses")).await;
    set_date(maya, "first_day", "2026-03-16").await;
    set_date(maya, "last_day", "2026-03-22").await;
    maya.type_into("#reason", "Jonas is at his sister's wedding")
        .await;
    maya.click_and_load("#propose button[type=submit]").await;
    maya.text_with("[role=status]", "Pause proposed").await;
    maya.text_with("#pause-list", "1 check-in falls in it.")
        .await;
    assert!(
        !maya
            .text("#pause-list")
            .await
            .contains("Agree to this pause"),
        "the proposer does not agree to her own pause"
    );

    jonas.open(&format!("/p/{id}/pauses")).await;
    jonas
        .text_with("#pause-list", "Proposed by Maya Chen")
        .await;
    jonas
        .click_and_load("#pause-list form[action$='/agree'] button")
        .await;
    jonas.text_with("#pause-list", "Agreed by Jonas Berg").await;

    // The week of the pause: no reminder for its check-in.
    let before = app.outbox.sent().len();
    for at in [
        "2026-03-16T07:00:00Z",
        "2026-03-17T06:00:00Z",
        "2026-03-17T07:30:00Z",
        "2026-03-19T07:30:00Z",
    ] {
        wake_at(app, worker, at.parse().unwrap()).await;
    }
    let during: Vec<String> = app.outbox.sent()[before..]
        .iter()
        .map(|m| m.subject.clone())
        .filter(|s| !s.starts_with("Boundary"))
        .collect();
    assert!(during.is_empty(), "sent during the pause: {during:?}");

    maya.open(&page(id, 2)).await;
    shows_status(maya, "paused").await;
    assert!(!maya.has("form.checkin").await, "nothing to record");
    maya.open(&format!("/p/{id}/checkins")).await;
    maya.find("#history tr.paused").await;
    maya.text_with("#history", "Jonas is at his sister's wedding")
        .await;
}

/// 24 March: the reminders go out, nobody records it; when the grace
/// window closes the missed-check-in protocol fires, by e-mail and on the
/// page.
async fn week_four_nobody_records(app: &TestApp, worker: &Worker, maya: &Browser, id: &str) {
    wake_at(app, worker, "2026-03-23T07:00:00Z".parse().unwrap()).await;
    wake_at(app, worker, "2026-03-24T06:00:00Z".parse().unwrap()).await;
    let maya_got = subjects(app, "maya@example.org");
    assert!(maya_got.ends_with(&[
        format!("Prepare for your check-in: {TITLE}"),
        format!("Check-in in an hour: {TITLE}"),
    ]));
    // Thursday 26 March, 08:00 Berlin: the grace window closes.
    wake_at(app, worker, "2026-03-26T07:00:00Z".parse().unwrap()).await;
    assert_eq!(
        subjects(app, "maya@example.org").last().unwrap(),
        &format!("Missed check-in: {TITLE}")
    );
    maya.open(&page(id, 3)).await;
    shows_status(maya, "missed").await;
    maya.text_with("#as-agreed", "Nobody recorded this check-in in time.")
        .await;
    maya.text_with("#as-agreed", "proposes a new slot within 48 hours")
        .await;
}

/// 31 March, the first Tuesday of summer time: still 08:00 in Berlin. Maya
/// records it and misses again: two misses in a row, the second step.
async fn week_five_the_ladder_climbs(
    app: &TestApp,
    worker: &Worker,
    maya: &Browser,
    jonas: &Browser,
    id: &str,
) {
    assert_eq!(start(4).to_string(), "2026-03-31T06:00:00Z");
    app.clock
        .set(start(4).checked_add(SignedDuration::from_mins(10)).unwrap());
    maya.open(&page(id, 4)).await;
    maya.text_with("h1", "Tuesday 31 March 2026, 08:00").await;
    shows_status(maya, "open").await;
    fill_record(maya, &["missed"], &["kept", "kept"]).await;
    maya.click_and_load("form.checkin button[type=submit]")
        .await;
    shows_status(maya, "recorded").await;
    let said = maya
        .text_with("#as-agreed", "Maya, 2 misses in a row.")
        .await;
    assert!(said.contains("We call our coach together"), "{said}");
    jonas.open(&page(id, 4)).await;
    jonas
        .text_with("#as-agreed", "We call our coach together")
        .await;
    wake_at(app, worker, app.clock.now()).await;
    let recap = app
        .outbox
        .sent()
        .into_iter()
        .rev()
        .find(|m| m.to == "jonas@example.org")
        .unwrap();
    assert_eq!(recap.subject, format!("Check-in recap: {TITLE}"));
    assert!(
        recap.body.contains("We call our coach together"),
        "{}",
        recap.body
    );
}

/// The list tells the month: three recorded, one paused, one missed, the
/// log of what fired and the latest recap.
async fn the_month_in_the_list(jonas: &Browser, id: &str) {
    jonas.open(&format!("/p/{id}/checkins")).await;
    let statuses = jonas
        .js("return Array.from(document.querySelectorAll('#history tbody tr')).map(r => r.className)")
        .await;
    let mut statuses: Vec<String> = serde_json::from_value(statuses).unwrap();
    statuses.sort();
    assert_eq!(
        statuses,
        ["missed", "paused", "recorded", "recorded", "recorded"]
    );
    let log = jonas
        .text_with("#consequences", "Maya, 2 misses in a row")
        .await;
    assert!(log.contains("Maya, a miss"), "{log}");
    assert!(
        log.contains("Nobody recorded the check-in in time"),
        "{log}"
    );
    jonas
        .text_with(
            "#latest-recap",
            "Next check-in: Tuesday 7 April 2026, 08:00",
        )
        .await;
}

/// Fills in the record form: each party's outcome for each commitment due
/// (with what got in the way when it was not kept), well-being, a win, the
/// next commitments and a next step; Maya's indicator too.
async fn fill_record(b: &Browser, maya: &[&str], jonas: &[&str]) {
    b.find("form.checkin").await;
    for (i, outcomes) in [maya, jonas].iter().enumerate() {
        for (j, outcome) in outcomes.iter().enumerate() {
            let name = format!("reports[{i}].reviewed[{j}]");
            b.click(&format!("input[name='{name}.outcome'][value='{outcome}']"))
                .await;
            if *outcome != "kept" {
                b.type_into(
                    &format!("input[name='{name}.obstacle']"),
                    "A week of late deliveries",
                )
                .await;
            }
        }
        for (score, value) in [("stress", "3"), ("energy", "4")] {
            b.click(&format!(
                "input[name='reports[{i}].wellbeing.{score}'][value='{value}']"
            ))
            .await;
        }
        b.type_into(
            &format!("input[name='reports[{i}].next_step']"),
            "Block Monday 09:00",
        )
        .await;
    }
    b.type_into("input[name='reports[0].indicators.0']", "5")
        .await;
    b.type_into("input[name='reports[0].win']", "Held five one-to-ones")
        .await;
    b.type_into(
        "textarea[name='reports[0].next_commitments']",
        "Book the one-to-ones every Monday",
    )
    .await;
    b.type_into(
        "input[name='reports[1].win']",
        "The deputy wrote the report",
    )
    .await;
    b.type_into(
        "textarea[name='reports[1].next_commitments']",
        "Review one draft with my deputy\nHand over the template",
    )
    .await;
}

/// Waits until the check-in page's status badge is `status` (its class and
/// word; the badge's letters are capitals only by style).
async fn shows_status(b: &Browser, status: &str) {
    b.find(&format!(".checkin-status .status.{status}")).await;
}

/// Sets a date field as its picker would (typing into one depends on the
/// browser's locale).
async fn set_date(b: &Browser, id: &str, value: &str) {
    b.find(&format!("#{id}")).await;
    b.js(&format!(
        "document.getElementById('{id}').value = '{value}'"
    ))
    .await;
}
