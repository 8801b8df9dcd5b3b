//! The check-in form, read: urlencoded pairs into a [`CheckinRecord`].
//!
//! Inputs are named after the JSON paths of the record, so that a
//! [`Problem`] from `accord_core::checkin::check` lands beside its input:
//!
//! | input | meaning |
//! |---|---|
//! | `reports[i].reviewed[j].commitment` | the commitment reviewed (hidden) |
//! | `reports[i].reviewed[j].outcome` | `kept`, `partly-kept` or `missed` |
//! | `reports[i].reviewed[j].obstacle` | what got in the way |
//! | `reports[i].indicators.{goal}` | the value of goal `goal`'s indicator |
//! | `reports[i].slips.{boundary}` | a ticked box: the boundary slipped |
//! | `reports[i].slips.{boundary}.note` | what happened |
//! | `reports[i].wellbeing.{indicator}` | a score from 1 to 5 |
//! | `reports[i].win`, `reports[i].next_step` | one line each |
//! | `reports[i].next_commitments` | one commitment per line |
//! | `note`, `note_private` | the recorder's note, and whether it is private |
//!
//! Report `i` is the agreement's party `i`. A value that cannot be read (a
//! word where a number goes, an outcome that is not one) is a problem at
//! its input; the engine's own paths into lists (`reports[0].slips[1].note`)
//! are mapped back to the input they came from ([`placed`]).
//!
//! Every index is bounded by the agreement, never by what a client sends:
//! reports, indicators, slips and scores are read for the agreement's
//! parties, goals, boundaries and tracked indicators only (other names are
//! ignored), and a row `reports[i].reviewed[j]` beyond the commitments due
//! is a problem at `reports[i].reviewed`, not a reason to read that many
//! rows.

use std::collections::BTreeMap;

use accord_core::Agreement;
use accord_core::checkin::{
    self, CheckinRecord, IndicatorValue, Outcome, PartyReport, Problem, Reviewed, Score, Slip,
};
use accord_core::model::{Number, PartyId};

use crate::editor::form::Submitted;

/// Messages by input name.
pub type Errors = BTreeMap<String, Vec<String>>;

/// A form, read.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The record as far as it could be read.
    pub record: CheckinRecord,
    /// The recorder's note: (private, text), when one was written.
    pub note: Option<(bool, String)>,
    /// What could not be read, and (only then) what the engine finds wrong
    /// with the rest, so that every problem is shown at once.
    pub problems: Vec<Problem>,
}

/// The name of an input of report `i`.
pub fn name(i: usize, rest: &str) -> String {
    format!("reports[{i}].{rest}")
}

/// The first value submitted for `name`, as sent.
pub fn value<'a>(form: &'a Submitted, name: &str) -> &'a str {
    form.get(name)
        .and_then(|v| v.first())
        .map_or("", String::as_str)
}

/// How many commitments report `i` of the form reviews: as many rows as
/// it sent, or, when it sent none, as many as are due; never more than are
/// due, since the form shows no more. The second value is the name of a
/// row sent beyond those (`reports[0].reviewed[7]`), if one was.
fn reviewed_rows(form: &Submitted, i: usize, due: usize) -> (usize, Option<String>) {
    let prefix = name(i, "reviewed[");
    let mut rows = None;
    let mut beyond = None;
    for index in form
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter_map(|rest| Some(rest.split_once(']')?.0))
    {
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        match index.parse::<usize>() {
            Ok(j) if j < due => rows = rows.max(Some(j + 1)),
            // A row the form does not show, or a number too large to read.
            _ => {
                beyond.get_or_insert_with(|| format!("{prefix}{index}]"));
            }
        }
    }
    // When only rows beyond the due ones were sent, the due ones are read
    // as if none were: the stray rows are the one problem.
    (rows.unwrap_or(due), beyond)
}

/// Reads a number as people type it: `6`, `6.5`, `6,5`.
pub fn number(text: &str) -> Option<Number> {
    let text = text.trim().replace(',', ".");
    text.parse::<f64>().ok().and_then(|v| Number::parse(v).ok())
}

