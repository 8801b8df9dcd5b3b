//! A small iCalendar (RFC 5545) content-line writer: TEXT escaping,
//! parameter quoting, and CRLF line folding at 75 octets.
//!
//! Folding never splits a UTF-8 character and never ends a physical line
//! with a space or tab: RFC 5545 allows both, but several parsers trim the
//! end of each line before unfolding and would lose the space.

/// The longest physical line, in octets, without its CRLF.
const LIMIT: usize = 75;

/// Builds an iCalendar object line by line.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// `BEGIN:<name>`.
    pub fn begin(&mut self, name: &str) {
        self.line(&format!("BEGIN:{name}"));
    }

    /// `END:<name>`.
    pub fn end(&mut self, name: &str) {
        self.line(&format!("END:{name}"));
    }

    /// A property whose value is already in its iCalendar form (a date, a
    /// date-time, a duration, a URI…). `name` may carry parameters, e.g.
    /// `DTSTART;VALUE=DATE`.
    pub fn raw(&mut self, name: &str, value: &str) {
        // Only TEXT may carry line breaks, escaped; anything else has none.
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        self.line(&format!("{name}:{value}"));
    }

    /// A TEXT property, escaped.
    pub fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }

    /// One content line, folded, with its CRLF.
    fn line(&mut self, line: &str) {
        self.out.push_str(&fold(line));
        self.out.push_str("\r\n");
    }

    /// Adds everything `other` wrote.
    pub fn append(&mut self, other: Writer) {
        self.out.push_str(&other.out);
    }

    /// The object written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma
/// get a backslash, a line break becomes `\n`, and other control
/// characters (which TEXT may not hold) are dropped; tabs stay.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2): quoted when it holds `:`, `;` or
/// `,`; double quotes and control characters, which it may not hold, are
/// dropped.
pub fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Folds one content line (RFC 5545 §3.1): physical lines of at most 75
/// octets, joined by CRLF and a space.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 60 * 3);
    let mut rest = line;
    // The first line has 75 octets; continuations start with a space.
    let mut room = LIMIT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Keep white space off the end of a physical line (unless the line
        // is nothing but white space: it has to end somewhere).
        let kept = rest[..cut].trim_end_matches([' ', '\t']).len();
        if kept > 0 {
            cut = kept;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes `fold`, as a parser would.
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    #[test]
    fn text_escaping_covers_the_special_characters() {
        assert_eq!(escape_text("a\\b;c,d"), "a\\\\b\\;c\\,d");
        assert_eq!(
            escape_text("one\ntwo\r\nthree\rfour"),
            "one\\ntwo\\nthree\\nfour"
        );
        assert_eq!(escape_text("colon: fine\ttab"), "colon: fine\ttab");
        assert_eq!(escape_text("bell\u{7}gone"), "bellgone");
        assert_eq!(escape_text("Jörg ✓"), "Jörg ✓");
    }

    #[test]
    fn parameter_values_are_quoted_when_needed() {
        assert_eq!(param_value("Europe/Berlin"), "Europe/Berlin");
        assert_eq!(param_value("a:b"), "\"a:b\"");
        assert_eq!(param_value("say \"hi\""), "say hi");
    }

    #[test]
    fn short_lines_are_not_folded() {
        let line = "SUMMARY:Check-in";
        assert_eq!(fold(line), line);
        let exactly = "X".repeat(75);
        assert_eq!(fold(&exactly), exactly);
    }

    #[test]
    fn long_lines_fold_at_75_octets() {
        let line = format!("DESCRIPTION:{}", "abcdefghij".repeat(30));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{physical:?} is {} octets",
                physical.len()
            );
        }
        let lines: Vec<&str> = folded.split("\r\n").collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn folding_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "ä€😀".repeat(40));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75);
        }
        // Every piece is valid UTF-8 on its own (split on &str boundaries).
        assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn folding_keeps_spaces_off_line_ends() {
        let line = format!("SUMMARY:{}end", "word ".repeat(40));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75);
            assert!(!physical.ends_with(' '), "{physical:?}");
        }
        assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn the_writer_ends_every_line_with_crlf() {
        let mut w = Writer::new();
        w.begin("VEVENT");
        w.text("SUMMARY", "Check-in; with, notes");
        w.raw("URL", "https://example.org/p/1");
        w.end("VEVENT");
        assert_eq!(
            w.finish(),
            "BEGIN:VEVENT\r\nSUMMARY:Check-in\\; with\\, notes\r\nURL:https://example.org/p/1\r\nEND:VEVENT\r\n"
        );
    }
}
