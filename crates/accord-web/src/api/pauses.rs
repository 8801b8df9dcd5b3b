//! Pauses over the API: listing them, proposing one, agreeing to the
//! partner's proposal and withdrawing. The rules are the pause pages'
//! (`crate::pauses`): days are `YYYY-MM-DD` in the agreement's zone, a pause
//! lasts at most 26 weeks and may not be over already, it takes effect when
//! the partner who did not propose it agrees, and either partner may
//! withdraw it until it is over. A coach reads them.

use accord_store::{Member, NewPause, Pause};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::checkins::{in_force, require_partner};
use super::docs::{Forbidden, NotFound, TooLarge, Unauthenticated};
use super::idempotency::{IdempotencyKey, idempotent, to_value};
use super::support::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::partnerships::access;
use crate::pauses::{agree, check, find, today, withdraw};
use crate::state::AppState;

/// A pause to propose.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseInput {
    /// The first day paused, `YYYY-MM-DD` in the agreement's zone.
    #[schema(example = "2026-07-01")]
    pub first_day: String,
    /// The last day paused (inclusive), `YYYY-MM-DD`: on or after the first
    /// day, at most 26 weeks after it, and not before today.
    #[schema(example = "2026-07-14")]
    pub last_day: String,
    /// Why, in a few words (required): the partner agrees knowing why.
    pub reason: String,
}

/// A pause, as its partnership lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PauseInfo {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// The first day paused, `YYYY-MM-DD`.
    pub first_day: String,
    /// The last day paused (inclusive), `YYYY-MM-DD`.
    pub last_day: String,
    /// Why.
    pub reason: String,
    /// `proposed` (waiting for the other partner), `agreed` (in effect:
    /// check-ins in it are neither due nor missed) or `withdrawn`.
    #[schema(example = "agreed")]
    pub status: String,
    /// The account id of the partner who proposed it.
    #[schema(format = "uuid")]
    pub proposed_by: String,
    /// Their name.
    pub proposed_by_name: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub proposed_at: Timestamp,
    /// The account id of the partner who agreed, once they have.
    pub agreed_by: Option<String>,
    /// When they agreed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub agreed_at: Option<Timestamp>,
    /// When it was withdrawn, if it was.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub withdrawn_at: Option<Timestamp>,
}

/// The pause as listed, its proposer named from `members`.
fn info_among(members: &[Member], p: Pause) -> PauseInfo {
    let name = members
        .iter()
        .find(|m| m.user_id == p.proposed_by)
        .map_or_else(|| "A former member".to_owned(), |m| m.name.clone());
    info(p, name)
}

/// The answer to a change of a pause: the pause, its proposer named from
/// the members as they were just before (a change of a pause changes no
/// member).
fn answer(
    members: Vec<Member>,
    status: StatusCode,
) -> impl Fn(&Pause) -> Result<(StatusCode, serde_json::Value), AppError> + Send + Sync + 'static {
    move |p: &Pause| Ok((status, to_value(&info_among(&members, p.clone()))?))
}

fn info(p: Pause, proposed_by_name: String) -> PauseInfo {
    let status = if p.withdrawn_at.is_some() {
        "withdrawn"
    } else if p.agreed_at.is_some() {
        "agreed"
    } else {
        "proposed"
    };
    PauseInfo {
        id: p.id.to_string(),
        first_day: p.first_day,
        last_day: p.last_day,
        reason: p.reason,
        status: status.to_owned(),
        proposed_by: p.proposed_by.to_string(),
        proposed_by_name,
        proposed_at: p.proposed_at,
        agreed_by: p.agreed_by.map(|u| u.to_string()),
        agreed_at: p.agreed_at,
        withdrawn_at: p.withdrawn_at,
    }
}

/// The partnership's pauses, by first day: proposed, agreed and withdrawn.
///
/// Any member.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/pauses", tag = "pauses",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The pauses.", body = Vec<PauseInfo>),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list_pauses(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<PauseInfo>>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let members = state.store.members(&access.partnership.id).await?;
    let pauses = state.store.pauses(&access.partnership.id).await?;
    Ok(Json(
        pauses
            .into_iter()
            .map(|p| {
                let name = members
                    .iter()
                    .find(|m| m.user_id == p.proposed_by)
                    .map_or_else(|| "A former member".to_owned(), |m| m.name.clone());
                info(p, name)
            })
            .collect(),
    ))
}

