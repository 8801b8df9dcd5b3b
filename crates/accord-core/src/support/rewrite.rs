//! Rewrites for support statements: turning an attitude into a behaviour that
//! keeps what the person meant, and sharpening a behaviour with a situation.

use super::Classification;

/// A family of attitudes and the behaviour that usually serves it.
struct Family {
    /// Stems of the attitude words in the family.
    stems: &'static [&'static str],
    /// The situation used when the statement has none.
    situation: &'static str,
    /// The behaviour that keeps the attitude's intent.
    behaviour: &'static str,
}

const FAMILIES: &[Family] = &[
    Family {
        stems: &["feedback", "critici", "critique"],
        situation: "After I report on my week",
        behaviour: "tell me the one thing that looks most off track and why, before anything else",
    },
    Family {
        stems: &[
            "direct",
            "blunt",
            "honest",
            "candid",
            "frank",
            "straight",
            "truth",
            "no-nonsense",
            "keep it real",
            "sugarcoat",
            "firm",
            "strict",
            "tough",
            "harsh",
            "relentless",
            "assertive",
            "challenge",
            "push",
            "accountable",
            "hook",
            "serious",
            "boss",
        ],
        situation: "When I miss a commitment",
        behaviour: "name it plainly in the first five minutes, then ask what I will do differently before our next check-in",
    },
    Family {
        stems: &[
            "kind",
            "gentle",
            "patien",
            "understand",
            "easy",
            "soft",
            "compassion",
            "empath",
            "grace",
            "slack",
            "sensitive",
            "calm",
            "mindful",
            "judg",
            "reassur",
            "flexible",
            "warm",
            "coddle",
            "feel bad",
            "disappoint",
            "accept",
        ],
        situation: "When I fall behind",
        behaviour: "ask me what got in the way before you offer any suggestion",
    },
    Family {
        stems: &[
            "support",
            "encourag",
            "motivat",
            "positiv",
            "proud",
            "cheer",
            "believe",
            "celebrat",
            "appreciat",
            "count",
            "inspire",
            "back",
        ],
        situation: "At the start of each check-in",
        behaviour: "name one thing I kept before we look at what I missed",
    },
    Family {
        stems: &["respect", "space", "pace", "trust", "first", "there"],
        situation: "When I say a week is too full",
        behaviour: "ask which one commitment I will still keep, and take that answer without arguing",
    },
];

const DEFAULT_FAMILY: Family = Family {
    stems: &[],
    situation: "When I miss a commitment",
    behaviour: "ask me what got in the way before offering suggestions",
};

/// An actionable rewrite of a vague statement, built from its own words: its
/// situation is kept, its attitude is turned into the behaviour that usually
/// serves it.
pub fn rewrite(statement: &str, c: &Classification) -> String {
    let lower = statement.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    // A stem matches the start of a word ("patien" in "patience"), or a
    // phrase anywhere ("feel bad"); never the inside of a word ("back" is
    // not in "feedback").
    let matches = |stem: &str| {
        if stem.contains(' ') {
            lower.contains(stem)
        } else {
            words.iter().any(|w| w.starts_with(stem))
        }
    };
    let family = FAMILIES
        .iter()
        .find(|f| f.stems.iter().any(|s| matches(s)))
        .unwrap_or(&DEFAULT_FAMILY);
    let situation = c.situation.as_deref().unwrap_or(family.situation);
    format!("{situation}, {}.", family.behaviour)
}

/// For an actionable statement with no situation: the same behaviour with a
/// "when" in front, so that both know when it applies. `None` when the
/// statement already says when.
pub fn sharpen(statement: &str, c: &Classification) -> Option<String> {
    if !c.actionable || c.has_situation {
        return None;
    }
    let body = statement.trim().trim_end_matches(['.', '!']);
    let mut chars = body.chars();
    let first = chars.next()?;
    // Keep "I" and acronyms as written; lower-case an ordinary first word.
    let keep = body.starts_with("I ") || chars.clone().next().is_some_and(char::is_uppercase);
    let body = if keep {
        body.to_owned()
    } else {
        first.to_lowercase().chain(chars).collect()
    };
    Some(format!(
        "Say when it applies, for example: \u{201c}When I miss a commitment, {body}.\u{201d}"
    ))
}
