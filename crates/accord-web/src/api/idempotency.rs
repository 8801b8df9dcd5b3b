//! The `Idempotency-Key` header of creating requests, and running such a
//! request at most once per key.
//!
//! A request with a key runs its write as a [`Keyed`] write: the store
//! checks the key and stores the answer in the write's own transaction
//! (see `accord_store::Keyed`), so the effect and its answer commit
//! together. A retry finds the answer and is given it again; a request
//! killed before its commit left nothing behind, and its retry runs at
//! once. A second request with a key in flight is told so (409): within
//! one process by [`InFlight`], across processes by the database.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use accord_store::{Answer, AnswerFn, Keyed, StoredResponse, User, UserId};
use axum::Json;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, AppError};
use crate::state::AppState;

/// The header's name.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// What a request with a key in flight is told.
pub const IN_FLIGHT: &str =
    "A request with this Idempotency-Key is still being processed; retry in a moment.";

/// The `Idempotency-Key` header of a creating request, if sent: 1 to 200
/// visible ASCII characters.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_KEY) else {
            return Ok(Self(None));
        };
        let key =
            value.to_str().ok().map(str::trim).filter(|k| {
                (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
            });
        match key {
            Some(k) => Ok(Self(Some(k.to_owned()))),
            None => Err(AppError::invalid(
                IDEMPOTENCY_KEY,
                "An Idempotency-Key is 1 to 200 visible ASCII characters, such as a UUID.",
            )
            .into()),
        }
    }
}

impl IdempotencyKey {
    /// The key for one endpoint (`scope` names its method and path: a key
    /// sent to another endpoint is another key).
    pub fn scoped(self, scope: impl Into<String>) -> Keying {
        Keying {
            key: self.0,
            scope: scope.into(),
            fingerprint: None,
            redact: keep_all,
        }
    }
}

/// How a creating request is keyed.
pub struct Keying {
    key: Option<String>,
    scope: String,
    fingerprint: Option<String>,
    redact: fn(&mut Value),
}

impl Keying {
    /// For a request whose body must be the same on every retry: a digest
    /// of it is stored with the answer, and a retry with the same key but
    /// another body is refused (422) instead of being answered for a
    /// request it did not make.
    pub fn body<T: serde::Serialize>(mut self, body: &T) -> Result<Self, ApiError> {
        let json = serde_json::to_vec(body).map_err(AppError::internal)?;
        self.fingerprint = Some(
            Sha256::digest(&json)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        );
        Ok(self)
    }

    /// Leaves out of the stored answer what must never be stored (a
    /// secret shown once).
    pub fn redacting(mut self, redact: fn(&mut Value)) -> Self {
        self.redact = redact;
        self
    }
}

/// Nothing to leave out of a stored answer.
pub fn keep_all(_: &mut Value) {}

/// The keys of requests in flight in this process, by account.
#[derive(Debug, Default)]
pub struct InFlight(Mutex<HashSet<(UserId, String)>>);

impl InFlight {
    /// Takes the key for one request until the guard is dropped (answered,
    /// failed, or cancelled by its client); `None` while another holds it.
    fn take(self: &Arc<Self>, user: &UserId, key: &str) -> Option<Held> {
        let entry = (user.clone(), key.to_owned());
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        held.insert(entry.clone()).then(|| Held {
            keys: Arc::clone(self),
            entry,
        })
    }
}

/// A key held in this process.
struct Held {
    keys: Arc<InFlight>,
    entry: (UserId, String),
}

impl Drop for Held {
    fn drop(&mut self) {
        self.keys
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.entry);
    }
}

