//! The reminders page and its API: e-mail on and off, a webhook address
//! (checked, with its secret shown once), a new secret, the calendar feed
//! link; bad input is a 422 with the message beside its field and nothing
//! saved; the API needs a token and documents every answer it gives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod common;

use accord_store::{NotificationSettings, User};
use api_support::*;
use common::*;
use reqwest::Method;
use serde_json::json;

async fn account(app: &TestApp, email: &str) -> User {
    app.store.user_by_email(email).await.unwrap().unwrap()
}

async fn stored(app: &TestApp, email: &str) -> NotificationSettings {
    let user = account(app, email).await;
    app.store.notification_settings(&user.id).await.unwrap()
}

/// The value of the read-only input labelled `label` on a page.
fn shown(body: &str, label: &str) -> Option<String> {
    let at = body.find(&format!("aria-label=\"{label}\""))?;
    let input = &body[body[..at].rfind("<input")?..at];
    let v = input.find("value=\"")? + "value=\"".len();
    Some(input[v..v + input[v..].find('"')?].to_owned())
}

const HOOK: &str = "https://hooks.example.org/accord";

on_both_databases!(page_flows: the_page_flows_on_sqlite, the_page_flows_on_postgres);

async fn page_flows(app: &TestApp) {
    // Logged out: sent to log in first.
    let mut anonymous = Client::new(app);
    let page = anonymous.get("/settings/reminders").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/login?next=/settings/reminders")
    );

    let mut maya = signup(app, "Maya Chen", "maya@example.org").await;
    let page = maya.get("/").await;
    assert!(
        page.body.contains("href=\"/settings/reminders\""),
        "nav link"
    );
    let page = maya.get("/settings/reminders").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"email\" value=\"on\" checked"));
    assert!(page.body.contains("X-Accord-Signature: t=…,v1=…"));
    assert!(page.body.contains("Create feed link"));

    // E-mail off.
    let page = maya
        .post("/settings/reminders", &[("webhook_url", "")])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("No reminders will come by e-mail."));
    assert!(!page.body.contains("name=\"email\" value=\"on\" checked"));
    assert_eq!(
        stored(app, "maya@example.org").await,
        NotificationSettings {
            email: false,
            webhook_url: None,
            webhook_secret: None
        }
    );

    // A bad address: 422, the message beside the field, nothing saved.
    let page = maya
        .post(
            "/settings/reminders",
            &[("email", "on"), ("webhook_url", "ftp://example.org/hook")],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    let input = page.body.find("id=\"webhook_url\"").expect("the field");
    let error = page
        .body
        .find("<p class=\"field-error\" role=\"alert\" id=\"webhook_url-error\">A webhook address must start with https://")
        .expect("the message beside the field");
    assert!(input < error);
    assert!(
        !page.body[input..error].contains("</div>"),
        "in the field's block"
    );
    assert!(
        page.body.contains("value=\"ftp://example.org/hook\""),
        "kept as typed"
    );
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(
        page.body.contains("name=\"email\" value=\"on\" checked"),
        "kept as sent"
    );
    assert!(shown(&page.body, "Webhook secret").is_none());
    assert_eq!(
        stored(app, "maya@example.org").await,
        NotificationSettings {
            email: false,
            webhook_url: None,
            webhook_secret: None
        }
    );

    // A good address: saved, with a secret shown once.
    let page = maya
        .post(
            "/settings/reminders",
            &[("email", "on"), ("webhook_url", &format!("  {HOOK} "))],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let secret = shown(&page.body, "Webhook secret").expect("the secret, once");
    assert!(
        secret.starts_with("whsec_") && secret.len() == 50,
        "{secret}"
    );
    let now = stored(app, "maya@example.org").await;
    assert!(now.email);
    assert_eq!(now.webhook_url.as_deref(), Some(HOOK));
    assert_eq!(now.webhook_secret.as_deref(), Some(secret.as_str()));
    let page = maya.get("/settings/reminders").await;
    assert!(!page.body.contains(&secret), "not shown again");
    assert!(page.body.contains(&format!("value=\"{HOOK}\"")));

    // Saving again keeps the secret and does not show it.
    let page = maya
        .post(
            "/settings/reminders",
            &[("email", "on"), ("webhook_url", HOOK)],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(shown(&page.body, "Webhook secret").is_none());
    let kept = stored(app, "maya@example.org").await.webhook_secret;
    assert_eq!(kept.as_deref(), Some(secret.as_str()));

    // A new secret on request.
    let page = maya.post("/settings/reminders/webhook-secret", &[]).await;
    assert_eq!(page.status, 200);
    let renewed = shown(&page.body, "Webhook secret").expect("the new secret");
    assert_ne!(renewed, secret);
    let now = stored(app, "maya@example.org").await;
    assert_eq!(now.webhook_secret.as_deref(), Some(renewed.as_str()));

    // Removing the address forgets its secret.
    let page = maya
        .post(
            "/settings/reminders",
            &[("email", "on"), ("webhook_url", "")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        stored(app, "maya@example.org").await,
        NotificationSettings::default()
    );

    // Calendar feed: made, shown once, renewed, stopped.
    let page = maya.post("/settings/calendar", &[]).await;
    assert_eq!(page.status, 200);
    let link = shown(&page.body, "Calendar feed link").expect("the link, once");
    assert!(link.starts_with(&format!("{}/calendar/", app.base)));
    assert!(page.body.contains("New link (the old one stops working)"));
    let page = maya.get("/settings/reminders").await;
    assert!(!page.body.contains(&link));
    assert!(page.body.contains("You have a feed link, made"));
    let page = maya.post("/settings/calendar", &[]).await;
    assert!(page.body.contains("The old one has stopped working."));
    let page = maya.post("/settings/calendar/stop", &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You have no feed link."));
    let user = account(app, "maya@example.org").await;
    assert_eq!(app.store.calendar_since(&user.id).await.unwrap(), None);
}

#[tokio::test]
async fn changes_need_the_forms_token() {
    let app = spawn_app().await;
    let mut maya = signup(&app, "Maya Chen", "maya@example.org").await;
    maya.get("/settings/reminders").await;
    for (path, fields) in [
        ("/settings/reminders", vec![("webhook_url", HOOK)]),
        ("/settings/reminders/webhook-secret", vec![]),
        ("/settings/calendar", vec![]),
        ("/settings/calendar/stop", vec![]),
    ] {
        let page = maya.post_raw(path, &fields).await;
        assert_eq!(page.status, 403, "{path}");
    }
    assert_eq!(
        stored(&app, "maya@example.org").await,
        NotificationSettings::default()
    );
    let user = account(&app, "maya@example.org").await;
    assert_eq!(app.store.calendar_since(&user.id).await.unwrap(), None);
}

#[tokio::test]
async fn the_api_equivalents() {
    let app = spawn_app().await;
    let base = Api::anonymous(&app);
    let maya = user(&app, &base, "Maya Chen", "maya@example.org").await;
    let n = "/api/v1/me/notifications";

    let got = maya.get(n).await.ok(200);
    assert_eq!(
        got,
        json!({"email": true, "webhook_url": null, "webhook_secret_set": false})
    );

    // First webhook: a secret, this once.
    let put = maya
        .put(n, json!({"email": false, "webhook_url": HOOK}))
        .await
        .ok(200);
    assert_eq!(put["email"], false);
    assert_eq!(put["webhook_url"], HOOK);
    assert_eq!(put["webhook_secret_set"], true);
    let secret = put["webhook_secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 50,
        "{secret}"
    );
    assert_eq!(
        stored(&app, "maya@example.org").await.webhook_secret,
        Some(secret.clone())
    );
    let got = maya.get(n).await.ok(200);
    assert!(got.get("webhook_secret").is_none());
    assert_eq!(got["webhook_secret_set"], true);
    let again = maya
        .put(n, json!({"email": true, "webhook_url": HOOK}))
        .await
        .ok(200);
    assert!(again.get("webhook_secret").is_none());

    // Bad input: 422 naming the field, nothing saved.
    let before = stored(&app, "maya@example.org").await;
    maya.put(n, json!({"email": false, "webhook_url": "not a url"}))
        .await
        .error(422, "invalid", Some("webhook_url"));
    maya.put(
        n,
        json!({"email": false, "webhook_url": "https://u:p@example.org/"}),
    )
    .await
    .error(422, "invalid", Some("webhook_url"));
    maya.put(n, json!({"email": "yes"}))
        .await
        .error(422, "invalid", Some("email"));
    maya.put(n, json!({"email": true, "webhook": HOOK}))
        .await
        .error(422, "invalid", Some("webhook"));
    assert_eq!(stored(&app, "maya@example.org").await, before);

    // A new secret.
    let renewed = maya
        .post(&format!("{n}/webhook-secret"), json!({}))
        .await
        .ok(200);
    let fresh = renewed["webhook_secret"].as_str().unwrap();
    assert_ne!(fresh, secret);

    // No webhook: the secret goes with it.
    let cleared = maya
        .put(n, json!({"email": true, "webhook_url": null}))
        .await
        .ok(200);
    assert_eq!(
        cleared,
        json!({"email": true, "webhook_url": null, "webhook_secret_set": false})
    );

    // The calendar feed.
    let made = maya.post("/api/v1/me/calendar", json!({})).await.ok(201);
    let url = made["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/calendar/", app.base)) && url.ends_with(".ics"));
    assert_eq!(reqwest::get(&url).await.unwrap().status().as_u16(), 200);
    let renewed = maya.post("/api/v1/me/calendar", json!({})).await.ok(201);
    assert_ne!(renewed["url"], made["url"]);
    assert_eq!(reqwest::get(&url).await.unwrap().status().as_u16(), 404);
    let r = maya.delete("/api/v1/me/calendar").await;
    assert_eq!(r.status, 204, "{}", r.text);
    let renewed_url = renewed["url"].as_str().unwrap();
    assert_eq!(
        reqwest::get(renewed_url).await.unwrap().status().as_u16(),
        404
    );
    // Stopping twice is fine.
    assert_eq!(maya.delete("/api/v1/me/calendar").await.status, 204);

    // Without a token (or with a wrong one): 401, in the one error shape.
    for token in [None, Some("not-a-token")] {
        let who = maya.with_token(token);
        for (method, path, body) in [
            (Method::GET, n.to_owned(), None),
            (
                Method::PUT,
                n.to_owned(),
                Some(json!({"email": true, "webhook_url": null})),
            ),
            (Method::POST, format!("{n}/webhook-secret"), Some(json!({}))),
            (
                Method::POST,
                "/api/v1/me/calendar".to_owned(),
                Some(json!({})),
            ),
            (Method::DELETE, "/api/v1/me/calendar".to_owned(), None),
        ] {
            let r = who.send(method.clone(), &path, body, &[]).await;
            r.error(401, "unauthenticated", None);
            assert_eq!(r.headers["www-authenticate"], "Bearer", "{method} {path}");
        }
    }

    // Every answer seen is one the document lists.
    let doc = document(&maya).await;
    let checked = check_seen_against(&doc, &maya.seen());
    assert!(checked >= 20, "{checked}");
}
