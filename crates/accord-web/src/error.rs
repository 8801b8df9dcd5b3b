//! One error type for every handler, mapped to HTTP in one place: pages get
//! an HTML page (or a redirect to log in), the API gets a JSON body of one
//! shape, `{"error", "message", "field"}`. A 500 never shows its cause; the
//! cause goes to the log with the request id.

use accord_core::Diagnostic;
use accord_store::StoreError;
use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

/// What went wrong, in terms a response can say.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong; `field` names the form or JSON field at fault.
    #[error("{message}")]
    Invalid {
        /// The field at fault, if one is.
        field: Option<String>,
        /// What is wrong and what is expected.
        message: String,
    },
    /// An agreement file or document does not parse or validate.
    #[error("the agreement is not valid")]
    InvalidAgreement(Vec<Diagnostic>),
    /// A check-in record does not fit the agreement: every problem, each
    /// with its field path (`reports[0].win`).
    #[error("the check-in is not complete")]
    InvalidCheckin(Vec<accord_core::checkin::Problem>),
    /// A link that worked once does not any more (used or expired).
    #[error("{0}")]
    Gone(String),
    /// Nobody is logged in (or the token is wrong).
    #[error("log in to continue")]
    Unauthenticated,
    /// Logged in, but this member may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing here, or nothing this user may see: the two are not told
    /// apart, so ids of other partnerships reveal nothing.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Someone saved the draft since the revision the change was based on.
    #[error("the draft changed since revision {expected}; it is now at revision {current}")]
    Stale {
        /// The revision the change was based on.
        expected: i64,
        /// The stored revision.
        current: i64,
    },
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts")]
    TooManyRequests(u64),
    /// A write made under an idempotency key found the key answered
    /// already: this is the answer to send again (the API's idempotency
    /// layer sends it; nothing else makes keyed writes).
    #[error("this request was made already")]
    Replay(Box<accord_store::StoredResponse>),
    /// The request ran past its deadline ([`crate::limits`]) and was
    /// stopped.
    #[error("the request took longer than {0:?}")]
    Timeout(std::time::Duration),
    /// A bug or an outage: logged with its chain of causes, never shown.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// An invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// An internal failure, with its cause for the log: an error (its
    /// sources are kept) or a sentence.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(cause.into())
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid { .. } | Self::InvalidAgreement(_) | Self::InvalidCheckin(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Gone(_) => StatusCode::GONE,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::Stale { .. } | Self::Replay(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            // Not 408: browsers resend a request answered 408 on a reused
            // connection, and a page's form has no idempotency key.
            Self::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code in API bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid",
            Self::InvalidAgreement(_) => "invalid_agreement",
            Self::InvalidCheckin(_) => "invalid",
            Self::Gone(_) => "gone",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict(_) | Self::Replay(_) => "conflict",
            Self::Stale { .. } => "stale_revision",
            Self::TooManyRequests(_) => "rate_limited",
            Self::Timeout(_) => "timeout",
            Self::Internal(_) => "internal",
        }
    }

    /// What a user is told. Internal causes are replaced by a plain apology.
    pub fn user_message(&self) -> String {
        match self {
            Self::Invalid { message, .. } => message.clone(),
            Self::InvalidAgreement(d) => match d.as_slice() {
                [] => "The agreement is not valid.".into(),
                [one] => format!("The agreement is not valid: {one}"),
                [first, ..] => format!(
                    "The agreement is not valid ({} problems); the first: {first}",
                    d.len()
                ),
            },
            Self::Unauthenticated => "Log in to continue.".into(),
            Self::InvalidCheckin(p) => match p.as_slice() {
                [] => "This check-in cannot be saved as it is.".into(),
                [one] => one.message.clone(),
                [first, ..] => format!(
                    "{} things to fix before this check-in can be saved; the first: {}",
                    p.len(),
                    first.message
                ),
            },
            Self::Forbidden(m) | Self::Conflict(m) | Self::Gone(m) => m.clone(),
            Self::NotFound => "There is nothing here, or it is not yours to see.".into(),
            Self::Replay(_) => "This request was made already.".into(),
            Self::Stale { current, .. } => format!(
                "Someone saved the draft while you were editing (it is now at revision \
                 {current}). Nothing of yours was saved: reload, then make your change again."
            ),
            Self::TooManyRequests(secs) => format!(
                "Too many failed attempts. Try again in {} minute{}.",
                secs.div_ceil(60),
                if secs.div_ceil(60) == 1 { "" } else { "s" }
            ),
            Self::Timeout(limit) => format!(
                "This request took longer than {} seconds and was stopped before it answered. \
                 Anything it saved was saved whole; look before you try again (through the API, \
                 a retry with the same Idempotency-Key says what happened).",
                limit.as_secs()
            ),
            Self::Internal(_) => {
                "Something went wrong on our side. It has been logged; please try again.".into()
            }
        }
    }

    /// The field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => field.as_deref(),
            Self::InvalidAgreement(d) => d.first().and_then(|d| d.field.as_deref()),
            Self::InvalidCheckin(p) => p.first().map(|p| p.field.as_str()),
            Self::Stale { .. } => Some("revision"),
            _ => None,
        }
    }

    fn log(&self) {
        if let Self::Internal(cause) = self {
            tracing::error!(cause = %chain(cause.as_ref()), "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => Self::Conflict(format!("{what} already exists.")),
            StoreError::Stale { expected, current } => Self::Stale { expected, current },
            StoreError::NotFound(_) => Self::NotFound,
            StoreError::Invitation(p) => Self::Conflict(capitalised(&p.to_string())),
            StoreError::Link(p) => Self::Gone(capitalised(&p.to_string())),
            StoreError::Replay(stored) => Self::Replay(stored),
            StoreError::KeyInFlight => Self::Conflict(crate::api::idempotency::IN_FLIGHT.into()),
            other => Self::Internal(Box::new(other)),
        }
    }
}

