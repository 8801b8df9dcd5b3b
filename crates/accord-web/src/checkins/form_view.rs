//! The check-in form, shown: one section per party in agreement order,
//! filled with what was typed when a save was refused, each message beside
//! its input and all of them listed at the top (with links to the inputs),
//! so nothing typed is lost and nothing wrong is missed.

use accord_core::Agreement;
use accord_core::checkin::Outcome;
use accord_core::model::{PartyId, WellbeingIndicator};

use super::form::{Errors, name, value};
use crate::editor::form::Submitted;

/// One choice of a group of radio buttons.
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its label.
    pub label: &'static str,
    /// Whether it is chosen.
    pub checked: bool,
}

/// A text input or textarea.
pub struct TextField {
    /// The input's name (and id).
    pub name: String,
    /// Its label.
    pub label: String,
    /// What was typed.
    pub value: String,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// One commitment to mark.
pub struct ReviewRow {
    /// The commitment.
    pub commitment: String,
    /// The hidden input that carries it.
    pub commitment_name: String,
    /// The name of its radio buttons.
    pub outcome_name: String,
    /// Kept, partly kept, missed.
    pub choices: Vec<Choice>,
    /// The problem with the outcome, if any.
    pub outcome_error: Option<String>,
    /// What got in the way.
    pub obstacle: TextField,
}

/// One boundary that may have slipped.
pub struct SlipRow {
    /// The check box's name.
    pub name: String,
    /// The boundary.
    pub rule: String,
    /// Whether it is ticked.
    pub checked: bool,
    /// The problem with it, if any.
    pub error: Option<String>,
    /// What happened.
    pub note: TextField,
}

/// One well-being score.
pub struct ScoreRow {
    /// The radio buttons' name.
    pub name: String,
    /// "Stress", "Sleep"…
    pub label: &'static str,
    /// What 1 and 5 mean.
    pub scale: &'static str,
    /// 1 to 5.
    pub choices: Vec<Choice>,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// One party's section.
pub struct PartyForm {
    /// The party's name.
    pub name: String,
    /// Whether it is the viewer's.
    pub you: bool,
    /// Problems with the report as a whole (its commitments list).
    pub errors: Vec<String>,
    /// The commitments from last time.
    pub reviewed: Vec<ReviewRow>,
    /// Indicator values, one per goal with an indicator.
    pub indicators: Vec<TextField>,
    /// The party's boundaries.
    pub slips: Vec<SlipRow>,
    /// The agreed well-being scores.
    pub scores: Vec<ScoreRow>,
    /// One win.
    pub win: TextField,
    /// The next period's commitments, one per line.
    pub next_commitments: TextField,
    /// One next step.
    pub next_step: TextField,
}

/// A problem in the list at the top of the form.
pub struct Summary {
    /// The id of its input, when it has one on the page.
    pub anchor: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The whole form.
pub struct RecordForm {
    /// One section per party.
    pub parties: Vec<PartyForm>,
    /// Every problem, for the list at the top of the form.
    pub summary: Vec<Summary>,
    /// The recorder's note.
    pub note: TextField,
    /// Whether the note is private.
    pub note_private: bool,
}

const OUTCOMES: [(Outcome, &str); 3] = [
    (Outcome::Kept, "Kept"),
    (Outcome::PartlyKept, "Partly kept"),
    (Outcome::Missed, "Missed"),
];

fn label_of(indicator: WellbeingIndicator) -> (&'static str, &'static str) {
    match indicator {
        WellbeingIndicator::Stress => ("Stress", "1 calm, 5 very stressed"),
        WellbeingIndicator::Sleep => ("Sleep", "1 poor, 5 very good"),
        WellbeingIndicator::Energy => ("Energy", "1 drained, 5 full of energy"),
        WellbeingIndicator::Mood => ("Mood", "1 low, 5 very good"),
    }
}

/// Takes the messages for one input out of `errors`.
fn take(errors: &mut Errors, name: &str) -> Option<String> {
    errors.remove(name).map(|v| v.join(" "))
}

/// A text input as submitted, with its messages.
fn text(form: &Submitted, errors: &mut Errors, name: String, label: String) -> TextField {
    TextField {
        value: value(form, &name).to_owned(),
        error: take(errors, &name),
        name,
        label,
    }
}

/// Builds the form: empty, or as submitted with `errors` by input name.
pub fn view(
    agreement: &Agreement,
    expected: &[(PartyId, Vec<String>)],
    viewer: Option<&PartyId>,
    submitted: Option<&Submitted>,
    mut errors: Errors,
) -> RecordForm {
    let all = errors.clone();
    let empty = Submitted::new();
    let form = submitted.unwrap_or(&empty);
    let tracked = agreement
        .wellbeing
        .as_ref()
        .map(|w| w.track.clone())
        .unwrap_or_default();
    let mut parties = Vec::new();
    for (i, party) in agreement.parties.iter().enumerate() {
        let who = party.short_name();
        let due: &[String] = expected
            .iter()
            .find(|(p, _)| p == &party.id)
            .map_or(&[], |(_, list)| list.as_slice());
        let party_errors: Vec<String> = [name(i, "reviewed"), name(i, "party")]
            .iter()
            .filter_map(|n| take(&mut errors, n))
            .collect();
        let mut reviewed = Vec::new();
        for (j, commitment) in due.iter().enumerate() {
            let base = name(i, &format!("reviewed[{j}]"));
            let outcome_name = format!("{base}.outcome");
            let chosen = value(form, &outcome_name).to_owned();
            reviewed.push(ReviewRow {
                commitment: commitment.clone(),
                commitment_name: format!("{base}.commitment"),
                choices: OUTCOMES
                    .iter()
                    .map(|(o, label)| Choice {
                        value: o.as_str().to_owned(),
                        label,
                        checked: chosen == o.as_str(),
                    })
                    .collect(),
                outcome_error: take(&mut errors, &outcome_name),
                outcome_name,
                obstacle: text(
                    form,
                    &mut errors,
                    format!("{base}.obstacle"),
                    "What got in the way (if not kept)".into(),
                ),
            });
        }
        let mut indicators = Vec::new();
        for (g, goal) in agreement.goals.iter().enumerate() {
            let (true, Some(indicator)) = (goal.party == party.id, &goal.indicator) else {
                continue;
            };
            let unit = goal
                .unit
                .as_deref()
                .map_or_else(String::new, |u| format!(" ({u})"));
            let n = name(i, &format!("indicators.{g}"));
            indicators.push(text(form, &mut errors, n, format!("{indicator}{unit}")));
        }
        let mut slips = Vec::new();
        for (b, boundary) in agreement.boundaries.iter().enumerate() {
            if boundary.party != party.id {
                continue;
            }
            let n = name(i, &format!("slips.{b}"));
            slips.push(SlipRow {
                checked: form.contains_key(&n),
                error: take(&mut errors, &n),
                note: text(
                    form,
                    &mut errors,
                    format!("{n}.note"),
                    "What happened (optional)".into(),
                ),
                name: n,
                rule: boundary.rule.clone(),
            });
        }
        let mut scores = Vec::new();
        for indicator in &tracked {
            let n = name(i, &format!("wellbeing.{}", indicator.as_str()));
            let chosen = value(form, &n).trim().to_owned();
            let (label, scale) = label_of(*indicator);
            scores.push(ScoreRow {
                choices: ["1", "2", "3", "4", "5"]
                    .into_iter()
                    .map(|s| Choice {
                        value: s.to_owned(),
                        label: s,
                        checked: chosen == s,
                    })
                    .collect(),
                error: take(&mut errors, &n),
                name: n,
                label,
                scale,
            });
        }
        parties.push(PartyForm {
            name: party.name.clone(),
            you: viewer == Some(&party.id),
            errors: party_errors,
            reviewed,
            indicators,
            slips,
            scores,
            win: text(
                form,
                &mut errors,
                name(i, "win"),
                format!("{who}'s win since last time"),
            ),
            next_commitments: text(
                form,
                &mut errors,
                name(i, "next_commitments"),
                format!("{who}'s commitments until the next check-in, one per line"),
            ),
            next_step: text(
                form,
                &mut errors,
                name(i, "next_step"),
                format!("{who}'s next concrete step"),
            ),
        });
    }
    let note = text(
        form,
        &mut errors,
        "note".into(),
        "A note from you (optional)".into(),
    );
    // Every message is listed at the top; those no input took link nowhere.
    let summary = all
        .into_iter()
        .flat_map(|(k, v)| {
            let anchor = (!errors.contains_key(&k)).then(|| k.clone());
            v.into_iter().map(move |message| Summary {
                anchor: anchor.clone(),
                message,
            })
        })
        .collect();
    RecordForm {
        parties,
        summary,
        note,
        note_private: form.contains_key("note_private"),
    }
}
