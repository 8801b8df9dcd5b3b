//! Bad input below the TOML level: bytes that are not UTF-8, byte-order
//! marks, several problems at once in document order, and JSON bodies.
#![allow(clippy::unwrap_used)]

use accord_core::{from_json, parse_toml, parse_toml_bytes};

mod parse_common;
use parse_common::*;

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

    // A value the model cannot read names its field too, and its place.
    let text = "{\"format\": 1, \"party\": [{\"id\": \"a\", \"name\": \"A\",\n \"commitment_level\": 42}]}";
    let err = from_json(text).unwrap_err();
    assert_eq!(fields(&err), [Some("party[0].commitment_level")]);
    let loc = err.diagnostics[0].location.as_ref().unwrap();
    assert_eq!(loc.line, 2, "{err:?}");
    // Trailing text after the document is still refused.
    assert!(from_json("{\"format\": 1, \"party\": []} x").is_err());
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

// ------------------------------------------------------------ NUL

#[test]
fn a_nul_in_any_text_is_refused_at_its_escape() {
    // TOML forbids a raw NUL; an escaped one decodes, and is refused with the
    // field and the place of the escape.
    let text = party_field(r#"support = ["Ask me on Fridays.", "x\u0000y"]"#);
    let d = check(&text, (6, 36), &["NUL", "party[0].support[1]"]);
    assert_eq!(d.field.as_deref(), Some("party[0].support[1]"));
    let text = top(r#"title = "Run\U00000000""#);
    let d = check(&text, (2, 13), &["NUL"]);
    assert_eq!(d.field.as_deref(), Some("title"));
    // An escaped backslash before `u0000` is text, not a NUL; nor is a NUL
    // written in a comment or a literal string.
    assert!(parse_toml(&top(r#"title = "C:\\u0000""#)).is_ok());
    assert!(parse_toml(&top(r#"title = 'a\u0000' # \u0000"#)).is_ok());
    // A raw NUL byte is TOML's own error, also positioned.
    check(&top("title = \"a\0\""), (2, 11), &[]);
    // JSON bodies: the field by path.
    let json = r#"{"format":1,"party":[{"id":"ana","name":"A\u0000"},{"id":"leo","name":"Leo"}]}"#;
    let err = from_json(json).unwrap_err();
    assert_eq!(
        err.diagnostics[0].field.as_deref(),
        Some("party[0].name"),
        "{err}"
    );
}
