//! The JSON API end to end, on a real server over a real database: one
//! scenario through every endpoint, run on SQLite, and on PostgreSQL when
//! `ACCORD_TEST_POSTGRES_URL` is set. Every error answer is parsed as the
//! one `ErrorBody` shape, and every status seen is checked against the
//! OpenAPI document. The focused tests are beside it: `api_errors.rs`
//! (401, 422, 429, 405, 413), `api_idempotency.rs`, and `api_openapi.rs`,
//! which walks the document itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use accord_web::Clock;
use accord_web::partnerships::review_now;
use api_support::*;
use common::*;
use serde_json::{Value, json};

on_both_databases!(scenario: every_endpoint_on_sqlite, every_endpoint_on_postgres);

/// A TOML agreement with comments, as a partner would upload it.
const UPLOADED: &str = r#"# Our pact, kept in git.
format = 1
title = "Maya and Jonas"
scenario = "tried-before"
timezone = "Europe/Berlin"

[[party]]
id = "maya"
name = "Maya Chen"
support = ["If I miss a commitment, ask me what got in the way before offering suggestions."]

[[party]]
id = "jonas"
name = "Jonas Berg"

[agenda]
items = ["Commitments since last time", "What got in the way", "Next commitments"]
"#;

/// The same with a typo: `comitment_level` on line 10.
const TYPO: &str = "format = 1\n\n[[party]]\nid = \"maya\"\nname = \"Maya Chen\"\n\n[[party]]\nid = \"jonas\"\nname = \"Jonas Berg\"\ncomitment_level = 3\n";

async fn scenario(app: &TestApp) {
    let base = Api::anonymous(app);
    let maya = accounts_and_tokens(app, &base).await;
    let pact = partnerships_and_invitations(app, &base, maya).await;
    let (rev, uploaded) = the_draft(app, &pact).await;
    signing_and_versions(&pact, rev, &uploaded).await;
    strangers_get_404(app, &base, &pact, rev).await;
    // Idempotency keys: `api_idempotency.rs`, on both databases too.
    // Every status seen above is documented for its operation.
    let checked = check_seen_against(&document(&base).await, &base.seen());
    assert!(checked > 90, "only {checked} requests were checked");
}

/// A partnership made in the scenario: two partners, a coach, and the
/// partnership's API path.
struct Pact {
    maya: Api,
    jonas: Api,
    ruth: Api,
    /// `/api/v1/partnerships/{id}`.
    p: String,
    /// A withdrawn invitation's path.
    withdrawn: String,
}

/// `/me`, and making, listing and revoking tokens.
async fn accounts_and_tokens(app: &TestApp, base: &Api) -> Api {
    let maya = user(app, base, "Maya Chen", "maya@example.org").await;
    let me = maya.get("/api/v1/me").await.ok(200);
    assert_eq!(
        (me["name"].as_str(), me["email"].as_str()),
        (Some("Maya Chen"), Some("maya@example.org"))
    );
    let listed = maya.get("/api/v1/tokens").await.ok(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["label"], "tests");
    assert!(listed[0].get("token").is_none(), "secrets are never listed");
    // Each token shows its last use (this request's, to the minute).
    assert_eq!(
        listed[0]["last_used_at"], "2026-03-02T09:00:00Z",
        "{listed}"
    );
    let extra = base
        .post(
            "/api/v1/tokens",
            json!({"email": "maya@example.org", "password": PASSWORD, "label": "cron job"}),
        )
        .await
        .ok(201);
    let listed = maya.get("/api/v1/tokens").await.ok(200);
    let cron_job = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "cron job")
        .unwrap();
    assert_eq!(
        cron_job["last_used_at"],
        serde_json::Value::Null,
        "never used"
    );
    let cron = base.with_token(extra["token"].as_str());
    assert_eq!(
        cron.get("/api/v1/me").await.ok(200)["email"],
        "maya@example.org"
    );
    let revoke = format!("/api/v1/tokens/{}", extra["id"].as_str().unwrap());
    assert_eq!(maya.delete(&revoke).await.status, 204);
    let gone = cron.get("/api/v1/me").await;
    gone.error(401, "unauthenticated", None);
    assert_eq!(gone.headers.get("www-authenticate").unwrap(), "Bearer");
    maya.delete(&revoke).await.error(404, "not_found", None);
    maya.delete("/api/v1/tokens/not-a-uuid")
        .await
        .error(404, "not_found", None);

    maya
}

