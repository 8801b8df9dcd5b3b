//! What the web layer keeps around requests: API tokens, login throttling,
//! known devices, idempotency keys, and the housekeeping that deletes what
//! has expired. Their SQL, row types, and the functions that run them on
//! both databases (see [`super`]).

use super::from_millis;
use crate::shared::accounts::UserRow;
use crate::shared::{corrupt, is_unique_violation, missing};
use crate::sql::{Conn, Pool, begin_write, query, query_as, query_scalar};
use crate::{ApiToken, ApiTokenId};
use crate::{Keyed, StoreError, StoredResponse, TokenHash, User, UserId};
use jiff::SignedDuration;
use jiff::Timestamp;

/// A row of `api_tokens` as listed to its owner.
#[derive(sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    id: String,
    label: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> Self {
        Self {
            id: ApiTokenId(r.id),
            label: r.label,
            created_at: from_millis(r.created_at),
            last_used_at: r.last_used_at.map(from_millis),
        }
    }
}

pub(crate) const INSERT_API_TOKEN: &str =
    "INSERT INTO api_tokens (id, token, user_id, label, created_at) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const API_TOKENS: &str = "SELECT id, label, created_at, last_used_at FROM api_tokens \
     WHERE user_id = $1 ORDER BY created_at, id";
pub(crate) const USER_BY_API_TOKEN: &str = "SELECT u.id, u.email, u.name, u.password_hash, \
     u.created_at, t.last_used_at \
     FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token = $1";
/// Notes a use of token `$1` at `$2`, unless one was noted since `$3`.
pub(crate) const NOTE_API_TOKEN_USE: &str = "UPDATE api_tokens SET last_used_at = $2 \
     WHERE token = $1 AND (last_used_at IS NULL OR last_used_at < $3)";
/// How often a token's use is written down: the list shows minutes.
pub(crate) const TOKEN_USE_RESOLUTION: SignedDuration = SignedDuration::from_mins(1);
pub(crate) const DELETE_API_TOKEN: &str = "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2";

pub(crate) const INSERT_LOGIN_FAILURE: &str =
    "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
pub(crate) const COUNT_LOGIN_FAILURES: &str =
    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2";
pub(crate) const CLEAR_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE key = $1";

pub(crate) const REMEMBER_DEVICE: &str = "INSERT INTO devices (device, user_id, last_seen) \
     VALUES ($1, $2, $3) \
     ON CONFLICT (device, user_id) DO UPDATE SET last_seen = excluded.last_seen";
pub(crate) const COUNT_DEVICE: &str =
    "SELECT COUNT(*) FROM devices WHERE device = $1 AND user_id = $2";

pub(crate) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
pub(crate) const DELETE_EXPIRED_RESET_TOKENS: &str =
    "DELETE FROM reset_tokens WHERE expires_at <= $1";
/// Idempotency answers stored before `$1`: a retry after that runs anew.
pub(crate) const DELETE_OLD_ANSWERS: &str = "DELETE FROM idempotency WHERE created_at < $1";
/// Browsers not seen since `$1`: their next login counts as a new device.
pub(crate) const DELETE_OLD_DEVICES: &str = "DELETE FROM devices WHERE last_seen < $1";
pub(crate) const DELETE_OLD_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";
/// Check-in links used or expired before `$1`.
pub(crate) const DELETE_OLD_CHECKIN_LINKS: &str =
    "DELETE FROM checkin_links WHERE expires_at < $1 OR used_at < $1";
/// Outbox rows sent or failed before `$1`.
pub(crate) const DELETE_FINISHED_OUTBOX: &str =
    "DELETE FROM outbox WHERE state <> 'pending' AND finished_at < $1";

/// How long a used or expired check-in link is kept: a day, so that its
/// page can still say it was used or has expired.
pub(crate) const KEEP_CHECKIN_LINKS: SignedDuration = SignedDuration::from_hours(24);
/// How long an idempotency key's answer is kept: a client retrying a
/// request within a day (a phone back online, a job rerun) gets the answer;
/// later the key is forgotten. Stripe and the IETF draft use 24 hours too.
pub(crate) const KEEP_ANSWERS: SignedDuration = SignedDuration::from_hours(24);
/// How long a browser is remembered (for "new sign-in" notices) unseen.
pub(crate) const KEEP_DEVICES: SignedDuration = SignedDuration::from_hours(90 * 24);
/// How long a sent or failed outbox row is kept, for looking into delivery.
pub(crate) const KEEP_FINISHED_OUTBOX: SignedDuration = SignedDuration::from_hours(30 * 24);

