//! Accounts over HTTP against a real server and database: signing up (with
//! field-naming validation and case-blind duplicate addresses), logging in
//! and out, session ids that change at login and die at logout, cookie
//! attributes, changing a password (other sessions end, this one stays),
//! password reset by e-mail (one use, one hour, no account enumeration) and
//! without SMTP, login throttling by account+address, by address and by
//! account without locking the owner's known browser out, plus `/healthz`
//! and request ids. (CSRF on every form is in `authz.rs`.)
//!
//! The session, password and throttling scenarios run on SQLite and, when
//! `ACCORD_TEST_POSTGRES_URL` is set, on PostgreSQL too.
#![allow(clippy::unwrap_used)]

mod common;
mod pages_support;

use accord_web::Clock;
use common::*;
use jiff::SignedDuration;
use pages_support::*;

/// An API token made with the account's password.
async fn api_token(app: &TestApp, email: &str, password: &str) -> String {
    let body = serde_json::json!({"email": email, "password": password, "label": "script"});
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/tokens", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let made: serde_json::Value = r.json().await.unwrap();
    made["token"].as_str().unwrap().to_owned()
}

/// The status of `GET /api/v1/me` with the token.
async fn api_me(app: &TestApp, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The session cookie the client holds.
fn session_cookie(client: &Client, app: &TestApp) -> Option<String> {
    client.cookie(app, "accord_session")
}

/// The path of the reset link in the last mail to `to`.
fn reset_path(app: &TestApp, to: &str) -> String {
    let sent = app.outbox.sent();
    let mail = sent.iter().rev().find(|m| m.to == to).expect("a mail");
    let at = mail.body.find("/reset/").expect("a reset link");
    let end = mail.body[at..].find(char::is_whitespace).unwrap();
    mail.body[at..at + end].to_owned()
}

/// The `Set-Cookie` headers of a response.
fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    let all = r.headers().get_all("set-cookie").iter();
    all.map(|v| v.to_str().unwrap().to_owned()).collect()
}

fn values(cookies: Vec<(String, String)>) -> Vec<String> {
    cookies.into_iter().map(|(_, v)| v).collect()
}

// --- Sign up, log in, log out, sessions --------------------------------

async fn sessions(app: &TestApp) {
    // Validation errors say which field is wrong and keep what was typed.
    let mut c = Client::new(app);
    c.get("/signup").await;
    for (query, says, kept) in [
        (
            "name=+&email=maya@example.org&password=long+enough+1",
            "Enter your name",
            "maya@example.org",
        ),
        (
            "name=Maya&email=maya+at+example&password=long+enough+1",
            "e-mail address",
            "maya at example",
        ),
        (
            "name=Maya&email=maya@example.org&password=short",
            "password of at least 10",
            "maya@example.org",
        ),
    ] {
        let page = send(&mut c, "/signup", query).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains(says), "{says:?}: {}", page.body);
        assert!(page.body.contains(&format!("value=\"{kept}\"")));
    }
    let maya_user = app.store.user_by_email("maya@example.org").await;
    assert!(maya_user.unwrap().is_none());

    // Signing up logs in; the cookies are HttpOnly and SameSite.
    let (mut maya, jar) = jar_client(app);
    maya.get("/signup").await;
    let before = values(cookies(&jar, &app.base));
    let query = "name=Maya+Chen&email=maya@example.org&password=correct+horse+battery";
    let r = post_response(&maya, "/signup", query).await;
    assert_eq!(r.status(), 303);
    let set = set_cookies(&r);
    for name in ["accord_session=", "accord_device="] {
        assert!(set.iter().any(|c| c.starts_with(name)), "{set:?}");
    }
    for c in &set {
        let attributes = ["HttpOnly", "SameSite=Lax", "Path=/"];
        assert!(attributes.iter().all(|a| c.contains(a)), "{c}");
    }
    let first = cookie(&jar, &app.base, "accord_session").unwrap();
    assert!(!before.contains(&first));
    assert_eq!(maya.get("/account").await.status, 200);

    // The same address in another case is refused; nothing is created.
    let mut other = Client::new(app);
    other.get("/signup").await;
    let query = "name=Imposter&email=MAYA@Example.ORG&password=long+enough+1";
    let page = send(&mut other, "/signup", query).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.body.contains("already uses this e-mail address"));
    let user = app.store.user_by_email("maya@example.org").await.unwrap();
    assert_eq!(user.unwrap().name, "Maya Chen");

    // The anonymous CSRF cookie is HttpOnly and SameSite too.
    let r = reqwest::get(format!("{}/login", app.base)).await.unwrap();
    let csrf_cookie = &set_cookies(&r)[0];
    assert!(csrf_cookie.starts_with("accord_csrf=") && csrf_cookie.contains("HttpOnly"));
    assert!(csrf_cookie.contains("SameSite=Lax"));

    // Log out: the session is gone, the old cookie no longer works.
    let page = maya.post("/logout", &[]).await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/login"))
    );
    assert!(cookie(&jar, &app.base, "accord_session").is_none());
    let to_login = Some("/login?next=/account");
    assert_eq!(maya.get("/account").await.location.as_deref(), to_login);
    let old = format!("accord_session={first}");
    let (status, to) = get_with_cookie(app, "/account", &old).await;
    assert_eq!((status, to.as_deref()), (303, to_login));

    // A session id planted before logging in is never kept: login makes a
    // new one, different from every cookie the browser held.
    let url = reqwest::Url::parse(&app.base).unwrap();
    jar.add_cookie_str("accord_session=planted-by-an-attacker; Path=/", &url);
    let wrong = login(&mut maya, "maya@example.org", "not the password").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("do not match an account"));
    let before = values(cookies(&jar, &app.base));
    maya.get("/login").await;
    let query = "email=Maya@Example.org&password=correct+horse+battery&next=/account";
    let r = post_response(&maya, "/login", query).await;
    assert_eq!(
        (r.status().as_u16(), location(&r).as_deref()),
        (303, Some("/account"))
    );
    for c in set_cookies(&r) {
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    }
    let second = cookie(&jar, &app.base, "accord_session").unwrap();
    assert!(
        !before.contains(&second),
        "login kept a session id it was given"
    );
    assert_ne!(second, first);
    assert_eq!(maya.get("/account").await.status, 200);

    // Logging in again while logged in also rotates, and ends the old one.
    let page = login(&mut maya, "maya@example.org", PASSWORD).await;
    assert_eq!(page.status, 303);
    let third = cookie(&jar, &app.base, "accord_session").unwrap();
    assert_ne!(third, second);
    let (old, new) = (
        format!("accord_session={second}"),
        format!("accord_session={third}"),
    );
    assert_eq!(get_with_cookie(app, "/account", &old).await.0, 303);
    assert_eq!(get_with_cookie(app, "/account", &new).await.0, 200);

    // `next` only leads to paths on this site, and never breaks the answer.
    for next in ["//evil.example/", "/account%0D%0ASet-Cookie:+a=b"] {
        maya.get("/login").await;
        let query = format!("email=maya@example.org&password=correct+horse+battery&next={next}");
        let page = send(&mut maya, "/login", &query).await;
        assert_eq!((page.status, page.location.as_deref()), (303, Some("/")));
    }
}

