//! Helpers for the check-in and pause page tests (`checkins.rs`,
//! `pauses.rs`): a weekly agreement (Tuesday 08:00 Europe/Berlin, a ladder
//! of two steps, a boundary, well-being tracked) that both partners sign,
//! the check-ins' start times and pages, and a complete check-in form.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use accord_store::{PartnershipId, UserId};
use accord_web::Clock;
use jiff::{SignedDuration, Timestamp};

use crate::common::{Client, Page, TestApp, full_partnership};

/// The agreement both partners sign.
pub const AGREEMENT: &str = r#"
format = 1
title = "Maya and Jonas"
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"
email = "maya@example.org"

[[party]]
id = "jonas"
name = "Jonas Berg"
email = "jonas@example.org"

[[goal]]
party = "maya"
outcome = "Hold a one-to-one with each report every fortnight"
indicator = "one-to-ones held"
unit = "meetings"
actions = ["Book the one-to-ones every Monday"]

[[goal]]
party = "jonas"
outcome = "Delegate the weekly report"
indicator = "reports written by the deputy"
actions = ["Review one draft with my deputy", "Hand over the template"]

[[boundary]]
party = "maya"
rule = "No work e-mail after 19:00"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
minutes = 25
facilitation = "rotating"
missed_checkin = "The one who missed proposes a new slot within 48 hours."

[agenda]
items = ["Commitments since last time", "What got in the way", "Commitments for the coming week"]

[[consequence]]
after_misses = 1
response = "The partner asks what got in the way; the one who missed names one change."

[[consequence]]
after_misses = 2
response = "We call our coach together within a week."

[wellbeing]
track = ["stress", "energy"]
"#;

/// A partnership id from a URL's.
pub fn pid(id: &str) -> PartnershipId {
    PartnershipId::parse(id).unwrap()
}

/// The account with this e-mail.
pub async fn user(app: &TestApp, email: &str) -> UserId {
    app.store.user_by_email(email).await.unwrap().unwrap().id
}

/// Replaces the draft with `toml` and has both partners sign it now.
pub async fn sign(app: &TestApp, id: &str, toml: &str) {
    accord_core::parse_toml(toml).expect("the test agreement is valid");
    let store = app.store.as_ref();
    let p = store.partnership(&pid(id)).await.unwrap().unwrap();
    let now = app.clock.now();
    let rev = store
        .save_draft(&pid(id), p.draft_revision, toml, now)
        .await
        .unwrap();
    for email in ["maya@example.org", "jonas@example.org"] {
        let u = user(app, email).await;
        store.sign_draft(&pid(id), rev, &u, now).await.unwrap();
    }
}

/// The partnership with its agreement signed: (maya, jonas, coach, id).
pub async fn signed(app: &TestApp) -> (Client, Client, Client, String) {
    let (maya, jonas, coach, id) = full_partnership(app).await;
    sign(app, &id, AGREEMENT).await;
    (maya, jonas, coach, id)
}

/// The start of check-in `n` (Tuesdays from 3 March 2026, 08:00 Berlin).
/// Counted in weeks on Berlin's calendar, so check-in 4 (31 March) is at
/// 06:00Z after the change to summer time, as the schedule has it.
pub fn start(n: i64) -> Timestamp {
    let first: jiff::Zoned = "2026-03-03T08:00[Europe/Berlin]".parse().unwrap();
    first
        .checked_add(jiff::Span::new().weeks(n))
        .unwrap()
        .timestamp()
}

/// The page of check-in `n`.
pub fn path(id: &str, n: i64) -> String {
    format!("/p/{id}/checkins/{}", start(n).as_millisecond())
}

/// Sets the clock half an hour into check-in `n`: it is open.
pub fn during(app: &TestApp, n: i64) {
    app.clock
        .set(start(n).checked_add(SignedDuration::from_mins(30)).unwrap());
}

/// A complete form: Maya's and Jonas's outcomes for their due commitments
/// (a not-kept one gets an obstacle), and the same commitments again.
pub fn complete(maya: &[&str], jonas: &[&str]) -> Vec<(String, String)> {
    let mut f = Vec::new();
    let mut add = |k: String, v: &str| f.push((k, v.to_owned()));
    for (i, outcomes) in [maya, jonas].iter().enumerate() {
        for (j, o) in outcomes.iter().enumerate() {
            add(format!("reports[{i}].reviewed[{j}].outcome"), o);
            if *o != "kept" {
                add(
                    format!("reports[{i}].reviewed[{j}].obstacle"),
                    "A week of late deliveries",
                );
            }
        }
        add(format!("reports[{i}].wellbeing.stress"), "3");
        add(format!("reports[{i}].wellbeing.energy"), "4");
        add(format!("reports[{i}].next_step"), "Block Monday 09:00");
    }
    add("reports[0].indicators.0".into(), "5");
    add("reports[0].slips.0".into(), "on");
    add("reports[0].slips.0.note".into(), "Answered the board once");
    add("reports[0].win".into(), "Held five one-to-ones");
    add(
        "reports[0].next_commitments".into(),
        "Book the one-to-ones every Monday",
    );
    add("reports[1].win".into(), "The deputy wrote the report");
    add(
        "reports[1].next_commitments".into(),
        "Review one draft with my deputy\nHand over the template",
    );
    f
}

/// The form with field `name` set to `value` (it must be there).
pub fn with(mut form: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    let field = form.iter_mut().find(|(k, _)| k == name);
    field.expect("a field of the complete form").1 = value.to_owned();
    form
}

/// POSTs owned pairs with the client's CSRF token.
pub async fn post(c: &mut Client, path: &str, form: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(path, &fields).await
}

/// Records check-in `n` as `c` (it must be open) and checks it saved.
pub async fn record(c: &mut Client, id: &str, n: i64, form: &[(String, String)]) {
    let page = c.get(&path(id, n)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let saved = post(c, &path(id, n), form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}
