//! The closed vocabularies of an agreement: scenarios, relationship kinds,
//! causes of earlier failures, observation frequencies, weekdays, check-in
//! formats and well-being indicators.
//!
//! Each is written in files and JSON in kebab-case; an unknown word is an
//! error that lists the words allowed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Writes the kebab-case word of a unit-only enum, as serde does.
macro_rules! words {
    ($name:ident { $($variant:ident => $word:literal),* $(,)? }) => {
        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The word written in files and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }

            /// The value for a word, if it is one.
            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The situation the coach meets; it changes framing, watch list and debrief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// The client tried accountability partnerships before and they faded.
    TriedBefore,
    /// Someone working alone replaces the structure an office would give.
    SoloWorker,
    /// Two peers in comparable transitions in different organisations.
    ParallelTransitions,
    /// None of the above: the common checks apply.
    #[default]
    General,
}
words!(Scenario {
    TriedBefore => "tried-before",
    SoloWorker => "solo-worker",
    ParallelTransitions => "parallel-transitions",
    General => "general",
});

/// How the partners know each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationshipKind {
    /// Peers at a similar level.
    Peer,
    /// Colleagues in the same organisation.
    Colleague,
    /// Worked together before.
    FormerColleague,
    /// Met through coaching.
    CoachingPeer,
    /// Friends.
    Friend,
    /// Close friends.
    CloseFriend,
    /// Married.
    Spouse,
    /// Partners in life.
    LifePartner,
    /// Relatives.
    Family,
    /// Matched by a programme, strangers before.
    MatchedStranger,
}
words!(RelationshipKind {
    Peer => "peer",
    Colleague => "colleague",
    FormerColleague => "former-colleague",
    CoachingPeer => "coaching-peer",
    Friend => "friend",
    CloseFriend => "close-friend",
    Spouse => "spouse",
    LifePartner => "life-partner",
    Family => "family",
    MatchedStranger => "matched-stranger",
});

impl RelationshipKind {
    /// Close relationships import habits (avoiding conflict, not wanting to
    /// disappoint) that work against accountability.
    pub fn is_close(self) -> bool {
        matches!(
            self,
            Self::CloseFriend | Self::Spouse | Self::LifePartner | Self::Family
        )
    }
}

/// Why an earlier attempt faded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryCause {
    /// Nobody knew what a check-in covers.
    UnclearAgenda,
    /// Nothing happened after a miss.
    NoConsequences,
    /// One partner cared much more than the other.
    CommitmentMismatch,
    /// The format took more effort than a busy week allows.
    FormatTooHeavy,
    /// Check-ins were too rare to change weekly behaviour.
    TooInfrequent,
    /// It turned into mutual venting.
    DriftedToSupport,
    /// It quietly stopped; nobody looked at it again.
    NoRecalibration,
    /// Something outside the arrangement intervened.
    LifeEvent,
    /// Anything else.
    Other,
}
words!(HistoryCause {
    UnclearAgenda => "unclear-agenda",
    NoConsequences => "no-consequences",
    CommitmentMismatch => "commitment-mismatch",
    FormatTooHeavy => "format-too-heavy",
    TooInfrequent => "too-infrequent",
    DriftedToSupport => "drifted-to-support",
    NoRecalibration => "no-recalibration",
    LifeEvent => "life-event",
    Other => "other",
});

impl HistoryCause {
    /// The cause as a clause for sentences ("…faded because {}").
    pub fn in_words(self) -> &'static str {
        match self {
            Self::UnclearAgenda => "nobody knew what a check-in was meant to cover",
            Self::NoConsequences => "nothing happened when someone did not follow through",
            Self::CommitmentMismatch => "one partner cared much more than the other",
            Self::FormatTooHeavy => "the format took more effort than a busy week allows",
            Self::TooInfrequent => "check-ins were too rare to change weekly behaviour",
            Self::DriftedToSupport => "the check-ins turned into mutual venting",
            Self::NoRecalibration => "it quietly stopped, with no date to look at it again",
            Self::LifeEvent => "something outside the partnership got in the way",
            Self::Other => "of another reason",
        }
    }
}

/// How often progress on a goal can be seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observable {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every two weeks.
    Biweekly,
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
}
words!(Observable {
    Daily => "daily",
    Weekly => "weekly",
    Biweekly => "biweekly",
    Monthly => "monthly",
    Quarterly => "quarterly",
});

impl Observable {
    /// The spec's length of one observation period in days.
    pub fn days(self) -> u32 {
        match self {
            Self::Daily => 1,
            Self::Weekly => 7,
            Self::Biweekly => 14,
            Self::Monthly => 28,
            Self::Quarterly => 91,
        }
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}
words!(Weekday {
    Monday => "monday",
    Tuesday => "tuesday",
    Wednesday => "wednesday",
    Thursday => "thursday",
    Friday => "friday",
    Saturday => "saturday",
    Sunday => "sunday",
});

/// The medium of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckinFormat {
    /// An exchange of text messages.
    TextMessage,
    /// Both write into a shared document.
    SharedDocument,
    /// Each fills in a short form on their own time.
    AsyncForm,
    /// A phone call.
    PhoneCall,
    /// A video call.
    VideoCall,
    /// Meeting in person.
    InPerson,
}
words!(CheckinFormat {
    TextMessage => "text-message",
    SharedDocument => "shared-document",
    AsyncForm => "async-form",
    PhoneCall => "phone-call",
    VideoCall => "video-call",
    InPerson => "in-person",
});

impl CheckinFormat {
    /// Both partners must be present at the same time.
    pub fn is_synchronous(self) -> bool {
        matches!(self, Self::PhoneCall | Self::VideoCall | Self::InPerson)
    }

    /// A call, as opposed to meeting in person or writing.
    pub fn is_call(self) -> bool {
        matches!(self, Self::PhoneCall | Self::VideoCall)
    }

    /// Written and asynchronous: light enough for a busy week.
    pub fn is_written(self) -> bool {
        !self.is_synchronous()
    }
}

/// A well-being indicator scored 1 to 5 at each check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WellbeingIndicator {
    /// Stress (high is bad).
    Stress,
    /// Sleep quality.
    Sleep,
    /// Energy, or appetite for work.
    Energy,
    /// Mood.
    Mood,
}
words!(WellbeingIndicator {
    Stress => "stress",
    Sleep => "sleep",
    Energy => "energy",
    Mood => "mood",
});
