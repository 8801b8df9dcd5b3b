//! The rows of one partnership, read in one snapshot by
//! `shared::export`'s query functions, made into the export document:
//! people by e-mail address, members partners first, signatures by time,
//! preparations by occurrence and address, pauses by first day, each
//! check-in's record parsed so that it is exported as JSON, not as a
//! string. Kept apart from the SQL so that neither file grows too long.
//!
//! Text is sorted here, by bytes, never by SQL: PostgreSQL would compare
//! it by its database's collation and SQLite by bytes, and the two orders
//! differ (`a_c@…` before `a.b@…` in most locales, after it in bytes).

use super::{corrupt, from_millis};
use crate::export::{
    Export, ExportedCheckin, ExportedConsequence, ExportedMember, ExportedNote,
    ExportedPartnership, ExportedPause, ExportedPreparation, ExportedSignature, ExportedVersion,
    FORMAT, Person, Scope, VERSION,
};
use crate::{
    Checkin, ConsequenceEntry, Member, Note, Partnership, Role, StoreError, User, Version,
};
use jiff::Timestamp;
use std::collections::BTreeSet;

/// Everything read for an export, before it becomes the document.
pub(crate) struct Read {
    pub(crate) partnership: Partnership,
    pub(crate) scope: Scope,
    pub(crate) members: Vec<Member>,
    pub(crate) versions: Vec<Version>,
    pub(crate) checkins: Vec<Checkin>,
    pub(crate) notes: Vec<Note>,
    pub(crate) preparations: Vec<ExportedPreparation>,
    pub(crate) consequences: Vec<ConsequenceEntry>,
    pub(crate) pauses: Vec<ExportedPause>,
}

impl Read {
    /// The ids of everyone the rows name, to read their accounts.
    pub(crate) fn people(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        ids.extend(self.members.iter().map(|m| m.user_id.0.clone()));
        for v in &self.versions {
            ids.extend(v.signatures.iter().map(|s| s.user_id.0.clone()));
        }
        ids.extend(self.checkins.iter().map(|c| c.recorded_by.0.clone()));
        ids.extend(self.notes.iter().map(|n| n.author.0.clone()));
        ids.extend(self.preparations.iter().map(|p| p.user.clone()));
        for p in &self.pauses {
            ids.insert(p.proposed_by.clone());
            ids.extend(p.agreed_by.iter().cloned());
            ids.extend(p.withdrawn_by.iter().cloned());
        }
        ids
    }

    /// The document, with `people` (only id, name and address of each
    /// account: never its password hash).
    pub(crate) fn assemble(self, people: Vec<User>, now: Timestamp) -> Result<Export, StoreError> {
        let mut people: Vec<Person> = people
            .into_iter()
            .map(|u| Person {
                id: u.id.0,
                name: u.name,
                email: u.email,
            })
            .collect();
        people.sort_by(|a, b| a.email.cmp(&b.email));
        let email = |id: &str| {
            people
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.email.clone())
                .ok_or_else(|| corrupt(format!("account {id} is missing")))
        };
        let mut members = Vec::new();
        for m in self.members {
            let rank = u8::from(m.role != Role::Partner);
            members.push((rank, m.joined_at, email(m.user_id.as_str())?, m));
        }
        members.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let mut versions = Vec::new();
        for v in self.versions {
            let mut signatures = Vec::new();
            for s in v.signatures {
                signatures.push((s.signed_at, email(s.user_id.as_str())?, s.user_id.0));
            }
            signatures.sort();
            versions.push(ExportedVersion {
                number: v.number,
                draft_revision: v.draft_revision,
                created_at: v.created_at,
                signed_at: v.signed_at,
                signatures: signatures
                    .into_iter()
                    .map(|(signed_at, _, user)| ExportedSignature { user, signed_at })
                    .collect(),
                toml: v.toml,
            });
        }
        let mut preparations = Vec::new();
        for r in self.preparations {
            preparations.push((r.occurrence, email(&r.user)?, r));
        }
        preparations.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut pauses = self.pauses;
        pauses.sort_by(|a, b| {
            (&a.first_day, a.proposed_at, &a.id).cmp(&(&b.first_day, b.proposed_at, &b.id))
        });
        let mut checkins = Vec::new();
        for c in self.checkins {
            let record = serde_json::from_str(&c.record).map_err(|e| {
                corrupt(format!("the check-in at {} is not JSON: {e}", c.occurrence))
            })?;
            checkins.push(ExportedCheckin {
                occurrence: c.occurrence,
                version: c.version,
                recorded_by: c.recorded_by.0,
                recorded_at: c.recorded_at,
                record,
            });
        }
        let p = self.partnership;
        Ok(Export {
            format: FORMAT.to_owned(),
            version: VERSION,
            // To the millisecond, like every time the store keeps.
            exported_at: from_millis(now.as_millisecond()),
            scope: self.scope,
            partnership: ExportedPartnership {
                id: p.id.0,
                title: p.title,
                created_at: p.created_at,
                draft: p.draft,
                draft_revision: p.draft_revision,
                draft_updated_at: p.draft_updated_at,
            },
            people,
            members: members
                .into_iter()
                .map(|(_, _, _, m)| ExportedMember {
                    user: m.user_id.0,
                    role: m.role,
                    joined_at: m.joined_at,
                })
                .collect(),
            versions,
            checkins,
            notes: self
                .notes
                .into_iter()
                .map(|n| ExportedNote {
                    id: n.id.0,
                    occurrence: n.occurrence,
                    author: n.author.0,
                    private: n.private,
                    body: n.body,
                    created_at: n.created_at,
                })
                .collect(),
            preparations: preparations.into_iter().map(|(_, _, r)| r).collect(),
            consequences: self
                .consequences
                .into_iter()
                .map(|c| ExportedConsequence {
                    occurrence: c.occurrence,
                    kind: c.kind,
                    party: c.party,
                    misses: c.misses,
                    response: c.response,
                    fired_at: c.fired_at,
                })
                .collect(),
            pauses,
        })
    }
}
