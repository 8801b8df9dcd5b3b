//! The outbox of e-mails and webhooks, and the planning of reminders into it.
//!
//! The trait is what callers see; its implementation for [`SqlStore`] (both
//! databases) calls the query functions in `crate::shared`.

use jiff::{SignedDuration, Timestamp};

#[allow(unused_imports)]
use crate::*;

/// The outbox of e-mails and webhooks, and the planning of reminders into it.
pub trait Outbox: Send + Sync {
    // --- Outbox ------------------------------------------------------------

    /// Puts rows in the outbox, returning how many were inserted: a row
    /// whose `dedupe` key is already there is ignored.
    /// [`StoreError::NotFound`] when a row names an unknown partnership or
    /// user (then none is inserted).
    fn enqueue<'a>(&'a self, rows: &'a [NewNotification]) -> Fut<'a, u64>;
    /// Claims up to `limit` pending rows due by `now` whose lease (if any)
    /// has run out, earliest `due_at` first: each is leased until `now +
    /// lease` under a fresh token and its attempts go up by one. Several
    /// workers may claim at once: no row is leased to two of them.
    fn claim_due<'a>(
        &'a self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Fut<'a, Vec<Outgoing>>;
    /// Marks a claimed row sent; `false` (nothing changed) when the row is
    /// not leased under `lease_token` any more.
    fn mark_sent<'a>(
        &'a self,
        id: &'a OutboxId,
        lease_token: &'a str,
        now: Timestamp,
    ) -> Fut<'a, bool>;
    /// Records a failed attempt at a claimed row, keeping `error`: with
    /// `retry_at` the row is pending again, due then, with no lease;
    /// without, it has failed for good. `false` (nothing changed) when the
    /// row is not leased under `lease_token` any more.
    fn mark_failed<'a>(
        &'a self,
        id: &'a OutboxId,
        lease_token: &'a str,
        error: &'a str,
        retry_at: Option<Timestamp>,
    ) -> Fut<'a, bool>;
    /// How many outbox rows are pending, sent and failed.
    fn outbox_counts<'a>(&'a self) -> Fut<'a, OutboxCounts>;

    // --- Planning ----------------------------------------------------------

    /// Up to `limit` partnerships with a completed version whose outbox is
    /// planned until before `before`, or not at all: unplanned ones first,
    /// then those planned least far.
    fn partnerships_to_plan<'a>(
        &'a self,
        before: Timestamp,
        limit: u32,
    ) -> Fut<'a, Vec<PartnershipId>>;
    /// How far the partnership's outbox is planned; `None` when it is not
    /// (never, or since a new version was signed).
    fn planned_until<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Option<Timestamp>>;
    /// Moves the partnership's plan to `until` and enqueues `rows` (as
    /// [`Self::enqueue`]), in one transaction, if the plan still ends at
    /// `expected` (`None`: no plan) and `version` is still the version in
    /// force; otherwise writes nothing and returns `false`. The check holds
    /// against signing (the partnership is locked as signing locks it), so
    /// a plan made from a version that a signature just replaced is never
    /// saved over the new version's. [`StoreError::NotFound`] for an
    /// unknown partnership.
    fn save_plan<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        version: i64,
        expected: Option<Timestamp>,
        until: Timestamp,
        rows: &'a [NewNotification],
    ) -> Fut<'a, bool> {
        Box::pin(async move {
            let plan = [PlanSave {
                partnership,
                version,
                expected,
                until,
                rows,
            }];
            Ok(self
                .save_plans(&plan)
                .await?
                .first()
                .copied()
                .unwrap_or(false))
        })
    }
    /// [`Self::save_plan`] for several partnerships in one transaction
    /// (one commit: a worker step's batch costs one fsync, not one per
    /// partnership); each plan is checked and saved on its own terms, and
    /// the answer says, in the order given, which were saved. An error
    /// (an unknown partnership) saves none of them.
    fn save_plans<'a>(&'a self, plans: &'a [PlanSave<'a>]) -> Fut<'a, Vec<bool>>;
}

impl Outbox for SqlStore {
    fn enqueue<'a>(&'a self, rows: &'a [crate::NewNotification]) -> crate::Fut<'a, u64> {
        Box::pin(crate::shared::outbox::enqueue(&self.pool, rows))
    }
    fn claim_due<'a>(
        &'a self,
        now: jiff::Timestamp,
        lease: jiff::SignedDuration,
        limit: u32,
    ) -> crate::Fut<'a, Vec<crate::Outgoing>> {
        Box::pin(crate::shared::outbox::claim_due(
            &self.pool, now, lease, limit,
        ))
    }
    fn mark_sent<'a>(
        &'a self,
        id: &'a crate::OutboxId,
        lease_token: &'a str,
        now: jiff::Timestamp,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::outbox::mark_sent(
            &self.pool,
            id,
            lease_token,
            now,
        ))
    }
    fn mark_failed<'a>(
        &'a self,
        id: &'a crate::OutboxId,
        lease_token: &'a str,
        error: &'a str,
        retry_at: Option<jiff::Timestamp>,
    ) -> crate::Fut<'a, bool> {
        Box::pin(crate::shared::outbox::mark_failed(
            &self.pool,
            id,
            lease_token,
            error,
            retry_at,
        ))
    }
    fn outbox_counts<'a>(&'a self) -> crate::Fut<'a, crate::OutboxCounts> {
        Box::pin(crate::shared::outbox::outbox_counts(&self.pool))
    }
    fn partnerships_to_plan<'a>(
        &'a self,
        before: jiff::Timestamp,
        limit: u32,
    ) -> crate::Fut<'a, Vec<crate::PartnershipId>> {
        Box::pin(crate::shared::outbox::partnerships_to_plan(
            &self.pool, before, limit,
        ))
    }
    fn planned_until<'a>(
        &'a self,
        partnership: &'a crate::PartnershipId,
    ) -> crate::Fut<'a, Option<jiff::Timestamp>> {
        Box::pin(crate::shared::outbox::planned_until(
            &self.pool,
            partnership,
        ))
    }
    fn save_plans<'a>(&'a self, plans: &'a [crate::PlanSave<'a>]) -> crate::Fut<'a, Vec<bool>> {
        Box::pin(crate::shared::outbox::save_plans(&self.pool, plans))
    }
}
