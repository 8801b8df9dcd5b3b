//! What the crash tests share: a server address that survives restarts on
//! the same port, an HTTP client that tells a cut-off exchange from an
//! answer (a killed server answers nothing), the world the writers write
//! into (two partners with tokens, a signed agreement, a recorded
//! check-in to add notes to), and the tables read back afterwards.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::{Server, try_serve};

/// Where the server listens; a restart binds the same port.
#[derive(Clone)]
pub struct Target {
    pub addr: String,
}

impl Target {
    pub fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
        }
    }

    /// Starts `accord serve` again on the same address (retrying while the
    /// port is still held by the killed process's socket).
    pub fn restart(&self, url: &str) -> Server {
        let mut last = String::new();
        for _ in 0..100 {
            match try_serve(
                &["--listen", &self.addr, "--database-url", url, "--no-worker"],
                &[("ACCORD_LOG", "warn")],
            ) {
                Ok(server) => return server,
                Err(why) => last = why,
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("accord serve did not start again on {}: {last}", self.addr)
    }
}

/// How an exchange ended.
#[derive(Debug)]
pub enum Outcome {
    /// The server answered: status and body.
    Answered(u16, String),
    /// No answer: refused, reset or cut off mid-way.
    Cut,
}

/// A plain HTTP/1.1 client, one connection per request.
pub struct Client {
    target: Target,
}

impl Client {
    pub fn new(target: Target) -> Self {
        Self { target }
    }

    /// Sends one request; an answer only when it arrived whole.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Outcome {
        let addr = &self.target.addr;
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let Ok(mut s) = TcpStream::connect(addr) else {
            return Outcome::Cut;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
        if s.write_all(request.as_bytes()).is_err() {
            return Outcome::Cut;
        }
        let mut raw = Vec::new();
        if s.read_to_end(&mut raw).is_err() {
            return Outcome::Cut;
        }
        let raw = String::from_utf8_lossy(&raw);
        let Some((head, body)) = raw.split_once("\r\n\r\n") else {
            return Outcome::Cut;
        };
        let Some(status) = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()) else {
            return Outcome::Cut;
        };
        // A body cut short by the kill is no answer either.
        let length = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        });
        if length.is_some_and(|n| body.len() < n) {
            return Outcome::Cut;
        }
        Outcome::Answered(status, body.to_owned())
    }

    /// POSTs JSON with a bearer token and an idempotency key.
    pub fn post(&self, path: &str, auth: &str, key: &str, body: &str) -> Outcome {
        self.send(
            "POST",
            path,
            &[("Authorization", auth), ("Idempotency-Key", key)],
            body,
        )
    }

    /// A request that must succeed with `status`; its JSON.
    pub fn must(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: &str,
        status: u16,
    ) -> serde_json::Value {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        match self.send(method, path, &headers, body) {
            Outcome::Answered(s, body) if s == status => json_of(&body),
            other => panic!("{method} {path}: wanted {status}, got {other:?}"),
        }
    }
}

