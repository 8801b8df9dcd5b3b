//! Where a check-in stands at a moment: upcoming, open for recording,
//! recorded, missed, or off because of an agreed pause.
//!
//! A check-in can be recorded from [`OPENS_BEFORE`] its start until its
//! grace window closes: [`GRACE`] after the start, or the next check-in's
//! start if that comes sooner, so two check-ins are never open at once.
//! One with no record when its window closes was missed.

use jiff::{SignedDuration, Timestamp};

use crate::schedule::{Occurrence, Pause, Schedule};

/// How long after its start a check-in can still be recorded.
pub const GRACE: SignedDuration = SignedDuration::from_hours(48);
/// How long before its start a check-in can be recorded.
pub const OPENS_BEFORE: SignedDuration = SignedDuration::from_hours(1);

/// Where a check-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not open yet.
    Upcoming,
    /// Can be recorded now.
    Open,
    /// Recorded.
    Recorded,
    /// Not recorded within its grace window.
    Missed,
    /// Inside an agreed pause: not due.
    Paused,
}

impl Status {
    /// A word for pages and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Open => "open",
            Self::Recorded => "recorded",
            Self::Missed => "missed",
            Self::Paused => "paused",
        }
    }
}

/// When the grace window of `occ` closes.
pub fn grace_end(schedule: &Schedule, occ: &Occurrence) -> Timestamp {
    let start = occ.at();
    let by_grace = start.checked_add(GRACE).unwrap_or(start);
    let next = schedule.nth(occ.number.saturating_add(1)).at();
    by_grace.min(next)
}

/// Where `occ` stands at `now`.
pub fn status(
    schedule: &Schedule,
    occ: &Occurrence,
    recorded: bool,
    pauses: &[Pause],
    now: Timestamp,
) -> Status {
    if recorded {
        Status::Recorded
    } else if schedule.paused(occ.at(), pauses) {
        Status::Paused
    } else if now >= grace_end(schedule, occ) {
        Status::Missed
    } else if now >= occ.at().checked_sub(OPENS_BEFORE).unwrap_or(occ.at()) {
        Status::Open
    } else {
        Status::Upcoming
    }
}
