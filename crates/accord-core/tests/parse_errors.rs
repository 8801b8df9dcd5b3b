//! Bad agreements give positioned, readable errors.
//!
//! Each test feeds one kind of mistake to the public parsers and checks the
//! first diagnostic: its exact 1-based line and column (in characters), and
//! key words of a message that names the problem and what was expected.
#![allow(clippy::unwrap_used)]

use accord_core::model::{
    CheckinFormat, HistoryCause, Observable, RelationshipKind, Scenario, Weekday,
    WellbeingIndicator,
};
use accord_core::parse_toml;

mod parse_common;
use parse_common::*;

#[test]
fn the_base_document_is_valid() {
    parse_toml(BASE).unwrap();
}

// ---------------------------------------------------------- unknown fields

#[test]
fn unknown_field_at_top_level() {
    let d = check(&top("titel = \"x\""), (2, 1), &["`titel`", "not a field"]);
    assert!(d.message.contains("Did you mean `title`?"), "{}", d.message);
    assert!(
        d.message.contains("format, title,"),
        "lists allowed: {}",
        d.message
    );
}

#[test]
fn unknown_field_in_party_suggests_the_near_one() {
    let text = party_field("comitment_level = 3");
    let d = check(
        &text,
        (6, 1),
        &["`comitment_level`", "not a field", "hours_per_week"],
    );
    assert!(
        d.message.contains("Did you mean `commitment_level`?"),
        "{}",
        d.message
    );
    let d = check(&party_field("zzz = 1"), (6, 1), &["`zzz`", "not a field"]);
    assert!(!d.message.contains("Did you mean"), "{}", d.message);
}

#[test]
fn unknown_field_in_cadence() {
    let text = cadence_with("minutes = 20\nintervall = 2");
    check(
        &text,
        (13, 1),
        &[
            "`intervall`",
            "not a field",
            "interval_weeks",
            "missed_checkin",
        ],
    );
}

#[test]
fn unknown_field_in_inline_milestone() {
    let text = goal_with("milestones = [ { date = 2027-01-15, valu = 3 } ]");
    check(&text, (14, 37), &["`valu`", "not a field"]);
}

#[test]
fn unknown_field_in_two_field_tables_lists_them_and_hints() {
    let text = goal_with("milestones = [ { date = 2027-01-15, valu = 3 } ]");
    let d = check(&text, (14, 37), &["Did you mean `value`?", "date, value"]);
    assert!(!d.message.contains("` or `"), "{}", d.message);
    let text = append("\n[[consequence]]\nafter_misses = 1\nrespons = \"x\"\n");
    check(
        &text,
        (13, 1),
        &["Did you mean `response`?", "after_misses, response"],
    );
}

// ------------------------------------------------------------- wrong types

#[test]
fn wrong_types() {
    let cases: [(String, (usize, usize), &[&str]); 3] = [
        (
            party_field("commitment_level = \"high\""),
            (6, 20),
            &["\"high\"", "expected", "whole number"],
        ),
        (
            BASE.replace("name = \"Ana\"", "name = 5"),
            (5, 8),
            &["5", "expected"],
        ),
        (top("title = [\"a\"]"), (2, 9), &["expected"]),
    ];
    for (text, at, words) in &cases {
        let d = check(text, *at, words);
        // Said in words, not in Rust's type names.
        for jargon in ["i64", "u32", "f64", "invalid type"] {
            assert!(!d.message.contains(jargon), "{:?} says {jargon}", d.message);
        }
    }
}

#[test]
fn a_bare_toml_time_is_explained() {
    check(&cadence_with("time = 08:00:00"), (12, 8), &["\"08:00\""]);
}

// ------------------------------------------------------------ out of range

#[test]
fn numbers_out_of_range() {
    let cl = |v: &str| party_field(&format!("commitment_level = {v}"));
    let rating = "1 (low) to 5 (high)";
    check_all(&[
        (cl("0"), (6, 20), &["from 1 to 10", "found 0"]),
        (cl("11"), (6, 20), &["from 1 to 10", "found 11"]),
        (goal_with("stretch = 0"), (14, 11), &[rating, "found 0"]),
        (goal_with("stretch = 6"), (14, 11), &[rating, "found 6"]),
        (goal_with("exposure = 6"), (14, 12), &[rating, "found 6"]),
        (
            cadence_with("interval_weeks = 0"),
            (12, 18),
            &["weeks from 1 to 52", "found 0"],
        ),
        (
            cadence_with("minutes = 0"),
            (12, 11),
            &["minutes from 1 to 1440", "found 0"],
        ),
        (
            cadence_with("minutes = -5"),
            (12, 11),
            &["minutes from 1 to 1440", "found -5"],
        ),
    ]);
}

