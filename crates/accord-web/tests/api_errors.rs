//! The API's refusals, each in the one error shape: no token or a wrong
//! one (401), token requests with bad credentials or past the throttle
//! (401, 422, 429), and bodies, headers, methods and paths that do not fit
//! (422, 405, 404, 413). Every status seen is checked against the OpenAPI
//! document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use api_support::*;
use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn no_token_or_a_wrong_one_is_401_in_the_error_shape() {
    let app = spawn_app().await;
    let base = Api::anonymous(&app);
    let maya = user(&app, &base, "Maya Chen", "maya@example.org").await;
    let id = maya
        .post("/api/v1/partnerships", json!({"title": "Ours"}))
        .await
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let paths = [
        "/api/v1/me".to_owned(),
        "/api/v1/tokens".to_owned(),
        "/api/v1/partnerships".to_owned(),
        format!("/api/v1/partnerships/{id}/draft"),
    ];
    for path in &paths {
        for token in [None, Some("wrong"), Some(""), Some("  ")] {
            let r = base.with_token(token).get(path).await;
            r.error(401, "unauthenticated", None);
            assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
        }
        let r = base
            .send(
                Method::GET,
                path,
                None,
                &[("Authorization", "Basic bWF5YTpwdw==")],
            )
            .await;
        r.error(401, "unauthenticated", None);
    }
    // Changes are refused too, and change nothing.
    base.with_token(Some("wrong"))
        .put(
            &format!("/api/v1/partnerships/{id}/draft"),
            json!({"revision": 1, "toml": "format = 1"}),
        )
        .await
        .error(401, "unauthenticated", None);
    assert_eq!(
        maya.get(&format!("/api/v1/partnerships/{id}/draft"))
            .await
            .ok(200)["revision"],
        1
    );
    check_seen_against(&document(&base).await, &base.seen());
}

#[tokio::test]
async fn token_requests_are_checked_and_throttled() {
    let app = spawn_app().await;
    let base = Api::anonymous(&app);
    signup(&app, "Maya Chen", "maya@example.org").await;
    let ask = |password: &str, label: &str| json!({"email": "maya@example.org", "password": password, "label": label});
    base.post("/api/v1/tokens", ask(PASSWORD, ""))
        .await
        .error(422, "invalid", Some("label"));
    base.post(
        "/api/v1/tokens",
        json!({"email": "maya@example.org", "password": PASSWORD}),
    )
    .await
    .error(422, "invalid", Some("label"));
    base.post(
        "/api/v1/tokens",
        json!({"email": "nobody@example.org", "password": PASSWORD, "label": "x"}),
    )
    .await
    .error(401, "unauthenticated", Some("password"));
    for _ in 0..5 {
        base.post("/api/v1/tokens", ask("wrong password", "x"))
            .await
            .error(401, "unauthenticated", Some("password"));
    }
    let limited = base.post("/api/v1/tokens", ask(PASSWORD, "x")).await;
    limited.error(429, "rate_limited", None);
    assert!(limited.headers.get("retry-after").is_some());
    app.clock.advance(jiff::SignedDuration::from_mins(16));
    let ok = base
        .post("/api/v1/tokens", ask(PASSWORD, "after the window"))
        .await
        .ok(201);
    assert_eq!(ok["label"], "after the window");
    check_seen_against(&document(&base).await, &base.seen());
}

#[tokio::test]
async fn malformed_requests_answer_in_the_error_shape() {
    let app = spawn_app().await;
    let base = Api::anonymous(&app);
    let maya = user(&app, &base, "Maya Chen", "maya@example.org").await;
    let id = maya
        .post("/api/v1/partnerships", json!({"title": "Ours"}))
        .await
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = format!("/api/v1/partnerships/{id}/draft");
    maya.send_raw(Method::PUT, &draft, "application/json", "{not json")
        .await
        .error(422, "invalid", None);
    maya.send_raw(Method::PUT, &draft, "text/plain", "{}")
        .await
        .error(422, "invalid", None);
    maya.put(&draft, json!({"revision": "two", "toml": "format = 1"}))
        .await
        .error(422, "invalid", Some("revision"));
    maya.put(&draft, json!({"toml": "format = 1"}))
        .await
        .error(422, "invalid", Some("revision"));
    maya.put(&draft, json!({"revision": 1, "tomll": "format = 1"}))
        .await
        .error(422, "invalid", Some("tomll"));
    maya.post("/api/v1/partnerships", json!({"titel": "x"}))
        .await
        .error(422, "invalid", Some("title"));
    let long = "k".repeat(201);
    maya.send(
        Method::POST,
        "/api/v1/partnerships",
        Some(json!({"title": "x"})),
        &[("Idempotency-Key", &long)],
    )
    .await
    .error(422, "invalid", Some("Idempotency-Key"));
    let r = maya.delete("/api/v1/partnerships").await;
    r.error(405, "method_not_allowed", None);
    let allow = r.headers.get("allow").unwrap().to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    maya.get("/api/v2/partnerships")
        .await
        .error(404, "not_found", None);
    maya.get("/api").await.error(404, "not_found", None);
    let big = format!("format = 1\n{}", "# a long comment line\n".repeat(60_000));
    maya.put(&draft, json!({"revision": 1, "toml": big}))
        .await
        .error(413, "invalid", None);
    assert_eq!(
        maya.get(&draft).await.ok(200)["revision"],
        1,
        "nothing was saved"
    );
    check_seen_against(&document(&base).await, &maya.seen());
}