/// Starting a partnership, inviting the partner and the coach, and joining.
async fn partnerships_and_invitations(app: &TestApp, base: &Api, maya: Api) -> Pact {
    let created = maya
        .post("/api/v1/partnerships", json!({"title": "Maya and Jonas", "scenario": "tried-before", "timezone": "Europe/Berlin"}))
        .await
        .ok(201);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (created["role"].as_str(), created["draft_revision"].as_i64()),
        (Some("partner"), Some(1))
    );
    assert_eq!(created["active_version"], Value::Null);
    assert_eq!(created["members"].as_array().unwrap().len(), 1);
    let p = format!("/api/v1/partnerships/{id}");
    assert_eq!(maya.get(&p).await.ok(200), created);
    let mine = maya.get("/api/v1/partnerships").await.ok(200);
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str() && x["role"] == "partner")
    );
    maya.post("/api/v1/partnerships", json!({"title": "  "}))
        .await
        .error(422, "invalid", Some("title"));

    // --- Invitations -------------------------------------------------------
    let invitations = format!("{p}/invitations");
    let inv = maya
        .post(
            &invitations,
            json!({"role": "partner", "email": "jonas@example.org"}),
        )
        .await
        .ok(201);
    let link = inv["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with(&format!("{}/invite/", app.base)), "{link}");
    assert_eq!(
        (inv["status"].as_str(), inv["role"].as_str()),
        (Some("pending"), Some("partner"))
    );
    assert!(
        app.outbox
            .sent()
            .iter()
            .any(|m| m.to == "jonas@example.org" && m.body.contains(&link))
    );
    let list = maya.get(&invitations).await.ok(200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["link"], Value::Null, "links are shown once");
    let spare = maya
        .post(&invitations, json!({"role": "coach"}))
        .await
        .ok(201);
    let withdraw = format!("{invitations}/{}", spare["id"].as_str().unwrap());
    assert_eq!(maya.delete(&withdraw).await.status, 204);
    maya.delete(&withdraw).await.error(404, "not_found", None);
    maya.delete(&format!("{invitations}/nope"))
        .await
        .error(404, "not_found", None);
    maya.post(&invitations, json!({"role": "boss"}))
        .await
        .error(422, "invalid", Some("role"));
    let jonas = user(app, base, "Jonas Berg", "jonas@example.org").await;
    let accept = format!("/api/v1/invitations/{}/accept", link_token(&link));
    let joined = jonas.post(&accept, json!({})).await.ok(200);
    assert_eq!(
        (joined["id"].as_str(), joined["role"].as_str()),
        (Some(id.as_str()), Some("partner"))
    );
    assert_eq!(joined["members"].as_array().unwrap().len(), 2);
    jonas
        .post(&accept, json!({}))
        .await
        .error(409, "conflict", None);
    jonas
        .post("/api/v1/invitations/not-a-real-token/accept", json!({}))
        .await
        .error(404, "not_found", None);
    let inv = maya
        .post(&invitations, json!({"role": "coach"}))
        .await
        .ok(201);
    let ruth = user(app, base, "Ruth Coach", "ruth@example.org").await;
    let coach_view = ruth
        .post(
            &format!(
                "/api/v1/invitations/{}/accept",
                link_token(inv["link"].as_str().unwrap())
            ),
            json!({}),
        )
        .await
        .ok(200);
    assert_eq!(coach_view["role"], "coach");
    maya.post(&invitations, json!({"role": "partner"}))
        .await
        .error(422, "invalid", Some("role"));

    Pact {
        maya,
        jonas,
        ruth,
        p,
        withdrawn: withdraw,
    }
}