pub fn json_of(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// A number below `n`, different each call (no need for a good generator).
pub fn random_below(n: u64) -> u64 {
    let r = uuid::Uuid::new_v4().as_u128();
    u64::try_from(r % u128::from(n.max(1))).unwrap()
}

/// The partners' bearer headers and the path notes are added at.
#[derive(Clone)]
pub struct World {
    pub maya: String,
    pub jonas: String,
    pub notes: String,
}

impl World {
    /// The request a key stands for: `crash-p-…` starts a partnership
    /// titled with the key (as Maya), `crash-n-…` adds a note saying the
    /// key (as Jonas). Path, body, bearer header.
    pub fn request(&self, key: &str) -> (String, String, &str) {
        if key.starts_with("crash-p-") {
            let body = serde_json::json!({ "title": key });
            (
                "/api/v1/partnerships".to_owned(),
                body.to_string(),
                &self.maya,
            )
        } else {
            let body = serde_json::json!({ "text": key, "private": false });
            (self.notes.clone(), body.to_string(), &self.jonas)
        }
    }
}

/// Two partners with API tokens, an agreement both signed with a check-in
/// every day at the next whole minute half an hour from now (UTC), so the
/// next one is open already, and that check-in recorded.
pub fn world(target: &Target) -> World {
    let addr = &target.addr;
    super::sign_up_as(addr, "Maya+Chen", "maya%40example.org");
    super::sign_up_as(addr, "Jonas+Berg", "jonas%40example.org");
    let client = Client::new(target.clone());
    let token = |email: &str| {
        let body = serde_json::json!({"email": email, "password": "correct horse battery", "label": "crash"});
        let t = client.must("POST", "/api/v1/tokens", None, &body.to_string(), 201);
        format!("Bearer {}", t["token"].as_str().unwrap())
    };
    let (maya, jonas) = (token("maya@example.org"), token("jonas@example.org"));
    let p = client.must(
        "POST",
        "/api/v1/partnerships",
        Some(&maya),
        r#"{"title": "Maya and Jonas"}"#,
        201,
    );
    let p = format!("/api/v1/partnerships/{}", p["id"].as_str().unwrap());
    let inv = client.must(
        "POST",
        &format!("{p}/invitations"),
        Some(&maya),
        r#"{"role": "partner"}"#,
        201,
    );
    let link = inv["link"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap();
    client.must(
        "POST",
        &format!("/api/v1/invitations/{token}/accept"),
        Some(&jonas),
        "{}",
        200,
    );

    let at = (jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30))
        .round(jiff::Unit::Minute)
        .unwrap();
    let time = at
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%H:%M")
        .to_string();
    let agreement = format!(
        r#"format = 1
title = "Maya and Jonas"
timezone = "UTC"

[[party]]
id = "maya"
name = "Maya Chen"
email = "maya@example.org"

[[party]]
id = "jonas"
name = "Jonas Berg"
email = "jonas@example.org"

[cadence]
interval_weeks = 1
weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
time = "{time}"
minutes = 20
"#
    );
    let draft = client.must("GET", &format!("{p}/draft"), Some(&maya), "", 200);
    let body = serde_json::json!({"revision": draft["revision"], "toml": agreement});
    let saved = client.must(
        "PUT",
        &format!("{p}/draft"),
        Some(&maya),
        &body.to_string(),
        200,
    );
    let sign = serde_json::json!({"revision": saved["revision"]}).to_string();
    for who in [&maya, &jonas] {
        client.must("POST", &format!("{p}/sign"), Some(who), &sign, 200);
    }
    let report = |party: &str| {
        serde_json::json!({
            "party": party,
            "win": "Kept the morning free",
            "next_commitments": ["Write the plan"],
            "next_step": "Block two hours tomorrow",
        })
    };
    let record = serde_json::json!({"reports": [report("maya"), report("jonas")]});
    let checkin = format!("{p}/checkins/{}", at.as_millisecond());
    client.must("POST", &checkin, Some(&maya), &record.to_string(), 201);
    World {
        maya,
        jonas,
        notes: format!("{checkin}/notes"),
    }
}

/// Every crash-test key stored, with how many times: partnership titles
/// and note texts starting with `crash-`.
pub async fn stored_keys(url: &str) -> Vec<(String, i64)> {
    let sql = "SELECT title, COUNT(*) FROM partnerships WHERE title LIKE 'crash-%' GROUP BY title \
               UNION ALL SELECT body, COUNT(*) FROM notes WHERE body LIKE 'crash-%' GROUP BY body";
    if url.starts_with("sqlite:") {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    }
}

/// Idempotency keys left "being processed" (no answer stored).
pub async fn open_claims(url: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM idempotency WHERE status = 0";
    if url.starts_with("sqlite:") {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}
