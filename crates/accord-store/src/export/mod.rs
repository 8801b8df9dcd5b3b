//! The export of one partnership: every record of it as one JSON document,
//! so that its partners can keep their data and an operator can move a
//! partnership to another Accord instance ([`crate::Store::export_partnership`],
//! [`crate::Store::import_partnership`]).
//!
//! # The document (format `accord-export`, version 1)
//!
//! ```json
//! {
//!   "format": "accord-export",
//!   "version": 1,
//!   "exported_at": "2026-03-02T09:00:00Z",
//!   "scope": "complete",
//!   "partnership": {"id": "…", "title": "Maya and Jonas", "created_at": "…",
//!                   "draft": "format = 1\n…", "draft_revision": 3, "draft_updated_at": "…"},
//!   "people": [{"id": "…", "name": "Maya Chen", "email": "maya@example.org"}],
//!   "members": [{"user": "…", "role": "partner", "joined_at": "…"}],
//!   "versions": [{"number": 1, "draft_revision": 2, "created_at": "…", "signed_at": "…",
//!                 "signatures": [{"user": "…", "signed_at": "…"}], "toml": "format = 1\n…"}],
//!   "checkins": [{"occurrence": "…", "version": 1, "recorded_by": "…", "recorded_at": "…",
//!                 "record": {"reports": […]}}],
//!   "notes": [{"id": "…", "occurrence": "…", "author": "…", "private": false,
//!              "body": "…", "created_at": "…"}],
//!   "preparations": [{"occurrence": "…", "user": "…", "committed": "…", "happened": "…",
//!                     "want": "…", "updated_at": "…"}],
//!   "consequences": [{"occurrence": "…", "kind": "ladder", "party": "maya", "misses": 1,
//!                     "response": "…", "fired_at": "…"}],
//!   "pauses": [{"id": "…", "first_day": "2026-08-03", "last_day": "2026-08-16",
//!               "reason": "…", "proposed_by": "…", "proposed_at": "…",
//!               "agreed_by": null, "agreed_at": null, "withdrawn_by": null, "withdrawn_at": null}]
//! }
//! ```
//!
//! Times are RFC 3339 in UTC, to the millisecond as stored; a check-in
//! occurrence is its scheduled start. People are named by id everywhere
//! else and listed once in `people`. Every list has a fixed order (below),
//! so the same data always gives the same bytes: export, import elsewhere
//! and export again, and the two files are identical. A check-in's
//! `record` is the JSON the pages and API wrote, as JSON rather than a
//! string; an import stores it as compact JSON again (the same content,
//! its keys possibly in another order).
//!
//! `scope` says whose view it is. `"complete"` (the operator's `accord
//! export`) has every note, private ones included with their flag, and
//! every preparation; only a complete export can be imported, because any
//! other lacks what its reader may not see. `"for <e-mail>"` is what that
//! member may see: shared notes and, for a partner, their own private
//! notes; their own preparations and the other partner's once the
//! check-in has opened; a coach gets neither private notes nor
//! preparations, as on the pages.
//!
//! Never in any export: password hashes, sessions, reset and API tokens,
//! calendar feed tokens, check-in links, webhook addresses and secrets,
//! notification settings, invitations (their links are secrets, and only
//! work on the instance that made them), the outbox and its plans (the new
//! instance plans reminders from the day of the import).

mod check;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ConsequenceKind, Role, UserId};

pub use check::ExportProblem;

/// The `format` of every export.
pub const FORMAT: &str = "accord-export";
/// The version of the document this build writes and reads.
pub const VERSION: u64 = 1;

/// The password hash of an account created by an import. It is not a PHC
/// string (it does not start with `$`), so no password ever verifies
/// against it; the person chooses one with "forgot password".
pub const NO_PASSWORD: &str = "!imported: no password yet, set one with a reset link";

/// The parts of an export, in the order [`crate::Store::export_partnership`]
/// reads them and reports them to its progress callback, each as soon as it
/// is read. `people` comes last: they are the accounts the other parts name
/// (the document still lists them before the members).
pub const PARTS: [&str; 9] = [
    "partnership",
    "members",
    "versions",
    "check-ins",
    "notes",
    "preparations",
    "consequences",
    "pauses",
    "people",
];

/// One part read, as reported while exporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Which part (one of [`PARTS`]).
    pub part: &'static str,
    /// How many records it has.
    pub records: usize,
}

