//! Where a partnership stands, over the API: the health report of a
//! version's period (the figures of the dashboard), the member's export
//! document (the page's `/p/{id}/export.json`), and the coach's overview
//! of every partnership they coach (the `/coach` page).
//!
//! Both are read-only and for any member, partner or coach. Nothing is
//! computed here: the period and its report come from `crate::running`
//! (`period`, `standing_until`), which the dashboard, the recalibration
//! page and the coach's overview read too, so a script sees the same kept
//! rates and signals as the pages; the export is `crate::export`'s, with
//! its privacy (shared notes and the caller's own private ones, never
//! anyone else's).

use accord_core::health::HealthReport;
use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;

use super::docs::{NotFound, Unauthenticated};
use super::support::{ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::dashboard::{Which, asked};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::export::member_export_for;
use crate::partnerships::access;
use crate::running::{PeriodOf, period, standing_until};
use crate::state::AppState;

/// The health of one version's period, as [`get_health`] answers it.
#[derive(Debug, Serialize)]
pub struct Standing {
    /// The version whose period it is.
    pub version: i64,
    /// When the period began: the version's signing.
    pub from: Timestamp,
    /// When it ended (the next version's signing); `None` while in force.
    pub closed: Option<Timestamp>,
    /// The report, as `accord_core` makes it.
    pub report: HealthReport,
}

/// The health report of a version's period: the dashboard's figures.
///
/// Any member. The period of version `version` (by default the one in
/// force) runs from its signing to the signing of the next version, or to
/// now while it is in force; a closed period is judged as it stood at its
/// end. The answer is an object:
///
/// - `version`: the version's number;
/// - `from`: when it was signed (RFC 3339), where the period begins;
/// - `closed`: when the next version was signed (RFC 3339), or `null`
///   while this one is in force;
/// - `report`: the health report, with
///   - `period`: `{from, to}`, the first check-in counted and the end;
///   - `metrics`: `parties` (per partner in agreement order: `party`,
///     `name`, `kept`, `partly_kept`, `missed`, `kept_rate` from 0 to 1 or
///     `null` before any commitment was reviewed, `streak`,
///     `longest_streak`, `boundaries` held, `wellbeing` and `goals` series
///     of dated points, `facilitated`, `recorded`, `prepared`), `balance`
///     (each partner's share of facilitating, recording, commitments
///     reviewed and indicator values), `totals` (check-ins `held`,
///     `missed`, `paused`, `open`) and `upcoming` (the dates ahead; empty
///     for a closed period);
///   - `signals`: `signals`, the warning signs most pressing first, each
///     with a `kind` (`wellbeing-falling`, `checkins-missed`,
///     `repeated-misses`, `drift-to-support`, `facilitation-stuck`,
///     `one-partner-carries`), the `party` it is about if one, an
///     `explanation`, an `action`, `proposes_recalibration` and `since`;
///     and `triggers`, the agreement's recalibration triggers sorted into
///     those Accord checks and those left to the partners;
///   - `fired`: how often the consequence ladder fired, per partner;
///   - `review`: the review of the version (`findings`, `summary`);
///   - `verdict` (`healthy`, `watch` or `at-risk`) and its `reason`.
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/health", tag = "standing",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The partnership's id."),
        ("version" = Option<i64>, Query, description = "A signed version's number (1 or more); the version in force when absent."),
    ),
    responses(
        (status = 200, description = "The version, its period and its health report: `{version, from, closed, report}`.", body = Object,
            example = json!({"version": 1, "from": "2026-03-02T09:00:00Z", "closed": null,
                "report": {"period": {"from": "2026-03-03T07:00:00Z", "to": "2026-03-24T07:30:00Z"},
                    "metrics": {"parties": [], "balance": {"parties": []}, "totals": {"held": 4, "missed": 0, "paused": 0, "open": 0}, "upcoming": []},
                    "signals": {"signals": [], "triggers": {"checked": [], "unchecked": [], "default_rule": true}},
                    "fired": [], "review": {"findings": [], "summary": {"high": 0, "medium": 0, "low": 0}},
                    "verdict": "healthy", "reason": "…"}})),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "No version asked for and none is in force yet, or the version has no complete check-in schedule, so nothing can be measured (`conflict`, with the reason).", body = ErrorBody),
        (status = 422, description = "`version` is not a whole number of 1 or more (`invalid`, `field` is `version`).", body = ErrorBody,
            example = json!({"error": "invalid", "message": "“abc” is not a version number; use a whole number such as 1.", "field": "version"})),
    ),
)]
pub async fn get_health(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(which): ApiQuery<Which>,
) -> Result<Json<Standing>, ApiError> {
    let access = access::member(&state, &user, &id).await?;
    let asked = asked(&which)?;
    let store = state.store.as_ref();
    let Some(PeriodOf {
        inforce, closed, ..
    }) = period(&state, &access.partnership, asked).await?
    else {
        return Err(match asked {
            Some(_) => AppError::NotFound,
            None => AppError::Conflict(
                "No agreement is in force yet: its health is measured once both partners have \
                 signed a version."
                    .into(),
            ),
        }
        .into());
    };
    let now = state.clock.now();
    let Some((report, _log)) = standing_until(store, &inforce, closed, now).await? else {
        return Err(AppError::Conflict(format!(
            "Version {} has no complete check-in schedule, so nothing can be measured: add the \
             cadence to the draft and sign a new version.",
            inforce.version.number
        ))
        .into());
    };
    let v = &inforce.version;
    Ok(Json(Standing {
        version: v.number,
        // As the schedule counts it (`InForce::load_version`).
        from: v.signed_at.unwrap_or(v.created_at),
        closed,
        report,
    }))
}

