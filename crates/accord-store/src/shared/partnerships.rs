//! Partnerships, their members, and the invitations that add members: their
//! SQL, row types, and the functions that run them on both databases (see
//! [`super`]).

use super::{from_millis, role};
use crate::shared::access::{answer_key, check_key};
use crate::shared::{missing, normal_email};
use crate::sql::{Pool, begin_write, query, query_as, query_scalar};
use crate::{
    Invitation, InvitationId, Member, Membership, Partnership, PartnershipId, StoreError, UserId,
};
use crate::{InvitationProblem, Keyed, NewInvitation, NewPartnership, Role, TokenHash};
use jiff::Timestamp;

/// A row of `partnerships`.
#[derive(sqlx::FromRow)]
pub(crate) struct PartnershipRow {
    id: String,
    title: String,
    created_at: i64,
    pub(crate) draft: String,
    pub(crate) draft_revision: i64,
    draft_updated_at: i64,
    changes: i64,
}

impl From<PartnershipRow> for Partnership {
    fn from(r: PartnershipRow) -> Self {
        Self {
            id: PartnershipId(r.id),
            title: r.title,
            created_at: from_millis(r.created_at),
            draft: r.draft,
            draft_revision: r.draft_revision,
            draft_updated_at: from_millis(r.draft_updated_at),
            changes: r.changes,
        }
    }
}

/// A partnership with the role of the member it is listed to.
#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    #[sqlx(flatten)]
    partnership: PartnershipRow,
    role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;

    fn try_from(r: MembershipRow) -> Result<Self, StoreError> {
        Ok(Self {
            role: role(&r.role)?,
            partnership: r.partnership.into(),
        })
    }
}

/// A member with their account's name and address.
#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    user_id: String,
    name: String,
    email: String,
    role: String,
    joined_at: i64,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;

    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Self {
            user_id: UserId(r.user_id),
            name: r.name,
            email: r.email,
            role: role(&r.role)?,
            joined_at: from_millis(r.joined_at),
        })
    }
}

/// An invitation with its partnership's title and its maker's name.
#[derive(sqlx::FromRow)]
pub(crate) struct InvitationRow {
    id: String,
    partnership_id: String,
    partnership_title: String,
    role: String,
    email: Option<String>,
    invited_by: String,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;

    fn try_from(r: InvitationRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: InvitationId(r.id),
            partnership_id: PartnershipId(r.partnership_id),
            partnership_title: r.partnership_title,
            role: role(&r.role)?,
            email: r.email,
            invited_by: r.invited_by,
            created_at: from_millis(r.created_at),
            expires_at: from_millis(r.expires_at),
            accepted_at: r.accepted_at.map(from_millis),
        })
    }
}

/// The start of every query reading a partnership by id (`$1`).
macro_rules! partnership_by_id {
    () => {
        "SELECT id, title, created_at, draft, draft_revision, draft_updated_at, changes \
         FROM partnerships WHERE id = $1"
    };
}

/// The start of every query reading invitations with their partnership's
/// title and their maker's name.
macro_rules! select_invitations {
    () => {
        "SELECT i.id, i.partnership_id, p.title AS partnership_title, i.role, i.email, \
         u.name AS invited_by, i.created_at, i.expires_at, i.accepted_at \
         FROM invitations i \
         JOIN partnerships p ON p.id = i.partnership_id \
         JOIN users u ON u.id = i.invited_by "
    };
}

pub(crate) const PARTNERSHIP_BY_ID: &str = partnership_by_id!();
/// [`PARTNERSHIP_BY_ID`], locking the row until the transaction ends
/// (PostgreSQL's `LOCK_PARTNERSHIP`).
pub(crate) const PARTNERSHIP_BY_ID_FOR_UPDATE: &str = concat!(partnership_by_id!(), " FOR UPDATE");
pub(crate) const INSERT_PARTNERSHIP: &str = "INSERT INTO partnerships \
     (id, title, created_at, draft, draft_revision, draft_updated_at) \
     VALUES ($1, $2, $3, $4, 1, $3)";

pub(crate) const INSERT_MEMBERSHIP: &str =
    "INSERT INTO memberships (partnership_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)";
