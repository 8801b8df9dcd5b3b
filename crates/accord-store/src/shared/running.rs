//! A signed agreement in use: each person's preparation, recorded check-ins
//! with their notes, the consequence log, missed check-ins, and the single-
//! use links that reminders carry. Their SQL, row types, and the functions
//! that run them on both databases (see [`super`]).
//!
//! Writes that must not overlap for one partnership (recording a check-in,
//! logging a missed one) lock the partnership first, so on PostgreSQL they
//! queue like signing does; on SQLite the write transaction already does.

use super::{corrupt, from_millis};
use crate::shared::access::{answer_key, check_key};
use crate::shared::partnerships::PartnershipRow;
use crate::shared::{is_unique_violation, missing};
use crate::sql::{Conn, Pool, begin_write, query, query_as, query_scalar};
use crate::{
    Checkin, CheckinLink, ConsequenceEntry, ConsequenceKind, LinkId, Note, NoteId, PartnershipId,
    Preparation, StoreError, UserId,
};
use crate::{
    Keyed, NewCheckin, NewCheckinLink, NewConsequence, NewNote, NewNotification, NewPreparation,
};
use jiff::Timestamp;

/// A row of `preparations`.
#[derive(sqlx::FromRow)]
pub(crate) struct PreparationRow {
    user_id: String,
    occurrence: i64,
    committed: String,
    happened: String,
    want: String,
    updated_at: i64,
}

impl From<PreparationRow> for Preparation {
    fn from(r: PreparationRow) -> Self {
        Self {
            user: UserId(r.user_id),
            occurrence: from_millis(r.occurrence),
            committed: r.committed,
            happened: r.happened,
            want: r.want,
            updated_at: from_millis(r.updated_at),
        }
    }
}

/// A row of `checkins`.
#[derive(sqlx::FromRow)]
pub(crate) struct CheckinRow {
    occurrence: i64,
    version: i64,
    record: String,
    recorded_by: String,
    recorded_at: i64,
}

impl From<CheckinRow> for Checkin {
    fn from(r: CheckinRow) -> Self {
        Self {
            occurrence: from_millis(r.occurrence),
            version: r.version,
            record: r.record,
            recorded_by: UserId(r.recorded_by),
            recorded_at: from_millis(r.recorded_at),
        }
    }
}

/// A row of `notes`.
#[derive(sqlx::FromRow)]
pub(crate) struct NoteRow {
    id: String,
    occurrence: i64,
    author: String,
    private: bool,
    body: String,
    created_at: i64,
}

impl From<NoteRow> for Note {
    fn from(r: NoteRow) -> Self {
        Self {
            id: NoteId(r.id),
            occurrence: from_millis(r.occurrence),
            author: UserId(r.author),
            private: r.private,
            body: r.body,
            created_at: from_millis(r.created_at),
        }
    }
}

/// A row of `consequences`.
#[derive(sqlx::FromRow)]
pub(crate) struct ConsequenceRow {
    occurrence: i64,
    kind: String,
    party: Option<String>,
    misses: Option<i64>,
    response: String,
    fired_at: i64,
}

impl TryFrom<ConsequenceRow> for ConsequenceEntry {
    type Error = StoreError;

    fn try_from(r: ConsequenceRow) -> Result<Self, StoreError> {
        Ok(Self {
            occurrence: from_millis(r.occurrence),
            kind: ConsequenceKind::parse(&r.kind)
                .ok_or_else(|| corrupt(format!("unknown consequence kind {:?}", r.kind)))?,
            party: r.party,
            misses: r.misses,
            response: r.response,
            fired_at: from_millis(r.fired_at),
        })
    }
}

/// A row of `checkin_links`.
#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    id: String,
    partnership_id: String,
    occurrence: i64,
    user_id: String,
    expires_at: i64,
    used_at: Option<i64>,
}

impl From<LinkRow> for CheckinLink {
    fn from(r: LinkRow) -> Self {
        Self {
            id: LinkId(r.id),
            partnership: PartnershipId(r.partnership_id),
            occurrence: from_millis(r.occurrence),
            user: UserId(r.user_id),
            expires_at: from_millis(r.expires_at),
            used_at: r.used_at.map(from_millis),
        }
    }
}

pub(crate) const PARTNERSHIP_EXISTS: &str = "SELECT COUNT(*) FROM partnerships WHERE id = $1";

