//! Golden tests: every agreement in `shared/examples/` gives exactly the
//! findings that `expected.md` lists, no more and no fewer.

use std::collections::BTreeMap;
use std::path::PathBuf;

use accord_core::model::Date;
use accord_core::{Rule, parse_toml, review};

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/examples")
}

/// What expected.md says about one file.
#[derive(Debug, Default)]
struct Expected {
    exit: Option<i32>,
    /// (rule id, party) → how many times.
    findings: BTreeMap<(String, Option<String>), usize>,
}

/// Reads expected.md: a `## file` heading per example, an "Exit status N."
/// line, and bullets naming rule ids in backticks, each optionally followed
/// by `(party)`, with "twice" or "three times" multiplying a single id.
fn expected() -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(examples_dir().join("expected.md"))
        .expect("shared/examples/expected.md is readable");
    let mut all = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(file) = line.strip_prefix("## ") {
            current = Some(file.trim().to_owned());
            all.insert(file.trim().to_owned(), Expected::default());
            continue;
        }
        let Some(file) = &current else { continue };
        let entry = all.get_mut(file).expect("inserted above");
        if let Some(rest) = line.split("Exit status ").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            entry.exit = digits.parse().ok();
        }
        let Some(bullet) = line.strip_prefix("- ") else {
            continue;
        };
        let times = if bullet.contains("three times") {
            3
        } else if bullet.contains("twice") {
            2
        } else {
            1
        };
        let pieces: Vec<&str> = bullet.split('`').collect();
        // Odd pieces are inside backticks. A multiplied bullet names one rule,
        // then what it is about (history causes share words with rule ids).
        let ids = if times > 1 { 1 } else { usize::MAX };
        for (i, piece) in pieces.iter().enumerate().skip(1).step_by(2).take(ids) {
            if Rule::from_id(piece).is_none() {
                continue; // a history cause, not a rule
            }
            let after = pieces.get(i + 1).copied().unwrap_or("");
            let party = after
                .trim_start()
                .strip_prefix('(')
                .and_then(|s| s.split_once(')'))
                .map(|(p, _)| p.trim().to_owned());
            *entry
                .findings
                .entry((piece.to_string(), party))
                .or_default() += times;
        }
    }
    all
}

fn today() -> Date {
    Date::parse("2026-11-21").expect("valid date")
}

#[test]
fn every_example_gives_exactly_the_expected_findings() {
    let expected = expected();
    assert_eq!(
        expected.len(),
        3,
        "three examples are described: {expected:?}"
    );
    for (file, want) in &expected {
        let text = std::fs::read_to_string(examples_dir().join(file)).expect("example readable");
        let agreement = parse_toml(&text).unwrap_or_else(|e| panic!("{file} parses: {e}"));
        let review = review(&agreement, today());
        let mut got: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
        for f in &review.findings {
            *got.entry((
                f.rule.id().to_owned(),
                f.party.as_ref().map(|p| p.to_string()),
            ))
            .or_default() += 1;
        }
        assert_eq!(
            got, want.findings,
            "{file}: findings differ from expected.md"
        );
        let exit = if review.has_high() { 1 } else { 0 };
        assert_eq!(Some(exit), want.exit, "{file}: exit status");
    }
}

#[test]
fn the_draft_names_each_unaddressed_cause() {
    let text = std::fs::read_to_string(examples_dir().join("draft-tried-before.toml"))
        .expect("example readable");
    let agreement = parse_toml(&text).expect("parses");
    let review = review(&agreement, today());
    let history: Vec<&str> = review
        .findings
        .iter()
        .filter(|f| f.rule == Rule::HistoryUnaddressed)
        .map(|f| f.suggestion.as_str())
        .collect();
    for cause in ["unclear-agenda", "no-consequences", "commitment-mismatch"] {
        assert!(
            history.iter().any(|s| s.contains(cause)),
            "{cause} is named: {history:?}"
        );
    }
    // Vague statements are quoted back with a rewrite.
    let vague: Vec<_> = review
        .findings
        .iter()
        .filter(|f| f.rule == Rule::SupportVague)
        .collect();
    assert!(
        vague
            .iter()
            .any(|f| f.message.contains("Be direct but kind."))
    );
    assert!(vague.iter().any(|f| f.message.contains("Honest feedback.")));
}