// ----------------------------------------------------------------- parties

#[test]
fn references_to_parties_that_do_not_exist() {
    let known = "the parties are \"ana\" and \"leo\"";
    let d = check(
        &goal_of("zed", ""),
        (12, 9),
        &["no party", "\"zed\"", known],
    );
    assert_eq!(d.field.as_deref(), Some("goal[0].party"));
    let text = append("\n[[boundary]]\nparty = \"zed\"\nrule = \"x\"\n");
    let d = check(&text, (12, 9), &["no party", "\"zed\"", known]);
    assert_eq!(d.field.as_deref(), Some("boundary[0].party"));
    let text = cadence_with("facilitation = \"zed\"");
    let d = check(
        &text,
        (12, 16),
        &["no party", "\"zed\"", known, "\"rotating\""],
    );
    assert_eq!(d.field.as_deref(), Some("cadence.facilitation"));
}

#[test]
fn exactly_two_parties() {
    let one = "format = 1\n\n[[party]]\nid = \"ana\"\nname = \"Ana\"\n";
    let d = check(one, (3, 1), &["exactly two", "[[party]]", "found 1"]);
    assert_eq!(d.field.as_deref(), Some("party[0]"));
    let three = append("\n[[party]]\nid = \"max\"\nname = \"Max\"\n");
    let d = check(&three, (11, 1), &["exactly two", "found 3"]);
    assert_eq!(d.field.as_deref(), Some("party[2]"));
    let d = check(
        "format = 1\ntitle = \"t\"\n",
        (1, 1),
        &["exactly two", "found none"],
    );
    assert_eq!(d.field.as_deref(), Some("party"));
}

#[test]
fn party_ids_are_unique_and_well_formed() {
    let d = check(
        &BASE.replace("\"leo\"", "\"ana\""),
        (8, 6),
        &["\"ana\"", "used twice"],
    );
    assert_eq!(d.field.as_deref(), Some("party[1].id"));
    check_all(&[
        (
            BASE.replace("\"leo\"", "\"Leo\""),
            (8, 6),
            &["lower-case", "'L'", "\"Leo\""],
        ),
        (
            BASE.replace("\"leo\"", "\"le o\""),
            (8, 6),
            &["lower-case", "' '", "\"le o\""],
        ),
    ]);
}

// ---------------------------------------------------- zones, dates, times

#[test]
fn unknown_time_zone() {
    let text = top("timezone = \"Mars/Olympus\"");
    check(
        &text,
        (2, 12),
        &["\"Mars/Olympus\"", "time zone", "Europe/Berlin"],
    );
}

#[test]
fn invalid_dates() {
    check_all(&[
        (
            top("drafted = 2027-02-30"),
            (2, 11),
            &["invalid date", "day"],
        ),
        (
            top("drafted = 2027-02-03T10:00:00"),
            (2, 11),
            &["without a time", "2027-01-15"],
        ),
        (
            top("drafted = \"2027-13-01\""),
            (2, 11),
            &["\"2027-13-01\"", "not a valid date", "month"],
        ),
        (goal_with("due = 2027-02-30"), (14, 7), &["invalid date"]),
    ]);
}

#[test]
fn invalid_times_of_day() {
    check_all(&[
        (
            cadence_with("time = \"25:00\""),
            (12, 8),
            &["\"25:00\"", "00 to 23"],
        ),
        (
            cadence_with("time = \"8am\""),
            (12, 8),
            &["\"8am\"", "such as \"08:00\""],
        ),
    ]);
}

#[test]
fn invalid_boundary_reminders() {
    check_all(&[
        (
            remind("someday 10:00"),
            (14, 10),
            &["\"someday\"", "not a day", "weekdays"],
        ),
        (
            remind("weekdays"),
            (14, 10),
            &["\"weekdays 18:45\"", "found \"weekdays\""],
        ),
        (
            remind("daily 25:00"),
            (14, 10),
            &["\"daily 21:00\"", "found \"daily 25:00\""],
        ),
        (
            remind("monday,monday 10:00"),
            (14, 10),
            &["monday", "twice"],
        ),
    ]);
}

