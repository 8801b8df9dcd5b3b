//! The store's SQL and query functions, written once for both databases:
//! `$n` placeholders and `RETURNING` work on both, times are unix
//! milliseconds and ids text. Each submodule holds one part of the store:
//! its SQL text, its row types and the functions that run them on a
//! [`crate::sql::Pool`] or inside a caller's [`crate::sql::Conn`].
//!
//! The few statements whose text differs between the databases (locking a
//! partnership's row, claiming outbox rows, taking an idempotency key) are
//! chosen by [`crate::sql::Dialect`].

use crate::{Role, StoreError};
use jiff::Timestamp;

pub(crate) mod access;
pub(crate) mod accounts;
pub(crate) mod drafts;
pub(crate) mod export;
pub(crate) mod export_read;
pub(crate) mod history;
pub(crate) mod outbox;
pub(crate) mod partnerships;
pub(crate) mod pauses;
pub(crate) mod prepared;
pub(crate) mod running;
pub(crate) mod settings;

/// Unix milliseconds to a timestamp; out-of-range values (only a corrupted
/// row has them) become the epoch rather than a panic.
pub(crate) fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Whether a database error is a broken uniqueness constraint.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Maps a broken foreign key (a row naming an account or partnership that
/// does not exist) to [`StoreError::NotFound`] for `what`.
pub(crate) fn missing(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound(what),
        _ => e.into(),
    }
}

/// E-mail addresses are unique regardless of case and surrounding space.
pub(crate) fn normal_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A role as stored; the schema's CHECK allows only the two words, so
/// anything else is a corrupted row.
pub(crate) fn role(word: &str) -> Result<Role, StoreError> {
    Role::parse(word).ok_or_else(|| corrupt(format!("unknown role {word:?}")))
}

/// An error for a stored value the schema should have ruled out.
pub(crate) fn corrupt(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(message.into()))
}
