//! What the server refuses before a handler runs: a NUL in the address (a
//! path segment or a query parameter; see [`accord_core::text`]) and a
//! request that takes longer than its deadline. The header-read deadline
//! (a client that never finishes its headers) lives in [`crate::serve`],
//! in the connection, because no request exists yet to answer.
//!
//! Bodies are checked where they are read: [`crate::api::support::ApiJson`]
//! and [`crate::auth::csrf::CsrfForm`] refuse NUL naming the field, and
//! agreement files and imports refuse it at its line and column.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, AppError};
use crate::state::AppState;

/// How long a request may take, from its first byte of body to its last of
/// answer, unless the settings say otherwise: ample for the slowest page
/// (a long history's dashboard takes milliseconds) and for a client on a
/// bad phone line to send a 1 MiB agreement file.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send the request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers `e` in the shape the path's client reads: JSON under `/api`,
/// a page elsewhere.
fn answer(path: &str, e: AppError) -> Response {
    if path.starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        e.into_response()
    }
}

/// Refuses an address with an encoded NUL (`%00`): in the path, nothing
/// has such a name (404); in the query, a 422 naming the parameter. Nothing
/// else in a request can hold one: hyper refuses control characters in
/// headers, so cookies, tokens and keys are clean.
pub async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if uri.path().contains("%00") {
        return answer(uri.path(), AppError::NotFound);
    }
    if let Some(query) = uri.query().filter(|q| q.contains("%00")) {
        let field = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
            .map(|(k, _)| k.replace('\0', ""));
        if let Some(field) = field {
            let message = format!(
                "The query parameter {field:?} {}.",
                accord_core::text::NUL_MESSAGE
            );
            let e = AppError::Invalid {
                field: Some(field),
                message,
            };
            return answer(uri.path(), e);
        }
    }
    next.run(request).await
}

/// Stops a request that runs past the configured deadline and answers 503
/// `timeout` (not 408, which browsers resend on their own).
/// A handler stopped this way is dropped at an `.await`: an open
/// transaction rolls back, so either its effect was committed before the
/// deadline or nothing was written (a keyed API retry tells which).
pub async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let limit = state.settings.request_timeout;
    // The handler runs in a task of its own: past the deadline the client
    // is answered, but the work is not cut off halfway (a transaction
    // dropped mid-way could leave its connection unusable). A write that
    // finishes late has taken effect; the client, told 503, retries with
    // its key and is given the stored answer.
    //
    // Not for ever, though: a handler still running a whole deadline after
    // its answer (a client trickling its body, say) is stopped, so that no
    // client can keep work alive on the server indefinitely.
    let mut handler = tokio::spawn(next.run(request));
    match tokio::time::timeout(limit, &mut handler).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tracing::error!(path, error = %e, "a request's handler ended without an answer");
            answer(&path, AppError::internal(e))
        }
        Err(_) => {
            tracing::warn!(path, seconds = limit.as_secs_f64(), "request timed out");
            let stop = handler.abort_handle();
            tokio::spawn(async move {
                tokio::time::sleep(limit).await;
                stop.abort();
            });
            answer(&path, AppError::Timeout(limit))
        }
    }
}
