//! The coach's review of a draft: each rule of `agreement-format.md` with its
//! stable id, severity and threshold, and findings that say why a gap matters
//! to this partnership and how to close it in the agreement's own words.
//!
//! The review is a pure function of the agreement, today's date and the
//! thresholds; it never reads the clock.

mod accountability;
mod people;
mod rule;
mod structure;

use serde::Serialize;

use crate::model::{Agreement, Date, PartyId};

pub use accountability::reviews_accountability;
pub use rule::{Rule, Section};

/// How much a finding matters. Ordered so that `High` is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth mentioning.
    Low,
    /// Worth fixing before signing.
    Medium,
    /// Repeats a known cause of failure; fix before signing.
    High,
}

impl Severity {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// What sort of finding it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The agreement lacks something.
    Gap,
    /// A coaching concern to name in conversation; always low.
    RedFlag,
}

/// One thing the review found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule that fired.
    pub rule: Rule,
    /// How much it matters.
    pub severity: Severity,
    /// Gap or red flag.
    pub kind: FindingKind,
    /// The part of the agreement it is about.
    pub section: Section,
    /// The party it is about, for the per-party rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyId>,
    /// Why it matters, in one or two sentences.
    pub message: String,
    /// A concrete rewrite or next step.
    pub suggestion: String,
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
}

/// The review of one agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// Findings in section order, most severe first within a section.
    pub findings: Vec<Finding>,
    /// Counts by severity.
    pub summary: Summary,
}

impl Review {
    /// True when some finding is high: the agreement should not be signed yet.
    pub fn has_high(&self) -> bool {
        self.summary.high > 0
    }
}

/// The thresholds of the rules. [`Thresholds::default`] is the spec's; the
/// tests pin every value.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// `recalibration-too-far`: most weeks between draft and recalibration.
    pub recalibration_max_weeks: i64,
    /// `commitment-mismatch`: smallest gap between levels that fires.
    pub commitment_level_gap: u32,
    /// `commitment-mismatch`: one party's hours above this multiple of the other's.
    pub hours_ratio: f64,
    /// `history-unaddressed`: largest gap between levels that answers a past mismatch.
    pub answered_commitment_gap: u32,
    /// `history-unaddressed`: longest call that counts as a light format.
    pub light_call_minutes: u32,
    /// `cadence-too-sparse`: longest interval in weeks that is not sparse;
    /// also the longest that answers `too-infrequent`.
    pub max_interval_weeks: u32,
    /// `cadence-too-heavy`: synchronous minutes per week that are too many.
    pub heavy_minutes_per_week: f64,
    /// `stretch-asymmetry`: smallest gap between average ratings that fires.
    pub rating_gap: f64,
    /// `external-reliance`: fewest domains of outside reliance that fire.
    pub reliance_domains: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            recalibration_max_weeks: 13,
            commitment_level_gap: 3,
            hours_ratio: 2.0,
            answered_commitment_gap: 2,
            light_call_minutes: 20,
            max_interval_weeks: 2,
            heavy_minutes_per_week: 45.0,
            rating_gap: 2.0,
            reliance_domains: 3,
        }
    }
}

/// Reviews an agreement with the default thresholds. `today` stands in for
/// the draft date when the agreement has none.
pub fn review(agreement: &Agreement, today: Date) -> Review {
    review_with(agreement, today, &Thresholds::default())
}

/// Reviews an agreement with the given thresholds.
pub fn review_with(agreement: &Agreement, today: Date, thresholds: &Thresholds) -> Review {
    let cx = Context {
        a: agreement,
        today,
        t: thresholds,
    };
    let mut findings = Vec::new();
    structure::check(&cx, &mut findings);
    people::check(&cx, &mut findings);
    // Stable sort: rules keep their order within a section and severity.
    findings.sort_by_key(|f| (f.section, std::cmp::Reverse(f.severity)));
    let mut summary = Summary::default();
    for f in &findings {
        match f.severity {
            Severity::High => summary.high += 1,
            Severity::Medium => summary.medium += 1,
            Severity::Low => summary.low += 1,
        }
    }
    Review { findings, summary }
}

/// What every rule reads.
pub(crate) struct Context<'a> {
    pub a: &'a Agreement,
    pub today: Date,
    pub t: &'a Thresholds,
}

impl Finding {
    /// A finding with the rule's own severity, kind and section.
    pub(crate) fn new(rule: Rule, message: String, suggestion: String) -> Self {
        Self {
            rule,
            severity: rule.severity(),
            kind: rule.kind(),
            section: rule.section(),
            party: None,
            message,
            suggestion,
        }
    }

    /// About one party.
    pub(crate) fn party(mut self, id: &PartyId) -> Self {
        self.party = Some(id.clone());
        self
    }

    /// With a severity other than the rule's default (scenario-dependent).
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Quotes a piece of the agreement for a message in curly quotes, shortened
/// if long.
pub fn quote(text: &str) -> String {
    // Long enough for any real sentence; only pasted paragraphs get cut.
    const MAX: usize = 240;
    let text = text.trim();
    if text.chars().count() <= MAX {
        format!("\u{201c}{text}\u{201d}")
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("\u{201c}{}\u{2026}\u{201d}", cut.trim_end())
    }
}
