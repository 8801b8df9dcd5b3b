//! Who prepared for which check-in, without what they wrote: the health
//! report counts whose preparation the check-ins rested on ("one partner
//! carries the check-ins") and needs only that, for the whole partnership
//! in one query instead of one per check-in. Its SQL and the `queries!`
//! macro writing its function for one dialect (see [`super`]).

/// Every (occurrence, person) with saved answers, oldest first.
pub(crate) const PREPARED: &str = "SELECT occurrence, user_id FROM preparations \
     WHERE partnership_id = $1 ORDER BY occurrence, user_id";

/// Writes module `prepared` with this part's query function into the
/// dialect module that expands it.
macro_rules! queries {
    () => {
        /// Who prepared.
        pub(crate) mod prepared {
            use super::Pool;
            use $crate::shared::from_millis;
            use $crate::shared::prepared as sql;
            use $crate::{PartnershipId, Prepared, StoreError, UserId};

            pub(crate) async fn prepared(
                pool: &Pool,
                partnership: &PartnershipId,
            ) -> Result<Vec<Prepared>, StoreError> {
                let rows: Vec<(i64, String)> = sqlx::query_as(sql::PREPARED)
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
        }
    };
}
pub(crate) use queries;