/// Reads the form against the agreement and the commitments due.
pub fn parse(
    agreement: &Agreement,
    expected: &[(PartyId, Vec<String>)],
    form: &Submitted,
) -> Parsed {
    let mut problems = Vec::new();
    let mut problem = |field: String, message: String| problems.push(Problem { field, message });
    let tracked = agreement
        .wellbeing
        .as_ref()
        .map(|w| w.track.clone())
        .unwrap_or_default();
    let mut reports = Vec::new();
    for (i, party) in agreement.parties.iter().enumerate() {
        let who = party.short_name();
        let due: &[String] = expected
            .iter()
            .find(|(p, _)| p == &party.id)
            .map_or(&[], |(_, list)| list.as_slice());
        let mut reviewed = Vec::new();
        let (rows, beyond) = reviewed_rows(form, i, due.len());
        if let Some(row) = beyond {
            problem(
                name(i, "reviewed"),
                match due.len() {
                    0 => format!(
                        "{who} has no commitments to review, so there is no `{row}`: \
                         send none."
                    ),
                    n => format!(
                        "{who} has {n} commitment(s) to review, so there is no `{row}`: \
                         send `reviewed[0]` to `reviewed[{}]` only.",
                        n - 1
                    ),
                },
            );
        }
        for j in 0..rows {
            let base = name(i, &format!("reviewed[{j}]"));
            let sent = value(form, &format!("{base}.commitment"));
            let commitment = if sent.trim().is_empty() {
                due.get(j).cloned().unwrap_or_default()
            } else {
                sent.to_owned()
            };
            let word = value(form, &format!("{base}.outcome")).trim();
            let outcome = match Outcome::parse(word) {
                Some(o) => o,
                None => {
                    let message = if word.is_empty() {
                        format!(
                            "Mark how \"{}\" went: kept, partly kept or missed.",
                            commitment.trim()
                        )
                    } else {
                        format!("\"{word}\" is not an outcome: choose kept, partly kept or missed.")
                    };
                    problem(format!("{base}.outcome"), message);
                    // A stand-in, so the rest can still be checked.
                    Outcome::Kept
                }
            };
            let obstacle = value(form, &format!("{base}.obstacle"));
            reviewed.push(Reviewed {
                commitment,
                outcome,
                obstacle: (!obstacle.trim().is_empty()).then(|| obstacle.to_owned()),
            });
        }
        let mut indicators = Vec::new();
        for (g, goal) in agreement.goals.iter().enumerate() {
            let (true, Some(indicator)) = (goal.party == party.id, &goal.indicator) else {
                continue;
            };
            let field = name(i, &format!("indicators.{g}"));
            let text = value(form, &field).trim();
            if text.is_empty() {
                continue;
            }
            match number(text) {
                Some(value) => indicators.push(IndicatorValue { goal: g, value }),
                None => problem(
                    field,
                    format!("Write {who}'s \"{indicator}\" as a number, e.g. 6 or 6.5."),
                ),
            }
        }
        let mut slips = Vec::new();
        for (b, boundary) in agreement.boundaries.iter().enumerate() {
            if boundary.party != party.id {
                continue;
            }
            let field = name(i, &format!("slips.{b}"));
            let ticked = form.contains_key(&field);
            let note = value(form, &format!("{field}.note"));
            if ticked {
                slips.push(Slip {
                    boundary: b,
                    note: (!note.trim().is_empty()).then(|| note.to_owned()),
                });
            } else if !note.trim().is_empty() {
                problem(
                    field,
                    "Tick the box if this boundary slipped, or leave its note empty.".into(),
                );
            }
        }
        let mut wellbeing = Vec::new();
        for indicator in &tracked {
            let field = name(i, &format!("wellbeing.{}", indicator.as_str()));
            let text = value(form, &field).trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<u8>() {
                Ok(score) => wellbeing.push(Score {
                    indicator: *indicator,
                    score,
                }),
                Err(_) => problem(
                    field,
                    format!(
                        "Score {who}'s {} with a whole number from 1 to 5.",
                        indicator.as_str()
                    ),
                ),
            }
        }
        reports.push(PartyReport {
            party: party.id.clone(),
            reviewed,
            indicators,
            slips,
            wellbeing,
            win: value(form, &name(i, "win")).to_owned(),
            next_commitments: value(form, &name(i, "next_commitments"))
                .lines()
                .map(str::to_owned)
                .collect(),
            next_step: value(form, &name(i, "next_step")).to_owned(),
        });
    }
    let record = CheckinRecord { reports };
    let note = value(form, "note");
    let note =
        (!note.trim().is_empty()).then(|| (form.contains_key("note_private"), note.to_owned()));
    if !problems.is_empty() {
        // Show the engine's findings on the rest too, but never two
        // messages for an input whose value could not be read.
        if let Err(more) = checkin::check(agreement, expected, &record.clone().tidy()) {
            let more = placed(&more, &record);
            let taken: Vec<String> = problems.iter().map(|p| p.field.clone()).collect();
            problems.extend(more.into_iter().filter(|p| !taken.contains(&p.field)));
        }
    }
    Parsed {
        record,
        note,
        problems,
    }
}

