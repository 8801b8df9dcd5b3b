//! Exporting a partnership (every record of it, read in one snapshot) and
//! importing one (written in one transaction): their SQL and the functions
//! that run them on both databases (see [`super`]); the rows become the
//! document in `export_read`. The document itself is described in
//! [`crate::export`].
//!
//! Lists are put in an order that does not depend on anything an import
//! changes (a reused account's id or name): by time, then by e-mail
//! address, then by the order of insertion, which an import repeats.
//! Whatever orders by text (an address, a day, an id) is sorted in Rust,
//! by bytes, in `export_read`: SQLite compares text by bytes, PostgreSQL by
//! its database's collation, which may differ (`a_c` before `a.b`), and a
//! partnership moved between the two must export the same bytes.

pub(crate) use super::export_read::Read;
use super::from_millis;
use crate::StoreError;
use crate::export::{Export, ExportScope, Imported, NO_PASSWORD, Progress, Scope};
use crate::export::{ExportedPause, ExportedPreparation};
use crate::shared::{accounts, drafts, normal_email, partnerships, role, running};
use crate::sql::{Conn, Pool, begin_read, begin_write, query, query_as, query_scalar};
use crate::{
    Checkin, ConsequenceEntry, Member, Note, Partnership, PartnershipId, Role, User, UserId,
};
use jiff::Timestamp;

/// A row of `pauses` with everything an export keeps (the domain's
/// [`crate::Pause`] leaves out who withdrew it).
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
    withdrawn_by: Option<String>,
    withdrawn_at: Option<i64>,
}

impl From<PauseRow> for ExportedPause {
    fn from(r: PauseRow) -> Self {
        Self {
            id: r.id,
            first_day: r.first_day,
            last_day: r.last_day,
            reason: r.reason,
            proposed_by: r.proposed_by,
            proposed_at: from_millis(r.proposed_at),
            agreed_by: r.agreed_by,
            agreed_at: r.agreed_at.map(from_millis),
            withdrawn_by: r.withdrawn_by,
            withdrawn_at: r.withdrawn_at.map(from_millis),
        }
    }
}

/// A row of `preparations` (ordered by its author's address in
/// `export_read`).
#[derive(sqlx::FromRow)]
pub(crate) struct PreparationRow {
    user_id: String,
    occurrence: i64,
    committed: String,
    happened: String,
    want: String,
    updated_at: i64,
}

impl From<PreparationRow> for ExportedPreparation {
    fn from(r: PreparationRow) -> Self {
        Self {
            occurrence: from_millis(r.occurrence),
            user: r.user_id,
            committed: r.committed,
            happened: r.happened,
            want: r.want,
            updated_at: from_millis(r.updated_at),
        }
    }
}

/// Every note of the partnership (a complete export).
pub(crate) const ALL_NOTES: &str = "SELECT id, occurrence, author, private, body, created_at \
     FROM notes WHERE partnership_id = $1 ORDER BY occurrence, created_at, seq";
/// The notes one member may read: shared ones and, when `$2` is not null
/// (a partner), their own private ones.
pub(crate) const VISIBLE_NOTES: &str = "SELECT id, occurrence, author, private, body, \
     created_at FROM notes WHERE partnership_id = $1 AND (private = FALSE OR author = $2) \
     ORDER BY occurrence, created_at, seq";

/// The columns of a [`PreparationRow`], in no order: `export_read` sorts
/// them by occurrence and address.
macro_rules! preparations_from {
    () => {
        "SELECT user_id, occurrence, committed, happened, want, updated_at \
         FROM preparations WHERE partnership_id = $1"
    };
}
pub(crate) const ALL_PREPARATIONS: &str = preparations_from!();
/// A partner's own preparations (`$2`), and the others' for check-ins
/// that have opened (starting at or before `$3`).
pub(crate) const VISIBLE_PREPARATIONS: &str = concat!(
    preparations_from!(),
    " AND (user_id = $2 OR occurrence <= $3)"
);

