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
use accord_core::{Diagnostic, ParseError, from_json, parse_toml, parse_toml_bytes};

/// A minimal valid agreement. Lines: 1 `format`, 3 `[[party]]`, 4 `id`,
/// 5 `name`, 7 `[[party]]`, 8 `id`, 9 `name`; text appended with [`append`]
/// starts on line 10.
const BASE: &str = "format = 1\n\n[[party]]\nid = \"ana\"\nname = \"Ana\"\n\n[[party]]\nid = \"leo\"\nname = \"Leo\"\n";

/// BASE with `line` as line 2, at the top level.
fn top(line: &str) -> String {
    BASE.replacen("format = 1\n", &format!("format = 1\n{line}\n"), 1)
}

/// BASE with `line` as line 6, in the first `[[party]]`.
fn party_field(line: &str) -> String {
    BASE.replacen("name = \"Ana\"", &format!("name = \"Ana\"\n{line}"), 1)
}

/// BASE followed by `extra` (which usually starts with a blank line 10).
fn append(extra: &str) -> String {
    format!("{BASE}{extra}")
}

/// BASE with a goal of `party` (line 12) whose further fields start on
/// line 14.
fn goal_of(party: &str, lines: &str) -> String {
    append(&format!(
        "\n[[goal]]\nparty = \"{party}\"\noutcome = \"x\"\n{lines}\n"
    ))
}

fn goal_with(lines: &str) -> String {
    goal_of("ana", lines)
}

/// BASE with a `[cadence]` whose first field is on line 12.
fn cadence_with(lines: &str) -> String {
    append(&format!("\n[cadence]\n{lines}\n"))
}

/// BASE with a boundary of "ana" whose `remind` is on line 14.
fn remind(value: &str) -> String {
    append(&format!(
        "\n[[boundary]]\nparty = \"ana\"\nrule = \"x\"\nremind = \"{value}\"\n"
    ))
}

fn errors(text: &str) -> ParseError {
    match parse_toml(text) {
        Ok(a) => panic!("expected an error for:\n{text}\ngot {a:?}"),
        Err(e) => e,
    }
}

/// Asserts that `d` is at `line`:`column` and that its message contains
/// every one of `words`.
fn check_diag(d: &Diagnostic, input: &str, (line, column): (usize, usize), words: &[&str]) {
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no location: {d:?}"));
    assert_eq!(
        (loc.line, loc.column),
        (line, column),
        "position of {d:?} in:\n{input}"
    );
    for w in words {
        assert!(d.message.contains(w), "{:?} lacks {w:?}", d.message);
    }
}

/// Checks the first diagnostic of `text` and returns it.
fn check(text: &str, at: (usize, usize), words: &[&str]) -> Diagnostic {
    let err = errors(text);
    let d = err
        .diagnostics
        .first()
        .expect("at least one diagnostic")
        .clone();
    check_diag(&d, text, at, words);
    d
}

/// [`check`] for several inputs.
fn check_all(cases: &[(String, (usize, usize), &[&str])]) {
    for (text, at, words) in cases {
        check(text, *at, words);
    }
}

fn fields(err: &ParseError) -> Vec<Option<&str>> {
    err.diagnostics.iter().map(|d| d.field.as_deref()).collect()
}

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

// ------------------------------------------------------------ bytes and BOM

#[test]
fn non_utf8_bytes_are_located() {
    let mut bytes = b"format = 1\ntitle = \"ok\"\nname = \"caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b'"', b'\n']);
    let err = parse_toml_bytes(&bytes).unwrap_err();
    let d = &err.diagnostics[0];
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (3, 12), "{d:?}");
    assert_eq!(loc.span, 35..36);
    assert!(
        d.message.contains("UTF-8") && d.message.contains("0xE9"),
        "{}",
        d.message
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let with_bom = format!("\u{feff}{BASE}");
    assert_eq!(parse_toml(&with_bom), parse_toml(BASE));
    assert_eq!(parse_toml_bytes(with_bom.as_bytes()), parse_toml(BASE));
    // Positions count from after the mark, as an editor shows them.
    check(
        &format!("\u{feff}{}", top("titel = 1")),
        (2, 1),
        &["`titel`"],
    );
}

