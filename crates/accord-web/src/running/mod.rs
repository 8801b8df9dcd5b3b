//! The agreement in force and what happened under it: the shared layer
//! that the check-in pages, the pause pages, the API, the calendar and the
//! worker all read through, so that they agree on the schedule, on who is
//! which party, and on what is due.
//!
//! Writing goes through here too ([`record`], [`prepare`]): a check-in is
//! checked against the agreement (`accord_core::checkin::check`), the
//! consequence ladder is evaluated, the recap is written, and the record,
//! the fired steps and the recap's notifications are stored in one
//! transaction.

pub mod cache;
pub mod links;
pub mod notify;
mod standing;
mod write;

use accord_core::Agreement;
use accord_core::checkin::{CheckinRecord, Status, status};
use accord_core::schedule::{Occurrence, Pause, Schedule, Unscheduled};
use std::sync::Arc;

use accord_store::{History, Member, Partnership, PartnershipId, Role, UserId, Version};
use jiff::Timestamp;

use crate::error::AppError;
use crate::partnerships::access::parse_stored;
use crate::state::AppState;

pub use standing::{PeriodOf, period, standing, standing_until};
pub use write::{Answers, Recorded, closed_because, next_after, occurrence, prepare, record};

/// A recorded check-in, read back.
#[derive(Debug, Clone)]
pub struct Entry {
    /// When it was scheduled to start.
    pub occurrence: Timestamp,
    /// The version in force when it was recorded.
    pub version: i64,
    /// What was recorded.
    pub record: CheckinRecord,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: Timestamp,
}

/// A partnership's agreement in force, its schedule and history.
#[derive(Debug, Clone)]
pub struct InForce {
    /// The partnership.
    pub id: PartnershipId,
    /// The version in force.
    pub version: Version,
    /// Its agreement.
    pub agreement: Agreement,
    /// Its schedule, or what the agreement lacks to have one.
    pub schedule: Result<Schedule, Unscheduled>,
    /// Agreed pauses.
    pub pauses: Vec<Pause>,
    /// Every recorded check-in, oldest first.
    pub entries: Vec<Entry>,
    /// The members, partners first.
    pub members: Vec<Member>,
    /// Every version of the partnership, oldest first.
    pub versions: Vec<Version>,
}

/// The partnership's agreement in force; `None` before both partners have
/// signed a version. `p` is the partnership as this request read it: its
/// change count says whether a kept copy is still good ([`cache`]).
pub async fn load(state: &AppState, p: &Partnership) -> Result<Option<Arc<InForce>>, AppError> {
    load_version(state, p, None).await
}

/// Signed version `number` of `p` (the one in force when `None`), as
/// [`InForce::build`] makes it; kept between requests ([`cache`]).
pub async fn load_version(
    state: &AppState,
    p: &Partnership,
    number: Option<i64>,
) -> Result<Option<Arc<InForce>>, AppError> {
    load_at(state, &p.id, p.changes, number).await
}

/// [`load_version`] for a partnership known by its id alone (the worker's
/// jobs): its row is read first, for its change count. `None` for an
/// unknown partnership too.
pub async fn load_by_id(
    state: &AppState,
    id: &PartnershipId,
    number: Option<i64>,
) -> Result<Option<Arc<InForce>>, AppError> {
    match state.store.partnership(id).await? {
        Some(p) => load_version(state, &p, number).await,
        None => Ok(None),
    }
}

async fn load_at(
    state: &AppState,
    id: &PartnershipId,
    changes: i64,
    number: Option<i64>,
) -> Result<Option<Arc<InForce>>, AppError> {
    if let Some(kept) = state.kept.get(id, number, changes) {
        return Ok(Some(kept));
    }
    let Some(history) = state.store.history(id).await? else {
        return Ok(None);
    };
    // Kept under the count the history was read at, which may be later
    // than the one the request began with: never older than its key.
    let read_at = history.changes;
    let built = InForce::build(id, history, number)?.map(Arc::new);
    if let Some(inforce) = &built {
        state.kept.put(number, read_at, inforce);
    }
    Ok(built)
}

impl InForce {
    /// Builds signed version `number` (the one in force when `None`) of
    /// partnership `id` from its `history`, with that version's own
    /// schedule: a check-in recorded under an earlier version is shown by
    /// the schedule it was held under. `None` when there is no such signed
    /// version.
    pub fn build(
        id: &PartnershipId,
        history: History,
        number: Option<i64>,
    ) -> Result<Option<Self>, AppError> {
        let Some(version) = signed(&history.versions, number).cloned() else {
            return Ok(None);
        };
        let agreement = parse_stored(&version.toml)?;
        let from = version.signed_at.unwrap_or(version.created_at);
        let schedule = Schedule::new(&agreement, from);
        let zone = match &schedule {
            Ok(s) => s.time_zone().clone(),
            Err(_) => jiff::tz::TimeZone::UTC,
        };
        let pauses = history
            .pauses
            .iter()
            .filter_map(|p| in_effect(p, &zone))
            .collect();
        let mut entries = Vec::with_capacity(history.checkins.len());
        for c in history.checkins {
            let record: CheckinRecord = serde_json::from_str(&c.record).map_err(|e| {
                AppError::internal(format!("a stored check-in does not parse: {e}"))
            })?;
            entries.push(Entry {
                occurrence: c.occurrence,
                version: c.version,
                record,
                recorded_by: c.recorded_by,
                recorded_at: c.recorded_at,
            });
        }
        Ok(Some(Self {
            id: id.clone(),
            version,
            agreement,
            schedule,
            pauses,
            entries,
            members: history.members,
            versions: history.versions,
        }))
    }

