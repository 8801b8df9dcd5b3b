//! The agreement: what two partners sign.
//!
//! The structs mirror the file format in `shared/spec/agreement-format.md`
//! field by field, so that TOML, JSON and the database all carry the same
//! model. Unknown fields are rejected everywhere (`deny_unknown_fields`) so
//! that a typo is an error instead of a silently ignored clause. Everything but
//! `format` and the two parties' `id` and `name` is optional: drafts are
//! incomplete by nature and the review says what is missing.

mod kinds;
mod reminder;
mod values;

use serde::{Deserialize, Serialize};

pub use kinds::{
    CheckinFormat, HistoryCause, Observable, RelationshipKind, Scenario, Weekday,
    WellbeingIndicator,
};
pub use reminder::{ReminderDays, ReminderTime};
pub use values::{
    CommitmentLevel, Date, Facilitation, Hours, IntervalWeeks, Minutes, MissCount, Number, PartyId,
    Rating, TimeOfDay, TimeZoneName, WeekCount,
};

/// The one file-format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole agreement, draft or signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// File-format version; always [`FORMAT_VERSION`].
    pub format: u32,
    /// A short name for the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The coaching scenario; absent means `general`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// The zone that check-in times are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimeZoneName>,
    /// The date of this draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafted: Option<Date>,
    /// The two partners.
    #[serde(rename = "party", default)]
    pub parties: Vec<Party>,
    /// The coach who helped design it, if any; not a party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach: Option<Coach>,
    /// How the partners know each other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    /// Earlier attempts and why they faded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Attempt>,
    /// Each party's goals.
    #[serde(rename = "goal", default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// Limits the partner helps protect.
    #[serde(rename = "boundary", default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Boundary>,
    /// When and how check-ins happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    /// What every check-in covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<Agenda>,
    /// The consequence ladder, by consecutive misses.
    #[serde(rename = "consequence", default, skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<Consequence>,
    /// When and why to look at the agreement again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalibration: Option<Recalibration>,
    /// Confidentiality and feedback style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_rules: Option<GroundRules>,
    /// Well-being indicators scored at check-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellbeing: Option<Wellbeing>,
}

/// One of the two partners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Unique id, referenced by goals, boundaries and facilitation.
    pub id: PartyId,
    /// The name as the partners use it.
    pub name: String,
    /// Where recaps and reminders go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Employer or practice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Self-rated commitment, 1 to 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_level: Option<CommitmentLevel>,
    /// Hours a week the party will give the partnership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_week: Option<Hours>,
    /// Life domains where this party only keeps on track with outside help.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relies_on_others_for: Vec<String>,
    /// Life domains where this party keeps on track alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keeps_self_on_track_in: Vec<String>,
    /// Support-style preferences, one behaviour each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support: Vec<String>,
}

/// The coach who helped design the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coach {
    /// The coach's name.
    pub name: String,
}

/// How the partners know each other and what may not be shared.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    /// The kind of relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RelationshipKind>,
    /// Whether the partners' organisations compete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations_compete: Option<bool>,
    /// What may not be shared between them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_boundaries: Option<String>,
}

/// An earlier accountability arrangement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// What it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How long it lasted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lasted_weeks: Option<WeekCount>,
    /// Why it faded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<HistoryCause>,
}

/// A goal of one party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Whose goal it is.
    pub party: PartyId,
    /// The specific outcome.
    pub outcome: String,
    /// What is counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The unit of the indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Where the indicator stands today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Number>,
    /// Where it should stand by the due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Number>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// How often progress can be seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observable: Option<Observable>,
    /// The party's own rating of how much of a stretch it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stretch: Option<Rating>,
    /// The party's own rating of how exposed being held to it feels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Rating>,
    /// Observable weekly actions that drive it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Intermediate values by date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
}

/// An intermediate value of a goal's indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// By when.
    pub date: Date,
    /// The indicator value expected by then.
    pub value: Number,
}