/// Proposes a pause.
///
/// Partners only, under an agreement in force. It takes effect when the
/// other partner agrees to it.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/pauses", tag = "pauses",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key with the same body returns the first answer and proposes nothing new."),
    ),
    request_body = PauseInput,
    responses(
        (status = 201, description = "Proposed.", body = PauseInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "No agreement is in force yet (`conflict`).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, description = "A day is not a real `YYYY-MM-DD` date, the last day is before the first, the pause is longer than 26 weeks or over already, or the reason is missing (`invalid`, `field` names which).", body = ErrorBody,
            example = json!({"error": "invalid", "message": "The last day comes before the first day (2026-07-14): swap them, or pick another day.", "field": "last_day"})),
    ),
)]
pub async fn propose_pause(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<PauseInput>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let inforce = in_force(&state, &access).await?;
    let now = state.clock.now();
    let proposal = check(
        &input.first_day,
        &input.last_day,
        &input.reason,
        today(Some(&inforce), now),
    )
    .map_err(|errors| {
        // The first problem in the order of the fields.
        let first = ["first_day", "last_day", "reason"]
            .into_iter()
            .find_map(|f| errors.get(f).map(|m| (f, m.clone())));
        match first {
            Some((field, message)) => AppError::invalid(field, message),
            None => AppError::invalid("first_day", "This pause cannot be proposed."),
        }
    })?;
    let keying = key
        .scoped(format!("POST /api/v1/partnerships/{}/pauses", inforce.id))
        .body(&input)?;
    let render = answer(inforce.members.clone(), StatusCode::CREATED);
    idempotent(&state, &user, keying, render, async |keyed| {
        let (first_day, last_day) = (proposal.first.to_string(), proposal.last.to_string());
        let new = NewPause {
            partnership: &inforce.id,
            first_day: &first_day,
            last_day: &last_day,
            reason: &proposal.reason,
            proposed_by: &user.id,
            now,
        };
        Ok(state
            .store
            .propose_pause_keyed(&new, keyed.as_ref())
            .await?)
    })
    .await
}

/// Agrees to the partner's proposed pause: it takes effect.
///
/// Partners only, and not the one who proposed it. Check-ins inside it are
/// then neither due nor missed, and their reminders are not sent.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/pauses/{pause_id}/agree", tag = "pauses",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("pause_id" = String, Path, description = "The pause's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer."),
    ),
    responses(
        (status = 200, description = "Agreed: the pause is in effect.", body = PauseInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "The caller proposed it, or it is agreed already, withdrawn or over (`conflict`, with the reason).", body = ErrorBody),
        (status = 422, description = "The Idempotency-Key header is not 1 to 200 visible ASCII characters (`invalid`).", body = ErrorBody),
    ),
)]
pub async fn agree_pause(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, pid)): ApiPath<(String, String)>,
    key: IdempotencyKey,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let (pause, _) = find(&state, &access, &pid).await?;
    let keying = key.scoped(format!(
        "POST /api/v1/partnerships/{}/pauses/{}/agree",
        access.partnership.id, pause.id
    ));
    let members = state.store.members(&access.partnership.id).await?;
    idempotent(
        &state,
        &user,
        keying,
        answer(members, StatusCode::OK),
        async |keyed| {
            Ok(agree(&state, &access, &user.id, pause.id.as_str(), keyed.as_ref()).await?)
        },
    )
    .await
}

/// Withdraws a pause, proposed or agreed.
///
/// Either partner, until the pause is over: check-ins in it are due again.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/pauses/{pause_id}/withdraw", tag = "pauses",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("pause_id" = String, Path, description = "The pause's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer."),
    ),
    responses(
        (status = 200, description = "Withdrawn.", body = PauseInfo),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "It is withdrawn already, or over (`conflict`, with the reason).", body = ErrorBody),
        (status = 422, description = "The Idempotency-Key header is not 1 to 200 visible ASCII characters (`invalid`).", body = ErrorBody),
    ),
)]
pub async fn withdraw_pause(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, pid)): ApiPath<(String, String)>,
    key: IdempotencyKey,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    require_partner(&access)?;
    let (pause, _) = find(&state, &access, &pid).await?;
    let keying = key.scoped(format!(
        "POST /api/v1/partnerships/{}/pauses/{}/withdraw",
        access.partnership.id, pause.id
    ));
    let members = state.store.members(&access.partnership.id).await?;
    idempotent(
        &state,
        &user,
        keying,
        answer(members, StatusCode::OK),
        async |keyed| {
            Ok(withdraw(&state, &access, &user.id, pause.id.as_str(), keyed.as_ref()).await?)
        },
    )
    .await
}
