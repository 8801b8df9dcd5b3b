//! The PostgreSQL store: for a practice with many partnerships, with several
//! `accord serve` processes sharing one database.

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

crate::shared::store_impl!(PgStore);
