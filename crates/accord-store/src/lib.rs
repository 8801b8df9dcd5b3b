//! Accord's storage, in the domain's terms, behind one interface ([`Store`])
//! with a SQLite implementation (no setup: one file in the data directory)
//! and a PostgreSQL one (several app processes sharing a database).
//!
//! Both run the same SQL where the dialects agree and keep their own
//! migrations (`migrations/sqlite`, `migrations/postgres`), embedded in the
//! binary and run at start. Times are stored as UTC unix milliseconds so that
//! they sort and compare the same on both. Callers pass the current time in:
//! the store never reads the clock, so tests control it.
//!
//! One conformance suite (`tests/conformance.rs`) runs against both.
//!
//! A whole partnership can be exported as one JSON document and imported
//! into another instance ([`export`]).
//!
//! ```
//! use accord_store::{Db, NewUser, Store};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("accord.db");
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
//! let store = db.store();
//! let maya = store
//!     .create_user(&NewUser {
//!         email: "maya@example.org",
//!         name: "Maya Chen",
//!         password_hash: "$argon2id$…",
//!         now: jiff::Timestamp::UNIX_EPOCH,
//!     })
//!     .await?;
//! assert_eq!(store.user_by_email("MAYA@example.org").await?, Some(maya));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod db;
mod error;
pub mod export;
mod keyed;
mod postgres;
mod shared;
mod sqlite;
mod types;
mod types_running;

use std::future::Future;

use jiff::{SignedDuration, Timestamp};

pub use db::Db;
pub use error::{StoreError, StoredResponse};
pub use keyed::{Answer, AnswerFn, Keyed};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use types::*;
pub use types_running::*;

/// The planning query's text, for tests that read its plan with EXPLAIN.
#[doc(hidden)]
pub use shared::outbox::PARTNERSHIPS_TO_PLAN as PLANNING_QUERY;

/// Shorthand for the futures the trait returns.
type Fut<'a, T> = std::pin::Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Storage in the domain's terms. Implemented by [`SqliteStore`] and
/// [`PgStore`]; [`Db`] holds either, chosen by URL. Every method that
/// changes several rows does so in one transaction: all or nothing.
///
/// A `…_keyed` method is its plain twin made under an idempotency key
/// ([`Keyed`]): nothing is written when an answer is stored under the key
/// already ([`StoreError::Replay`]) or another transaction holds it
/// ([`StoreError::KeyInFlight`]); otherwise the answer is stored in the
/// write's own transaction.
pub trait Store: Send + Sync {
    // --- Accounts -------------------------------------------------------