on_both_databases!(sessions: sessions_on_sqlite, sessions_on_postgres);

// --- Passwords ----------------------------------------------------------

async fn passwords(app: &TestApp) {
    let mut here = signup(app, "Maya Chen", "maya@example.org").await;
    let mut there = Client::new(app);
    assert_eq!(
        login(&mut there, "maya@example.org", PASSWORD).await.status,
        303
    );
    here.get("/account").await;

    // A wrong current password or a short new one changes nothing.
    let change = "/account/password";
    let page = send(
        &mut here,
        change,
        "current=not+mine&new=a+brand+new+password",
    )
    .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("current password is not right"),
        "{}",
        page.body
    );
    let page = send(&mut here, change, "current=correct+horse+battery&new=short").await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("at least 10 characters"),
        "{}",
        page.body
    );
    assert_eq!(there.get("/account").await.status, 200);

    // Changing it ends the other session and every API token; this
    // browser goes on under a new session id.
    let script = api_token(app, "maya@example.org", PASSWORD).await;
    assert_eq!(api_me(app, &script).await, 200);
    let old_cookie = session_cookie(&here, app);
    let query = "current=correct+horse+battery&new=a+brand+new+password";
    let page = send(&mut here, change, query).await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/account?changed=password")),
        "{}",
        page.body
    );
    let page = here.get("/account?changed=password").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("every API token of your account has stopped working"),
        "{}",
        page.body
    );
    assert_ne!(session_cookie(&here, app), old_cookie, "a new session id");
    assert_eq!(
        api_me(app, &script).await,
        401,
        "the token ended with the password"
    );
    assert_eq!(here.get("/account").await.status, 200);
    let to_login = Some("/login?next=/account");
    assert_eq!(there.get("/account").await.location.as_deref(), to_login);
    let mut fresh = Client::new(app);
    assert_eq!(
        login(&mut fresh, "maya@example.org", PASSWORD).await.status,
        401
    );
    let page = login(&mut there, "maya@example.org", "a brand new password").await;
    assert_eq!(page.status, 303);

    // Forgot password: the same answer whether or not the account exists.
    let mut stranger = Client::new(app);
    let form_page = stranger.get("/forgot").await;
    assert!(
        form_page.body.contains("action=\"/forgot\""),
        "{}",
        form_page.body
    );
    let known = send(&mut stranger, "/forgot", "email=maya@example.org").await;
    let unknown = send(&mut stranger, "/forgot", "email=nobody@example.org").await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(
        known.body, unknown.body,
        "the answer tells who has an account"
    );
    assert!(known.body.contains("If an account uses that address"));
    let sent = app.outbox.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "maya@example.org");
    assert!(sent[0].body.contains(&format!("{}/reset/", app.base)));

    // The link works once: it sets the password and ends every session.
    let link = reset_path(app, "maya@example.org");
    let mut lost = Client::new(app);
    assert_eq!(lost.get(&link).await.status, 200);
    assert_eq!(lost.get(&link).await.status, 200, "looking does not use it");
    let page = send(&mut lost, &link, "password=short").await;
    assert_eq!(
        page.status, 422,
        "a too-short password does not use the link"
    );
    let script = api_token(app, "maya@example.org", "a brand new password").await;
    assert!(lost.get(&link).await.body.contains("stops every API token"));
    let page = send(&mut lost, &link, "password=reset+and+renewed").await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/login?reset=1"))
    );
    assert_eq!(
        api_me(app, &script).await,
        401,
        "a reset ends API tokens too"
    );
    assert!(
        lost.get("/login?reset=1")
            .await
            .body
            .contains("every session and API token of your account has ended")
    );
    assert_eq!(here.get("/account").await.location.as_deref(), to_login);
    assert_eq!(there.get("/account").await.status, 303);
    let page = login(&mut lost, "maya@example.org", "reset and renewed").await;
    assert_eq!(page.status, 303);
    lost.get(&link).await;
    let page = send(&mut lost, &link, "password=somebody+else+s").await;
    assert_eq!(page.status, 409, "a link works once: {}", page.body);
    assert!(page.body.contains("expired or was already used"));
    let page = login(
        &mut Client::new(app),
        "maya@example.org",
        "reset and renewed",
    )
    .await;
    assert_eq!(page.status, 303);

    // A link works for an hour, not longer. (Using a link removes the
    // account's other links, so each is asked for in turn.)
    stranger.get("/forgot").await;
    send(&mut stranger, "/forgot", "email=maya@example.org").await;
    let early = reset_path(app, "maya@example.org");
    app.clock.advance(SignedDuration::from_mins(59));
    let mut c = Client::new(app);
    c.get(&early).await;
    assert_eq!(
        send(&mut c, &early, "password=still+in+time").await.status,
        303
    );
    send(&mut stranger, "/forgot", "email=maya@example.org").await;
    let late = reset_path(app, "maya@example.org");
    assert_ne!(early, late);
    app.clock.advance(SignedDuration::from_mins(61));
    let mut c = Client::new(app);
    c.get(&late).await;
    let page = send(&mut c, &late, "password=too+late+for+this").await;
    assert_eq!(page.status, 409, "{}", page.body);
    let page = login(&mut c, "maya@example.org", "too late for this").await;
    assert_eq!(page.status, 401);
    let page = login(&mut c, "maya@example.org", "still in time").await;
    assert_eq!(page.status, 303);
}

