//! The outbox (everything to send, and every deferred job) and the planning
//! state that fills it: their SQL, row types, and the functions that run
//! them on both databases (see [`super`]).
//!
//! A row is `pending` until it is marked `sent` or `failed`. Workers claim
//! due rows in batches: a claim leases a row (`lease_until`, `lease_token`)
//! and only the lease holder can mark it; a lease that runs out (a crashed
//! worker) makes the row claimable again. The claim's SQL differs by
//! dialect (the dialect module's `CLAIM_DUE`): PostgreSQL skips rows other
//! claimers have locked (`FOR UPDATE SKIP LOCKED`), SQLite claims under its
//! write lock.
//!
//! Planning: each partnership with a completed version has a row in
//! `schedule_plans` saying how far ahead its rows were enqueued, moved
//! forward with a compare-and-set so that two planners never both plan the
//! same stretch; signing a new version deletes it (see `drafts`).

use super::{corrupt, from_millis};
use crate::shared::missing;
use crate::sql::{Conn, Pool, begin_write, query, query_as, query_scalar};
use crate::{Channel, OutboxId, Outgoing, PartnershipId, StoreError, UserId};
use crate::{NewNotification, OutboxCounts, PlanSave};
use jiff::{SignedDuration, Timestamp};

/// An outbox row as a claim returns it.
#[derive(sqlx::FromRow)]
pub(crate) struct OutgoingRow {
    id: String,
    partnership_id: Option<String>,
    user_id: Option<String>,
    channel: String,
    kind: String,
    dedupe: String,
    due_at: i64,
    payload: String,
    attempts: i64,
    lease_token: Option<String>,
}

impl TryFrom<OutgoingRow> for Outgoing {
    type Error = StoreError;

    fn try_from(r: OutgoingRow) -> Result<Self, StoreError> {
        Ok(Self {
            channel: Channel::parse(&r.channel)
                .ok_or_else(|| corrupt(format!("unknown channel {:?}", r.channel)))?,
            lease_token: r
                .lease_token
                .ok_or_else(|| corrupt(format!("claimed outbox row {} has no lease", r.id)))?,
            id: OutboxId(r.id),
            partnership: r.partnership_id.map(PartnershipId),
            user: r.user_id.map(UserId),
            kind: r.kind,
            dedupe: r.dedupe,
            due_at: from_millis(r.due_at),
            payload: r.payload,
            attempts: r.attempts,
        })
    }
}

/// Inserts a row unless one with its `dedupe` key is there (no row changed).
pub(crate) const INSERT_NOTIFICATION: &str = "INSERT INTO outbox \
     (id, partnership_id, user_id, channel, kind, dedupe, due_at, payload) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe) DO NOTHING";

/// The columns of a claimed row ([`OutgoingRow`]), as `RETURNING` gives them.
macro_rules! claimed_columns {
    () => {
        " RETURNING outbox.id, partnership_id, user_id, channel, kind, dedupe, due_at, payload, \
         attempts, lease_token"
    };
}

/// The rows a claim takes, without its dialect's locking clause: the
/// pending rows due by `$1` and not leased, earliest first, at most `$4`.
macro_rules! due_rows {
    () => {
        "SELECT id FROM outbox \
         WHERE state = 'pending' AND due_at <= $1 \
         AND (lease_until IS NULL OR lease_until <= $1) \
         ORDER BY due_at LIMIT $4"
    };
}

/// What a claim sets on each row it takes: `$1` now, `$2` the end of the
/// lease, `$3` the claim's random token (each row's token is it plus the
/// row's id).
macro_rules! lease_rows {
    () => {
        "UPDATE outbox SET lease_until = $2, lease_token = $3 || '.' || outbox.id, \
         attempts = attempts + 1, claimed_at = $1 "
    };
}

/// The claim on PostgreSQL: rows locked by a concurrent claim are skipped
/// rather than waited for, so every claimer gets rows of its own. The due
/// rows are chosen and locked once, in a materialized CTE: as a subquery
/// of `WHERE id IN (…)` the planner may run them again (for instance once
/// per row of a nested loop), and a second run that skips other locks can
/// pick further rows, claiming more than `$4`.
pub(crate) const CLAIM_DUE_POSTGRES: &str = concat!(
    "WITH due AS MATERIALIZED (",
    due_rows!(),
    " FOR UPDATE SKIP LOCKED) ",
    lease_rows!(),
    "FROM due WHERE outbox.id = due.id",
    claimed_columns!()
);
/// The claim on SQLite, run in a write transaction: nobody else writes
/// meanwhile, so the subquery sees the same rows however often it runs.
pub(crate) const CLAIM_DUE_SQLITE: &str = concat!(
    lease_rows!(),
    "WHERE id IN (",
    due_rows!(),
    ")",
    claimed_columns!()
);

