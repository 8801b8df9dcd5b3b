//! What every API handler shares: extractors whose failures answer in the
//! one JSON error shape (a body, a path, a query string that does not fit
//! is an `ErrorBody`, never axum's plain-text rejection), the
//! `Idempotency-Key` header and the replay of stored answers, and the
//! catch-all that gives 405s and unknown `/api` paths the same shape.

use std::future::Future;

use accord_store::{StoredResponse, User, UserId};
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::{ApiError, AppError, ErrorBody};
use crate::state::AppState;

/// A JSON request body; a body that is not JSON or does not fit the type
/// is a 422 `invalid` naming the field at fault when one is.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; a path that cannot be read is "not found".
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A query string; one that does not fit is a 422 `invalid`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let e = match r {
            JsonRejection::MissingJsonContentType(_) => AppError::Invalid {
                field: None,
                message: "Send the body as JSON, with `Content-Type: application/json`.".into(),
            },
            JsonRejection::JsonSyntaxError(e) => AppError::Invalid {
                field: None,
                message: format!(
                    "The body is not valid JSON: {}",
                    serde_detail(&e.body_text()).1
                ),
            },
            JsonRejection::JsonDataError(e) => {
                let (field, detail) = serde_detail(&e.body_text());
                AppError::Invalid {
                    field,
                    message: format!("The body does not fit this request: {detail}."),
                }
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::Invalid {
                field: None,
                message: "The body is larger than the 1 MiB this API accepts.".into(),
            },
            other => AppError::Invalid {
                field: None,
                message: format!("The body could not be read: {}.", other.body_text()),
            },
        };
        Self(e)
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self(AppError::NotFound)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        let (field, detail) = serde_detail(&r.body_text());
        Self(AppError::Invalid {
            field,
            message: format!("The query string does not fit this request: {detail}."),
        })
    }
}

/// The field at fault and the detail of axum's serde message, which reads
/// `Failed to …: path.to[0].field: what is wrong at line 1 column 9`.
fn serde_detail(text: &str) -> (Option<String>, String) {
    let detail = text.split_once(": ").map_or(text, |(_, rest)| rest);
    let detail = detail.rsplit_once(" at line ").map_or(detail, |(d, _)| d);
    let (path, what) = match detail.split_once(": ") {
        Some((p, w)) if !p.is_empty() && !p.contains(' ') => (Some(p.to_owned()), w),
        _ => (None, detail),
    };
    let missing = what
        .strip_prefix("missing field `")
        .and_then(|m| m.split_once('`'))
        .map(|(name, _)| name.to_owned());
    let field = match (path, missing) {
        (Some(p), Some(m)) if p != "." => Some(format!("{p}.{m}")),
        (_, Some(m)) => Some(m),
        (p, None) => p.filter(|p| p != "."),
    };
    (field, what.to_owned())
}

/// An error body built here rather than from an [`AppError`], for the few
/// answers that have no variant there (405, a failed token request's 401
/// that names the field).
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> Response {
    let body = ErrorBody {
        error: code.to_owned(),
        message: message.to_owned(),
        field: field.map(str::to_owned),
        problems: Vec::new(),
    };
    (status, Json(body)).into_response()
}

/// Gives every error answer of the API the JSON shape, for the ones axum
/// makes itself (405 for a method a path does not have) and any other
/// that is not JSON yet. Successful answers pass untouched.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This path does not answer this method; the Allow header lists the ones it does.",
        ),
        StatusCode::NOT_FOUND => (
            "not_found",
            "There is nothing here, or it is not yours to see.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "invalid",
            "The body is larger than the 1 MiB this API accepts.",
        ),
        s if s.is_client_error() => ("invalid", "The request could not be read."),
        _ => (
            "internal",
            "Something went wrong on our side. It has been logged; please try again.",
        ),
    };
    let (mut parts, _) = response.into_parts();
    let body = ErrorBody {
        error: code.to_owned(),
        message: message.to_owned(),
        field: None,
        problems: Vec::new(),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// Unknown paths under `/api`: 404 in the JSON shape.
pub async fn unknown_path() -> ApiError {
    ApiError(AppError::NotFound)
}

/// The `Idempotency-Key` header of a creating request, if sent: 1 to 200
/// visible ASCII characters.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

/// The header's name.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

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

/// How long a claim on a key holds without an answer before another
/// request may take it over: far longer than any request runs, so only a
/// claim whose process died or whose client went away is ever taken over.
const CLAIM_HOLDS: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

/// A claim on a key, held in the database so that every app process sees
/// it; given up when dropped unless an answer was stored in its place (a
/// request that failed, or was cancelled by its client, can be retried at
/// once with the same key). Only this claim is given up, identified by the
/// time it was made: a later request that took it over as abandoned keeps
/// its own.
struct Claim {
    store: std::sync::Arc<dyn accord_store::Store>,
    user: UserId,
    key: String,
    /// The `now` the key was claimed with.
    claimed_at: jiff::Timestamp,
    answered: bool,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        let (store, user, key) = (self.store.clone(), self.user.clone(), self.key.clone());
        let claimed_at = self.claimed_at;
        // Drop cannot wait; the runtime gives the claim up right after.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = store
                    .release_idempotency_key(&user, &key, claimed_at)
                    .await
                {
                    tracing::warn!(error = %e, "an idempotency key could not be released; it frees itself in two minutes");
                }
            });
        }
    }
}

