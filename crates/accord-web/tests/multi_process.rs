//! Several app processes sharing one PostgreSQL database, as a practice
//! runs them behind a load balancer: a session made by one is honoured by
//! the other, a save through one conflicts with a stale save through the
//! other, login throttling counts failures from both, and one idempotency
//! key makes one partnership however the retries are spread over them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use api_support::{Api, user};
use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn two_app_processes_share_sessions_drafts_and_throttling() {
    if !postgres_configured() {
        return;
    }
    let (url, _dropped_at_the_end) = fresh_postgres().await;
    // Both start at once: migrations must not trip over each other.
    let (a, b) = tokio::join!(
        spawn_app_at(&url, tempfile::tempdir().unwrap(), true),
        spawn_app_at(&url, tempfile::tempdir().unwrap(), true)
    );

    // Sign up through A; the same browser is logged in on B (cookies are
    // per host, not per port, like one site behind a load balancer).
    let mut maya = signup(&a, "Maya Chen", "maya@example.org").await;
    let id = start_partnership(&mut maya, "Maya and Jonas").await;
    let mut via_b = Client {
        http: maya.http.clone(),
        base: b.base.clone(),
        csrf: String::new(),
        jar: maya.jar.clone(),
    };
    let page = via_b.get(&format!("/p/{id}")).await;
    assert_eq!(page.status, 200, "B honours A's session");
    assert!(page.body.contains("Maya and Jonas"));

    // A save through B, then a save through A based on the same revision.
    via_b.get(&format!("/p/{id}/edit/agenda")).await;
    let saved = via_b
        .post(
            &format!("/p/{id}/edit/agenda"),
            &[("revision", "1"), ("agenda.items", "Numbers first")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    maya.get(&format!("/p/{id}/edit/agenda")).await;
    let stale = maya
        .post(
            &format!("/p/{id}/edit/agenda"),
            &[("revision", "1"), ("agenda.items", "Feelings first")],
        )
        .await;
    assert_eq!(
        stale.status, 409,
        "a stale save through the other process conflicts"
    );
    let draft = via_b.get(&format!("/p/{id}/draft.toml")).await;
    assert!(draft.body.contains("Numbers first") && !draft.body.contains("Feelings first"));

    // Failed logins through A and B add up against the same account.
    let mut attacker_a = Client::new(&a);
    let mut attacker_b = Client::new(&b);
    let mut statuses = Vec::new();
    for i in 0..6 {
        let c = if i % 2 == 0 {
            &mut attacker_a
        } else {
            &mut attacker_b
        };
        c.get("/login").await;
        let p = c
            .post(
                "/login",
                &[
                    ("email", "maya@example.org"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        statuses.push(p.status);
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 401, 429],
        "five failures in all, then refused on either"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_makes_one_partnership_across_processes() {
    if !postgres_configured() {
        return;
    }
    let (url, _dropped_at_the_end) = fresh_postgres().await;
    let (a, b) = tokio::join!(
        spawn_app_at(&url, tempfile::tempdir().unwrap(), true),
        spawn_app_at(&url, tempfile::tempdir().unwrap(), true)
    );
    let via_a = user(&a, &Api::anonymous(&a), "Maya Chen", "maya@example.org").await;
    let mut via_b = via_a.clone();
    via_b.base = b.base.clone();
    // A client retrying eagerly, its retries landing on either process.
    let racers: Vec<_> = (0..12)
        .map(|i| {
            let api = if i % 2 == 0 {
                via_a.clone()
            } else {
                via_b.clone()
            };
            tokio::spawn(async move {
                api.send(
                    Method::POST,
                    "/api/v1/partnerships",
                    Some(json!({"title": "Raced"})),
                    &[("Idempotency-Key", "one-key")],
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for r in racers {
        let r = r.await.unwrap();
        match r.status {
            201 => ids.push(r.json()["id"].clone()),
            _ => {
                r.error(409, "conflict", None);
            }
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every 201 is the same partnership: {ids:?}");
    let mine = via_b.get("/api/v1/partnerships").await.ok(200);
    let raced = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["title"] == "Raced")
        .count();
    assert_eq!(raced, 1, "one partnership in the database");
    // Later retries, through either process, replay it.
    for api in [&via_a, &via_b] {
        let again = api
            .send(
                Method::POST,
                "/api/v1/partnerships",
                Some(json!({"title": "Raced"})),
                &[("Idempotency-Key", "one-key")],
            )
            .await;
        assert_eq!(again.status, 201);
        assert_eq!(again.json()["id"], ids[0]);
        assert_eq!(again.headers["idempotent-replayed"], "true");
    }
}
