//! What the dashboard shows about one agreement version: kept rates and
//! streaks, boundaries held, well-being and indicator series, the balance
//! between the partners, and the dates ahead.
//!
//! Partners keep an agreement going when they can see where they stand
//! without adding anything up themselves. Everything here is computed from
//! the agreement and the check-ins of one version, oldest first, each with
//! its [`Status`]; the caller builds them from the schedule and the stored
//! records (see [`Past::new`]). Nothing reads the clock: `now` is given.
//!
//! Only the structured parts of a record are read (outcomes, indicator
//! values, slips, scores): no free text of a record is copied into the
//! metrics, and notes are not an input at all, so nothing private can
//! reach a dashboard or a coach.
//!
//! Conventions, in one place:
//!
//! - a commitment kept counts 1, partly kept ½, missed 0; the kept rate is
//!   their mean over every commitment reviewed, `None` when none was;
//! - a streak counts recorded check-ins in a row in which the party kept
//!   everything reviewed. A recorded check-in with nothing to review for
//!   the party neither breaks nor extends it; a check-in that was missed
//!   (nobody recorded it) breaks it; paused, open and upcoming ones are
//!   skipped;
//! - shares are fractions of the two partners' total, `None` when the total
//!   is zero.

mod upcoming;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::checkin::{CheckinRecord, Outcome, PartyReport, Status};
use crate::model::{Agreement, Date, Milestone, Number, PartyId, WellbeingIndicator};
use crate::schedule::Occurrence;

pub use upcoming::{UpcomingDate, UpcomingKind, upcoming};

/// One check-in of the version, as the metrics and signals read it.
///
/// Entries are given oldest first. The status is authoritative: the record
/// is read only when the status is [`Status::Recorded`].
#[derive(Debug, Clone, PartialEq)]
pub struct Past<'a> {
    /// When the check-in was scheduled to start.
    pub at: Timestamp,
    /// Where it stands now.
    pub status: Status,
    /// Who was to facilitate it by the agreement's rota, if anyone.
    pub facilitator: Option<PartyId>,
    /// Who recorded it, when it was recorded and the recorder is a party.
    pub recorded_by: Option<PartyId>,
    /// Who prepared for it; `None` when the caller does not know.
    pub prepared_by: Option<Vec<PartyId>>,
    /// The record, when it was recorded.
    pub record: Option<&'a CheckinRecord>,
}

impl<'a> Past<'a> {
    /// An entry for a scheduled occurrence, with its facilitator from the
    /// rota; `recorded_by` and `prepared_by` start unknown.
    pub fn new(occurrence: &Occurrence, status: Status, record: Option<&'a CheckinRecord>) -> Self {
        Self {
            at: occurrence.at(),
            status,
            facilitator: occurrence.facilitator.clone(),
            recorded_by: None,
            prepared_by: None,
            record,
        }
    }

    /// Whether the check-in was recorded.
    pub fn is_recorded(&self) -> bool {
        self.status == Status::Recorded
    }

    /// The report of `party`, when the check-in was recorded with one.
    pub fn report(&self, party: &PartyId) -> Option<&'a PartyReport> {
        if self.is_recorded() {
            self.record.and_then(|r| r.report(party))
        } else {
            None
        }
    }
}

/// A value at a check-in, for charts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point<T> {
    /// When the check-in was.
    pub at: Timestamp,
    /// The value given there.
    pub value: T,
}

/// How often one boundary held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryHeld {
    /// The boundary's position in the agreement.
    pub boundary: usize,
    /// The rule, as the agreement words it.
    pub rule: String,
    /// Recorded check-ins with a report from its party.
    pub checkins: u32,
    /// How many of those reported a slip of it.
    pub slipped: u32,
    /// The share of those check-ins without a slip; `None` before the first.
    pub held_rate: Option<f64>,
}

/// The scores of one tracked well-being indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WellbeingSeries {
    /// Which indicator.
    pub indicator: WellbeingIndicator,
    /// Whether a high score is the worrying end (stress) rather than a low
    /// one (sleep, energy, mood).
    pub high_is_bad: bool,
    /// The scores, oldest first.
    pub points: Vec<Point<u8>>,
}

/// The indicator values of one goal, with what they are measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalSeries {
    /// The goal's position in the agreement.
    pub goal: usize,
    /// The outcome, as the agreement words it.
    pub outcome: String,
    /// What is counted, if the goal says.
    pub indicator: Option<String>,
    /// The unit of the indicator.
    pub unit: Option<String>,
    /// Where the indicator stood at the start.
    pub baseline: Option<Number>,
    /// Where it should stand by the due date.
    pub target: Option<Number>,
    /// The due date.
    pub due: Option<Date>,
    /// The agreed intermediate values.
    pub milestones: Vec<Milestone>,
    /// The values reported, oldest first.
    pub points: Vec<Point<Number>>,
}

