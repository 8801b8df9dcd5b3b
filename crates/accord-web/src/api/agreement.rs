//! The draft agreement over the API: reading it (as JSON and as its TOML
//! text), replacing it from JSON or from TOML text under optimistic
//! concurrency, and its review and the coach's guide as of today. The
//! engine (`accord-core`) does the validation; TOML text is stored as sent,
//! through the same function as the upload page.

use accord_core::{Agreement, Diagnostic, from_json, to_toml};
use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::docs::{Forbidden, InvalidAgreement, NotFound, Stale, TooLarge, Unauthenticated};
use super::support::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError};
use crate::partnerships::access::{self, Access};
use crate::partnerships::review_now;
use crate::state::AppState;
use crate::versions::upload::replace_draft;

/// The draft agreement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Draft {
    /// Its revision: send it back with a change, or to sign it.
    pub revision: i64,
    /// When it was last saved.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// The agreement as JSON.
    #[schema(value_type = super::docs::Agreement)]
    pub agreement: Value,
    /// The agreement as its TOML text, exactly as last saved (an uploaded
    /// file keeps its comments).
    pub toml: String,
}

/// The agreement as JSON, for a response.
pub fn agreement_json(a: &Agreement) -> Result<Value, ApiError> {
    serde_json::to_value(a).map_err(|e| AppError::internal(e).into())
}

fn draft_of(access: &Access, agreement: &Agreement) -> Result<Draft, ApiError> {
    let p = &access.partnership;
    Ok(Draft {
        revision: p.draft_revision,
        updated_at: p.draft_updated_at,
        agreement: agreement_json(agreement)?,
        toml: p.draft.clone(),
    })
}

/// The draft agreement, as JSON and as TOML text.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/draft", tag = "agreement",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The draft.", body = Draft),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_draft(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Draft>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    Ok(Json(draft_of(&access, &access.draft()?)?))
}

/// A new draft: the revision it is based on, and the agreement either as
/// JSON (`agreement`) or as TOML text (`toml`), not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftUpdate {
    /// The draft revision this change is based on; if someone saved since,
    /// nothing is written and the answer is 409 `stale_revision`.
    pub revision: i64,
    /// The whole agreement as JSON; it is stored as TOML.
    #[schema(value_type = Option<super::docs::Agreement>)]
    #[serde(default)]
    pub agreement: Option<Value>,
    /// The whole agreement as TOML text, stored exactly as sent (comments
    /// and all). Problems are reported with their line and column.
    #[serde(default)]
    pub toml: Option<String>,
}

/// Reads and validates an agreement sent as JSON. Problems name the field
/// at fault as a path (`party[0].commitment_level`) and carry no line or
/// column: the text such a position would point into is the re-encoded
/// `agreement` value, not what was sent.
fn agreement_from_json(doc: &Value) -> Result<Agreement, AppError> {
    from_json(&doc.to_string()).map_err(|e| {
        let diagnostics = e
            .diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                location: None,
                ..d
            })
            .collect();
        AppError::InvalidAgreement(diagnostics)
    })
}

/// Replaces the draft.
///
/// Partners only. The change names the revision it is based on: saving over
/// a newer save is refused (409 `stale_revision`), never silent. Send the
/// agreement as JSON (`agreement`, stored as TOML) or as TOML text (`toml`,
/// stored exactly as sent; problems come with line and column).
#[utoipa::path(
    put, path = "/api/v1/partnerships/{id}/draft", tag = "agreement",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    request_body = DraftUpdate,
    responses(
        (status = 200, description = "Saved; the new draft with its new revision.", body = Draft),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Stale),
        (status = 413, response = TooLarge),
        (status = 422, response = InvalidAgreement),
    ),
)]
pub async fn put_draft(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<DraftUpdate>,
) -> Result<Json<Draft>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    access.require_partner()?;
    let now = state.clock.now();
    let (revision, agreement, text) = match (input.agreement, input.toml) {
        (Some(doc), None) => {
            let agreement = agreement_from_json(&doc)?;
            let text = to_toml(&agreement).map_err(AppError::internal)?;
            let revision = state
                .store
                .save_draft(&access.partnership.id, input.revision, &text, now)
                .await?;
            (revision, agreement, text)
        }
        (None, Some(text)) => {
            let (revision, agreement) =
                replace_draft(&state, &access, input.revision, text.as_bytes()).await?;
            (revision, agreement, text)
        }
        _ => {
            return Err(AppError::invalid(
                "agreement",
                "Send the agreement either as JSON in `agreement` or as TOML text in `toml` (one of the two).",
            )
            .into());
        }
    };
    // What this request saved, with the store's time of saving when nobody
    // has saved again since.
    let updated_at = match state.store.partnership(&access.partnership.id).await? {
        Some(p) if p.draft_revision == revision => p.draft_updated_at,
        _ => now,
    };
    Ok(Json(Draft {
        revision,
        updated_at,
        agreement: agreement_json(&agreement)?,
        toml: text,
    }))
}

/// The draft as a TOML file, exactly as last saved.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/draft.toml", tag = "agreement",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The draft's TOML text.", body = String, content_type = "application/toml"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_draft_toml(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let p = access.partnership;
    Ok(toml_file(
        &format!("agreement-draft-r{}.toml", p.draft_revision),
        p.draft,
    ))
}

/// A TOML text as a file download.
pub fn toml_file(name: &str, text: String) -> Response {
    (
        [
            (CONTENT_TYPE, "application/toml; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// The review of the draft as of today.
///
/// "Today" is the date in the agreement's time zone. The body is the JSON
/// contract of `accord review --format json`.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/review", tag = "agreement",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The review: `{findings, summary}`.", body = super::docs::Review),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<accord_core::Review>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    Ok(Json(review_now(&access.draft()?, state.clock.now())))
}

/// The coach's guide for the draft.
///
/// Framing, what to watch, the debrief in the scenario's order with the
/// draft's findings, and red flags: the JSON of `accord guide --format json`.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/guide", tag = "agreement",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The guide: `{scenario, framing, watch, debrief, red_flags}`.", body = super::docs::Guide),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_guide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<accord_core::Guide>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let agreement = access.draft()?;
    let review = review_now(&agreement, state.clock.now());
    Ok(Json(accord_core::guide(&agreement, &review.findings)))
}
