//! Where a partnership stands: the agreement of a period (the version in
//! force, or an earlier one), the check-ins held under it and what fired,
//! turned into the core's health report (metrics, signals, the review, a
//! verdict). The dashboard, the recalibration page and the coach's
//! overview all read it through here, so they never disagree about a kept
//! rate or a signal.

use accord_core::health::{HealthReport, health, today};
use accord_core::metrics::Past;
use accord_core::model::PartyId;
use std::sync::Arc;

use accord_store::{ConsequenceEntry, ConsequenceKind, Partnership, Store};
use jiff::Timestamp;

use super::InForce;
use crate::error::AppError;
use crate::state::AppState;

/// A signed version with its period: the version's [`InForce`], when a
/// later signed version took over, and the signed version before it (a
/// version one partner signed and the other never did is no period).
pub struct PeriodOf {
    /// The version and what happened under it (every version of the
    /// partnership is in its `versions`).
    pub inforce: Arc<InForce>,
    /// When its period closed; `None` while it is in force.
    pub closed: Option<Timestamp>,
    /// The signed version before it, if any.
    pub previous: Option<i64>,
}

/// Signed version `number` of `p` (the one in force when `None`) and its
/// period; `None` when there is no such signed version.
pub async fn period(
    state: &AppState,
    p: &Partnership,
    number: Option<i64>,
) -> Result<Option<PeriodOf>, AppError> {
    let Some(inforce) = super::load_version(state, p, number).await? else {
        return Ok(None);
    };
    let n = inforce.version.number;
    let signed = || inforce.versions.iter().filter(|v| v.signed_at.is_some());
    let closed = signed().find(|v| v.number > n).and_then(|v| v.signed_at);
    let previous = signed()
        .filter(|v| v.number < n)
        .map(|v| v.number)
        .next_back();
    Ok(Some(PeriodOf {
        inforce,
        closed,
        previous,
    }))
}

/// The health report of the version in force at `now`, with the
/// consequence log of its period; `None` when the agreement has no
/// schedule (nothing can be measured without check-ins).
pub async fn standing(
    store: &dyn Store,
    inforce: &InForce,
    now: Timestamp,
) -> Result<Option<(HealthReport, Vec<ConsequenceEntry>)>, AppError> {
    standing_until(store, inforce, None, now).await
}

/// The health report of `inforce`'s period: from its signing to `closed`
/// (when the next version took over) or to `now` while it is in force. A
/// closed period is judged as it stood at its end: what was still open
/// then is not counted as missed, and nothing lies ahead of it.
pub async fn standing_until(
    store: &dyn Store,
    inforce: &InForce,
    closed: Option<Timestamp>,
    now: Timestamp,
) -> Result<Option<(HealthReport, Vec<ConsequenceEntry>)>, AppError> {
    let Ok(schedule) = &inforce.schedule else {
        return Ok(None);
    };
    let end = closed.map_or(now, |c| c.min(now));
    let in_period = |at: Timestamp| at >= schedule.from() && at < end;
    let log: Vec<ConsequenceEntry> = store
        .consequence_log(&inforce.id)
        .await?
        .into_iter()
        .filter(|e| in_period(e.occurrence))
        .collect();
    let prepared = store.prepared(&inforce.id).await?;
    let occurrences = schedule.between(schedule.from(), end);
    let past: Vec<Past<'_>> = occurrences
        .iter()
        .map(|occ| {
            let entry = inforce.entry(occ.at());
            let mut p = Past::new(occ, inforce.status(occ, end), entry.map(|e| &e.record));
            p.recorded_by = entry.and_then(|e| inforce.party_of(&e.recorded_by).cloned());
            // Partners only: a coach's answers (if any) prepare nobody's part.
            p.prepared_by = Some(
                prepared
                    .iter()
                    .filter(|r| r.occurrence == occ.at())
                    .filter_map(|r| inforce.party_of(&r.user).cloned())
                    .collect(),
            );
            p
        })
        .collect();
    // Responses fired in the period, one party id per response.
    let fired: Vec<PartyId> = log
        .iter()
        .filter(|e| e.kind == ConsequenceKind::Ladder)
        .filter_map(|e| PartyId::parse(e.party.as_deref()?).ok())
        .collect();
    let next = closed.is_none().then(|| schedule.next_after(now).at());
    let mut report = health(
        &inforce.agreement,
        &past,
        next,
        &fired,
        today(&inforce.agreement, end),
        end,
    );
    if closed.is_some() {
        // Nothing lies ahead of a closed period.
        report.metrics.upcoming.clear();
    }
    Ok(Some((report, log)))
}
