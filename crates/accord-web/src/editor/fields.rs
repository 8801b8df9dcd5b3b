//! What each section of the guided editor asks, in the coach's order: the
//! form fields, their labels and help, and where each lands in the
//! agreement (a path in its JSON form). The form machinery (`form.rs`) is
//! generic; everything a user reads about a field is here.

use accord_core::review::Section;

/// What kind of input a field is, and how its text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text.
    Text,
    /// Several lines of text, kept as one string.
    Long,
    /// A whole number.
    Int,
    /// A number that may have a fraction.
    Float,
    /// A date, YYYY-MM-DD.
    Date,
    /// A time of day, HH:MM.
    Time,
    /// One of fixed words; empty for "not set".
    Select(&'static [(&'static str, &'static str)]),
    /// Yes, no or not set.
    YesNo,
    /// One of the agreement's parties.
    Party,
    /// Rotating, or one party.
    Facilitation,
    /// Any of fixed words, as check boxes.
    Checks(&'static [(&'static str, &'static str)]),
    /// A list, one item per line.
    Lines,
    /// A list of short words, separated by commas.
    Words,
}

/// One field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key, relative to the group's scope (dots go into tables).
    pub key: &'static str,
    /// The label.
    pub label: &'static str,
    /// A hint under the field ("" for none).
    pub help: &'static str,
    /// The input kind.
    pub kind: Kind,
}

/// Where a group's keys are relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole agreement.
    Root,
    /// Each party in turn (always both).
    Parties,
    /// Each entry of a list (`goal`, `boundary`…), plus one blank to add.
    Each(&'static str, &'static str),
}

/// A group of fields.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// Where its keys point.
    pub scope: Scope,
    /// Its fields.
    pub fields: &'static [Field],
}

/// A section's page.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The section.
    pub section: Section,
    /// Its heading.
    pub title: &'static str,
    /// Why it matters, as a coach would say it.
    pub intro: &'static str,
    /// Its groups.
    pub groups: &'static [Group],
}

const fn f(key: &'static str, label: &'static str, help: &'static str, kind: Kind) -> Field {
    Field {
        key,
        label,
        help,
        kind,
    }
}