on_both_databases!(passwords: passwords_on_sqlite, passwords_on_postgres);

#[tokio::test]
async fn without_smtp_the_reset_page_sends_people_to_the_operator() {
    let app = spawn_app_on(Backend::Sqlite, false).await;
    signup(&app, "Maya Chen", "maya@example.org").await;
    let mut c = Client::new(&app);
    let page = c.get("/forgot").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ask the person who runs it"),
        "{}",
        page.body
    );
    assert!(page.body.contains("accord user reset-link"));
    assert!(
        !page.body.contains("action=\"/forgot\""),
        "a form that cannot work"
    );
    // Posting anyway (an old tab) sends nothing and says the same.
    c.get("/login").await;
    let page = send(&mut c, "/forgot", "email=maya@example.org").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ask the person who runs it"),
        "{}",
        page.body
    );
    assert!(app.outbox.sent().is_empty());
}

// --- Throttling ---------------------------------------------------------

/// Records a failed login for `email` from `addr` the way the app does
/// (`auth::throttle::failed`), for addresses a test cannot connect from.
async fn failure_from(app: &TestApp, email: &str, addr: &str) {
    let keys = [
        format!("addr:{addr}"),
        format!("pair:{email}|{addr}"),
        format!("acct:{email}"),
    ];
    let now = app.clock.now();
    app.store.record_login_failure(&keys, now).await.unwrap();
}