/// Runs a creating request at most once per idempotency key: without a key
/// it just runs; with one, a stored answer to the same user, endpoint and
/// key is sent again (with `Idempotent-Replayed: true`) and nothing runs.
/// Only successful answers are stored, after `redact` has removed what must
/// never be stored (secrets shown once), so a failed request can be
/// retried with the same key.
pub async fn idempotent<F>(
    state: &AppState,
    user: &User,
    key: IdempotencyKey,
    scope: &str,
    redact: fn(&mut Value),
    run: F,
) -> Result<Response, ApiError>
where
    F: Future<Output = Result<(StatusCode, Value), ApiError>>,
{
    idempotent_body(state, user, key, scope, None, redact, run).await
}

/// [`idempotent`] for a request whose body must be the same on every
/// retry: `fingerprint` is a digest of it, stored with the answer, and a
/// retry with the same key but another body is refused (422) instead of
/// being answered for a request it did not make.
pub async fn idempotent_body<F>(
    state: &AppState,
    user: &User,
    key: IdempotencyKey,
    scope: &str,
    fingerprint: Option<String>,
    redact: fn(&mut Value),
    run: F,
) -> Result<Response, ApiError>
where
    F: Future<Output = Result<(StatusCode, Value), ApiError>>,
{
    let Some(key) = key.0 else {
        let (status, body) = run.await?;
        return Ok((status, Json(body)).into_response());
    };
    let stored_key = format!("{scope}\n{key}");
    if let Some(stored) = state
        .store
        .idempotent_response(&user.id, &stored_key)
        .await?
    {
        return replay(stored, fingerprint.as_deref());
    }
    let now = state.clock.now();
    let claimed = state
        .store
        .claim_idempotency_key(
            &user.id,
            &stored_key,
            now,
            now.checked_sub(CLAIM_HOLDS).unwrap_or(now),
        )
        .await?;
    if !claimed {
        // The first request may have finished since the look-up.
        if let Some(stored) = state
            .store
            .idempotent_response(&user.id, &stored_key)
            .await?
        {
            return replay(stored, fingerprint.as_deref());
        }
        return Err(AppError::Conflict(
            "A request with this Idempotency-Key is still being processed; retry in a moment."
                .into(),
        )
        .into());
    }
    let mut claim = Claim {
        store: state.store.clone(),
        user: user.id.clone(),
        key: stored_key.clone(),
        claimed_at: now,
        answered: false,
    };
    let (status, body) = run.await?;
    if status.is_success() {
        let mut kept = body.clone();
        redact(&mut kept);
        let stored = StoredResponse {
            status: status.as_u16(),
            body: kept.to_string(),
            fingerprint,
        };
        state
            .store
            .store_idempotent_response(&user.id, &stored_key, &stored, state.clock.now())
            .await?;
        claim.answered = true;
    }
    Ok((status, Json(body)).into_response())
}

/// Nothing to leave out of a stored answer.
pub fn keep_all(_: &mut Value) {}

fn replay(stored: StoredResponse, fingerprint: Option<&str>) -> Result<Response, ApiError> {
    if stored.fingerprint.is_some() && stored.fingerprint.as_deref() != fingerprint {
        return Err(AppError::invalid(
            IDEMPOTENCY_KEY,
            "This Idempotency-Key was used for a request with another body. Use a new key for a new request; a retry must send the same body.",
        )
        .into());
    }
    let status =
        StatusCode::from_u16(stored.status).map_err(|e| AppError::internal(e.to_string()))?;
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .header("idempotent-replayed", "true")
        .body(Body::from(stored.body))
        .map_err(|e| AppError::internal(e.to_string()).into())
}

/// The JSON of a response value, for [`idempotent`].
pub fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| AppError::internal(e.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_the_field() {
        let t = "Failed to deserialize the JSON body into the target type: revision: invalid type: string \"x\", expected i64 at line 1 column 16";
        assert_eq!(
            serde_detail(t),
            (
                Some("revision".into()),
                "invalid type: string \"x\", expected i64".into()
            )
        );
        let t = "Failed to deserialize the JSON body into the target type: missing field `title` at line 1 column 2";
        assert_eq!(serde_detail(t).0.as_deref(), Some("title"));
        let t = "Failed to deserialize the JSON body into the target type: b[0]: missing field `y` at line 1 column 23";
        assert_eq!(serde_detail(t).0.as_deref(), Some("b[0].y"));
    }
}
