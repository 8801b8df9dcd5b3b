//! The calendar feed: `GET /calendar/{token}.ics`, an iCalendar file of
//! the check-ins and dates of every partnership a person belongs to
//! (partner or coach) that has an agreement in force, for calendar apps to
//! subscribe to.
//!
//! Calendar apps cannot log in, so the feed's address is the secret: a
//! token of 256 random bits, of which only the SHA-256 digest is stored
//! (like session ids and API tokens). The address is therefore shown once,
//! when it is made; making a new one stops the old one, and the person can
//! stop the feed altogether (see `crate::settings` and `crate::api::me`).
//! An unknown or stopped token is a plain 404.
//!
//! The route sits outside the pages' CSRF and `no-store` layers (it
//! changes nothing and is fetched without cookies), and answers with
//! `Cache-Control: private, max-age=300`.
//!
//! The agreement in force is the latest version both partners signed; it
//! is in force from the moment the second signature completed it. The feed
//! holds only what that agreement says (see [`ics`]): never check-in
//! records or notes.

pub mod ics;
pub mod text;
pub mod zone;

use accord_store::User;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;

use crate::auth::tokens;
use crate::error::AppError;
use crate::state::AppState;

pub use ics::FeedPartnership;

/// The feed's route. Mount it beside `/healthz`, outside the pages'
/// layers.
pub fn router() -> Router<AppState> {
    Router::new().route("/calendar/{file}", get(feed))
}

/// The feed's media type.
pub const CONTENT_TYPE_ICS: &str = "text/calendar; charset=utf-8";
/// How long calendar apps and proxies may keep a copy.
pub const CACHE: &str = "private, max-age=300";

async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file
        .strip_suffix(".ics")
        .filter(|t| is_token(t))
        .ok_or(AppError::NotFound)?;
    let user = state
        .store
        .calendar_user(&tokens::digest(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = entries_for(&state, &user).await?;
    let body = ics::feed(&entries, &state.settings.base_url, state.clock.now());
    Ok((
        [(CONTENT_TYPE, CONTENT_TYPE_ICS), (CACHE_CONTROL, CACHE)],
        body,
    )
        .into_response())
}

/// Whether `s` has the shape of a token: 32 bytes in unpadded URL-safe
/// base64, so 43 characters. Anything else is not looked up.
fn is_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The feed's address for a token.
pub fn feed_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/calendar/{token}.ics")
}

/// Gives the person a new feed address, replacing any they had (the old
/// one stops working), and returns it. It cannot be shown again later.
pub async fn new_feed(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = tokens::new_token();
    state
        .store
        .set_calendar_token(&user.id, Some(&tokens::digest(&token)), state.clock.now())
        .await?;
    Ok(feed_url(&state.settings.base_url, &token))
}

/// Stops the person's feed, if they have one.
pub async fn stop_feed(state: &AppState, user: &User) -> Result<(), AppError> {
    state
        .store
        .set_calendar_token(&user.id, None, state.clock.now())
        .await?;
    Ok(())
}

/// When the person's current feed address was made; `None` when they have
/// none.
pub async fn feed_since(state: &AppState, user: &User) -> Result<Option<Timestamp>, AppError> {
    Ok(state.store.calendar_since(&user.id).await?)
}

/// The feed's entries for a person: each partnership they belong to with an
/// agreement in force.
pub async fn entries_for(state: &AppState, user: &User) -> Result<Vec<FeedPartnership>, AppError> {
    let mut out = Vec::new();
    for membership in state.store.memberships(&user.id).await? {
        let p = membership.partnership;
        // The agreement in force with its agreed pauses, read the same way
        // as the check-in pages and the worker read it.
        if let Some(inforce) = crate::running::load(state, &p).await? {
            out.push(FeedPartnership {
                id: p.id.to_string(),
                title: p.title.clone(),
                agreement: inforce.agreement.clone(),
                schedule: inforce.schedule.clone(),
                pauses: inforce.pauses.clone(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_shaped_names_are_looked_up() {
        let t = tokens::new_token();
        assert!(is_token(&t));
        assert!(!is_token(&t[1..]));
        assert!(!is_token(&format!("{}=", &t[1..])));
        assert!(!is_token("../../etc/passwd"));
    }

    #[test]
    fn feed_urls_end_in_ics() {
        assert_eq!(
            feed_url("https://a.example", "abc"),
            "https://a.example/calendar/abc.ics"
        );
    }
}
