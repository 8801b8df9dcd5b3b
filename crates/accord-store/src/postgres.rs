//! The PostgreSQL store: for a practice with many partnerships, with several
//! `accord serve` processes sharing one database. Transactions run at READ
//! COMMITTED; those whose checks must hold until they commit first lock the
//! partnership's row (`SELECT … FOR UPDATE`, see
//! [`crate::sql::Dialect::lock_partnership`]).

use sqlx::postgres::PgPoolOptions;

use crate::sql::Pool;
use crate::{SqlStore, StoreError};

impl SqlStore {
    /// Connects to the PostgreSQL database at `url` and migrates the
    /// schema. Several processes may do this at once: sqlx takes an
    /// advisory lock around migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }
}
