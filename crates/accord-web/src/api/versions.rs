//! Signing and versions over the API: signing the draft at a revision, the
//! list of versions with their signatures and standing, one version (as
//! JSON and as its TOML file), and comparing two versions or a version and
//! the draft. The work is done by `crate::versions`, as for the pages.

use accord_store::{Signed, Version};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::agreement::{agreement_json, toml_file};
use super::docs::{Forbidden, Invalid, NotFound, Stale, TooLarge, Unauthenticated};
use super::idempotency::{IdempotencyKey, idempotent, to_value};
use super::support::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError};
use crate::partnerships::access::{self, parse_stored};
use crate::state::AppState;
use crate::versions::compare::{DiffRow, Sides, diff, side};
use crate::versions::{self, load, number};

/// A signature, naming the draft revision it is for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignRequest {
    /// The draft revision being signed: the one the signer read. If the
    /// draft changed since, the answer is 409 `stale_revision`.
    pub revision: i64,
}

/// Where signing stands after a signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignResult {
    /// The version signed (a snapshot of the draft at that revision).
    pub number: i64,
    /// Whether this signature completed it: both partners have signed,
    /// and it is now the agreement in force.
    pub complete: bool,
}

/// Signs the draft as it stands at a revision.
///
/// Partners only. The first signature on a revision takes a new version;
/// the other partner's signature on the same revision completes it, and it
/// becomes the agreement in force. Signing twice changes nothing.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/sign", tag = "versions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key again returns the first answer."),
    ),
    request_body = SignRequest,
    responses(
        (status = 200, description = "Signed.", body = SignResult),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Stale),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn sign_draft(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    key: IdempotencyKey,
    ApiJson(input): ApiJson<SignRequest>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let keying = key.scoped(format!(
        "POST /api/v1/partnerships/{}/sign",
        access.partnership.id
    ));
    let render = |signed: &Signed| {
        let body = SignResult {
            number: signed.number,
            complete: signed.complete,
        };
        Ok((axum::http::StatusCode::OK, to_value(&body)?))
    };
    idempotent(&state, &user, keying, render, async |keyed| {
        let signed = versions::sign(&state, &access, &user, input.revision, keyed.as_ref());
        Ok(signed.await?)
    })
    .await
}

/// A partner's signature on a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureInfo {
    /// The partner's account id.
    #[schema(format = "uuid")]
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// When they signed.
    #[schema(value_type = String, format = DateTime)]
    pub signed_at: Timestamp,
}

/// A version as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    /// 1, 2, 3… within the partnership.
    pub number: i64,
    /// The draft revision it was taken from.
    pub draft_revision: i64,
    /// When it was taken (at the first signature).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When the second partner signed and it became binding, if they have.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub signed_at: Option<Timestamp>,
    /// `in_force` (the newest version both signed), `replaced` (signed,
    /// then replaced by a newer signed version), `awaiting_signature` (the
    /// newest, signed by one partner) or `never_completed`.
    #[schema(example = "in_force")]
    pub status: String,
    /// Who signed, in order.
    pub signatures: Vec<SignatureInfo>,
}

/// One version, with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDetail {
    /// The version's number, standing and signatures.
    #[serde(flatten)]
    pub version: VersionInfo,
    /// The agreement as JSON.
    #[schema(value_type = super::docs::Agreement)]
    pub agreement: Value,
    /// The agreement's TOML text, as signed.
    pub toml: String,
}

/// Versions with their standing, oldest first.
fn infos(all: &[Version]) -> Vec<(VersionInfo, &Version)> {
    let rows = versions::rows(all);
    all.iter()
        .map(|v| {
            let status = rows
                .iter()
                .find(|r| r.number == v.number)
                .map_or("never completed", |r| r.status);
            let info = VersionInfo {
                number: v.number,
                draft_revision: v.draft_revision,
                created_at: v.created_at,
                signed_at: v.signed_at,
                status: status.replace(' ', "_"),
                signatures: v
                    .signatures
                    .iter()
                    .map(|s| SignatureInfo {
                        user_id: s.user_id.to_string(),
                        name: s.name.clone(),
                        signed_at: s.signed_at,
                    })
                    .collect(),
            };
            (info, v)
        })
        .collect()
}

/// Every version of the agreement, oldest first.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/versions", tag = "versions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The versions, with signatures and standing.", body = Vec<VersionInfo>),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list_versions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<VersionInfo>>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let all = state.store.versions(&access.partnership.id).await?;
    Ok(Json(infos(&all).into_iter().map(|(i, _)| i).collect()))
}

/// One version, as JSON and as TOML text.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/versions/{number}", tag = "versions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("number" = i64, Path, description = "The version's number, from 1."),
    ),
    responses(
        (status = 200, description = "The version.", body = VersionDetail),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_version(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, n)): ApiPath<(String, String)>,
) -> Result<Json<VersionDetail>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let n = number(&n)?;
    let all = state.store.versions(&access.partnership.id).await?;
    let (info, v) = infos(&all)
        .into_iter()
        .find(|(i, _)| i.number == n)
        .ok_or(AppError::NotFound)?;
    let agreement = agreement_json(&parse_stored(&v.toml)?)?;
    Ok(Json(VersionDetail {
        version: info,
        agreement,
        toml: v.toml.clone(),
    }))
}

/// One version as a TOML file, exactly as signed.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/versions/{number}/agreement.toml", tag = "versions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("number" = i64, Path, description = "The version's number, from 1."),
    ),
    responses(
        (status = 200, description = "The version's TOML text.", body = String, content_type = "application/toml"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_version_toml(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, n)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let v = load(&state, &access, number(&n)?).await?;
    Ok(toml_file(&format!("agreement-v{}.toml", v.number), v.toml))
}

/// Two texts compared line by line.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// The older side, e.g. "Version 1".
    pub from: String,
    /// The newer side, e.g. "Draft (revision 4)".
    pub to: String,
    /// Side-by-side rows of the two TOML texts.
    pub rows: Vec<DiffRow>,
    /// How many rows are not `same`.
    pub changes: usize,
}

/// Compares two versions, or a version and the draft, line by line.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/compare", tag = "versions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id."), Sides),
    responses(
        (status = 200, description = "The comparison.", body = Comparison),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn compare_versions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(sides): ApiQuery<Sides>,
) -> Result<Json<Comparison>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let (from, old) = side(&state, &access, "from", &sides.from).await?;
    let (to, new) = side(&state, &access, "to", &sides.to).await?;
    let rows = diff(&old, &new);
    let changes = rows.iter().filter(|r| r.kind != "same").count();
    Ok(Json(Comparison {
        from,
        to,
        rows,
        changes,
    }))
}
