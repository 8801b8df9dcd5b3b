//! The consequence ladder: consecutive misses per party, and which agreed
//! response applies.
//!
//! A party misses at a check-in when at least one commitment reviewed for
//! them was missed. A check-in where they reviewed commitments and missed
//! none ends the run; one where nothing was due for review leaves it as it
//! was. After *n* consecutive misses the step that applies is the highest
//! with `after_misses ≤ n`, so a miss beyond the last step keeps the last
//! step rather than falling off the ladder. The step fires on every miss
//! from its threshold on: the agreed response is due each time.

use crate::model::{Agreement, Consequence, PartyId};

use super::CheckinRecord;

/// A step of the ladder that fired for a party at a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// Whose miss.
    pub party: PartyId,
    /// Consecutive misses, this one included.
    pub misses: u32,
    /// The threshold of the step that applies.
    pub after_misses: u32,
    /// The agreed response.
    pub response: String,
}

/// The step that applies after `misses` consecutive misses, if any.
pub fn step(ladder: &[Consequence], misses: u32) -> Option<&Consequence> {
    ladder
        .iter()
        .filter(|c| c.after_misses.get() <= misses)
        .max_by_key(|c| c.after_misses.get())
}

/// The party's consecutive misses at the end of `records` (oldest first).
pub fn consecutive_misses<'a>(
    records: impl DoubleEndedIterator<Item = &'a CheckinRecord>,
    party: &PartyId,
) -> u32 {
    let mut run = 0;
    for record in records.rev() {
        match record.report(party) {
            Some(r) if r.missed() => run += 1,
            Some(r) if !r.reviewed.is_empty() => break,
            _ => {}
        }
    }
    run
}

/// The steps that fire when `record` follows `history` (oldest first): one
/// per party that missed and has a step at its number of misses.
pub fn evaluate(
    agreement: &Agreement,
    history: &[CheckinRecord],
    record: &CheckinRecord,
) -> Vec<Fired> {
    let mut fired = Vec::new();
    for party in &agreement.parties {
        let Some(report) = record.report(&party.id) else {
            continue;
        };
        if !report.missed() {
            continue;
        }
        let misses = consecutive_misses(history.iter().chain(std::iter::once(record)), &party.id);
        if let Some(step) = step(&agreement.consequences, misses) {
            fired.push(Fired {
                party: party.id.clone(),
                misses,
                after_misses: step.after_misses.get(),
                response: step.response.clone(),
            });
        }
    }
    fired
}
