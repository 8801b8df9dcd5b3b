//! Who is asking: the browser session behind the cookie ([`Visitor`],
//! [`CurrentUser`]) or the bearer token of a script ([`ApiUser`]); plus
//! passwords, CSRF protection, secret tokens and login throttling.

pub mod cookies;
pub mod csrf;
pub mod password;
pub mod throttle;
pub mod tokens;

use std::net::{IpAddr, SocketAddr};

use accord_store::{TokenHash, User};
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::{ApiError, AppError};
use crate::state::AppState;

/// Whoever sent a page request, logged in or not, with the CSRF token their
/// forms must carry.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The logged-in user, if any.
    pub user: Option<User>,
    /// The digest of the session id, when logged in.
    pub session: Option<TokenHash>,
    /// The token forms must echo: the session's, or the anonymous cookie's.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(v) = parts.extensions.get::<Visitor>() {
            return Ok(v.clone());
        }
        let now = state.clock.now();
        let mut visitor = Visitor {
            user: None,
            session: None,
            csrf: csrf::anonymous_token(parts).unwrap_or_default(),
        };
        if let Some(id) = cookies::get(&parts.headers, cookies::SESSION) {
            let digest = tokens::digest(id);
            if let Some(session) = state.store.session(&digest, now).await? {
                visitor = Visitor {
                    user: Some(session.user),
                    session: Some(digest),
                    csrf: session.csrf_token,
                };
            }
        }
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

/// A logged-in user of the pages; anyone else is sent to the login page,
/// which brings them back here afterwards.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The user.
    pub user: User,
    /// The digest of their session id.
    pub session: TokenHash,
    /// Their forms' CSRF token.
    pub csrf: String,
}

/// Sends an anonymous visitor to log in.
pub struct LoginFirst(Response);

impl IntoResponse for LoginFirst {
    fn into_response(self) -> Response {
        self.0
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = LoginFirst;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, LoginFirst> {
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(|e| LoginFirst(e.into_response()))?;
        match (visitor.user, visitor.session) {
            (Some(user), Some(session)) => Ok(Self {
                user,
                session,
                csrf: visitor.csrf,
            }),
            _ => {
                let here = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or_else(|| parts.uri.to_string(), |u| u.0.to_string());
                Err(LoginFirst(
                    Redirect::to(&format!("/login?next={}", urlencode(&here))).into_response(),
                ))
            }
        }
    }
}

/// A script calling the API with `Authorization: Bearer TOKEN`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthenticated)?;
        let user = state
            .store
            .user_by_api_token(&tokens::digest(token), state.clock.now())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(Self(user))
    }
}

/// The client's address, for throttling: the socket peer, or with
/// `trust_forwarded_for` the last address a reverse proxy appended.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(Self(ip.to_string()));
        }
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next` target is followed only when it is a path on this site, so a
/// crafted login link cannot send someone elsewhere.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains(char::is_control) =>
        {
            n
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_this_site() {
        assert_eq!(safe_next(Some("/p/1")), "/p/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/p/1\r\nSet-Cookie: a=b")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn urlencode_keeps_paths_readable() {
        assert_eq!(urlencode("/invite/a b?x=1"), "/invite/a%20b%3Fx%3D1");
    }
}
