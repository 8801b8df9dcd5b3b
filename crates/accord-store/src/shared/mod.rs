//! What the SQLite and PostgreSQL stores share: row types, the SQL text
//! (`$n` placeholders and `RETURNING` work on both), and the query
//! functions, written once and generated for each dialect.
//!
//! Each submodule holds the SQL and row types of one part of the store and a
//! `queries!` macro that writes its query functions into a module of the same
//! name inside the dialect module that expands it. The dialect module
//! provides what differs between the databases:
//!
//! - `Pool`, its sqlx pool type;
//! - `begin_write(&Pool)`, a transaction for reading then writing, which on
//!   SQLite holds the write lock from the start (`BEGIN IMMEDIATE`) so that
//!   two writers never deadlock upgrading a read lock;
//! - `begin_read(&Pool)`, a transaction whose reads all see one snapshot;
//! - `Database`, its sqlx database type (for helpers that take a connection
//!   inside the caller's transaction);
//! - `LOCK_PARTNERSHIP`, the SQL that reads a partnership (`$1` = its id) and
//!   keeps other writers of it waiting until the transaction ends (`FOR
//!   UPDATE` on PostgreSQL; on SQLite the write transaction already does);
//! - `CLAIM_DUE`, the SQL that claims due outbox rows (see [`outbox`]).
//!
//! [`store_impl!`] then implements [`crate::Store`] for the store type by
//! forwarding every method to those functions (the methods of a running
//! agreement through `forward_running::running_methods!`). SQL that differs
//! between the dialects is chosen by the dialect module, as with
//! `LOCK_PARTNERSHIP` and `CLAIM_DUE`.

pub(crate) mod access;
pub(crate) mod accounts;
pub(crate) mod drafts;
pub(crate) mod export;
pub(crate) mod export_read;
pub(crate) mod forward_running;
pub(crate) mod outbox;
pub(crate) mod partnerships;
pub(crate) mod pauses;
pub(crate) mod prepared;
pub(crate) mod running;
pub(crate) mod settings;

use jiff::Timestamp;

use crate::{Role, StoreError};

/// Unix milliseconds to a timestamp; out-of-range values (only a corrupted
/// row has them) become the epoch rather than a panic.
pub(crate) fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Whether a database error is a broken uniqueness constraint.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Maps a broken foreign key (a row naming an account or partnership that
/// does not exist) to [`StoreError::NotFound`] for `what`.
pub(crate) fn missing(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound(what),
        _ => e.into(),
    }
}

/// E-mail addresses are unique regardless of case and surrounding space.
pub(crate) fn normal_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A role as stored; the schema's CHECK allows only the two words, so
/// anything else is a corrupted row.
pub(crate) fn role(word: &str) -> Result<Role, StoreError> {
    Role::parse(word).ok_or_else(|| corrupt(format!("unknown role {word:?}")))
}

/// An error for a stored value the schema should have ruled out.
pub(crate) fn corrupt(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(message.into()))
}

