//! A partnership and its check-ins for the tests of metrics, signals and
//! the health report: Maya and Jonas, weekly on Tuesdays at 08:00 in
//! Berlin, rotating facilitation, stress and sleep tracked.

use jiff::Timestamp;

use crate::checkin::{CheckinRecord, Outcome, PartyReport, Reviewed, Score, Status};
use crate::model::{Agreement, PartyId, WellbeingIndicator};
use crate::parse_toml;
use crate::schedule::Schedule;

use super::Past;

/// The obstacle every missed or partly kept commitment gets: private-ish
/// text that must never reach metrics or signals.
pub(crate) const OBSTACLE: &str = "my sister's divorce hearing";

/// The agreement, with these recalibration triggers.
pub(crate) fn agreement(triggers: &[&str]) -> Agreement {
    let triggers: Vec<String> = triggers.iter().map(|t| format!("{t:?}")).collect();
    let text = format!(
        r#"
format = 1
title = "Maya and Jonas"
timezone = "Europe/Berlin"
drafted = 2027-02-20

[[party]]
id = "maya"
name = "Maya Chen"

[[party]]
id = "jonas"
name = "Jonas Weber"

[[goal]]
party = "maya"
outcome = "Publish the plan"
indicator = "sections approved"
unit = "sections"
baseline = 0
target = 6
due = 2027-06-01
milestones = [{{ date = 2027-04-15, value = 3 }}]

[[goal]]
party = "jonas"
outcome = "Run twice a week"
indicator = "runs"
unit = "runs"
target = 8

[[boundary]]
party = "jonas"
rule = "No e-mail after seven"

[[boundary]]
party = "maya"
rule = "No meetings before ten"

[cadence]
interval_weeks = 1
weekdays = ["tuesday"]
time = "08:00"
facilitation = "rotating"
missed_checkin = "We reschedule within 48 hours."

[agenda]
items = ["Commitments since last time", "What got in the way", "Next commitments"]

[[consequence]]
after_misses = 1
response = "Ask what got in the way."
[[consequence]]
after_misses = 3
response = "We renegotiate the goal at the next check-in."

[recalibration]
date = 2027-05-11
calendared = true
triggers = [{}]
if_one_struggles = "The one who struggles keeps one goal for a month."

[wellbeing]
track = ["stress", "sleep"]
"#,
        triggers.join(", ")
    );
    parse_toml(&text).expect("valid agreement")
}

/// A party id.
pub(crate) fn id(s: &str) -> PartyId {
    PartyId::parse(s).expect("party id")
}

/// A report with these outcomes, stress 2 and sleep 4.
pub(crate) fn report(party: &str, outcomes: &[Outcome]) -> PartyReport {
    PartyReport {
        party: id(party),
        reviewed: outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| Reviewed {
                commitment: format!("Commitment {i}"),
                outcome: *o,
                obstacle: (*o != Outcome::Kept).then(|| OBSTACLE.into()),
            })
            .collect(),
        indicators: vec![],
        slips: vec![],
        wellbeing: vec![
            Score {
                indicator: WellbeingIndicator::Stress,
                score: 2,
            },
            Score {
                indicator: WellbeingIndicator::Sleep,
                score: 4,
            },
        ],
        win: "A win".into(),
        next_commitments: vec!["Commitment 0".into()],
        next_step: "A step".into(),
    }
}

/// A record with these outcomes for Maya and Jonas.
pub(crate) fn record(maya: &[Outcome], jonas: &[Outcome]) -> CheckinRecord {
    CheckinRecord {
        reports: vec![report("maya", maya), report("jonas", jonas)],
    }
}

/// Both kept their one commitment.
pub(crate) fn kept() -> CheckinRecord {
    record(&[Outcome::Kept], &[Outcome::Kept])
}

/// Sets a party's score for an indicator.
pub(crate) fn score(
    mut r: CheckinRecord,
    party: &str,
    indicator: WellbeingIndicator,
    value: u8,
) -> CheckinRecord {
    for report in r.reports.iter_mut().filter(|p| p.party.as_str() == party) {
        for s in report
            .wellbeing
            .iter_mut()
            .filter(|s| s.indicator == indicator)
        {
            s.score = value;
        }
    }
    r
}

/// One check-in of a test timeline.
#[derive(Debug, Clone)]
pub(crate) enum E {
    /// Recorded with this record.
    Rec(CheckinRecord),
    /// Nobody recorded it.
    Missed,
    /// Inside a pause.
    Paused,
}

/// The schedule of the fixture, in force from Monday 1 March 2027: the
/// first check-in is Tuesday 2 March, facilitated by Maya.
pub(crate) fn schedule(a: &Agreement) -> Schedule {
    Schedule::new(a, ts("2027-03-01T00:00:00Z")).expect("scheduled")
}

/// A timestamp.
pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// The entries as weekly check-ins from 2 March 2027, each recorded by its
/// facilitator on the rota, with nobody's preparation known.
pub(crate) fn timeline<'a>(a: &Agreement, entries: &'a [E]) -> Vec<Past<'a>> {
    let s = schedule(a);
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let occ = s.nth(u32::try_from(i).expect("small"));
            let (status, record) = match e {
                E::Rec(r) => (Status::Recorded, Some(r)),
                E::Missed => (Status::Missed, None),
                E::Paused => (Status::Paused, None),
            };
            let mut p = Past::new(&occ, status, record);
            if record.is_some() {
                p.recorded_by = p.facilitator.clone();
            }
            p
        })
        .collect()
}
