//! Accounts, passwords, sessions and password resets: their SQL, row types,
//! and the functions that run them on both databases (see [`super`]).

use super::from_millis;
use crate::shared::{is_unique_violation, missing, normal_email};
use crate::sql::{Conn, Pool, begin_write, query, query_as};
use crate::{NewSession, NewUser, StoreError, TokenHash};
use crate::{Session, User, UserId};
use jiff::Timestamp;

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

/// A session with its account.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    expires_at: i64,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Self {
            user: r.user.into(),
            csrf_token: r.csrf_token,
            expires_at: from_millis(r.expires_at),
        }
    }
}

pub(crate) const INSERT_USER: &str =
    "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const USER_BY_EMAIL: &str =
    "SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1";
pub(crate) const USER_BY_ID: &str =
    "SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1";
pub(crate) const SET_PASSWORD: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";

pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions \
     (id, user_id, csrf_token, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5)";
pub(crate) const SESSION: &str = "SELECT u.id, u.email, u.name, u.password_hash, u.created_at, \
     s.csrf_token, s.expires_at \
     FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.id = $1 AND s.expires_at > $2";
pub(crate) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub(crate) const INSERT_RESET_TOKEN: &str =
    "INSERT INTO reset_tokens (token, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
/// Takes a reset token out, saying whose it was and until when it was valid.
pub(crate) const TAKE_RESET_TOKEN: &str =
    "DELETE FROM reset_tokens WHERE token = $1 RETURNING user_id, expires_at";
pub(crate) const DELETE_SESSIONS_OF: &str = "DELETE FROM sessions WHERE user_id = $1";
pub(crate) const DELETE_RESET_TOKENS_OF: &str = "DELETE FROM reset_tokens WHERE user_id = $1";
pub(crate) const DELETE_API_TOKENS_OF: &str = "DELETE FROM api_tokens WHERE user_id = $1";

pub(crate) async fn create_user(pool: &Pool, new: &NewUser<'_>) -> Result<User, StoreError> {
    let id = UserId::random();
    let email = normal_email(new.email);
    let created_at = new.now.as_millisecond();
    query(INSERT_USER)
        .bind(id.as_str())
        .bind(&email)
        .bind(new.name)
        .bind(new.password_hash)
        .bind(created_at)
        .execute(pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("an account with this e-mail address")
            } else {
                e.into()
            }
        })?;
    Ok(User {
        id,
        email,
        name: new.name.to_owned(),
        password_hash: new.password_hash.to_owned(),
        created_at: from_millis(created_at),
    })
}

pub(crate) async fn user_by_email(pool: &Pool, email: &str) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = query_as(USER_BY_EMAIL)
        .bind(normal_email(email))
        .fetch_optional(pool)
        .await?;
    Ok(row.map(User::from))
}

pub(crate) async fn user_by_id(pool: &Pool, id: &UserId) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = query_as(USER_BY_ID)
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(User::from))
}

pub(crate) async fn set_password(
    pool: &Pool,
    user: &UserId,
    password_hash: &str,
    fresh: Option<&NewSession<'_>>,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    let changed = query(SET_PASSWORD)
        .bind(password_hash)
        .bind(user.as_str())
        .execute(&mut tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound("user"));
    }
    // Every credential of the account ends with the old
    // password, in the same transaction as the change.
    for statement in [DELETE_SESSIONS_OF, DELETE_API_TOKENS_OF] {
        query(statement)
            .bind(user.as_str())
            .execute(&mut tx)
            .await?;
    }
    if let Some(new) = fresh {
        insert_session(&mut tx, new).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn create_session(pool: &Pool, new: &NewSession<'_>) -> Result<(), StoreError> {
    // A write transaction, so that on SQLite it takes its turn with the
    // other writers (and its place in their group commit) rather than
    // polling for the write lock in SQLite's busy handler.
    let mut tx = begin_write(pool).await?;
    insert_session(&mut tx, new).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_session(conn: &mut Conn, new: &NewSession<'_>) -> Result<(), StoreError> {
    query(INSERT_SESSION)
        .bind(new.id.as_str())
        .bind(new.user.as_str())
        .bind(new.csrf_token)
        .bind(new.now.as_millisecond())
        .bind(new.expires_at.as_millisecond())
        .execute(&mut *conn)
        .await
        .map_err(missing("user"))?;
    Ok(())
}

pub(crate) async fn session(
    pool: &Pool,
    id: &TokenHash,
    now: Timestamp,
) -> Result<Option<Session>, StoreError> {
    let row: Option<SessionRow> = query_as(SESSION)
        .bind(id.as_str())
        .bind(now.as_millisecond())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Session::from))
}

pub(crate) async fn delete_session(pool: &Pool, id: &TokenHash) -> Result<(), StoreError> {
    query(DELETE_SESSION)
        .bind(id.as_str())
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn create_reset_token(
    pool: &Pool,
    token: &TokenHash,
    user: &UserId,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    query(INSERT_RESET_TOKEN)
        .bind(token.as_str())
        .bind(user.as_str())
        .bind(now.as_millisecond())
        .bind(expires_at.as_millisecond())
        .execute(pool)
        .await
        .map_err(missing("user"))?;
    Ok(())
}

pub(crate) async fn reset_password(
    pool: &Pool,
    token: &TokenHash,
    password_hash: &str,
    now: Timestamp,
) -> Result<Option<UserId>, StoreError> {
    let mut tx = begin_write(pool).await?;
    // Single use: the token goes whatever happens next.
    let taken: Option<(String, i64)> = query_as(TAKE_RESET_TOKEN)
        .bind(token.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let user = match taken {
        Some((user, expires_at)) if expires_at > now.as_millisecond() => UserId(user),
        _ => {
            tx.commit().await?;
            return Ok(None);
        }
    };
    query(SET_PASSWORD)
        .bind(password_hash)
        .bind(user.as_str())
        .execute(&mut tx)
        .await?;
    for statement in [
        DELETE_SESSIONS_OF,
        DELETE_API_TOKENS_OF,
        DELETE_RESET_TOKENS_OF,
    ] {
        query(statement)
            .bind(user.as_str())
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(user))
}