/// `now` minus `keep`, in unix milliseconds (saturating).
pub(crate) fn before(now: jiff::Timestamp, keep: SignedDuration) -> i64 {
    let keep = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
    now.as_millisecond().saturating_sub(keep)
}

// Each row of `idempotency` is an answer, stored by the write it answers
// in that write's transaction (see `crate::keyed`). Rows with status 0 were
// claims of an earlier design (a migration removed them); one written by a
// process of that version still running during an upgrade is not an
// answer, and a keyed write meeting it fails on the key's uniqueness
// instead of running twice.

/// A stored answer.
pub(crate) const IDEMPOTENT_RESPONSE: &str = "SELECT status, body, fingerprint FROM idempotency \
     WHERE user_id = $1 AND key = $2 AND status > 0";
/// Stores the answer of a keyed write; a row under the key already breaks
/// the primary key (and the write is rolled back).
pub(crate) const INSERT_ANSWER: &str = "INSERT INTO idempotency \
     (user_id, key, status, body, created_at, fingerprint) VALUES ($1, $2, $3, $4, $5, $6)";

/// An API token's account, with when the token's use was last noted.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    last_used_at: Option<i64>,
}

pub(crate) async fn create_api_token(
    pool: &Pool,
    token: &TokenHash,
    user: &UserId,
    label: &str,
    now: Timestamp,
) -> Result<ApiToken, StoreError> {
    let id = ApiTokenId::random();
    let created_at = now.as_millisecond();
    query(INSERT_API_TOKEN)
        .bind(id.as_str())
        .bind(token.as_str())
        .bind(user.as_str())
        .bind(label)
        .bind(created_at)
        .execute(pool)
        .await
        .map_err(missing("user"))?;
    Ok(ApiToken {
        id,
        label: label.to_owned(),
        created_at: from_millis(created_at),
        last_used_at: None,
    })
}

pub(crate) async fn api_tokens(pool: &Pool, user: &UserId) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<ApiTokenRow> = query_as(API_TOKENS)
        .bind(user.as_str())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

pub(crate) async fn user_by_api_token(
    pool: &Pool,
    token: &TokenHash,
    now: Timestamp,
) -> Result<Option<User>, StoreError> {
    let Some(row): Option<TokenUserRow> = query_as(USER_BY_API_TOKEN)
        .bind(token.as_str())
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    // A write at most once a minute per token, and none otherwise: on
    // SQLite even an UPDATE that matches no row takes the write lock, so
    // every API request would queue behind every write. The statement
    // checks again, for two requests noting the same minute at once.
    let stale = before(now, TOKEN_USE_RESOLUTION);
    if row.last_used_at.is_none_or(|at| at < stale) {
        query(NOTE_API_TOKEN_USE)
            .bind(token.as_str())
            .bind(now.as_millisecond())
            .bind(stale)
            .execute(pool)
            .await?;
    }
    Ok(Some(row.user.into()))
}

pub(crate) async fn delete_api_token(
    pool: &Pool,
    user: &UserId,
    id: &ApiTokenId,
) -> Result<bool, StoreError> {
    let deleted = query(DELETE_API_TOKEN)
        .bind(id.as_str())
        .bind(user.as_str())
        .execute(pool)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}