/// The pauses, in no order: `export_read` sorts them by first day, time
/// proposed and id.
pub(crate) const PAUSES: &str = "SELECT id, first_day, last_day, reason, proposed_by, \
     proposed_at, agreed_by, agreed_at, withdrawn_by, withdrawn_at \
     FROM pauses WHERE partnership_id = $1";

pub(crate) const INSERT_PARTNERSHIP: &str = "INSERT INTO partnerships \
     (id, title, created_at, draft, draft_revision, draft_updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const INSERT_VERSION: &str = "INSERT INTO versions \
     (partnership_id, number, draft_revision, toml, created_at, signed_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const INSERT_SIGNATURE: &str = "INSERT INTO signatures \
     (partnership_id, number, user_id, signed_at) VALUES ($1, $2, $3, $4)";
pub(crate) const INSERT_CHECKIN: &str = "INSERT INTO checkins \
     (partnership_id, occurrence, version, record, recorded_by, recorded_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const INSERT_PREPARATION: &str = "INSERT INTO preparations \
     (partnership_id, occurrence, user_id, committed, happened, want, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(crate) const INSERT_CONSEQUENCE: &str = "INSERT INTO consequences \
     (partnership_id, occurrence, kind, party, misses, response, fired_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(crate) const INSERT_PAUSE: &str = "INSERT INTO pauses \
     (id, partnership_id, first_day, last_day, reason, proposed_by, proposed_at, agreed_by, \
     agreed_at, withdrawn_by, withdrawn_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Maps a broken uniqueness rule to [`StoreError::Conflict`] for `what`.
pub(crate) fn taken(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| {
        if super::is_unique_violation(&e) {
            StoreError::Conflict(what)
        } else {
            e.into()
        }
    }
}

/// The account with this id, inside the caller's transaction.
async fn user(conn: &mut Conn, id: &str) -> Result<Option<User>, StoreError> {
    let row: Option<accounts::UserRow> = query_as(accounts::USER_BY_ID)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(User::from))
}

pub(crate) async fn export_partnership(
    pool: &Pool,
    id: &PartnershipId,
    scope: &ExportScope,
    now: Timestamp,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Option<Export>, StoreError> {
    let step = |part: &'static str, records: usize| progress(Progress { part, records });
    // One snapshot: a check-in recorded meanwhile is either
    // wholly in the export, with its notes, or not at all.
    let mut tx = begin_read(pool).await?;
    let row: Option<partnerships::PartnershipRow> = query_as(partnerships::PARTNERSHIP_BY_ID)
        .bind(id.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let Some(partnership) = row.map(Partnership::from) else {
        return Ok(None);
    };
    step("partnership", 1);
    // Who reads decides what is read: a partner's own private
    // notes (`None`: none), and whose preparations.
    let (scope_text, private_of, preparations_of) = match scope {
        ExportScope::Complete => (Scope::Complete, None, None),
        ExportScope::Member {
            user: viewer,
            opened_by,
        } => {
            let word: Option<String> = query_scalar(partnerships::ROLE_IN)
                .bind(id.as_str())
                .bind(viewer.as_str())
                .fetch_optional(&mut tx)
                .await?;
            let Some(word) = word else {
                return Ok(None);
            };
            let Some(account) = user(&mut tx, viewer.as_str()).await? else {
                return Ok(None);
            };
            let partner = (role(&word)? == Role::Partner).then_some(viewer);
            let preparations = Some(partner.map(|p| (p, *opened_by)));
            (Scope::For(account.email), partner, preparations)
        }
    };
    let members: Vec<partnerships::MemberRow> = query_as(partnerships::MEMBERS)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    let members = members
        .into_iter()
        .map(Member::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    // Each part is reported as soon as it is read (in PARTS
    // order), so that a long export shows where it is.
    step("members", members.len());
    let versions: Vec<drafts::VersionRow> = query_as(drafts::VERSIONS)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    let signatures: Vec<drafts::SignatureRow> = query_as(drafts::SIGNATURES)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    let versions = drafts::assemble(versions, signatures);
    step("versions", versions.len());
    let checkins: Vec<running::CheckinRow> = query_as(running::CHECKINS)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    step("check-ins", checkins.len());
    let notes: Vec<running::NoteRow> = match scope {
        ExportScope::Complete => query_as(ALL_NOTES).bind(id.as_str()),
        ExportScope::Member { .. } => query_as(VISIBLE_NOTES)
            .bind(id.as_str())
            .bind(private_of.map(UserId::as_str)),
    }
    .fetch_all(&mut tx)
    .await?;
    step("notes", notes.len());
    let preparations: Vec<PreparationRow> = match preparations_of {
        None => {
            query_as(ALL_PREPARATIONS)
                .bind(id.as_str())
                .fetch_all(&mut tx)
                .await?
        }
        // The coach never sees preparations.
        Some(None) => Vec::new(),
        Some(Some((partner, opened_by))) => {
            query_as(VISIBLE_PREPARATIONS)
                .bind(id.as_str())
                .bind(partner.as_str())
                .bind(opened_by.as_millisecond())
                .fetch_all(&mut tx)
                .await?
        }
    };
    step("preparations", preparations.len());
    let consequences: Vec<running::ConsequenceRow> = query_as(running::CONSEQUENCE_LOG)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    step("consequences", consequences.len());
    let pauses: Vec<PauseRow> = query_as(PAUSES)
        .bind(id.as_str())
        .fetch_all(&mut tx)
        .await?;
    step("pauses", pauses.len());
    let read = Read {
        partnership,
        scope: scope_text,
        members,
        versions,
        checkins: checkins.into_iter().map(Checkin::from).collect(),
        notes: notes.into_iter().map(Note::from).collect(),
        preparations: preparations.into_iter().map(Into::into).collect(),
        consequences: consequences
            .into_iter()
            .map(ConsequenceEntry::try_from)
            .collect::<Result<Vec<_>, _>>()?,
        pauses: pauses.into_iter().map(Into::into).collect(),
    };
    // Last: the people are those the other parts name.
    let mut people = Vec::new();
    for person in read.people() {
        if let Some(account) = user(&mut tx, &person).await? {
            people.push(account);
        }
    }
    step("people", people.len());
    tx.commit().await?;
    read.assemble(people, now).map(Some)
}

pub(crate) async fn import_partnership(
    pool: &Pool,
    export: &Export,
    now: Timestamp,
) -> Result<Imported, StoreError> {
    export.check_importable()?;
    let p = &export.partnership;
    let mut tx = begin_write(pool).await?;
    let exists: i64 = query_scalar(running::PARTNERSHIP_EXISTS)
        .bind(p.id.as_str())
        .fetch_one(&mut tx)
        .await?;
    if exists > 0 {
        return Err(StoreError::Conflict("a partnership with this id"));
    }
    // People by address: an existing account is used as it is;
    // a missing one is made under its exported id (a fresh one
    // if another account has that id), with no password.
    let mut ids: Vec<(&str, String)> = Vec::new();
    let (mut created, mut matched) = (Vec::new(), Vec::new());
    for person in &export.people {
        let email = normal_email(&person.email);
        let found: Option<accounts::UserRow> = query_as(accounts::USER_BY_EMAIL)
            .bind(&email)
            .fetch_optional(&mut tx)
            .await?;
        if let Some(account) = found.map(User::from) {
            ids.push((person.id.as_str(), account.id.0));
            matched.push(email);
            continue;
        }
        let id = match user(&mut tx, &person.id).await? {
            None => person.id.clone(),
            Some(_) => UserId::random().0,
        };
        query(accounts::INSERT_USER)
            .bind(&id)
            .bind(&email)
            .bind(&person.name)
            .bind(NO_PASSWORD)
            .bind(now.as_millisecond())
            .execute(&mut tx)
            .await
            .map_err(taken("an account with this e-mail address"))?;
        ids.push((person.id.as_str(), id));
        created.push(email);
    }
    // Every id was checked to be in `people`.
    let to = |exported: &str| -> Result<String, StoreError> {
        ids.iter()
            .find(|(from, _)| *from == exported)
            .map(|(_, to)| to.clone())
            .ok_or(StoreError::NotFound("person"))
    };
    let pid = p.id.as_str();
    query(INSERT_PARTNERSHIP)
        .bind(pid)
        .bind(&p.title)
        .bind(p.created_at.as_millisecond())
        .bind(&p.draft)
        .bind(p.draft_revision)
        .bind(p.draft_updated_at.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(taken("a partnership with this id"))?;
    for m in &export.members {
        query(partnerships::INSERT_MEMBERSHIP)
            .bind(pid)
            .bind(to(&m.user)?)
            .bind(m.role.as_str())
            .bind(m.joined_at.as_millisecond())
            .execute(&mut tx)
            .await
            .map_err(taken("a membership given twice"))?;
    }
    for v in &export.versions {
        query(INSERT_VERSION)
            .bind(pid)
            .bind(v.number)
            .bind(v.draft_revision)
            .bind(&v.toml)
            .bind(v.created_at.as_millisecond())
            .bind(v.signed_at.map(|t| t.as_millisecond()))
            .execute(&mut tx)
            .await
            .map_err(taken("a version of one draft revision"))?;
        for s in &v.signatures {
            query(INSERT_SIGNATURE)
                .bind(pid)
                .bind(v.number)
                .bind(to(&s.user)?)
                .bind(s.signed_at.as_millisecond())
                .execute(&mut tx)
                .await
                .map_err(taken("a signature given twice"))?;
        }
    }
    // A version in force is planned by the next worker step.
    if export.versions.iter().any(|v| v.signed_at.is_some()) {
        query(crate::shared::outbox::RESET_PLAN)
            .bind(pid)
            .execute(&mut tx)
            .await?;
    }
    for c in &export.checkins {
        query(INSERT_CHECKIN)
            .bind(pid)
            .bind(c.occurrence.as_millisecond())
            .bind(c.version)
            .bind(c.record.to_string())
            .bind(to(&c.recorded_by)?)
            .bind(c.recorded_at.as_millisecond())
            .execute(&mut tx)
            .await?;
    }
    for n in &export.notes {
        query(running::INSERT_NOTE)
            .bind(n.id.as_str())
            .bind(pid)
            .bind(n.occurrence.as_millisecond())
            .bind(to(&n.author)?)
            .bind(n.private)
            .bind(&n.body)
            .bind(n.created_at.as_millisecond())
            .execute(&mut tx)
            .await
            .map_err(taken("a note with one of these ids"))?;
    }
    for r in &export.preparations {
        query(INSERT_PREPARATION)
            .bind(pid)
            .bind(r.occurrence.as_millisecond())
            .bind(to(&r.user)?)
            .bind(&r.committed)
            .bind(&r.happened)
            .bind(&r.want)
            .bind(r.updated_at.as_millisecond())
            .execute(&mut tx)
            .await?;
    }
    for c in &export.consequences {
        query(INSERT_CONSEQUENCE)
            .bind(pid)
            .bind(c.occurrence.as_millisecond())
            .bind(c.kind.as_str())
            .bind(c.party.as_deref())
            .bind(c.misses)
            .bind(&c.response)
            .bind(c.fired_at.as_millisecond())
            .execute(&mut tx)
            .await?;
    }
    for r in &export.pauses {
        let agreed_by = r.agreed_by.as_deref().map(to).transpose()?;
        let withdrawn_by = r.withdrawn_by.as_deref().map(to).transpose()?;
        query(INSERT_PAUSE)
            .bind(r.id.as_str())
            .bind(pid)
            .bind(&r.first_day)
            .bind(&r.last_day)
            .bind(&r.reason)
            .bind(to(&r.proposed_by)?)
            .bind(r.proposed_at.as_millisecond())
            .bind(agreed_by)
            .bind(r.agreed_at.map(|t| t.as_millisecond()))
            .bind(withdrawn_by)
            .bind(r.withdrawn_at.map(|t| t.as_millisecond()))
            .execute(&mut tx)
            .await
            .map_err(taken("a pause with one of these ids"))?;
    }
    tx.commit().await?;
    Ok(Imported {
        partnership: PartnershipId(p.id.clone()),
        created,
        matched,
    })
}