    /// Creates an account; [`StoreError::Conflict`] when the e-mail is taken.
    fn create_user<'a>(&'a self, new: &'a NewUser<'a>) -> Fut<'a, User>;
    /// The account with this e-mail address, in any case.
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>>;
    /// The account with this id.
    fn user_by_id<'a>(&'a self, id: &'a UserId) -> Fut<'a, Option<User>>;
    /// Sets a new password hash and, in the same transaction, ends every
    /// session and every API token of the account; `fresh` (the session of
    /// the browser that made the change, under a new id) is stored in it.
    fn set_password<'a>(
        &'a self,
        user: &'a UserId,
        password_hash: &'a str,
        fresh: Option<&'a NewSession<'a>>,
    ) -> Fut<'a, ()>;

    // --- Sessions -------------------------------------------------------

    /// Stores a new session.
    fn create_session<'a>(&'a self, new: &'a NewSession<'a>) -> Fut<'a, ()>;
    /// The session with this id digest, with its user; `None` when unknown
    /// or expired at `now`.
    fn session<'a>(&'a self, id: &'a TokenHash, now: Timestamp) -> Fut<'a, Option<Session>>;
    /// Ends a session (logging out). Unknown ids are not an error.
    fn delete_session<'a>(&'a self, id: &'a TokenHash) -> Fut<'a, ()>;

    // --- Password reset -------------------------------------------------

    /// Stores a reset token for the account, valid until `expires_at`.
    fn create_reset_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Fut<'a, ()>;
    /// Uses a reset token: single use, so it is gone afterwards whatever
    /// happens. When it was valid at `now`, sets the new password hash, ends
    /// every session of the account, removes its other reset tokens, and
    /// returns the account; otherwise returns `None` and changes nothing else.
    fn reset_password<'a>(
        &'a self,
        token: &'a TokenHash,
        password_hash: &'a str,
        now: Timestamp,
    ) -> Fut<'a, Option<UserId>>;

    // --- API tokens -----------------------------------------------------

    /// Stores a new API token for the account.
    fn create_api_token<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        label: &'a str,
        now: Timestamp,
    ) -> Fut<'a, ApiToken>;
    /// The account's API tokens, oldest first.
    fn api_tokens<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<ApiToken>>;
    /// The account an API token belongs to.
    ///
    /// Notes the use at `now` on the token, to the minute (at most one
    /// write a minute per token), for its owner's list.
    fn user_by_api_token<'a>(
        &'a self,
        token: &'a TokenHash,
        now: Timestamp,
    ) -> Fut<'a, Option<User>>;
    /// Revokes one of the account's API tokens; `false` when it has none
    /// with this id (including another account's token).
    fn delete_api_token<'a>(&'a self, user: &'a UserId, id: &'a ApiTokenId) -> Fut<'a, bool>;

    // --- Login throttling -----------------------------------------------

    /// Records one failed login under each of `keys` (e.g. the account, the
    /// address, the pair), shared by every app process.
    fn record_login_failure<'a>(&'a self, keys: &'a [String], now: Timestamp) -> Fut<'a, ()>;
    /// How many failures were recorded under `key` since `since`.
    fn login_failures<'a>(&'a self, key: &'a str, since: Timestamp) -> Fut<'a, u64>;
    /// Forgets the failures under `key` (after a successful login).
    fn clear_login_failures<'a>(&'a self, key: &'a str) -> Fut<'a, ()>;
    /// Remembers that this browser (by the digest of its device cookie) has
    /// logged in to the account, so throttling aimed at the account does
    /// not lock its owner out.
    fn remember_device<'a>(
        &'a self,
        device: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// Whether this browser has logged in to the account before.
    fn device_known<'a>(&'a self, device: &'a TokenHash, user: &'a UserId) -> Fut<'a, bool>;
    /// Deletes what has expired by `now`: sessions, reset tokens, login
    /// failures older than `failures_before`, check-in links used or
    /// expired more than a day before `now`, outbox rows sent or failed
    /// more than 30 days before `now`, idempotency answers older than 24
    /// hours (a retry after that runs anew) and browsers not seen for 90
    /// days.
    fn housekeeping<'a>(&'a self, now: Timestamp, failures_before: Timestamp) -> Fut<'a, ()>;

    // --- Partnerships ---------------------------------------------------

    /// Starts a partnership with its creator as first partner and the
    /// given first draft at revision 1.
    fn create_partnership<'a>(&'a self, new: &'a NewPartnership<'a>) -> Fut<'a, Partnership> {
        self.create_partnership_keyed(new, None)
    }
    /// [`Store::create_partnership`] under an idempotency key.
    fn create_partnership_keyed<'a>(
        &'a self,
        new: &'a NewPartnership<'a>,
        keyed: Option<&'a Keyed<Partnership>>,
    ) -> Fut<'a, Partnership>;
    /// The partnership with this id, whoever asks: callers check membership.
    fn partnership<'a>(&'a self, id: &'a PartnershipId) -> Fut<'a, Option<Partnership>>;
    /// The partnerships the user belongs to, oldest first, with their role.
    fn memberships<'a>(&'a self, user: &'a UserId) -> Fut<'a, Vec<Membership>>;
    /// The user's role in the partnership; `None` when not a member.
    fn role_in<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, Option<Role>>;
    /// The partnership's members, partners first, then by joining time.
    fn members<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Member>>;

    // --- Invitations ----------------------------------------------------

    /// Stores an invitation.
    fn create_invitation<'a>(&'a self, new: &'a NewInvitation<'a>) -> Fut<'a, Invitation> {
        self.create_invitation_keyed(new, None)
    }
    /// [`Store::create_invitation`] under an idempotency key.
    fn create_invitation_keyed<'a>(
        &'a self,
        new: &'a NewInvitation<'a>,
        keyed: Option<&'a Keyed<Invitation>>,
    ) -> Fut<'a, Invitation>;
    /// The invitation with this token digest (used or not).
    fn invitation_by_token<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<Invitation>>;
    /// The partnership's invitations, newest first.
    fn invitations<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Invitation>>;
    /// Accepts an invitation, atomically: it must be unused and unexpired at
    /// `now`, the user not yet a member and the role not full. Adds the
    /// membership and marks the invitation used; on any problem, changes
    /// nothing and says which ([`StoreError::Invitation`]).
    fn accept_invitation<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Membership> {
        self.accept_invitation_keyed(token, user, now, None, None)
    }
    /// [`Store::accept_invitation`], with the draft changed as `redraft`
    /// says (the stored draft in; the draft to save out, `None` to leave
    /// it) when a partner joins, in the same transaction, and under an
    /// idempotency key.
    fn accept_invitation_keyed<'a>(
        &'a self,
        token: &'a TokenHash,
        user: &'a UserId,
        now: Timestamp,
        redraft: Option<Redraft<'a>>,
        keyed: Option<&'a Keyed<Membership>>,
    ) -> Fut<'a, Membership>;
    /// Withdraws an unused invitation of this partnership; `false` when it
    /// has none with this id.
    fn withdraw_invitation<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a InvitationId,
    ) -> Fut<'a, bool>;
    /// Ends `user`'s membership as the partnership's coach; `false` when
    /// they are not its coach (a partner is never removed: the agreement
    /// is theirs). What they wrote stays, under their name.
    fn remove_coach<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        user: &'a UserId,
    ) -> Fut<'a, bool>;

    // --- Draft and versions ---------------------------------------------

    /// Saves the draft if it is still at `expected_revision`, returning the
    /// new revision; [`StoreError::Stale`] (nothing written) when someone
    /// saved in between, [`StoreError::NotFound`] for an unknown partnership.
    fn save_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        draft: &'a str,
        now: Timestamp,
    ) -> Fut<'a, i64>;
    /// Signs the draft as it stands at `expected_revision`
    /// ([`StoreError::Stale`] otherwise). The first signature on a revision
    /// takes a new version (a snapshot of the draft); the other partner's
    /// signature on the same revision completes it, and the completed
    /// version becomes the active agreement. Signing twice changes nothing.
    fn sign_draft<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Signed> {
        self.sign_draft_keyed(partnership, expected_revision, user, now, None)
    }
    /// [`Store::sign_draft`] under an idempotency key.
    fn sign_draft_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        expected_revision: i64,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Signed>>,
    ) -> Fut<'a, Signed>;
    /// Every version of the partnership, oldest first.
    fn versions<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Version>>;
    /// One version.
    fn version<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        number: i64,
    ) -> Fut<'a, Option<Version>>;

    // --- Running: preparation, check-ins, notes, consequences -----------

    /// Saves (inserting or replacing) one person's answers for a check-in
    /// occurrence. With a `link`, the link must exist, be for the same
    /// partnership, occurrence and person, and be unused and unexpired at
    /// `now` ([`StoreError::Link`] otherwise, nothing written); it is used
    /// up in the same transaction. [`StoreError::NotFound`] for an unknown
    /// partnership or user.
    fn save_preparation<'a>(&'a self, new: &'a NewPreparation<'a>) -> Fut<'a, ()>;
    /// Everyone's answers for an occurrence, in the order the partners
    /// joined the partnership (answers of non-members last, by user id).
    fn preparations<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
    ) -> Fut<'a, Vec<Preparation>>;
    /// Who prepared for which occurrence, across the partnership's whole
    /// history, oldest first (without the answers; see
    /// [`Store::preparations`] for those). Empty for an unknown partnership.
    fn prepared<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Prepared>>;
    /// Records a check-in in one transaction with its note (by the
    /// recorder), its consequence entries (fired at `now`; a second
    /// missed-check-in entry for an occurrence is ignored), its
    /// notifications (as [`Store::enqueue`]) and the use of its link (as
    /// [`Store::save_preparation`]). All or nothing:
    /// [`StoreError::Conflict`] when the occurrence already has a check-in,
    /// [`StoreError::NotFound`] for an unknown partnership or user,
    /// [`StoreError::Link`] for a link that cannot be used.
    fn record_checkin<'a>(&'a self, new: &'a NewCheckin<'a>) -> Fut<'a, Checkin> {
        self.record_checkin_keyed(new, None)
    }
    /// [`Store::record_checkin`] under an idempotency key.
    fn record_checkin_keyed<'a>(
        &'a self,
        new: &'a NewCheckin<'a>,
        keyed: Option<&'a Keyed<Checkin>>,
    ) -> Fut<'a, Checkin>;
    /// The check-in recorded at an occurrence.
    fn checkin<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
    ) -> Fut<'a, Option<Checkin>>;
    /// Every recorded check-in of the partnership, oldest occurrence first.
    fn checkins<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Checkin>>;
    /// Adds a note to a recorded check-in; [`StoreError::NotFound`] when no
    /// check-in is recorded at that occurrence (or the author is unknown).
    fn add_note<'a>(&'a self, new: &'a NewNote<'a>) -> Fut<'a, Note> {
        self.add_note_keyed(new, None)
    }
    /// [`Store::add_note`] under an idempotency key.
    fn add_note_keyed<'a>(
        &'a self,
        new: &'a NewNote<'a>,
        keyed: Option<&'a Keyed<Note>>,
    ) -> Fut<'a, Note>;
    /// The notes on a check-in that `viewer` may read, oldest first: every
    /// shared note and the viewer's own private ones, never anyone else's.
    fn notes<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        occurrence: Timestamp,
        viewer: &'a UserId,
    ) -> Fut<'a, Vec<Note>>;
    /// The partnership's consequence log, by occurrence, then time fired,
    /// then order of logging.
    fn consequence_log<'a>(
        &'a self,
        partnership: &'a PartnershipId,
    ) -> Fut<'a, Vec<ConsequenceEntry>>;
    /// Logs a missed check-in at `consequence.occurrence` (as
    /// [`ConsequenceKind::MissedCheckin`], whatever its `kind`, fired at
    /// `now`) and enqueues `notifications`, in one transaction, returning
    /// `true`, if no check-in is recorded there and no missed check-in is
    /// logged for it yet; otherwise writes nothing and returns `false`.
    /// Safe when several processes try at once: one logs it.
    fn record_missed_checkin<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        consequence: &'a NewConsequence<'a>,
        notifications: &'a [NewNotification],
        now: Timestamp,
    ) -> Fut<'a, bool>;

    // --- Pauses ---------------------------------------------------------

    /// Proposes a pause; [`StoreError::NotFound`] for an unknown
    /// partnership or user.
    fn propose_pause<'a>(&'a self, new: &'a NewPause<'a>) -> Fut<'a, Pause> {
        self.propose_pause_keyed(new, None)
    }
    /// [`Store::propose_pause`] under an idempotency key.
    fn propose_pause_keyed<'a>(
        &'a self,
        new: &'a NewPause<'a>,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// Agrees to a proposed pause. [`StoreError::NotFound`] when the
    /// partnership has no pause with this id; [`StoreError::Conflict`] when
    /// it is already agreed or withdrawn, or `user` proposed it.
    fn agree_pause<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Pause> {
        self.agree_pause_keyed(partnership, id, user, now, None)
    }
    /// [`Store::agree_pause`] under an idempotency key.
    fn agree_pause_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// Withdraws a pause, proposed or agreed. [`StoreError::NotFound`] when
    /// the partnership has no pause with this id; [`StoreError::Conflict`]
    /// when it is already withdrawn.
    fn withdraw_pause<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
    ) -> Fut<'a, Pause> {
        self.withdraw_pause_keyed(partnership, id, user, now, None)
    }
    /// [`Store::withdraw_pause`] under an idempotency key.
    fn withdraw_pause_keyed<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        id: &'a PauseId,
        user: &'a UserId,
        now: Timestamp,
        keyed: Option<&'a Keyed<Pause>>,
    ) -> Fut<'a, Pause>;
    /// The partnership's pauses, withdrawn ones included, by first day,
    /// then by when they were proposed.
    fn pauses<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Vec<Pause>>;

    // --- Outbox ---------------------------------------------------------

    /// Puts rows in the outbox, returning how many were inserted: a row
    /// whose `dedupe` key is already there is ignored.
    /// [`StoreError::NotFound`] when a row names an unknown partnership or
    /// user (then none is inserted).
    fn enqueue<'a>(&'a self, rows: &'a [NewNotification]) -> Fut<'a, u64>;
    /// Claims up to `limit` pending rows due by `now` whose lease (if any)
    /// has run out, earliest `due_at` first: each is leased until `now +
    /// lease` under a fresh token and its attempts go up by one. Several
    /// workers may claim at once: no row is leased to two of them.
    fn claim_due<'a>(
        &'a self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Fut<'a, Vec<Outgoing>>;
    /// Marks a claimed row sent; `false` (nothing changed) when the row is
    /// not leased under `lease_token` any more.
    fn mark_sent<'a>(
        &'a self,
        id: &'a OutboxId,
        lease_token: &'a str,
        now: Timestamp,
    ) -> Fut<'a, bool>;
    /// Records a failed attempt at a claimed row, keeping `error`: with
    /// `retry_at` the row is pending again, due then, with no lease;
    /// without, it has failed for good. `false` (nothing changed) when the
    /// row is not leased under `lease_token` any more.
    fn mark_failed<'a>(
        &'a self,
        id: &'a OutboxId,
        lease_token: &'a str,
        error: &'a str,
        retry_at: Option<Timestamp>,
    ) -> Fut<'a, bool>;
    /// How many outbox rows are pending, sent and failed.
    fn outbox_counts<'a>(&'a self) -> Fut<'a, OutboxCounts>;

    // --- Planning -------------------------------------------------------

    /// Up to `limit` partnerships with a completed version whose outbox is
    /// planned until before `before`, or not at all: unplanned ones first,
    /// then those planned least far.
    fn partnerships_to_plan<'a>(
        &'a self,
        before: Timestamp,
        limit: u32,
    ) -> Fut<'a, Vec<PartnershipId>>;
    /// How far the partnership's outbox is planned; `None` when it is not
    /// (never, or since a new version was signed).
    fn planned_until<'a>(&'a self, partnership: &'a PartnershipId) -> Fut<'a, Option<Timestamp>>;
    /// Moves the partnership's plan to `until` and enqueues `rows` (as
    /// [`Store::enqueue`]), in one transaction, if the plan still ends at
    /// `expected` (`None`: no plan) and `version` is still the version in
    /// force; otherwise writes nothing and returns `false`. The check holds
    /// against signing (the partnership is locked as signing locks it), so
    /// a plan made from a version that a signature just replaced is never
    /// saved over the new version's. [`StoreError::NotFound`] for an
    /// unknown partnership.
    fn save_plan<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        version: i64,
        expected: Option<Timestamp>,
        until: Timestamp,
        rows: &'a [NewNotification],
    ) -> Fut<'a, bool> {
        Box::pin(async move {
            let plan = [PlanSave {
                partnership,
                version,
                expected,
                until,
                rows,
            }];
            Ok(self
                .save_plans(&plan)
                .await?
                .first()
                .copied()
                .unwrap_or(false))
        })
    }
    /// [`Store::save_plan`] for several partnerships in one transaction
    /// (one commit: a worker step's batch costs one fsync, not one per
    /// partnership); each plan is checked and saved on its own terms, and
    /// the answer says, in the order given, which were saved. An error
    /// (an unknown partnership) saves none of them.
    fn save_plans<'a>(&'a self, plans: &'a [PlanSave<'a>]) -> Fut<'a, Vec<bool>>;

    // --- Settings, calendar feeds, check-in links, secrets --------------

    /// The person's notification settings; the default (e-mail, no
    /// webhook) when they never set any.
    fn notification_settings<'a>(&'a self, user: &'a UserId) -> Fut<'a, NotificationSettings>;
    /// Replaces the person's notification settings;
    /// [`StoreError::NotFound`] for an unknown user.
    fn set_notification_settings<'a>(
        &'a self,
        user: &'a UserId,
        settings: &'a NotificationSettings,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// Gives the person a new calendar feed token (replacing any other), or
    /// with `None` revokes theirs (no error when they have none).
    /// [`StoreError::NotFound`] when giving one to an unknown user,
    /// [`StoreError::Conflict`] when another account has this token.
    fn set_calendar_token<'a>(
        &'a self,
        user: &'a UserId,
        token: Option<&'a TokenHash>,
        now: Timestamp,
    ) -> Fut<'a, ()>;
    /// The account whose calendar feed token this is.
    fn calendar_user<'a>(&'a self, token: &'a TokenHash) -> Fut<'a, Option<User>>;
    /// When the person's current calendar feed token was made; `None` when
    /// they have none.
    fn calendar_since<'a>(&'a self, user: &'a UserId) -> Fut<'a, Option<Timestamp>>;
    /// Stores a single-use check-in link; [`StoreError::NotFound`] for an
    /// unknown partnership or user.
    fn create_checkin_link<'a>(&'a self, new: &'a NewCheckinLink<'a>) -> Fut<'a, ()>;
    /// The check-in link with this id (used, expired or not).
    fn checkin_link<'a>(&'a self, id: &'a LinkId) -> Fut<'a, Option<CheckinLink>>;
    /// The secret stored under `name`, storing `candidate` first if there
    /// is none yet, so that every process ends up with the same one.
    fn server_secret<'a>(&'a self, name: &'a str, candidate: &'a str) -> Fut<'a, String>;

    // --- Idempotency ----------------------------------------------------

    /// The response stored for this user's idempotency key, if any.
    fn idempotent_response<'a>(
        &'a self,
        user: &'a UserId,
        key: &'a str,
    ) -> Fut<'a, Option<StoredResponse>>;

    // --- Export and import ----------------------------------------------

    /// Everything of one partnership that `scope` may see, read in one
    /// snapshot, as the document of [`export`] made at `now`; `progress`
    /// hears of each part ([`export::PARTS`], in that order) as soon as it
    /// is read, while the others are still being read. `None` when
    /// no partnership has this id, or the scope's member is not one of it.
    fn export_partnership<'a>(
        &'a self,
        partnership: &'a PartnershipId,
        scope: &'a export::ExportScope,
        now: Timestamp,
        progress: &'a (dyn Fn(export::Progress) + Send + Sync),
    ) -> Fut<'a, Option<export::Export>>;
    /// Writes a complete export in one transaction, all or nothing, keeping
    /// its ids and times. People are matched by e-mail address: an
    /// existing account is used as it is; a missing one is created (at
    /// `now`, under its exported id unless another account has that id)
    /// with no password ([`export::NO_PASSWORD`]). Refuses, writing
    /// nothing: a document that is not importable
    /// ([`StoreError::InvalidExport`]), and a partnership, note or pause id
    /// that exists already ([`StoreError::Conflict`]).
    fn import_partnership<'a>(
        &'a self,
        export: &'a export::Export,
        now: Timestamp,
    ) -> Fut<'a, export::Imported>;
}
