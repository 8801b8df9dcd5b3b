//! Reading an agreement from a file or standard input, and showing parse
//! problems the way a compiler does: file, line, column, the line itself and
//! a caret under the problem.

use std::io::Read;
use std::path::Path;

use accord_core::{Agreement, Diagnostic, parse_toml_bytes};
use anyhow::{Context, anyhow};

use crate::output::{DIM, HIGH, paint, wrap};

/// Reads and parses an agreement. On invalid input the error carries the
/// rendered diagnostics.
pub fn read_agreement(path: &Path) -> anyhow::Result<Agreement> {
    let (name, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("could not read the agreement from standard input")?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let bytes =
            std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        (path.display().to_string(), bytes)
    };
    parse_toml_bytes(&bytes).map_err(|e| {
        let text = String::from_utf8_lossy(&bytes);
        let rendered: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| render(&name, &text, d))
            .collect();
        let count = e.diagnostics.len();
        anyhow!(
            "{name} is not a valid agreement ({count} problem{}):\n\n{}",
            if count == 1 { "" } else { "s" },
            rendered.join("\n\n")
        )
    })
}

/// One diagnostic with its position and the offending line.
fn render(name: &str, text: &str, d: &Diagnostic) -> String {
    let Some(loc) = &d.location else {
        return format!("{}\n  --> {name}", d.message);
    };
    let line_text = text.lines().nth(loc.line - 1).unwrap_or("");
    let gutter = loc.line.to_string().len();
    let pad = " ".repeat(gutter);
    // Underline the span on this line, at least one character.
    let span_chars = text
        .get(loc.span.clone())
        .map_or(1, |s| s.lines().next().unwrap_or("").chars().count())
        .max(1);
    let room = line_text
        .chars()
        .count()
        .saturating_sub(loc.column - 1)
        .max(1);
    let carets = "^".repeat(span_chars.min(room));
    format!(
        "{}\n{pad}{} {name}:{}:{}\n{pad} {}\n{} {} {}\n{pad} {} {}{}{}",
        wrap("", 2, &d.message),
        paint(DIM, "-->"),
        loc.line,
        loc.column,
        paint(DIM, "|"),
        paint(DIM, &loc.line.to_string()),
        paint(DIM, "|"),
        line_text,
        paint(DIM, "|"),
        " ".repeat(loc.column - 1),
        paint(HIGH, &carets),
        d.field
            .as_deref()
            .map_or(String::new(), |f| format!(" {}", paint(DIM, f))),
    )
}
