//! The dates around the check-ins (milestones, goal due dates, the
//! recalibration date), agreed pauses, and the reminders that a schedule
//! implies: when each goes out and to whom.
//!
//! Reminder policy, in one place so that the worker, the calendar feed and
//! the tests agree:
//!
//! - preparation: 24 hours before a check-in (or half the time since the
//!   one before, when check-ins are closer than two days);
//! - the check-in itself: one hour before;
//! - a boundary with `remind`: at its local time on its days;
//! - a milestone or goal due date: 09:00 local on the day;
//! - the recalibration date: 09:00 local a week before and on the day.
//!
//! Nothing is reminded on a day inside an agreed pause, except the
//! recalibration date, which a pause does not move.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::{Schedule, jiff_weekday};
use crate::model::{Agreement, Number, PartyId, ReminderDays, Weekday};

/// An agreed pause: no check-ins are due and no misses accrue from its
/// first to its last day (inclusive, in the agreement's zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// The first day of the pause.
    pub first: Date,
    /// The last day of the pause.
    pub last: Date,
}

impl Pause {
    /// Whether the pause covers `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }

    /// What is left of the pause once it is withdrawn on `day`: nothing if
    /// it had not begun; if it was under way, its days until the day
    /// before, so the check-ins it already covered stay paused instead of
    /// turning into misses after the fact; all of it if it was over.
    pub fn withdrawn_on(self, day: Date) -> Option<Self> {
        if day <= self.first {
            return None;
        }
        let before = day.yesterday().ok()?;
        Some(Self {
            first: self.first,
            last: self.last.min(before),
        })
    }
}

/// What a dated event is about.
#[derive(Debug, Clone, PartialEq)]
pub enum DatedKind {
    /// A milestone of a goal: the value expected by then.
    Milestone {
        /// Whose goal.
        party: PartyId,
        /// The goal's position in the agreement.
        goal: usize,
        /// The value expected.
        value: Number,
    },
    /// A goal's due date.
    GoalDue {
        /// Whose goal.
        party: PartyId,
        /// The goal's position in the agreement.
        goal: usize,
    },
    /// The recalibration date.
    Recalibration,
}

/// A whole-day event of the agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedEvent {
    /// The day, in the agreement's zone.
    pub date: Date,
    /// What it is.
    pub kind: DatedKind,
    /// A one-line summary for calendars and lists.
    pub summary: String,
}

/// The agreement's milestones, goal due dates and recalibration date, by
/// date.
pub fn dated_events(agreement: &Agreement) -> Vec<DatedEvent> {
    let mut out = Vec::new();
    for (i, goal) in agreement.goals.iter().enumerate() {
        let who = agreement
            .party(&goal.party)
            .map_or(goal.party.as_str(), |p| p.short_name());
        let unit = goal.unit.as_deref().unwrap_or("");
        for m in &goal.milestones {
            out.push(DatedEvent {
                date: m.date.get(),
                kind: DatedKind::Milestone {
                    party: goal.party.clone(),
                    goal: i,
                    value: m.value,
                },
                summary: format!(
                    "Milestone for {who}: {} {unit} towards \"{}\"",
                    m.value, goal.outcome
                )
                .replace("  ", " "),
            });
        }
        if let Some(due) = goal.due {
            out.push(DatedEvent {
                date: due.get(),
                kind: DatedKind::GoalDue {
                    party: goal.party.clone(),
                    goal: i,
                },
                summary: format!("Due for {who}: \"{}\"", goal.outcome),
            });
        }
    }
    if let Some(date) = agreement.recalibration.as_ref().and_then(|r| r.date) {
        out.push(DatedEvent {
            date: date.get(),
            kind: DatedKind::Recalibration,
            summary: "Recalibration: look at the agreement together".into(),
        });
    }
    out.sort_by_key(|e| e.date);
    out
}

/// What a reminder is for.
#[derive(Debug, Clone, PartialEq)]
pub enum ReminderKind {
    /// Prepare for the check-in at `occurrence`.
    Preparation,
    /// The check-in at `occurrence` is about to start.
    Checkin,
    /// A boundary to hold today.
    Boundary {
        /// The boundary's position in the agreement.
        boundary: usize,
    },
    /// A dated event (milestone, due date, recalibration) is today, or (for
    /// the recalibration) a week away.
    Dated(DatedEvent),
}

impl ReminderKind {
    /// A stable word for the kind, used in keys, logs and webhooks.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Preparation => "preparation",
            Self::Checkin => "checkin",
            Self::Boundary { .. } => "boundary",
            Self::Dated(e) => match e.kind {
                DatedKind::Milestone { .. } => "milestone",
                DatedKind::GoalDue { .. } => "goal-due",
                DatedKind::Recalibration => "recalibration",
            },
        }
    }
}

/// A reminder that falls due at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// When it goes out.
    pub at: Timestamp,
    /// What it is for.
    pub kind: ReminderKind,
    /// The one party it is for; `None` for both partners.
    pub party: Option<PartyId>,
    /// The check-in it is about, for preparation and check-in reminders.
    pub occurrence: Option<Timestamp>,
    /// A key unique among the reminders of one agreement version, so that
    /// planning twice sends once.
    pub key: String,
}