async fn throttling(app: &TestApp) {
    const MAYA: &str = "maya@example.org";
    let mut maya = signup(app, "Maya Chen", MAYA).await;
    signup(app, "Jonas Berg", "jonas@example.org").await;
    assert_eq!(maya.post("/logout", &[]).await.status, 303);
    let window = SignedDuration::from_mins(16);

    // Account and address: five failures, then even the right password
    // gets 429 with Retry-After, from this address.
    let mut guesser = Client::new(app);
    for i in 0..5 {
        let page = login(&mut guesser, MAYA, &format!("guess number {i}")).await;
        assert_eq!(page.status, 401, "attempt {i}");
    }
    let query = "email=maya@example.org&password=correct+horse+battery";
    let r = post_response(&guesser, "/login", query).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers().get("retry-after").unwrap(), "900");
    assert!(r.text().await.unwrap().contains("Too many failed attempts"));
    assert_eq!(login(&mut maya, MAYA, PASSWORD).await.status, 429);
    // Other accounts from this address are not affected.
    let mut jonas = Client::new(app);
    assert_eq!(
        login(&mut jonas, "jonas@example.org", PASSWORD)
            .await
            .status,
        303
    );
    // The window passes.
    app.clock.advance(window);
    assert_eq!(login(&mut maya, MAYA, PASSWORD).await.status, 303);
    maya.get("/").await;
    assert_eq!(maya.post("/logout", &[]).await.status, 303);

    // A success forgets the pair's failures.
    for _ in 0..4 {
        assert_eq!(login(&mut guesser, MAYA, "wrong again").await.status, 401);
    }
    assert_eq!(login(&mut guesser, MAYA, PASSWORD).await.status, 303);
    assert_eq!(
        login(&mut guesser, MAYA, "wrong once more").await.status,
        401
    );
    assert_eq!(login(&mut guesser, MAYA, PASSWORD).await.status, 303);

    // The address: failures against many accounts block it for every
    // account (49 recorded as the app would, one real).
    app.clock.advance(window);
    for i in 0..49 {
        let keys = [
            "addr:127.0.0.1".to_owned(),
            format!("acct:user{i}@example.org"),
        ];
        app.store
            .record_login_failure(&keys, app.clock.now())
            .await
            .unwrap();
    }
    let mut c = Client::new(app);
    assert_eq!(
        login(&mut c, "nobody@example.org", "anything").await.status,
        401
    );
    let mut c = Client::new(app);
    assert_eq!(
        login(&mut c, "jonas@example.org", PASSWORD).await.status,
        429
    );
    assert_eq!(login(&mut maya, MAYA, PASSWORD).await.status, 429);
    app.clock.advance(window);

    // The account from everywhere: 25 failures from other addresses stop
    // unknown browsers, but not one that has logged in to it before.
    for i in 0..25 {
        failure_from(app, MAYA, &format!("203.0.113.{i}")).await;
    }
    let mut fresh = Client::new(app);
    let page = login(&mut fresh, MAYA, PASSWORD).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert_eq!(fresh.get("/account").await.status, 303);
    // A browser known to jonas's account is still unknown to maya's.
    let mut jonas = Client::new(app);
    assert_eq!(
        login(&mut jonas, "jonas@example.org", PASSWORD)
            .await
            .status,
        303
    );
    jonas.get("/").await;
    assert_eq!(jonas.post("/logout", &[]).await.status, 303);
    assert_eq!(login(&mut jonas, MAYA, PASSWORD).await.status, 429);
    // Maya's own browser, logged out but remembered, gets in.
    let page = login(&mut maya, MAYA, PASSWORD).await;
    assert_eq!(page.status, 303, "the owner was locked out: {}", page.body);
    assert_eq!(maya.get("/account").await.status, 200);
    // A known browser still cannot guess: wrong passwords are refused.
    assert_eq!(login(&mut maya, MAYA, "not it").await.status, 401);
}

on_both_databases!(throttling: throttling_on_sqlite, throttling_on_postgres);

// --- Health and request ids ----------------------------------------------

#[tokio::test]
async fn healthz_answers_and_every_response_has_a_request_id() {
    let app = spawn_app().await;
    let r = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    // Pages, assets, errors, refusals: all carry a fresh id.
    let c = signup(&app, "Maya Chen", "maya@example.org").await;
    let mut ids = Vec::new();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/login"),
        ("GET", "/account"),
        ("GET", "/static/app.css"),
        ("GET", "/no/such/page"),
        ("GET", "/logout"),
        ("POST", "/account/password"),
        ("POST", "/partnerships"),
    ] {
        let url = format!("{}{path}", app.base);
        let r = c
            .http
            .request(method.parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        let id = r.headers().get("x-request-id");
        ids.push(id.expect(path).to_str().unwrap().to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "request ids repeat: {ids:?}");
    // An id the caller sends is kept, for tracing across a proxy.
    let url = format!("{}/healthz", app.base);
    let r = c
        .http
        .get(url)
        .header("x-request-id", "trace-me-42")
        .send()
        .await;
    assert_eq!(r.unwrap().headers()["x-request-id"], "trace-me-42");
}
