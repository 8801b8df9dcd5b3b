//! The OpenAPI document against the running server: it is served without
//! a token and is the one the router is built from; every operation in it
//! is served (with real ids, by a caller allowed to use it) and refuses
//! callers without a valid token; every path in it answers 405 for the
//! methods it does not list, and paths beside them 404, so the router
//! serves nothing the document does not describe; and every status the
//! walk sees is one the document lists for that operation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use std::collections::{BTreeMap, BTreeSet};

use api_support::*;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn the_document_is_public_and_is_the_routers() {
    let app = spawn_app().await;
    let base = Api::anonymous(&app);
    let served = document(&base).await;
    assert_eq!(
        served,
        serde_json::to_value(accord_web::api::openapi()).unwrap()
    );
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(
        served["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Every error answer of every operation is the one ErrorBody shape.
    let responses = &served["components"]["responses"];
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, answer) in op["responses"].as_object().unwrap() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let answer = match answer["$ref"].as_str() {
                    Some(r) => &responses[r.trim_start_matches("#/components/responses/")],
                    None => answer,
                };
                let schema = &answer["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

on_both_databases!(walk: every_documented_operation_is_served_on_sqlite, every_documented_operation_is_served_on_postgres);

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Real values for the document's path parameters, and a partnership with
/// two partners (and Ruth, who joins as the coach when the walk is about to
/// remove her), one signed version with a weekly check-in
/// (the clock at the first one), a pause proposed by Jonas and a pending
/// invitation.
struct World {
    maya: Api,
    olga: Api,
    ruth: Api,
    params: BTreeMap<&'static str, String>,
    id: String,
}

async fn world(app: &TestApp) -> World {
    let base = Api::anonymous(app);
    let maya = user(app, &base, "Maya Chen", "maya@example.org").await;
    let jonas = user(app, &base, "Jonas Berg", "jonas@example.org").await;
    let olga = user(app, &base, "Olga Newcomer", "olga@example.org").await;
    let id = maya
        .post("/api/v1/partnerships", json!({"title": "Walked"}))
        .await
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = format!("/api/v1/partnerships/{id}");
    let inv = maya
        .post(&format!("{p}/invitations"), json!({"role": "partner"}))
        .await
        .ok(201);
    jonas
        .post(
            &format!(
                "/api/v1/invitations/{}/accept",
                link_token(inv["link"].as_str().unwrap())
            ),
            json!({}),
        )
        .await
        .ok(200);
    // A schedule, so that the check-in operations have check-ins.
    let draft = maya.get(&format!("{p}/draft")).await.ok(200);
    let mut agreement = draft["agreement"].clone();
    agreement["timezone"] = json!("Europe/Berlin");
    agreement["cadence"] = json!({"interval_weeks": 1, "weekdays": ["tuesday"], "time": "08:00"});
    let rev = maya
        .put(
            &format!("{p}/draft"),
            json!({"revision": draft["revision"], "agreement": agreement}),
        )
        .await
        .ok(200)["revision"]
        .clone();
    maya.post(&format!("{p}/sign"), json!({"revision": rev}))
        .await
        .ok(200);
    jonas
        .post(&format!("{p}/sign"), json!({"revision": rev}))
        .await
        .ok(200);
    // Signed on Monday 2 March 2026: the first check-in is on Tuesday at
    // 08:00 in Berlin (07:00 UTC), and open now.
    app.clock.advance(jiff::SignedDuration::from_hours(22));
    let pause = jonas
        .post(
            &format!("{p}/pauses"),
            json!({"first_day": "2026-06-01", "last_day": "2026-06-07", "reason": "Holidays"}),
        )
        .await
        .ok(201);
    let pending = maya
        .post(&format!("{p}/invitations"), json!({"role": "coach"}))
        .await
        .ok(201);
    // Ruth, who joins as the coach just before the walk removes her.
    let ruth = user(app, &base, "Ruth Coach", "ruth@example.org").await;
    let ruth_id = ruth.get("/api/v1/me").await.ok(200)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Olga joins another partnership of Maya's with this invitation.
    let other = maya
        .post("/api/v1/partnerships", json!({"title": "Another"}))
        .await
        .ok(201);
    let join = maya
        .post(
            &format!(
                "/api/v1/partnerships/{}/invitations",
                other["id"].as_str().unwrap()
            ),
            json!({"role": "partner"}),
        )
        .await
        .ok(201);
    let spare = base
        .post(
            "/api/v1/tokens",
            json!({"email": "maya@example.org", "password": PASSWORD, "label": "spare"}),
        )
        .await
        .ok(201);
    let params = BTreeMap::from([
        ("{id}", id.clone()),
        ("{number}", "1".to_owned()),
        (
            "{invitation_id}",
            pending["id"].as_str().unwrap().to_owned(),
        ),
        ("{token_id}", spare["id"].as_str().unwrap().to_owned()),
        ("{token}", link_token(join["link"].as_str().unwrap())),
        ("{at}", "2026-03-03T07:00:00Z".to_owned()),
        ("{next_at}", "2026-03-10T07:00:00Z".to_owned()),
        ("{pause_id}", pause["id"].as_str().unwrap().to_owned()),
        ("{user_id}", ruth_id),
    ]);
    World {
        maya,
        olga,
        ruth,
        params,
        id,
    }
}

fn concrete(template: &str, params: &BTreeMap<&str, String>) -> String {
    // Preparing is for a check-in not recorded yet, and the walk (in path
    // order) records `{at}` before it reaches its preparation: prepare for
    // the next one.
    let preparation = template.ends_with("/preparation");
    let path = template
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                let seg = if preparation && seg == "{at}" {
                    "{next_at}"
                } else {
                    seg
                };
                params
                    .get(seg)
                    .unwrap_or_else(|| panic!("no value for {seg}"))
                    .clone()
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if template.ends_with("/compare") {
        format!("{path}?from=1&to=draft")
    } else {
        path
    }
}

/// A valid body for an operation, built from the current state.
async fn body_for(w: &World, op: &str) -> Option<Value> {
    let revision = || async {
        w.maya
            .get(&format!("/api/v1/partnerships/{}/draft", w.id))
            .await
            .ok(200)
    };
    match op {
        "create_token" => {
            Some(json!({"email": "maya@example.org", "password": PASSWORD, "label": "walk"}))
        }
        "create_partnership" => Some(json!({"title": "Walked again"})),
        "create_invitation" => Some(json!({"role": "coach"})),
        "put_draft" => {
            let d = revision().await;
            Some(json!({"revision": d["revision"], "toml": d["toml"]}))
        }
        "sign_draft" => Some(json!({"revision": revision().await["revision"]})),
        "start_recalibration" => {
            Some(json!({"revision": revision().await["revision"], "replace": true}))
        }
        "accept_invitation" => Some(json!({})),
        "record_checkin" => {
            let path = format!(
                "/api/v1/partnerships/{}/checkins/{}",
                w.id, w.params["{at}"]
            );
            let checkin = w.maya.get(&path).await.ok(200);
            let reports: Vec<Value> = checkin["expected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let reviewed: Vec<Value> = e["commitments"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| json!({"commitment": c, "outcome": "kept"}))
                        .collect();
                    json!({"party": e["party"], "reviewed": reviewed, "win": "Walked it",
                        "next_commitments": ["Walk it again"], "next_step": "Read the document"})
                })
                .collect();
            Some(json!({"reports": reports}))
        }
        "put_preparation" => {
            Some(json!({"committed": "Walk", "happened": "Walked", "want": "A walk"}))
        }
        "add_note" => Some(json!({"text": "Walked.", "private": false})),
        "propose_pause" => {
            Some(json!({"first_day": "2026-07-01", "last_day": "2026-07-03", "reason": "Walking"}))
        }
        "put_notifications" => Some(json!({"email": true, "webhook_url": null})),
        _ => None,
    }
}

/// What an operation needs in place just before it is called: removing
/// the coach needs a coach, and the walk's own invitation of one (in path
/// order, before) must not find the place taken.
async fn arrange(w: &World, op: &str) {
    if op == "remove_member" {
        let p = format!("/api/v1/partnerships/{}", w.id);
        let inv = w
            .maya
            .post(&format!("{p}/invitations"), json!({"role": "coach"}))
            .await
            .ok(201);
        let token = link_token(inv["link"].as_str().unwrap());
        w.ruth
            .post(&format!("/api/v1/invitations/{token}/accept"), json!({}))
            .await
            .ok(200);
    }
}

async fn walk(app: &TestApp) {
    let w = world(app).await;
    let doc = document(&w.maya).await;
    let paths = doc["paths"].as_object().unwrap();
    let mut served = BTreeSet::new();
    for (template, item) in paths {
        let path = concrete(template, &w.params);
        let documented: BTreeSet<&str> = METHODS
            .iter()
            .copied()
            .filter(|m| item.get(*m).is_some())
            .collect();
        for method in &documented {
            let op = &item[*method];
            let op_id = op["operationId"].as_str().unwrap();
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                for token in [None, Some("not-a-token")] {
                    let body = body_for(&w, op_id).await;
                    let r = w
                        .maya
                        .with_token(token)
                        .send(m.clone(), &path, body, &[])
                        .await;
                    r.error(401, "unauthenticated", None);
                }
            }
            let caller = if op_id == "accept_invitation" {
                &w.olga
            } else {
                &w.maya
            };
            arrange(&w, op_id).await;
            let body = body_for(&w, op_id).await;
            let r = caller.send(m.clone(), &path, body, &[]).await;
            assert!(
                (200..300).contains(&r.status),
                "{method} {path} ({op_id}) answered {}: {}",
                r.status,
                r.text
            );
            served.insert((method.to_string(), template.clone()));
        }
        // The methods the document does not list are not served.
        for method in METHODS.iter().filter(|m| !documented.contains(*m)) {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = w.maya.send(m, &path, None, &[]).await;
            r.error(405, "method_not_allowed", None);
            let allow = r
                .headers
                .get("allow")
                .unwrap()
                .to_str()
                .unwrap()
                .to_lowercase();
            let allowed: BTreeSet<&str> = allow
                .split(',')
                .map(str::trim)
                .filter(|m| *m != "head")
                .collect();
            assert_eq!(allowed, documented, "{method} {path}: Allow is {allow}");
        }
    }
    let all_ops: usize = paths
        .values()
        .map(|i| METHODS.iter().filter(|m| i.get(**m).is_some()).count())
        .sum();
    assert_eq!(
        served.len(),
        all_ops,
        "every documented operation answered with success"
    );
    // Paths beside the documented ones are not served.
    let p = format!("/api/v1/partnerships/{}", w.id);
    for path in [
        format!("{p}/versions/1.toml"),
        format!("{p}/draft.json"),
        format!("{p}/members"),
        "/api/v1/users".to_owned(),
        "/api/v1".to_owned(),
        "/api/openapi.yaml".to_owned(),
    ] {
        w.maya.get(&path).await.error(404, "not_found", None);
    }
    let checked = check_seen_against(&doc, &w.maya.seen());
    assert!(
        checked >= all_ops * 3,
        "{checked} requests checked for {all_ops} operations"
    );
    check_seen_against(&doc, &w.olga.seen());
}
