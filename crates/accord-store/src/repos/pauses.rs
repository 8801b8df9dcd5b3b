//! Pauses: proposed, agreed, withdrawn.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// Pauses: proposed, agreed, withdrawn.
pub trait Pauses: Send + Sync {
    // --- Pauses ------------------------------------------------------------

    /// Proposes a pause; [`StoreError::NotFound`] for an unknown
    /// partnership or user.
    fn propose_pause<'a>(&'a self, new: &'a NewPause<'a>) -> Fut<'a, Pause> {
        self.propose_pause_keyed(new, None)
    }
    /// [`Self::propose_pause`] under an idempotency key.
    fn propose_pause_keyed<'a>(
        &'a self,
        new: &'a NewPause<'a>,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// Agrees to a proposed pause. [`StoreError::NotFound`] when the
    /// partnership has no pause with this id; [`StoreError::Conflict`] when
    /// it is already agreed or withdrawn, or `user` proposed it.
    fn agree_pause<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Pause> {
        self.agree_pause_keyed(partnership, id, user, now, None)
    }
    /// [`Self::agree_pause`] under an idempotency key.
    fn agree_pause_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// Withdraws a pause, proposed or agreed. [`StoreError::NotFound`] when
    /// the partnership has no pause with this id; [`StoreError::Conflict`]
    /// when it is already withdrawn.
    fn withdraw_pause<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Pause> {
        self.withdraw_pause_keyed(partnership, id, user, now, None)
    }
    /// [`Self::withdraw_pause`] under an idempotency key.
    fn withdraw_pause_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// The partnership's pauses, withdrawn ones included, by first day,
    /// then by when they were proposed.
    fn pauses<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Pause>>;
}

impl Pauses for SqlStore {
    fn propose_pause_keyed<'a>(
        &'a self,
        new: &'a crate::NewPause<'a>,
        keyed: Option<&'a crate::Keyed<crate::Pause>>,
    ) -> crate::Fut<'a, crate::Pause> {
        Box::pin(crate::shared::pauses::propose_pause(&self.pool, new, keyed))
    }
    fn agree_pause_keyed<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        id: &'a crate::PauseId,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
        keyed: Option<&'a crate::Keyed<crate::Pause>>,
    ) -> crate::Fut<'a, crate::Pause> {
        Box::pin(crate::shared::pauses::agree_pause(
            &self.pool,
            partnership,
            id,
            user,
            now,
            keyed,
        ))
    }
    fn withdraw_pause_keyed<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        id: &'a crate::PauseId,
        user: &'a crate::UserId,
        now: jiff::Timestamp,
        keyed: Option<&'a crate::Keyed<crate::Pause>>,
    ) -> crate::Fut<'a, crate::Pause> {
        Box::pin(crate::shared::pauses::withdraw_pause(
            &self.pool,
            partnership,
            id,
            user,
            now,
            keyed,
        ))
    }
    fn pauses<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Pause>> {
        Box::pin(crate::shared::pauses::pauses(&self.pool, partnership))
    }
}
