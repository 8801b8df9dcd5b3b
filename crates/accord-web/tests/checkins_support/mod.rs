//! The check-in API tests' world: the agreement the partners sign, its
//! first check-ins, a partnership signed over the API, and small helpers to
//! write reports and read lists.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::api_support::{Api, api_partnership, user};
use crate::common::TestApp;

/// The agreement the partners sign: weekly on Tuesday at 08:00 in Berlin,
/// a goal with an action and an indicator each, a boundary, two well-being
/// indicators and a two-step ladder.
pub const AGREEMENT: &str = r#"format = 1
title = "Maya and Jonas"
scenario = "parallel-transitions"
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
outcome = "Hold a one-to-one with each of my reports every fortnight"
indicator = "one-to-ones held"
unit = "meetings per fortnight"
baseline = 3
target = 8
actions = ["Book the one-to-ones every Monday morning"]

[[goal]]
party = "jonas"
outcome = "Delegate the weekly shipment report to my deputy"
indicator = "reports written by the deputy"
baseline = 0
target = 4
actions = ["Review one report draft with my deputy each Thursday"]

[[boundary]]
party = "maya"
rule = "No work e-mail after 19:00 on weekdays"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
minutes = 30
facilitation = "rotating"
missed_checkin = "Whoever missed proposes a new slot within 48 hours."

[agenda]
items = ["Commitments since last time", "What got in the way", "Commitments for the coming week"]

[[consequence]]
after_misses = 1
response = "The partner asks what got in the way; the one who missed names one change."

[[consequence]]
after_misses = 2
response = "We call the coach together within a week."

[wellbeing]
track = ["stress", "energy"]
"#;

pub const STEP_1: &str =
    "The partner asks what got in the way; the one who missed names one change.";
pub const STEP_2: &str = "We call the coach together within a week.";
pub const MAYA_ACTION: &str = "Book the one-to-ones every Monday morning";
pub const JONAS_ACTION: &str = "Review one report draft with my deputy each Thursday";

/// The first check-ins: Tuesdays at 08:00 in Berlin (CET, then CEST from
/// 29 March).
pub const T0: &str = "2026-03-03T07:00:00Z";
pub const T1: &str = "2026-03-10T07:00:00Z";
pub const T2: &str = "2026-03-17T07:00:00Z";
pub const T3: &str = "2026-03-24T07:00:00Z";
pub const T4: &str = "2026-03-31T06:00:00Z";

/// Two partners, a coach, a stranger, and the partnership's API path.
pub struct Pact {
    pub maya: Api,
    pub jonas: Api,
    pub ruth: Api,
    pub olga: Api,
    /// `/api/v1/partnerships/{id}`.
    pub p: String,
}

/// A partnership over the API with the agreement signed by both partners
/// on Monday 2 March 2026 at 09:00 UTC (the clock does not move).
pub async fn signed(app: &TestApp) -> Pact {
    let (maya, jonas, ruth, id) = api_partnership(app).await;
    let olga = user(
        app,
        &maya.with_token(None),
        "Olga Stranger",
        "olga@example.org",
    )
    .await;
    let p = format!("/api/v1/partnerships/{id}");
    // Nothing is in force yet: there are no check-ins to list.
    let e = maya.get(&format!("{p}/checkins")).await;
    e.error(409, "conflict", None);
    let draft = maya.get(&format!("{p}/draft")).await.ok(200);
    let rev = maya
        .put(
            &format!("{p}/draft"),
            json!({"revision": draft["revision"], "toml": AGREEMENT}),
        )
        .await
        .ok(200)["revision"]
        .clone();
    for who in [&maya, &jonas] {
        who.post(&format!("{p}/sign"), json!({"revision": rev}))
            .await
            .ok(200);
    }
    Pact {
        maya,
        jonas,
        ruth,
        olga,
        p,
    }
}

/// Moves the app's clock forward.
pub fn advance(app: &TestApp, hours: i64) {
    app.clock.advance(SignedDuration::from_hours(hours));
}

/// One party's report: each commitment with its outcome (and an obstacle
/// when not kept), both well-being scores, a win and what comes next.
pub fn report(party: &str, reviewed: &[(&str, &str)], next: &str) -> Value {
    let reviewed: Vec<Value> = reviewed
        .iter()
        .map(|(c, outcome)| match *outcome {
            "kept" => json!({"commitment": c, "outcome": "kept"}),
            o => json!({"commitment": c, "outcome": o, "obstacle": "A week of fire drills"}),
        })
        .collect();
    json!({
        "party": party,
        "reviewed": reviewed,
        "wellbeing": [{"indicator": "stress", "score": 3}, {"indicator": "energy", "score": 4}],
        "win": "Said no to one meeting",
        "next_commitments": [next],
        "next_step": "Put it in the calendar today",
    })
}

/// A check-in's path.
pub fn at(p: &str, when: &str) -> String {
    format!("{p}/checkins/{when}")
}

/// The status of each listed check-in, by start.
pub fn statuses(list: &Value) -> Vec<(String, String)> {
    list["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["at"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The status of the listed check-in that starts at `when`.
pub fn status_of(list: &Value, when: &str) -> String {
    statuses(list)
        .into_iter()
        .find(|(a, _)| a == when)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("{when} is not listed: {list}"))
}

/// The fields of the problems in an error answer.
pub fn fields(body: &accord_web::error::ErrorBody) -> Vec<String> {
    body.problems
        .iter()
        .map(|p| p.field.clone().unwrap_or_default())
        .collect()
}
