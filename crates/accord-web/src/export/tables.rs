//! The check-ins of an export as three CSV tables (RFC 4180: comma
//! separated, CRLF line ends, fields with commas, quotes or line breaks
//! quoted, quotes doubled), for people who would rather use a spreadsheet:
//!
//! - `checkins.csv`: one row per party per check-in: its start as a date
//!   and time in the agreement's zone and in UTC, the party, how many of
//!   their commitments were kept, partly kept and missed, their win and
//!   their next step;
//! - `indicators.csv`: date, party, goal, indicator, value, unit;
//! - `wellbeing.csv`: date, party, indicator, score.
//!
//! Names come from the version of the agreement each check-in was recorded
//! under, so a goal renamed later keeps its old name in older rows. Notes
//! are never in a table: they may be private, and a table is easily
//! forwarded.
//!
//! A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a
//! formula, and one partner's text lands in the other's spreadsheet: such
//! text cells get a leading `'` so that they stay text. Numbers are left
//! as they are.

use std::collections::HashMap;

use accord_core::Agreement;
use accord_core::checkin::{CheckinRecord, Outcome, PartyReport};
use accord_store::export::{Export, ExportedCheckin};
use jiff::tz::TimeZone;

use crate::error::AppError;
use crate::partnerships::access::parse_stored;

/// One of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `checkins.csv`.
    Checkins,
    /// `indicators.csv`.
    Indicators,
    /// `wellbeing.csv`.
    Wellbeing,
}

impl Table {
    /// Every table.
    pub const ALL: [Self; 3] = [Self::Checkins, Self::Indicators, Self::Wellbeing];

    /// Its file name, as in its URL.
    pub const fn file_name(self) -> &'static str {
        match self {
            Self::Checkins => "checkins.csv",
            Self::Indicators => "indicators.csv",
            Self::Wellbeing => "wellbeing.csv",
        }
    }

    /// The table with this file name.
    pub fn from_file_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.file_name() == name)
    }

    const fn header(self) -> &'static [&'static str] {
        match self {
            Self::Checkins => &[
                "date",
                "time",
                "time_zone",
                "utc",
                "party",
                "kept",
                "partly_kept",
                "missed",
                "win",
                "next_step",
            ],
            Self::Indicators => &["date", "party", "goal", "indicator", "value", "unit"],
            Self::Wellbeing => &["date", "party", "indicator", "score"],
        }
    }
}

/// A text cell a spreadsheet will not run as a formula.
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One check-in with what its rows need.
struct Entry<'a> {
    /// The agreement it was recorded under, if it is in the export and
    /// parses (otherwise party ids and goal numbers stand in for names).
    agreement: Option<&'a Agreement>,
    zone: TimeZone,
    zone_name: String,
    checkin: &'a ExportedCheckin,
    record: CheckinRecord,
}

impl Entry<'_> {
    fn date(&self) -> String {
        self.checkin
            .occurrence
            .to_zoned(self.zone.clone())
            .date()
            .to_string()
    }

    fn party(&self, report: &PartyReport) -> String {
        let name = match self.agreement {
            Some(a) => a.name_of(&report.party),
            None => report.party.as_str(),
        };
        text_cell(name)
    }

    fn rows(&self, table: Table) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for report in &self.record.reports {
            match table {
                Table::Checkins => {
                    let count =
                        |o: Outcome| report.reviewed.iter().filter(|r| r.outcome == o).count();
                    let local = self.checkin.occurrence.to_zoned(self.zone.clone());
                    rows.push(vec![
                        local.date().to_string(),
                        local.time().strftime("%H:%M").to_string(),
                        self.zone_name.clone(),
                        self.checkin.occurrence.to_string(),
                        self.party(report),
                        count(Outcome::Kept).to_string(),
                        count(Outcome::PartlyKept).to_string(),
                        count(Outcome::Missed).to_string(),
                        text_cell(&report.win),
                        text_cell(&report.next_step),
                    ]);
                }
                Table::Indicators => {
                    for v in &report.indicators {
                        let goal = self.agreement.and_then(|a| a.goals.get(v.goal));
                        let text = |f: fn(&accord_core::model::Goal) -> Option<&String>| {
                            goal.and_then(f).map_or(String::new(), |t| text_cell(t))
                        };
                        rows.push(vec![
                            self.date(),
                            self.party(report),
                            goal.map_or_else(
                                || format!("goal {}", v.goal),
                                |g| text_cell(&g.outcome),
                            ),
                            text(|g| g.indicator.as_ref()),
                            v.value.to_string(),
                            text(|g| g.unit.as_ref()),
                        ]);
                    }
                }
                Table::Wellbeing => {
                    for s in &report.wellbeing {
                        rows.push(vec![
                            self.date(),
                            self.party(report),
                            s.indicator.as_str().to_owned(),
                            s.score.to_string(),
                        ]);
                    }
                }
            }
        }
        rows
    }
}

/// The table, as CSV text, from the check-ins of an export (oldest first).
pub fn write(table: Table, export: &Export) -> Result<String, AppError> {
    let mut agreements: HashMap<i64, Agreement> = HashMap::new();
    for v in &export.versions {
        // A version that no longer parses still leaves its check-ins
        // readable, with ids for names: better than no table.
        if let Ok(a) = parse_stored(&v.toml) {
            agreements.insert(v.number, a);
        }
    }
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::internal(format!("a CSV table failed: {e}"));
    out.write_record(table.header()).map_err(failed)?;
    for checkin in &export.checkins {
        let record: CheckinRecord =
            serde_json::from_value(checkin.record.clone()).map_err(|e| {
                AppError::internal(format!(
                    "the check-in at {} does not parse: {e}",
                    checkin.occurrence
                ))
            })?;
        let agreement = agreements.get(&checkin.version);
        let zone_name = agreement
            .and_then(|a| a.timezone.as_ref())
            .map_or("UTC", |z| z.as_str())
            .to_owned();
        let zone = jiff::tz::db().get(&zone_name).unwrap_or(TimeZone::UTC);
        let entry = Entry {
            agreement,
            zone,
            zone_name,
            checkin,
            record,
        };
        for row in entry.rows(table) {
            out.write_record(&row).map_err(failed)?;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::internal(format!("a CSV table failed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(format!("a CSV table failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text_and_other_text_is_untouched() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("-5 kg"), "'-5 kg");
        assert_eq!(text_cell("@home"), "'@home");
        assert_eq!(text_cell("Held five, \"all\""), "Held five, \"all\"");
        assert_eq!(text_cell(""), "");
    }

    #[test]
    fn file_names_name_their_tables() {
        for t in Table::ALL {
            assert_eq!(Table::from_file_name(t.file_name()), Some(t));
        }
        assert_eq!(Table::from_file_name("notes.csv"), None);
    }
}
