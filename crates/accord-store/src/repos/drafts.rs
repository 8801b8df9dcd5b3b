//! The draft agreement of a partnership, its signatures, and the versions in force.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// The draft agreement of a partnership, its signatures, and the versions in force.
pub trait Drafts: Send + Sync {
    // --- Draft and versions ------------------------------------------------

    /// Saves the draft if it is still at `expected_revision`, returning the
    /// new revision; [`StoreError::Stale`] (nothing written) when someone
    /// saved in between, [`StoreError::NotFound`] for an unknown partnership.
    fn save_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        draft: &'a str,
        now: Timestamp,
    ) -> Fut<'a, i64>;
    /// Signs the draft as it stands at `expected_revision`
    /// ([`StoreError::Stale`] otherwise). The first signature on a revision
    /// takes a new version (a snapshot of the draft); the other partner's
    /// signature on the same revision completes it, and the completed
    /// version becomes the active agreement. Signing twice changes nothing.
    fn sign_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Signed> {
        self.sign_draft_keyed(partnership, expected_revision, user, now, None)
    }
    /// [`Self::sign_draft`] under an idempotency key.
    fn sign_draft_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Signed>>,
    ) -> Fut<'a, Signed>;
    /// Every version of the partnership, oldest first.
    fn versions<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Version>>;
    /// One version.
    fn version<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        number: i64,
    ) -> Fut<'a, Option<Version>>;
}

impl Drafts for SqlStore {
    fn save_draft<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        expected_revision: i64,
        draft: &'a str,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, i64> {
        Box::pin(crate::shared::drafts::save_draft(
            &self.pool,
            partnership,
            expected_revision,
            draft,
            now,
        ))
    }
    fn sign_draft_keyed<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        expected_revision: i64,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
        keyed: Option<&'a crate::Keyed<crate::Signed>>,
    ) -> crate::Fut<'a, crate::Signed> {
        Box::pin(crate::shared::drafts::sign_draft(
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
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Version>> {
        Box::pin(crate::shared::drafts::versions(&self.pool, partnership))
    }
    fn version<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        number: i64,
    ) -> crate::Fut<'a, Option<crate::Version>> {
        Box::pin(crate::shared::drafts::version(
            &self.pool,
            partnership,
            number,
        ))
    }
}
