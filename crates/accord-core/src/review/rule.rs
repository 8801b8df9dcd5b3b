//! The rule ids and sections of the review: one table, so that an id, its
//! default severity, its kind and its section cannot drift apart.

use std::fmt;

use serde::{Serialize, Serializer};

use super::{FindingKind, Severity};

/// A part of the agreement, in the order the editor walks through them
/// (context and history first, as a coach does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// Situation, relationship, the partners themselves.
    Context,
    /// Earlier attempts.
    History,
    /// Goals.
    Goals,
    /// Boundaries.
    Boundaries,
    /// Cadence and format of check-ins.
    Cadence,
    /// The check-in agenda.
    Agenda,
    /// Support-style preferences.
    Support,
    /// The consequence ladder.
    Consequences,
    /// Recalibration.
    Recalibration,
    /// Commitment levels and hours.
    Commitment,
    /// Confidentiality, feedback, information boundaries.
    GroundRules,
    /// Well-being indicators.
    Wellbeing,
}

impl Section {
    /// Every section, in editor order.
    pub const ALL: [Section; 12] = [
        Self::Context,
        Self::History,
        Self::Goals,
        Self::Boundaries,
        Self::Cadence,
        Self::Agenda,
        Self::Support,
        Self::Consequences,
        Self::Recalibration,
        Self::Commitment,
        Self::GroundRules,
        Self::Wellbeing,
    ];

    /// The id used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Context => "context",
            Self::History => "history",
            Self::Goals => "goals",
            Self::Boundaries => "boundaries",
            Self::Cadence => "cadence",
            Self::Agenda => "agenda",
            Self::Support => "support",
            Self::Consequences => "consequences",
            Self::Recalibration => "recalibration",
            Self::Commitment => "commitment",
            Self::GroundRules => "ground-rules",
            Self::Wellbeing => "wellbeing",
        }
    }

    /// A heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Context => "Context and relationship",
            Self::History => "Earlier attempts",
            Self::Goals => "Goals",
            Self::Boundaries => "Boundaries",
            Self::Cadence => "Cadence and format",
            Self::Agenda => "Check-in agenda",
            Self::Support => "Support preferences",
            Self::Consequences => "Consequences",
            Self::Recalibration => "Recalibration",
            Self::Commitment => "Commitment",
            Self::GroundRules => "Ground rules",
            Self::Wellbeing => "Well-being",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $severity:ident, $kind:ident, $section:ident;)*) => {
        /// A review rule, identified by its stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $(
            #[doc = concat!("`", $id, "`")]
            $variant,
        )* }

        impl Rule {
            /// Every rule, in the spec's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),* }
            }

            /// The rule with this id.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)* _ => None }
            }

            /// The default severity (some rules are raised by the scenario).
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),* }
            }

            /// Gap or red flag.
            pub fn kind(self) -> FindingKind {
                match self { $(Rule::$variant => FindingKind::$kind),* }
            }

            /// The part of the agreement it is about.
            pub fn section(self) -> Section {
                match self { $(Rule::$variant => Section::$section),* }
            }
        }
    };
}

rules! {
    HistoryMissing => "history-missing", Medium, Gap, History;
    HistoryUnaddressed => "history-unaddressed", High, Gap, History;
    AgendaMissing => "agenda-missing", High, Gap, Agenda;
    AgendaNoAccountability => "agenda-no-accountability", Medium, Gap, Agenda;
    ConsequenceMissing => "consequence-missing", High, Gap, Consequences;
    MissedCheckinUndefined => "missed-checkin-undefined", Medium, Gap, Cadence;
    RecalibrationMissing => "recalibration-missing", High, Gap, Recalibration;
    RecalibrationNotCalendared => "recalibration-not-calendared", Medium, Gap, Recalibration;
    RecalibrationTooFar => "recalibration-too-far", Medium, Gap, Recalibration;
    GoalMissing => "goal-missing", High, Gap, Goals;
    GoalUnmeasurable => "goal-unmeasurable", Medium, Gap, Goals;
    GoalNoDeadline => "goal-no-deadline", Low, Gap, Goals;
    GoalNoActions => "goal-no-actions", Low, Gap, Goals;
    GoalSlowerThanCadence => "goal-slower-than-cadence", Medium, Gap, Goals;
    SupportMissing => "support-missing", Medium, Gap, Support;
    SupportVague => "support-vague", Medium, Gap, Support;
    CadenceMissing => "cadence-missing", High, Gap, Cadence;
    CadenceTooSparse => "cadence-too-sparse", Medium, Gap, Cadence;
    CadenceTooHeavy => "cadence-too-heavy", Medium, Gap, Cadence;
    CommitmentMismatch => "commitment-mismatch", High, Gap, Commitment;
    StretchAsymmetry => "stretch-asymmetry", Medium, Gap, Goals;
    AsymmetryPlanMissing => "asymmetry-plan-missing", Medium, Gap, Recalibration;
    BoundaryNoPhrase => "boundary-no-phrase", Low, Gap, Boundaries;
    BoundaryUnobservable => "boundary-unobservable", Low, Gap, Boundaries;
    WellbeingUntracked => "wellbeing-untracked", Low, Gap, Wellbeing;
    GroundRulesMissing => "ground-rules-missing", Low, Gap, GroundRules;
    CloseRelationship => "close-relationship", Low, RedFlag, Context;
    ExternalReliance => "external-reliance", Low, RedFlag, Context;
    CompetingOrganizations => "competing-organizations", Low, RedFlag, Context;
    InformationBoundariesMissing => "information-boundaries-missing", Medium, Gap, GroundRules;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_red_flags_are_low() {
        assert_eq!(Rule::ALL.len(), 30);
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
            if rule.kind() == FindingKind::RedFlag {
                assert_eq!(rule.severity(), Severity::Low, "{rule}");
            }
        }
    }
}
