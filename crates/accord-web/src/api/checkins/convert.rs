//! Conversions between the API's JSON shapes ([`super::types`]) and the
//! engine's and the store's types: a record sent is read into
//! `accord_core::checkin::CheckinRecord` (a party id or number it cannot
//! read is a problem with its field, like any other), and what is stored
//! is written back in the API's terms, with members' names.

use accord_core::checkin::{
    CheckinRecord as Record, IndicatorValue as CoreIndicator, Outcome as CoreOutcome,
    PartyReport as CoreReport, Problem, Reviewed as CoreReviewed, Score as CoreScore,
    Slip as CoreSlip,
};
use accord_core::model::{Number, PartyId, WellbeingIndicator as CoreIndicatorName};
use accord_core::schedule::Occurrence;
use accord_store::{ConsequenceEntry, Member, Note, Preparation, UserId};
use jiff::Timestamp;

use super::types::{
    BoundarySlip, CheckinRecord, ConsequenceInfo, IndicatorReading, NoteInfo, OccurrenceInfo,
    Outcome, PartyReport, PreparationInfo, ReviewedCommitment, StoredCheckin, WellbeingIndicator,
    WellbeingScore,
};
use crate::running::{Entry, InForce};

impl CheckinRecord {
    /// The engine's record, or the problems with the parts it cannot even
    /// read (a party id of the wrong shape, a number that is not finite).
    pub fn to_core(&self) -> Result<Record, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut reports = Vec::new();
        for (i, r) in self.reports.iter().enumerate() {
            let party = match PartyId::parse(r.party.trim()) {
                Ok(p) => Some(p),
                Err(message) => {
                    problems.push(Problem {
                        field: format!("reports[{i}].party"),
                        message: format!("This is not a party id: {message}."),
                    });
                    None
                }
            };
            let mut indicators = Vec::new();
            for (j, v) in r.indicators.iter().enumerate() {
                match Number::parse(v.value) {
                    Ok(value) => indicators.push(CoreIndicator {
                        goal: v.goal,
                        value,
                    }),
                    Err(message) => problems.push(Problem {
                        field: format!("reports[{i}].indicators[{j}].value"),
                        message,
                    }),
                }
            }
            let Some(party) = party else { continue };
            reports.push(CoreReport {
                party,
                reviewed: r
                    .reviewed
                    .iter()
                    .map(|c| CoreReviewed {
                        commitment: c.commitment.clone(),
                        outcome: c.outcome.into(),
                        obstacle: c.obstacle.clone(),
                    })
                    .collect(),
                indicators,
                slips: r
                    .slips
                    .iter()
                    .map(|s| CoreSlip {
                        boundary: s.boundary,
                        note: s.note.clone(),
                    })
                    .collect(),
                wellbeing: r
                    .wellbeing
                    .iter()
                    .map(|s| CoreScore {
                        indicator: s.indicator.into(),
                        score: s.score,
                    })
                    .collect(),
                win: r.win.clone(),
                next_commitments: r.next_commitments.clone(),
                next_step: r.next_step.clone(),
            });
        }
        if problems.is_empty() {
            Ok(Record { reports })
        } else {
            Err(problems)
        }
    }
}

impl From<&Record> for CheckinRecord {
    fn from(r: &Record) -> Self {
        Self {
            reports: r
                .reports
                .iter()
                .map(|r| PartyReport {
                    party: r.party.to_string(),
                    reviewed: r
                        .reviewed
                        .iter()
                        .map(|c| ReviewedCommitment {
                            commitment: c.commitment.clone(),
                            outcome: c.outcome.into(),
                            obstacle: c.obstacle.clone(),
                        })
                        .collect(),
                    indicators: r
                        .indicators
                        .iter()
                        .map(|v| IndicatorReading {
                            goal: v.goal,
                            value: v.value.get(),
                        })
                        .collect(),
                    slips: r
                        .slips
                        .iter()
                        .map(|s| BoundarySlip {
                            boundary: s.boundary,
                            note: s.note.clone(),
                        })
                        .collect(),
                    wellbeing: r
                        .wellbeing
                        .iter()
                        .map(|s| WellbeingScore {
                            indicator: s.indicator.into(),
                            score: s.score,
                        })
                        .collect(),
                    win: r.win.clone(),
                    next_commitments: r.next_commitments.clone(),
                    next_step: r.next_step.clone(),
                })
                .collect(),
        }
    }
}

