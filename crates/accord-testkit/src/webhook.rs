//! [`WebhookReceiver`]: an HTTP server that records every `POST`.
//!
//! It answers any path. A `POST` is recorded — path, query, headers, body
//! and the status answered — before the answer goes out, so a sender that
//! has its `200` finds its request in [`WebhookReceiver::requests`]. Other
//! methods get `405` and are not recorded. [`WebhookReceiver::fail_next`]
//! makes the next `POST`s get `500`; they are recorded too, with that
//! status, so a test can count attempts ([`WebhookReceiver::accepted`]
//! leaves them out).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};

use crate::{AnswerDelay, FailCounter, Recorder, ServerGuard, spawn_server};

/// The largest body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One `POST` the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The request's path, e.g. `/hooks/maya`.
    pub path: String,
    /// The query string without `?`, if there was one.
    pub query: Option<String>,
    /// Every header, names in lower case, in the order received; values
    /// that are not UTF-8 have U+FFFD in place of their bad bytes.
    pub headers: Vec<(String, String)>,
    /// The body, as received.
    pub body: Vec<u8>,
    /// The status the server answered: `200`, or `500` when told to fail.
    pub status: u16,
}

impl ReceivedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text; invalid UTF-8 becomes U+FFFD.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
    }
}

#[derive(Debug)]
struct Shared {
    requests: Recorder<ReceivedRequest>,
    fail: FailCounter,
    delay: AnswerDelay,
}

/// An HTTP server on `127.0.0.1` that records every `POST` it receives.
///
/// Clones share the server; it stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _guard: Arc<ServerGuard>,
}

impl WebhookReceiver {
    /// Starts a server on a free port.
    ///
    /// # Panics
    ///
    /// When no port can be bound or no thread started; see
    /// [`try_start`](Self::try_start) to handle that instead.
    pub async fn start() -> Self {
        match Self::try_start().await {
            Ok(receiver) => receiver,
            Err(e) => panic!("could not start the test webhook server: {e}"),
        }
    }

    /// Starts a server on a free port, or says why it could not.
    pub async fn try_start() -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            requests: Recorder::new(),
            fail: FailCounter::default(),
            delay: AnswerDelay::default(),
        });
        let app = Router::new()
            .fallback(record)
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(Arc::clone(&shared));
        let (addr, guard) = spawn_server("accord-testkit-webhook", move |listener| async move {
            // `serve` only returns on a listener error, which ends the
            // receiver; tests then see their deliveries fail.
            let _ = axum::serve(listener, app).await;
        })
        .await?;
        Ok(Self {
            addr,
            shared,
            _guard: Arc::new(guard),
        })
    }

    /// The port the server listens on (host `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The full URL of `path` on this server, e.g.
    /// `http://127.0.0.1:40123/hooks/maya`; a missing leading `/` is added.
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("http://{}{slash}{path}", self.addr)
    }

    /// Every `POST` received so far, refused ones included, in the order
    /// they arrived.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.requests.snapshot()
    }

    /// The `POST`s answered with `200` so far.
    pub fn accepted(&self) -> Vec<ReceivedRequest> {
        let mut requests = self.requests();
        requests.retain(|r| r.status == 200);
        requests
    }

    /// Waits until at least `n` `POST`s (refused ones included) have
    /// arrived or `timeout` passes, then returns all received so far —
    /// possibly fewer than `n`, so check the length.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        self.shared.requests.wait_for(n, timeout).await
    }

    /// Answers `500` to the next `n` `POST`s (replacing any count left from
    /// an earlier call).
    pub fn fail_next(&self, n: usize) {
        self.shared.fail.set(n);
    }

    /// Waits `delay` after recording each `POST` before answering it (none
    /// by default), so that a sender can die between the two.
    pub fn answer_after(&self, delay: Duration) {
        self.shared.delay.set(delay);
    }
}

async fn record(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED;
    }
    let status = if shared.fail.take_one() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    shared.requests.push(ReceivedRequest {
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers: headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: body.to_vec(),
        status: status.as_u16(),
    });
    shared.delay.wait().await;
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn records_posts_and_answers_200() {
        let hooks = WebhookReceiver::start().await;
        let client = reqwest::Client::new();
        let response = client
            .post(hooks.url("hooks/maya?x=1"))
            .header("X-Accord-Event", "reminder")
            .body(r#"{"text":"hi"}"#)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        let got = hooks.requests();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, "/hooks/maya");
        assert_eq!(got[0].query.as_deref(), Some("x=1"));
        assert_eq!(got[0].header("x-accord-event"), Some("reminder"));
        assert_eq!(got[0].header("X-ACCORD-EVENT"), Some("reminder"));
        assert_eq!(got[0].body_text(), r#"{"text":"hi"}"#);
        assert_eq!(got[0].json().expect("json")["text"], "hi");
        assert_eq!(got[0].status, 200);

        let response = client.get(hooks.url("/")).send().await.expect("sent");
        assert_eq!(response.status(), 405);
        assert_eq!(hooks.requests().len(), 1);
    }

    #[tokio::test]
    async fn fail_next_answers_500_and_keeps_the_attempts() {
        let hooks = WebhookReceiver::start().await;
        let client = reqwest::Client::new();
        hooks.fail_next(2);
        let mut statuses = Vec::new();
        for i in 0..3 {
            let response = client
                .post(hooks.url("/h"))
                .body(format!("attempt {i}"))
                .send()
                .await
                .expect("sent");
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses, [500, 500, 200]);
        let got = hooks.wait_for(3, WAIT).await;
        assert_eq!(
            got.iter().map(|r| r.status).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        let accepted = hooks.accepted();
        assert_eq!(accepted.len(), 1);
        assert_eq!(accepted[0].body_text(), "attempt 2");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_posts_are_all_recorded() {
        const POSTS: usize = 400;
        let hooks = WebhookReceiver::start().await;
        let waiter = {
            let hooks = hooks.clone();
            tokio::spawn(async move { hooks.wait_for(POSTS, WAIT).await.len() })
        };
        let client = reqwest::Client::new();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..POSTS {
            let request = client.post(hooks.url("/many")).body(i.to_string());
            tasks.spawn(async move { request.send().await.map(|r| r.status().as_u16()) });
        }
        while let Some(done) = tasks.join_next().await {
            assert_eq!(done.expect("task").expect("sent"), 200);
        }
        assert_eq!(waiter.await.expect("waiter"), POSTS);
        let mut bodies: Vec<usize> = hooks
            .requests()
            .iter()
            .map(|r| r.body_text().parse().expect("number"))
            .collect();
        bodies.sort_unstable();
        assert_eq!(bodies, (0..POSTS).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn wait_for_returns_what_arrived_when_the_time_is_up() {
        let hooks = WebhookReceiver::start().await;
        let got = hooks.wait_for(1, Duration::from_millis(50)).await;
        assert!(got.is_empty());
    }
}
