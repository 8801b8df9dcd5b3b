//! Two `accord serve` processes on one PostgreSQL database, as a practice
//! runs them behind a load balancer: a client retrying one request with
//! one `Idempotency-Key`, its retries landing on either process at once,
//! creates one partnership; every other retry is told to wait or gets the
//! first answer again. Needs `ACCORD_TEST_POSTGRES_URL` (CI sets it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use sqlx::Connection;
use support::{PgDb, Server, http, postgres, runtime, serve, sign_up};

/// POSTs JSON; returns (status, headers, body).
fn post_json(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    http(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn one_idempotency_key_makes_one_partnership_across_two_servers() {
    let Some(admin) = postgres() else { return };
    let runtime = runtime();
    let db = runtime.block_on(PgDb::create(&admin));
    let url = db.url.clone();
    let servers: Vec<Server> = (0..2)
        .map(|_| {
            serve(
                &[
                    "--listen",
                    "127.0.0.1:0",
                    "--database-url",
                    &url,
                    "--no-worker",
                ],
                &[],
            )
        })
        .collect();
    let (a, b) = (servers[0].addr.clone(), servers[1].addr.clone());

    sign_up(&a, "maya%40example.org");
    let (status, _, body) = post_json(
        &b,
        "/api/v1/tokens",
        &[],
        r#"{"email": "maya@example.org", "password": "correct horse battery", "label": "retries"}"#,
    );
    assert_eq!(status, 201, "{body}");
    let token = json(&body)["token"].as_str().unwrap().to_owned();
    let auth = format!("Bearer {token}");

    // Twelve retries at once, alternating between the two processes.
    let start = Arc::new(Barrier::new(12));
    let racers: Vec<_> = (0..12)
        .map(|i| {
            let addr = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (auth, start) = (auth.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                post_json(
                    &addr,
                    "/api/v1/partnerships",
                    &[("Authorization", &auth), ("Idempotency-Key", "one-key")],
                    r#"{"title": "Raced"}"#,
                )
            })
        })
        .collect();
    let mut ids = HashSet::new();
    let mut statuses = Vec::new();
    for r in racers {
        let (status, _, body) = r.join().unwrap();
        statuses.push(status);
        match status {
            201 => {
                ids.insert(json(&body)["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(json(&body)["error"], "conflict", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "one partnership answered: {statuses:?}");
    let id = ids.into_iter().next().unwrap();

    // Retried later through either process: the first answer again.
    for addr in [&a, &b] {
        let (status, head, body) = post_json(
            addr,
            "/api/v1/partnerships",
            &[("Authorization", &auth), ("Idempotency-Key", "one-key")],
            r#"{"title": "Raced"}"#,
        );
        assert_eq!(status, 201, "{body}");
        assert_eq!(json(&body)["id"], id.as_str());
        assert!(
            head.to_ascii_lowercase()
                .contains("idempotent-replayed: true"),
            "{head}"
        );
    }
    // And the database holds one.
    let count: i64 = runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM partnerships WHERE title = 'Raced'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    });
    assert_eq!(count, 1);

    drop(servers);
    drop(db);
}
