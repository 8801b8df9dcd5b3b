//! Writing to the terminal: styles (dropped when piped or when NO_COLOR is
//! set, by `anstream`), word wrapping, and a quiet exit on a closed pipe.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

/// Exit status for invalid input or command line.
pub const EXIT_INVALID: u8 = 2;

/// Headings.
pub const HEADING: Style = Style::new().bold().underline();
/// High findings and errors.
pub const HIGH: Style = AnsiColor::Red.on_default().bold();
/// Medium findings.
pub const MEDIUM: Style = AnsiColor::Yellow.on_default().bold();
/// Low findings.
pub const LOW: Style = AnsiColor::Cyan.on_default();
/// Red flags.
pub const FLAG: Style = AnsiColor::Magenta.on_default().bold();
/// Suggestions and good news.
pub const GOOD: Style = AnsiColor::Green.on_default();
/// Secondary text: rule ids, positions.
pub const DIM: Style = Style::new().dimmed();

/// Width that text is wrapped to.
pub const WIDTH: usize = 88;

/// `text` in `style`; plain when the stream does not take colour.
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Wraps `text` to [`WIDTH`], the first line after `first` and the others
/// indented by `indent` spaces. Words are never split.
pub fn wrap(first: &str, indent: usize, text: &str) -> String {
    let mut out = String::from(first);
    let mut column = visible_width(first);
    let pad = " ".repeat(indent);
    let mut line_has_words = false;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_has_words && column + 1 + len > WIDTH {
            out.push('\n');
            out.push_str(&pad);
            column = indent;
            line_has_words = false;
        }
        if line_has_words {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
        line_has_words = true;
    }
    out
}

/// Width of text without its escape sequences.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

/// Writes everything to standard output. A reader that went away (`| head`)
/// is not an error.
pub fn print(text: &str) -> io::Result<()> {
    let mut out = anstream::stdout();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Prints an error for people to standard error.
pub fn error(message: &str) {
    let mut err = anstream::stderr();
    // Nothing more can be done if standard error itself is gone.
    let _ = writeln!(err, "{}: {message}", paint(HIGH, "error"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_whole_and_indents() {
        let text = "word ".repeat(40);
        let wrapped = wrap("  - ", 4, &text);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    word")));
        assert_eq!(visible_width("\u{1b}[1mab\u{1b}[0m"), 2);
    }
}
