//! Per-person settings for a running agreement (how to be notified, the
//! calendar feed token) and the secrets every app process shares. Their SQL
//! and the functions that run them on both databases (see [`super`]).

use crate::shared::accounts::UserRow;
use crate::shared::{from_millis, is_unique_violation, missing};
use crate::sql::{Pool, query, query_as, query_scalar};
use crate::{NotificationSettings, StoreError, TokenHash, User, UserId};
use jiff::Timestamp;

pub(crate) const NOTIFICATION_SETTINGS: &str = "SELECT email, webhook_url, webhook_secret \
     FROM notification_settings WHERE user_id = $1";
pub(crate) const SET_NOTIFICATION_SETTINGS: &str = "INSERT INTO notification_settings \
     (user_id, email, webhook_url, webhook_secret, updated_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, \
     webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret, \
     updated_at = excluded.updated_at";

/// Gives the person a feed token, replacing theirs.
pub(crate) const SET_CALENDAR_TOKEN: &str = "INSERT INTO calendar_tokens \
     (user_id, token, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, \
     created_at = excluded.created_at";
pub(crate) const DELETE_CALENDAR_TOKEN: &str = "DELETE FROM calendar_tokens WHERE user_id = $1";
pub(crate) const CALENDAR_USER: &str = "SELECT u.id, u.email, u.name, u.password_hash, \
     u.created_at \
     FROM calendar_tokens c JOIN users u ON u.id = c.user_id WHERE c.token = $1";
pub(crate) const CALENDAR_SINCE: &str = "SELECT created_at FROM calendar_tokens WHERE user_id = $1";

/// The first secret stored under a name wins; later ones are ignored.
pub(crate) const INSERT_SECRET: &str =
    "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
pub(crate) const SECRET: &str = "SELECT value FROM server_secrets WHERE name = $1";

pub(crate) async fn notification_settings(
    pool: &Pool,
    user: &UserId,
) -> Result<NotificationSettings, StoreError> {
    let row: Option<(bool, Option<String>, Option<String>)> = query_as(NOTIFICATION_SETTINGS)
        .bind(user.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row
        .map(
            |(email, webhook_url, webhook_secret)| NotificationSettings {
                email,
                webhook_url,
                webhook_secret,
            },
        )
        .unwrap_or_default())
}

pub(crate) async fn set_notification_settings(
    pool: &Pool,
    user: &UserId,
    settings: &NotificationSettings,
    now: Timestamp,
) -> Result<(), StoreError> {
    query(SET_NOTIFICATION_SETTINGS)
        .bind(user.as_str())
        .bind(settings.email)
        .bind(settings.webhook_url.as_deref())
        .bind(settings.webhook_secret.as_deref())
        .bind(now.as_millisecond())
        .execute(pool)
        .await
        .map_err(missing("user"))?;
    Ok(())
}

pub(crate) async fn set_calendar_token(
    pool: &Pool,
    user: &UserId,
    token: Option<&TokenHash>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let Some(token) = token else {
        query(DELETE_CALENDAR_TOKEN)
            .bind(user.as_str())
            .execute(pool)
            .await?;
        return Ok(());
    };
    query(SET_CALENDAR_TOKEN)
        .bind(user.as_str())
        .bind(token.as_str())
        .bind(now.as_millisecond())
        .execute(pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("a calendar feed with this token")
            } else {
                missing("user")(e)
            }
        })?;
    Ok(())
}

pub(crate) async fn calendar_user(
    pool: &Pool,
    token: &TokenHash,
) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = query_as(CALENDAR_USER)
        .bind(token.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(User::from))
}

pub(crate) async fn calendar_since(
    pool: &Pool,
    user: &UserId,
) -> Result<Option<Timestamp>, StoreError> {
    let since: Option<i64> = query_scalar(CALENDAR_SINCE)
        .bind(user.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(since.map(from_millis))
}

pub(crate) async fn server_secret(
    pool: &Pool,
    name: &str,
    candidate: &str,
) -> Result<String, StoreError> {
    // Whoever inserts first, every caller then reads that one:
    // secrets are never changed or deleted.
    query(INSERT_SECRET)
        .bind(name)
        .bind(candidate)
        .execute(pool)
        .await?;
    let stored: String = query_scalar(SECRET).bind(name).fetch_one(pool).await?;
    Ok(stored)
}
