//! What storage can fail with, in terms a handler can map to a response
//! ([`StoreError`]), and the stored answer to a request made with an
//! idempotency key ([`StoredResponse`]).

use crate::export;
use crate::{InvitationProblem, LinkProblem};

/// What can go wrong in storage, in terms a handler can map to a response.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (an e-mail address already in use).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A save was based on an older revision than the stored one: someone
    /// else saved in between. Nothing was written.
    #[error("the draft has changed since revision {expected}: it is now at revision {current}")]
    Stale {
        /// The revision the caller based its change on.
        expected: i64,
        /// The revision now stored.
        current: i64,
    },
    /// The thing to change does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An invitation could not be accepted.
    #[error(transparent)]
    Invitation(#[from] InvitationProblem),
    /// A single-use check-in link could not be used; nothing was written.
    #[error(transparent)]
    Link(#[from] LinkProblem),
    /// A write made under an idempotency key ([`crate::Keyed`]) found an
    /// answer stored under it already: nothing was written, and this is
    /// the answer to send again.
    #[error("an answer is stored under this idempotency key")]
    Replay(Box<StoredResponse>),
    /// A write made under an idempotency key found another transaction
    /// holding the key (a request with it in flight): nothing was written.
    #[error("a request with this idempotency key is in flight")]
    KeyInFlight,
    /// The answer to store under an idempotency key could not be made;
    /// nothing was written.
    #[error("the answer to store could not be made: {0}")]
    Answer(String),
    /// The database failed; details are for the log, never for users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An export cannot be imported (see [`export::ExportProblem`]);
    /// nothing was written.
    #[error(transparent)]
    InvalidExport(#[from] export::ExportProblem),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database URL names no database this build supports.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// A backup ([`SqlStore::backup_to`]) could not be written where
    /// asked: the file exists already (a backup never replaces one), or its
    /// directory is missing or not writable. Nothing was written there.
    #[error("cannot write the backup to {path}: {reason}")]
    BackupTarget {
        /// The destination asked for.
        path: String,
        /// Why it could not be written.
        reason: String,
    },
}

/// A stored answer to a request made with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status sent.
    pub status: u16,
    /// The body sent.
    pub body: String,
    /// A digest of the request body the key was first used with (the web
    /// layer computes it), so a reuse of the key with another body can be
    /// told apart from a retry; `None` when it was not recorded.
    pub fingerprint: Option<String>,
}