// ------------------------------------------------------------------- words

/// The message names the bad word and lists every allowed one.
fn check_words(text: &str, at: (usize, usize), bad: &str, allowed: &[&str]) {
    let d = check(text, at, &[&format!("\"{bad}\""), "allowed"]);
    for w in allowed {
        assert!(
            d.message.contains(&format!("\"{w}\"")),
            "{:?} lacks {w}",
            d.message
        );
    }
}

/// The words of a closed vocabulary.
macro_rules! words {
    ($ty:ident) => {
        &$ty::ALL.iter().map(|w| w.as_str()).collect::<Vec<_>>()
    };
}

#[test]
fn unknown_words_list_the_allowed_ones() {
    check_words(
        &top("scenario = \"tried\""),
        (2, 12),
        "tried",
        words!(Scenario),
    );
    let text = append("\n[relationship]\nkind = \"buddy\"\n");
    check_words(&text, (12, 8), "buddy", words!(RelationshipKind));
    let text = append("\n[[history]]\ncauses = [\"boredom\"]\n");
    check_words(&text, (12, 11), "boredom", words!(HistoryCause));
    let text = goal_with("observable = \"hourly\"");
    check_words(&text, (14, 14), "hourly", words!(Observable));
    let text = cadence_with("weekdays = [\"funday\"]");
    check_words(&text, (12, 13), "funday", words!(Weekday));
    let text = cadence_with("format = \"carrier-pigeon\"");
    check_words(&text, (12, 10), "carrier-pigeon", words!(CheckinFormat));
    let text = append("\n[wellbeing]\ntrack = [\"joy\"]\n");
    check_words(&text, (12, 10), "joy", words!(WellbeingIndicator));
}

// ------------------------------------------------- format, required fields

#[test]
fn format_version() {
    let text = BASE.replace("format = 1", "format = 2");
    let d = check(&text, (1, 10), &["format 2", "`format = 1`"]);
    assert_eq!(d.field.as_deref(), Some("format"));
    check(
        &BASE.replacen("format = 1\n", "", 1),
        (1, 1),
        &["`format`", "missing"],
    );
}

#[test]
fn missing_required_fields() {
    check_all(&[
        (
            BASE.replacen("name = \"Ana\"\n", "", 1),
            (3, 1),
            &["`name`", "missing"],
        ),
        (
            append("\n[[goal]]\nparty = \"ana\"\n"),
            (11, 1),
            &["`outcome`", "missing"],
        ),
        (
            append("\n[[goal]]\noutcome = \"x\"\n"),
            (11, 1),
            &["`party`", "missing"],
        ),
    ]);
}

#[test]
fn repeated_and_blank_entries() {
    let text = cadence_with("weekdays = [\"monday\", \"friday\", \"monday\"]");
    let d = check(&text, (12, 33), &["monday", "twice"]);
    assert_eq!(d.field.as_deref(), Some("cadence.weekdays[2]"));
    let ladder = "\n[[consequence]]\nafter_misses = 1\nresponse = \"a\"\n\
                  [[consequence]]\nafter_misses = 1\nresponse = \"b\"\n";
    let d = check(
        &append(ladder),
        (15, 16),
        &["after 1 misses", "its own number"],
    );
    assert_eq!(d.field.as_deref(), Some("consequence[1].after_misses"));
    let text = party_field("support = [\"Ask me on Fridays.\", \"  \"]");
    let d = check(&text, (6, 34), &["support preference", "empty"]);
    assert_eq!(d.field.as_deref(), Some("party[0].support[1]"));
}

// ----------------------------------------------------------- malformed TOML

#[test]
fn malformed_toml() {
    check_all(&[
        (
            append("\n[cadence\nminutes = 3\n"),
            (11, 9),
            &["unclosed table", "`]`"],
        ),
        (top("title = \"abc"), (2, 13), &["string", "`\"`"]),
        (
            top("title = \"a\"\ntitle = \"b\""),
            (3, 1),
            &["duplicate key"],
        ),
        (top("title = hello"), (2, 9), &["must be quoted"]),
    ]);
}
