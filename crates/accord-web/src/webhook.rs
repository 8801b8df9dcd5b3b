//! Webhook delivery: what Accord `POST`s to a person's webhook address, how
//! it is signed, and the client that sends it.
//!
//! # One body for several kinds of receiver
//!
//! People point their webhook at whatever they already read: a Slack (or
//! Mattermost, Rocket.Chat, Discord `/slack`) incoming webhook, an
//! [ntfy](https://ntfy.sh) topic for phone notifications, or a service of
//! their own. Rather than asking which it is, Accord sends one JSON object
//! that each of them understands, since each reads its own fields and
//! ignores the rest ([`body`]):
//!
//! | field | read by | holds |
//! |---|---|---|
//! | `text` | Slack-style incoming webhooks | title, text and link as one mrkdwn string |
//! | `topic`, `title`, `message`, `click`, `tags` | ntfy's JSON publishing | the topic (the URL's last path segment, or `accord`), title, text, link, `["accord"]` |
//! | `accord` | your own receiver | the event's details, as structured data |
//!
//! ntfy reads those fields when the JSON is posted to the server's root URL
//! (`https://ntfy.sh/`, topic `accord`). Posted to a topic URL it publishes
//! the body as it is, unless the URL asks ntfy (2.10 or later) to template
//! it: `https://ntfy.sh/<topic>?tpl=1&t={{.title}}&m={{.message}}`.
//!
//! # Id and signatures
//!
//! Every request follows the [Standard Webhooks](https://www.standardwebhooks.com/)
//! conventions, so their libraries verify it and drop repeats:
//!
//! - `webhook-id`: the message's id, made when it was put in the outbox and
//!   the same on every attempt. A receiver that has seen it already drops
//!   the request: that is how a repeat after a crash (see the worker) does
//!   no harm.
//! - `webhook-timestamp`: the attempt's time, in unix seconds.
//! - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
//!   ([`sign_standard`]), keyed with the secret's bytes: for a secret of
//!   the form `whsec_<base64>` (every secret Accord makes now) the base64
//!   decoded, as the standard says; for an older secret, its text.
//!
//! Receivers written before keep working: every request also carries
//! `X-Accord-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is the
//! lower-case HMAC-SHA256, keyed with the secret's text, of `<unix
//! seconds>.` followed by the exact body bytes ([`sign`]). A receiver
//! recomputes it and checks that the time is recent ([`verify`]), which
//! proves the request came from Accord and was not replayed later.
//! `X-Accord-Event` names the event (see [`event_name`]).
//!
//! # Delivery
//!
//! [`WebhookSender`] posts with a 10 s timeout and follows no redirects; any
//! answer other than 2xx, a timeout or a connection failure is a
//! [`WebhookError`] for the worker to retry. Error messages never include
//! the secret or the URL (Slack's URLs are secrets themselves). Unless the
//! operator allows private networks, it reaches public addresses only
//! ([`guard`]).

pub mod guard;

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Accord-Signature";
/// The header naming the event.
pub const EVENT_HEADER: &str = "X-Accord-Event";
/// The message's id, the same on every attempt (Standard Webhooks).
pub const ID_HEADER: &str = "webhook-id";
/// The attempt's time in unix seconds (Standard Webhooks).
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The Standard Webhooks signature.
pub const STANDARD_SIGNATURE_HEADER: &str = "webhook-signature";
/// The prefix of a Standard Webhooks secret, before its base64.
pub const SECRET_PREFIX: &str = "whsec_";
/// How long a delivery may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

type HmacSha256 = Hmac<Sha256>;

/// What a notification says, and the event behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookMessage {
    /// A short heading, e.g. "Check-in tomorrow at 09:00".
    pub title: String,
    /// The message itself, plain text.
    pub text: String,
    /// Where to act on it in Accord, if anywhere.
    pub link: Option<String>,
    /// The event's details as a JSON object, sent as `accord`; its `kind`
    /// string, when present, is also the `X-Accord-Event` header.
    pub event: Value,
}

/// The name sent in `X-Accord-Event`: the event's `kind` when it is a
/// string, otherwise `notification`.
pub fn event_name(msg: &WebhookMessage) -> &str {
    msg.event
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("notification")
}

/// The JSON body posted for `msg` to `url` (see the module docs for the
/// fields and why there are so many).
pub fn body(msg: &WebhookMessage, url: &str) -> Vec<u8> {
    let mut body = json!({
        "text": slack_text(msg),
        "topic": topic(url),
        "title": msg.title,
        "message": msg.text,
        "tags": ["accord"],
        "accord": msg.event,
    });
    if let (Some(link), Some(object)) = (&msg.link, body.as_object_mut()) {
        object.insert("click".to_owned(), Value::String(link.clone()));
    }
    body.to_string().into_bytes()
}

