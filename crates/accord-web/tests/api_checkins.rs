//! Check-ins and pauses over the JSON API, end to end on a real server: an
//! agreement signed over the API with a weekly check-in (Tuesday 08:00,
//! Europe/Berlin), the app's clock moved to its check-ins. The main story
//! (listing, preparation and who sees it, recording with the consequence
//! ladder, idempotency keys, incomplete records, notes and their privacy,
//! coaches and strangers) runs on SQLite and on PostgreSQL when
//! `ACCORD_TEST_POSTGRES_URL` is set; the ladder over three weeks and the
//! pauses run on SQLite. Every status seen is checked against the OpenAPI
//! document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod checkins_support;
mod common;

use api_support::*;
use checkins_support::*;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(story: checkins_over_the_api_on_sqlite, checkins_over_the_api_on_postgres);

/// The main story, at the first check-in: the schedule, preparing and who
/// sees it, recording (incomplete, complete, retried with and without an
/// Idempotency-Key) with the step of the ladder it fires, notes and who
/// reads them, and what a coach and a stranger may do.
async fn story(app: &TestApp) {
    let pact = signed(app).await;
    let Pact {
        maya,
        jonas,
        ruth,
        olga,
        p,
    } = &pact;

    // The schedule, by default from the signing to eight weeks ahead.
    let list = maya.get(&format!("{p}/checkins")).await.ok(200);
    assert_eq!(
        (list["version"].as_i64(), list["timezone"].as_str()),
        (Some(1), Some("Europe/Berlin"))
    );
    let all = list["occurrences"].as_array().unwrap();
    assert_eq!(all.len(), 8, "{list}");
    assert_eq!(
        all[0],
        json!({"at": T0, "local": "2026-03-03T08:00:00+01:00[Europe/Berlin]",
            "ends": "2026-03-03T07:30:00Z", "number": 0, "facilitator": "maya", "status": "upcoming"})
    );
    assert_eq!(all[1]["facilitator"], "jonas", "facilitation rotates");
    assert_eq!(
        (all[4]["at"].as_str(), all[4]["local"].as_str()),
        (Some(T4), Some("2026-03-31T08:00:00+02:00[Europe/Berlin]")),
        "08:00 in Berlin after the change to summer time"
    );
    // A range of the caller's choosing, within two years.
    let q = maya
        .get(&format!("{p}/checkins?from={T1}&to={T3}"))
        .await
        .ok(200);
    assert_eq!(statuses(&q).len(), 2);
    maya.get(&format!("{p}/checkins?from={T0}&to=2028-03-04T00:00:00Z"))
        .await
        .error(422, "invalid", Some("to"));
    maya.get(&format!("{p}/checkins?from=next-tuesday"))
        .await
        .error(422, "invalid", Some("from"));

    // Preparing before the check-in opens: each partner sees only their own.
    let prep = json!({"committed": "Book the one-to-ones", "happened": "Booked five of eight",
        "want": "Ask me about the other three"});
    let saved = maya
        .put(&format!("{}/preparation", at(p, T0)), prep.clone())
        .await
        .ok(200);
    assert_eq!(
        (saved["party"].as_str(), saved["want"].as_str()),
        (Some("maya"), Some("Ask me about the other three"))
    );
    jonas
        .put(
            &format!("{}/preparation", at(p, T0)),
            json!({"committed": "Review a draft", "happened": "Did it", "want": "Nothing today"}),
        )
        .await
        .ok(200);
    let seen = |v: &Value| -> Vec<String> {
        v["preparations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["party"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(seen(&jonas.get(&at(p, T0)).await.ok(200)), ["jonas"]);
    assert_eq!(seen(&maya.get(&at(p, T0)).await.ok(200)), ["maya"]);
    assert!(seen(&ruth.get(&at(p, T0)).await.ok(200)).is_empty());
    maya.put(
        &format!("{}/preparation", at(p, T0)),
        json!({"committed": "x", "happened": "y", "want": " "}),
    )
    .await
    .error(422, "invalid", Some("want"));

    // Recording before it opens is refused.
    let complete = json!({"reports": [
        report("maya", &[(MAYA_ACTION, "missed")], "Book the one-to-ones on Monday at nine"),
        report("jonas", &[(JONAS_ACTION, "kept")], "Let my deputy send the report alone"),
    ], "note": {"text": "I was exhausted all week.", "private": true}});
    maya.post(&at(p, T0), complete.clone())
        .await
        .error(409, "conflict", None);

    // At the check-in: it is open, and the partner's preparation shows.
    advance(app, 22);
    let detail = jonas.get(&at(p, T0)).await.ok(200);
    assert_eq!(detail["occurrence"]["status"], "open");
    assert_eq!(seen(&detail), ["maya", "jonas"]);
    assert!(
        seen(&ruth.get(&at(p, T0)).await.ok(200)).is_empty(),
        "a coach sees no preparation"
    );
    assert_eq!(detail["agenda"].as_array().unwrap().len(), 3);
    assert_eq!(
        detail["expected"],
        json!([{"party": "maya", "name": "Maya Chen", "commitments": [MAYA_ACTION]},
            {"party": "jonas", "name": "Jonas Berg", "commitments": [JONAS_ACTION]}])
    );
    assert_eq!(detail["closes_at"], "2026-03-05T07:00:00Z");
    assert!(detail["record"].is_null());

    // The coach writes nothing; a stranger sees nothing.
    for r in [
        ruth.post(&at(p, T0), complete.clone()).await,
        ruth.put(&format!("{}/preparation", at(p, T0)), prep.clone())
            .await,
        ruth.post(
            &format!("{}/notes", at(p, T0)),
            json!({"text": "Well done"}),
        )
        .await,
    ] {
        r.error(403, "forbidden", None);
    }
    for r in [
        olga.get(&format!("{p}/checkins")).await,
        olga.get(&at(p, T0)).await,
        olga.post(&at(p, T0), complete.clone()).await,
        olga.put(&format!("{}/preparation", at(p, T0)), prep.clone())
            .await,
        olga.get(&format!("{p}/consequences")).await,
    ] {
        r.error(404, "not_found", None);
    }

    // An incomplete record: every problem, each with its field.
    let mut incomplete = complete.clone();
    incomplete["reports"][0]["win"] = json!("  ");
    incomplete["reports"][1]
        .as_object_mut()
        .unwrap()
        .remove("next_step");
    incomplete["reports"][1]["wellbeing"] = json!([{"indicator": "stress", "score": 9}]);
    let e = maya.post(&at(p, T0), incomplete).await;
    let body = e.error(422, "invalid", Some("reports[0].win"));
    let f = fields(&body);
    for expected in [
        "reports[0].win",
        "reports[1].next_step",
        "reports[1].wellbeing.energy",
        "reports[1].wellbeing.stress",
    ] {
        assert!(f.contains(&expected.to_owned()), "{expected} in {f:?}");
    }

    // Recorded, once per Idempotency-Key.
    let key = [("Idempotency-Key", "checkin-t0")];
    let first = maya
        .send(Method::POST, &at(p, T0), Some(complete.clone()), &key)
        .await;
    let recorded = first.ok(201);
    assert_eq!(recorded["at"], T0);
    assert_eq!(recorded["version"], 1);
    assert_eq!(recorded["recorded_by_name"], "Maya Chen");
    assert_eq!(
        recorded["record"]["reports"][0]["reviewed"][0]["outcome"],
        "missed"
    );
    assert_eq!(
        recorded["fired"],
        json!([{"party": "maya", "misses": 1, "after_misses": 1, "response": STEP_1}])
    );
    let recap = recorded["recap"].as_str().unwrap();
    assert!(
        recap.contains(STEP_1) && recap.contains("Let my deputy send the report alone"),
        "{recap}"
    );
    assert!(
        !recap.contains("exhausted"),
        "a private note never reaches the recap"
    );
    let again = maya
        .send(Method::POST, &at(p, T0), Some(complete.clone()), &key)
        .await;
    assert_eq!(
        (again.status, again.text.as_str()),
        (201, first.text.as_str())
    );
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let mut other = complete.clone();
    other["reports"][0]["win"] = json!("Another win");
    maya.send(Method::POST, &at(p, T0), Some(other), &key)
        .await
        .error(422, "invalid", Some("Idempotency-Key"));
    maya.post(&at(p, T0), complete.clone())
        .await
        .error(409, "conflict", None);
    jonas
        .post(&at(p, T0), complete.clone())
        .await
        .error(409, "conflict", None);
    let list = maya.get(&format!("{p}/checkins")).await.ok(200);
    let recorded_count = statuses(&list)
        .iter()
        .filter(|(_, s)| s == "recorded")
        .count();
    assert_eq!(recorded_count, 1);
    assert_eq!(status_of(&list, T0), "recorded");
    assert_eq!(status_of(&list, T1), "upcoming");

    // The step that fired is in the log, once.
    let log = ruth.get(&format!("{p}/consequences")).await.ok(200);
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert_eq!(
        (
            log[0]["at"].as_str(),
            log[0]["kind"].as_str(),
            log[0]["party"].as_str(),
            log[0]["misses"].as_i64(),
            log[0]["response"].as_str()
        ),
        (
            Some(T0),
            Some("ladder"),
            Some("maya"),
            Some(1),
            Some(STEP_1)
        )
    );

    // Notes: private ones only for their author.
    advance(app, 1);
    jonas
        .post(
            &format!("{}/notes", at(p, T0)),
            json!({"text": "Proud of the report.", "private": false}),
        )
        .await
        .ok(201);
    advance(app, 1);
    let mine = maya
        .post(
            &format!("{}/notes", at(p, T0)),
            json!({"text": "Talk to Ruth about energy.", "private": true}),
        )
        .await
        .ok(201);
    assert_eq!(
        (mine["private"].as_bool(), mine["author_name"].as_str()),
        (Some(true), Some("Maya Chen"))
    );
    maya.post(&format!("{}/notes", at(p, T0)), json!({"text": " "}))
        .await
        .error(422, "invalid", Some("text"));
    maya.post(&format!("{}/notes", at(p, T1)), json!({"text": "Early"}))
        .await
        .error(409, "conflict", None);
    let notes = |v: Value| -> Vec<String> {
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        notes(maya.get(&at(p, T0)).await.ok(200)),
        [
            "I was exhausted all week.",
            "Proud of the report.",
            "Talk to Ruth about energy."
        ]
    );
    assert_eq!(
        notes(jonas.get(&at(p, T0)).await.ok(200)),
        ["Proud of the report."]
    );
    let coach_view = ruth.get(&at(p, T0)).await.ok(200);
    assert_eq!(notes(coach_view.clone()), ["Proud of the report."]);
    assert_eq!(
        coach_view["record"]["record"]["reports"][1]["party"],
        "jonas"
    );
    assert_eq!(coach_view["consequences"].as_array().unwrap().len(), 1);

    // The same check-in by its unix milliseconds; other instants are not
    // check-ins.
    let t0: jiff::Timestamp = T0.parse().unwrap();
    let by_ms = maya
        .get(&at(p, &t0.as_millisecond().to_string()))
        .await
        .ok(200);
    assert_eq!(by_ms["occurrence"]["at"], T0);
    maya.get(&at(p, "2026-03-03T07:01:00Z"))
        .await
        .error(404, "not_found", None);
    maya.get(&at(p, "soon")).await.error(404, "not_found", None);
    // Preparing for a recorded check-in is too late.
    maya.put(&format!("{}/preparation", at(p, T0)), prep)
        .await
        .error(409, "conflict", None);

    let checked = check_seen_against(&document(maya).await, &maya.seen());
    assert!(checked > 50, "only {checked} requests were checked");
}

/// Three weekly check-ins where Maya misses: the ladder's steps 1, 2, 2
/// (there are only two), while Jonas, who keeps his, triggers nothing; a
/// check-in nobody records is missed once its window closes.
#[tokio::test]
async fn three_misses_in_a_row_climb_the_ladder_and_stay_on_its_top_step() {
    let app = spawn_app().await;
    let Pact { maya, jonas, p, .. } = signed(&app).await;
    advance(&app, 22);
    let mut maya_due = MAYA_ACTION.to_owned();
    let mut jonas_due = JONAS_ACTION.to_owned();
    let mut after = Vec::new();
    for (week, when) in [T0, T1, T2].into_iter().enumerate() {
        let (maya_next, jonas_next) = (format!("Maya, week {week}"), format!("Jonas, week {week}"));
        let body = json!({"reports": [
            report("maya", &[(&maya_due, "missed")], &maya_next),
            report("jonas", &[(&jonas_due, "kept")], &jonas_next),
        ]});
        let recorder = if week % 2 == 0 { &maya } else { &jonas };
        let r = recorder.post(&at(&p, when), body).await.ok(201);
        let fired = r["fired"].as_array().unwrap();
        assert_eq!(fired.len(), 1, "{r}");
        assert_eq!(
            (fired[0]["party"].as_str(), fired[0]["misses"].as_u64()),
            (Some("maya"), Some(week as u64 + 1))
        );
        after.push((
            fired[0]["after_misses"].as_u64().unwrap(),
            fired[0]["response"].as_str().unwrap().to_owned(),
        ));
        (maya_due, jonas_due) = (maya_next, jonas_next);
        advance(&app, 7 * 24);
    }
    assert_eq!(
        after,
        [
            (1, STEP_1.to_owned()),
            (2, STEP_2.to_owned()),
            (2, STEP_2.to_owned())
        ]
    );
    let log = jonas.get(&format!("{p}/consequences")).await.ok(200);
    let logged: Vec<(i64, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["misses"].as_i64().unwrap(),
                e["response"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(logged, [(1, STEP_1), (2, STEP_2), (3, STEP_2)]);
    // The commitments reviewed next are the last ones made.
    let next = maya.get(&at(&p, T3)).await.ok(200);
    assert_eq!(next["expected"][0]["commitments"], json!(["Maya, week 2"]));
    // Nobody records T3; at T4 its window has closed.
    advance(&app, 7 * 24);
    let list = maya.get(&format!("{p}/checkins")).await.ok(200);
    assert_eq!(
        [T0, T1, T2, T3, T4].map(|t| status_of(&list, t)),
        ["recorded", "recorded", "recorded", "missed", "open"]
    );
    maya.post(&at(&p, T3), json!({"reports": []}))
        .await
        .error(409, "conflict", None);
    check_seen_against(&document(&maya).await, &maya.seen());
}

/// Pauses: proposed by one partner, agreed by the other (never by the one
/// who proposed it, never by the coach); a check-in inside an agreed pause
/// is paused and cannot be recorded; withdrawn, it is due again; bad days
/// are refused with the field at fault.
#[tokio::test]
async fn an_agreed_pause_takes_its_check_ins_off_the_schedule() {
    let app = spawn_app().await;
    let Pact {
        maya,
        jonas,
        ruth,
        olga,
        p,
    } = signed(&app).await;
    advance(&app, 22); // Tuesday 3 March 2026, 08:00 in Berlin.
    let pauses = format!("{p}/pauses");
    let input =
        json!({"first_day": "2026-03-09", "last_day": "2026-03-11", "reason": "Conference week"});
    ruth.post(&pauses, input.clone())
        .await
        .error(403, "forbidden", None);
    olga.post(&pauses, input.clone())
        .await
        .error(404, "not_found", None);
    let proposed = maya.post(&pauses, input.clone()).await.ok(201);
    assert_eq!(
        (
            proposed["status"].as_str(),
            proposed["proposed_by_name"].as_str(),
            proposed["first_day"].as_str()
        ),
        (Some("proposed"), Some("Maya Chen"), Some("2026-03-09"))
    );
    let pid = proposed["id"].as_str().unwrap();
    let list = maya.get(&format!("{p}/checkins")).await.ok(200);
    assert_eq!(
        status_of(&list, T1),
        "upcoming",
        "a proposal alone pauses nothing"
    );
    maya.post(&format!("{pauses}/{pid}/agree"), json!({}))
        .await
        .error(409, "conflict", None);
    ruth.post(&format!("{pauses}/{pid}/agree"), json!({}))
        .await
        .error(403, "forbidden", None);
    let agreed = jonas
        .post(&format!("{pauses}/{pid}/agree"), json!({}))
        .await
        .ok(200);
    assert_eq!(agreed["status"], "agreed");
    jonas
        .post(&format!("{pauses}/{pid}/agree"), json!({}))
        .await
        .error(409, "conflict", None);
    let listed = ruth.get(&pauses).await.ok(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["status"], "agreed");
    let list = maya.get(&format!("{p}/checkins")).await.ok(200);
    assert_eq!(status_of(&list, T1), "paused");
    assert_eq!(status_of(&list, T2), "upcoming");

    // At the paused check-in nothing can be written.
    advance(&app, 7 * 24);
    let body = json!({"reports": [
        report("maya", &[(MAYA_ACTION, "kept")], "Next"),
        report("jonas", &[(JONAS_ACTION, "kept")], "Next"),
    ]});
    maya.post(&at(&p, T1), body.clone())
        .await
        .error(409, "conflict", None);
    maya.put(
        &format!("{}/preparation", at(&p, T1)),
        json!({"committed": "a", "happened": "b", "want": "c"}),
    )
    .await
    .error(409, "conflict", None);
    assert_eq!(
        maya.get(&at(&p, T1)).await.ok(200)["occurrence"]["status"],
        "paused"
    );

    // Days that do not make a pause; today is 10 March 2026 in Berlin.
    for (first, last, reason, field) in [
        ("2026-02-30", "2026-03-20", "Away", "first_day"),
        ("2026-3-20", "2026-03-21", "Away", "first_day"),
        ("2026-03-20", "tomorrow", "Away", "last_day"),
        ("2026-03-20", "2026-03-19", "Away", "last_day"),
        ("2026-03-20", "2026-10-01", "Away", "last_day"),
        ("2026-02-01", "2026-02-14", "Away", "last_day"),
        ("2026-03-20", "2026-03-21", "  ", "reason"),
    ] {
        maya.post(
            &pauses,
            json!({"first_day": first, "last_day": last, "reason": reason}),
        )
        .await
        .error(422, "invalid", Some(field));
    }
    maya.post(&pauses, json!({"first_day": "2026-03-20"}))
        .await
        .error(422, "invalid", Some("last_day"));

    // Withdrawn, the check-in inside is due again.
    olga.post(&format!("{pauses}/{pid}/withdraw"), json!({}))
        .await
        .error(404, "not_found", None);
    ruth.post(&format!("{pauses}/{pid}/withdraw"), json!({}))
        .await
        .error(403, "forbidden", None);
    let withdrawn = jonas
        .post(&format!("{pauses}/{pid}/withdraw"), json!({}))
        .await
        .ok(200);
    assert_eq!(withdrawn["status"], "withdrawn");
    maya.post(&format!("{pauses}/{pid}/withdraw"), json!({}))
        .await
        .error(409, "conflict", None);
    jonas
        .post(&format!("{pauses}/{pid}/agree"), json!({}))
        .await
        .error(409, "conflict", None);
    maya.post(
        &format!("{pauses}/00000000-0000-4000-8000-000000000000/agree"),
        json!({}),
    )
    .await
    .error(404, "not_found", None);
    assert_eq!(
        maya.get(&at(&p, T1)).await.ok(200)["occurrence"]["status"],
        "open"
    );
    maya.post(&at(&p, T1), body).await.ok(201);

    // No agreement in force: nothing to pause.
    let other = maya
        .post("/api/v1/partnerships", json!({"title": "Unsigned"}))
        .await
        .ok(201);
    maya.post(
        &format!(
            "/api/v1/partnerships/{}/pauses",
            other["id"].as_str().unwrap()
        ),
        input,
    )
    .await
    .error(409, "conflict", None);
    check_seen_against(&document(&maya).await, &maya.seen());
}