/// A limit that the partner helps protect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// Whose boundary it is.
    pub party: PartyId,
    /// The rule itself.
    pub rule: String,
    /// A short shared phrase to use in the moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// How keeping it can be observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// When to remind, such as "weekdays 18:45".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind: Option<ReminderTime>,
}

/// When and how check-ins happen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cadence {
    /// 1 weekly, 2 fortnightly, 4 about monthly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_weeks: Option<IntervalWeeks>,
    /// The days of each active week.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Weekday>,
    /// Local time in the agreement's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeOfDay>,
    /// Length of a check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Minutes>,
    /// The medium.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<CheckinFormat>,
    /// Who facilitates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitation: Option<Facilitation>,
    /// What happens when a check-in itself is missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_checkin: Option<String>,
}

impl Cadence {
    /// True when nothing about the cadence has been decided yet.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Check-ins in each active week. No weekdays yet counts as one.
    pub fn checkins_per_active_week(&self) -> usize {
        self.weekdays.len().max(1)
    }

    /// Average days between check-ins (7 × interval ÷ check-ins per active
    /// week), when the interval is known.
    pub fn days_between_checkins(&self) -> Option<f64> {
        let interval = self.interval_weeks?.get();
        Some(7.0 * f64::from(interval) / self.checkins_per_active_week() as f64)
    }
}

/// What every check-in covers, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agenda {
    /// The ordered items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// One step of the consequence ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consequence {
    /// Consecutive misses from which this step applies.
    pub after_misses: MissCount,
    /// The agreed response.
    pub response: String,
}

/// When and why the agreement is looked at again.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recalibration {
    /// The recalibration date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Whether it is already in both calendars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendared: Option<bool>,
    /// Conditions that bring it forward.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<String>,
    /// The plan for when one partner's situation gets much harder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_one_struggles: Option<String>,
}

/// Confidentiality and feedback style.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroundRules {
    /// What stays between the partners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<String>,
    /// How feedback is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_style: Option<String>,
}

/// Well-being indicators scored 1 to 5 at check-ins.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wellbeing {
    /// Which indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track: Vec<WellbeingIndicator>,
}

impl Party {
    /// The first word of the name, for sentences ("Maya" for "Maya Chen").
    pub fn short_name(&self) -> &str {
        self.name
            .split_whitespace()
            .next()
            .unwrap_or(self.id.as_str())
    }
}

impl Agreement {
    /// The scenario, `general` when none is given.
    pub fn scenario(&self) -> Scenario {
        self.scenario.unwrap_or_default()
    }

    /// The party with this id.
    pub fn party(&self, id: &PartyId) -> Option<&Party> {
        self.parties.iter().find(|p| &p.id == id)
    }

    /// The name to use for a party id in sentences (the id if unknown).
    pub fn name_of<'a>(&'a self, id: &'a PartyId) -> &'a str {
        self.party(id).map_or(id.as_str(), |p| p.name.as_str())
    }

    /// The goals of one party.
    pub fn goals_of<'a>(&'a self, id: &'a PartyId) -> impl Iterator<Item = &'a Goal> + 'a {
        self.goals.iter().filter(move |g| &g.party == id)
    }

    /// The average of one rating (stretch or exposure) over a party's goals
    /// that have it, `None` when none do.
    pub fn average_rating(&self, id: &PartyId, rating: fn(&Goal) -> Option<Rating>) -> Option<f64> {
        let values: Vec<u32> = self
            .goals_of(id)
            .filter_map(rating)
            .map(Rating::get)
            .collect();
        (!values.is_empty()).then(|| f64::from(values.iter().sum::<u32>()) / values.len() as f64)
    }

    /// The agenda items, empty when there is no agenda.
    pub fn agenda_items(&self) -> &[String] {
        self.agenda.as_ref().map_or(&[], |a| &a.items)
    }

    /// The cadence, if any part of it has been decided.
    pub fn cadence(&self) -> Option<&Cadence> {
        self.cadence.as_ref().filter(|c| !c.is_empty())
    }
}

/// The text of an optional field, `None` when absent or only white space.
pub fn filled(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
