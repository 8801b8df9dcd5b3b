//! The SQLite store: one file, WAL journal, `synchronous = FULL` so that an
//! acknowledged write survives a crash or power loss. Write transactions
//! start with `BEGIN IMMEDIATE` (see [`crate::sql::begin_write`]), so
//! several app processes on one file queue for the write lock instead of
//! failing to upgrade a read lock.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::sql::{Pool, WriteTurn};
use crate::{SqlStore, StoreError};

impl SqlStore {
    /// Opens (creating if missing) the SQLite database at `path` and
    /// migrates it.
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
        Ok(Self {
            pool: Pool::Sqlite(pool, WriteTurn::default()),
        })
    }

    /// Writes a consistent copy of the live SQLite database to `path`
    /// (`VACUUM INTO`), while the store stays in use. The copy is a
    /// complete database that [`SqlStore::open`] opens. Refuses, with
    /// [`StoreError::BackupTarget`], a destination that already exists or
    /// cannot be written, so a backup never replaces a file, and a
    /// PostgreSQL store (whose backups `pg_dump` makes).
    pub async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        let target = |reason: String| StoreError::BackupTarget {
            path: path.display().to_string(),
            reason,
        };
        let Pool::Sqlite(pool, _) = &self.pool else {
            return Err(target(
                "the database is PostgreSQL: back it up with pg_dump".to_owned(),
            ));
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
            .execute(pool)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) => target(d.message().to_owned()),
                other => other.into(),
            })?;
        Ok(())
    }
}
