//! Reading the agreement's own recalibration triggers.
//!
//! Partners write triggers in their own words ("Stress at 4 or 5 for two
//! check-ins in a row"). Accord checks a trigger only when it can read all
//! of it as one well-being score, a band of scores and a number of
//! check-ins in a row; a word it does not know makes the whole trigger
//! unread. That is deliberate: a trigger read half-way would be checked
//! wrongly and trusted anyway. Triggers that are not read are listed with
//! the reason, so the partners know which ones they watch themselves.
//!
//! The forms read, with any of the filler words in [`FILLER`] around them:
//!
//! - the score: `stress`, `sleep`, `energy` or `mood` (one of them), and
//!   optionally a partner's name or id ("Jonas's stress"); "one of us",
//!   "either of us" and "one partner" mean either partner, as without a
//!   name ("both of us" or "each of us" is not read: it could mean both at
//!   once);
//! - the band: `at 4`, `at 4 or 5`, `at 4 or higher` / `above` / `more`,
//!   `at 2 or lower` / `below` / `less`, `4+`, `at least 4`, `at most 2`,
//!   `above 3`, `below 3`, `higher than 3`, `lower than 3`, optionally
//!   followed by `out of 5`; scores run from 1 to 5;
//! - the run: `two check-ins in a row` / `running` / `straight`,
//!   `two consecutive check-ins`, `twice in a row`, `three times running`.

use serde::Serialize;

use crate::model::{Agreement, PartyId, WellbeingIndicator};

use super::words::number;

/// Words that may surround the parts of a trigger without changing it.
pub const FILLER: &[&str] = &[
    "a",
    "an",
    "any",
    "anyone",
    "are",
    "at",
    "be",
    "been",
    "drop",
    "drops",
    "early",
    "either",
    "fall",
    "falls",
    "for",
    "go",
    "goes",
    "has",
    "have",
    "her",
    "his",
    "if",
    "is",
    "level",
    "levels",
    "ll",
    "my",
    "of",
    "our",
    "quality",
    "rated",
    "rates",
    "rating",
    "recalibrate",
    "recalibrating",
    "recalibration",
    "remain",
    "remains",
    "report",
    "reported",
    "reports",
    "rise",
    "rises",
    "s",
    "score",
    "scored",
    "scores",
    "scoring",
    "self",
    "someone",
    "stay",
    "stays",
    "the",
    "their",
    "then",
    "to",
    "trigger",
    "us",
    "was",
    "we",
    "were",
    "when",
    "whenever",
];

/// A well-being trigger that Accord checks at every recorded check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WellbeingTrigger {
    /// The trigger as the agreement words it; `None` for Accord's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Which score.
    pub indicator: WellbeingIndicator,
    /// The one partner it is about; `None` for either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyId>,
    /// The scores that count, ascending.
    pub scores: Vec<u8>,
    /// How many recorded check-ins in a row it takes.
    pub in_a_row: u32,
}

impl WellbeingTrigger {
    /// Accord's default for a tracked indicator, used when the agreement
    /// has no readable well-being trigger of its own: stress at 4 or 5, or
    /// any other score at 1 or 2, for two recorded check-ins in a row.
    pub fn default_for(indicator: WellbeingIndicator) -> Self {
        Self {
            text: None,
            indicator,
            party: None,
            scores: if crate::metrics::high_is_bad(indicator) {
                vec![4, 5]
            } else {
                vec![1, 2]
            },
            in_a_row: 2,
        }
    }

    /// Whether a score falls in the trigger's band.
    pub fn matches(&self, score: u8) -> bool {
        self.scores.contains(&score)
    }

    /// The band in words: "4 or higher", "2 or lower", "5", "3 or 5".
    pub fn band(&self) -> String {
        let (Some(&low), Some(&high)) = (self.scores.first(), self.scores.last()) else {
            return String::new();
        };
        let contiguous = usize::from(high - low) + 1 == self.scores.len();
        if low == high {
            low.to_string()
        } else if contiguous && high == 5 {
            format!("{low} or higher")
        } else if contiguous && low == 1 {
            format!("{high} or lower")
        } else {
            let all: Vec<String> = self.scores.iter().map(u8::to_string).collect();
            all.join(" or ")
        }
    }
}

/// A trigger Accord does not check, and why: the partners watch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UncheckedTrigger {
    /// The trigger as the agreement words it.
    pub text: String,
    /// Why Accord does not check it, in a sentence.
    pub reason: String,
}

/// The agreement's triggers, sorted into those Accord checks and those it
/// leaves to the partners.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Triggers {
    /// Well-being triggers Accord checks: the agreement's own when it has
    /// readable ones, otherwise the default for each tracked indicator.
    pub checked: Vec<WellbeingTrigger>,
    /// Triggers the partners check themselves.
    pub unchecked: Vec<UncheckedTrigger>,
    /// Whether `checked` holds Accord's default rather than the
    /// agreement's own triggers.
    pub default_rule: bool,
}