pub(crate) async fn record_login_failure(
    pool: &Pool,
    keys: &[String],
    now: Timestamp,
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut tx = begin_write(pool).await?;
    for key in keys {
        query(INSERT_LOGIN_FAILURE)
            .bind(key.as_str())
            .bind(now.as_millisecond())
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn login_failures(
    pool: &Pool,
    key: &str,
    since: Timestamp,
) -> Result<u64, StoreError> {
    let count: i64 = query_scalar(COUNT_LOGIN_FAILURES)
        .bind(key)
        .bind(since.as_millisecond())
        .fetch_one(pool)
        .await?;
    u64::try_from(count).map_err(|_| corrupt(format!("negative count {count}")))
}

pub(crate) async fn clear_login_failures(pool: &Pool, key: &str) -> Result<(), StoreError> {
    query(CLEAR_LOGIN_FAILURES).bind(key).execute(pool).await?;
    Ok(())
}

pub(crate) async fn remember_device(
    pool: &Pool,
    device: &TokenHash,
    user: &UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    query(REMEMBER_DEVICE)
        .bind(device.as_str())
        .bind(user.as_str())
        .bind(now.as_millisecond())
        .execute(pool)
        .await
        .map_err(missing("user"))?;
    Ok(())
}

pub(crate) async fn device_known(
    pool: &Pool,
    device: &TokenHash,
    user: &UserId,
) -> Result<bool, StoreError> {
    let count: i64 = query_scalar(COUNT_DEVICE)
        .bind(device.as_str())
        .bind(user.as_str())
        .fetch_one(pool)
        .await?;
    Ok(count > 0)
}

pub(crate) async fn housekeeping(
    pool: &Pool,
    now: Timestamp,
    failures_before: Timestamp,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    for (statement, time) in [
        (DELETE_EXPIRED_SESSIONS, now.as_millisecond()),
        (DELETE_EXPIRED_RESET_TOKENS, now.as_millisecond()),
        (DELETE_OLD_LOGIN_FAILURES, failures_before.as_millisecond()),
        (DELETE_OLD_CHECKIN_LINKS, before(now, KEEP_CHECKIN_LINKS)),
        (DELETE_FINISHED_OUTBOX, before(now, KEEP_FINISHED_OUTBOX)),
        (DELETE_OLD_ANSWERS, before(now, KEEP_ANSWERS)),
        (DELETE_OLD_DEVICES, before(now, KEEP_DEVICES)),
    ] {
        query(statement).bind(time).execute(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn idempotent_response(
    pool: &Pool,
    user: &UserId,
    key: &str,
) -> Result<Option<StoredResponse>, StoreError> {
    let mut conn = pool.acquire().await?;
    answer_in(&mut conn, user, key).await
}

/// The answer stored under the key, read on `conn`.
async fn answer_in(
    conn: &mut Conn,
    user: &UserId,
    key: &str,
) -> Result<Option<StoredResponse>, StoreError> {
    let row: Option<(i64, String, Option<String>)> = query_as(IDEMPOTENT_RESPONSE)
        .bind(user.as_str())
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(status, body, fingerprint)| {
        let status = u16::try_from(status)
            .map_err(|_| corrupt(format!("HTTP status {status} out of range")))?;
        Ok(StoredResponse {
            status,
            body,
            fingerprint,
        })
    })
    .transpose()
}

/// How often a keyed write tries for its key before it is told the key
/// is in flight (20 ms apart).
const KEY_TRIES: u32 = 5;

/// The start of a keyed write, first thing in its transaction:
/// takes the key for the transaction (on PostgreSQL; SQLite's
/// write lock already keeps everyone else out) and refuses to go
/// on when an answer is stored under it.
pub(crate) async fn check_key<T>(
    conn: &mut Conn,
    keyed: Option<&Keyed<T>>,
) -> Result<(), StoreError> {
    let Some(keyed) = keyed else {
        return Ok(());
    };
    if let Some(lock) = conn.dialect().lock_key() {
        let name = format!("{}\n{}", keyed.user.as_str(), keyed.key);
        // A transaction that failed with the key is rolled back by sqlx
        // only once its connection is back in the pool, a moment after the
        // error was returned: a retry made at once can find the key still
        // held. A few tries over 80 ms tell that apart from a request
        // still running with the key (which holds it far longer).
        let mut tries = 0;
        loop {
            let taken: bool = query_scalar(lock)
                .bind(name.as_str())
                .fetch_one(&mut *conn)
                .await?;
            if taken {
                break;
            }
            tries += 1;
            if tries == KEY_TRIES {
                return Err(StoreError::KeyInFlight);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    match answer_in(conn, &keyed.user, &keyed.key).await? {
        Some(stored) => Err(StoreError::Replay(Box::new(stored))),
        None => Ok(()),
    }
}

/// The end of a keyed write, last thing before its commit:
/// stores the answer made from `result` under the key.
pub(crate) async fn answer_key<T>(
    conn: &mut Conn,
    keyed: Option<&Keyed<T>>,
    result: &T,
) -> Result<(), StoreError> {
    let Some(keyed) = keyed else {
        return Ok(());
    };
    let answer = (keyed.answer)(result).map_err(StoreError::Answer)?;
    query(INSERT_ANSWER)
        .bind(keyed.user.as_str())
        .bind(&keyed.key)
        .bind(i64::from(answer.status))
        .bind(&answer.body)
        .bind(keyed.now.as_millisecond())
        .bind(keyed.fingerprint.as_deref())
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::KeyInFlight
            } else {
                missing("user")(e)
            }
        })?;
    Ok(())
}
