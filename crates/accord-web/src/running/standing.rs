//! Where a partnership stands: the agreement in force, the check-ins held
//! under it so far and what fired, turned into the core's health report
//! (metrics, signals, the review, a verdict). The dashboard, the
//! recalibration page and the coach's overview all read it through here,
//! so they never disagree about a kept rate or a signal.

use accord_core::health::{HealthReport, health, today};
use accord_core::metrics::Past;
use accord_core::model::PartyId;
use accord_store::{ConsequenceEntry, ConsequenceKind, Store};
use jiff::Timestamp;

use super::InForce;
use crate::error::AppError;

/// The health report of the version in force at `now`, with the
/// consequence log it counted; `None` when the agreement has no schedule
/// (nothing can be measured without check-ins).
pub async fn standing(
    store: &dyn Store,
    inforce: &InForce,
    now: Timestamp,
) -> Result<Option<(HealthReport, Vec<ConsequenceEntry>)>, AppError> {
    let Ok(schedule) = &inforce.schedule else {
        return Ok(None);
    };
    let log = store.consequence_log(&inforce.id).await?;
    let occurrences = schedule.between(schedule.from(), now);
    let past: Vec<Past<'_>> = occurrences
        .iter()
        .map(|occ| {
            let entry = inforce.entry(occ.at());
            let mut p = Past::new(occ, inforce.status(occ, now), entry.map(|e| &e.record));
            p.recorded_by = entry.and_then(|e| inforce.party_of(&e.recorded_by).cloned());
            p
        })
        .collect();
    // Responses fired under this version, one party id per response.
    let fired: Vec<PartyId> = log
        .iter()
        .filter(|e| e.kind == ConsequenceKind::Ladder && e.occurrence >= schedule.from())
        .filter_map(|e| PartyId::parse(e.party.as_deref()?).ok())
        .collect();
    let next = Some(schedule.next_after(now).at());
    let report = health(
        &inforce.agreement,
        &past,
        next,
        &fired,
        today(&inforce.agreement, now),
        now,
    );
    Ok(Some((report, log)))
}