/// Sorts the agreement's recalibration triggers.
pub fn read_triggers(agreement: &Agreement) -> Triggers {
    let mut out = Triggers::default();
    let texts = agreement
        .recalibration
        .as_ref()
        .map_or(&[][..], |r| &r.triggers);
    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
        match read_trigger(agreement, text) {
            Ok(t) => out.checked.push(t),
            Err(reason) => out.unchecked.push(UncheckedTrigger {
                text: text.trim().to_owned(),
                reason,
            }),
        }
    }
    if out.checked.is_empty() {
        out.default_rule = true;
        out.checked = tracked(agreement)
            .iter()
            .map(|i| WellbeingTrigger::default_for(*i))
            .collect();
    }
    out
}

/// The indicators the agreement tracks.
pub(crate) fn tracked(agreement: &Agreement) -> &[WellbeingIndicator] {
    agreement.wellbeing.as_ref().map_or(&[], |w| &w.track)
}

/// Reads one trigger, or says in a sentence why it cannot be checked.
pub fn read_trigger(agreement: &Agreement, text: &str) -> Result<WellbeingTrigger, String> {
    let unreadable = || {
        "Accord could not read all of it as a score, a band and a number of check-ins in a row \
         (such as \u{201c}stress at 4 or 5 for two check-ins in a row\u{201d}), so it does not \
         check it for you."
            .to_owned()
    };
    let mut r = Reader::new(text);
    for phrase in [
        &["one", "of", "us"][..],
        &["either", "of", "us"],
        &["one", "partner"],
    ] {
        r.take_phrase(phrase);
    }

    let mut indicators: Vec<WellbeingIndicator> = Vec::new();
    for i in 0..r.toks.len() {
        let found = match r.toks[i].as_str() {
            "stress" | "stressed" => Some(WellbeingIndicator::Stress),
            "sleep" => Some(WellbeingIndicator::Sleep),
            "energy" => Some(WellbeingIndicator::Energy),
            "mood" => Some(WellbeingIndicator::Mood),
            _ => None,
        };
        if let Some(found) = found {
            r.used[i] = true;
            if !indicators.contains(&found) {
                indicators.push(found);
            }
        }
    }
    let indicator = match indicators[..] {
        [] => {
            return Err(
                "It is not about a well-being score, so Accord cannot see it in \
                        your check-ins; you watch for it yourselves."
                    .into(),
            );
        }
        [one] => one,
        _ => {
            return Err("It combines more than one well-being score; Accord checks \
                        triggers about one score only."
                .into());
        }
    };
    if !tracked(agreement).contains(&indicator) {
        return Err(format!(
            "The agreement does not track {}, so there are no scores to check it against.",
            indicator.as_str()
        ));
    }

    let mut parties: Vec<PartyId> = Vec::new();
    for i in 0..r.toks.len() {
        let tok = r.toks[i].clone();
        if let Some(p) = agreement
            .parties
            .iter()
            .find(|p| p.id.as_str() == tok || p.short_name().to_lowercase() == tok)
        {
            r.used[i] = true;
            if !parties.contains(&p.id) {
                parties.push(p.id.clone());
            }
        }
    }
    if parties.len() > 1 {
        return Err(unreadable());
    }

    let runs = r.runs();
    let bands = r.bands();
    let (&[in_a_row], [scores]) = (&runs[..], &bands[..]) else {
        return Err(unreadable());
    };
    if in_a_row == 0 || scores.is_empty() || r.leftover() {
        return Err(unreadable());
    }
    Ok(WellbeingTrigger {
        text: Some(text.trim().to_owned()),
        indicator,
        party: parties.pop(),
        scores: scores.clone(),
        in_a_row,
    })
}

/// The words of a trigger, and which are accounted for.
struct Reader {
    toks: Vec<String>,
    used: Vec<bool>,
}

const ROW: [&[&str]; 4] = [
    &["in", "a", "row"],
    &["running"],
    &["straight"],
    &["consecutively"],
];
const UP: [&str; 5] = ["higher", "above", "more", "over", "greater"];
const DOWN: [&str; 4] = ["lower", "below", "less", "under"];

impl Reader {
    fn new(text: &str) -> Self {
        let lower = text.to_lowercase();
        let mut toks: Vec<String> = Vec::new();
        for word in lower
            .split(|c: char| !(c.is_alphanumeric() || c == '+'))
            .filter(|w| !w.is_empty())
        {
            let merges =
                toks.last().is_some_and(|l| l == "check") && (word == "in" || word == "ins");
            if merges {
                toks.pop();
                toks.push("checkins".into());
            } else if word == "checkin" || word == "checkins" {
                toks.push("checkins".into());
            } else {
                toks.push(word.to_owned());
            }
        }
        let used = vec![false; toks.len()];
        Self { toks, used }
    }

    /// The unused word at `i`, if any.
    fn at(&self, i: usize) -> Option<&str> {
        (!self.used.get(i).copied().unwrap_or(true)).then(|| self.toks[i].as_str())
    }

