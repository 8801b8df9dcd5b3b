//! Notification settings, calendar feeds, single-use check-in links and the server's own secrets.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// Notification settings, calendar feeds, single-use check-in links and the server's own secrets.
pub trait Settings: Send + Sync {
    // --- Settings, calendar feeds, check-in links, secrets -----------------

    /// The person's notification settings; the default (e-mail, no
    /// webhook) when they never set any.
    fn notification_settings<'a>(&'a self, user: &'a UserId) -> Fut<'a, NotificationSettings>;
    /// Replaces the person's notification settings;
    /// [`StoreError::NotFound`] for an unknown user.
    fn set_notification_settings<'a>(
        &'a self,
        user: &'a UserId,
        settings: &'a NotificationSettings,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// Gives the person a new calendar feed token (replacing any other), or
    /// with `None` revokes theirs (no error when they have none).
    /// [`StoreError::NotFound`] when giving one to an unknown user,
    /// [`StoreError::Conflict`] when another account has this token.
    fn set_calendar_token<'a>(
        &'a self,
        user: &'a UserId,
        token: Option<&'a TokenHash>,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// The account whose calendar feed token this is.
    fn calendar_user<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<User>>;
    /// When the person's current calendar feed token was made; `None` when
    /// they have none.
    fn calendar_since<'a>(&'a self, user: &'a UserId) -> Fut<'a, Option<Timestamp>>;
    /// Stores a single-use check-in link; [`StoreError::NotFound`] for an
    /// unknown partnership or user.
    fn create_checkin_link<'a>(&'a self, new: &'a NewCheckinLink<'a>) -> Fut<'a, ()>;
    /// The check-in link with this id (used, expired or not).
    fn checkin_link<'a>(&'a self, id: &'a LinkId) -> Fut<'a, Option<CheckinLink>>;
    /// The secret stored under `name`, storing `candidate` first if there
    /// is none yet, so that every process ends up with the same one.
    fn server_secret<'a>(&'a self, name: &'a str, candidate: &'a str) -> Fut<'a, String>;
}

impl Settings for SqlStore {
    fn notification_settings<'a>(
        &'a self,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, crate::NotificationSettings> {
        Box::pin(crate::shared::settings::notification_settings(
            &self.pool, user,
        ))
    }
    fn set_notification_settings<'a>(
        &'a self,
        user: &'a crate::UserId,
        settings: &'a crate::NotificationSettings,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::settings::set_notification_settings(
            &self.pool, user, settings, now,
        ))
    }
    fn set_calendar_token<'a>(
        &'a self,
        user: &'a crate::UserId,
        token: Option<&'a crate::TokenHash>,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::settings::set_calendar_token(
            &self.pool, user, token, now,
        ))
    }
    fn calendar_user<'a>(
        &'a self,
        token: &'a crate::TokenHash,
    ) -> crate::Fut<'a, Option<crate::User>> {
        Box::pin(crate::shared::settings::calendar_user(&self.pool, token))
    }
    fn calendar_since<'a>(
        &'a self,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, Option<jiff::Timestamp>> {
        Box::pin(crate::shared::settings::calendar_since(&self.pool, user))
    }
    fn create_checkin_link<'a>(&'a self, new: &'a crate::NewCheckinLink<'a>) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::running::create_checkin_link(&self.pool, new))
    }
    fn checkin_link<'a>(
        &'a self,
        id: &'a crate::LinkId,
    ) -> crate::Fut<'a, Option<crate::CheckinLink>> {
        Box::pin(crate::shared::running::checkin_link(&self.pool, id))
    }
    fn server_secret<'a>(&'a self, name: &'a str, candidate: &'a str) -> crate::Fut<'a, String> {
        Box::pin(crate::shared::settings::server_secret(
            &self.pool, name, candidate,
        ))
    }
}
