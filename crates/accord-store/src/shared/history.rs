//! A partnership's whole history in one read: what the agreement in force
//! is built from (versions with their signatures, members, pauses,
//! check-ins), with the change count it was read at (see
//! [`crate::Partnership::changes`]).
//!
//! One snapshot on one connection: the count and the rows agree, so a copy
//! kept under the count is exactly what the database held at that count.

use crate::shared::drafts::{self, SignatureRow, VersionRow};
use crate::shared::partnerships::{CHANGES, MEMBERS, MemberRow};
use crate::shared::pauses::{PAUSES, PauseRow};
use crate::shared::running::{CHECKINS, CheckinRow};
use crate::sql::{Pool, begin_read, query_as, query_scalar};
use crate::{Checkin, History, Member, PartnershipId, Pause, StoreError};

pub(crate) async fn history(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Option<History>, StoreError> {
    let id = partnership.as_str();
    let mut tx = begin_read(pool).await?;
    let Some(changes) = query_scalar::<i64>(CHANGES)
        .bind(id)
        .fetch_optional(&mut tx)
        .await?
    else {
        return Ok(None);
    };
    let versions: Vec<VersionRow> = query_as(drafts::VERSIONS)
        .bind(id)
        .fetch_all(&mut tx)
        .await?;
    let signatures: Vec<SignatureRow> = query_as(drafts::SIGNATURES)
        .bind(id)
        .fetch_all(&mut tx)
        .await?;
    let members: Vec<MemberRow> = query_as(MEMBERS).bind(id).fetch_all(&mut tx).await?;
    let pauses: Vec<PauseRow> = query_as(PAUSES).bind(id).fetch_all(&mut tx).await?;
    let checkins: Vec<CheckinRow> = query_as(CHECKINS).bind(id).fetch_all(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(History {
        changes,
        versions: drafts::assemble(versions, signatures),
        members: members
            .into_iter()
            .map(Member::try_from)
            .collect::<Result<_, _>>()?,
        pauses: pauses.into_iter().map(Pause::from).collect(),
        checkins: checkins.into_iter().map(Checkin::from).collect(),
    }))
}
