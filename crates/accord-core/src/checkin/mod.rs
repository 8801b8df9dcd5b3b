//! What a check-in records, and the checks a record must pass.
//!
//! One record per check-in, with one report per party: each commitment
//! made at the last check-in marked kept, partly kept or missed (with what
//! got in the way), indicator values, boundary slips, the agreed well-being
//! scores, one win, the commitments for the next period and one concrete
//! next step. Notes are not part of the record: they belong to their author
//! and may be private, so the store keeps them apart.
//!
//! Field paths in [`Problem`]s follow the JSON shape of the record
//! (`reports[0].reviewed[1].obstacle`), which is also what the web form
//! names its inputs, so an error lands beside its field in both.

mod ladder;
mod recap;
mod status;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::{Agreement, Number, PartyId, WellbeingIndicator};

pub use ladder::{Fired, consecutive_misses, evaluate, step};
pub use recap::{Recap, recap, when};
pub use status::{GRACE, OPENS_BEFORE, Status, grace_end, status};

/// The longest free text accepted in one field.
pub const MAX_TEXT: usize = 2000;
/// The most commitments one party can make for one period.
pub const MAX_COMMITMENTS: usize = 12;

/// How a commitment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Done as agreed.
    Kept,
    /// Partly done.
    PartlyKept,
    /// Not done.
    Missed,
}

impl Outcome {
    /// The word used in files, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::PartlyKept => "partly-kept",
            Self::Missed => "missed",
        }
    }

    /// Reads the word back.
    pub fn parse(word: &str) -> Option<Self> {
        [Self::Kept, Self::PartlyKept, Self::Missed]
            .into_iter()
            .find(|o| o.as_str() == word)
    }
}

/// One commitment from the last check-in, reviewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// The commitment as it was made.
    pub commitment: String,
    /// How it went.
    pub outcome: Outcome,
    /// What got in the way (required when partly kept or missed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacle: Option<String>,
}

/// The value of a goal's indicator today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    /// The goal's position in the agreement.
    pub goal: usize,
    /// Where the indicator stands.
    pub value: Number,
}

/// A boundary that slipped since the last check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slip {
    /// The boundary's position in the agreement.
    pub boundary: usize,
    /// What happened, briefly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One well-being score, 1 (low) to 5 (high).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Which indicator.
    pub indicator: WellbeingIndicator,
    /// The score.
    pub score: u8,
}

/// What one party reports at a check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyReport {
    /// Whose report.
    pub party: PartyId,
    /// Every commitment from the last check-in, marked.
    #[serde(default)]
    pub reviewed: Vec<Reviewed>,
    /// Indicator values, for the party's goals that have an indicator.
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    /// Boundaries of the party that slipped.
    #[serde(default)]
    pub slips: Vec<Slip>,
    /// The agreed well-being scores.
    #[serde(default)]
    pub wellbeing: Vec<Score>,
    /// One win.
    pub win: String,
    /// The commitments for the next period: the list reviewed next time.
    pub next_commitments: Vec<String>,
    /// One concrete next step.
    pub next_step: String,
}

impl PartyReport {
    /// Whether the party missed at this check-in: at least one commitment
    /// reviewed was missed.
    pub fn missed(&self) -> bool {
        self.reviewed.iter().any(|r| r.outcome == Outcome::Missed)
    }

    /// The party's score for one indicator, if given.
    pub fn score(&self, indicator: WellbeingIndicator) -> Option<u8> {
        self.wellbeing
            .iter()
            .find(|s| s.indicator == indicator)
            .map(|s| s.score)
    }
}

/// A recorded check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinRecord {
    /// One report per party, in the agreement's party order.
    pub reports: Vec<PartyReport>,
}

impl CheckinRecord {
    /// The report of one party.
    pub fn report(&self, party: &PartyId) -> Option<&PartyReport> {
        self.reports.iter().find(|r| &r.party == party)
    }
}

/// The commitments each party reviews at the next check-in: what they
/// committed to at the last recorded one, or, before the first, the
/// actions of their goals.
pub fn expected_commitments(
    agreement: &Agreement,
    last: Option<&CheckinRecord>,
) -> Vec<(PartyId, Vec<String>)> {
    agreement
        .parties
        .iter()
        .map(|p| {
            let list = match last.and_then(|r| r.report(&p.id)) {
                Some(report) => report.next_commitments.clone(),
                None => agreement
                    .goals_of(&p.id)
                    .flat_map(|g| g.actions.iter().cloned())
                    .collect(),
            };
            (p.id.clone(), list)
        })
        .collect()
}

