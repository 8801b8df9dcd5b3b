//! What every API handler shares: extractors whose failures answer in the
//! one JSON error shape (a body, a path, a query string that does not fit
//! is an `ErrorBody`, never axum's plain-text rejection), and the
//! catch-all that gives 405s and unknown `/api` paths the same shape. The
//! `Idempotency-Key` header is [`super::idempotency`]'s.

use axum::Json;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::rejection::{
    JsonRejection, MissingJsonContentType, PathRejection, QueryRejection,
};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AppError, ErrorBody};

/// A JSON request body; a body that is not JSON or does not fit the type
/// is a 422 `invalid` naming the field at fault when one is, and so is a
/// string holding a NUL ([`accord_core::text`]), which PostgreSQL cannot
/// store.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                // What axum's `Json` accepts: `application/json` and
                // `application/*+json`.
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !is_json {
            return Err(JsonRejection::from(MissingJsonContentType::default()).into());
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(JsonRejection::from)?;
        if let Some(field) = std::str::from_utf8(&bytes)
            .ok()
            .and_then(accord_core::text::nul_in_json)
        {
            let message = format!("{field} {}.", accord_core::text::NUL_MESSAGE);
            return Err(ApiError(AppError::Invalid {
                field: Some(field).filter(|f| f != "."),
                message,
            }));
        }
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(value))
    }
}

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