/// Inserts or replaces one person's answers for one occurrence.
pub(crate) const SAVE_PREPARATION: &str = "INSERT INTO preparations \
     (partnership_id, occurrence, user_id, committed, happened, want, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (partnership_id, occurrence, user_id) DO UPDATE SET \
     committed = excluded.committed, happened = excluded.happened, want = excluded.want, \
     updated_at = excluded.updated_at";
/// Partners in joining order; answers of anyone no longer a member last.
pub(crate) const PREPARATIONS: &str = "SELECT pr.user_id, pr.occurrence, pr.committed, \
     pr.happened, pr.want, pr.updated_at \
     FROM preparations pr LEFT JOIN memberships m \
     ON m.partnership_id = pr.partnership_id AND m.user_id = pr.user_id \
     WHERE pr.partnership_id = $1 AND pr.occurrence = $2 \
     ORDER BY CASE WHEN m.joined_at IS NULL THEN 1 ELSE 0 END, m.joined_at, pr.user_id";

/// Inserts the check-in unless the occurrence has one (no row changed then).
pub(crate) const INSERT_CHECKIN: &str = "INSERT INTO checkins \
     (partnership_id, occurrence, version, record, recorded_by, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partnership_id, occurrence) DO NOTHING";
pub(crate) const CHECKIN: &str = "SELECT occurrence, version, record, recorded_by, recorded_at \
     FROM checkins WHERE partnership_id = $1 AND occurrence = $2";
pub(crate) const CHECKINS: &str = "SELECT occurrence, version, record, recorded_by, recorded_at \
     FROM checkins WHERE partnership_id = $1 ORDER BY occurrence";
pub(crate) const CHECKIN_EXISTS: &str =
    "SELECT COUNT(*) FROM checkins WHERE partnership_id = $1 AND occurrence = $2";

pub(crate) const INSERT_NOTE: &str = "INSERT INTO notes \
     (id, partnership_id, occurrence, author, private, body, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Privacy is decided here, not by the caller: shared notes and the
/// viewer's (`$3`) own private ones.
pub(crate) const NOTES: &str = "SELECT id, occurrence, author, private, body, created_at \
     FROM notes WHERE partnership_id = $1 AND occurrence = $2 \
     AND (private = FALSE OR author = $3) \
     ORDER BY created_at, seq";

/// Logs a consequence; a second missed check-in for one occurrence is
/// ignored (no row changed).
pub(crate) const INSERT_CONSEQUENCE: &str = "INSERT INTO consequences \
     (partnership_id, occurrence, kind, party, misses, response, fired_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
pub(crate) const CONSEQUENCE_LOG: &str = "SELECT occurrence, kind, party, misses, response, \
     fired_at FROM consequences WHERE partnership_id = $1 ORDER BY occurrence, fired_at, seq";

pub(crate) const INSERT_LINK: &str = "INSERT INTO checkin_links \
     (id, partnership_id, occurrence, user_id, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const LINK: &str = "SELECT id, partnership_id, occurrence, user_id, expires_at, \
     used_at FROM checkin_links WHERE id = $1";
/// Uses the link if it is for this partnership, occurrence and person, and
/// unused and unexpired at `$1`; no row changed otherwise.
pub(crate) const USE_LINK: &str = "UPDATE checkin_links SET used_at = $1 \
     WHERE id = $2 AND partnership_id = $3 AND occurrence = $4 AND user_id = $5 \
     AND used_at IS NULL AND expires_at > $1";

/// Why a link that [`USE_LINK`] did not use cannot be used.
pub(crate) fn link_problem(
    row: Option<LinkRow>,
    partnership: &PartnershipId,
    occurrence: i64,
    user: &UserId,
) -> crate::LinkProblem {
    use crate::LinkProblem::{Expired, Unknown, Used};
    match row {
        Some(r)
            if r.partnership_id == partnership.as_str()
                && r.occurrence == occurrence
                && r.user_id == user.as_str() =>
        {
            if r.used_at.is_some() {
                Used
            } else {
                Expired
            }
        }
        _ => Unknown,
    }
}

