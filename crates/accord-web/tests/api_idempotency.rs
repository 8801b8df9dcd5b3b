//! Idempotency keys: a retry of a creating POST with the same
//! `Idempotency-Key` changes nothing and gets the first answer again, even
//! when the retries race; other keys and other users' keys are separate,
//! and a failed request can be retried with its key. On SQLite, and on
//! PostgreSQL when `ACCORD_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use api_support::*;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(retries: retries_with_one_idempotency_key_create_one_partnership_on_sqlite, retries_with_one_idempotency_key_create_one_partnership_on_postgres);

on_both_databases!(other_retries: retried_invitations_joins_and_signatures_change_nothing_on_sqlite, retried_invitations_joins_and_signatures_change_nothing_on_postgres);

/// POST partnerships: one partnership per key, the same body byte for byte.
async fn retries(app: &TestApp) {
    let base = Api::anonymous(app);
    let maya = user(app, &base, "Maya Chen", "maya@example.org").await;
    let jonas = user(app, &base, "Jonas Berg", "jonas@example.org").await;
    let create = |who: &Api, key: &str, title: &str| {
        let who = who.clone();
        let (key, title) = (key.to_owned(), title.to_owned());
        async move {
            who.send(
                Method::POST,
                "/api/v1/partnerships",
                Some(json!({"title": title})),
                &[("Idempotency-Key", &key)],
            )
            .await
        }
    };
    let first = create(&maya, "key-1", "Once").await;
    let retry = create(&maya, "key-1", "Once").await;
    assert_eq!((first.status, retry.status), (201, 201));
    assert_eq!(first.text, retry.text, "the same body, byte for byte");
    // Another key is another request; the same key of another user is theirs.
    assert_ne!(
        create(&maya, "key-2", "Once").await.json()["id"],
        first.json()["id"]
    );
    assert_ne!(
        create(&jonas, "key-1", "Once").await.json()["id"],
        first.json()["id"]
    );
    let count = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["title"] == "Once")
            .count()
    };
    assert_eq!(count(maya.get("/api/v1/partnerships").await.ok(200)), 2);
    // Concurrent retries still make one: the others replay it or are told
    // to wait (409), never a second partnership.
    let racers: Vec<_> = (0..4)
        .map(|_| tokio::spawn(create(&maya, "key-3", "Raced")))
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
    assert_eq!(ids.len(), 1, "{ids:?}");
    let raced = maya.get("/api/v1/partnerships").await.ok(200);
    assert_eq!(
        raced
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["title"] == "Raced")
            .count(),
        1
    );
    // A failed request is not stored: fixing it and retrying with its key works.
    create(&maya, "key-4", " ")
        .await
        .error(422, "invalid", Some("title"));
    assert_eq!(
        create(&maya, "key-4", "Fixed").await.ok(201)["title"],
        "Fixed"
    );
    check_seen_against(&document(&base).await, &maya.seen());
}

/// The other creating POSTs: an invitation is made once (the replay has no
/// link: its secret is never stored), joining twice with one key is not a
/// conflict, and a signature is given once.
async fn other_retries(app: &TestApp) {
    let base = Api::anonymous(app);
    let maya = user(app, &base, "Maya Chen", "maya@example.org").await;
    let jonas = user(app, &base, "Jonas Berg", "jonas@example.org").await;
    let p = maya
        .post("/api/v1/partnerships", json!({"title": "Ours"}))
        .await
        .ok(201);
    let p = format!("/api/v1/partnerships/{}", p["id"].as_str().unwrap());
    let twice = |who: &Api, path: String, body: Value, key: &'static str| {
        let who = who.clone();
        async move {
            let key = [("Idempotency-Key", key)];
            let one = who
                .send(Method::POST, &path, Some(body.clone()), &key)
                .await;
            let two = who.send(Method::POST, &path, Some(body), &key).await;
            assert_eq!(one.status, two.status, "{}", two.text);
            assert_eq!(two.headers.get("idempotent-replayed").unwrap(), "true");
            (one, two)
        }
    };
    let (one, two) = twice(
        &maya,
        format!("{p}/invitations"),
        json!({"role": "partner"}),
        "invite-1",
    )
    .await;
    let (one, two) = (one.ok(201), two.ok(201));
    assert_eq!(one["id"], two["id"]);
    assert!(one["link"].is_string());
    assert_eq!(two["link"], Value::Null, "the link's secret is not kept");
    assert_eq!(
        maya.get(&format!("{p}/invitations"))
            .await
            .ok(200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let accept = format!(
        "/api/v1/invitations/{}/accept",
        link_token(one["link"].as_str().unwrap())
    );
    let (one, two) = twice(&jonas, accept.clone(), json!({}), "join-1").await;
    assert_eq!(one.ok(200), two.ok(200));
    jonas
        .post(&accept, json!({}))
        .await
        .error(409, "conflict", None);
    let rev = maya.get(&format!("{p}/draft")).await.ok(200)["revision"].clone();
    let (one, two) = twice(
        &maya,
        format!("{p}/sign"),
        json!({"revision": rev}),
        "sign-1",
    )
    .await;
    assert_eq!(
        (one.ok(200), two.ok(200)),
        (
            json!({"number": 1, "complete": false}),
            json!({"number": 1, "complete": false})
        )
    );
    let versions = maya.get(&format!("{p}/versions")).await.ok(200);
    assert_eq!(versions[0]["signatures"].as_array().unwrap().len(), 1);
    check_seen_against(&document(&base).await, &base.seen());
}