pub(crate) const MEMBERSHIPS: &str = "SELECT p.id, p.title, p.created_at, p.draft, \
     p.draft_revision, p.draft_updated_at, p.changes, m.role \
     FROM memberships m JOIN partnerships p ON p.id = m.partnership_id \
     WHERE m.user_id = $1 ORDER BY p.created_at, p.id";
pub(crate) const MEMBERSHIP: &str = "SELECT p.id, p.title, p.created_at, p.draft, \
     p.draft_revision, p.draft_updated_at, p.changes, m.role \
     FROM memberships m JOIN partnerships p ON p.id = m.partnership_id \
     WHERE m.partnership_id = $1 AND m.user_id = $2";
pub(crate) const CHANGES: &str = "SELECT changes FROM partnerships WHERE id = $1";
pub(crate) const ROLE_IN: &str =
    "SELECT role FROM memberships WHERE partnership_id = $1 AND user_id = $2";
pub(crate) const MEMBERS: &str = "SELECT m.user_id, u.name, u.email, m.role, m.joined_at \
     FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.partnership_id = $1 \
     ORDER BY CASE m.role WHEN 'partner' THEN 0 ELSE 1 END, m.joined_at, m.user_id";
pub(crate) const COUNT_ROLE: &str =
    "SELECT COUNT(*) FROM memberships WHERE partnership_id = $1 AND role = $2";

pub(crate) const PARTNERSHIP_TITLE: &str = "SELECT title FROM partnerships WHERE id = $1";
pub(crate) const USER_NAME: &str = "SELECT name FROM users WHERE id = $1";
pub(crate) const INSERT_INVITATION: &str = "INSERT INTO invitations \
     (id, token, partnership_id, role, email, invited_by, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub(crate) const INVITATION_BY_TOKEN: &str = concat!(select_invitations!(), "WHERE i.token = $1");
pub(crate) const INVITATIONS: &str = concat!(
    select_invitations!(),
    "WHERE i.partnership_id = $1 ORDER BY i.created_at DESC, i.id DESC"
);
pub(crate) const INVITATION_PARTNERSHIP: &str =
    "SELECT partnership_id FROM invitations WHERE token = $1";
/// What accepting an invitation checks, read after the partnership is locked.
pub(crate) const INVITATION_TO_ACCEPT: &str =
    "SELECT id, role, expires_at, accepted_at FROM invitations WHERE token = $1";
/// Marks the invitation used, unless it was withdrawn or used meanwhile (no
/// row changed then).
pub(crate) const MARK_INVITATION_USED: &str = "UPDATE invitations \
     SET accepted_at = $1, accepted_by = $2 WHERE id = $3 AND accepted_at IS NULL";
pub(crate) const WITHDRAW_INVITATION: &str = "DELETE FROM invitations \
     WHERE partnership_id = $1 AND id = $2 AND accepted_at IS NULL";
/// Ends a coach's membership (never a partner's).
pub(crate) const REMOVE_COACH: &str = "DELETE FROM memberships \
     WHERE partnership_id = $1 AND user_id = $2 AND role = 'coach'";

pub(crate) async fn create_partnership(
    pool: &Pool,
    new: &NewPartnership<'_>,
    keyed: Option<&Keyed<Partnership>>,
) -> Result<Partnership, StoreError> {
    let id = PartnershipId::random();
    let now = new.now.as_millisecond();
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    query(INSERT_PARTNERSHIP)
        .bind(id.as_str())
        .bind(new.title)
        .bind(now)
        .bind(new.draft)
        .execute(&mut tx)
        .await?;
    query(INSERT_MEMBERSHIP)
        .bind(id.as_str())
        .bind(new.creator.as_str())
        .bind(Role::Partner.as_str())
        .bind(now)
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?;
    // The first member counted as a change (migration 0007's triggers).
    let changes: i64 = query_scalar(CHANGES)
        .bind(id.as_str())
        .fetch_one(&mut tx)
        .await?;
    let made = Partnership {
        id,
        title: new.title.to_owned(),
        created_at: from_millis(now),
        draft: new.draft.to_owned(),
        draft_revision: 1,
        draft_updated_at: from_millis(now),
        changes,
    };
    answer_key(&mut tx, keyed, &made).await?;
    tx.commit().await?;
    Ok(made)
}