/// Whose view to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// Everything, private notes included: for moving a partnership to
    /// another instance (the operator's command line).
    Complete,
    /// What one member may see (see the module documentation).
    Member {
        /// The member.
        user: UserId,
        /// The other partners' preparations are included for check-ins
        /// starting at or before this instant: those that have opened.
        opened_by: Timestamp,
    },
}

/// The `scope` of a document: complete, or one member's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything (`"complete"`).
    Complete,
    /// What the member with this e-mail address may see (`"for <e-mail>"`).
    For(String),
}

impl Scope {
    /// The scope as the document writes it.
    pub fn as_text(&self) -> String {
        match self {
            Self::Complete => "complete".to_owned(),
            Self::For(email) => format!("for {email}"),
        }
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_text())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "complete" {
            Ok(Self::Complete)
        } else if let Some(email) = text.strip_prefix("for ") {
            Ok(Self::For(email.to_owned()))
        } else {
            Err(serde::de::Error::custom(format!(
                "scope {text:?} is neither \"complete\" nor \"for <e-mail>\""
            )))
        }
    }
}

/// A whole export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// Always [`FORMAT`].
    pub format: String,
    /// The document version, [`VERSION`].
    pub version: u64,
    /// When it was made (given by the caller, so tests can fix it).
    pub exported_at: Timestamp,
    /// Complete, or one member's view.
    pub scope: Scope,
    /// The partnership and its current draft.
    pub partnership: ExportedPartnership,
    /// Everyone named elsewhere in the document, by e-mail address (text
    /// is compared byte by byte here, whatever the database's collation).
    pub people: Vec<Person>,
    /// Partners first, then the coach; each by joining time.
    pub members: Vec<ExportedMember>,
    /// Every version, by number.
    pub versions: Vec<ExportedVersion>,
    /// Every recorded check-in, by occurrence.
    pub checkins: Vec<ExportedCheckin>,
    /// Notes, by occurrence, then in the order they were written.
    pub notes: Vec<ExportedNote>,
    /// Preparations, by occurrence, then by the author's e-mail address.
    pub preparations: Vec<ExportedPreparation>,
    /// The consequence log, by occurrence, then in the order logged.
    pub consequences: Vec<ExportedConsequence>,
    /// Pauses, withdrawn ones included, by first day, then proposal time,
    /// then id.
    pub pauses: Vec<ExportedPause>,
}

/// The partnership and its current draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedPartnership {
    /// Its id, kept by an import.
    pub id: String,
    /// Its name.
    pub title: String,
    /// When it was started.
    pub created_at: Timestamp,
    /// The draft agreement, TOML text as saved.
    pub draft: String,
    /// The draft's revision.
    pub draft_revision: i64,
    /// When the draft was last saved.
    pub draft_updated_at: Timestamp,
}

/// Someone named in the export. An import matches people by e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Their account id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their e-mail address, lower-cased.
    pub email: String,
}

/// A member of the partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedMember {
    /// Who (a [`Person`] id).
    pub user: String,
    /// `partner` or `coach`.
    #[serde(with = "role_word")]
    pub role: Role,
    /// When they joined.
    pub joined_at: Timestamp,
}

/// A version of the agreement with its signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedVersion {
    /// 1, 2, 3…
    pub number: i64,
    /// The draft revision it was taken from.
    pub draft_revision: i64,
    /// When it was taken.
    pub created_at: Timestamp,
    /// When the second partner signed, if they have.
    #[serde(default)]
    pub signed_at: Option<Timestamp>,
    /// The signatures, in the order made.
    pub signatures: Vec<ExportedSignature>,
    /// The agreement, TOML text.
    pub toml: String,
}

/// One signature on a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedSignature {
    /// Who signed (a [`Person`] id).
    pub user: String,
    /// When.
    pub signed_at: Timestamp,
}

/// A recorded check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedCheckin {
    /// Its scheduled start.
    pub occurrence: Timestamp,
    /// The version in force.
    pub version: i64,
    /// Who recorded it (a [`Person`] id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
    /// The record, as the check-in pages and API write it.
    pub record: serde_json::Value,
}

/// A note on a check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedNote {
    /// Its id, kept by an import.
    pub id: String,
    /// The check-in's occurrence.
    pub occurrence: Timestamp,
    /// Who wrote it (a [`Person`] id).
    pub author: String,
    /// Shown to its author only.
    pub private: bool,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// One person's answers before a check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedPreparation {
    /// The occurrence prepared for.
    pub occurrence: Timestamp,
    /// Whose answers (a [`Person`] id).
    pub user: String,
    /// What they committed to.
    pub committed: String,
    /// What happened.
    pub happened: String,
    /// What they want from the check-in.
    pub want: String,
    /// When they last saved them.
    pub updated_at: Timestamp,
}