/// Title in bold, the text, and the link, in Slack's mrkdwn (where `&`, `<`
/// and `>` must be escaped).
fn slack_text(msg: &WebhookMessage) -> String {
    let mut text = format!(
        "*{}*\n{}",
        slack_escape(&msg.title),
        slack_escape(&msg.text)
    );
    if let Some(link) = &msg.link {
        text.push_str(&format!("\n<{}|Open in Accord>", slack_escape(link)));
    }
    text
}

fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The ntfy topic for `url`: its last non-empty path segment, or `accord`.
fn topic(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|url| {
            url.path_segments()?
                .rfind(|segment| !segment.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "accord".to_owned())
}

/// The `X-Accord-Signature` value for `body` sent at `timestamp_secs`:
/// `t=<secs>,v1=<lower-hex HMAC-SHA256 of "<secs>.<body>">`, keyed with
/// `secret`.
pub fn sign(secret: &str, timestamp_secs: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp_secs, body).finalize().into_bytes();
    let mut hex = String::with_capacity(tag.len() * 2);
    for byte in tag {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    format!("t={timestamp_secs},v1={hex}")
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The key a secret stands for in Standard Webhooks: the bytes of the
/// base64 after `whsec_`, or (a secret made before Accord used that form,
/// or one that does not decode) the secret's text.
fn standard_key(secret: &str) -> Vec<u8> {
    use base64::Engine;
    secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec())
}

fn standard_mac(secret: &str, id: &str, timestamp_secs: i64, body: &[u8]) -> HmacSha256 {
    let Ok(mut mac) = HmacSha256::new_from_slice(&standard_key(secret)) else {
        unreachable!("HMAC-SHA256 accepts keys of every length")
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value for the message `id` with `body`, sent at
/// `timestamp_secs`: `v1,<base64 HMAC-SHA256 of "<id>.<secs>.<body>">`.
pub fn sign_standard(secret: &str, id: &str, timestamp_secs: i64, body: &[u8]) -> String {
    use base64::Engine;
    let tag = standard_mac(secret, id, timestamp_secs, body)
        .finalize()
        .into_bytes();
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(tag)
    )
}

/// Checks Standard Webhooks headers as a receiver does: one of the
/// space-separated `v1,` signatures matches (in constant time) and the
/// timestamp is within `tolerance_secs` of `now_secs`.
pub fn verify_standard(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now_secs: i64,
    tolerance_secs: i64,
) -> bool {
    use base64::Engine;
    let Ok(timestamp) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    if tolerance_secs < 0 || timestamp.abs_diff(now_secs) > tolerance_secs.unsigned_abs() {
        return false;
    }
    signatures.split_whitespace().any(|signature| {
        signature
            .strip_prefix("v1,")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .is_some_and(|tag| {
                standard_mac(secret, id, timestamp, body)
                    .verify_slice(&tag)
                    .is_ok()
            })
    })
}

fn mac(secret: &str, timestamp_secs: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        unreachable!("HMAC-SHA256 accepts keys of every length")
    };
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks an `X-Accord-Signature` header for `body`: true when one of its
/// `v1` signatures matches under `secret` (compared in constant time) and
/// its time `t` is within `tolerance_secs` of `now_secs`, either way.
pub fn verify(secret: &str, header: &str, body: &[u8], now_secs: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(decode_hex(value)),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return false;
    };
    if tolerance_secs < 0 || timestamp.abs_diff(now_secs) > tolerance_secs.unsigned_abs() {
        return false;
    }
    signatures
        .iter()
        .any(|signature| mac(secret, timestamp, body).verify_slice(signature).is_ok())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    s.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Checks a webhook address a person wants to save: an absolute `http` or
/// `https` URL with a host and no user name or password in it. Surrounding
/// spaces are ignored. The error is a sentence to show them.
pub fn check_url(url: &str) -> Result<Url, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Enter the webhook's address, starting with https://.".to_owned());
    }
    if url.len() > 2000 {
        return Err("That address is too long (more than 2000 characters).".to_owned());
    }
    let parsed = Url::parse(url).map_err(|e| {
        format!("That is not a web address ({e}); it should look like https://example.org/hook.")
    })?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(format!(
            "A webhook address must start with https:// (or http://), not {}:.",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("That address has no host name.".to_owned());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "Leave the user name and password out of the webhook address; Accord signs each request instead."
                .to_owned(),
        );
    }
    Ok(parsed)
}