/// What the dashboard shows about one party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyMetrics {
    /// Whose.
    pub party: PartyId,
    /// The party's name.
    pub name: String,
    /// Commitments kept.
    pub kept: u32,
    /// Commitments partly kept.
    pub partly_kept: u32,
    /// Commitments missed.
    pub missed: u32,
    /// Kept 1, partly ½, missed 0, over all reviewed; `None` before any.
    pub kept_rate: Option<f64>,
    /// Recorded check-ins in a row, up to the newest, with everything kept.
    pub streak: u32,
    /// The longest such run in the version.
    pub longest_streak: u32,
    /// Each of the party's boundaries.
    pub boundaries: Vec<BoundaryHeld>,
    /// Each tracked well-being indicator.
    pub wellbeing: Vec<WellbeingSeries>,
    /// Each of the party's goals.
    pub goals: Vec<GoalSeries>,
    /// Recorded check-ins the rota gave this party to facilitate.
    pub facilitated: u32,
    /// Check-ins this party recorded.
    pub recorded: u32,
    /// Check-ins this party prepared for, where that is known.
    pub prepared: u32,
}

/// One party's side of the balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// Whose.
    pub party: PartyId,
    /// Recorded check-ins the rota gave this party to facilitate.
    pub facilitated: u32,
    /// Their share of all facilitated check-ins.
    pub facilitated_share: Option<f64>,
    /// Check-ins this party recorded.
    pub recorded: u32,
    /// Their share of all recorded check-ins.
    pub recorded_share: Option<f64>,
    /// Commitments of this party reviewed.
    pub reviewed: u32,
    /// Their share of all commitments reviewed: whose goals got the time.
    pub reviewed_share: Option<f64>,
    /// Indicator values this party reported.
    pub indicator_values: u32,
    /// Their share of all indicator values reported.
    pub indicator_share: Option<f64>,
    /// The party's kept rate, for comparing side by side.
    pub kept_rate: Option<f64>,
}

/// The balance between the partners.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    /// One entry per party, in agreement order.
    pub parties: Vec<Share>,
}

/// Check-ins by how they went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Recorded.
    pub held: u32,
    /// Not recorded in time.
    pub missed: u32,
    /// Inside an agreed pause.
    pub paused: u32,
    /// Open for recording now.
    pub open: u32,
}

/// Everything the dashboard shows for one agreement version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Per party, in agreement order.
    pub parties: Vec<PartyMetrics>,
    /// Who carries what.
    pub balance: Balance,
    /// Check-ins by status.
    pub totals: Totals,
    /// The next check-in, milestones, due dates and the recalibration.
    pub upcoming: Vec<UpcomingDate>,
}

impl Metrics {
    /// The metrics of one party.
    pub fn party(&self, id: &PartyId) -> Option<&PartyMetrics> {
        self.parties.iter().find(|p| &p.party == id)
    }
}

/// Whether a high score is the worrying end of an indicator: only for
/// stress. For sleep, energy and mood a low score is the worrying one.
pub fn high_is_bad(indicator: WellbeingIndicator) -> bool {
    indicator == WellbeingIndicator::Stress
}

