//! The draft agreement and the versions signed from it: saving with a
//! revision check, signing (the signature completing a version also resets
//! the partnership's outbox plan), and reading versions with their
//! signatures. Their SQL, row types, and the functions that run them on both
//! databases (see [`super`]).

use super::from_millis;
use crate::shared::partnerships::PartnershipRow;
use crate::sql::{Pool, begin_read, begin_write, query, query_as, query_scalar};
use crate::{PartnershipId, Signed, StoreError};
use crate::{Signature, UserId, Version};
use jiff::Timestamp;

/// A row of `versions`.
#[derive(sqlx::FromRow)]
pub(crate) struct VersionRow {
    number: i64,
    draft_revision: i64,
    toml: String,
    created_at: i64,
    signed_at: Option<i64>,
}

/// A signature with the version it is on and the signer's name.
#[derive(sqlx::FromRow)]
pub(crate) struct SignatureRow {
    number: i64,
    user_id: String,
    name: String,
    signed_at: i64,
}

/// Versions with their signatures, both read in order: each signature goes
/// to the version with its number (signatures of versions not in the list
/// are dropped).
pub(crate) fn assemble(versions: Vec<VersionRow>, signatures: Vec<SignatureRow>) -> Vec<Version> {
    let mut out: Vec<Version> = versions
        .into_iter()
        .map(|r| Version {
            number: r.number,
            draft_revision: r.draft_revision,
            toml: r.toml,
            created_at: from_millis(r.created_at),
            signatures: Vec::new(),
            signed_at: r.signed_at.map(from_millis),
        })
        .collect();
    for s in signatures {
        if let Some(v) = out.iter_mut().find(|v| v.number == s.number) {
            v.signatures.push(Signature {
                user_id: UserId(s.user_id),
                name: s.name,
                signed_at: from_millis(s.signed_at),
            });
        }
    }
    out
}

/// Saves the draft only if it is still at revision `$4`; no row back means
/// stale (or no such partnership).
pub(crate) const SAVE_DRAFT: &str = "UPDATE partnerships \
     SET draft = $1, draft_revision = draft_revision + 1, draft_updated_at = $2 \
     WHERE id = $3 AND draft_revision = $4 RETURNING draft_revision";
pub(crate) const DRAFT_REVISION: &str = "SELECT draft_revision FROM partnerships WHERE id = $1";

pub(crate) const VERSION_OF_REVISION: &str =
    "SELECT number FROM versions WHERE partnership_id = $1 AND draft_revision = $2";
pub(crate) const NEXT_VERSION_NUMBER: &str =
    "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE partnership_id = $1";
pub(crate) const INSERT_VERSION: &str = "INSERT INTO versions \
     (partnership_id, number, draft_revision, toml, created_at) VALUES ($1, $2, $3, $4, $5)";
/// Signing twice is not an error and keeps the first signature's time.
pub(crate) const INSERT_SIGNATURE: &str = "INSERT INTO signatures \
     (partnership_id, number, user_id, signed_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT DO NOTHING";
pub(crate) const COUNT_SIGNATURES: &str =
    "SELECT COUNT(*) FROM signatures WHERE partnership_id = $1 AND number = $2";
/// Marks the version binding, once: a later call keeps the first time.
pub(crate) const MARK_VERSION_SIGNED: &str = "UPDATE versions SET signed_at = $1 \
     WHERE partnership_id = $2 AND number = $3 AND signed_at IS NULL";
pub(crate) const PARTNER_ROLE: &str = "SELECT COUNT(*) FROM memberships \
     WHERE partnership_id = $1 AND user_id = $2 AND role = 'partner'";

pub(crate) const VERSIONS: &str = "SELECT number, draft_revision, toml, created_at, signed_at \
     FROM versions WHERE partnership_id = $1 ORDER BY number";
pub(crate) const SIGNATURES: &str = "SELECT s.number, s.user_id, u.name, s.signed_at \
     FROM signatures s JOIN users u ON u.id = s.user_id \
     WHERE s.partnership_id = $1 ORDER BY s.number, s.signed_at, u.name, s.user_id";
pub(crate) const VERSION: &str = "SELECT number, draft_revision, toml, created_at, signed_at \
     FROM versions WHERE partnership_id = $1 AND number = $2";
pub(crate) const VERSION_SIGNATURES: &str = "SELECT s.number, s.user_id, u.name, s.signed_at \
     FROM signatures s JOIN users u ON u.id = s.user_id \
     WHERE s.partnership_id = $1 AND s.number = $2 ORDER BY s.signed_at, u.name, s.user_id";