pub(crate) async fn partnership(
    pool: &Pool,
    id: &PartnershipId,
) -> Result<Option<Partnership>, StoreError> {
    let row: Option<PartnershipRow> = query_as(PARTNERSHIP_BY_ID)
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Partnership::from))
}

pub(crate) async fn memberships(pool: &Pool, user: &UserId) -> Result<Vec<Membership>, StoreError> {
    let rows: Vec<MembershipRow> = query_as(MEMBERSHIPS)
        .bind(user.as_str())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Membership::try_from).collect()
}

pub(crate) async fn membership(
    pool: &Pool,
    partnership: &PartnershipId,
    user: &UserId,
) -> Result<Option<Membership>, StoreError> {
    let row: Option<MembershipRow> = query_as(MEMBERSHIP)
        .bind(partnership.as_str())
        .bind(user.as_str())
        .fetch_optional(pool)
        .await?;
    row.map(Membership::try_from).transpose()
}

pub(crate) async fn role_in(
    pool: &Pool,
    partnership: &PartnershipId,
    user: &UserId,
) -> Result<Option<Role>, StoreError> {
    let word: Option<String> = query_scalar(ROLE_IN)
        .bind(partnership.as_str())
        .bind(user.as_str())
        .fetch_optional(pool)
        .await?;
    word.as_deref().map(role).transpose()
}

pub(crate) async fn members(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Member>, StoreError> {
    let rows: Vec<MemberRow> = query_as(MEMBERS)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Member::try_from).collect()
}

