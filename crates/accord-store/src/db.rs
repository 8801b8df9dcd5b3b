//! [`SqlStore`], Accord's data in either database, and [`Db`], the store
//! chosen at start from the database URL.

use crate::sql::Pool;
use crate::{Store, StoreError};

/// Accord's data, in SQLite ([`SqlStore::open`]) or PostgreSQL
/// ([`SqlStore::connect`]). It implements every repository trait; which
/// database it talks to is decided per statement in [`crate::sql`].
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) pool: Pool,
}

/// The store, chosen at start from the database URL.
#[derive(Debug, Clone)]
pub enum Db {
    /// An embedded SQLite file.
    Sqlite(SqlStore),
    /// A PostgreSQL server.
    Postgres(SqlStore),
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
                SqlStore::open(std::path::Path::new(path)).await?,
            ))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(SqlStore::connect(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// The store inside, whichever database it is.
    pub fn store(&self) -> &dyn Store {
        match self {
            Self::Sqlite(s) | Self::Postgres(s) => s,
        }
    }

    /// The store inside, to share between tasks (what the web app holds).
    pub fn into_shared(self) -> std::sync::Arc<dyn Store> {
        match self {
            Self::Sqlite(s) | Self::Postgres(s) => std::sync::Arc::new(s),
        }
    }
}
