//! The health report of a period, for the recalibration, and the draft of
//! the next version.
//!
//! A recalibration goes better when the partners start from what actually
//! happened rather than from memory: the metrics of the period, the
//! warning signs, how often the agreed responses fired, and what the coach's
//! review still finds in the agreement itself, summed up in one word with
//! a reason. The next version starts as a copy of the current one with a
//! new date; what else changes is for the partners to decide in the editor.

use jiff::Timestamp;
use serde::Serialize;

use crate::metrics::{Metrics, Past, metrics, zone};
use crate::model::{Agreement, Date, PartyId, Recalibration};
use crate::review::{Review, review};
use crate::signals::{Signal, SignalKind, Signals, signals};

/// A kept rate under this, with no warning sign, still asks for a watch.
pub const WATCH_KEPT_RATE: f64 = 0.6;
/// Days until the next recalibration when the current version gives no
/// interval to repeat: twelve weeks.
pub const DEFAULT_INTERVAL_DAYS: i64 = 84;
/// The longest interval proposed: 13 weeks, the review's limit.
pub const MAX_INTERVAL_DAYS: i64 = 91;
/// The longest interval proposed when the period was at risk: six weeks.
pub const AT_RISK_INTERVAL_DAYS: i64 = 42;
/// The shortest interval proposed: one week.
pub const MIN_INTERVAL_DAYS: i64 = 7;

/// The span of time a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The first check-in of the period (or `to`, when there was none).
    pub from: Timestamp,
    /// When the report was made.
    pub to: Timestamp,
}

/// How often the agreed consequence responses fired for one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredCount {
    /// Whose misses.
    pub party: PartyId,
    /// How many times a response fired.
    pub fired: u32,
}

/// The overall state of the partnership, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No warning signs, commitments mostly kept.
    Healthy,
    /// One warning sign, a low kept rate, serious gaps in the agreement, or
    /// too little to judge yet.
    Watch,
    /// Burnout or fading check-ins, or several warning signs at once.
    AtRisk,
}

impl Verdict {
    /// The word used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Watch => "watch",
            Self::AtRisk => "at-risk",
        }
    }

    /// The verdict as people read it: "On track", "Worth watching",
    /// "At risk".
    pub fn word(self) -> &'static str {
        match self {
            Self::Healthy => "On track",
            Self::Watch => "Worth watching",
            Self::AtRisk => "At risk",
        }
    }
}

/// Everything the partners look at when they recalibrate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// The period covered.
    pub period: Period,
    /// The dashboard of the period.
    pub metrics: Metrics,
    /// The warning signs, and which triggers Accord checked.
    pub signals: Signals,
    /// Consequence responses fired, per partner in agreement order.
    pub fired: Vec<FiredCount>,
    /// The coach's review of the version in force.
    pub review: Review,
    /// The overall word.
    pub verdict: Verdict,
    /// Why, in one line.
    pub reason: String,
}

/// The health report of a version. `past` holds its check-ins oldest
/// first, `next` the start of the next check-in if any, and `fired` the
/// party of each consequence response fired in the period.
pub fn health(
    agreement: &Agreement,
    past: &[Past<'_>],
    next: Option<Timestamp>,
    fired: &[PartyId],
    today: Date,
    now: Timestamp,
) -> HealthReport {
    let metrics = metrics(agreement, past, next, now);
    let signals = signals(agreement, past);
    let review = review(agreement, today);
    let (verdict, reason) = verdict(agreement, &metrics, &signals.signals, &review);
    HealthReport {
        period: Period {
            from: past.first().map_or(now, |p| p.at.min(now)),
            to: now,
        },
        fired: agreement
            .parties
            .iter()
            .map(|p| FiredCount {
                party: p.id.clone(),
                fired: crate::metrics::count_u32(fired.iter().filter(|f| **f == p.id)),
            })
            .collect(),
        metrics,
        signals,
        review,
        verdict,
        reason,
    }
}

/// The text with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The first sentence of a text.
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |end| &text[..=end])
}

