//! Where a partnership stands, over the JSON API: the health report of a
//! version's period (`GET …/health`, the dashboard's figures) and the
//! member's export (`GET …/export`, the page's `export.json`). The
//! partnership is made on the pages (`common::full_partnership`), the
//! agreement of `checkin_pages_support` (weekly, Tuesday 08:00
//! Europe/Berlin) signed on Monday 2 March 2026 and four check-ins recorded
//! by Maya, her stress at 5 in the last two. Runs on SQLite, and on
//! PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set; every status seen is
//! checked against the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod checkin_pages_support;
mod common;

use accord_store::export::{Export, Scope};
use api_support::{Api, PASSWORD, check_seen_against, document};
use checkin_pages_support::{AGREEMENT, complete, during, path, record, sign, with};
use common::*;
use serde_json::{Value, json};

/// Maya's private note, written while recording the first check-in.
const PRIVATE: &str = "I am more tired than I let on";
/// Her shared note on it.
const SHARED: &str = "Thanks for holding me to it";

/// A client of the API with a fresh token for an account made on the pages.
async fn bearer(base: &Api, email: &str) -> Api {
    let body = base
        .with_token(None)
        .post(
            "/api/v1/tokens",
            json!({"email": email, "password": PASSWORD, "label": "standing"}),
        )
        .await
        .ok(201);
    base.with_token(Some(body["token"].as_str().unwrap()))
}

