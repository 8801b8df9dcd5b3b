//! Pauses of a running agreement: proposed by one partner, in effect once
//! the other agrees, until withdrawn. Their SQL, row types, and the
//! functions that run them on both databases (see [`super`]).
//!
//! Agreeing and withdrawing are single conditional updates, so two partners
//! acting at once cannot both succeed where only one may.

use super::from_millis;
use crate::shared::access::{answer_key, check_key};
use crate::shared::missing;
use crate::sql::{Pool, begin_write, query, query_as, query_scalar};
use crate::{Keyed, NewPause, PartnershipId, StoreError};
use crate::{Pause, PauseId, UserId};
use jiff::Timestamp;

/// A row of `pauses`.
#[derive(sqlx::FromRow)]
pub(crate) struct PauseRow {
    id: String,
    first_day: String,
    last_day: String,
    reason: String,
    proposed_by: String,
    proposed_at: i64,
    agreed_by: Option<String>,
    agreed_at: Option<i64>,
    withdrawn_at: Option<i64>,
}

impl From<PauseRow> for Pause {
    fn from(r: PauseRow) -> Self {
        Self {
            id: PauseId(r.id),
            first_day: r.first_day,
            last_day: r.last_day,
            reason: r.reason,
            proposed_by: UserId(r.proposed_by),
            proposed_at: from_millis(r.proposed_at),
            agreed_by: r.agreed_by.map(UserId),
            agreed_at: r.agreed_at.map(from_millis),
            withdrawn_at: r.withdrawn_at.map(from_millis),
        }
    }
}

/// The columns of a [`PauseRow`].
macro_rules! pause_columns {
    () => {
        "id, first_day, last_day, reason, proposed_by, proposed_at, agreed_by, agreed_at, \
         withdrawn_at"
    };
}

pub(crate) const INSERT_PAUSE: &str = "INSERT INTO pauses \
     (id, partnership_id, first_day, last_day, reason, proposed_by, proposed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(crate) const PAUSE: &str = concat!(
    "SELECT ",
    pause_columns!(),
    " FROM pauses WHERE partnership_id = $1 AND id = $2"
);
pub(crate) const PAUSES: &str = concat!(
    "SELECT ",
    pause_columns!(),
    " FROM pauses WHERE partnership_id = $1 ORDER BY first_day, proposed_at, id"
);
/// Agrees (`$1` the partner, `$2` now) to a pause still only proposed, by
/// someone else; no row back otherwise.
pub(crate) const AGREE_PAUSE: &str = concat!(
    "UPDATE pauses SET agreed_by = $1, agreed_at = $2 \
     WHERE partnership_id = $3 AND id = $4 \
     AND agreed_at IS NULL AND withdrawn_at IS NULL AND proposed_by <> $1 \
     RETURNING ",
    pause_columns!()
);
/// Withdraws (`$1` who, `$2` now) a pause not withdrawn yet; no row back
/// otherwise.
pub(crate) const WITHDRAW_PAUSE: &str = concat!(
    "UPDATE pauses SET withdrawn_by = $1, withdrawn_at = $2 \
     WHERE partnership_id = $3 AND id = $4 AND withdrawn_at IS NULL \
     RETURNING ",
    pause_columns!()
);

pub(crate) async fn propose_pause(
    pool: &Pool,
    new: &NewPause<'_>,
    keyed: Option<&Keyed<Pause>>,
) -> Result<Pause, StoreError> {
    let id = PauseId::random();
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    let known: i64 = query_scalar(crate::shared::running::PARTNERSHIP_EXISTS)
        .bind(new.partnership.as_str())
        .fetch_one(&mut tx)
        .await?;
    if known == 0 {
        return Err(StoreError::NotFound("partnership"));
    }
    query(INSERT_PAUSE)
        .bind(id.as_str())
        .bind(new.partnership.as_str())
        .bind(new.first_day)
        .bind(new.last_day)
        .bind(new.reason)
        .bind(new.proposed_by.as_str())
        .bind(new.now.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?;
    let proposed = Pause {
        id,
        first_day: new.first_day.to_owned(),
        last_day: new.last_day.to_owned(),
        reason: new.reason.to_owned(),
        proposed_by: new.proposed_by.clone(),
        proposed_at: from_millis(new.now.as_millisecond()),
        agreed_by: None,
        agreed_at: None,
        withdrawn_at: None,
    };
    answer_key(&mut tx, keyed, &proposed).await?;
    tx.commit().await?;
    Ok(proposed)
}

/// The pause to change, who changes it and when.
struct Change<'a> {
    partnership: &'a PartnershipId,
    id: &'a PauseId,
    user: &'a UserId,
    now: Timestamp,
}

/// Runs `update` (agreeing or withdrawing); when it changed
/// nothing, reads the pause to say why.
async fn change(
    pool: &Pool,
    update: &'static str,
    Change {
        partnership,
        id,
        user,
        now,
    }: Change<'_>,
    keyed: Option<&Keyed<Pause>>,
    refused: impl FnOnce(&Pause) -> &'static str,
) -> Result<Pause, StoreError> {
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    let changed: Option<PauseRow> = query_as(update)
        .bind(user.as_str())
        .bind(now.as_millisecond())
        .bind(partnership.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut tx)
        .await
        .map_err(missing("user"))?;
    if let Some(row) = changed {
        let changed = Pause::from(row);
        answer_key(&mut tx, keyed, &changed).await?;
        tx.commit().await?;
        return Ok(changed);
    }
    let current: Option<PauseRow> = query_as(PAUSE)
        .bind(partnership.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let current = Pause::from(current.ok_or(StoreError::NotFound("pause"))?);
    Err(StoreError::Conflict(refused(&current)))
}

pub(crate) async fn agree_pause(
    pool: &Pool,
    partnership: &PartnershipId,
    id: &PauseId,
    user: &UserId,
    now: Timestamp,
    keyed: Option<&Keyed<Pause>>,
) -> Result<Pause, StoreError> {
    let what = Change {
        partnership,
        id,
        user,
        now,
    };
    change(pool, AGREE_PAUSE, what, keyed, |p| {
        if p.withdrawn_at.is_some() {
            "a withdrawal of this pause"
        } else if p.agreed_at.is_some() {
            "an agreement to this pause"
        } else {
            // Proposing it was the proposer's agreement.
            "the proposer's agreement to this pause"
        }
    })
    .await
}

pub(crate) async fn withdraw_pause(
    pool: &Pool,
    partnership: &PartnershipId,
    id: &PauseId,
    user: &UserId,
    now: Timestamp,
    keyed: Option<&Keyed<Pause>>,
) -> Result<Pause, StoreError> {
    let what = Change {
        partnership,
        id,
        user,
        now,
    };
    change(
        pool,
        WITHDRAW_PAUSE,
        what,
        keyed,
        |_| "a withdrawal of this pause",
    )
    .await
}

pub(crate) async fn pauses(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Pause>, StoreError> {
    let rows: Vec<PauseRow> = query_as(PAUSES)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Pause::from).collect())
}
