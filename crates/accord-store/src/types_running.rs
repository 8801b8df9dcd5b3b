//! The records of a signed agreement in use: preparation, check-ins, notes,
//! the consequence log, pauses, the outbox of notifications and deferred
//! jobs, notification settings and single-use check-in links.
//!
//! A check-in *occurrence* is identified by its scheduled start as a UTC
//! instant ([`Timestamp`], unix milliseconds in storage). Texts the store
//! does not interpret (a check-in record, an outbox payload) are JSON kept
//! verbatim.

use jiff::Timestamp;

use crate::types::uuid_id;
use crate::{PartnershipId, UserId};

uuid_id!(
    /// A note id.
    NoteId
);
uuid_id!(
    /// A pause id.
    PauseId
);
uuid_id!(
    /// An outbox row id.
    OutboxId
);
uuid_id!(
    /// A single-use check-in link id: the secret part of the link.
    LinkId
);

/// One person's answers before a check-in, to save.
#[derive(Debug, Clone)]
pub struct NewPreparation<'a> {
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// The check-in occurrence prepared for.
    pub occurrence: Timestamp,
    /// Whose answers.
    pub user: &'a UserId,
    /// What they committed to.
    pub committed: &'a str,
    /// What happened.
    pub happened: &'a str,
    /// What they want from the check-in.
    pub want: &'a str,
    /// The single-use link it came through, if any: consumed on success.
    pub link: Option<&'a LinkId>,
    /// Now.
    pub now: Timestamp,
}

/// One person's answers before a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preparation {
    /// Whose answers.
    pub user: UserId,
    /// The occurrence prepared for.
    pub occurrence: Timestamp,
    /// What they committed to.
    pub committed: String,
    /// What happened.
    pub happened: String,
    /// What they want from the check-in.
    pub want: String,
    /// When they last saved them.
    pub updated_at: Timestamp,
}

/// That someone saved answers for an occurrence (not what they wrote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The occurrence prepared for.
    pub occurrence: Timestamp,
    /// Who prepared.
    pub user: UserId,
}

/// A check-in to record, with everything that goes with it in the same
/// transaction.
#[derive(Debug, Clone)]
pub struct NewCheckin<'a> {
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// The occurrence recorded.
    pub occurrence: Timestamp,
    /// The version of the agreement in force.
    pub version: i64,
    /// The record, as JSON text, stored verbatim.
    pub record: &'a str,
    /// Who records it.
    pub recorded_by: &'a UserId,
    /// A note by the recorder, if any.
    pub note: Option<NoteBody<'a>>,
    /// The consequences that fired (logged with `fired_at` = `now`).
    pub consequences: &'a [NewConsequence<'a>],
    /// Notifications to enqueue (a recap, say); duplicates by `dedupe` are
    /// ignored.
    pub notifications: &'a [NewNotification],
    /// The single-use link it came through, if any: consumed on success.
    pub link: Option<&'a LinkId>,
    /// Now.
    pub now: Timestamp,
}

/// The text of a note, and whether only its author sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteBody<'a> {
    /// Shown to its author only.
    pub private: bool,
    /// The text.
    pub body: &'a str,
}

/// A recorded check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkin {
    /// The occurrence.
    pub occurrence: Timestamp,
    /// The version of the agreement in force.
    pub version: i64,
    /// The record, JSON text as given.
    pub record: String,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: Timestamp,
}

/// A note to add to a recorded check-in.
#[derive(Debug, Clone)]
pub struct NewNote<'a> {
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// The check-in's occurrence.
    pub occurrence: Timestamp,
    /// Who writes it.
    pub author: &'a UserId,
    /// Shown to its author only.
    pub private: bool,
    /// The text.
    pub body: &'a str,
    /// Now.
    pub now: Timestamp,
}

/// A note on a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its id.
    pub id: NoteId,
    /// The check-in's occurrence.
    pub occurrence: Timestamp,
    /// Who wrote it.
    pub author: UserId,
    /// Shown to its author only.
    pub private: bool,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// What kind of consequence fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsequenceKind {
    /// A step of a party's consequence ladder, after consecutive misses.
    Ladder,
    /// The agreed response to a check-in nobody recorded.
    MissedCheckin,
}

impl ConsequenceKind {
    /// The kind's word in the database and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ladder => "ladder",
            Self::MissedCheckin => "missed-checkin",
        }
    }

    /// Reads the kind's word.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "ladder" => Some(Self::Ladder),
            "missed-checkin" => Some(Self::MissedCheckin),
            _ => None,
        }
    }
}

/// A consequence to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsequence<'a> {
    /// The occurrence it belongs to.
    pub occurrence: Timestamp,
    /// Ladder step or missed check-in.
    pub kind: ConsequenceKind,
    /// The party it applies to (a ladder step), if any.
    pub party: Option<&'a str>,
    /// The consecutive misses that triggered it (a ladder step), if any.
    pub misses: Option<i64>,
    /// The agreed response, as written in the agreement.
    pub response: &'a str,
}

/// An entry of the consequence log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsequenceEntry {
    /// The occurrence it belongs to.
    pub occurrence: Timestamp,
    /// Ladder step or missed check-in.
    pub kind: ConsequenceKind,
    /// The party it applies to, if any.
    pub party: Option<String>,
    /// The consecutive misses that triggered it, if any.
    pub misses: Option<i64>,
    /// The agreed response.
    pub response: String,
    /// When it was logged.
    pub fired_at: Timestamp,
}

