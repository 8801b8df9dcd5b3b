//! Partnerships and invitations over the API: listing and starting
//! partnerships, one partnership with its members, removing its coach, and
//! inviting, listing, withdrawing and accepting invitations. The work is
//! done by the same functions as the pages (`crate::partnerships`).

use accord_store::{Invitation, Member, Membership, Partnership, Role, Version};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::docs::{Conflict, Forbidden, Invalid, NotFound, TooLarge, Unauthenticated};
use super::idempotency::{IdempotencyKey, idempotent, to_value};
use super::support::{ApiJson, ApiPath};
use crate::auth::{ApiUser, tokens};
use crate::error::{ApiError, AppError};
use crate::partnerships::access::{self, Access};
use crate::partnerships::invitations::{self, InviteInput};
use crate::partnerships::members;
use crate::partnerships::{self, NewPartnershipInput};
use crate::state::AppState;

/// A partnership as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipSummary {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// Its name.
    pub title: String,
    /// The caller's role: `partner` or `coach`.
    #[schema(example = "partner")]
    pub role: String,
    /// The draft's revision.
    pub draft_revision: i64,
    /// When the draft was last saved.
    #[schema(value_type = String, format = DateTime)]
    pub draft_updated_at: Timestamp,
}

/// A member of a partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberInfo {
    /// The member's account id.
    #[schema(format = "uuid")]
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// `partner` or `coach`.
    #[schema(example = "partner")]
    pub role: String,
    /// When they joined.
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: Timestamp,
}

/// One partnership, as its member sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipDetail {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// Its name.
    pub title: String,
    /// The caller's role: `partner` or `coach`.
    #[schema(example = "partner")]
    pub role: String,
    /// When it was started.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// The draft's revision, to send back with a change or a signature.
    pub draft_revision: i64,
    /// When the draft was last saved.
    #[schema(value_type = String, format = DateTime)]
    pub draft_updated_at: Timestamp,
    /// The number of the version in force (signed by both partners), if any.
    pub active_version: Option<i64>,
    /// The members, partners first.
    pub members: Vec<MemberInfo>,
}

/// The detail of a partnership for one of its members.
pub async fn detail(state: &AppState, access: &Access) -> Result<PartnershipDetail, ApiError> {
    let p = &access.partnership;
    let members = state.store.members(&p.id).await?;
    let versions = state.store.versions(&p.id).await?;
    Ok(detail_of(p, access.role, &members, in_force(&versions)))
}

/// The number of the version in force among `versions`.
fn in_force(versions: &[Version]) -> Option<i64> {
    versions
        .iter()
        .filter(|v| v.signed_at.is_some())
        .map(|v| v.number)
        .max()
}

/// The detail of `p` for a member in `role`, from its members (partners
/// first, as the store lists them) and the version in force.
fn detail_of(
    p: &Partnership,
    role: Role,
    members: &[Member],
    active_version: Option<i64>,
) -> PartnershipDetail {
    PartnershipDetail {
        id: p.id.to_string(),
        title: p.title.clone(),
        role: role.as_str().to_owned(),
        created_at: p.created_at,
        draft_revision: p.draft_revision,
        draft_updated_at: p.draft_updated_at,
        active_version,
        members: members
            .iter()
            .map(|m| MemberInfo {
                user_id: m.user_id.to_string(),
                name: m.name.clone(),
                role: m.role.as_str().to_owned(),
                joined_at: m.joined_at,
            })
            .collect(),
    }
}

/// `user` as the member joining in `role` at `at`.
fn joining(user: &accord_store::User, role: Role, at: Timestamp) -> Member {
    Member {
        user_id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        role,
        joined_at: at,
    }
}

/// The partnerships the caller belongs to, oldest first.
#[utoipa::path(
    get, path = "/api/v1/partnerships", tag = "partnerships",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's partnerships, with their role in each.", body = Vec<PartnershipSummary>),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn list_partnerships(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<PartnershipSummary>>, ApiError> {
    let rows = state.store.memberships(&user.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| PartnershipSummary {
                id: m.partnership.id.to_string(),
                title: m.partnership.title,
                role: m.role.as_str().to_owned(),
                draft_revision: m.partnership.draft_revision,
                draft_updated_at: m.partnership.draft_updated_at,
            })
            .collect(),
    ))
}

/// Starts a partnership.
///
/// The caller is its first partner; the first draft (revision 1) names them,
/// and the other party is a placeholder until the partner joins.
#[utoipa::path(
    post, path = "/api/v1/partnerships", tag = "partnerships",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer and starts nothing.")),
    request_body = NewPartnershipInput,
    responses(
        (status = 201, description = "Started.", body = PartnershipDetail),
        (status = 401, response = Unauthenticated),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn create_partnership(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<NewPartnershipInput>,
) -> Result<Response, ApiError> {
    let keying = key.scoped("POST /api/v1/partnerships");
    // The one member of a partnership just started is its creator.
    let creator = user.clone();
    let render = move |p: &Partnership| {
        let members = [joining(&creator, Role::Partner, p.created_at)];
        let detail = detail_of(p, Role::Partner, &members, None);
        Ok((StatusCode::CREATED, to_value(&detail)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        Ok(partnerships::create(&state, &user, &input, keyed.as_ref()).await?)
    })
    .await
}

/// One partnership the caller belongs to.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}", tag = "partnerships",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The partnership, its members and where its draft stands.", body = PartnershipDetail),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_partnership(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PartnershipDetail>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    Ok(Json(detail(&state, &access).await?))
}

/// An invitation as its partnership lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationInfo {
    /// Its id, for withdrawing it.
    #[schema(format = "uuid")]
    pub id: String,
    /// The role it grants: `partner` or `coach`.
    #[schema(example = "coach")]
    pub role: String,
    /// Where the link was e-mailed, if anywhere.
    pub email: Option<String>,
    /// Who made it.
    pub invited_by: String,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When the link stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// `pending`, `accepted` or `expired`.
    #[schema(example = "pending")]
    pub status: String,
    /// The link to join, only in the answer to the request that made the
    /// invitation: it is shown once, and only its digest is stored (so a
    /// replay with the same Idempotency-Key has `null` here).
    pub link: Option<String>,
}