/// Everything the caller may see of the partnership, as one document.
///
/// Any member; the same document as the page's `/p/{id}/export.json`
/// download, here without `Content-Disposition`. It is the versioned
/// export format (`"format": "accord-export"`, `version`, `exported_at`)
/// with `scope` `for <your e-mail>`: the `partnership` and its draft,
/// `people`, `members`, `versions`, `checkins`, the `consequences` log,
/// `pauses`, `notes` (the shared ones and your own private ones, never
/// another member's) and `preparations` (your own; the other partner's
/// once the check-in has opened; none for a coach).
#[utoipa::path(
    get, path = "/api/v1/partnerships/{id}/export", tag = "standing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The partnership's id.")),
    responses(
        (status = 200, description = "The export document, as the page downloads it.", body = Object, content_type = "application/json"),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get_export(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (export, _stem) = member_export_for(&state, &user, &id).await?;
    let text = export
        .to_json()
        .map_err(|e| AppError::internal(format!("an export did not serialise: {e}")))?;
    Ok(([(CONTENT_TYPE, "application/json")], text).into_response())
}

/// One partnership on the coach's overview, as [`get_coach_overview`]
/// answers it.
#[derive(Debug, Serialize)]
pub struct CoachedPartnership {
    /// The partnership's id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// `healthy`, `watch`, `at-risk`, or `not-started` (no version in force
    /// or nothing measured yet).
    pub state: &'static str,
    /// The verdict in words, as the page shows it.
    pub verdict: &'static str,
    /// Why, in a sentence.
    pub reason: String,
    /// The partners' kept rates in a line, or empty.
    pub kept: String,
    /// The warning signs, most pressing first, explained.
    pub signals: Vec<String>,
    /// When it recalibrates, or what is missing to know.
    pub recalibration: String,
    /// How the previous version's period ended, while the version in force
    /// has no check-in yet.
    pub previous: Option<PreviousPeriod>,
}

/// How a version's period ended.
#[derive(Debug, Serialize)]
pub struct PreviousPeriod {
    /// The version's number (its report: `…/health?version=`).
    pub version: i64,
    /// "Version 1 ended at risk on 24 March 2026: …".
    pub ended: String,
}

/// The coach's overview: every partnership the caller coaches, most in
/// need of attention first, then by name.
///
/// Each is read from the same health report as `…/health` and the pages:
/// the verdict and its reason, kept rates, the warning signs and when it
/// recalibrates. Nothing private (no note, no preparation) is read for it.
/// Partnerships where the caller is a partner are not listed; an account
/// that coaches nothing gets `[]`.
#[utoipa::path(
    get, path = "/api/v1/coach", tag = "standing",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The coached partnerships, most in need first.", body = Object,
            example = json!([{"id": "5f0c…", "title": "Maya and Jonas", "state": "at-risk",
                "verdict": "At risk", "reason": "Two check-ins in a row were missed.",
                "kept": "Kept rates: Maya Chen 50% · Jonas Berg 100%",
                "signals": ["Maya's stress was 4 or higher at the last two check-ins."],
                "recalibration": "Tuesday 21 April 2026", "previous": null}])),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn get_coach_overview(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<CoachedPartnership>>, ApiError> {
    let rows = crate::coach::overview(&state, &user.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| CoachedPartnership {
                id: r.id,
                title: r.title,
                state: r.state,
                verdict: r.word,
                reason: r.reason,
                kept: r.kept,
                signals: r.signals,
                recalibration: r.recalibration,
                previous: r
                    .previous
                    .map(|(version, ended)| PreviousPeriod { version, ended }),
            })
            .collect(),
    ))
}
