//! Reading and writing agreements: TOML and JSON in, TOML and JSON out.
//!
//! Parsing happens in two passes. The first is serde over the TOML text: the
//! model's value types reject bad values themselves, and the TOML parser gives
//! the span of whatever it could not accept. The second pass
//! ([`validate`]) checks what needs the whole document (two parties, ids that
//! exist) and returns field paths; for TOML those paths are mapped back to a
//! line and column through a spanned parse of the same text ([`locate`]).

mod locate;
mod validate;

use std::fmt;
use std::ops::Range;

use crate::model::Agreement;

pub use validate::{FieldPath, Problem, Segment, validate};

/// Where in the input a problem is, 1-based, with the byte span for snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The byte range in the input that the problem is about.
    pub span: Range<usize>,
}

/// One thing wrong with an input, said so that its author can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong and what was expected.
    pub message: String,
    /// The field at fault, as a path such as `goal[1].party`, when known.
    pub field: Option<String>,
    /// Where in the text, when the input was text.
    pub location: Option<Location>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "line {}, column {}: ", loc.line, loc.column)?;
        }
        f.write_str(&self.message)
    }
}

/// An input that is not a valid agreement. Holds at least one diagnostic,
/// ordered by position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// Everything found wrong, first problem first.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in &self.diagnostics {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl ParseError {
    fn single(message: String, field: Option<String>, location: Option<Location>) -> Self {
        Self {
            diagnostics: vec![Diagnostic {
                message,
                field,
                location,
            }],
        }
    }
}

/// Parses raw bytes of a TOML agreement, reporting where the text stops
/// being UTF-8 if it does.
pub fn parse_toml_bytes(bytes: &[u8]) -> Result<Agreement, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_toml(text),
        Err(e) => {
            let at = e.valid_up_to();
            // The prefix is valid by definition of `valid_up_to`.
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            // The byte-order mark is invisible: it takes no column.
            let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
            let end = at + e.error_len().unwrap_or(bytes.len() - at);
            let (line, column) = locate::line_column(prefix, prefix.len());
            let shown = bytes
                .get(at)
                .map_or_else(String::new, |b| format!(" (byte 0x{b:02X})"));
            Err(ParseError::single(
                format!(
                    "the file is not UTF-8 text{shown}; save it as UTF-8 in your editor and try again"
                ),
                None,
                Some(Location {
                    line,
                    column,
                    span: at..end,
                }),
            ))
        }
    }
}

/// Parses a TOML agreement and validates it as a whole.
pub fn parse_toml(text: &str) -> Result<Agreement, ParseError> {
    // An editor's byte-order mark is not part of the document: parse without
    // it, count columns without it, but give spans into the text as passed.
    let (text, shift) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let shifted = |span: std::ops::Range<usize>| span.start + shift..span.end + shift;
    let agreement: Agreement = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (line, column) = locate::line_column(text, span.start);
        ParseError::single(
            locate::explain_message(e.message()),
            None,
            Some(Location {
                line,
                column,
                span: shifted(span),
            }),
        )
    })?;
    if let Some(nul) = nul_diagnostic(text, &agreement) {
        return Err(ParseError {
            diagnostics: vec![Diagnostic {
                location: nul.location.map(|l| Location {
                    span: shifted(l.span),
                    ..l
                }),
                ..nul
            }],
        });
    }
    let problems = validate(&agreement);
    if problems.is_empty() {
        return Ok(agreement);
    }
    let spans = locate::SpanIndex::new(text);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            let span = spans.find(&p.path);
            let (line, column) = locate::line_column(text, span.start);
            Diagnostic {
                message: p.message,
                field: Some(p.path.to_string()),
                location: Some(Location {
                    line,
                    column,
                    span: shifted(span),
                }),
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| l.span.start));
    Err(ParseError { diagnostics })
}

/// Parses a JSON agreement (the API's body) and validates it as a whole.
/// Every problem names its field as a path (`party[0].commitment_level`),
/// also a value the model cannot read, and carries its line and column.
pub fn from_json(text: &str) -> Result<Agreement, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let read = serde_path_to_error::deserialize::<_, Agreement>(&mut de)
        .map_err(|e| {
            let path = e.path().to_string();
            (
                Some(path).filter(|p| !p.is_empty() && p != "."),
                e.into_inner(),
            )
        })
        .and_then(|a| de.end().map(|()| a).map_err(|e| (None, e)));
    let agreement = read.map_err(|(field, e)| {
        // serde_json counts columns in bytes and appends the position to its
        // message; report characters, and the position once.
        let offset = locate::offset_of_byte_column(text, e.line(), e.column());
        let (line, column) = locate::line_column(text, offset);
        let full = e.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        let message = if e.is_eof() {
            "the JSON ends before the agreement is complete".to_owned()
        } else {
            locate::explain_message(message)
        };
        ParseError::single(
            message,
            field,
            Some(Location {
                line,
                column,
                span: offset..offset,
            }),
        )
    })?;
    if let Some(nul) = nul_diagnostic(text, &agreement) {
        return Err(ParseError {
            diagnostics: vec![nul],
        });
    }
    let problems = validate(&agreement);
    if problems.is_empty() {
        Ok(agreement)
    } else {
        Err(ParseError {
            diagnostics: problems
                .into_iter()
                .map(|p| Diagnostic {
                    message: p.message,
                    field: Some(p.path.to_string()),
                    location: None,
                })
                .collect(),
        })
    }
}

/// A NUL in any text of the agreement ([`crate::text`]): the field that
/// holds it, at the escape that wrote it. Costs a scan of the text unless
/// the text has such an escape.
fn nul_diagnostic(text: &str, agreement: &Agreement) -> Option<Diagnostic> {
    let at = crate::text::nul_escape_at(text)?;
    let value = serde_json::to_value(agreement).ok()?;
    let field = crate::text::nul_path(&value)?;
    let (line, column) = locate::line_column(text, at);
    Some(Diagnostic {
        message: format!("{field} {}", crate::text::NUL_MESSAGE),
        field: Some(field),
        location: Some(Location {
            line,
            column,
            span: at..at + 6,
        }),
    })
}

/// An agreement that could not be written out. Only a bug can cause it: every
/// model value has a TOML and JSON form.
#[derive(Debug, thiserror::Error)]
#[error("could not write the agreement: {0}")]
pub struct WriteError(String);

/// Writes an agreement as TOML that [`parse_toml`] reads back to an equal
/// agreement. Comments of the original file are not kept.
pub fn to_toml(agreement: &Agreement) -> Result<String, WriteError> {
    let mut table = toml::Table::try_from(agreement).map_err(|e| WriteError(e.to_string()))?;
    locate::dates_as_toml_dates(&mut table);
    toml::to_string_pretty(&table).map_err(|e| WriteError(e.to_string()))
}

/// Writes an agreement as pretty JSON that [`from_json`] reads back.
pub fn to_json(agreement: &Agreement) -> Result<String, WriteError> {
    serde_json::to_string_pretty(agreement).map_err(|e| WriteError(e.to_string()))
}