/// The problems with each field path turned into the name of the input it
/// belongs to: `reports[0].slips[1].note` → `reports[0].slips.{boundary}.note`,
/// `reports[0].indicators[0].goal` → `reports[0].indicators.{goal}`, an
/// item of `next_commitments` → the list's textarea.
pub fn placed(problems: &[Problem], record: &CheckinRecord) -> Vec<Problem> {
    problems
        .iter()
        .map(|p| Problem {
            field: input_of(&p.field, record),
            message: p.message.clone(),
        })
        .collect()
}

fn input_of(field: &str, record: &CheckinRecord) -> String {
    let Some((i, rest)) = field
        .strip_prefix("reports[")
        .and_then(|r| r.split_once("]."))
        .and_then(|(i, rest)| Some((i.parse::<usize>().ok()?, rest)))
    else {
        return field.to_owned();
    };
    let report = record.reports.get(i);
    let item = |list: &str| -> Option<(usize, &str)> {
        let (j, tail) = rest
            .strip_prefix(list)?
            .strip_prefix('[')?
            .split_once(']')?;
        Some((j.parse().ok()?, tail))
    };
    if let Some((j, _)) = item("indicators")
        && let Some(v) = report.and_then(|r| r.indicators.get(j))
    {
        return name(i, &format!("indicators.{}", v.goal));
    }
    if let Some((j, tail)) = item("slips")
        && let Some(s) = report.and_then(|r| r.slips.get(j))
    {
        let suffix = if tail == ".note" { ".note" } else { "" };
        return name(i, &format!("slips.{}{suffix}", s.boundary));
    }
    if item("next_commitments").is_some() {
        return name(i, "next_commitments");
    }
    field.to_owned()
}

