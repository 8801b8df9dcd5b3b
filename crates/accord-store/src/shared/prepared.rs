//! Who prepared for which check-in, without what they wrote: the health
//! report counts whose preparation the check-ins rested on ("one partner
//! carries the check-ins") and needs only that, for the whole partnership in
//! one query instead of one per check-in. Its SQL and the functions that run
//! it on both databases (see [`super`]).

use crate::shared::from_millis;
use crate::sql::{Pool, query_as};
use crate::{PartnershipId, Prepared, StoreError, UserId};

/// Every (occurrence, person) with saved answers, oldest first.
pub(crate) const PREPARED: &str = "SELECT occurrence, user_id FROM preparations \
     WHERE partnership_id = $1 ORDER BY occurrence, user_id";

pub(crate) async fn prepared(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Prepared>, StoreError> {
    let rows: Vec<(i64, String)> = query_as(PREPARED)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(occurrence, user)| Prepared {
            occurrence: from_millis(occurrence),
            user: UserId(user),
        })
        .collect())
}