/// An error and its sources, outermost first: `a: b: c`, each said once
/// (an error whose message already ends with its source's is not repeated).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(source) = next {
        let said = source.to_string();
        if !out.ends_with(&said) {
            out.push_str(": ");
            out.push_str(&said);
        }
        next = source.source();
    }
    out
}

/// The sentence with its first letter in upper case and a full stop.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    let first = c
        .next()
        .map(|f| f.to_uppercase().to_string())
        .unwrap_or_default();
    format!("{first}{}.", c.as_str())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
    diagnostics: Vec<String>,
}

/// Pages: an HTML page, or a redirect to the login page.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, Self::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = self.status();
        let diagnostics = match &self {
            Self::InvalidAgreement(d) => d.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            message: self.user_message(),
            diagnostics,
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.user_message()).into_response(),
        };
        if let Self::TooManyRequests(secs) = self {
            retry_after(&mut response, secs);
        }
        response
    }
}

fn retry_after(response: &mut Response, secs: u64) {
    if let Ok(v) = header::HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// The JSON error body.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: `invalid`, `invalid_agreement`, `unauthenticated`,
    /// `forbidden`, `not_found`, `method_not_allowed` (API only),
    /// `conflict`, `stale_revision`, `rate_limited`, `timeout` or
    /// `internal`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
    /// The field at fault, as a path (`password`, `goal[1].party`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `invalid_agreement`: every problem, with its position in the
    /// submitted text when it was text; for an incomplete check-in, every
    /// problem with its field.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub problems: Vec<Problem>,
}

/// One problem in a submitted agreement.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// The field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based line in the submitted text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// An [`AppError`] answered as JSON, for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let problems = match &e {
            AppError::InvalidAgreement(d) => d
                .iter()
                .map(|d| Problem {
                    message: d.message.clone(),
                    field: d.field.clone(),
                    line: d.location.as_ref().map(|l| l.line),
                    column: d.location.as_ref().map(|l| l.column),
                })
                .collect(),
            AppError::InvalidCheckin(p) => p
                .iter()
                .map(|p| Problem {
                    message: p.message.clone(),
                    field: Some(p.field.clone()),
                    line: None,
                    column: None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: e.code().to_owned(),
            message: e.user_message(),
            field: e.field().map(str::to_owned),
            problems,
        };
        let mut response = (e.status(), Json(body)).into_response();
        if let AppError::TooManyRequests(secs) = e {
            retry_after(&mut response, secs);
        }
        if matches!(e, AppError::Unauthenticated) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::{AppError, chain};

    #[derive(Debug, thiserror::Error)]
    #[error("could not save the note")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn internal_errors_keep_their_causes_for_the_log_only() {
        let e = AppError::internal(Outer(std::io::Error::other("disk full")));
        let AppError::Internal(cause) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(chain(cause.as_ref()), "could not save the note: disk full");
        // A cause that already says its source is not repeated.
        let said = AppError::internal("plain sentence");
        let AppError::Internal(cause) = &said else {
            panic!("{said:?}")
        };
        assert_eq!(chain(cause.as_ref()), "plain sentence");
        // Users are told neither.
        assert!(!e.user_message().contains("disk"), "{}", e.user_message());
    }

    #[test]
    fn empty_problem_lists_still_say_something() {
        // Nothing builds these today; they must not panic if something does.
        assert_eq!(
            AppError::InvalidCheckin(Vec::new()).user_message(),
            "This check-in cannot be saved as it is."
        );
        assert_eq!(
            AppError::InvalidAgreement(Vec::new()).user_message(),
            "The agreement is not valid."
        );
    }
}
