//! Browser sessions, the throttling of failed logins, remembered browsers, and the clean-up of what has expired.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// Browser sessions, the throttling of failed logins, remembered browsers, and the clean-up of what has expired.
pub trait Sessions: Send + Sync {
    // --- Sessions ----------------------------------------------------------

    /// Stores a new session.
    fn create_session<'a>(&'a self, new: &'a NewSession<'a>) -> Fut<'a, ()>;
    /// The session with this id digest, with its user; `None` when unknown
    /// or expired at `now`.
    fn session<'a>(&'a self, id: &'a TokenHash, now: Timestamp) -> Fut<'a, Option<Session>>;
    /// Ends a session (logging out). Unknown ids are not an error.
    fn delete_session<'a>(&'a self, id: &'a TokenHash) -> Fut<'a, ()>;

    // --- Login throttling --------------------------------------------------

    /// Records one failed login under each of `keys` (e.g. the account, the
    /// address, the pair), shared by every app process.
    fn record_login_failure<'a>(&'a self, keys: &'a [String], now: Timestamp) -> Fut<'a, ()>;
    /// How many failures were recorded under `key` since `since`.
    fn login_failures<'a>(&'a self, key: &'a str, since: Timestamp) -> Fut<'a, u64>;
    /// Forgets the failures under `key` (after a successful login).
    fn clear_login_failures<'a>(&'a self, key: &'a str) -> Fut<'a, ()>;
    /// Remembers that this browser (by the digest of its device cookie) has
    /// logged in to the account, so throttling aimed at the account does
    /// not lock its owner out.
    fn remember_device<'a>(
        &'a self,
        device: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// Whether this browser has logged in to the account before.
    fn device_known<'a>(&'a self, device: &'a TokenHash, user: &'a UserId) -> Fut<'a, bool>;
    /// Deletes what has expired by `now`: sessions, reset tokens, login
    /// failures older than `failures_before`, check-in links used or
    /// expired more than a day before `now`, outbox rows sent or failed
    /// more than 30 days before `now`, idempotency answers older than 24
    /// hours (a retry after that runs anew) and browsers not seen for 90
    /// days.
    fn housekeeping<'a>(&'a self, now: Timestamp, failures_before: Timestamp) -> Fut<'a, ()>;
}

impl Sessions for SqlStore {
    fn create_session<'a>(&'a self, new: &'a crate::NewSession<'a>) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::accounts::create_session(&self.pool, new))
    }
    fn session<'a>(
        &'a self,
        id: &'a crate::TokenHash,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, Option<crate::Session>> {
        Box::pin(crate::shared::accounts::session(&self.pool, id, now))
    }
    fn delete_session<'a>(&'a self, id: &'a crate::TokenHash) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::accounts::delete_session(&self.pool, id))
    }
    fn record_login_failure<'a>(
        &'a self,
        keys: &'a [String],
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::access::record_login_failure(
            &self.pool, keys, now,
        ))
    }
    fn login_failures<'a>(&'a self, key: &'a str, since: jiff::Timestamp) -> crate::Fut<'a, u64> {
        Box::pin(crate::shared::access::login_failures(
            &self.pool, key, since,
        ))
    }
    fn clear_login_failures<'a>(&'a self, key: &'a str) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::access::clear_login_failures(&self.pool, key))
    }
    fn remember_device<'a>(
        &'a self,
        device: &'a crate::TokenHash,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::access::remember_device(
            &self.pool, device, user, now,
        ))
    }
    fn device_known<'a>(
        &'a self,
        device: &'a crate::TokenHash,
        user: &'a crate::UserId,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::access::device_known(
            &self.pool, device, user,
        ))
    }
    fn housekeeping<'a>(
        &'a self,
        now: jiff::Timestamp,
        failures_before: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::access::housekeeping(
            &self.pool,
            now,
            failures_before,
        ))
    }
}
