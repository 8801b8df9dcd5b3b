//! What makes an export importable, checked before anything is written so
//! that a damaged or hand-edited file is refused with the place at fault
//! instead of failing half-way on a database constraint.

use std::collections::HashSet;

use super::{Export, FORMAT, Scope, VERSION};
use crate::{ConsequenceKind, NoteId, PartnershipId, PauseId, Role, UserId};

/// Why a document cannot be read or imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportProblem {
    /// The text is not JSON, or not JSON of the export's shape.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The document is not an Accord export.
    #[error("this is not an Accord export: its \"format\" is {0}, not \"{FORMAT}\"")]
    Format(String),
    /// The document is of a version this build does not read.
    #[error(
        "this export has version {0}; this Accord reads version {VERSION} (a newer Accord may have made it)"
    )]
    Version(String),
    /// A member's own export: it lacks what that member may not see.
    #[error(
        "this export was made for {0} and lacks other people's private notes and preparations, \
         so importing it would lose them; make a complete export with `accord export` on the \
         instance that holds the partnership"
    )]
    Personal(String),
    /// Something in the document contradicts the rest; the path says where.
    #[error("{0}")]
    Invalid(String),
}

impl ExportProblem {
    /// A serde_json error, with its position apart from its message.
    pub(crate) fn json(e: serde_json::Error) -> Self {
        let (line, column) = (e.line(), e.column());
        let text = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
        Self::Json {
            line,
            column,
            message,
        }
    }
}

/// Whether `id` is a UUID written the way the store writes ids, so that an
/// imported id reads back (and exports again) exactly as given.
fn canonical(id: &str, parse: fn(&str) -> Option<String>) -> bool {
    parse(id).is_some_and(|p| p == id)
}

fn user_id(id: &str) -> Option<String> {
    UserId::parse(id).map(|u| u.0)
}

fn invalid(message: String) -> ExportProblem {
    ExportProblem::Invalid(message)
}

pub(super) fn importable(e: &Export) -> Result<(), ExportProblem> {
    if e.format != FORMAT {
        return Err(ExportProblem::Format(format!("{:?}", e.format)));
    }
    if e.version != VERSION {
        return Err(ExportProblem::Version(e.version.to_string()));
    }
    if let Scope::For(email) = &e.scope {
        return Err(ExportProblem::Personal(email.clone()));
    }
    // A document made in code rather than read by `Export::from_json`
    // (which refuses NUL with its line) is checked here: PostgreSQL would
    // fail on it half-way through the transaction.
    if let Some(field) = serde_json::to_value(e)
        .ok()
        .and_then(|v| accord_core::text::nul_path(&v))
    {
        return Err(invalid(format!(
            "{field} {}",
            accord_core::text::NUL_MESSAGE
        )));
    }
    if !canonical(&e.partnership.id, |s| PartnershipId::parse(s).map(|p| p.0)) {
        return Err(invalid(format!(
            "partnership.id {:?} is not a lower-case UUID",
            e.partnership.id
        )));
    }
    let mut ids = HashSet::new();
    let mut emails = HashSet::new();
    for (i, p) in e.people.iter().enumerate() {
        if !canonical(&p.id, user_id) {
            return Err(invalid(format!(
                "people[{i}].id {:?} is not a lower-case UUID",
                p.id
            )));
        }
        let email = p.email.trim().to_lowercase();
        if email.is_empty() || !email.contains('@') {
            return Err(invalid(format!(
                "people[{i}].email {:?} is not an e-mail address",
                p.email
            )));
        }
        if !ids.insert(p.id.as_str()) || !emails.insert(email) {
            return Err(invalid(format!(
                "people[{i}] is listed twice (same id or e-mail address)"
            )));
        }
    }
    let known = |path: String, id: &str| {
        if ids.contains(id) {
            Ok(())
        } else {
            Err(invalid(format!(
                "{path} names {id:?}, who is not in people"
            )))
        }
    };
    let mut members = HashSet::new();
    for (i, m) in e.members.iter().enumerate() {
        known(format!("members[{i}].user"), &m.user)?;
        if !members.insert(m.user.as_str()) {
            return Err(invalid(format!("members[{i}] is a member twice")));
        }
    }
    for role in [Role::Partner, Role::Coach] {
        if e.members.iter().filter(|m| m.role == role).count() > role.capacity() {
            return Err(invalid(format!(
                "members: a partnership has at most {} {}(s)",
                role.capacity(),
                role.as_str()
            )));
        }
    }
    let mut numbers = HashSet::new();
    for (i, v) in e.versions.iter().enumerate() {
        if !numbers.insert(v.number) {
            return Err(invalid(format!(
                "versions[{i}]: version {} is there twice",
                v.number
            )));
        }
        let mut signers = HashSet::new();
        for (j, s) in v.signatures.iter().enumerate() {
            known(format!("versions[{i}].signatures[{j}].user"), &s.user)?;
            if !signers.insert(s.user.as_str()) {
                return Err(invalid(format!(
                    "versions[{i}].signatures[{j}] signs the version twice"
                )));
            }
        }
    }
    let mut occurrences = HashSet::new();
    for (i, c) in e.checkins.iter().enumerate() {
        known(format!("checkins[{i}].recorded_by"), &c.recorded_by)?;
        if !occurrences.insert(c.occurrence) {
            return Err(invalid(format!(
                "checkins[{i}]: the check-in at {} is there twice",
                c.occurrence
            )));
        }
    }
    let mut note_ids = HashSet::new();
    for (i, n) in e.notes.iter().enumerate() {
        known(format!("notes[{i}].author"), &n.author)?;
        if !canonical(&n.id, |s| NoteId::parse(s).map(|n| n.0)) || !note_ids.insert(&n.id) {
            return Err(invalid(format!(
                "notes[{i}].id {:?} is not a lower-case UUID, or not unique",
                n.id
            )));
        }
        if !occurrences.contains(&n.occurrence) {
            return Err(invalid(format!(
                "notes[{i}] is on a check-in at {} that is not in checkins",
                n.occurrence
            )));
        }
    }
    let mut prepared = HashSet::new();
    for (i, p) in e.preparations.iter().enumerate() {
        known(format!("preparations[{i}].user"), &p.user)?;
        if !prepared.insert((p.occurrence, p.user.as_str())) {
            return Err(invalid(format!(
                "preparations[{i}]: this person's preparation for {} is there twice",
                p.occurrence
            )));
        }
    }
    let mut missed = HashSet::new();
    for (i, c) in e.consequences.iter().enumerate() {
        if c.kind == ConsequenceKind::MissedCheckin && !missed.insert(c.occurrence) {
            return Err(invalid(format!(
                "consequences[{i}]: the missed check-in at {} is logged twice",
                c.occurrence
            )));
        }
    }
    let mut pause_ids = HashSet::new();
    for (i, p) in e.pauses.iter().enumerate() {
        known(format!("pauses[{i}].proposed_by"), &p.proposed_by)?;
        for (field, who) in [
            ("agreed_by", &p.agreed_by),
            ("withdrawn_by", &p.withdrawn_by),
        ] {
            if let Some(who) = who {
                known(format!("pauses[{i}].{field}"), who)?;
            }
        }
        if !canonical(&p.id, |s| PauseId::parse(s).map(|p| p.0)) || !pause_ids.insert(&p.id) {
            return Err(invalid(format!(
                "pauses[{i}].id {:?} is not a lower-case UUID, or not unique",
                p.id
            )));
        }
    }
    Ok(())
}
