//! The SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Write transactions
//! start with `BEGIN IMMEDIATE`, so several app processes on one file queue
//! for the write lock instead of failing to upgrade a read lock.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreError;

/// Accord's data in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Writes a consistent copy of the live database to `path` (`VACUUM
    /// INTO`), while the store stays in use. The copy is a complete database
    /// that [`SqliteStore::open`] opens. Refuses, with
    /// [`StoreError::BackupTarget`], a destination that already exists or
    /// cannot be written, so a backup never replaces a file.
    pub async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        let target = |reason: String| StoreError::BackupTarget {
            path: path.display().to_string(),
            reason,
        };
        let Some(name) = path.to_str() else {
            return Err(target("the path is not valid UTF-8".to_owned()));
        };
        // SQLite refuses an existing file too; checking first gives a
        // clearer message than its "output file already exists".
        if path.exists() {
            return Err(target("the file already exists".to_owned()));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) => target(d.message().to_owned()),
                other => other.into(),
            })?;
        Ok(())
    }
}

/// The queries over a SQLite pool (see [`crate::shared`]).
mod q {
    pub(crate) type Pool = sqlx::SqlitePool;
    /// Its sqlx database, for helpers working inside a caller's transaction.
    pub(crate) type Database = sqlx::Sqlite;

    /// A transaction holding the database's write lock from its start:
    /// taking it later, after reading, could fail instead of waiting.
    pub(crate) async fn begin_write(
        pool: &Pool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// A transaction for several reads: its first read takes a snapshot
    /// (WAL) that the others share.
    pub(crate) async fn begin_read(
        pool: &Pool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        pool.begin().await
    }

    /// A plain read: the write transaction already keeps other writers out.
    pub(crate) const LOCK_PARTNERSHIP: &str = crate::shared::partnerships::PARTNERSHIP_BY_ID;

    /// Claims due outbox rows; run in a write transaction, which keeps
    /// every other claimer out until it commits.
    pub(crate) const CLAIM_DUE: &str = crate::shared::outbox::CLAIM_DUE_SQLITE;

    /// No lock for idempotency keys: the write transaction already keeps
    /// every other writer out until it ends.
    pub(crate) const LOCK_KEY: Option<&str> = None;

    crate::shared::accounts::queries!();
    crate::shared::access::queries!();
    crate::shared::partnerships::queries!();
    crate::shared::drafts::queries!();
    crate::shared::running::queries!();
    crate::shared::pauses::queries!();
    crate::shared::prepared::queries!();
    crate::shared::outbox::queries!();
    crate::shared::settings::queries!();
    crate::shared::export::queries!();
}

crate::shared::store_impl!(SqliteStore, q);
