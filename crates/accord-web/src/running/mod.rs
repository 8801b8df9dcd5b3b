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

pub mod links;
pub mod notify;
mod standing;
mod write;

use accord_core::Agreement;
use accord_core::checkin::{CheckinRecord, Status, status};
use accord_core::schedule::{Occurrence, Pause, Schedule, Unscheduled};
use accord_store::{Member, PartnershipId, Role, Store, UserId, Version};
use jiff::Timestamp;

use crate::error::AppError;
use crate::partnerships::access::parse_stored;

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
}

impl InForce {
    /// Loads the partnership's agreement in force; `None` before both
    /// partners have signed a version.
    pub async fn load(store: &dyn Store, id: &PartnershipId) -> Result<Option<Self>, AppError> {
        Self::load_version(store, id, None).await
    }

    /// Loads signed version `number` (the one in force when `None`) with
    /// its own schedule: a check-in recorded under an earlier version is
    /// shown by the schedule it was held under. `None` when there is no
    /// such signed version.
    pub async fn load_version(
        store: &dyn Store,
        id: &PartnershipId,
        number: Option<i64>,
    ) -> Result<Option<Self>, AppError> {
        let versions = store.versions(id).await?;
        let Some(version) = signed(&versions, number) else {
            return Ok(None);
        };
        Self::of(store, id, version.clone()).await.map(Some)
    }

    /// `version`'s agreement with its schedule and the partnership's
    /// history.
    pub async fn of(
        store: &dyn Store,
        id: &PartnershipId,
        version: Version,
    ) -> Result<Self, AppError> {
        let agreement = parse_stored(&version.toml)?;
        let from = version.signed_at.unwrap_or(version.created_at);
        let schedule = Schedule::new(&agreement, from);
        let zone = match &schedule {
            Ok(s) => s.time_zone().clone(),
            Err(_) => jiff::tz::TimeZone::UTC,
        };
        let pauses = store
            .pauses(id)
            .await?
            .iter()
            .filter_map(|p| in_effect(p, &zone))
            .collect();
        let mut entries = Vec::new();
        for c in store.checkins(id).await? {
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
        let members = store.members(id).await?;
        Ok(Self {
            id: id.clone(),
            version,
            agreement,
            schedule,
            pauses,
            entries,
            members,
        })
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