pub(crate) async fn save_draft(
    pool: &Pool,
    partnership: &PartnershipId,
    expected_revision: i64,
    draft: &str,
    now: Timestamp,
) -> Result<i64, StoreError> {
    // Checking and raising the revision is one statement: a
    // concurrent save waits for the row and then finds the
    // revision changed, so at most one save per revision wins.
    let mut tx = begin_write(pool).await?;
    let saved: Option<i64> = query_scalar(SAVE_DRAFT)
        .bind(draft)
        .bind(now.as_millisecond())
        .bind(partnership.as_str())
        .bind(expected_revision)
        .fetch_optional(&mut tx)
        .await?;
    if let Some(revision) = saved {
        tx.commit().await?;
        return Ok(revision);
    }
    let current: Option<i64> = query_scalar(DRAFT_REVISION)
        .bind(partnership.as_str())
        .fetch_optional(&mut tx)
        .await?;
    match current {
        None => Err(StoreError::NotFound("partnership")),
        Some(current) => Err(StoreError::Stale {
            expected: expected_revision,
            current,
        }),
    }
}

pub(crate) async fn sign_draft(
    pool: &Pool,
    partnership: &PartnershipId,
    expected_revision: i64,
    user: &UserId,
    now: Timestamp,
    keyed: Option<&crate::Keyed<Signed>>,
) -> Result<Signed, StoreError> {
    let mut tx = begin_write(pool).await?;
    super::access::check_key(&mut tx, keyed).await?;
    // Every signer and saver of this partnership waits here for
    // the one before: the revision and version checks below hold
    // until the end of the transaction.
    let current: Option<PartnershipRow> = query_as(tx.dialect().lock_partnership())
        .bind(partnership.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let current = current.ok_or(StoreError::NotFound("partnership"))?;
    if current.draft_revision != expected_revision {
        return Err(StoreError::Stale {
            expected: expected_revision,
            current: current.draft_revision,
        });
    }
    let partner: i64 = query_scalar(PARTNER_ROLE)
        .bind(partnership.as_str())
        .bind(user.as_str())
        .fetch_one(&mut tx)
        .await?;
    if partner == 0 {
        return Err(StoreError::NotFound("partner"));
    }
    let existing: Option<i64> = query_scalar(VERSION_OF_REVISION)
        .bind(partnership.as_str())
        .bind(expected_revision)
        .fetch_optional(&mut tx)
        .await?;
    let number = match existing {
        Some(number) => number,
        None => {
            let number: i64 = query_scalar(NEXT_VERSION_NUMBER)
                .bind(partnership.as_str())
                .fetch_one(&mut tx)
                .await?;
            query(INSERT_VERSION)
                .bind(partnership.as_str())
                .bind(number)
                .bind(expected_revision)
                .bind(&current.draft)
                .bind(now.as_millisecond())
                .execute(&mut tx)
                .await?;
            number
        }
    };
    query(INSERT_SIGNATURE)
        .bind(partnership.as_str())
        .bind(number)
        .bind(user.as_str())
        .bind(now.as_millisecond())
        .execute(&mut tx)
        .await?;
    let signatures: i64 = query_scalar(COUNT_SIGNATURES)
        .bind(partnership.as_str())
        .bind(number)
        .fetch_one(&mut tx)
        .await?;
    let complete = signatures >= 2;
    if complete {
        let completed = query(MARK_VERSION_SIGNED)
            .bind(now.as_millisecond())
            .bind(partnership.as_str())
            .bind(number)
            .execute(&mut tx)
            .await?
            .rows_affected();
        // A new version is in force: the outbox is planned
        // afresh from it (only the completing signature does
        // this; signing again changes nothing).
        if completed > 0 {
            query(crate::shared::outbox::RESET_PLAN)
                .bind(partnership.as_str())
                .execute(&mut tx)
                .await?;
        }
    }
    let signed = Signed { number, complete };
    super::access::answer_key(&mut tx, keyed, &signed).await?;
    tx.commit().await?;
    Ok(signed)
}

pub(crate) async fn versions(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Version>, StoreError> {
    // One snapshot for both reads, so that a signature made in
    // between cannot show on a version still read as unsigned.
    let mut tx = begin_read(pool).await?;
    let versions: Vec<VersionRow> = query_as(VERSIONS)
        .bind(partnership.as_str())
        .fetch_all(&mut tx)
        .await?;
    let signatures: Vec<SignatureRow> = query_as(SIGNATURES)
        .bind(partnership.as_str())
        .fetch_all(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(assemble(versions, signatures))
}

pub(crate) async fn version(
    pool: &Pool,
    partnership: &PartnershipId,
    number: i64,
) -> Result<Option<Version>, StoreError> {
    let mut tx = begin_read(pool).await?;
    let version: Option<VersionRow> = query_as(VERSION)
        .bind(partnership.as_str())
        .bind(number)
        .fetch_optional(&mut tx)
        .await?;
    let Some(version) = version else {
        return Ok(None);
    };
    let signatures: Vec<SignatureRow> = query_as(VERSION_SIGNATURES)
        .bind(partnership.as_str())
        .bind(number)
        .fetch_all(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(assemble(vec![version], signatures).pop())
}