/// Uses up a single-use link inside the caller's transaction, or
/// says why it cannot be used.
async fn use_link(
    conn: &mut Conn,
    link: &LinkId,
    partnership: &PartnershipId,
    occurrence: Timestamp,
    user: &UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let used = query(USE_LINK)
        .bind(now.as_millisecond())
        .bind(link.as_str())
        .bind(partnership.as_str())
        .bind(occurrence.as_millisecond())
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if used > 0 {
        return Ok(());
    }
    let row: Option<LinkRow> = query_as(LINK)
        .bind(link.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let problem = link_problem(row, partnership, occurrence.as_millisecond(), user);
    Err(problem.into())
}

/// Fails with [`StoreError::NotFound`] unless the partnership
/// exists.
async fn partnership_exists(
    conn: &mut Conn,
    partnership: &PartnershipId,
) -> Result<(), StoreError> {
    let count: i64 = query_scalar(PARTNERSHIP_EXISTS)
        .bind(partnership.as_str())
        .fetch_one(&mut *conn)
        .await?;
    if count == 0 {
        return Err(StoreError::NotFound("partnership"));
    }
    Ok(())
}

/// Logs consequences fired at `now`.
async fn log_consequences(
    conn: &mut Conn,
    partnership: &PartnershipId,
    entries: &[NewConsequence<'_>],
    now: Timestamp,
) -> Result<u64, StoreError> {
    let mut logged = 0;
    for c in entries {
        logged += query(INSERT_CONSEQUENCE)
            .bind(partnership.as_str())
            .bind(c.occurrence.as_millisecond())
            .bind(c.kind.as_str())
            .bind(c.party)
            .bind(c.misses)
            .bind(c.response)
            .bind(now.as_millisecond())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(logged)
}

/// Locks the partnership for the rest of the transaction, or
/// fails with [`StoreError::NotFound`].
pub(crate) async fn lock_partnership(
    conn: &mut Conn,
    partnership: &PartnershipId,
) -> Result<(), StoreError> {
    let row: Option<PartnershipRow> = query_as(conn.dialect().lock_partnership())
        .bind(partnership.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(drop).ok_or(StoreError::NotFound("partnership"))
}

pub(crate) async fn save_preparation(
    pool: &Pool,
    new: &NewPreparation<'_>,
) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    partnership_exists(&mut tx, new.partnership).await?;
    if let Some(link) = new.link {
        use_link(
            &mut tx,
            link,
            new.partnership,
            new.occurrence,
            new.user,
            new.now,
        )
        .await?;
    }
    query(SAVE_PREPARATION)
        .bind(new.partnership.as_str())
        .bind(new.occurrence.as_millisecond())
        .bind(new.user.as_str())
        .bind(new.committed)
        .bind(new.happened)
        .bind(new.want)
        .bind(new.now.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn preparations(
    pool: &Pool,
    partnership: &PartnershipId,
    occurrence: Timestamp,
) -> Result<Vec<Preparation>, StoreError> {
    let rows: Vec<PreparationRow> = query_as(PREPARATIONS)
        .bind(partnership.as_str())
        .bind(occurrence.as_millisecond())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Preparation::from).collect())
}

pub(crate) async fn record_checkin(
    pool: &Pool,
    new: &NewCheckin<'_>,
    keyed: Option<&Keyed<Checkin>>,
) -> Result<Checkin, StoreError> {
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    // Recording and logging a missed check-in for this
    // partnership queue here, one after the other.
    lock_partnership(&mut tx, new.partnership).await?;
    let inserted = query(INSERT_CHECKIN)
        .bind(new.partnership.as_str())
        .bind(new.occurrence.as_millisecond())
        .bind(new.version)
        .bind(new.record)
        .bind(new.recorded_by.as_str())
        .bind(new.now.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?
        .rows_affected();
    if inserted == 0 {
        return Err(StoreError::Conflict("a check-in for this occurrence"));
    }
    if let Some(note) = &new.note {
        query(INSERT_NOTE)
            .bind(NoteId::random().as_str())
            .bind(new.partnership.as_str())
            .bind(new.occurrence.as_millisecond())
            .bind(new.recorded_by.as_str())
            .bind(note.private)
            .bind(note.body)
            .bind(new.now.as_millisecond())
            .execute(&mut tx)
            .await?;
    }
    log_consequences(&mut tx, new.partnership, new.consequences, new.now).await?;
    super::outbox::insert_rows(&mut tx, new.notifications).await?;
    if let Some(link) = new.link {
        use_link(
            &mut tx,
            link,
            new.partnership,
            new.occurrence,
            new.recorded_by,
            new.now,
        )
        .await?;
    }
    let recorded = Checkin {
        occurrence: from_millis(new.occurrence.as_millisecond()),
        version: new.version,
        record: new.record.to_owned(),
        recorded_by: new.recorded_by.clone(),
        recorded_at: from_millis(new.now.as_millisecond()),
    };
    answer_key(&mut tx, keyed, &recorded).await?;
    tx.commit().await?;
    Ok(recorded)
}

pub(crate) async fn checkin(
    pool: &Pool,
    partnership: &PartnershipId,
    occurrence: Timestamp,
) -> Result<Option<Checkin>, StoreError> {
    let row: Option<CheckinRow> = query_as(CHECKIN)
        .bind(partnership.as_str())
        .bind(occurrence.as_millisecond())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Checkin::from))
}

pub(crate) async fn checkins(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Checkin>, StoreError> {
    let rows: Vec<CheckinRow> = query_as(CHECKINS)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Checkin::from).collect())
}

pub(crate) async fn add_note(
    pool: &Pool,
    new: &NewNote<'_>,
    keyed: Option<&Keyed<Note>>,
) -> Result<Note, StoreError> {
    let id = NoteId::random();
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    let recorded: i64 = query_scalar(CHECKIN_EXISTS)
        .bind(new.partnership.as_str())
        .bind(new.occurrence.as_millisecond())
        .fetch_one(&mut tx)
        .await?;
    if recorded == 0 {
        return Err(StoreError::NotFound("check-in"));
    }
    query(INSERT_NOTE)
        .bind(id.as_str())
        .bind(new.partnership.as_str())
        .bind(new.occurrence.as_millisecond())
        .bind(new.author.as_str())
        .bind(new.private)
        .bind(new.body)
        .bind(new.now.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?;
    let note = Note {
        id,
        occurrence: from_millis(new.occurrence.as_millisecond()),
        author: new.author.clone(),
        private: new.private,
        body: new.body.to_owned(),
        created_at: from_millis(new.now.as_millisecond()),
    };
    answer_key(&mut tx, keyed, &note).await?;
    tx.commit().await?;
    Ok(note)
}

pub(crate) async fn notes(
    pool: &Pool,
    partnership: &PartnershipId,
    occurrence: Timestamp,
    viewer: &UserId,
) -> Result<Vec<Note>, StoreError> {
    let rows: Vec<NoteRow> = query_as(NOTES)
        .bind(partnership.as_str())
        .bind(occurrence.as_millisecond())
        .bind(viewer.as_str())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Note::from).collect())
}