    /// The record at an occurrence, if one was made.
    pub fn entry(&self, at: Timestamp) -> Option<&Entry> {
        self.entries.iter().find(|e| e.occurrence == at)
    }

    /// The records made before `at`, oldest first.
    pub fn before(&self, at: Timestamp) -> Vec<CheckinRecord> {
        self.entries
            .iter()
            .filter(|e| e.occurrence < at)
            .map(|e| e.record.clone())
            .collect()
    }

    /// Where an occurrence stands at `now`.
    pub fn status(&self, occ: &Occurrence, now: Timestamp) -> Status {
        match &self.schedule {
            Ok(s) => status(s, occ, self.entry(occ.at()).is_some(), &self.pauses, now),
            Err(_) => Status::Upcoming,
        }
    }

    /// The partners (not the coach).
    pub fn partners(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.role == Role::Partner)
    }

    /// The party id of a member: the party whose e-mail is theirs, or else
    /// the one at their place among the partners (joining order ↔ file
    /// order). `None` for a coach.
    pub fn party_of(&self, user: &UserId) -> Option<&accord_core::model::PartyId> {
        party_of(&self.agreement, &self.members, user)
    }

    /// The member who is this party, if any.
    pub fn member_of(&self, party: &accord_core::model::PartyId) -> Option<&Member> {
        self.partners()
            .find(|m| self.party_of(&m.user_id) == Some(party))
    }
}

/// Signed version `number` among `versions` (oldest first), or the newest
/// signed one when `None`.
pub fn signed(versions: &[Version], number: Option<i64>) -> Option<&Version> {
    versions
        .iter()
        .rev()
        .filter(|v| v.signed_at.is_some())
        .find(|v| number.is_none_or(|n| v.number == n))
}

/// The days a stored pause keeps check-ins paused (in the agreement's
/// `zone`): none until both agreed; once withdrawn, what
/// [`Pause::withdrawn_on`] leaves of it on the day of the withdrawal.
pub fn in_effect(p: &accord_store::Pause, zone: &jiff::tz::TimeZone) -> Option<Pause> {
    p.agreed_at?;
    let pause = Pause {
        first: p.first_day.parse().ok()?,
        last: p.last_day.parse().ok()?,
    };
    match p.withdrawn_at {
        None => Some(pause),
        Some(at) => pause.withdrawn_on(at.to_zoned(zone.clone()).date()),
    }
}

/// See [`InForce::party_of`]. Partners whose e-mail names a party get
/// that party; the others take the remaining parties in order.
pub fn party_of<'a>(
    agreement: &'a Agreement,
    members: &[Member],
    user: &UserId,
) -> Option<&'a accord_core::model::PartyId> {
    let partners: Vec<&Member> = members.iter().filter(|m| m.role == Role::Partner).collect();
    let by_email = |m: &Member| {
        agreement.parties.iter().position(|p| {
            p.email
                .as_deref()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(m.email.trim()))
        })
    };
    let mut taken: Vec<Option<usize>> = partners.iter().map(|m| by_email(m)).collect();
    let mut free = (0..agreement.parties.len())
        .filter(|i| !taken.contains(&Some(*i)))
        .collect::<Vec<_>>()
        .into_iter();
    for slot in taken.iter_mut().filter(|s| s.is_none()) {
        *slot = free.next();
    }
    let place = partners.iter().position(|m| &m.user_id == user)?;
    taken[place].map(|i| &agreement.parties[i].id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(email: &str, role: Role) -> Member {
        Member {
            user_id: UserId::random(),
            name: email.into(),
            email: email.into(),
            role,
            joined_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn agreement(emails: [Option<&str>; 2]) -> Agreement {
        let mut text = String::from("format = 1\n");
        for (id, email) in ["maya", "jonas"].iter().zip(emails) {
            text.push_str(&format!("[[party]]\nid = \"{id}\"\nname = \"{id}\"\n"));
            if let Some(e) = email {
                text.push_str(&format!("email = \"{e}\"\n"));
            }
        }
        accord_core::parse_toml(&text).expect("valid")
    }

    fn parties(a: &Agreement, members: &[Member]) -> Vec<Option<String>> {
        members
            .iter()
            .map(|m| party_of(a, members, &m.user_id).map(|p| p.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn partners_are_matched_by_email_then_by_place() {
        // Joined in the other order than the file names them.
        let members = [
            member("jonas@example.org", Role::Partner),
            member("MAYA@example.org", Role::Partner),
            member("coach@example.org", Role::Coach),
        ];
        let some = |s: &str| Some(s.to_owned());
        let both = agreement([Some("maya@example.org"), Some("jonas@example.org")]);
        assert_eq!(
            parties(&both, &members),
            [some("jonas"), some("maya"), None]
        );
        // Only Maya's address is known: Jonas takes the party left over.
        let one = agreement([Some("maya@example.org"), None]);
        assert_eq!(parties(&one, &members), [some("jonas"), some("maya"), None]);
        // No addresses: joining order follows file order.
        let none = agreement([None, None]);
        assert_eq!(
            parties(&none, &members),
            [some("maya"), some("jonas"), None]
        );
    }
}
