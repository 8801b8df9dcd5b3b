//! The PostgreSQL store: for a practice with many partnerships, with several
//! `accord serve` processes sharing one database. Transactions run at READ
//! COMMITTED; those whose checks must hold until they commit first lock the
//! partnership's row (`SELECT … FOR UPDATE`).

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::StoreError;

/// Accord's data in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` and migrates the schema. Several processes may do
    /// this at once: sqlx takes an advisory lock around migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// The queries over a PostgreSQL pool (see [`crate::shared`]).
mod q {
    pub(crate) type Pool = sqlx::PgPool;
    /// Its sqlx database, for helpers working inside a caller's transaction.
    pub(crate) type Database = sqlx::Postgres;

    /// An ordinary transaction: rows are locked as they are written, or
    /// explicitly with [`LOCK_PARTNERSHIP`].
    pub(crate) async fn begin_write(
        pool: &Pool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        pool.begin().await
    }

    /// A transaction for several reads that all see one snapshot (READ
    /// COMMITTED would give each statement its own).
    pub(crate) async fn begin_read(
        pool: &Pool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }

    /// Reads the partnership and locks its row: other transactions locking
    /// or updating it wait until this one ends.
    pub(crate) const LOCK_PARTNERSHIP: &str =
        crate::shared::partnerships::PARTNERSHIP_BY_ID_FOR_UPDATE;

    /// Claims due outbox rows, skipping those a concurrent claim has locked.
    pub(crate) const CLAIM_DUE: &str = crate::shared::outbox::CLAIM_DUE_POSTGRES;

    /// Takes an idempotency key (`$1`: user, newline, key) for the
    /// transaction, or says `false` when another transaction holds it. An
    /// advisory lock rather than a row: the server drops it when the
    /// transaction ends, also when the process holding it dies. Keys whose
    /// 64-bit hashes collide share a lock, which costs only a 409.
    pub(crate) const LOCK_KEY: Option<&str> =
        Some("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))");

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

crate::shared::store_impl!(PgStore, q);
