//! Accounts: who they are, their passwords and password resets, and their API tokens.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// Accounts: who they are, their passwords and password resets, and their API tokens.
pub trait Accounts: Send + Sync {
    // --- Accounts ----------------------------------------------------------

    /// Creates an account; [`StoreError::Conflict`] when the e-mail is taken.
    fn create_user<'a>(&'a self, new: &'a NewUser<'a>) -> Fut<'a, User>;
    /// The account with this e-mail address, in any case.
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>>;
    /// The account with this id.
    fn user_by_id<'a>(&'a self, id: &'a UserId) -> Fut<'a, Option<User>>;
    /// Sets a new password hash and, in the same transaction, ends every
    /// session and every API token of the account; `fresh` (the session of
    /// the browser that made the change, under a new id) is stored in it.
    fn set_password<'a>(
        &'a self,
        user: &'a UserId,
        password_hash: &'a str,
        fresh: Option<&'a NewSession<'a>>,
    ) -> Fut<'a, ()>;

    // --- Password reset ----------------------------------------------------

    /// Stores a reset token for the account, valid until `expires_at`.
    fn create_reset_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, ()>;
    /// Uses a reset token: single use, so it is gone afterwards whatever
    /// happens. When it was valid at `now`, sets the new password hash, ends
    /// every session of the account, removes its other reset tokens, and
    /// returns the account; otherwise returns `None` and changes nothing else.
    fn reset_password<'a>(
        &'a self,
        token: &'a TokenHash,
        password_hash: &'a str,
        now: Timestamp,
    ) -> Fut<'a, Option<UserId>>;

    // --- API tokens --------------------------------------------------------

    /// Stores a new API token for the account.
    fn create_api_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        label: &'a str,
        now: Timestamp,
    ) -> Fut<'a, ApiToken>;
    /// The account's API tokens, oldest first.
    fn api_tokens<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<ApiToken>>;
    /// The account an API token belongs to.
    ///
    /// Notes the use at `now` on the token, to the minute (at most one
    /// write a minute per token), for its owner's list.
    fn user_by_api_token<'a>(
        &'a self,
        token: &'a TokenHash,
        now: Timestamp,
    ) -> Fut<'a, Option<User>>;
    /// Revokes one of the account's API tokens; `false` when it has none
    /// with this id (including another account's token).
    fn delete_api_token<'a>(&'a self, user: &'a UserId, id: &'a ApiTokenId) -> Fut<'a, bool>;
}

impl Accounts for SqlStore {
    fn create_user<'a>(&'a self, new: &'a crate::NewUser<'a>) -> crate::Fut<'a, crate::User> {
        Box::pin(crate::shared::accounts::create_user(&self.pool, new))
    }
    fn user_by_email<'a>(&'a self, email: &'a str) -> crate::Fut<'a, Option<crate::User>> {
        Box::pin(crate::shared::accounts::user_by_email(&self.pool, email))
    }
    fn user_by_id<'a>(&'a self, id: &'a crate::UserId) -> crate::Fut<'a, Option<crate::User>> {
        Box::pin(crate::shared::accounts::user_by_id(&self.pool, id))
    }
    fn set_password<'a>(
        &'a self,
        user: &'a crate::UserId,
        password_hash: &'a str,
        fresh: Option<&'a crate::NewSession<'a>>,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::accounts::set_password(
            &self.pool,
            user,
            password_hash,
            fresh,
        ))
    }
    fn create_reset_token<'a>(
        &'a self,
        token: &'a crate::TokenHash,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
        expires_at: jiff::Timestamp,
    ) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::accounts::create_reset_token(
            &self.pool, token, user, now, expires_at,
        ))
    }
    fn reset_password<'a>(
        &'a self,
        token: &'a crate::TokenHash,
        password_hash: &'a str,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, Option<crate::UserId>> {
        Box::pin(crate::shared::accounts::reset_password(
            &self.pool,
            token,
            password_hash,
            now,
        ))
    }
    fn create_api_token<'a>(
        &'a self,
        token: &'a crate::TokenHash,
        user: &'a crate::UserId,
        label: &'a str,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, crate::ApiToken> {
        Box::pin(crate::shared::access::create_api_token(
            &self.pool, token, user, label, now,
        ))
    }
    fn api_tokens<'a>(&'a self, user: &'a crate::UserId) -> crate::Fut<'a, Vec<crate::ApiToken>> {
        Box::pin(crate::shared::access::api_tokens(&self.pool, user))
    }
    fn user_by_api_token<'a>(
        &'a self,
        token: &'a crate::TokenHash,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, Option<crate::User>> {
        Box::pin(crate::shared::access::user_by_api_token(
            &self.pool, token, now,
        ))
    }
    fn delete_api_token<'a>(
        &'a self,
        user: &'a crate::UserId,
        id: &'a crate::ApiTokenId,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::access::delete_api_token(
            &self.pool, user, id,
        ))
    }
}