    fn is(&self, i: usize, words: &[&str]) -> bool {
        self.at(i).is_some_and(|w| words.contains(&w))
    }

    fn phrase_at(&self, i: usize, phrase: &[&str]) -> bool {
        phrase.iter().enumerate().all(|(k, w)| self.is(i + k, &[w]))
    }

    fn mark(&mut self, i: usize, n: usize) {
        for u in self.used.iter_mut().skip(i).take(n) {
            *u = true;
        }
    }

    fn take_phrase(&mut self, phrase: &[&str]) {
        for i in 0..self.toks.len() {
            if self.phrase_at(i, phrase) {
                self.mark(i, phrase.len());
            }
        }
    }

    /// The length of a "in a row" phrase at `i`, if there is one.
    fn row_at(&self, i: usize) -> Option<usize> {
        ROW.iter().find(|p| self.phrase_at(i, p)).map(|p| p.len())
    }

    /// Every run of check-ins named, consumed.
    fn runs(&mut self) -> Vec<u32> {
        let mut out = Vec::new();
        for i in 0..self.toks.len() {
            let n = self.at(i).and_then(number);
            // "two check-ins in a row", "three times running"
            if let Some(n) = n
                && self.is(i + 1, &["checkins", "times"])
                && let Some(len) = self.row_at(i + 2)
            {
                self.mark(i, 2 + len);
                out.push(n);
            // "two consecutive check-ins"
            } else if let Some(n) = n
                && self.is(i + 1, &["consecutive", "successive", "straight"])
                && self.is(i + 2, &["checkins"])
            {
                self.mark(i, 3);
                out.push(n);
            // "twice in a row"
            } else if self.is(i, &["twice"])
                && let Some(len) = self.row_at(i + 1)
            {
                self.mark(i, 1 + len);
                out.push(2);
            }
        }
        out
    }

    /// Every band of scores named, consumed. A number outside 1 to 5 gives
    /// an empty band, which is not read.
    fn bands(&mut self) -> Vec<Vec<u8>> {
        let score = |n: Option<u32>| {
            n.and_then(|n| u8::try_from(n).ok())
                .filter(|n| (1..=5).contains(n))
        };
        let span = |low: u8, high: u8| -> Vec<u8> { (low..=high).collect() };
        let mut out = Vec::new();
        for i in 0..self.toks.len() {
            let Some(word) = self.at(i).map(str::to_owned) else {
                continue;
            };
            let next = self.at(i + 1).map(str::to_owned);
            let after = self.at(i + 2).map(str::to_owned);
            let (band, len) = if word == "at" && matches!(next.as_deref(), Some("least" | "most")) {
                let band = match (next.as_deref(), score(after.as_deref().and_then(number))) {
                    (Some("least"), Some(n)) => span(n, 5),
                    (Some("most"), Some(n)) => span(1, n),
                    _ => vec![],
                };
                (band, 3)
            } else if UP.contains(&word.as_str()) || DOWN.contains(&word.as_str()) {
                // "above 3", "higher than 3"
                let than = usize::from(next.as_deref() == Some("than"));
                let Some(n) = self.at(i + 1 + than).and_then(number) else {
                    continue;
                };
                let band = match score(Some(n)) {
                    Some(n) if UP.contains(&word.as_str()) => span(n + 1, 5),
                    Some(n) => span(1, n - 1),
                    None => vec![],
                };
                (band, 2 + than)
            } else if let Some(n) = word.strip_suffix('+').map(number) {
                (score(n).map_or(vec![], |n| span(n, 5)), 1)
            } else if let Some(n) = number(&word) {
                let n = score(Some(n));
                if next.as_deref() == Some("or") {
                    let other = after.as_deref();
                    let band = match (n, other) {
                        (Some(n), Some(w)) if UP.contains(&w) => span(n, 5),
                        (Some(n), Some(w)) if DOWN.contains(&w) => span(1, n),
                        (Some(n), Some(w)) => match score(number(w)) {
                            Some(m) => {
                                let mut both = vec![n.min(m), n.max(m)];
                                both.dedup();
                                both
                            }
                            None => vec![],
                        },
                        _ => vec![],
                    };
                    (band, 3)
                } else {
                    (n.map_or(vec![], |n| vec![n]), 1)
                }
            } else {
                continue;
            };
            self.mark(i, len);
            // "… out of 5", "… of 5"
            let j = i + len;
            if self.phrase_at(j, &["out", "of", "5"]) {
                self.mark(j, 3);
            } else if self.phrase_at(j, &["of", "5"]) {
                self.mark(j, 2);
            }
            out.push(band);
        }
        out
    }

    /// Whether a word that is neither read nor filler is left.
    fn leftover(&self) -> bool {
        self.toks
            .iter()
            .zip(&self.used)
            .any(|(t, used)| !used && !FILLER.contains(&t.as_str()))
    }
}