/// Runs a creating request at most once per idempotency key.
///
/// `write` does the request's work, passing the [`Keyed`] it is given (if
/// any) to the store's keyed write; `render` makes the answer from what
/// the write returned. It is called inside the write's transaction, to
/// store the answer, and again for the answer sent, so it must depend on
/// the result alone (and what it captured before). Without a key the
/// write just runs. With one, an answer stored under it for this account
/// and endpoint is sent again (with `Idempotent-Replayed: true`) and
/// nothing runs; only successful answers are stored, so a failed request
/// can be retried with the same key.
pub async fn idempotent<T, R, W, Fut>(
    state: &AppState,
    user: &User,
    keying: Keying,
    render: R,
    write: W,
) -> Result<Response, ApiError>
where
    T: 'static,
    R: Fn(&T) -> Result<(StatusCode, Value), AppError> + Send + Sync + 'static,
    W: FnOnce(Option<Keyed<T>>) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let send = |t: &T| -> Result<Response, ApiError> {
        let (status, body) = render(t)?;
        Ok((status, Json(body)).into_response())
    };
    let Some(key) = keying.key else {
        return send(&write(None).await?);
    };
    let key = format!("{}\n{key}", keying.scope);
    let fingerprint = keying.fingerprint;
    if let Some(stored) = state.store.idempotent_response(&user.id, &key).await? {
        return replay(stored, fingerprint.as_deref());
    }
    let Some(_held) = state.keys_in_flight.take(&user.id, &key) else {
        return Err(AppError::Conflict(IN_FLIGHT.into()).into());
    };
    let render = Arc::new(render);
    let answer: AnswerFn<T> = {
        let (render, redact) = (Arc::clone(&render), keying.redact);
        Arc::new(move |t: &T| {
            let (status, mut body) = render(t).map_err(|e| e.to_string())?;
            redact(&mut body);
            Ok(Answer {
                status: status.as_u16(),
                body: body.to_string(),
            })
        })
    };
    let keyed = Keyed {
        user: user.id.clone(),
        key: key.clone(),
        fingerprint: fingerprint.clone(),
        now: state.clock.now(),
        answer,
    };
    match write(Some(keyed)).await {
        Ok(t) => {
            let (status, body) = render(&t)?;
            Ok((status, Json(body)).into_response())
        }
        Err(ApiError(AppError::Replay(stored))) => replay(*stored, fingerprint.as_deref()),
        Err(e) => {
            // Another process may have answered the key while this one ran
            // (its own checks then fail on the effect already made): the
            // retry is given that answer.
            match state.store.idempotent_response(&user.id, &key).await? {
                Some(stored) => replay(stored, fingerprint.as_deref()),
                None => Err(e),
            }
        }
    }
}

fn replay(stored: StoredResponse, fingerprint: Option<&str>) -> Result<Response, ApiError> {
    if stored.fingerprint.is_some() && stored.fingerprint.as_deref() != fingerprint {
        return Err(AppError::invalid(
            IDEMPOTENCY_KEY,
            "This Idempotency-Key was used for a request with another body. Use a new key for a new request; a retry must send the same body.",
        )
        .into());
    }
    let status = StatusCode::from_u16(stored.status).map_err(AppError::internal)?;
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .header("idempotent-replayed", "true")
        .body(Body::from(stored.body))
        .map_err(|e| AppError::internal(e).into())
}

/// The JSON of a response value, for `render`.
pub fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, AppError> {
    serde_json::to_value(v).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_held_once_until_its_guard_goes() {
        let keys = Arc::new(InFlight::default());
        let maya = UserId::random();
        let held = keys.take(&maya, "POST /x\nk");
        assert!(held.is_some());
        assert!(keys.take(&maya, "POST /x\nk").is_none());
        // Another account's key of the same name is another key.
        assert!(keys.take(&UserId::random(), "POST /x\nk").is_some());
        drop(held);
        assert!(keys.take(&maya, "POST /x\nk").is_some());
    }

    #[test]
    fn fingerprints_ignore_spacing_and_key_order() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Body {
            party: String,
            win: String,
        }
        let print = |json: &str| {
            let body: Body = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
            IdempotencyKey(Some("k".into()))
                .scoped("s")
                .body(&body)
                .map(|k| k.fingerprint)
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let a = print(r#"{"party": "maya", "win": "w"}"#);
        assert_eq!(a, print(r#"{ "win":"w","party":"maya" }"#));
        assert_ne!(a, print(r#"{"party": "maya", "win": "x"}"#));
        assert_eq!(a.map(|f| f.len()), Some(64));
    }
}