/// Reading and replacing the draft (JSON and TOML), stale saves, invalid
/// agreements, and its review and guide. Returns the draft revision and
/// the agreement uploaded as TOML.
async fn the_draft(app: &TestApp, pact: &Pact) -> (i64, Value) {
    let Pact {
        maya,
        jonas,
        ruth,
        p,
        ..
    } = pact;
    let draft_path = format!("{p}/draft");
    let draft = maya.get(&draft_path).await.ok(200);
    let rev = draft["revision"].as_i64().unwrap();
    assert_eq!(
        draft["agreement"]["party"][1]["name"], "Jonas Berg",
        "the partner replaced the placeholder"
    );
    assert!(draft["toml"].as_str().unwrap().contains("Jonas Berg"));
    let file = maya.get(&format!("{p}/draft.toml")).await;
    assert_eq!(file.status, 200);
    assert!(
        file.content_type.starts_with("application/toml"),
        "{}",
        file.content_type
    );
    assert_eq!(file.text, draft["toml"].as_str().unwrap());

    // JSON in: stored as TOML, revision up by one.
    let mut agreement = draft["agreement"].clone();
    agreement["agenda"] = json!({"items": ["Commitments since last time", "Next commitments"]});
    let saved = maya
        .put(
            &draft_path,
            json!({"revision": rev, "agreement": agreement}),
        )
        .await
        .ok(200);
    assert_eq!(saved["revision"].as_i64(), Some(rev + 1));
    assert!(saved["toml"].as_str().unwrap().contains("Next commitments"));
    assert_eq!(maya.get(&draft_path).await.ok(200), saved);

    // A save based on the old revision is refused and changes nothing.
    let mut other = draft["agreement"].clone();
    other["title"] = json!("Jonas's version");
    let stale = jonas
        .put(&draft_path, json!({"revision": rev, "agreement": other}))
        .await
        .error(409, "stale_revision", Some("revision"));
    assert!(
        stale.message.contains(&(rev + 1).to_string()),
        "{}",
        stale.message
    );
    assert_eq!(
        maya.get(&draft_path).await.ok(200),
        saved,
        "nothing was overwritten"
    );

    // TOML in: stored as sent, comments and all.
    let rev = rev + 1;
    let uploaded = jonas
        .put(&draft_path, json!({"revision": rev, "toml": UPLOADED}))
        .await
        .ok(200);
    assert_eq!(uploaded["revision"].as_i64(), Some(rev + 1));
    assert_eq!(uploaded["agreement"]["scenario"], "tried-before");
    assert_eq!(maya.get(&format!("{p}/draft.toml")).await.text, UPLOADED);
    let rev = rev + 1;

    // Invalid agreements: positioned problems for TOML, field paths for JSON.
    let bad = jonas
        .put(&draft_path, json!({"revision": rev, "toml": TYPO}))
        .await;
    let body = bad.error(422, "invalid_agreement", bad.json()["field"].as_str());
    let first = body.problems.first().expect("problems are listed");
    assert_eq!(
        (first.line, first.column),
        (Some(10), Some(1)),
        "{}",
        bad.text
    );
    assert!(
        first.message.contains("commitment_level"),
        "{}",
        first.message
    );
    let mut wrong = uploaded["agreement"].clone();
    wrong["party"][0]["commitment_level"] = json!(42);
    let bad = maya
        .put(&draft_path, json!({"revision": rev, "agreement": wrong}))
        .await;
    let body = bad.error(422, "invalid_agreement", bad.json()["field"].as_str());
    assert!(
        body.problems
            .iter()
            .all(|p| p.line.is_none() && p.column.is_none()),
        "{}",
        bad.text
    );
    assert_eq!(
        body.field.as_deref(),
        Some("party[0].commitment_level"),
        "{}",
        bad.text
    );
    let mut wrong_too = uploaded["agreement"].clone();
    wrong_too["goal"] = json!([{"party": "nobody", "outcome": "Ship it"}]);
    let bad = maya
        .put(
            &draft_path,
            json!({"revision": rev, "agreement": wrong_too}),
        )
        .await;
    let body = bad.error(422, "invalid_agreement", Some("goal[0].party"));
    assert!(
        body.problems.iter().all(|p| p.line.is_none()),
        "{}",
        bad.text
    );
    maya.put(&draft_path, json!({"revision": rev}))
        .await
        .error(422, "invalid", Some("agreement"));
    maya.put(
        &draft_path,
        json!({"revision": rev, "toml": UPLOADED, "agreement": wrong}),
    )
    .await
    .error(422, "invalid", Some("agreement"));
    ruth.put(&draft_path, json!({"revision": rev, "toml": UPLOADED}))
        .await
        .error(403, "forbidden", None);
    assert_eq!(
        maya.get(&draft_path).await.ok(200)["revision"].as_i64(),
        Some(rev),
        "nothing was saved"
    );

    // Review and guide: exactly the engine's JSON for the stored draft.
    let stored = accord_core::parse_toml(UPLOADED).unwrap();
    let expected_review = review_now(&stored, app.clock.now());
    let review = ruth.get(&format!("{p}/review")).await.ok(200);
    assert_eq!(review, serde_json::to_value(&expected_review).unwrap());
    assert_eq!(
        review.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["findings", "summary"]
    );
    let guide = ruth.get(&format!("{p}/guide")).await.ok(200);
    assert_eq!(
        guide,
        serde_json::to_value(accord_core::guide(&stored, &expected_review.findings)).unwrap()
    );
    assert_eq!(guide["scenario"], "tried-before");

    (rev, uploaded["agreement"].clone())
}