/// Ends the lease holder's claim: sent.
pub(crate) const MARK_SENT: &str = "UPDATE outbox \
     SET state = 'sent', finished_at = $1, lease_until = NULL, lease_token = NULL \
     WHERE id = $2 AND lease_token = $3 AND state = 'pending'";
/// Ends the lease holder's claim: to be tried again at `$1`.
pub(crate) const MARK_RETRY: &str = "UPDATE outbox \
     SET due_at = $1, last_error = $2, lease_until = NULL, lease_token = NULL \
     WHERE id = $3 AND lease_token = $4 AND state = 'pending'";
/// Ends the lease holder's claim: given up, as of the failed attempt's claim.
pub(crate) const MARK_FAILED: &str = "UPDATE outbox \
     SET state = 'failed', last_error = $1, finished_at = claimed_at, \
     lease_until = NULL, lease_token = NULL \
     WHERE id = $2 AND lease_token = $3 AND state = 'pending'";
pub(crate) const OUTBOX_COUNTS: &str = "SELECT state, COUNT(*) FROM outbox GROUP BY state";

/// Partnerships with a completed version, unplanned first, then those
/// planned least far.
/// `planned_until` of a partnership whose version in force has not been
/// planned yet. Every partnership with a version in force has a plan row
/// (written by the signature that completes a version, and by an import),
/// so planning reads `schedule_plans` alone, through its index on
/// `(planned_until, partnership_id)`: the cost follows what is due, not
/// how many partnerships there are. Unplanned rows sort first.
pub(crate) const UNPLANNED: i64 = -1;

/// The partnerships whose plan ends before `$1`, the unplanned first.
pub const PARTNERSHIPS_TO_PLAN: &str = "SELECT partnership_id FROM schedule_plans \
     WHERE planned_until < $1 ORDER BY planned_until, partnership_id LIMIT $2";
pub(crate) const PLANNED_UNTIL: &str =
    "SELECT planned_until FROM schedule_plans WHERE partnership_id = $1";
/// The first plan of the version in force, unless another planner made it
/// (no row changed then).
pub(crate) const INSERT_PLAN: &str = "INSERT INTO schedule_plans (partnership_id, planned_until) \
     VALUES ($1, $2) ON CONFLICT (partnership_id) DO UPDATE \
     SET planned_until = excluded.planned_until WHERE schedule_plans.planned_until = -1";
/// Marks the partnership's new version in force as not planned yet.
pub(crate) const RESET_PLAN: &str = "INSERT INTO schedule_plans (partnership_id, planned_until) \
     VALUES ($1, -1) ON CONFLICT (partnership_id) DO UPDATE SET planned_until = -1";
/// Moves the plan from `$3` to `$1`, unless it moved meanwhile (no row
/// changed then).
pub(crate) const MOVE_PLAN: &str = "UPDATE schedule_plans SET planned_until = $1 \
     WHERE partnership_id = $2 AND planned_until = $3";
/// The number of the version in force (the newest signed), if any.
pub(crate) const VERSION_IN_FORCE: &str = "SELECT MAX(number) FROM versions \
     WHERE partnership_id = $1 AND signed_at IS NOT NULL";

/// The end of a lease of `lease` from `now`, in unix milliseconds
/// (saturating).
pub(crate) fn lease_until(now: jiff::Timestamp, lease: jiff::SignedDuration) -> i64 {
    let lease = i64::try_from(lease.as_millis()).unwrap_or(if lease.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    });
    now.as_millisecond().saturating_add(lease)
}

/// A count as stored, which cannot be negative.
pub(crate) fn count(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| corrupt(format!("negative count {n}")))
}

/// Inserts outbox rows inside the caller's transaction,
/// returning how many were new.
pub(crate) async fn insert_rows(
    conn: &mut Conn,
    rows: &[NewNotification],
) -> Result<u64, StoreError> {
    let mut inserted = 0;
    for row in rows {
        inserted += query(INSERT_NOTIFICATION)
            .bind(OutboxId::random().as_str())
            .bind(row.partnership.as_ref().map(PartnershipId::as_str))
            .bind(row.user.as_ref().map(|u| u.as_str()))
            .bind(row.channel.as_str())
            .bind(&row.kind)
            .bind(&row.dedupe)
            .bind(row.due_at.as_millisecond())
            .bind(&row.payload)
            .execute(&mut *conn)
            .await
            .map_err(missing("partnership or user"))?
            .rows_affected();
    }
    Ok(inserted)
}

pub(crate) async fn enqueue(pool: &Pool, rows: &[NewNotification]) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = begin_write(pool).await?;
    let inserted = insert_rows(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(inserted)
}