/// Hour of the morning reminders for dated events.
const MORNING: Time = Time::constant(9, 0, 0, 0);

impl Schedule {
    /// Whether the check-in at `start` falls in one of `pauses`.
    pub fn paused(&self, start: Timestamp, pauses: &[Pause]) -> bool {
        let day = self.date_of(start);
        pauses.iter().any(|p| p.covers(day))
    }

    /// Every reminder due in `[start, end)`, in time order.
    pub fn reminders(
        &self,
        agreement: &Agreement,
        pauses: &[Pause],
        start: Timestamp,
        end: Timestamp,
    ) -> Vec<Reminder> {
        let in_window = |t: Timestamp| start <= t && t < end && t >= self.from;
        let paused_day = |d: Date| pauses.iter().any(|p| p.covers(d));
        let mut out = Vec::new();

        // Check-ins up to a day after the window have their preparation
        // reminder inside it.
        let horizon = end
            .checked_add(SignedDuration::from_hours(25))
            .unwrap_or(end);
        let mut previous = self.last_before(start).map(|o| o.at());
        for occ in self.between(
            start
                .checked_sub(SignedDuration::from_hours(2))
                .unwrap_or(start),
            horizon,
        ) {
            let at = occ.at();
            if !self.paused(at, pauses) {
                let day = SignedDuration::from_hours(24);
                let lead = previous
                    .map(|p| at.duration_since(p) / 2)
                    .map_or(day, |half| half.min(day));
                for (kind, when) in [
                    (ReminderKind::Preparation, at.checked_sub(lead).ok()),
                    (
                        ReminderKind::Checkin,
                        at.checked_sub(SignedDuration::from_hours(1)).ok(),
                    ),
                ] {
                    if let Some(when) = when.filter(|w| in_window(*w)) {
                        out.push(Reminder {
                            at: when,
                            key: format!("{}:{}", kind.as_str(), at.as_millisecond()),
                            kind,
                            party: None,
                            occurrence: Some(at),
                        });
                    }
                }
            }
            previous = Some(at);
        }

        let first_day = self
            .date_of(start)
            .checked_sub(1.day())
            .unwrap_or(self.date_of(start));
        let last_day = self
            .date_of(end)
            .checked_add(1.day())
            .unwrap_or(self.date_of(end));
        for (i, boundary) in agreement.boundaries.iter().enumerate() {
            let Some(remind) = &boundary.remind else {
                continue;
            };
            let time = Time::new(
                i8::try_from(remind.time.hour()).unwrap_or(0),
                i8::try_from(remind.time.minute()).unwrap_or(0),
                0,
                0,
            )
            .unwrap_or(MORNING);
            let mut day = first_day;
            while day <= last_day {
                if remind_on(&remind.days, day) && !paused_day(day) {
                    let at = self.local(day, time).timestamp();
                    if in_window(at) {
                        out.push(Reminder {
                            at,
                            kind: ReminderKind::Boundary { boundary: i },
                            party: Some(boundary.party.clone()),
                            occurrence: None,
                            key: format!("boundary:{i}:{day}"),
                        });
                    }
                }
                let Ok(next) = day.checked_add(1.day()) else {
                    break;
                };
                day = next;
            }
        }

        for event in dated_events(agreement) {
            let leads: &[i64] = match event.kind {
                DatedKind::Recalibration => &[7, 0],
                _ => &[0],
            };
            let recalibration = matches!(event.kind, DatedKind::Recalibration);
            for &days_before in leads {
                let Ok(day) = event.date.checked_sub(days_before.days()) else {
                    continue;
                };
                if paused_day(day) && !recalibration {
                    continue;
                }
                let at = self.local(day, MORNING).timestamp();
                if in_window(at) {
                    let party = match &event.kind {
                        DatedKind::Milestone { party, .. } | DatedKind::GoalDue { party, .. } => {
                            Some(party.clone())
                        }
                        DatedKind::Recalibration => None,
                    };
                    let kind = ReminderKind::Dated(event.clone());
                    out.push(Reminder {
                        at,
                        key: format!("{}:{}:{days_before}", kind.as_str(), event.date)
                            + &match &event.kind {
                                DatedKind::Milestone { goal, .. }
                                | DatedKind::GoalDue { goal, .. } => {
                                    format!(":{goal}")
                                }
                                DatedKind::Recalibration => String::new(),
                            },
                        kind,
                        party,
                        occurrence: None,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
        out
    }
}

/// Whether a boundary reminder with these days fires on `day`.
fn remind_on(days: &ReminderDays, day: Date) -> bool {
    let offset = day.weekday().to_monday_zero_offset();
    match days {
        ReminderDays::Daily => true,
        ReminderDays::Weekdays => offset < 5,
        ReminderDays::Weekends => offset >= 5,
        ReminderDays::Days(list) => list
            .iter()
            .any(|d: &Weekday| jiff_weekday(*d) == day.weekday()),
    }
}