/// Something wrong with a record, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field path, e.g. `reports[0].reviewed[1].obstacle`.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// Checks a record against the agreement and the commitments due for
/// review; every problem is reported, not only the first.
///
/// A list longer than what its items can refer to (more reports than
/// parties; more indicator values, slips or scores than the party has
/// goals, boundaries or tracked indicators) is refused as it stands, at its
/// first item too many, without looking at its items: the work done stays
/// in proportion to the agreement, whatever the record's size.
pub fn check(
    agreement: &Agreement,
    expected: &[(PartyId, Vec<String>)],
    record: &CheckinRecord,
) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field: String, message: String| problems.push(Problem { field, message });
    let tracked: Vec<WellbeingIndicator> = agreement
        .wellbeing
        .as_ref()
        .map(|w| w.track.clone())
        .unwrap_or_default();
    if record.reports.len() != agreement.parties.len() {
        problem(
            "reports".into(),
            format!(
                "A check-in has one report per partner: {} expected, {} given.",
                agreement.parties.len(),
                record.reports.len()
            ),
        );
        if record.reports.len() > agreement.parties.len() {
            return Err(problems);
        }
    }
    let mut reported = HashSet::new();
    for (i, report) in record.reports.iter().enumerate() {
        let at = |f: &str| format!("reports[{i}].{f}");
        let Some(party) = agreement.party(&report.party) else {
            problem(
                at("party"),
                format!("\"{}\" is not a party of this agreement.", report.party),
            );
            continue;
        };
        if !reported.insert(&report.party) {
            problem(
                at("party"),
                format!("{} has two reports; give one.", party.name),
            );
        }
        let name = party.short_name();
        let due: &[String] = expected
            .iter()
            .find(|(p, _)| p == &report.party)
            .map_or(&[], |(_, list)| list.as_slice());
        if report.reviewed.len() != due.len()
            || report
                .reviewed
                .iter()
                .zip(due)
                .any(|(r, d)| r.commitment.trim() != d.trim())
        {
            problem(
                at("reviewed"),
                format!(
                    "Mark each of {name}'s {} commitment(s) from last time, in order: {}.",
                    due.len(),
                    if due.is_empty() {
                        "none were made".to_owned()
                    } else {
                        due.join("; ")
                    }
                ),
            );
        }
        for (j, r) in report.reviewed.iter().enumerate() {
            let obstacle = r.obstacle.as_deref().map(str::trim).unwrap_or("");
            if r.outcome != Outcome::Kept && obstacle.is_empty() {
                problem(
                    at(&format!("reviewed[{j}].obstacle")),
                    format!(
                        "Say what got in the way of \"{}\": that is what the next period can change.",
                        r.commitment.trim()
                    ),
                );
            }
            if obstacle.chars().count() > MAX_TEXT {
                problem(at(&format!("reviewed[{j}].obstacle")), too_long());
            }
        }
        let goals = agreement.goals_of(&report.party).count();
        let boundaries = agreement
            .boundaries
            .iter()
            .filter(|b| b.party == report.party)
            .count();
        let (indicators, slips, wellbeing) = (
            report.indicators.len() > goals,
            report.slips.len() > boundaries,
            report.wellbeing.len() > tracked.len(),
        );
        if indicators {
            problem(
                at(&format!("indicators[{goals}].goal")),
                match goals {
                    0 => format!("{name} has no goals, so there is no indicator to give."),
                    _ => format!(
                        "{name} has {goals} goal(s): give at most one indicator value for each."
                    ),
                },
            );
        }
        if slips {
            problem(
                at(&format!("slips[{boundaries}].boundary")),
                match boundaries {
                    0 => format!("{name} has no boundaries, so none can have slipped."),
                    _ => format!(
                        "{name} has {boundaries} boundary(-ies): give each one that slipped once."
                    ),
                },
            );
        }
        if wellbeing {
            problem(
                at(&format!(
                    "wellbeing.{}",
                    report.wellbeing[tracked.len()].indicator.as_str()
                )),
                match tracked.len() {
                    0 => "The agreement tracks no well-being scores.".to_owned(),
                    n => format!("The agreement tracks {n} well-being score(s): give each once."),
                },
            );
        }
        let mut seen = HashSet::new();
        for (j, v) in report.indicators.iter().enumerate() {
            if indicators {
                break;
            }
            let goal = agreement.goals.get(v.goal);
            if goal.is_none_or(|g| g.party != report.party || g.indicator.is_none()) {
                problem(
                    at(&format!("indicators[{j}].goal")),
                    format!(
                        "Goal {} is not one of {name}'s goals with an indicator.",
                        v.goal
                    ),
                );
            }
            if !seen.insert(v.goal) {
                problem(
                    at(&format!("indicators[{j}].goal")),
                    "Give each indicator once.".into(),
                );
            }
        }
        let mut seen = HashSet::new();
        for (j, s) in report.slips.iter().enumerate() {
            if slips {
                break;
            }
            let boundary = agreement.boundaries.get(s.boundary);
            if boundary.is_none_or(|b| b.party != report.party) {
                problem(
                    at(&format!("slips[{j}].boundary")),
                    format!("Boundary {} is not one of {name}'s boundaries.", s.boundary),
                );
            }
            if !seen.insert(s.boundary) {
                problem(
                    at(&format!("slips[{j}].boundary")),
                    "Give each boundary that slipped once.".into(),
                );
            }
            if s.note
                .as_deref()
                .is_some_and(|n| n.chars().count() > MAX_TEXT)
            {
                problem(at(&format!("slips[{j}].note")), too_long());
            }
        }
        for indicator in &tracked {
            if report.score(*indicator).is_none() {
                problem(
                    at(&format!("wellbeing.{}", indicator.as_str())),
                    format!(
                        "Score {name}'s {} from 1 to 5: the agreement tracks it.",
                        indicator.as_str()
                    ),
                );
            }
        }
        let mut seen = HashSet::new();
        for s in &report.wellbeing {
            if wellbeing {
                break;
            }
            let field = at(&format!("wellbeing.{}", s.indicator.as_str()));
            if !tracked.contains(&s.indicator) {
                problem(
                    field,
                    format!("The agreement does not track {}.", s.indicator.as_str()),
                );
            } else if !(1..=5).contains(&s.score) {
                problem(field, format!("A score is 1 to 5; {} was given.", s.score));
            } else if !seen.insert(s.indicator) {
                problem(field, "Give each score once.".into());
            }
        }
        for (field, text, what) in [
            ("win", &report.win, "one win, however small"),
            ("next_step", &report.next_step, "one concrete next step"),
        ] {
            if text.trim().is_empty() {
                problem(at(field), format!("Write {name}'s {what}."));
            } else if text.chars().count() > MAX_TEXT {
                problem(at(field), too_long());
            }
        }
        let commitments: Vec<&String> = report
            .next_commitments
            .iter()
            .filter(|c| !c.trim().is_empty())
            .collect();
        if commitments.is_empty() {
            problem(
                at("next_commitments"),
                format!(
                    "Write at least one commitment for {name}'s next period: it is what the next check-in reviews."
                ),
            );
        } else if commitments.len() > MAX_COMMITMENTS {
            problem(
                at("next_commitments"),
                format!(
                    "Keep it to {MAX_COMMITMENTS} commitments or fewer; a shorter list gets kept."
                ),
            );
        }
        for (j, c) in report.next_commitments.iter().enumerate() {
            if c.chars().count() > MAX_TEXT {
                problem(at(&format!("next_commitments[{j}]")), too_long());
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn too_long() -> String {
    format!("Keep this under {MAX_TEXT} characters.")
}

impl CheckinRecord {
    /// The record with surrounding space trimmed and empty commitments and
    /// obstacles dropped, as it is stored.
    pub fn tidy(mut self) -> Self {
        for r in &mut self.reports {
            r.win = r.win.trim().to_owned();
            r.next_step = r.next_step.trim().to_owned();
            r.next_commitments = r
                .next_commitments
                .iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect();
            for rev in &mut r.reviewed {
                rev.commitment = rev.commitment.trim().to_owned();
                rev.obstacle = rev
                    .obstacle
                    .take()
                    .map(|o| o.trim().to_owned())
                    .filter(|o| !o.is_empty());
            }
            for s in &mut r.slips {
                s.note = s
                    .note
                    .take()
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty());
            }
        }
        self
    }
}

#[cfg(test)]
mod tests;