impl From<Outcome> for CoreOutcome {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Kept => Self::Kept,
            Outcome::PartlyKept => Self::PartlyKept,
            Outcome::Missed => Self::Missed,
        }
    }
}

impl From<CoreOutcome> for Outcome {
    fn from(o: CoreOutcome) -> Self {
        match o {
            CoreOutcome::Kept => Self::Kept,
            CoreOutcome::PartlyKept => Self::PartlyKept,
            CoreOutcome::Missed => Self::Missed,
        }
    }
}

impl From<WellbeingIndicator> for CoreIndicatorName {
    fn from(w: WellbeingIndicator) -> Self {
        match w {
            WellbeingIndicator::Stress => Self::Stress,
            WellbeingIndicator::Sleep => Self::Sleep,
            WellbeingIndicator::Energy => Self::Energy,
            WellbeingIndicator::Mood => Self::Mood,
        }
    }
}

impl From<CoreIndicatorName> for WellbeingIndicator {
    fn from(w: CoreIndicatorName) -> Self {
        match w {
            CoreIndicatorName::Stress => Self::Stress,
            CoreIndicatorName::Sleep => Self::Sleep,
            CoreIndicatorName::Energy => Self::Energy,
            CoreIndicatorName::Mood => Self::Mood,
        }
    }
}

/// A check-in of the schedule, with where it stands at `now`.
pub(super) fn occurrence_info(
    inforce: &InForce,
    occ: &Occurrence,
    now: Timestamp,
) -> OccurrenceInfo {
    OccurrenceInfo {
        at: occ.at(),
        local: occ.start.to_string(),
        ends: occ.end.as_ref().map(jiff::Zoned::timestamp),
        number: occ.number,
        facilitator: occ.facilitator.as_ref().map(ToString::to_string),
        status: inforce.status(occ, now).into(),
    }
}

/// A member's name, or a neutral one for someone who left.
pub(super) fn name_of(members: &[Member], user: &UserId) -> String {
    members
        .iter()
        .find(|m| &m.user_id == user)
        .map_or_else(|| "A former member".to_owned(), |m| m.name.clone())
}

/// A recorded check-in, with the recorder's name (one of `members`).
pub(super) fn stored_checkin(members: &[Member], entry: &Entry) -> StoredCheckin {
    StoredCheckin {
        at: entry.occurrence,
        version: entry.version,
        recorded_by: entry.recorded_by.to_string(),
        recorded_by_name: name_of(members, &entry.recorded_by),
        recorded_at: entry.recorded_at,
        record: CheckinRecord::from(&entry.record),
    }
}

/// An entry of the consequence log.
pub(super) fn consequence_info(c: ConsequenceEntry) -> ConsequenceInfo {
    ConsequenceInfo {
        at: c.occurrence,
        kind: c.kind.as_str().to_owned(),
        party: c.party,
        misses: c.misses,
        response: c.response,
        fired_at: c.fired_at,
    }
}

/// A note, with its author's name.
pub(super) fn note_info(members: &[Member], n: Note) -> NoteInfo {
    NoteInfo {
        id: n.id.to_string(),
        author_name: name_of(members, &n.author),
        author: n.author.to_string(),
        private: n.private,
        text: n.body,
        created_at: n.created_at,
    }
}

/// A preparation, with its author's name and party.
pub(super) fn preparation_info(inforce: &InForce, p: Preparation) -> PreparationInfo {
    PreparationInfo {
        user_id: p.user.to_string(),
        name: name_of(&inforce.members, &p.user),
        party: inforce.party_of(&p.user).map(ToString::to_string),
        committed: p.committed,
        happened: p.happened,
        want: p.want,
        updated_at: p.updated_at,
    }
}
