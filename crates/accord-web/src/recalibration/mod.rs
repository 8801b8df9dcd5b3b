//! `/p/{id}/recalibration`: the agreed moment to look back and adjust, on
//! the agreed date or earlier when a signal says so.
//!
//! The page is the health report of the period since the version in force
//! was signed: kept rates and misses, the responses that fired, well-being,
//! the signals, and the coach's review of the version itself. A partner
//! starts the next version from it (`POST`): a draft that begins as the
//! current agreement with today's date and the next recalibration date
//! set (`accord_core::health::propose_next`), which both then edit and
//! sign as any draft; the comparison with the version in force is one link
//! away, before and after signing.
//!
//! Starting it replaces the draft, so when the draft holds unsigned changes
//! the form asks to confirm, and the draft's revision travels with the form
//! so that a change made meanwhile answers 409 instead of being lost.

use std::sync::Arc;

use accord_core::health::{HealthReport, Verdict, propose_next, today};
use accord_store::Partnership;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::dashboard::percent;
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::running::{InForce, PeriodOf, period, standing};
use crate::state::AppState;
use crate::versions::upload::replace_draft;
use crate::views::Chrome;

/// The recalibration routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/recalibration", get(page).post(start))
}

/// A partner's line of the report.
pub struct PartyLine {
    /// The name.
    pub name: String,
    /// "75%" or "–".
    pub kept_rate: String,
    /// "3 kept, 0 partly kept, 1 missed".
    pub counts: String,
    /// Responses of the ladder that fired for them.
    pub fired: usize,
    /// "stress 5/5, energy 4/5" at the latest check-in.
    pub wellbeing: String,
}

/// A finding of the review, as shown.
pub struct FindingLine {
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// The rule's id.
    pub rule: &'static str,
    /// Why it matters.
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recalibration.html")]
pub struct RecalibrationPage {
    chrome: Chrome,
    id: String,
    title: String,
    partner: bool,
    notice: Option<String>,
    version: Option<i64>,
    /// When it was agreed for, and how that stands today.
    due: String,
    early: bool,
    period: String,
    verdict: &'static str,
    reason: String,
    parties: Vec<PartyLine>,
    signals: Vec<(String, String)>,
    findings: Vec<FindingLine>,
    /// The draft has changes not in the version in force.
    draft_changed: bool,
    revision: i64,
    next_date: String,
    /// The version before the one in force, to compare with.
    previous: Option<i64>,
}

#[derive(Deserialize)]
struct Shown {
    started: Option<String>,
}

/// The recalibration of a partnership's agreement in force, as the page and
/// `GET /api/v1/partnerships/{id}/recalibration` show it.
pub struct Report {
    /// The version in force (every version is in its `versions`).
    pub inforce: Arc<InForce>,
    /// The signed version before it, to compare with.
    pub previous: Option<i64>,
    /// Today in the agreement's zone.
    pub today: accord_core::model::Date,
    /// The health report of its period; `None` without a check-in schedule.
    pub report: Option<HealthReport>,
    /// The next version as proposed from the report; `None` without one.
    pub proposal: Option<accord_core::Agreement>,
    /// The draft holds changes that are not in the version in force
    /// (starting the next version would replace them).
    pub draft_changed: bool,
}

impl Report {
    /// The agreed recalibration date; `None` when none was agreed.
    pub fn date(&self) -> Option<jiff::civil::Date> {
        Some(self.inforce.agreement.recalibration.as_ref()?.date?.get())
    }

    /// Days from today to the agreed date (negative once past); `None`
    /// when no date was agreed.
    pub fn days_left(&self) -> Option<i64> {
        self.today
            .get()
            .until((jiff::Unit::Day, self.date()?))
            .ok()
            .map(|s| i64::from(s.get_days()))
    }

    /// Whether to recalibrate before the agreed date: a signal proposes it,
    /// or the partnership is at risk.
    pub fn early(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| r.signals.propose_recalibration() || r.verdict == Verdict::AtRisk)
    }

    /// The agreed date in words, and how it stands today.
    pub fn due(&self) -> String {
        let (Some(date), Some(days)) = (self.date(), self.days_left()) else {
            return "You did not agree on a date for it. Set one in the next version, so that it \
                    is in your calendars before it is needed."
                .to_owned();
        };
        let on = date.strftime("%A %-d %B %Y");
        match days {
            0 => format!("Agreed for today, {on}."),
            1 => format!("Agreed for tomorrow, {on}."),
            d if d > 1 => format!("Agreed for {on}, in {d} days."),
            d => format!("Agreed for {on}, {} days ago.", -d),
        }
    }
}

/// The recalibration report of `p` now; `None` while no version is in
/// force.
pub async fn report(state: &AppState, p: &Partnership) -> Result<Option<Report>, AppError> {
    let Some(PeriodOf {
        inforce, previous, ..
    }) = period(state, p, None).await?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    let today = today(&inforce.agreement, now);
    let report = standing(state.store.as_ref(), &inforce, now)
        .await?
        .map(|(report, _)| report);
    let proposal = report
        .as_ref()
        .map(|r| propose_next(&inforce.agreement, r, today));
    let draft_changed = p.draft.trim() != inforce.version.toml.trim();
    Ok(Some(Report {
        inforce,
        previous,
        today,
        report,
        proposal,
        draft_changed,
    }))
}

/// What starting the next version did.
pub enum Started {
    /// The draft is now the proposal: its new revision, the agreement and
    /// its TOML text.
    Drafted(i64, Box<accord_core::Agreement>, String),
    /// The draft holds changes nobody signed, and replacing them was not
    /// confirmed: nothing was written.
    UnsignedChanges,
}

