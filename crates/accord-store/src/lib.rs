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
//! use accord_store::{Db, NewUser, prelude::*};
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
pub mod repos;
mod shared;
mod sql;
mod sqlite;
mod types;
mod types_running;

use std::future::Future;

pub use db::{Db, SqlStore};
pub use error::{StoreError, StoredResponse};
pub use keyed::{Answer, AnswerFn, Keyed};
pub use repos::{
    Accounts, Drafts, Idempotency, Outbox, Partnerships, Pauses, Running, Sessions, Settings,
    Transfer,
};
pub use types::*;
pub use types_running::*;

/// The planning query's text, for tests that read its plan with EXPLAIN.
#[doc(hidden)]
pub use shared::outbox::PARTNERSHIPS_TO_PLAN as PLANNING_QUERY;

/// Shorthand for the futures the trait returns.
pub(crate) type Fut<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Storage in the domain's terms: every repository, one per feature
/// ([`repos`]). Implemented by [`SqlStore`] for both databases; [`Db`]
/// holds one, chosen by URL. Every method that changes several rows does so
/// in one transaction: all or nothing.
///
/// On a `dyn Store` every repository's methods can be called as they are;
/// on a concrete [`SqlStore`], bring them into scope with
/// `use accord_store::prelude::*`.
///
/// A `…_keyed` method is its plain twin made under an idempotency key
/// ([`Keyed`]): nothing is written when an answer is stored under the key
/// already ([`StoreError::Replay`]) or another transaction holds it
/// ([`StoreError::KeyInFlight`]); otherwise the answer is stored in the
/// write's own transaction.
pub trait Store:
    Accounts
    + Sessions
    + Partnerships
    + Drafts
    + Running
    + Pauses
    + Outbox
    + Settings
    + Idempotency
    + Transfer
{
}

impl<
    T: Accounts
        + Sessions
        + Partnerships
        + Drafts
        + Running
        + Pauses
        + Outbox
        + Settings
        + Idempotency
        + Transfer,
> Store for T
{
}

/// [`Store`] and every repository trait, to call the store's methods on a
/// concrete [`SqlStore`] (on a `dyn Store` they need no import).
pub mod prelude {
    pub use crate::Store;
    pub use crate::repos::*;
}