pub(crate) async fn consequence_log(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<ConsequenceEntry>, StoreError> {
    let rows: Vec<ConsequenceRow> = query_as(CONSEQUENCE_LOG)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(ConsequenceEntry::try_from).collect()
}

pub(crate) async fn record_missed_checkin(
    pool: &Pool,
    partnership: &PartnershipId,
    consequence: &NewConsequence<'_>,
    notifications: &[NewNotification],
    now: Timestamp,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    lock_partnership(&mut tx, partnership).await?;
    let recorded: i64 = query_scalar(CHECKIN_EXISTS)
        .bind(partnership.as_str())
        .bind(consequence.occurrence.as_millisecond())
        .fetch_one(&mut tx)
        .await?;
    if recorded > 0 {
        return Ok(false);
    }
    let missed = NewConsequence {
        kind: ConsequenceKind::MissedCheckin,
        ..consequence.clone()
    };
    // The unique index on missed check-ins decides, even
    // without the lock above.
    let logged = log_consequences(&mut tx, partnership, std::slice::from_ref(&missed), now).await?;
    if logged == 0 {
        return Ok(false);
    }
    super::outbox::insert_rows(&mut tx, notifications).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn create_checkin_link(
    pool: &Pool,
    new: &NewCheckinLink<'_>,
) -> Result<(), StoreError> {
    query(INSERT_LINK)
        .bind(new.id.as_str())
        .bind(new.partnership.as_str())
        .bind(new.occurrence.as_millisecond())
        .bind(new.user.as_str())
        .bind(new.now.as_millisecond())
        .bind(new.expires_at.as_millisecond())
        .execute(pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("a check-in link with this id")
            } else {
                missing("partnership or user")(e)
            }
        })?;
    Ok(())
}

pub(crate) async fn checkin_link(
    pool: &Pool,
    id: &LinkId,
) -> Result<Option<CheckinLink>, StoreError> {
    let row: Option<LinkRow> = query_as(LINK)
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(CheckinLink::from))
}
