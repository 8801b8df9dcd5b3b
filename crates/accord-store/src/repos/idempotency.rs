//! Answers stored under idempotency keys.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

#[allow(unused_imports)]
use crate::*;

/// Answers stored under idempotency keys.
pub trait Idempotency: Send + Sync {
    // --- Idempotency -------------------------------------------------------

    /// The response stored for this user's idempotency key, if any.
    fn idempotent_response<'a>(
        &'a self,
        user: &'a UserId,
        key: &'a str,
    ) -> Fut<'a, Option<StoredResponse>>;
}

impl Idempotency for SqlStore {
    fn idempotent_response<'a>(
        &'a self,
        user: &'a crate::UserId,
        key: &'a str,
    ) -> crate::Fut<'a, Option<crate::StoredResponse>> {
        Box::pin(crate::shared::access::idempotent_response(
            &self.pool, user, key,
        ))
    }
}