const SCENARIOS: &[(&str, &str)] = &[
    ("general", "General"),
    ("tried-before", "We tried before and it faded"),
    ("solo-worker", "Working alone"),
    ("parallel-transitions", "Peers in parallel transitions"),
];
const RELATIONSHIPS: &[(&str, &str)] = &[
    ("peer", "Peer"),
    ("colleague", "Colleague"),
    ("former-colleague", "Former colleague"),
    ("coaching-peer", "Coaching peer"),
    ("friend", "Friend"),
    ("close-friend", "Close friend"),
    ("spouse", "Spouse"),
    ("life-partner", "Life partner"),
    ("family", "Family"),
    ("matched-stranger", "Matched stranger"),
];
const CAUSES: &[(&str, &str)] = &[
    ("unclear-agenda", "No clear agenda"),
    ("no-consequences", "Nothing happened after a miss"),
    ("commitment-mismatch", "One of us cared more"),
    ("format-too-heavy", "The format was too heavy"),
    ("too-infrequent", "Too far apart"),
    ("drifted-to-support", "Drifted into venting and support"),
    ("no-recalibration", "Never looked at it again"),
    ("life-event", "Life got in the way"),
    ("other", "Something else"),
];
const OBSERVABLE: &[(&str, &str)] = &[
    ("daily", "Daily"),
    ("weekly", "Weekly"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
];
const WEEKDAYS: &[(&str, &str)] = &[
    ("monday", "Mon"),
    ("tuesday", "Tue"),
    ("wednesday", "Wed"),
    ("thursday", "Thu"),
    ("friday", "Fri"),
    ("saturday", "Sat"),
    ("sunday", "Sun"),
];
const FORMATS: &[(&str, &str)] = &[
    ("text-message", "Text messages"),
    ("shared-document", "A shared document"),
    ("async-form", "An asynchronous form"),
    ("phone-call", "Phone call"),
    ("video-call", "Video call"),
    ("in-person", "In person"),
];
const WELLBEING: &[(&str, &str)] = &[
    ("stress", "Stress"),
    ("sleep", "Sleep"),
    ("energy", "Energy"),
    ("mood", "Mood"),
];

/// Every section, in the coach's order.
pub const SPECS: &[Spec] = &[
    Spec {
        section: Section::Context,
        title: "Context",
        intro: "Who you are to each other and what situation you are in. The review reads the rest of the agreement in this light.",
        groups: &[
            Group {
                scope: Scope::Root,
                fields: &[
                    f("title", "Name of the agreement", "", Kind::Text),
                    f(
                        "scenario",
                        "Your situation",
                        "The review raises what matters most in it.",
                        Kind::Select(SCENARIOS),
                    ),
                    f(
                        "timezone",
                        "Time zone",
                        "Where check-ins happen, e.g. Europe/Berlin or America/New_York.",
                        Kind::Text,
                    ),
                    f("drafted", "Drafted on", "", Kind::Date),
                    f(
                        "relationship.kind",
                        "You are each other's",
                        "",
                        Kind::Select(RELATIONSHIPS),
                    ),
                    f(
                        "relationship.organizations_compete",
                        "Do your organisations compete?",
                        "",
                        Kind::YesNo,
                    ),
                    f(
                        "coach.name",
                        "Coach's name",
                        "Leave empty if you have no coach.",
                        Kind::Text,
                    ),
                ],
            },
            Group {
                scope: Scope::Parties,
                fields: &[
                    f("name", "Name", "", Kind::Text),
                    f("email", "E-mail", "", Kind::Text),
                    f("organization", "Organisation", "", Kind::Text),
                ],
            },
        ],
    },
    Spec {
        section: Section::History,
        title: "Earlier attempts",
        intro: "Partnerships that faded before usually faded for a reason. Name it, and the review checks that this agreement answers it.",
        groups: &[Group {
            scope: Scope::Each("history", "Attempt"),
            fields: &[
                f(
                    "description",
                    "What it was",
                    "e.g. Friday calls with a colleague in 2024",
                    Kind::Text,
                ),
                f("lasted_weeks", "How many weeks it lasted", "", Kind::Int),
                f("causes", "Why it faded", "", Kind::Checks(CAUSES)),
            ],
        }],
    },
    Spec {
        section: Section::Goals,
        title: "Goals",
        intro: "What each of you is working toward, in terms your partner can check. Both sides should stretch and be exposed about equally.",
        groups: &[Group {
            scope: Scope::Each("goal", "Goal"),
            fields: &[
                f("party", "Whose goal", "", Kind::Party),
                f(
                    "outcome",
                    "Outcome",
                    "What will be true when it is done.",
                    Kind::Text,
                ),
                f(
                    "indicator",
                    "Indicator",
                    "What you will count or check.",
                    Kind::Text,
                ),
                f("unit", "Unit", "", Kind::Text),
                f("baseline", "Baseline", "", Kind::Float),
                f("target", "Target", "", Kind::Float),
                f("due", "Due", "", Kind::Date),
                f(
                    "observable",
                    "Progress shows",
                    "How often your partner can see a change.",
                    Kind::Select(OBSERVABLE),
                ),
                f(
                    "stretch",
                    "Stretch (1–5)",
                    "How hard is it for you?",
                    Kind::Int,
                ),
                f(
                    "exposure",
                    "Exposure (1–5)",
                    "How much do you risk by sharing it?",
                    Kind::Int,
                ),
                f("actions", "Actions", "One per line.", Kind::Lines),
            ],
        }],
    },
    Spec {
        section: Section::Boundaries,
        title: "Boundaries",
        intro: "Habits you keep or avoid, with the words your partner may use to hold you to them.",
        groups: &[Group {
            scope: Scope::Each("boundary", "Boundary"),
            fields: &[
                f("party", "Whose boundary", "", Kind::Party),
                f("rule", "The rule", "e.g. No e-mail after 19:00", Kind::Text),
                f("phrase", "What your partner may say", "", Kind::Text),
                f("measure", "How it is measured", "", Kind::Text),
                f(
                    "remind",
                    "Reminder",
                    "e.g. weekdays 18:45, or monday,thursday 07:30",
                    Kind::Text,
                ),
            ],
        }],
    },
    Spec {
        section: Section::Cadence,
        title: "Cadence and format",
        intro: "How often you check in, how, and what happens when one of you misses.",
        groups: &[Group {
            scope: Scope::Root,
            fields: &[
                f(
                    "cadence.interval_weeks",
                    "Every how many weeks",
                    "1 for weekly.",
                    Kind::Int,
                ),
                f("cadence.weekdays", "On", "", Kind::Checks(WEEKDAYS)),
                f("cadence.time", "At", "", Kind::Time),
                f("cadence.minutes", "Minutes per check-in", "", Kind::Int),
                f("cadence.format", "Format", "", Kind::Select(FORMATS)),
                f("cadence.facilitation", "Who leads", "", Kind::Facilitation),
                f(
                    "cadence.missed_checkin",
                    "If a check-in is missed",
                    "What happens next, concretely.",
                    Kind::Long,
                ),
            ],
        }],
    },
    Spec {
        section: Section::Agenda,
        title: "Agenda",
        intro: "What every check-in covers, in order. A fixed agenda is what keeps a check-in from drifting into a chat.",
        groups: &[Group {
            scope: Scope::Root,
            fields: &[f(
                "agenda.items",
                "Agenda items",
                "One per line, e.g. Did I do what I said last week?",
                Kind::Lines,
            )],
        }],
    },
    Spec {
        section: Section::Support,
        title: "Support preferences",
        intro: "What your partner should do, or not do, when you struggle. Behaviours they can act on, not adjectives.",
        groups: &[Group {
            scope: Scope::Parties,
            fields: &[f(
                "support",
                "Support wishes",
                "One per line, e.g. Ask me for the number before anything else.",
                Kind::Lines,
            )],
        }],
    },
    Spec {
        section: Section::Consequences,
        title: "Consequences",
        intro: "What happens after misses, agreed now while nobody is defending a miss.",
        groups: &[Group {
            scope: Scope::Each("consequence", "Consequence"),
            fields: &[
                f(
                    "after_misses",
                    "After how many misses in a row",
                    "",
                    Kind::Int,
                ),
                f("response", "What happens", "", Kind::Text),
            ],
        }],
    },
    Spec {
        section: Section::Recalibration,
        title: "Recalibration",
        intro: "When you look at this agreement again, and what would make you do it sooner.",
        groups: &[Group {
            scope: Scope::Root,
            fields: &[
                f(
                    "recalibration.date",
                    "Review the agreement on",
                    "",
                    Kind::Date,
                ),
                f(
                    "recalibration.calendared",
                    "Is it in both calendars?",
                    "",
                    Kind::YesNo,
                ),
                f(
                    "recalibration.triggers",
                    "Review sooner if",
                    "One per line.",
                    Kind::Lines,
                ),
                f(
                    "recalibration.if_one_struggles",
                    "If one of us struggles much more than the other",
                    "",
                    Kind::Long,
                ),
            ],
        }],
    },
    Spec {
        section: Section::Commitment,
        title: "Commitment",
        intro: "How committed each of you honestly is, and the time you have. A gap is fine if you talk about it now.",
        groups: &[Group {
            scope: Scope::Parties,
            fields: &[
                f("commitment_level", "Commitment (1–10)", "", Kind::Int),
                f("hours_per_week", "Hours per week for this", "", Kind::Float),
                f(
                    "relies_on_others_for",
                    "Keeps on track only with help in",
                    "Separate with commas, e.g. work, exercise",
                    Kind::Words,
                ),
                f(
                    "keeps_self_on_track_in",
                    "Keeps on track alone in",
                    "Separate with commas.",
                    Kind::Words,
                ),
            ],
        }],
    },
    Spec {
        section: Section::GroundRules,
        title: "Ground rules",
        intro: "What stays between you, what may be shared, and how you give each other feedback.",
        groups: &[Group {
            scope: Scope::Root,
            fields: &[
                f(
                    "ground_rules.confidentiality",
                    "Confidentiality",
                    "",
                    Kind::Long,
                ),
                f(
                    "relationship.information_boundaries",
                    "Information boundaries",
                    "What about your organisations is off limits.",
                    Kind::Long,
                ),
                f(
                    "ground_rules.feedback_style",
                    "Feedback style",
                    "",
                    Kind::Long,
                ),
            ],
        }],
    },
    Spec {
        section: Section::Wellbeing,
        title: "Well-being",
        intro: "What you track alongside the goals, so that a push never costs more than it should.",
        groups: &[Group {
            scope: Scope::Root,
            fields: &[f("wellbeing.track", "Track", "", Kind::Checks(WELLBEING))],
        }],
    },
];

/// The spec of a section named in a URL.
pub fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.section.as_str() == name)
}
