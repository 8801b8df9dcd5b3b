//! The recalibration over the API: the report of the period since the
//! version in force was signed, with the agreed date and the next version
//! as proposed from it (`GET`), and starting that next version as the
//! draft (`POST`). The same use cases as the `/p/{id}/recalibration` page
//! (`crate::recalibration::{report, start_next}`), so a script and the page
//! read the same report and make the same draft.

use accord_core::health::HealthReport;
use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::agreement::{Draft, agreement_json};
use super::docs::{Forbidden, Invalid, NotFound, TooLarge, Unauthenticated};
use super::support::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::partnerships::access;
use crate::recalibration::{Started, report, start_next};
use crate::state::AppState;

/// The recalibration report, as [`get_recalibration`] answers it.
#[derive(Debug, Serialize)]
pub struct Recalibration {
    /// The version in force.
    pub version: i64,
    /// The signed version before it, if any.
    pub previous: Option<i64>,
    /// The agreed recalibration date; `None` when none was agreed.
    pub date: Option<Date>,
    /// Days from today (in the agreement's zone) to that date, negative
    /// once it has passed.
    pub days_left: Option<i64>,
    /// The date in words and how it stands today, as the page says it.
    pub due: String,
    /// Whether to recalibrate before the agreed date: a warning sign
    /// proposes it, or the partnership is at risk.
    pub early: bool,
    /// Whether the draft holds changes that are not in the version in force
    /// (starting the next version would replace them).
    pub draft_changed: bool,
    /// The draft's revision, to send when starting the next version.
    pub draft_revision: i64,
    /// The health report of the period (as `…/health` gives it); `None`
    /// when the agreement has no check-in schedule.
    pub report: Option<HealthReport>,
    /// The next version as proposed from the report: the agreement in force
    /// with today's date and the next recalibration date. `None` without a
    /// report.
    pub proposal: Option<Proposal>,
}

/// The next version as proposed.
#[derive(Debug, Serialize)]
pub struct Proposal {
    /// Its recalibration date.
    pub next_date: Option<Date>,
    /// Its TOML text, what starting it puts in the draft.
    pub toml: String,
}

/// Starting the next version.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartNext {
    /// The draft revision this is based on; if someone saved since,
    /// nothing is written and the answer is 409 `stale_revision`.
    pub revision: i64,
    /// `true` to replace changes in the draft that nobody signed; without
    /// it such a draft is kept and the answer is 409 `conflict`.
    #[serde(default)]
    pub replace: bool,
}

/// The recalibration report of the agreement in force.
///
/// Any member. The period since the version in force was signed, judged
/// as the dashboard judges it (`report`, as `…/health` answers), with the
/// agreed recalibration date (`date`, `days_left`, `due` in words), whether
/// to recalibrate earlier (`early`), and the next version as proposed
/// (`proposal`: its `next_date` and `toml`), which `POST` puts in the
/// draft.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/recalibration", tag = "standing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The report: `{version, previous, date, days_left, due, early, draft_changed, draft_revision, report, proposal}`.", body = Object),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "No version is in force yet (`conflict`).", body = ErrorBody),
    ),
)]
pub async fn get_recalibration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Recalibration>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let p = &access.partnership;
    let r = report(&state, p).await?.ok_or_else(|| {
        AppError::Conflict(
            "No agreement is in force yet: a recalibration looks back on a signed version.".into(),
        )
    })?;
    let proposal = match &r.proposal {
        Some(next) => Some(Proposal {
            next_date: next
                .recalibration
                .as_ref()
                .and_then(|c| c.date)
                .map(|d| d.get()),
            toml: accord_core::to_toml(next)
                .map_err(|e| AppError::internal(format!("the proposal does not write: {e}")))?,
        }),
        None => None,
    };
    Ok(Json(Recalibration {
        version: r.inforce.version.number,
        previous: r.previous,
        date: r.date(),
        days_left: r.days_left(),
        due: r.due(),
        early: r.early(),
        draft_changed: r.draft_changed,
        draft_revision: p.draft_revision,
        report: r.report,
        proposal,
    }))
}

/// Starts the next version: the draft becomes the proposal.
///
/// Partners only. The draft (at `revision`) is replaced by the next version
/// as the report proposes it; both partners then edit and sign it as any
/// draft. Unsigned changes in the draft are replaced only with `replace`.
#[utoipa::path(
    post, path = "/api/v1/partnerships/{id}/recalibration", tag = "standing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    request_body = StartNext,
    responses(
        (status = 200, description = "The new draft, with its new revision.", body = Draft),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "Nothing was written: someone saved the draft since `revision` (`stale_revision`, `field` is `revision`), the draft holds unsigned changes and `replace` was not sent, or no version with a check-in schedule is in force (`conflict`).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn start_recalibration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<StartNext>,
) -> Result<Json<Draft>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    match start_next(&state, &access, input.revision, input.replace).await? {
        Started::Drafted(revision, agreement, toml) => Ok(Json(Draft {
            revision,
            updated_at: state.clock.now(),
            agreement: agreement_json(&agreement)?,
            toml,
        })),
        Started::UnsignedChanges => Err(AppError::Conflict(
            "The draft has changes that are not signed yet. Send `replace: true` to replace them \
             with the proposal, or edit the draft instead."
                .into(),
        )
        .into()),
    }
}
