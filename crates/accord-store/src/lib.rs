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
//! ```
//! use accord_store::{Db, NewUser, Store};
//!
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("accord.db");
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
//! let maya = db
//!     .create_user(&NewUser {
//!         email: "maya@example.org",
//!         name: "Maya Chen",
//!         password_hash: "$argon2id$…",
//!         now: jiff::Timestamp::UNIX_EPOCH,
//!     })
//!     .await?;
//! assert_eq!(db.user_by_email("MAYA@example.org").await?, Some(maya));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod postgres;
mod shared;
mod sqlite;

use std::future::Future;

use jiff::Timestamp;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What can go wrong in storage, in terms a handler can map to a response.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (an e-mail address already in use).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database failed; details are for the log, never for users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database URL names no database this build supports.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
}

/// A user id: 128 random bits, written as a UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// A new random id.
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The e-mail address, lower-cased.
    pub email: String,
    /// The name shown to partners.
    pub name: String,
    /// The argon2id hash (PHC string) of the password.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: Timestamp,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// The e-mail address; stored lower-cased, unique regardless of case.
    pub email: &'a str,
    /// The name shown to partners.
    pub name: &'a str,
    /// The argon2id hash of the password.
    pub password_hash: &'a str,
    /// Now.
    pub now: Timestamp,
}

/// Storage in the domain's terms. Implemented by [`SqliteStore`],
/// [`PgStore`] and [`Db`] (either, chosen by URL).
pub trait Store: Send + Sync {
    /// Creates an account; [`StoreError::Conflict`] when the e-mail is taken.
    fn create_user(
        &self,
        new: &NewUser<'_>,
    ) -> impl Future<Output = Result<User, StoreError>> + Send;
    /// The account with this e-mail address, in any case.
    fn user_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// The account with this id.
    fn user_by_id(
        &self,
        id: &UserId,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
}

/// Either store, chosen at start from the database URL.
#[derive(Debug, Clone)]
pub enum Db {
    /// An embedded SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL server.
    Postgres(PgStore),
}

impl Db {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…`,
    /// and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            // SQLite takes an empty name as a private temporary database,
            // which would lose every write at exit: refuse it instead.
            if path.trim().is_empty() {
                return Err(StoreError::UnsupportedUrl(url.to_owned()));
            }
            Ok(Self::Sqlite(
                SqliteStore::open(std::path::Path::new(path)).await?,
            ))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(PgStore::connect(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }
}

/// Forwards each call to the store inside.
macro_rules! either {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Db::Sqlite($s) => $call.await,
            Db::Postgres($s) => $call.await,
        }
    };
}

impl Store for Db {
    async fn create_user(&self, new: &NewUser<'_>) -> Result<User, StoreError> {
        either!(self, s => s.create_user(new))
    }
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        either!(self, s => s.user_by_email(email))
    }
    async fn user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        either!(self, s => s.user_by_id(id))
    }
}