/// The signals of a report, as (kind, party).
fn signals(health: &Value) -> Vec<(String, String)> {
    health["report"]["signals"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_owned(),
                s["party"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Each partner's (party, kept rate), in agreement order.
fn kept_rates(health: &Value) -> Vec<(String, f64)> {
    health["report"]["metrics"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["party"].as_str().unwrap().to_owned(),
                p["kept_rate"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn the_health_report_and_the_export(app: &TestApp) {
    let (mut maya_page, mut jonas_page, mut ruth_page, id) = full_partnership(app).await;
    let base = Api::anonymous(app);
    let maya = bearer(&base, "maya@example.org").await;
    let jonas = bearer(&base, "jonas@example.org").await;
    let ruth = bearer(&base, "ruth@example.org").await;
    let olga = api_support::user(app, &base, "Olga Ilves", "olga@example.org").await;
    let p = format!("/api/v1/partnerships/{id}");
    let health = format!("{p}/health");

    // Nothing is signed: nothing to measure, and no version 1.
    let e = maya.get(&health).await.error(409, "conflict", None);
    assert!(
        e.message.starts_with("No agreement is in force yet:"),
        "{}",
        e.message
    );
    maya.get(&format!("{health}?version=1"))
        .await
        .error(404, "not_found", None);

    // Signed on Monday 2 March at 09:00 UTC; then four weeks in which Maya
    // keeps, misses, keeps, keeps, with her stress at 5 in the last two.
    sign(app, &id, AGREEMENT).await;
    let fresh = jonas.get(&health).await.ok(200);
    assert_eq!(fresh["report"]["metrics"]["totals"]["held"], 0, "{fresh}");
    let weeks = [("kept", "3"), ("missed", "3"), ("kept", "5"), ("kept", "5")];
    for (n, (did, stress)) in weeks.into_iter().enumerate() {
        let n = n as i64;
        during(app, n);
        let mut form = with(
            complete(&[did], &["kept", "kept"]),
            "reports[0].wellbeing.stress",
            stress,
        );
        if n == 0 {
            form.push(("note".into(), PRIVATE.into()));
            form.push(("note_private".into(), "on".into()));
        }
        record(&mut maya_page, &id, n, &form).await;
    }
    let saved = maya_page
        .post(&format!("{}/notes", path(&id, 0)), &[("body", SHARED)])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // The period in force, as any member reads it.
    let now = jonas.get(&health).await.ok(200);
    assert_eq!(now["version"], 1, "{now}");
    assert_eq!(now["from"], "2026-03-02T09:00:00Z");
    assert_eq!(now["closed"], Value::Null);
    assert_eq!(
        now["report"]["metrics"]["totals"],
        json!({"held": 4, "missed": 0, "paused": 0, "open": 0}),
        "{now}"
    );
    assert_eq!(
        kept_rates(&now),
        [("maya".to_owned(), 0.75), ("jonas".to_owned(), 1.0)]
    );
    assert!(
        signals(&now).contains(&("wellbeing-falling".to_owned(), "maya".to_owned())),
        "{now}"
    );
    assert_eq!(now["report"]["verdict"], "at-risk", "{now}");
    assert!(
        !now["report"]["metrics"]["upcoming"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the next check-in lies ahead: {now}"
    );
    // The same figures for the coach, for `?version=1`, and on the page.
    assert_eq!(ruth.get(&health).await.ok(200), now);
    assert_eq!(maya.get(&format!("{health}?version=1")).await.ok(200), now);
    let page = jonas_page.get(&format!("/p/{id}/dashboard")).await;
    assert!(
        page.body.contains("4 check-ins held, 0 missed, 0 paused")
            && page.body.contains("<dd class=\"kept-rate\">75%</dd>")
            && page.body.contains("data-signal=\"wellbeing-falling\""),
        "{}",
        page.body
    );

    // Queries that do not fit, ids that are not the caller's, no token.
    for bad in ["abc", "0", "-1", "1.5"] {
        maya.get(&format!("{health}?version={bad}"))
            .await
            .error(422, "invalid", Some("version"));
    }
    maya.get(&format!("{health}?version=9"))
        .await
        .error(404, "not_found", None);
    olga.get(&health).await.error(404, "not_found", None);
    olga.get(&format!("{health}?version=abc"))
        .await
        .error(404, "not_found", None);
    maya.get("/api/v1/partnerships/not-an-id/health")
        .await
        .error(404, "not_found", None);
    for token in [None, Some("not-a-token")] {
        maya.with_token(token)
            .get(&health)
            .await
            .error(401, "unauthenticated", None);
    }

    // The recalibration report: the same period and verdict, no date
    // agreed, a proposal with one; the coach reads it, only a partner
    // starts the next version from it, at the draft's current revision.
    let recalibration = format!("{p}/recalibration");
    let r = ruth.get(&recalibration).await.ok(200);
    assert_eq!(r["version"], 1, "{r}");
    assert_eq!((&r["date"], &r["days_left"]), (&Value::Null, &Value::Null));
    assert!(
        r["due"]
            .as_str()
            .unwrap()
            .starts_with("You did not agree on a date"),
        "{r}"
    );
    assert_eq!(r["early"], true, "at risk: {r}");
    assert_eq!(
        r["report"], now["report"],
        "the report is the health report"
    );
    assert_eq!(r["draft_changed"], false);
    let next_date = r["proposal"]["next_date"]
        .as_str()
        .expect("a date proposed");
    let proposed = r["proposal"]["toml"].as_str().unwrap().to_owned();
    let parsed = accord_core::parse_toml(&proposed).expect("the proposal is an agreement");
    assert_eq!(
        parsed
            .recalibration
            .and_then(|c| c.date)
            .map(|d| d.get().to_string()),
        Some(next_date.to_owned())
    );
    let revision = r["draft_revision"].as_i64().unwrap();
    ruth.post(&recalibration, json!({"revision": revision}))
        .await
        .error(403, "forbidden", None);
    maya.post(&recalibration, json!({"revision": revision - 1}))
        .await
        .error(409, "stale_revision", Some("revision"));
    maya.post(&recalibration, json!({"revision": revision, "then": 1}))
        .await
        .error(422, "invalid", Some("then"));
    let drafted = maya
        .post(&recalibration, json!({"revision": revision}))
        .await
        .ok(200);
    assert_eq!(drafted["toml"], json!(proposed));
    assert_eq!(drafted["revision"], revision + 1);
    let draft = jonas.get(&format!("{p}/draft")).await.ok(200);
    assert_eq!(draft["toml"], json!(proposed), "the draft is the proposal");
    // Now the draft holds unsigned changes: replacing them needs `replace`.
    let again = jonas.get(&recalibration).await.ok(200);
    assert_eq!(again["draft_changed"], true);
    let e = jonas
        .post(&recalibration, json!({"revision": revision + 1}))
        .await
        .error(409, "conflict", None);
    assert!(e.message.contains("`replace: true`"), "{}", e.message);
    jonas
        .post(
            &recalibration,
            json!({"revision": revision + 1, "replace": true}),
        )
        .await
        .ok(200);
    olga.get(&recalibration).await.error(404, "not_found", None);

    // A second version, signed half an hour into the fourth check-in,
    // closes the first period there.
    sign(app, &id, &AGREEMENT.replace("minutes = 25", "minutes = 30")).await;
    let first = jonas.get(&format!("{health}?version=1")).await.ok(200);
    assert_eq!(
        (&first["version"], &first["from"], &first["closed"]),
        (
            &json!(1),
            &json!("2026-03-02T09:00:00Z"),
            &json!("2026-03-24T07:30:00Z")
        ),
        "{first}"
    );
    assert_eq!(first["report"]["metrics"]["totals"]["held"], 4, "{first}");
    assert_eq!(kept_rates(&first), kept_rates(&now));
    assert!(signals(&first).contains(&("wellbeing-falling".to_owned(), "maya".to_owned())));
    assert_eq!(first["report"]["metrics"]["upcoming"], json!([]), "{first}");
    let second = jonas.get(&health).await.ok(200);
    assert_eq!(
        (&second["version"], &second["from"], &second["closed"]),
        (&json!(2), &json!("2026-03-24T07:30:00Z"), &Value::Null),
        "{second}"
    );
    assert_eq!(second["report"]["metrics"]["totals"]["held"], 0, "{second}");
    assert_eq!(
        ruth.get(&format!("{health}?version=2")).await.ok(200),
        second
    );

    // The coach's overview: the partnership she coaches, the new version
    // not measured yet and how the first one ended; the page's rows.
    let overview = ruth.get("/api/v1/coach").await.ok(200);
    let rows = overview.as_array().expect("a list");
    assert_eq!(rows.len(), 1, "{overview}");
    let row = &rows[0];
    assert_eq!(row["id"], json!(id));
    assert_eq!(row["title"], "Maya and Jonas");
    assert_eq!(row["previous"]["version"], 1, "{row}");
    let ended = row["previous"]["ended"].as_str().unwrap();
    assert!(
        ended.starts_with("Version 1 ended at risk on 24 March 2026"),
        "{ended}"
    );
    assert!(!overview.to_string().contains(PRIVATE), "nothing private");
    let page = ruth_page.get("/coach").await.body.replace("&#39;", "'");
    for said in [
        ended,
        row["reason"].as_str().unwrap(),
        row["recalibration"].as_str().unwrap(),
    ] {
        assert!(page.contains(said), "the page says {said:?} too: {page}");
    }
    // A partner coaches nothing; no token, no overview.
    assert_eq!(maya.get("/api/v1/coach").await.ok(200), json!([]));
    maya.with_token(None)
        .get("/api/v1/coach")
        .await
        .error(401, "unauthenticated", None);

    // The export: each partner's own view, the page's document exactly.
    let export = format!("{p}/export");
    let read = |r: &api_support::Reply| {
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.content_type, "application/json");
        assert!(r.headers.get("content-disposition").is_none());
        let raw = r.json();
        assert_eq!(raw["format"], "accord-export");
        Export::from_json(&r.text).unwrap()
    };
    let jonas_reply = jonas.get(&export).await;
    let of_jonas = read(&jonas_reply);
    assert_eq!(of_jonas.scope, Scope::For("jonas@example.org".into()));
    assert!(!jonas_reply.text.contains(PRIVATE), "{}", jonas_reply.text);
    let notes = |e: &Export| e.notes.iter().map(|n| n.body.clone()).collect::<Vec<_>>();
    assert_eq!(notes(&of_jonas), [SHARED]);
    assert_eq!(of_jonas.checkins.len(), 4);
    assert_eq!(of_jonas.versions.len(), 2);
    assert_eq!(of_jonas.partnership.id, id);
    let of_maya = read(&maya.get(&export).await);
    assert_eq!(of_maya.scope.as_text(), "for maya@example.org");
    assert_eq!(notes(&of_maya), [PRIVATE, SHARED]);
    let of_ruth = read(&ruth.get(&export).await);
    assert_eq!(notes(&of_ruth), [SHARED]);
    let download = jonas_page.get(&format!("/p/{id}/export.json")).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body, jonas_reply.text, "the page's document");
    olga.get(&export).await.error(404, "not_found", None);
    maya.get("/api/v1/partnerships/not-an-id/export")
        .await
        .error(404, "not_found", None);
    maya.with_token(None)
        .get(&export)
        .await
        .error(401, "unauthenticated", None);

    let doc = document(&maya).await;
    let seen = maya.seen();
    assert_eq!(check_seen_against(&doc, &seen), seen.len());
}

on_both_databases!(the_health_report_and_the_export: standing_on_sqlite, standing_on_postgres);

#[tokio::test]
async fn an_agreement_without_a_schedule_cannot_be_measured() {
    let app = spawn_app().await;
    let (_, _, _, id) = full_partnership(&app).await;
    let start = AGREEMENT.find("[cadence]").unwrap();
    let end = AGREEMENT.find("[agenda]").unwrap();
    sign(
        &app,
        &id,
        &format!("{}{}", &AGREEMENT[..start], &AGREEMENT[end..]),
    )
    .await;
    let maya = bearer(&Api::anonymous(&app), "maya@example.org").await;
    let e = maya
        .get(&format!("/api/v1/partnerships/{id}/health"))
        .await
        .error(409, "conflict", None);
    assert!(
        e.message.contains("no complete check-in schedule"),
        "{}",
        e.message
    );
    // The export does not need one.
    let r = maya.get(&format!("/api/v1/partnerships/{id}/export")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let doc = document(&maya).await;
    check_seen_against(&doc, &maya.seen());
}