/// Starts the next version of `access`'s partnership: the draft (at
/// `revision`, else 409 `stale_revision`) is replaced by the proposal of
/// the recalibration report. Partners only; unsigned changes in the draft
/// are replaced only when `replace` confirms it.
pub async fn start_next(
    state: &AppState,
    access: &Access,
    revision: i64,
    replace: bool,
) -> Result<Started, AppError> {
    access.require_partner()?;
    let p = &access.partnership;
    let Some(Report {
        proposal,
        draft_changed,
        ..
    }) = report(state, p).await?
    else {
        return Err(AppError::Conflict(
            "There is no agreement in force to recalibrate yet: sign a draft together first."
                .into(),
        ));
    };
    if draft_changed && !replace {
        return Ok(Started::UnsignedChanges);
    }
    let next = proposal.ok_or_else(|| {
        AppError::Conflict(
            "The agreement in force has no check-in schedule, so there is no period to report \
             on. Complete the check-ins section in the editor and sign it."
                .into(),
        )
    })?;
    let text = accord_core::to_toml(&next)
        .map_err(|e| AppError::internal(format!("the proposal does not write: {e}")))?;
    let (revision, agreement) = replace_draft(state, access, revision, text.as_bytes()).await?;
    Ok(Started::Drafted(revision, Box::new(agreement), text))
}

fn fill(
    page: &mut RecalibrationPage,
    inforce: &InForce,
    report: &HealthReport,
    proposed: &accord_core::Agreement,
) {
    let zone = inforce
        .schedule
        .as_ref()
        .map(|s| s.time_zone().clone())
        .ok();
    let day = |t: jiff::Timestamp| match &zone {
        Some(z) => t.to_zoned(z.clone()).strftime("%-d %B %Y").to_string(),
        None => t.to_string(),
    };
    page.period = format!("{} to {}", day(report.period.from), day(report.period.to));
    page.verdict = report.verdict.as_str();
    page.reason = report.reason.clone();
    page.parties = report
        .metrics
        .parties
        .iter()
        .map(|p| {
            let wellbeing: Vec<String> = p
                .wellbeing
                .iter()
                .filter_map(|s| {
                    let last = s.points.last()?;
                    Some(format!("{} {}/5", s.indicator.as_str(), last.value))
                })
                .collect();
            PartyLine {
                name: p.name.clone(),
                kept_rate: percent(p.kept_rate),
                counts: format!(
                    "{} kept, {} partly kept, {} missed",
                    p.kept, p.partly_kept, p.missed
                ),
                fired: report
                    .fired
                    .iter()
                    .find(|f| f.party == p.party)
                    .map_or(0, |f| f.fired as usize),
                wellbeing: if wellbeing.is_empty() {
                    "not recorded".to_owned()
                } else {
                    wellbeing.join(", ")
                },
            }
        })
        .collect();
    page.signals = report
        .signals
        .signals
        .iter()
        .map(|s| (s.explanation.clone(), s.action.clone()))
        .collect();
    page.findings = report
        .review
        .findings
        .iter()
        .map(|f| FindingLine {
            severity: f.severity.as_str(),
            rule: f.rule.id(),
            message: f.message.clone(),
        })
        .collect();
    page.next_date = proposed
        .recalibration
        .as_ref()
        .and_then(|r| r.date)
        .map(|d| d.get().strftime("%A %-d %B %Y").to_string())
        .unwrap_or_default();
}

async fn load(
    state: &AppState,
    access: &Access,
    me: &CurrentUser,
    notice: Option<String>,
) -> Result<RecalibrationPage, AppError> {
    let p = &access.partnership;
    let mut page = RecalibrationPage {
        chrome: Chrome::from(me),
        id: p.id.to_string(),
        title: p.title.clone(),
        partner: access.is_partner(),
        notice,
        version: None,
        due: String::new(),
        early: false,
        period: String::new(),
        verdict: "",
        reason: String::new(),
        parties: Vec::new(),
        signals: Vec::new(),
        findings: Vec::new(),
        draft_changed: false,
        revision: p.draft_revision,
        next_date: String::new(),
        previous: None,
    };
    let Some(r) = report(state, p).await? else {
        return Ok(page);
    };
    page.version = Some(r.inforce.version.number);
    page.previous = r.previous;
    page.draft_changed = r.draft_changed;
    page.due = r.due();
    page.early = r.early();
    if let (Some(report), Some(proposal)) = (&r.report, &r.proposal) {
        fill(&mut page, &r.inforce, report, proposal);
    }
    Ok(page)
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Result<RecalibrationPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let notice = q.started.map(|_| {
        "The next version is drafted from the one in force, with today's date and the next \
         recalibration date. Change what this report calls for in the editor, then both sign it."
            .to_owned()
    });
    load(&state, &access, &me, notice).await
}

#[derive(Deserialize)]
struct StartForm {
    revision: String,
    #[serde(default)]
    replace: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<StartForm>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    access.require_partner()?;
    let revision: i64 = form.revision.trim().parse().map_err(|_| {
        AppError::invalid(
            "revision",
            "The form is incomplete; reload the page and try again.",
        )
    })?;
    match start_next(&state, &access, revision, form.replace.is_some()).await? {
        Started::Drafted(..) => Ok(Redirect::to(&format!(
            "/p/{}/recalibration?started=1",
            access.partnership.id
        ))
        .into_response()),
        Started::UnsignedChanges => {
            let mut page = load(&state, &access, &me, None).await?;
            page.notice = Some(
                "The draft has changes that are not signed yet. Tick the box to replace them \
                 with the proposal, or edit the draft instead."
                    .into(),
            );
            Ok((axum::http::StatusCode::CONFLICT, page).into_response())
        }
    }
}