/// An entry of the consequence log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedConsequence {
    /// The occurrence it belongs to.
    pub occurrence: Timestamp,
    /// `ladder` or `missed-checkin`.
    #[serde(with = "kind_word")]
    pub kind: ConsequenceKind,
    /// The party (the agreement's id for them) a ladder step applies to.
    #[serde(default)]
    pub party: Option<String>,
    /// The consecutive misses that triggered it.
    #[serde(default)]
    pub misses: Option<i64>,
    /// The agreed response.
    pub response: String,
    /// When it was logged.
    pub fired_at: Timestamp,
}

/// A pause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedPause {
    /// Its id, kept by an import.
    pub id: String,
    /// The first day paused, `YYYY-MM-DD` in the agreement's zone.
    pub first_day: String,
    /// The last day paused (inclusive).
    pub last_day: String,
    /// Why.
    pub reason: String,
    /// Who proposed it (a [`Person`] id).
    pub proposed_by: String,
    /// When.
    pub proposed_at: Timestamp,
    /// Who agreed, if someone did.
    #[serde(default)]
    pub agreed_by: Option<String>,
    /// When.
    #[serde(default)]
    pub agreed_at: Option<Timestamp>,
    /// Who withdrew it, if someone did.
    #[serde(default)]
    pub withdrawn_by: Option<String>,
    /// When.
    #[serde(default)]
    pub withdrawn_at: Option<Timestamp>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The partnership, under its exported id.
    pub partnership: crate::PartnershipId,
    /// The e-mail addresses of accounts created, without a password (see
    /// [`NO_PASSWORD`]).
    pub created: Vec<String>,
    /// The e-mail addresses matched to accounts that existed already.
    pub matched: Vec<String>,
}

impl Export {
    /// Reads a document, checking its `format` and `version` before the
    /// rest so that a file of another kind or version says so rather than
    /// naming a field. Unreadable JSON gives its line and column.
    pub fn from_json(text: &str) -> Result<Self, ExportProblem> {
        /// The fields that say what a document is; the rest is skipped.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
        }
        let header: Header = serde_json::from_str(text).map_err(ExportProblem::json)?;
        match header.format {
            Some(serde_json::Value::String(f)) if f == FORMAT => {}
            Some(other) => return Err(ExportProblem::Format(other.to_string())),
            None => return Err(ExportProblem::Format("missing".to_owned())),
        }
        match header.version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(VERSION) => {}
            Some(v) => return Err(ExportProblem::Version(v.to_string())),
            None => {
                let found = header
                    .version
                    .map_or("missing".to_owned(), |v| v.to_string());
                return Err(ExportProblem::Version(found));
            }
        }
        // PostgreSQL cannot store a NUL; refuse it here, with its place,
        // rather than half-way through the import's transaction.
        if let Some(field) = accord_core::text::nul_in_json(text) {
            let at = accord_core::text::nul_escape_at(text).unwrap_or(0);
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(ExportProblem::Json {
                line,
                column,
                message: format!("{field} {}", accord_core::text::NUL_MESSAGE),
            });
        }
        serde_json::from_str(text).map_err(ExportProblem::json)
    }

    /// The document as pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// Checks that the document can be imported: complete, with canonical
    /// ids, every person named listed in `people`, and no record twice.
    /// [`crate::Store::import_partnership`] checks this before writing.
    pub fn check_importable(&self) -> Result<(), ExportProblem> {
        check::importable(self)
    }
}

/// Serde for a [`Role`] as its word.
mod role_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Role;

    pub fn serialize<S: Serializer>(role: &Role, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(role.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        let word = String::deserialize(d)?;
        Role::parse(&word).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "role {word:?} is neither \"partner\" nor \"coach\""
            ))
        })
    }
}

/// Serde for a [`ConsequenceKind`] as its word.
mod kind_word {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::ConsequenceKind;

    pub fn serialize<S: Serializer>(kind: &ConsequenceKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ConsequenceKind, D::Error> {
        let word = String::deserialize(d)?;
        ConsequenceKind::parse(&word).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "kind {word:?} is neither \"ladder\" nor \"missed-checkin\""
            ))
        })
    }
}
