//! The dates ahead, for the dashboard: the next check-in, the next few
//! milestones and due dates, and the recalibration.
//!
//! A short list is what helps: the next check-in and what falls due soon.
//! The recalibration date is always on it (while it is ahead), however far
//! away, because it is the date agreements most often let pass.

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{Agreement, Date, PartyId};
use crate::schedule::{DatedKind, dated_events};

use super::zone;

/// How many milestones and due dates the list shows at most.
pub const DATED_AHEAD: usize = 4;

/// What a date ahead is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpcomingKind {
    /// The next check-in.
    Checkin,
    /// A milestone of a goal.
    Milestone,
    /// A goal's due date.
    GoalDue,
    /// The recalibration.
    Recalibration,
}

/// A date ahead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpcomingDate {
    /// What it is.
    pub kind: UpcomingKind,
    /// The day, in the agreement's zone.
    pub date: Date,
    /// The moment, for the check-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    /// Whose milestone or due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyId>,
    /// The goal's position in the agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<usize>,
    /// A one-line summary.
    pub summary: String,
}

/// The dates from `today` on: the next check-in (when `next` is given),
/// up to [`DATED_AHEAD`] milestones and due dates, and the recalibration.
pub fn upcoming(agreement: &Agreement, next: Option<Timestamp>, today: Date) -> Vec<UpcomingDate> {
    let mut out = Vec::new();
    if let Some(at) = next {
        out.push(UpcomingDate {
            kind: UpcomingKind::Checkin,
            date: Date::new(at.to_zoned(zone(agreement)).date()),
            at: Some(at),
            party: None,
            goal: None,
            summary: "Next check-in".into(),
        });
    }
    let mut dated = 0;
    for event in dated_events(agreement) {
        if event.date < today.get() {
            continue;
        }
        let (kind, party, goal) = match event.kind {
            DatedKind::Milestone { party, goal, .. } => {
                (UpcomingKind::Milestone, Some(party), Some(goal))
            }
            DatedKind::GoalDue { party, goal } => (UpcomingKind::GoalDue, Some(party), Some(goal)),
            DatedKind::Recalibration => (UpcomingKind::Recalibration, None, None),
        };
        if kind != UpcomingKind::Recalibration {
            if dated == DATED_AHEAD {
                continue;
            }
            dated += 1;
        }
        out.push(UpcomingDate {
            kind,
            date: Date::new(event.date),
            at: None,
            party,
            goal,
            summary: event.summary,
        });
    }
    // Stable: the check-in stays before a dated event of the same day.
    out.sort_by_key(|u| u.date);
    out
}