/// A pause to propose.
#[derive(Debug, Clone)]
pub struct NewPause<'a> {
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// The first day paused, `YYYY-MM-DD` in the agreement's zone.
    pub first_day: &'a str,
    /// The last day paused (inclusive), `YYYY-MM-DD`.
    pub last_day: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The partner proposing it.
    pub proposed_by: &'a UserId,
    /// Now.
    pub now: Timestamp,
}

/// A pause, proposed by one partner; in effect once the other agrees,
/// unless withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// Its id.
    pub id: PauseId,
    /// The first day paused, `YYYY-MM-DD`.
    pub first_day: String,
    /// The last day paused (inclusive), `YYYY-MM-DD`.
    pub last_day: String,
    /// Why.
    pub reason: String,
    /// Who proposed it.
    pub proposed_by: UserId,
    /// When.
    pub proposed_at: Timestamp,
    /// The other partner, once they agreed.
    pub agreed_by: Option<UserId>,
    /// When they agreed.
    pub agreed_at: Option<Timestamp>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<Timestamp>,
}

/// How a notification is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// An e-mail to the person.
    Email,
    /// A POST to the person's webhook.
    Webhook,
    /// A job for the worker itself (the check at the end of a grace window).
    Internal,
}

impl Channel {
    /// The channel's word in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Webhook => "webhook",
            Self::Internal => "internal",
        }
    }

    /// Reads the channel's word.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "email" => Some(Self::Email),
            "webhook" => Some(Self::Webhook),
            "internal" => Some(Self::Internal),
            _ => None,
        }
    }
}

/// A plan to save: see [`crate::Store::save_plan`].
#[derive(Debug, Clone, Copy)]
pub struct PlanSave<'a> {
    /// Whose plan.
    pub partnership: &'a PartnershipId,
    /// The version planned from; nothing is saved unless it is in force.
    pub version: i64,
    /// Where the plan ended when it was read (`None`: not planned).
    pub expected: Option<Timestamp>,
    /// Where it ends now.
    pub until: Timestamp,
    /// The outbox rows it adds.
    pub rows: &'a [NewNotification],
}

/// A row to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The partnership it concerns, if any.
    pub partnership: Option<PartnershipId>,
    /// The person it goes to, if any.
    pub user: Option<UserId>,
    /// How it is delivered.
    pub channel: Channel,
    /// What it is (e.g. `reminder`, `recap`); the store does not interpret it.
    pub kind: String,
    /// Unique key: a second row with the same key is not inserted.
    pub dedupe: String,
    /// When it is to be sent.
    pub due_at: Timestamp,
    /// What the sender needs, as JSON text.
    pub payload: String,
}

/// An outbox row claimed by a worker, leased to it until it is marked sent
/// or failed, or the lease runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Its id.
    pub id: OutboxId,
    /// The partnership it concerns, if any.
    pub partnership: Option<PartnershipId>,
    /// The person it goes to, if any.
    pub user: Option<UserId>,
    /// How it is delivered.
    pub channel: Channel,
    /// What it is.
    pub kind: String,
    /// Its unique key.
    pub dedupe: String,
    /// When it was due.
    pub due_at: Timestamp,
    /// JSON text as enqueued.
    pub payload: String,
    /// Delivery attempts, including this claim.
    pub attempts: i64,
    /// The lease's token: only its holder can mark the row sent or failed.
    pub lease_token: String,
}

/// How many outbox rows are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting to be sent (including claimed and retrying).
    pub pending: u64,
    /// Sent (or dropped as stale by the worker).
    pub sent: u64,
    /// Given up on.
    pub failed: u64,
}

/// How a person wants to be told about their agreements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    /// Whether to send e-mail.
    pub email: bool,
    /// Where to POST events, if anywhere.
    pub webhook_url: Option<String>,
    /// The secret that signs webhook bodies.
    pub webhook_secret: Option<String>,
}

impl Default for NotificationSettings {
    /// E-mail, no webhook.
    fn default() -> Self {
        Self {
            email: true,
            webhook_url: None,
            webhook_secret: None,
        }
    }
}

/// A single-use link to make.
#[derive(Debug, Clone)]
pub struct NewCheckinLink<'a> {
    /// Its id (the secret part of the link), made by the caller.
    pub id: &'a LinkId,
    /// The partnership.
    pub partnership: &'a PartnershipId,
    /// The occurrence it is for.
    pub occurrence: Timestamp,
    /// Who may use it.
    pub user: &'a UserId,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Now.
    pub now: Timestamp,
}

/// A single-use link to prepare for or record one check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinLink {
    /// Its id.
    pub id: LinkId,
    /// The partnership.
    pub partnership: PartnershipId,
    /// The occurrence it is for.
    pub occurrence: Timestamp,
    /// Who may use it.
    pub user: UserId,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was used; it works once.
    pub used_at: Option<Timestamp>,
}

/// Why a check-in link could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkProblem {
    /// No such link, or it is for another partnership, occurrence or person.
    #[error("this check-in link is not valid")]
    Unknown,
    /// It was already used.
    #[error("this check-in link has already been used")]
    Used,
    /// It expired.
    #[error("this check-in link has expired")]
    Expired,
}

/// A partnership's history as one snapshot ([`crate::Running::history`]):
/// everything the agreement in force is built from, and the change count
/// it was read at ([`crate::Partnership::changes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The change count this snapshot was read at.
    pub changes: i64,
    /// Every version, oldest first, with its signatures.
    pub versions: Vec<crate::Version>,
    /// The members, as [`crate::Partnerships::members`] lists them.
    pub members: Vec<crate::Member>,
    /// Every pause, as [`crate::Pauses::pauses`] lists them.
    pub pauses: Vec<Pause>,
    /// Every recorded check-in, oldest occurrence first.
    pub checkins: Vec<Checkin>,
}