/// Problems as messages by input name.
pub fn errors(problems: &[Problem]) -> Errors {
    let mut out = Errors::new();
    for p in problems {
        out.entry(p.field.clone())
            .or_default()
            .push(p.message.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::editor::form::collect;

    fn agreement() -> Agreement {
        accord_core::parse_toml(
            r#"
format = 1
timezone = "Europe/Berlin"
[[party]]
id = "maya"
name = "Maya Chen"
[[party]]
id = "jonas"
name = "Jonas Berg"
[[goal]]
party = "maya"
outcome = "Hold one-to-ones"
indicator = "one-to-ones held"
actions = ["Book them on Monday"]
[[goal]]
party = "jonas"
outcome = "Delegate the report"
actions = ["Review a draft on Thursday"]
[[boundary]]
party = "maya"
rule = "No e-mail after 19:00"
[wellbeing]
track = ["stress"]
"#,
        )
        .unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> Submitted {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        collect(&owned)
    }

    #[test]
    fn a_complete_form_reads_into_a_record_the_engine_accepts() {
        let a = agreement();
        let expected = checkin::expected_commitments(&a, None);
        let f = form(&[
            ("reports[0].reviewed[0].outcome", "missed"),
            ("reports[0].reviewed[0].obstacle", "Ill all week"),
            ("reports[0].indicators.0", "6,5"),
            ("reports[0].slips.0", "on"),
            ("reports[0].slips.0.note", "Twice"),
            ("reports[0].wellbeing.stress", "4"),
            ("reports[0].win", "Two one-to-ones"),
            ("reports[0].next_commitments", "Book them\n\nHold three\n"),
            ("reports[0].next_step", "Calendar on Monday"),
            ("reports[1].reviewed[0].outcome", "kept"),
            ("reports[1].wellbeing.stress", "2"),
            ("reports[1].win", "Draft reviewed"),
            ("reports[1].next_commitments", "Review again"),
            ("reports[1].next_step", "Thursday"),
            ("note", "Good talk"),
            ("note_private", "on"),
        ]);
        let parsed = parse(&a, &expected, &f);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let record = parsed.record.clone().tidy();
        assert!(checkin::check(&a, &expected, &record).is_ok());
        assert_eq!(record.reports[0].indicators[0].value.get(), 6.5);
        assert_eq!(record.reports[0].slips[0].note.as_deref(), Some("Twice"));
        assert_eq!(
            record.reports[0].next_commitments,
            ["Book them", "Hold three"]
        );
        assert_eq!(parsed.note, Some((true, "Good talk".into())));
    }

    #[test]
    fn unreadable_values_are_problems_beside_their_inputs_with_the_rest() {
        let a = agreement();
        let expected = checkin::expected_commitments(&a, None);
        let f = form(&[
            ("reports[0].reviewed[0].outcome", "sort-of"),
            ("reports[0].indicators.0", "six"),
            ("reports[0].wellbeing.stress", "high"),
            ("reports[0].slips.0.note", "once"),
        ]);
        let parsed = parse(&a, &expected, &f);
        let fields: Vec<&str> = parsed.problems.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "reports[0].reviewed[0].outcome",
            "reports[0].indicators.0",
            "reports[0].wellbeing.stress",
            "reports[0].slips.0",
            "reports[0].win",
            "reports[1].reviewed[0].outcome",
            "reports[1].next_step",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        // One message per input: the engine's "score it" is not added to
        // the unreadable score.
        assert_eq!(
            fields
                .iter()
                .filter(|f| **f == "reports[0].wellbeing.stress")
                .count(),
            1
        );
    }

    #[test]
    fn rows_beyond_the_due_commitments_are_refused_not_read() {
        let a = agreement();
        // One commitment due for each.
        let expected = checkin::expected_commitments(&a, None);
        let f = form(&[
            ("reports[0].reviewed[0].outcome", "kept"),
            ("reports[0].reviewed[4000000000].outcome", "x"),
            ("reports[0].reviewed[1].obstacle", "x"),
            ("reports[1].reviewed[99999999999999999999999].outcome", "x"),
            ("reports[1].reviewed[x].outcome", "ignored"),
            ("reports[7].reviewed[0].outcome", "ignored"),
            ("reports[0].indicators.4000000000", "1"),
            ("reports[0].slips.4000000000", "on"),
        ]);
        let parsed = parse(&a, &expected, &f);
        // Only the rows the form shows are read.
        assert_eq!(parsed.record.reports.len(), 2);
        for report in &parsed.record.reports {
            assert_eq!(report.reviewed.len(), 1, "{report:?}");
            assert!(report.indicators.is_empty() && report.slips.is_empty());
        }
        let errors = errors(&parsed.problems);
        let maya = &errors["reports[0].reviewed"];
        assert_eq!(maya.len(), 1, "{maya:?}");
        assert!(
            maya[0].contains("Maya has 1 commitment(s) to review")
                && (maya[0].contains("`reports[0].reviewed[4000000000]`")
                    || maya[0].contains("`reports[0].reviewed[1]`")),
            "{maya:?}"
        );
        let jonas = &errors["reports[1].reviewed"];
        assert!(
            jonas[0].contains("`reports[1].reviewed[99999999999999999999999]`"),
            "{jonas:?}"
        );
        // Jonas's due row was read as if none had been sent.
        assert!(errors.contains_key("reports[1].reviewed[0].outcome"));

        // Nothing due: any row is one too many.
        let none = vec![
            (a.parties[0].id.clone(), vec![]),
            (a.parties[1].id.clone(), vec![]),
        ];
        let parsed = parse(
            &a,
            &none,
            &form(&[("reports[1].reviewed[0].outcome", "kept")]),
        );
        assert!(parsed.record.reports.iter().all(|r| r.reviewed.is_empty()));
        assert!(
            super::errors(&parsed.problems)["reports[1].reviewed"][0]
                .contains("no commitments to review"),
            "{:?}",
            parsed.problems
        );
    }

    #[test]
    fn engine_paths_into_lists_map_to_their_inputs() {
        let a = agreement();
        let expected = checkin::expected_commitments(&a, None);
        let f = form(&[
            ("reports[0].slips.0", "on"),
            ("reports[0].indicators.0", "3"),
        ]);
        let record = parse(&a, &expected, &f).record;
        let p = |field: &str| Problem {
            field: field.into(),
            message: String::new(),
        };
        let placed = placed(
            &[
                p("reports[0].slips[0].note"),
                p("reports[0].indicators[0].goal"),
                p("reports[0].next_commitments[3]"),
                p("reports"),
            ],
            &record,
        );
        let fields: Vec<&str> = placed.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "reports[0].slips.0.note",
                "reports[0].indicators.0",
                "reports[0].next_commitments",
                "reports"
            ]
        );
    }
}
