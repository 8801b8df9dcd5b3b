//! A running agreement: preparation, check-ins, notes and the consequence log.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::Timestamp;

#[allow(unused_imports)]
use crate::*;

/// A running agreement: preparation, check-ins, notes and the consequence log.
pub trait Running: Send + Sync {
    // --- Running: preparation, check-ins, notes, consequences --------------

    /// Saves (inserting or replacing) one person's answers for a check-in
    /// occurrence. With a `link`, the link must exist, be for the same
    /// partnership, occurrence and person, and be unused and unexpired at
    /// `now` ([`StoreError::Link`] otherwise, nothing written); it is used
    /// up in the same transaction. [`StoreError::NotFound`] for an unknown
    /// partnership or user.
    fn save_preparation<'a>(&'a self, new: &'a NewPreparation<'a>) -> Fut<'a, ()>;
    /// Everyone's answers for an occurrence, in the order the partners
    /// joined the partnership (answers of non-members last, by user id).
    fn preparations<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
    ) -> Fut<'a, Vec<Preparation>>;
    /// Who prepared for which occurrence, across the partnership's whole
    /// history, oldest first (without the answers; see
    /// [`Self::preparations`] for those). Empty for an unknown partnership.
    fn prepared<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Prepared>>;
    /// Records a check-in in one transaction with its note (by the
    /// recorder), its consequence entries (fired at `now`; a second
    /// missed-check-in entry for an occurrence is ignored), its
    /// notifications (as [`Self::enqueue`]) and the use of its link (as
    /// [`Self::save_preparation`]). All or nothing:
    /// [`StoreError::Conflict`] when the occurrence already has a check-in,
    /// [`StoreError::NotFound`] for an unknown partnership or user,
    /// [`StoreError::Link`] for a link that cannot be used.
    fn record_checkin<'a>(&'a self, new: &'a NewCheckin<'a>) -> Fut<'a, Checkin> {
        self.record_checkin_keyed(new, None)
    }
    /// [`Self::record_checkin`] under an idempotency key.
    fn record_checkin_keyed<'a>(
        &'a self,
        new: &'a NewCheckin<'a>,
        keyed: Option<&'a Keyed<Checkin>>,
    ) -> Fut<'a, Checkin>;
    /// The check-in recorded at an occurrence.
    fn checkin<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
    ) -> Fut<'a, Option<Checkin>>;
    /// Every recorded check-in of the partnership, oldest occurrence first.
    fn checkins<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Checkin>>;
    /// The partnership's versions, members, pauses and check-ins, read in
    /// one snapshot with its change count; `None` for an unknown
    /// partnership.
    fn history<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Option<History>>;
    /// Adds a note to a recorded check-in; [`StoreError::NotFound`] when no
    /// check-in is recorded at that occurrence (or the author is unknown).
    fn add_note<'a>(&'a self, new: &'a NewNote<'a>) -> Fut<'a, Note> {
        self.add_note_keyed(new, None)
    }
    /// [`Self::add_note`] under an idempotency key.
    fn add_note_keyed<'a>(
        &'a self,
        new: &'a NewNote<'a>,
        keyed: Option<&'a Keyed<Note>>,
    ) -> Fut<'a, Note>;
    /// The notes on a check-in that `viewer` may read, oldest first: every
    /// shared note and the viewer's own private ones, never anyone else's.
    fn notes<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
        viewer: &'a UserId,
    ) -> Fut<'a, Vec<Note>>;
    /// The partnership's consequence log, by occurrence, then time fired,
    /// then order of logging.
    fn consequence_log<'a>(
        &'a self,
        partnership: &'a PartnershipId,
    ) -> Fut<'a, Vec<ConsequenceEntry>>;
    /// Logs a missed check-in at `consequence.occurrence` (as
    /// [`ConsequenceKind::MissedCheckin`], whatever its `kind`, fired at
    /// `now`) and enqueues `notifications`, in one transaction, returning
    /// `true`, if no check-in is recorded there and no missed check-in is
    /// logged for it yet; otherwise writes nothing and returns `false`.
    /// Safe when several processes try at once: one logs it.
    fn record_missed_checkin<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        consequence: &'a NewConsequence<'a>,
        notifications: &'a [NewNotification],
        now: Timestamp,
    ) -> Fut<'a, bool>;
}

impl Running for SqlStore {
    fn save_preparation<'a>(&'a self, new: &'a crate::NewPreparation<'a>) -> crate::Fut<'a, ()> {
        Box::pin(crate::shared::running::save_preparation(&self.pool, new))
    }
    fn preparations<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        occurrence: jiff::Timestamp,
    ) -> crate::Fut<'a, Vec<crate::Preparation>> {
        Box::pin(crate::shared::running::preparations(
            &self.pool,
            partnership,
            occurrence,
        ))
    }
    fn prepared<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Prepared>> {
        Box::pin(crate::shared::prepared::prepared(&self.pool, partnership))
    }
    fn record_checkin_keyed<'a>(
        &'a self,
        new: &'a crate::NewCheckin<'a>,
        keyed: Option<&'a crate::Keyed<crate::Checkin>>,
    ) -> crate::Fut<'a, crate::Checkin> {
        Box::pin(crate::shared::running::record_checkin(
            &self.pool, new, keyed,
        ))
    }
    fn checkin<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        occurrence: jiff::Timestamp,
    ) -> crate::Fut<'a, Option<crate::Checkin>> {
        Box::pin(crate::shared::running::checkin(
            &self.pool,
            partnership,
            occurrence,
        ))
    }
    fn checkins<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::Checkin>> {
        Box::pin(crate::shared::running::checkins(&self.pool, partnership))
    }
    fn history<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Option<crate::History>> {
        Box::pin(crate::shared::history::history(&self.pool, partnership))
    }
    fn add_note_keyed<'a>(
        &'a self,
        new: &'a crate::NewNote<'a>,
        keyed: Option<&'a crate::Keyed<crate::Note>>,
    ) -> crate::Fut<'a, crate::Note> {
        Box::pin(crate::shared::running::add_note(&self.pool, new, keyed))
    }
    fn notes<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        occurrence: jiff::Timestamp,
        viewer: &'a crate::UserId,
    ) -> crate::Fut<'a, Vec<crate::Note>> {
        Box::pin(crate::shared::running::notes(
            &self.pool,
            partnership,
            occurrence,
            viewer,
        ))
    }
    fn consequence_log<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Vec<crate::ConsequenceEntry>> {
        Box::pin(crate::shared::running::consequence_log(
            &self.pool,
            partnership,
        ))
    }
    fn record_missed_checkin<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
        consequence: &'a crate::NewConsequence<'a>,
        notifications: &'a [crate::NewNotification],
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::running::record_missed_checkin(
            &self.pool,
            partnership,
            consequence,
            notifications,
            now,
        ))
    }
}