/// Signing, the versions, one version and its file, and comparing.
async fn signing_and_versions(pact: &Pact, rev: i64, uploaded: &Value) {
    let Pact {
        maya,
        jonas,
        ruth,
        p,
        ..
    } = pact;
    let invitations = format!("{p}/invitations");
    let draft_path = format!("{p}/draft");
    let sign = format!("{p}/sign");
    ruth.post(&sign, json!({"revision": rev}))
        .await
        .error(403, "forbidden", None);
    ruth.post(&invitations, json!({"role": "coach"}))
        .await
        .error(403, "forbidden", None);
    maya.post(&sign, json!({"revision": rev - 1})).await.error(
        409,
        "stale_revision",
        Some("revision"),
    );
    let signed = maya.post(&sign, json!({"revision": rev})).await.ok(200);
    assert_eq!(signed, json!({"number": 1, "complete": false}));
    let versions = maya.get(&format!("{p}/versions")).await.ok(200);
    assert_eq!(versions[0]["status"], "awaiting_signature");
    assert_eq!(versions[0]["signatures"].as_array().unwrap().len(), 1);
    let signed = jonas.post(&sign, json!({"revision": rev})).await.ok(200);
    assert_eq!(signed, json!({"number": 1, "complete": true}));
    assert_eq!(ruth.get(p).await.ok(200)["active_version"], 1);
    let versions = ruth.get(&format!("{p}/versions")).await.ok(200);
    assert_eq!(
        (
            versions[0]["status"].as_str(),
            versions[0]["draft_revision"].as_i64()
        ),
        (Some("in_force"), Some(rev))
    );
    assert!(versions[0]["signed_at"].is_string());
    let v1 = ruth.get(&format!("{p}/versions/1")).await.ok(200);
    assert_eq!(
        (v1["number"].as_i64(), v1["toml"].as_str()),
        (Some(1), Some(UPLOADED))
    );
    assert_eq!(v1["agreement"], *uploaded);
    let file = ruth.get(&format!("{p}/versions/1/agreement.toml")).await;
    assert_eq!((file.status, file.text.as_str()), (200, UPLOADED));
    assert!(file.content_type.starts_with("application/toml"));
    for missing in [
        "versions/2",
        "versions/0",
        "versions/abc",
        "versions/2/agreement.toml",
    ] {
        ruth.get(&format!("{p}/{missing}"))
            .await
            .error(404, "not_found", None);
    }

    // Compare the signed version with a changed draft.
    let mut changed = v1["agreement"].clone();
    changed["title"] = json!("Maya and Jonas, second round");
    maya.put(&draft_path, json!({"revision": rev, "agreement": changed}))
        .await
        .ok(200);
    let cmp = ruth
        .get(&format!("{p}/compare?from=1&to=draft"))
        .await
        .ok(200);
    assert_eq!(
        (cmp["from"].as_str(), cmp["to"].as_str()),
        (
            Some("Version 1"),
            Some(format!("Draft (revision {})", rev + 1).as_str())
        )
    );
    assert!(cmp["changes"].as_u64().unwrap() > 0);
    assert!(
        cmp["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "changed" || r["kind"] == "added")
    );
    assert_eq!(
        ruth.get(&format!("{p}/compare?from=1&to=1")).await.ok(200)["changes"],
        0
    );
    ruth.get(&format!("{p}/compare?from=one&to=draft"))
        .await
        .error(422, "invalid", Some("from"));
    ruth.get(&format!("{p}/compare?from=1&to=two"))
        .await
        .error(422, "invalid", Some("to"));
    ruth.get(&format!("{p}/compare?from=1"))
        .await
        .error(422, "invalid", Some("to"));
    ruth.get(&format!("{p}/compare?from=7&to=draft"))
        .await
        .error(404, "not_found", None);
}

/// Other people's partnerships and malformed ids: 404, never 403.
async fn strangers_get_404(app: &TestApp, base: &Api, pact: &Pact, rev: i64) {
    let Pact {
        maya,
        p,
        withdrawn: withdraw,
        ..
    } = pact;
    let (draft_path, sign, invitations) = (
        format!("{p}/draft"),
        format!("{p}/sign"),
        format!("{p}/invitations"),
    );
    let olga = user(app, base, "Olga Stranger", "olga@example.org").await;
    for path in [
        "",
        "/draft",
        "/draft.toml",
        "/review",
        "/guide",
        "/versions",
        "/versions/1",
        "/versions/1/agreement.toml",
        "/invitations",
        "/compare?from=1&to=draft",
    ] {
        olga.get(&format!("{p}{path}"))
            .await
            .error(404, "not_found", None);
    }
    olga.put(&draft_path, json!({"revision": rev + 1, "toml": UPLOADED}))
        .await
        .error(404, "not_found", None);
    olga.post(&sign, json!({"revision": rev + 1}))
        .await
        .error(404, "not_found", None);
    olga.post(&invitations, json!({"role": "coach"}))
        .await
        .error(404, "not_found", None);
    olga.delete(withdraw).await.error(404, "not_found", None);
    for bad in [
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "%20",
        "1",
    ] {
        olga.get(&format!("/api/v1/partnerships/{bad}"))
            .await
            .error(404, "not_found", None);
        maya.get(&format!("/api/v1/partnerships/{bad}/draft"))
            .await
            .error(404, "not_found", None);
    }
    maya.get("/api/v1/nothing-here")
        .await
        .error(404, "not_found", None);
    assert!(
        olga.get("/api/v1/partnerships")
            .await
            .ok(200)
            .as_array()
            .unwrap()
            .is_empty()
    );
}