fn invitation_info(i: Invitation, now: Timestamp, link: Option<String>) -> InvitationInfo {
    let status = match (i.accepted_at, i.expires_at > now) {
        (Some(_), _) => "accepted",
        (None, true) => "pending",
        (None, false) => "expired",
    };
    InvitationInfo {
        id: i.id.to_string(),
        role: i.role.as_str().to_owned(),
        email: i.email,
        invited_by: i.invited_by,
        created_at: i.created_at,
        expires_at: i.expires_at,
        status: status.to_owned(),
        link,
    }
}

/// The partnership's invitations, newest first.
///
/// Partners only.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/invitations", tag = "invitations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "Every invitation, used or not (never their links).", body = Vec<InvitationInfo>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list_invitations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<InvitationInfo>>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    access.require_partner()?;
    let now = state.clock.now();
    let list = state.store.invitations(&access.partnership.id).await?;
    Ok(Json(
        list.into_iter()
            .map(|i| invitation_info(i, now, None))
            .collect(),
    ))
}

/// Removes the link from an invitation before its answer is stored.
fn forget_link(body: &mut Value) {
    if let Some(link) = body.get_mut("link") {
        *link = Value::Null;
    }
}

/// Invites the other partner or a coach.
///
/// Partners only. The link is in the answer, once; it is also e-mailed when
/// an address is given and mail is set up.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/invitations", tag = "invitations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer (without the link) and invites nobody new."),
    ),
    request_body = InviteInput,
    responses(
        (status = 201, description = "The invitation, with its link.", body = InvitationInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn create_invitation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<InviteInput>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let keying = key
        .scoped(format!(
            "POST /api/v1/partnerships/{}/invitations",
            access.partnership.id
        ))
        .redacting(forget_link);
    let now = state.clock.now();
    let render = move |(invitation, link): &(Invitation, String)| {
        let info = invitation_info(invitation.clone(), now, Some(link.clone()));
        Ok((StatusCode::CREATED, to_value(&info)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        Ok(invitations::invite(&state, &access, &user, &input, keyed).await?)
    })
    .await
}

/// Withdraws an invitation that has not been used.
///
/// Partners only.
#[utoipa::path(
    delete, path = "/api/v1/partnerships/{id}/invitations/{invitation_id}", tag = "invitations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("invitation_id" = String, Path, description = "The invitation's id."),
    ),
    responses(
        (status = 204, description = "Withdrawn: its link no longer works."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, inv)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    invitations::withdraw(&state, &access, &inv).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the coach, or leaves as the coach.
///
/// A coach sees the partnership with the partners' consent: either partner
/// can remove the coach, and the coach can leave. The coach's notes stay.
/// Partners are never removed (403).
#[utoipa::path(
    delete, path = "/api/v1/partnerships/{id}/members/{user_id}", tag = "partnerships",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("user_id" = String, Path, description = "The coach's account id (`user_id` in the partnership's members)."),
    ),
    responses(
        (status = 204, description = "Removed: they no longer see the partnership."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, member)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    members::remove(&state, &access, &user, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Joins a partnership with an invitation.
///
/// The token is the last part of the invitation's link. A partner who joins
/// takes the place of the draft's placeholder party, under their own name.
#[utoipa::path(
    post, path = "/api/v1/invitations/{token}/accept", tag = "invitations",
    security(("bearer" = [])),
    params(
        ("token" = String, Path, description = "The secret token: the last part of the invitation link."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer."),
    ),
    responses(
        (status = 200, description = "Joined; the partnership as the new member sees it.", body = PartnershipDetail),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The invitation was used or has expired, the caller is already a member, or the role is taken (`conflict`).", body = crate::error::ErrorBody),
    ),
)]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(token): ApiPath<String>,
    key: IdempotencyKey,
) -> Result<Response, ApiError> {
    let digest = tokens::digest(&token);
    // The scope names the token by its digest: secrets are never stored.
    let keying = key.scoped(format!(
        "POST /api/v1/invitations/{}/accept",
        digest.as_str()
    ));
    let Some(invitation) = state.store.invitation_by_token(&digest).await? else {
        return Err(AppError::NotFound.into());
    };
    // The answer is the partnership as the new member sees it: its members
    // with the newcomer among them, read before joining (joining changes
    // no version, and the members only by the newcomer).
    let members = state.store.members(&invitation.partnership_id).await?;
    let active = in_force(&state.store.versions(&invitation.partnership_id).await?);
    let (joiner, now) = (user.clone(), state.clock.now());
    let render = move |m: &Membership| {
        let mut all = members.clone();
        all.retain(|x| x.user_id != joiner.id);
        all.push(joining(&joiner, m.role, now));
        all.sort_by_key(|x| (x.role != Role::Partner, x.joined_at, x.user_id.to_string()));
        let detail = detail_of(&m.partnership, m.role, &all, active);
        Ok((StatusCode::OK, to_value(&detail)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        Ok(invitations::accept(&state, &user, &token, now, keyed).await?)
    })
    .await
}
