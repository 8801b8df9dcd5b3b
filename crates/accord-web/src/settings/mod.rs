//! Settings pages: `/settings/reminders`, where a person chooses how they
//! hear about their agreements (e-mail on or off, a webhook) and manages
//! their calendar feed. Every change is a CSRF-protected POST that answers
//! with the page itself: secrets shown once (a new webhook secret, a new
//! feed address) are only ever in that answer. Bad input is a 422 with the
//! message beside its field, and nothing is saved.
//!
//! The JSON side is in `api::me`; the rules both follow are in [`notify`].

pub mod notify;

use accord_store::NotificationSettings;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::accounts::Empty;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::calendar;
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{Chrome, when};

/// The settings pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/reminders", get(page).post(save))
        .route("/settings/reminders/webhook-secret", post(renew_secret))
        .route("/settings/calendar", post(new_feed))
        .route("/settings/calendar/stop", post(stop_feed))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_reminders.html")]
struct RemindersPage {
    chrome: Chrome,
    notice: Option<String>,
    email: bool,
    webhook_url: String,
    webhook_error: Option<String>,
    has_secret: bool,
    new_secret: Option<String>,
    feed_since: Option<String>,
    new_feed: Option<String>,
}

/// What a page shows besides the stored settings.
#[derive(Default)]
struct Extra {
    notice: Option<String>,
    new_secret: Option<String>,
    new_feed: Option<String>,
    /// The form as sent, with the problem in it, when it was refused.
    refused: Option<(bool, String, String)>,
}

async fn view(state: &AppState, me: &CurrentUser, extra: Extra) -> Result<RemindersPage, AppError> {
    let NotificationSettings {
        email,
        webhook_url,
        webhook_secret,
    } = state.store.notification_settings(&me.user.id).await?;
    let since = calendar::feed_since(state, &me.user).await?;
    let (email, webhook_url, webhook_error) = match extra.refused {
        Some((email, url, error)) => (email, url, Some(error)),
        None => (email, webhook_url.unwrap_or_default(), None),
    };
    Ok(RemindersPage {
        chrome: Chrome::from(me),
        notice: extra.notice,
        email,
        webhook_url,
        webhook_error,
        has_secret: webhook_secret.is_some(),
        new_secret: extra.new_secret,
        feed_since: since.map(when),
        new_feed: extra.new_feed,
    })
}

async fn page(State(state): State<AppState>, me: CurrentUser) -> Result<RemindersPage, AppError> {
    view(&state, &me, Extra::default()).await
}

#[derive(Deserialize)]
struct RemindersForm {
    /// Present (as `on`) when the box is ticked.
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    webhook_url: String,
}

async fn save(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<RemindersForm>,
) -> Result<Response, AppError> {
    let email = form.email.is_some();
    match notify::save(&state, &me.user, email, Some(&form.webhook_url)).await {
        Ok(saved) => {
            let notice = match (&saved.new_secret, saved.settings.email) {
                (Some(_), _) => "Saved. Your webhook has a secret now: copy it below.",
                (None, true) => "Saved. Reminders will come by e-mail.",
                (None, false) => "Saved. No reminders will come by e-mail.",
            };
            let extra = Extra {
                notice: Some(notice.to_owned()),
                new_secret: saved.new_secret,
                ..Extra::default()
            };
            Ok(view(&state, &me, extra).await?.into_response())
        }
        Err(e @ AppError::Invalid { .. }) => {
            let extra = Extra {
                refused: Some((email, form.webhook_url.clone(), e.user_message())),
                ..Extra::default()
            };
            Ok((e.status(), view(&state, &me, extra).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn renew_secret(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let saved = notify::renew_secret(&state, &me.user).await?;
    let extra = Extra {
        notice: Some(
            "Your webhook has a new secret: copy it below. The old one is no longer used.".into(),
        ),
        new_secret: saved.new_secret,
        ..Extra::default()
    };
    Ok(view(&state, &me, extra).await?.into_response())
}

async fn new_feed(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let had = calendar::feed_since(&state, &me.user).await?.is_some();
    let url = calendar::new_feed(&state, &me.user).await?;
    let notice = if had {
        "Here is your new feed link. The old one has stopped working."
    } else {
        "Here is your feed link."
    };
    let extra = Extra {
        notice: Some(notice.to_owned()),
        new_feed: Some(url),
        ..Extra::default()
    };
    Ok(view(&state, &me, extra).await?.into_response())
}

async fn stop_feed(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    calendar::stop_feed(&state, &me.user).await?;
    let extra = Extra {
        notice: Some(
            "Your calendar feed is stopped: its link no longer works. Your calendar app may keep \
             the events it already has until you remove the subscription."
                .into(),
        ),
        ..Extra::default()
    };
    Ok(view(&state, &me, extra).await?.into_response())
}