/// Implements [`crate::Store`] for `$store` (which has a `pool` field) by
/// forwarding every method to the query functions generated in module `$q`.
macro_rules! store_impl {
    ($store:ty, $q:ident) => {
        impl $crate::Store for $store {
            fn create_user<'a>(
                &'a self,
                new: &'a $crate::NewUser<'a>,
            ) -> $crate::Fut<'a, $crate::User> {
                Box::pin($q::accounts::create_user(&self.pool, new))
            }
            fn user_by_email<'a>(
                &'a self,
                email: &'a str,
            ) -> $crate::Fut<'a, Option<$crate::User>> {
                Box::pin($q::accounts::user_by_email(&self.pool, email))
            }
            fn user_by_id<'a>(
                &'a self,
                id: &'a $crate::UserId,
            ) -> $crate::Fut<'a, Option<$crate::User>> {
                Box::pin($q::accounts::user_by_id(&self.pool, id))
            }
            fn set_password<'a>(
                &'a self,
                user: &'a $crate::UserId,
                password_hash: &'a str,
                fresh: Option<&'a $crate::NewSession<'a>>,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::accounts::set_password(
                    &self.pool,
                    user,
                    password_hash,
                    fresh,
                ))
            }
            fn create_session<'a>(
                &'a self,
                new: &'a $crate::NewSession<'a>,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::accounts::create_session(&self.pool, new))
            }
            fn session<'a>(
                &'a self,
                id: &'a $crate::TokenHash,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, Option<$crate::Session>> {
                Box::pin($q::accounts::session(&self.pool, id, now))
            }
            fn delete_session<'a>(&'a self, id: &'a $crate::TokenHash) -> $crate::Fut<'a, ()> {
                Box::pin($q::accounts::delete_session(&self.pool, id))
            }
            fn create_reset_token<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
                user: &'a $crate::UserId,
                now: jiff::Timestamp,
                expires_at: jiff::Timestamp,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::accounts::create_reset_token(
                    &self.pool, token, user, now, expires_at,
                ))
            }
            fn reset_password<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
                password_hash: &'a str,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, Option<$crate::UserId>> {
                Box::pin($q::accounts::reset_password(
                    &self.pool,
                    token,
                    password_hash,
                    now,
                ))
            }
            fn create_api_token<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
                user: &'a $crate::UserId,
                label: &'a str,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, $crate::ApiToken> {
                Box::pin($q::access::create_api_token(
                    &self.pool, token, user, label, now,
                ))
            }
            fn api_tokens<'a>(
                &'a self,
                user: &'a $crate::UserId,
            ) -> $crate::Fut<'a, Vec<$crate::ApiToken>> {
                Box::pin($q::access::api_tokens(&self.pool, user))
            }
            fn user_by_api_token<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, Option<$crate::User>> {
                Box::pin($q::access::user_by_api_token(&self.pool, token, now))
            }
            fn delete_api_token<'a>(
                &'a self,
                user: &'a $crate::UserId,
                id: &'a $crate::ApiTokenId,
            ) -> $crate::Fut<'a, bool> {
                Box::pin($q::access::delete_api_token(&self.pool, user, id))
            }
            fn record_login_failure<'a>(
                &'a self,
                keys: &'a [String],
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::access::record_login_failure(&self.pool, keys, now))
            }
            fn login_failures<'a>(
                &'a self,
                key: &'a str,
                since: jiff::Timestamp,
            ) -> $crate::Fut<'a, u64> {
                Box::pin($q::access::login_failures(&self.pool, key, since))
            }
            fn clear_login_failures<'a>(&'a self, key: &'a str) -> $crate::Fut<'a, ()> {
                Box::pin($q::access::clear_login_failures(&self.pool, key))
            }
            fn remember_device<'a>(
                &'a self,
                device: &'a $crate::TokenHash,
                user: &'a $crate::UserId,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::access::remember_device(&self.pool, device, user, now))
            }
            fn device_known<'a>(
                &'a self,
                device: &'a $crate::TokenHash,
                user: &'a $crate::UserId,
            ) -> $crate::Fut<'a, bool> {
                Box::pin($q::access::device_known(&self.pool, device, user))
            }
            fn housekeeping<'a>(
                &'a self,
                now: jiff::Timestamp,
                failures_before: jiff::Timestamp,
            ) -> $crate::Fut<'a, ()> {
                Box::pin($q::access::housekeeping(&self.pool, now, failures_before))
            }
            fn create_partnership_keyed<'a>(
                &'a self,
                new: &'a $crate::NewPartnership<'a>,
                keyed: Option<&'a $crate::Keyed<$crate::Partnership>>,
            ) -> $crate::Fut<'a, $crate::Partnership> {
                Box::pin($q::partnerships::create_partnership(&self.pool, new, keyed))
            }
            fn partnership<'a>(
                &'a self,
                id: &'a $crate::PartnershipId,
            ) -> $crate::Fut<'a, Option<$crate::Partnership>> {
                Box::pin($q::partnerships::partnership(&self.pool, id))
            }
            fn memberships<'a>(
                &'a self,
                user: &'a $crate::UserId,
            ) -> $crate::Fut<'a, Vec<$crate::Membership>> {
                Box::pin($q::partnerships::memberships(&self.pool, user))
            }
            fn role_in<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                user: &'a $crate::UserId,
            ) -> $crate::Fut<'a, Option<$crate::Role>> {
                Box::pin($q::partnerships::role_in(&self.pool, partnership, user))
            }
            fn members<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
            ) -> $crate::Fut<'a, Vec<$crate::Member>> {
                Box::pin($q::partnerships::members(&self.pool, partnership))
            }
            fn create_invitation_keyed<'a>(
                &'a self,
                new: &'a $crate::NewInvitation<'a>,
                keyed: Option<&'a $crate::Keyed<$crate::Invitation>>,
            ) -> $crate::Fut<'a, $crate::Invitation> {
                Box::pin($q::partnerships::create_invitation(&self.pool, new, keyed))
            }
            fn invitation_by_token<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
            ) -> $crate::Fut<'a, Option<$crate::Invitation>> {
                Box::pin($q::partnerships::invitation_by_token(&self.pool, token))
            }
            fn invitations<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
            ) -> $crate::Fut<'a, Vec<$crate::Invitation>> {
                Box::pin($q::partnerships::invitations(&self.pool, partnership))
            }
            fn accept_invitation_keyed<'a>(
                &'a self,
                token: &'a $crate::TokenHash,
                user: &'a $crate::UserId,
                now: jiff::Timestamp,
                redraft: Option<$crate::Redraft<'a>>,
                keyed: Option<&'a $crate::Keyed<$crate::Membership>>,
            ) -> $crate::Fut<'a, $crate::Membership> {
                Box::pin($q::partnerships::accept_invitation(
                    &self.pool, token, user, now, redraft, keyed,
                ))
            }
            fn withdraw_invitation<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                id: &'a $crate::InvitationId,
            ) -> $crate::Fut<'a, bool> {
                Box::pin($q::partnerships::withdraw_invitation(
                    &self.pool,
                    partnership,
                    id,
                ))
            }
            fn remove_coach<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                user: &'a $crate::UserId,
            ) -> $crate::Fut<'a, bool> {
                Box::pin($q::partnerships::remove_coach(
                    &self.pool,
                    partnership,
                    user,
                ))
            }
            fn save_draft<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                expected_revision: i64,
                draft: &'a str,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, i64> {
                Box::pin($q::drafts::save_draft(
                    &self.pool,
                    partnership,
                    expected_revision,
                    draft,
                    now,
                ))
            }
            fn sign_draft_keyed<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                expected_revision: i64,
                user: &'a $crate::UserId,
                now: jiff::Timestamp,
                keyed: Option<&'a $crate::Keyed<$crate::Signed>>,
            ) -> $crate::Fut<'a, $crate::Signed> {
                Box::pin($q::drafts::sign_draft(
                    &self.pool,
                    partnership,
                    expected_revision,
                    user,
                    now,
                    keyed,
                ))
            }
            fn versions<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
            ) -> $crate::Fut<'a, Vec<$crate::Version>> {
                Box::pin($q::drafts::versions(&self.pool, partnership))
            }
            fn version<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                number: i64,
            ) -> $crate::Fut<'a, Option<$crate::Version>> {
                Box::pin($q::drafts::version(&self.pool, partnership, number))
            }
            fn idempotent_response<'a>(
                &'a self,
                user: &'a $crate::UserId,
                key: &'a str,
            ) -> $crate::Fut<'a, Option<$crate::StoredResponse>> {
                Box::pin($q::access::idempotent_response(&self.pool, user, key))
            }
            $crate::shared::forward_running::running_methods!($q);
            fn export_partnership<'a>(
                &'a self,
                partnership: &'a $crate::PartnershipId,
                scope: &'a $crate::export::ExportScope,
                now: jiff::Timestamp,
                progress: &'a (dyn Fn($crate::export::Progress) + Send + Sync),
            ) -> $crate::Fut<'a, Option<$crate::export::Export>> {
                Box::pin($q::export::export_partnership(
                    &self.pool,
                    partnership,
                    scope,
                    now,
                    progress,
                ))
            }
            fn import_partnership<'a>(
                &'a self,
                export: &'a $crate::export::Export,
                now: jiff::Timestamp,
            ) -> $crate::Fut<'a, $crate::export::Imported> {
                Box::pin($q::export::import_partnership(&self.pool, export, now))
            }
        }
    };
}
pub(crate) use store_impl;