/// Why a webhook could not be delivered. The messages name what happened
/// and never contain the URL or the secret.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The address is not one Accord posts to (see [`check_url`]).
    #[error("the webhook address is not usable: {0}")]
    BadUrl(String),
    /// The address is on a private network or this server (see [`guard`]).
    #[error("the webhook address is not public: {0}")]
    Private(String),
    /// The HTTP client could not be built.
    #[error("could not set up the webhook client: {0}")]
    Client(String),
    /// The receiver answered with a redirect, which is not followed.
    #[error("the webhook answered with a redirect (HTTP {0}), which is not followed")]
    Redirect(u16),
    /// The receiver answered with another status outside 2xx.
    #[error("the webhook answered with HTTP status {0}")]
    Status(u16),
    /// No connection could be made.
    #[error("could not connect to the webhook's server: {0}")]
    Connect(String),
    /// No answer within [`TIMEOUT`].
    #[error("the webhook did not answer within {} seconds", TIMEOUT.as_secs())]
    Timeout,
    /// The request failed in some other way.
    #[error("could not deliver the webhook: {0}")]
    Request(String),
}

impl From<reqwest::Error> for WebhookError {
    fn from(e: reqwest::Error) -> Self {
        // A connect timeout is both; say the time, as the person may fix it.
        let (timeout, connect) = (e.is_timeout(), e.is_connect());
        let detail = describe(&e.without_url());
        if timeout {
            WebhookError::Timeout
        } else if connect {
            WebhookError::Connect(detail)
        } else {
            WebhookError::Request(detail)
        }
    }
}

/// The innermost cause of `e`, which says the most (e.g. "Connection
/// refused (os error 111)"); reqwest's own message is generic.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(source) = inner.source() {
        inner = source;
    }
    inner.to_string()
}

/// Posts webhook messages. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    private_allowed: bool,
}

impl WebhookSender {
    /// A sender with the usual [`TIMEOUT`]; it posts to private networks
    /// and this machine only when `private_allowed`.
    pub fn new(private_allowed: bool) -> Result<Self, WebhookError> {
        Self::with_timeout(TIMEOUT, private_allowed)
    }

    /// A sender that gives up after `timeout` (for tests).
    pub fn with_timeout(timeout: Duration, private_allowed: bool) -> Result<Self, WebhookError> {
        // With the `rustls-tls` feature reqwest uses ring unless a default
        // crypto provider was installed, so building cannot panic.
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accord/", env!("CARGO_PKG_VERSION")));
        if !private_allowed {
            builder = builder.dns_resolver(std::sync::Arc::new(guard::PublicOnly));
        }
        let client = builder
            .build()
            .map_err(|e| WebhookError::Client(describe(&e.without_url())))?;
        Ok(Self {
            client,
            private_allowed,
        })
    }

    /// Posts `msg` to `url` as the message `id` (the same on every
    /// attempt), signed with `secret` at time `now`. Ok when the receiver
    /// answered 2xx.
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        id: &str,
        msg: &WebhookMessage,
        now: jiff::Timestamp,
    ) -> Result<(), WebhookError> {
        let target = check_url(url).map_err(WebhookError::BadUrl)?;
        if !self.private_allowed
            && let Some(why) = target.host().as_ref().and_then(guard::refuse_ip)
        {
            return Err(WebhookError::Private(why));
        }
        let body = body(msg, target.as_str());
        let signature = sign(secret, now.as_second(), &body);
        let standard = sign_standard(secret, id, now.as_second(), &body);
        let event = HeaderValue::from_str(event_name(msg))
            .unwrap_or_else(|_| HeaderValue::from_static("notification"));
        let id = HeaderValue::from_str(id)
            .map_err(|_| WebhookError::Request("the message id is not a header value".into()))?;
        let response = self
            .client
            .post(target)
            .header(CONTENT_TYPE, "application/json")
            .header(ID_HEADER, id)
            .header(TIMESTAMP_HEADER, now.as_second().to_string())
            .header(STANDARD_SIGNATURE_HEADER, standard)
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_HEADER, event)
            .body(body)
            .send()
            .await?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_redirection() {
            Err(WebhookError::Redirect(status.as_u16()))
        } else {
            Err(WebhookError::Status(status.as_u16()))
        }
    }
}

#[cfg(test)]
mod tests;
