//! Positions in text: byte offsets to lines and columns, field paths to spans,
//! and the wording of parser messages.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::validate::{FieldPath, Segment};

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The byte offset of a 1-based line and a column counted in bytes (as
/// serde_json counts), moved back to a character boundary.
pub(crate) fn offset_of_byte_column(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Spans of every table, array and value of a TOML text, looked up by path.
pub(crate) struct SpanIndex<'i> {
    root: Option<Spanned<DeTable<'i>>>,
}

impl<'i> SpanIndex<'i> {
    /// Parses `text` keeping spans; text that does not parse yields no spans.
    pub(crate) fn new(text: &'i str) -> Self {
        Self {
            root: DeTable::parse(text).ok(),
        }
    }

    /// The span of the deepest part of `path` present in the text: the value
    /// itself when it is there, otherwise the nearest enclosing table.
    pub(crate) fn find(&self, path: &FieldPath) -> Range<usize> {
        let Some(root) = &self.root else { return 0..0 };
        let mut best = 0..0;
        let mut table: Option<&DeTable<'i>> = Some(root.get_ref());
        let mut array: Option<&[Spanned<DeValue<'i>>]> = None;
        for segment in path.segments() {
            let found = match (segment, table, array) {
                (Segment::Key(key), Some(t), _) => t
                    .iter()
                    .find(|(k, _)| k.get_ref().as_ref() == *key)
                    .map(|(_, v)| v),
                (Segment::Index(i), _, Some(a)) => a.get(*i),
                _ => None,
            };
            let Some(value) = found else { break };
            best = value.span();
            (table, array) = match value.get_ref() {
                DeValue::Table(t) => (Some(t), None),
                DeValue::Array(a) => (None, Some(a.as_ref())),
                _ => (None, None),
            };
        }
        best
    }
}

/// Rewords serde's terse messages for people editing a file by hand.
pub(crate) fn explain_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once("`, expected ") {
            // serde says "one of `a`, `b`, `c`", "`a` or `b`", or "`a`".
            let known: Vec<&str> = expected
                .trim_start_matches("one of ")
                .split(", ")
                .flat_map(|s| s.split(" or "))
                .map(|s| s.trim().trim_matches('`'))
                .filter(|s| !s.is_empty())
                .collect();
            let hint = closest(field, &known)
                .map_or_else(String::new, |k| format!(" Did you mean `{k}`?"));
            return format!(
                "`{field}` is not a field here.{hint} The fields allowed here are: {}.",
                known.join(", ")
            );
        }
        if let Some((field, _)) = rest.split_once('`') {
            return format!("`{field}` is not a field here; this table takes no fields.");
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        if field == "format" {
            return "the required field `format` is missing; start the file with `format = 1`"
                .into();
        }
        return format!("the required field `{field}` is missing here");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "expected {}, found {}",
            plain_type(expected),
            plain_found(found)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((word, expected)) = rest.split_once("`, expected ")
    {
        return format!(
            "{word:?} is not one of the allowed words; expected {}",
            expected.trim_start_matches("one of ").replace('`', "\"")
        );
    }
    message.to_owned()
}

/// Serde's name of an expected type, in words for people.
fn plain_type(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "an integer" => {
            "a whole number".into()
        }
        "f32" | "f64" | "a number" => "a number".into(),
        "a string" => "text in double quotes".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list in square brackets, such as [\"a\", \"b\"]".into(),
        _ if e.starts_with("struct ") || e == "a map" => "a table".into(),
        _ => e.to_owned(),
    }
}

/// Serde's description of a value found, in words for people.
fn plain_found(found: &str) -> String {
    let f = found.trim();
    for (prefix, word) in [
        ("string ", "the text "),
        ("integer ", "the number "),
        ("floating point ", "the number "),
        ("boolean ", ""),
    ] {
        if let Some(value) = f.strip_prefix(prefix) {
            return format!("{word}{}", value.trim_matches('`'));
        }
    }
    match f {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        _ => f.to_owned(),
    }
}

/// The known word nearest to `word`, if it is close enough to be a typo.
fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The keys whose values are dates. The model writes dates as strings (the
/// JSON form); in TOML they read better as bare dates, which parse back to
/// the same value.
const DATE_KEYS: [&str; 3] = ["drafted", "due", "date"];

/// Turns the date strings of a serialised agreement into TOML dates.
pub(crate) fn dates_as_toml_dates(table: &mut toml::Table) {
    for (key, value) in table.iter_mut() {
        match value {
            toml::Value::String(s) if DATE_KEYS.contains(&key.as_str()) => {
                if let Ok(dt) = s.parse::<toml::value::Datetime>() {
                    *value = toml::Value::Datetime(dt);
                }
            }
            toml::Value::Table(t) => dates_as_toml_dates(t),
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(t) = item {
                        dates_as_toml_dates(t);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // "é" is two bytes but one column.
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(offset_of_byte_column(text, 2, 4), 9);
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn type_errors_are_said_in_words() {
        assert_eq!(
            explain_message("invalid type: string \"1\", expected u32"),
            "expected a whole number, found the text \"1\""
        );
        assert_eq!(
            explain_message("invalid type: sequence, expected a string"),
            "expected text in double quotes, found a list"
        );
    }

    #[test]
    fn unknown_fields_suggest_the_nearest_one() {
        let m = explain_message(
            "unknown field `comitment_level`, expected one of `id`, `name`, `commitment_level`",
        );
        assert!(m.contains("Did you mean `commitment_level`?"), "{m}");
        let m = explain_message("unknown field `zzz`, expected one of `id`, `name`");
        assert!(!m.contains("Did you mean"), "{m}");
    }

    #[test]
    fn spans_follow_paths_into_arrays_of_tables() {
        let text = "format = 1\n[[goal]]\nparty = \"a\"\n[[goal]]\nparty = \"zed\"\n";
        let index = SpanIndex::new(text);
        let path = FieldPath::root().key("goal").index(1).key("party");
        let span = index.find(&path);
        assert_eq!(&text[span], "\"zed\"");
        // A missing field points at its enclosing table.
        let span = index.find(&FieldPath::root().key("goal").index(1).key("outcome"));
        assert_eq!(&text[span], "[[goal]]");
    }
}