fn verdict(
    agreement: &Agreement,
    metrics: &Metrics,
    signals: &[Signal],
    review: &Review,
) -> (Verdict, String) {
    let serious = signals.iter().any(|s| {
        matches!(
            s.kind,
            SignalKind::WellbeingFalling | SignalKind::CheckinsMissed
        )
    });
    if let Some(first) = signals.first() {
        let first = first_sentence(&first.explanation);
        return match signals.len() {
            1 if serious => (Verdict::AtRisk, first.to_owned()),
            1 => (Verdict::Watch, format!("One warning sign: {first}")),
            n => (
                Verdict::AtRisk,
                format!(
                    "{} warning signs; the most pressing: {first}",
                    capitalised(&crate::signals::count_word(n))
                ),
            ),
        };
    }
    if metrics.totals.held == 0 {
        return (
            Verdict::Watch,
            "No check-in has been recorded yet, so there is nothing to judge.".into(),
        );
    }
    let rates: Vec<String> = metrics
        .parties
        .iter()
        .map(|p| {
            let name = agreement
                .party(&p.party)
                .map_or(p.party.as_str(), |x| x.short_name());
            match p.kept_rate {
                Some(r) => format!("{name} {}", crate::signals::percent_word(r)),
                None => format!("{name} nothing reviewed yet"),
            }
        })
        .collect();
    if let Some(low) = metrics
        .parties
        .iter()
        .find(|p| p.kept_rate.is_some_and(|r| r < WATCH_KEPT_RATE))
    {
        let name = agreement
            .party(&low.party)
            .map_or(low.party.as_str(), |x| x.short_name());
        return (
            Verdict::Watch,
            format!(
                "No warning signs, but {name} kept only {} of the commitments made.",
                crate::signals::percent_word(low.kept_rate.unwrap_or_default())
            ),
        );
    }
    if review.has_high() {
        return (
            Verdict::Watch,
            format!(
                "The check-ins look steady, but the review finds {} serious {} in the agreement to fix in the next version.",
                crate::signals::count_word(review.summary.high),
                if review.summary.high == 1 {
                    "gap"
                } else {
                    "gaps"
                }
            ),
        );
    }
    (
        Verdict::Healthy,
        format!("No warning signs; commitments kept: {}.", rates.join(", ")),
    )
}

/// The draft of the next version: the current agreement with `drafted`
/// set to `today` and the recalibration moved on by the same interval as
/// before (from draft date to recalibration date), counted from today.
/// The interval is at most 13 weeks (the review's limit), at most six
/// weeks when the report says the period was at risk, at least a week,
/// and twelve weeks when the current version gives none. Whether it is
/// calendared stays as it was; nothing else changes.
pub fn propose_next(agreement: &Agreement, report: &HealthReport, today: Date) -> Agreement {
    let mut next = agreement.clone();
    let old = agreement.recalibration.clone().unwrap_or_default();
    let interval = match (agreement.drafted, old.date) {
        (Some(drafted), Some(date)) => drafted
            .get()
            .until((jiff::Unit::Day, date.get()))
            .ok()
            .map(|s| i64::from(s.get_days()))
            .filter(|d| *d > 0),
        _ => None,
    }
    .unwrap_or(DEFAULT_INTERVAL_DAYS);
    let cap = if report.verdict == Verdict::AtRisk {
        AT_RISK_INTERVAL_DAYS
    } else {
        MAX_INTERVAL_DAYS
    };
    let days = interval.clamp(MIN_INTERVAL_DAYS, cap);
    let date = today
        .get()
        .checked_add(jiff::Span::new().days(days))
        .map_or(today, Date::new);
    next.drafted = Some(today);
    next.recalibration = Some(Recalibration {
        date: Some(date),
        ..old
    });
    next
}

/// The day of `now` in the agreement's zone: the `today` to give
/// [`health`] and [`propose_next`] when the caller has only an instant.
pub fn today(agreement: &Agreement, now: Timestamp) -> Date {
    Date::new(now.to_zoned(zone(agreement)).date())
}

#[cfg(test)]
mod tests;
