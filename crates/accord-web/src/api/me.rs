//! The caller's own settings over the API: notification settings (e-mail,
//! webhook and its secret) and the calendar feed. The same rules as the
//! reminders page (`crate::settings`): a webhook secret and a feed address
//! are secrets shown once, in the answer that made them, and never again.
//! `Idempotency-Key` is not honoured here for that reason; repeating one of
//! these requests is harmless anyway (it makes a fresh secret).

use accord_store::NotificationSettings;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::docs::{Invalid, TooLarge, Unauthenticated};
use super::support::ApiJson;
use crate::auth::ApiUser;
use crate::calendar;
use crate::error::ApiError;
use crate::settings::notify;
use crate::state::AppState;

/// How the caller is told about their agreements.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notifications {
    /// Whether reminders come by e-mail.
    pub email: bool,
    /// Where reminders are posted as JSON, if anywhere.
    pub webhook_url: Option<String>,
    /// Whether a webhook secret is set (requests to the webhook are signed
    /// with it in `X-Accord-Signature`).
    pub webhook_secret_set: bool,
    /// The webhook secret, only in the answer that made it: copy it into
    /// your receiver, it is not shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
}

impl Notifications {
    fn new(settings: NotificationSettings, new_secret: Option<String>) -> Self {
        Self {
            email: settings.email,
            webhook_url: settings.webhook_url,
            webhook_secret_set: settings.webhook_secret.is_some(),
            webhook_secret: new_secret,
        }
    }
}

/// New notification settings: they replace the old ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationsUpdate {
    /// Whether reminders come by e-mail.
    pub email: bool,
    /// An `https://` (or `http://`) address to post reminders to; `null`,
    /// absent or empty for no webhook (its secret is then forgotten). The
    /// first time one is set, a secret is made and returned once.
    #[serde(default)]
    pub webhook_url: Option<String>,
}

/// A calendar feed address. It is shown this once: only its digest is
/// kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// The iCalendar (`.ics`) address to subscribe to; anyone with it can
    /// read the feed.
    pub url: String,
}

/// The caller's notification settings.
///
/// Never includes the webhook secret, only whether one is set.
#[utoipa::path(
    get, path = "/api/v1/me/notifications", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's notification settings.", body = Notifications),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn get_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Notifications>, ApiError> {
    let settings = state.store.notification_settings(&user.id).await?;
    Ok(Json(Notifications::new(settings, None)))
}

/// Replaces the caller's notification settings.
///
/// A webhook address must be an absolute `https://` or `http://` URL
/// without a user name or password in it (`invalid`, field
/// `webhook_url`, and nothing is saved otherwise). When a webhook is set
/// for the first time, the answer carries its new `webhook_secret`, this
/// once.
#[utoipa::path(
    put, path = "/api/v1/me/notifications", tag = "accounts",
    security(("bearer" = [])),
    request_body = NotificationsUpdate,
    responses(
        (status = 200, description = "Saved; `webhook_secret` is there when one was made.", body = Notifications),
        (status = 401, response = Unauthenticated),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn put_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<NotificationsUpdate>,
) -> Result<Json<Notifications>, ApiError> {
    let saved = notify::save(&state, &user, input.email, input.webhook_url.as_deref()).await?;
    Ok(Json(Notifications::new(saved.settings, saved.new_secret)))
}

/// Makes a new webhook secret.
///
/// The old one stops being used at once. The answer carries the new
/// `webhook_secret`, this once (so `Idempotency-Key` is not honoured
/// here). Without a webhook address the secret waits for one (removing the
/// address forgets it).
#[utoipa::path(
    post, path = "/api/v1/me/notifications/webhook-secret", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings with the new `webhook_secret`.", body = Notifications),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn new_webhook_secret(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Notifications>, ApiError> {
    let saved = notify::renew_secret(&state, &user).await?;
    Ok(Json(Notifications::new(saved.settings, saved.new_secret)))
}

/// Makes a calendar feed address.
///
/// The feed (`text/calendar`) lists the check-ins and dates of every
/// partnership the caller belongs to that has a signed agreement, never
/// check-in notes. Any address made before stops working. The address is
/// shown this once, so `Idempotency-Key` is not honoured here.
#[utoipa::path(
    post, path = "/api/v1/me/calendar", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new feed address, shown this once.", body = CalendarFeed),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn create_calendar_feed(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Response, ApiError> {
    let url = calendar::new_feed(&state, &user).await?;
    Ok((StatusCode::CREATED, Json(CalendarFeed { url })).into_response())
}

/// Stops the calendar feed.
///
/// Its address stops working. Stopping a feed that is not there is not an
/// error.
#[utoipa::path(
    delete, path = "/api/v1/me/calendar", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Stopped: the feed address no longer works."),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn delete_calendar_feed(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode, ApiError> {
    calendar::stop_feed(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