/// The metrics of one version. `past` holds its check-ins oldest first;
/// `next` is when the next check-in starts, if one is scheduled.
pub fn metrics(
    agreement: &Agreement,
    past: &[Past<'_>],
    next: Option<Timestamp>,
    now: Timestamp,
) -> Metrics {
    let parties: Vec<PartyMetrics> = agreement
        .parties
        .iter()
        .map(|p| party_metrics(agreement, past, &p.id))
        .collect();
    let mut totals = Totals::default();
    for p in past {
        match p.status {
            Status::Recorded => totals.held += 1,
            Status::Missed => totals.missed += 1,
            Status::Paused => totals.paused += 1,
            Status::Open => totals.open += 1,
            Status::Upcoming => {}
        }
    }
    let today = Date::new(now.to_zoned(zone(agreement)).date());
    Metrics {
        balance: balance(&parties),
        parties,
        totals,
        upcoming: upcoming(agreement, next, today),
    }
}

fn party_metrics(agreement: &Agreement, past: &[Past<'_>], id: &PartyId) -> PartyMetrics {
    let reports: Vec<(Timestamp, &PartyReport)> = past
        .iter()
        .filter_map(|p| p.report(id).map(|r| (p.at, r)))
        .collect();
    let count = |o: Outcome| {
        count_u32(
            reports
                .iter()
                .flat_map(|(_, r)| &r.reviewed)
                .filter(|x| x.outcome == o),
        )
    };
    let (kept, partly_kept, missed) = (
        count(Outcome::Kept),
        count(Outcome::PartlyKept),
        count(Outcome::Missed),
    );
    let (streak, longest_streak) = streaks(past, id);
    let boundaries = agreement
        .boundaries
        .iter()
        .enumerate()
        .filter(|(_, b)| &b.party == id)
        .map(|(i, b)| {
            let checkins = count_u32(reports.iter());
            let slipped = count_u32(
                reports
                    .iter()
                    .filter(|(_, r)| r.slips.iter().any(|s| s.boundary == i)),
            );
            BoundaryHeld {
                boundary: i,
                rule: b.rule.clone(),
                checkins,
                slipped,
                held_rate: ratio(f64::from(checkins - slipped), f64::from(checkins)),
            }
        })
        .collect();
    let tracked = agreement.wellbeing.as_ref().map_or(&[][..], |w| &w.track);
    let wellbeing = tracked
        .iter()
        .map(|&indicator| WellbeingSeries {
            indicator,
            high_is_bad: high_is_bad(indicator),
            points: reports
                .iter()
                .filter_map(|(at, r)| r.score(indicator).map(|value| Point { at: *at, value }))
                .collect(),
        })
        .collect();
    let goals = agreement
        .goals
        .iter()
        .enumerate()
        .filter(|(_, g)| &g.party == id)
        .map(|(i, g)| GoalSeries {
            goal: i,
            outcome: g.outcome.clone(),
            indicator: g.indicator.clone(),
            unit: g.unit.clone(),
            baseline: g.baseline,
            target: g.target,
            due: g.due,
            milestones: g.milestones.clone(),
            points: reports
                .iter()
                .filter_map(|(at, r)| {
                    r.indicators.iter().find(|v| v.goal == i).map(|v| Point {
                        at: *at,
                        value: v.value,
                    })
                })
                .collect(),
        })
        .collect();
    let recorded_here = past.iter().filter(|p| p.is_recorded());
    PartyMetrics {
        party: id.clone(),
        name: agreement.name_of(id).to_owned(),
        kept,
        partly_kept,
        missed,
        kept_rate: kept_rate(kept, partly_kept, missed),
        streak,
        longest_streak,
        boundaries,
        wellbeing,
        goals,
        facilitated: count_u32(
            recorded_here
                .clone()
                .filter(|p| p.facilitator.as_ref() == Some(id)),
        ),
        recorded: count_u32(recorded_here.filter(|p| p.recorded_by.as_ref() == Some(id))),
        prepared: count_u32(past.iter().filter(|p| {
            p.status != Status::Paused && p.prepared_by.as_ref().is_some_and(|by| by.contains(id))
        })),
    }
}

fn balance(parties: &[PartyMetrics]) -> Balance {
    let reviewed = |p: &PartyMetrics| p.kept + p.partly_kept + p.missed;
    let values = |p: &PartyMetrics| count_u32(p.goals.iter().flat_map(|g| &g.points));
    let total = |f: &dyn Fn(&PartyMetrics) -> u32| f64::from(parties.iter().map(f).sum::<u32>());
    let facilitated_total = total(&|p| p.facilitated);
    let recorded_total = total(&|p| p.recorded);
    let reviewed_total = total(&reviewed);
    let values_total = total(&values);
    Balance {
        parties: parties
            .iter()
            .map(|p| Share {
                party: p.party.clone(),
                facilitated: p.facilitated,
                facilitated_share: ratio(f64::from(p.facilitated), facilitated_total),
                recorded: p.recorded,
                recorded_share: ratio(f64::from(p.recorded), recorded_total),
                reviewed: reviewed(p),
                reviewed_share: ratio(f64::from(reviewed(p)), reviewed_total),
                indicator_values: values(p),
                indicator_share: ratio(f64::from(values(p)), values_total),
                kept_rate: p.kept_rate,
            })
            .collect(),
    }
}

/// How one check-in moves a party's streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Extend,
    Break,
    Leave,
}

fn step(p: &Past<'_>, id: &PartyId) -> Step {
    match p.status {
        Status::Missed => Step::Break,
        Status::Recorded => match p.report(id) {
            Some(r) if r.reviewed.is_empty() => Step::Leave,
            Some(r) if r.reviewed.iter().all(|x| x.outcome == Outcome::Kept) => Step::Extend,
            Some(_) => Step::Break,
            None => Step::Leave,
        },
        Status::Paused | Status::Open | Status::Upcoming => Step::Leave,
    }
}

/// The current and the longest streak of `id` over `past` (oldest first).
pub fn streaks(past: &[Past<'_>], id: &PartyId) -> (u32, u32) {
    let (mut run, mut longest) = (0u32, 0u32);
    for p in past {
        match step(p, id) {
            Step::Extend => {
                run += 1;
                longest = longest.max(run);
            }
            Step::Break => run = 0,
            Step::Leave => {}
        }
    }
    (run, longest)
}

/// Kept 1, partly ½, missed 0, averaged; `None` when nothing was reviewed.
pub fn kept_rate(kept: u32, partly_kept: u32, missed: u32) -> Option<f64> {
    let total = f64::from(kept) + f64::from(partly_kept) + f64::from(missed);
    ratio(f64::from(kept) + 0.5 * f64::from(partly_kept), total)
}

/// `part / whole`, `None` when the whole is zero.
pub(crate) fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

/// How many items, saturating (a version never has 4 billion check-ins).
pub(crate) fn count_u32<I: Iterator>(items: I) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// The agreement's zone, UTC when it names none.
pub(crate) fn zone(agreement: &Agreement) -> TimeZone {
    agreement
        .timezone
        .as_ref()
        .and_then(|z| jiff::tz::db().get(z.as_str()).ok())
        .unwrap_or(TimeZone::UTC)
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
