//! Helpers of the parse-error tests: a minimal valid agreement with known
//! line numbers, ways to put one bad line into it, and position assertions.
#![allow(dead_code, clippy::unwrap_used)]

use accord_core::{Diagnostic, ParseError, parse_toml};

/// A minimal valid agreement. Lines: 1 `format`, 3 `[[party]]`, 4 `id`,
/// 5 `name`, 7 `[[party]]`, 8 `id`, 9 `name`; text appended with [`append`]
/// starts on line 10.
pub const BASE: &str = "format = 1\n\n[[party]]\nid = \"ana\"\nname = \"Ana\"\n\n[[party]]\nid = \"leo\"\nname = \"Leo\"\n";

/// BASE with `line` as line 2, at the top level.
pub fn top(line: &str) -> String {
    BASE.replacen("format = 1\n", &format!("format = 1\n{line}\n"), 1)
}

/// BASE with `line` as line 6, in the first `[[party]]`.
pub fn party_field(line: &str) -> String {
    BASE.replacen("name = \"Ana\"", &format!("name = \"Ana\"\n{line}"), 1)
}

/// BASE followed by `extra` (which usually starts with a blank line 10).
pub fn append(extra: &str) -> String {
    format!("{BASE}{extra}")
}

/// BASE with a goal of `party` (line 12) whose further fields start on
/// line 14.
pub fn goal_of(party: &str, lines: &str) -> String {
    append(&format!(
        "\n[[goal]]\nparty = \"{party}\"\noutcome = \"x\"\n{lines}\n"
    ))
}

pub fn goal_with(lines: &str) -> String {
    goal_of("ana", lines)
}

/// BASE with a `[cadence]` whose first field is on line 12.
pub fn cadence_with(lines: &str) -> String {
    append(&format!("\n[cadence]\n{lines}\n"))
}

/// BASE with a boundary of "ana" whose `remind` is on line 14.
pub fn remind(value: &str) -> String {
    append(&format!(
        "\n[[boundary]]\nparty = \"ana\"\nrule = \"x\"\nremind = \"{value}\"\n"
    ))
}

pub fn errors(text: &str) -> ParseError {
    match parse_toml(text) {
        Ok(a) => panic!("expected an error for:\n{text}\ngot {a:?}"),
        Err(e) => e,
    }
}

/// Asserts that `d` is at `line`:`column` and that its message contains
/// every one of `words`.
pub fn check_diag(d: &Diagnostic, input: &str, (line, column): (usize, usize), words: &[&str]) {
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
pub fn check(text: &str, at: (usize, usize), words: &[&str]) -> Diagnostic {
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
pub fn check_all(cases: &[(String, (usize, usize), &[&str])]) {
    for (text, at, words) in cases {
        check(text, *at, words);
    }
}

pub fn fields(err: &ParseError) -> Vec<Option<&str>> {
    err.diagnostics.iter().map(|d| d.field.as_deref()).collect()
}
