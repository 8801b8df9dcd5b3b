//! Protection against cross-site request forgery, in two layers:
//!
//! 1. every form carries a token that must match the session's (or, before
//!    logging in, an HttpOnly cookie's) — checked by [`CsrfForm`], the only
//!    way page handlers read a form body;
//! 2. [`reject_cross_site`] refuses any state-changing page request that a
//!    browser marks as coming from another site (`Sec-Fetch-Site`, `Origin`).
//!
//! The API is exempt: it authenticates with bearer tokens, which a browser
//! never attaches on its own.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{Visitor, cookies, tokens};
use crate::error::AppError;
use crate::state::AppState;

/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// A fresh anonymous token made for a request that came without one.
#[derive(Debug, Clone)]
struct FreshToken(String);

/// The anonymous token for this request: the cookie's, or the one made for
/// it by [`ensure_cookie`].
pub fn anonymous_token(parts: &Parts) -> Option<String> {
    cookies::get(&parts.headers, cookies::CSRF)
        .map(str::to_owned)
        .or_else(|| parts.extensions.get::<FreshToken>().map(|t| t.0.clone()))
}

/// Gives a browser without the anonymous CSRF cookie one, so the login and
/// sign-up forms it is shown can be checked.
pub async fn ensure_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if cookies::get(request.headers(), cookies::CSRF).is_some() {
        return next.run(request).await;
    }
    let token = tokens::new_token();
    request.extensions_mut().insert(FreshToken(token.clone()));
    let mut response = next.run(request).await;
    let cookie = cookies::set(
        cookies::CSRF,
        &token,
        60 * 60 * 24 * 365,
        state.settings.secure_cookies(),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// Refuses state-changing requests that the browser says come from another
/// site. Requests without these headers (old browsers, scripts) still need
/// the form token.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && is_cross_site(&request) {
        return AppError::Forbidden(
            "This form was sent from another site, so it was refused.".into(),
        )
        .into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        _ => false,
    }
}

/// A form body whose CSRF token has been checked, with the visitor who sent
/// it. `T` is the rest of the form.
pub struct CsrfForm<T> {
    /// Who sent it.
    pub visitor: Visitor,
    /// The fields.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::invalid("form", "The form could not be read."))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::invalid("form", "The form could not be read."))?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.as_str());
        verify(&visitor, sent)?;
        // PostgreSQL cannot store a NUL (`%00`); say which field has one.
        if let Some((name, _)) = pairs
            .iter()
            .find(|(k, v)| accord_core::text::has_nul(k) || accord_core::text::has_nul(v))
        {
            let name = name.replace('\0', "");
            let message = format!("The field {name:?} {}.", accord_core::text::NUL_MESSAGE);
            return Err(AppError::invalid(name, message));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::Invalid {
            field: None,
            message: format!("The form is incomplete: {e}."),
        })?;
        Ok(Self { visitor, form })
    }
}

/// Checks a submitted token against the visitor's.
pub fn verify(visitor: &Visitor, sent: Option<&str>) -> Result<(), AppError> {
    match sent {
        Some(sent) if !visitor.csrf.is_empty() && tokens::same_secret(sent, &visitor.csrf) => {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "This form has expired or did not come from Accord. Go back, reload the page and \
             try again."
                .into(),
        )),
    }
}