#[test]
fn spans_point_into_the_input_even_with_a_byte_order_mark() {
    let text = format!("\u{feff}{}", top("titel = 1"));
    let d = check(&text, (2, 1), &["`titel`"]);
    assert_eq!(&text[d.location.unwrap().span], "titel");
    let text = format!("\u{feff}{}", goal_of("zed", ""));
    let d = check(&text, (12, 9), &["\"zed\""]);
    assert_eq!(&text[d.location.unwrap().span], "\"zed\"");
}

#[test]
fn bom_does_not_shift_columns_of_bad_bytes() {
    let mut bytes = "\u{feff}ti".as_bytes().to_vec();
    bytes.push(0xE9);
    let err = parse_toml_bytes(&bytes).unwrap_err();
    let loc = err.diagnostics[0].location.clone().unwrap();
    assert_eq!((loc.line, loc.column), (1, 3));
}

// --------------------------------------------------- several, sorted, JSON

#[test]
fn all_problems_are_reported_in_document_order() {
    // Two bad references: both reported, each with its field path.
    let goal = "\n[[goal]]\nparty = \"zed\"\noutcome = \"x\"\n";
    let boundary = "\n[[boundary]]\nparty = \"bob\"\nrule = \"x\"\n";
    let text = append(&format!("{goal}{boundary}"));
    let err = errors(&text);
    assert_eq!(
        fields(&err),
        [Some("goal[0].party"), Some("boundary[0].party")]
    );
    check_diag(&err.diagnostics[0], &text, (12, 9), &["\"zed\""]);
    check_diag(&err.diagnostics[1], &text, (16, 9), &["\"bob\""]);

    // The boundary comes first in the file, so it is reported first, though
    // goals are checked before boundaries.
    let text = append(&format!("{boundary}{goal}"));
    let err = errors(&text);
    assert_eq!(
        fields(&err),
        [Some("boundary[0].party"), Some("goal[0].party")]
    );
    check_diag(&err.diagnostics[0], &text, (12, 9), &["\"bob\""]);
    check_diag(&err.diagnostics[1], &text, (16, 9), &["\"zed\""]);

    // Many kinds at once, all reported from the start of the file to its end.
    let parties = party_field("support = [\"\"]").replace("\"leo\"", "\"ana\"");
    let text = format!(
        "{}\n[cadence]\nweekdays = [\"friday\", \"friday\"]\n",
        parties.replacen("format = 1", "format = 2", 1)
    );
    let err = errors(&text);
    let expected = [
        Some("format"),
        Some("party[0].support[0]"),
        Some("party[1].id"),
        Some("cadence.weekdays[1]"),
    ];
    assert_eq!(fields(&err), expected, "{err}");
    let lines: Vec<usize> = err
        .diagnostics
        .iter()
        .map(|d| d.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines, [1, 6, 9, 13]);
}

#[test]
fn json_errors_give_positions_and_fields() {
    let text = "{\"format\": 1,\n  \"titel\": \"x\", \"party\": []}";
    let err = from_json(text).unwrap_err();
    let d = &err.diagnostics[0];
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.line, 2, "{d:?}");
    assert!(
        (3..=9).contains(&loc.column),
        "column within `\"titel\"`: {d:?}"
    );
    assert!(d.message.contains("`titel`"), "{}", d.message);
    assert!(d.message.contains("Did you mean `title`?"), "{}", d.message);

    let text = r#"{"format": 1, "party": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "goal": [{"party": "c", "outcome": "o"}]}"#;
    let err = from_json(text).unwrap_err();
    assert_eq!(fields(&err), [Some("goal[0].party")]);
    assert!(err.diagnostics[0].message.contains("\"c\""), "{err}");
}

#[test]
fn json_messages_are_reworded_cleanly() {
    let err = from_json("{\"format\": 1,\n  \"titel\": \"x\", \"party\": []}").unwrap_err();
    let m = &err.diagnostics[0].message;
    assert!(!m.contains(" at line "), "{m}");
    assert!(m.ends_with("ground_rules, wellbeing."), "{m}");
}

#[test]
fn json_columns_count_characters() {
    // `"titel"` closes at character 25 but byte 28 (each é is two bytes).
    let text = "{\"title\": \"h\u{e9}\u{e9}\u{e9}\", \"titel\": 1}";
    let err = from_json(text).unwrap_err();
    let loc = err.diagnostics[0].location.clone().unwrap();
    assert_eq!((loc.line, loc.column), (1, 25), "{err:?}");
    assert_eq!(&text[loc.span.start..loc.span.start + 1], "\"");
}
