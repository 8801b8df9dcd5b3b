//! What the SQLite and PostgreSQL stores share: row types, the SQL text
//! (`$n` placeholders work on both), and the `Store` implementation over a
//! pool, generated for each store type. A method whose SQL differs between
//! the dialects moves out of the macro into the store's own module.

use jiff::Timestamp;

use crate::{User, UserId};

/// Unix milliseconds to a timestamp; out-of-range values (only a corrupted
/// row has them) become the epoch rather than a panic.
pub(crate) fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A row of `users`, as both databases return it.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    email: String,
    name: String,
    password_hash: String,
    created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        Self {
            id: UserId(r.id),
            email: r.email,
            name: r.name,
            password_hash: r.password_hash,
            created_at: from_millis(r.created_at),
        }
    }
}

pub(crate) const INSERT_USER: &str =
    "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const USER_BY_EMAIL: &str =
    "SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1";
pub(crate) const USER_BY_ID: &str =
    "SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1";

/// Whether a database error is a broken uniqueness constraint.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// E-mail addresses are unique regardless of case and surrounding space.
pub(crate) fn normal_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Implements [`crate::Store`] for a store type with a `pool` field.
macro_rules! store_impl {
    ($store:ty) => {
        impl $crate::Store for $store {
            async fn create_user(
                &self,
                new: &$crate::NewUser<'_>,
            ) -> Result<$crate::User, $crate::StoreError> {
                use $crate::shared::*;
                let id = $crate::UserId::random();
                let email = normal_email(new.email);
                let created_at = new.now.as_millisecond();
                sqlx::query(INSERT_USER)
                    .bind(id.as_str())
                    .bind(&email)
                    .bind(new.name)
                    .bind(new.password_hash)
                    .bind(created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            $crate::StoreError::Conflict("an account with this e-mail address")
                        } else {
                            e.into()
                        }
                    })?;
                Ok($crate::User {
                    id,
                    email,
                    name: new.name.to_owned(),
                    password_hash: new.password_hash.to_owned(),
                    created_at: from_millis(created_at),
                })
            }

            async fn user_by_email(
                &self,
                email: &str,
            ) -> Result<Option<$crate::User>, $crate::StoreError> {
                use $crate::shared::*;
                let row: Option<UserRow> = sqlx::query_as(USER_BY_EMAIL)
                    .bind(normal_email(email))
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map($crate::User::from))
            }

            async fn user_by_id(
                &self,
                id: &$crate::UserId,
            ) -> Result<Option<$crate::User>, $crate::StoreError> {
                use $crate::shared::*;
                let row: Option<UserRow> = sqlx::query_as(USER_BY_ID)
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map($crate::User::from))
            }
        }
    };
}
pub(crate) use store_impl;
