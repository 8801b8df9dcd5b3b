//! Hostile input on a real server, on both databases: a NUL anywhere free
//! text enters (API bodies, forms, query strings, paths, agreement files)
//! is a 422 naming the field or a 404, never PostgreSQL's 500, and nothing
//! is written; a client that trickles its headers is cut off and one that
//! trickles its body gets a 503 `timeout`, while the server goes on serving others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_support;
mod checkins_support;
mod common;

use std::time::{Duration, Instant};

use api_support::*;
use checkins_support::*;
use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_databases!(nul_is_refused_everywhere: nul_on_sqlite, nul_on_postgres);

async fn nul_is_refused_everywhere(app: &TestApp) {
    let Pact { maya, p, .. } = signed(app).await;
    advance(app, 22); // The first check-in is open.
    let before = maya.get("/api/v1/partnerships").await.ok(200);

    // API bodies: every kind of free text, each named by its path.
    let token_request = json!({"email": "maya@example.org",
        "password": "correct horse battery", "label": "laptop\u{0}"});
    let cases = [
        (
            "/api/v1/partnerships".to_owned(),
            json!({"title": "Ours\u{0}"}),
            "title",
        ),
        (
            format!("{p}/invitations"),
            json!({"role": "coach", "email": "ruth\u{0}@example.org"}),
            "email",
        ),
        (
            format!("{p}/pauses"),
            json!({"first_day": "2026-03-09", "last_day": "2026-03-11", "reason": "Away\u{0}"}),
            "reason",
        ),
        (
            format!("{}/notes", at(&p, T0)),
            json!({"text": "Well\u{0} done"}),
            "text",
        ),
        (
            at(&p, T0),
            json!({"reports": [report("maya", &[], "Rest\u{0}")]}),
            "reports[0].next_commitments[0]",
        ),
        ("/api/v1/tokens".to_owned(), token_request, "label"),
    ];
    for (path, body, field) in &cases {
        let e = maya
            .post(path, body.clone())
            .await
            .error(422, "invalid", Some(field));
        assert!(e.message.contains("NUL"), "{path}: {}", e.message);
    }
    // A NUL in a key is refused too, though no field is named by it.
    maya.post(&format!("{}/notes", at(&p, T0)), json!({"te\u{0}xt": "x"}))
        .await
        .error(422, "invalid", None);
    // Nothing was written.
    assert_eq!(maya.get("/api/v1/partnerships").await.ok(200), before);
    let notes = maya.get(&at(&p, T0)).await.ok(200);
    assert!(!notes.to_string().contains("Well"), "{notes}");

    // An escaped backslash before `u0000` is text, kept as written.
    let made = maya
        .post("/api/v1/partnerships", json!({"title": "C:\\u0000"}))
        .await
        .ok(201);
    assert_eq!(made["title"], "C:\\u0000");

    // An agreement whose TOML writes a NUL: at its line and column.
    let draft = format!(
        "/api/v1/partnerships/{}/draft",
        made["id"].as_str().unwrap()
    );
    let revision = maya.get(&draft).await.ok(200)["revision"].clone();
    let toml = "format = 1\ntitle = \"Ours\\u0000\"\n";
    let e = maya
        .put(&draft, json!({"revision": revision, "toml": toml}))
        .await
        .error(422, "invalid_agreement", Some("title"));
    assert_eq!(
        (e.problems[0].line, e.problems[0].column),
        (Some(2), Some(14))
    );

    // Query strings and paths.
    maya.get(&format!("{p}/checkins?from=2026%00"))
        .await
        .error(422, "invalid", Some("from"));
    maya.get(&format!("{p}%00/checkins"))
        .await
        .error(404, "not_found", None);
    maya.post("/api/v1/invitations/abc%00def/accept", json!({}))
        .await
        .error(404, "not_found", None);

    // Pages: forms name the field; addresses are 404 pages.
    let mut page = signup(app, "Pia Page", "pia@example.org").await;
    page.get("/").await;
    let r = page.post("/partnerships", &[("title", "Ours\0")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("NUL") && r.body.contains("title"),
        "{}",
        r.body
    );
    assert_eq!(page.get("/invite/abc%00").await.status, 404);
    assert_eq!(page.get("/calendar/abc%00.ics").await.status, 404);
    let r = page.get("/login?next=%2F%00").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        !page.get("/").await.body.contains("Ours"),
        "nothing was created"
    );
}

/// Opens a raw connection to the app.
async fn connect(app: &TestApp) -> tokio::net::TcpStream {
    let addr = app.base.trim_start_matches("http://");
    tokio::net::TcpStream::connect(addr).await.unwrap()
}

/// Reads until the peer closes (or `limit` passes): what it sent.
async fn read_to_close(stream: &mut tokio::net::TcpStream, limit: Duration) -> String {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

/// The two deadlines on an app of their own: headers within 1 s, the whole
/// request within 2 s.
async fn with_short_deadlines(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.header_read_timeout = Duration::from_secs(1);
        s.request_timeout = Duration::from_secs(2);
    })
    .await;
    let healthy = || async {
        reqwest::get(format!("{}/healthz", app.base))
            .await
            .unwrap()
            .status()
    };

    // Headers a byte at a time, every 300 ms: cut off after about 1 s,
    // while other clients are served.
    let mut slow = connect(&app).await;
    let started = Instant::now();
    let trickle = async {
        for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaa" {
            if slow.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), trickle).await;
    let cut = started.elapsed();
    let rest = read_to_close(&mut slow, Duration::from_secs(5)).await;
    assert!(!rest.contains("200 OK"), "{rest}");
    assert!(
        cut < Duration::from_secs(6),
        "the connection stayed open for {cut:?}"
    );
    assert_eq!(healthy().await, 200);

    // A body promised and never sent: 503 `timeout` in the API's shape
    // after 2 s.
    let base = Api::anonymous(&app);
    let maya = user(&app, &base, "Maya Chen", "maya@example.org").await;
    drop(maya);
    let mut stalled = connect(&app).await;
    stalled
        .write_all(
            b"POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_to_close(&mut stalled, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"error\":\"timeout\""), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(healthy().await, 200);
}

#[tokio::test]
async fn slow_clients_cut_off_on_sqlite() {
    with_short_deadlines(Backend::Sqlite).await;
}

#[tokio::test]
async fn slow_clients_cut_off_on_postgres() {
    if postgres_configured() {
        with_short_deadlines(Backend::Postgres).await;
    }
}