pub(crate) async fn create_invitation(
    pool: &Pool,
    new: &NewInvitation<'_>,
    keyed: Option<&Keyed<Invitation>>,
) -> Result<Invitation, StoreError> {
    let id = InvitationId::random();
    let email = new.email.map(normal_email);
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    let title: Option<String> = query_scalar(PARTNERSHIP_TITLE)
        .bind(new.partnership.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let title = title.ok_or(StoreError::NotFound("partnership"))?;
    let inviter: Option<String> = query_scalar(USER_NAME)
        .bind(new.invited_by.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let inviter = inviter.ok_or(StoreError::NotFound("user"))?;
    query(INSERT_INVITATION)
        .bind(id.as_str())
        .bind(new.token.as_str())
        .bind(new.partnership.as_str())
        .bind(new.role.as_str())
        .bind(email.as_deref())
        .bind(new.invited_by.as_str())
        .bind(new.now.as_millisecond())
        .bind(new.expires_at.as_millisecond())
        .execute(&mut tx)
        .await?;
    let made = Invitation {
        id,
        partnership_id: new.partnership.clone(),
        partnership_title: title,
        role: new.role,
        email,
        invited_by: inviter,
        created_at: from_millis(new.now.as_millisecond()),
        expires_at: from_millis(new.expires_at.as_millisecond()),
        accepted_at: None,
    };
    answer_key(&mut tx, keyed, &made).await?;
    tx.commit().await?;
    Ok(made)
}

pub(crate) async fn invitation_by_token(
    pool: &Pool,
    token: &TokenHash,
) -> Result<Option<Invitation>, StoreError> {
    let row: Option<InvitationRow> = query_as(INVITATION_BY_TOKEN)
        .bind(token.as_str())
        .fetch_optional(pool)
        .await?;
    row.map(Invitation::try_from).transpose()
}

pub(crate) async fn invitations(
    pool: &Pool,
    partnership: &PartnershipId,
) -> Result<Vec<Invitation>, StoreError> {
    let rows: Vec<InvitationRow> = query_as(INVITATIONS)
        .bind(partnership.as_str())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Invitation::try_from).collect()
}

pub(crate) async fn accept_invitation(
    pool: &Pool,
    token: &TokenHash,
    user: &UserId,
    now: Timestamp,
    redraft: Option<crate::Redraft<'_>>,
    keyed: Option<&Keyed<Membership>>,
) -> Result<Membership, StoreError> {
    use InvitationProblem::*;
    let mut tx = begin_write(pool).await?;
    check_key(&mut tx, keyed).await?;
    let partnership_id: Option<String> = query_scalar(INVITATION_PARTNERSHIP)
        .bind(token.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let partnership_id = partnership_id.ok_or(Unknown)?;
    // Everyone joining this partnership waits here for the one
    // before, so the checks below see every membership it added.
    let partnership: Option<PartnershipRow> = query_as(tx.dialect().lock_partnership())
        .bind(&partnership_id)
        .fetch_optional(&mut tx)
        .await?;
    let partnership = partnership.ok_or(Unknown)?;
    // Read again under the lock: it may have been used or
    // withdrawn since.
    let invitation: Option<(String, String, i64, Option<i64>)> = query_as(INVITATION_TO_ACCEPT)
        .bind(token.as_str())
        .fetch_optional(&mut tx)
        .await?;
    let (id, granted, expires_at, accepted_at) = invitation.ok_or(Unknown)?;
    if accepted_at.is_some() {
        return Err(Used.into());
    }
    if expires_at <= now.as_millisecond() {
        return Err(Expired.into());
    }
    let member: Option<String> = query_scalar(ROLE_IN)
        .bind(&partnership_id)
        .bind(user.as_str())
        .fetch_optional(&mut tx)
        .await?;
    if member.is_some() {
        return Err(AlreadyMember.into());
    }
    let granted = role(&granted)?;
    let holders: i64 = query_scalar(COUNT_ROLE)
        .bind(&partnership_id)
        .bind(granted.as_str())
        .fetch_one(&mut tx)
        .await?;
    if usize::try_from(holders).unwrap_or(usize::MAX) >= granted.capacity() {
        return Err(RoleTaken(granted.as_str()).into());
    }
    query(INSERT_MEMBERSHIP)
        .bind(&partnership_id)
        .bind(user.as_str())
        .bind(granted.as_str())
        .bind(now.as_millisecond())
        .execute(&mut tx)
        .await
        .map_err(missing("user"))?;
    let marked = query(MARK_INVITATION_USED)
        .bind(now.as_millisecond())
        .bind(user.as_str())
        .bind(&id)
        .execute(&mut tx)
        .await?
        .rows_affected();
    // Withdrawing does not wait for the partnership's lock: if it
    // came first, the membership just added is rolled back.
    if marked == 0 {
        return Err(Unknown.into());
    }
    let mut partnership = Partnership::from(partnership);
    // The row was read before the member joined, which counted (migration
    // 0007's triggers).
    partnership.changes = query_scalar(CHANGES)
        .bind(partnership.id.as_str())
        .fetch_one(&mut tx)
        .await?;
    // The partner joining takes their place in the draft, in this
    // transaction: the partnership is locked, so its revision
    // holds.
    if let (Role::Partner, Some(redraft)) = (granted, redraft)
        && let Some(draft) = redraft(&partnership.draft)
    {
        query(crate::shared::drafts::SAVE_DRAFT)
            .bind(&draft)
            .bind(now.as_millisecond())
            .bind(partnership.id.as_str())
            .bind(partnership.draft_revision)
            .execute(&mut tx)
            .await?;
        partnership.draft = draft;
        partnership.draft_revision += 1;
        partnership.draft_updated_at = from_millis(now.as_millisecond());
    }
    let joined = Membership {
        partnership,
        role: granted,
    };
    answer_key(&mut tx, keyed, &joined).await?;
    tx.commit().await?;
    Ok(joined)
}

pub(crate) async fn withdraw_invitation(
    pool: &Pool,
    partnership: &PartnershipId,
    id: &InvitationId,
) -> Result<bool, StoreError> {
    let deleted = query(WITHDRAW_INVITATION)
        .bind(partnership.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}

pub(crate) async fn remove_coach(
    pool: &Pool,
    partnership: &PartnershipId,
    user: &crate::UserId,
) -> Result<bool, StoreError> {
    let deleted = query(REMOVE_COACH)
        .bind(partnership.as_str())
        .bind(user.as_str())
        .execute(pool)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}