pub(crate) async fn claim_due(
    pool: &Pool,
    now: Timestamp,
    lease: SignedDuration,
    limit: u32,
) -> Result<Vec<Outgoing>, StoreError> {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut tx = begin_write(pool).await?;
    let rows: Vec<OutgoingRow> = query_as(tx.dialect().claim_due())
        .bind(now.as_millisecond())
        .bind(lease_until(now, lease))
        .bind(&token)
        .bind(i64::from(limit))
        .fetch_all(&mut tx)
        .await?;
    tx.commit().await?;
    let mut claimed = rows
        .into_iter()
        .map(Outgoing::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    // RETURNING keeps no order.
    claimed.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));
    Ok(claimed)
}

pub(crate) async fn mark_sent(
    pool: &Pool,
    id: &OutboxId,
    lease_token: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let changed = query(MARK_SENT)
        .bind(now.as_millisecond())
        .bind(id.as_str())
        .bind(lease_token)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(changed > 0)
}

pub(crate) async fn mark_failed(
    pool: &Pool,
    id: &OutboxId,
    lease_token: &str,
    error: &str,
    retry_at: Option<Timestamp>,
) -> Result<bool, StoreError> {
    let query = match retry_at {
        Some(at) => query(MARK_RETRY).bind(at.as_millisecond()),
        None => query(MARK_FAILED),
    };
    let changed = query
        .bind(error)
        .bind(id.as_str())
        .bind(lease_token)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(changed > 0)
}

pub(crate) async fn outbox_counts(pool: &Pool) -> Result<OutboxCounts, StoreError> {
    let rows: Vec<(String, i64)> = query_as(OUTBOX_COUNTS).fetch_all(pool).await?;
    let mut counts = OutboxCounts::default();
    for (state, n) in rows {
        let n = count(n)?;
        match state.as_str() {
            "pending" => counts.pending = n,
            "sent" => counts.sent = n,
            "failed" => counts.failed = n,
            other => {
                return Err(crate::shared::corrupt(format!(
                    "unknown outbox state {other:?}"
                )));
            }
        }
    }
    Ok(counts)
}

pub(crate) async fn partnerships_to_plan(
    pool: &Pool,
    before: Timestamp,
    limit: u32,
) -> Result<Vec<PartnershipId>, StoreError> {
    let ids: Vec<String> = query_scalar(PARTNERSHIPS_TO_PLAN)
        .bind(before.as_millisecond())
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(PartnershipId).collect())
}

pub(crate) async fn planned_until(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Option<Timestamp>, StoreError> {
    let until: Option<i64> = query_scalar(PLANNED_UNTIL)
        .bind(partnership.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(until
        .filter(|&u| u != UNPLANNED)
        .map(crate::shared::from_millis))
}

/// Several plans in one transaction, so one commit (one fsync)
/// for a worker step's batch. The partnerships are locked in
/// the order of their ids, whatever the order given, so two
/// planners with overlapping batches cannot deadlock.
pub(crate) async fn save_plans(
    pool: &Pool,
    plans: &[PlanSave<'_>],
) -> Result<Vec<bool>, StoreError> {
    // An idle worker step plans nothing: take no write lock.
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by(|&a, &b| plans[a].partnership.cmp(plans[b].partnership));
    let mut saved = vec![false; plans.len()];
    let mut tx = begin_write(pool).await?;
    for i in order {
        saved[i] = save_one(&mut tx, &plans[i]).await?;
    }
    tx.commit().await?;
    Ok(saved)
}

/// One plan, inside the caller's transaction; `false` (having
/// written nothing) when the plan moved or the version changed.
async fn save_one(tx: &mut Conn, plan: &PlanSave<'_>) -> Result<bool, StoreError> {
    let PlanSave {
        partnership,
        version,
        expected,
        until,
        rows,
    } = *plan;
    // Signing waits here, or this waits for signing: either
    // way the version read next stays in force until commit.
    super::running::lock_partnership(&mut *tx, partnership).await?;
    let in_force: Option<i64> = query_scalar(VERSION_IN_FORCE)
        .bind(partnership.as_str())
        .fetch_one(&mut *tx)
        .await?;
    if in_force != Some(version) {
        return Ok(false);
    }
    // One statement checks and moves the plan: a concurrent
    // planner waits for the row, then finds it moved.
    let moved = match expected {
        None => query(INSERT_PLAN)
            .bind(partnership.as_str())
            .bind(until.as_millisecond())
            .execute(&mut *tx)
            .await
            .map_err(missing("partnership"))?,
        Some(expected) => {
            query(MOVE_PLAN)
                .bind(until.as_millisecond())
                .bind(partnership.as_str())
                .bind(expected.as_millisecond())
                .execute(&mut *tx)
                .await?
        }
    }
    .rows_affected();
    if moved == 0 {
        // Another planner moved the plan first (the partnership
        // is there: it was locked above).
        return Ok(false);
    }
    insert_rows(&mut *tx, rows).await?;
    Ok(true)
}
