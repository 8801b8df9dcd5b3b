//! `GET /coach`: a coach's overview of the partnerships they were invited
//! to, most in need of attention first: each one's health (the verdict and
//! its reason, kept rates, the signals) and when it recalibrates.
//!
//! It reads the same health report as the dashboard (`running::standing`),
//! built from records, the schedule and the consequence log. Notes and
//! preparation are never read here, so nothing private can reach a coach
//! through it. Partnerships where the person is a partner are on their
//! home page, not here: this page is the coaching hat only.

use accord_core::health::Verdict;
use accord_store::Role;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::dashboard::percent;
use crate::error::AppError;
use crate::running::{PeriodOf, period, standing, standing_until};
use crate::state::AppState;
use crate::views::Chrome;

/// The coach's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/coach", get(page))
}

/// One partnership on the overview.
pub struct Row {
    /// Its id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// `healthy`, `watch`, `at-risk`, or `not-started`.
    pub state: &'static str,
    /// The verdict in words.
    pub word: &'static str,
    /// Why, in a line.
    pub reason: String,
    /// "Maya Chen 75% · Jonas Berg 100%".
    pub kept: String,
    /// The signals' explanations.
    pub signals: Vec<String>,
    /// "Tuesday 21 April 2026" or what is missing.
    pub recalibration: String,
    /// How the previous version's period ended, while the new one has no
    /// check-in yet: "Version 1 ended at risk on 24 March 2026", with the
    /// version number for the link.
    pub previous: Option<(i64, String)>,
    /// Sorting key: most in need first, then soonest recalibration.
    rank: (u8, String),
}

#[derive(Template, WebTemplate)]
#[template(path = "coach.html")]
pub struct CoachPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

async fn row(state: &AppState, p: &accord_store::Partnership) -> Result<Row, AppError> {
    let mut r = Row {
        id: p.id.to_string(),
        title: p.title.clone(),
        state: "not-started",
        word: "Not in force yet",
        reason: "The partners have not both signed a version yet.".into(),
        kept: String::new(),
        signals: Vec::new(),
        recalibration: String::new(),
        previous: None,
        rank: (3, String::new()),
    };
    let store = state.store.as_ref();
    let Some(PeriodOf {
        inforce, previous, ..
    }) = period(state, p, None).await?
    else {
        return Ok(r);
    };
    let date = inforce
        .agreement
        .recalibration
        .as_ref()
        .and_then(|c| c.date)
        .map(|d| d.get());
    r.recalibration = date.map_or_else(
        || "No date agreed".to_owned(),
        |d| d.strftime("%A %-d %B %Y").to_string(),
    );
    let sort_date = date.map_or_else(|| "9999".to_owned(), |d| d.to_string());
    let Some((report, _)) = standing(store, &inforce, state.clock.now()).await? else {
        r.word = "No schedule";
        r.reason = "The agreement in force has no complete check-in schedule.".into();
        r.rank = (2, sort_date);
        return Ok(r);
    };
    r.state = report.verdict.as_str();
    r.word = report.verdict.word();
    r.rank.0 = match report.verdict {
        Verdict::AtRisk => 0,
        Verdict::Watch => 1,
        Verdict::Healthy => 2,
    };
    r.rank.1 = sort_date;
    r.reason = report.reason.clone();
    r.kept = report
        .metrics
        .parties
        .iter()
        .map(|m| format!("{} {}", m.name, percent(m.kept_rate)))
        .collect::<Vec<_>>()
        .join(" · ");
    r.signals = report
        .signals
        .signals
        .iter()
        .map(|s| s.explanation.clone())
        .collect();
    // Just recalibrated: nothing to judge yet, so say how the last period
    // ended, which is what the coach knows the partnership by.
    if let (0, Some(number)) = (report.metrics.totals.held, previous) {
        r.previous = ended(state, p, &inforce, number).await?;
    }
    Ok(r)
}

/// How version `number`'s period ended (the one before `inforce`), if it
/// had a schedule.
async fn ended(
    state: &AppState,
    p: &accord_store::Partnership,
    inforce: &crate::running::InForce,
    number: i64,
) -> Result<Option<(i64, String)>, AppError> {
    let store = state.store.as_ref();
    let Some(PeriodOf {
        inforce: before,
        closed,
        ..
    }) = period(state, p, Some(number)).await?
    else {
        return Ok(None);
    };
    let Some((report, _)) = standing_until(store, &before, closed, state.clock.now()).await? else {
        return Ok(None);
    };
    let verdict = report.verdict.word().to_lowercase();
    let zone = match &inforce.schedule {
        Ok(s) => s.time_zone().clone(),
        Err(_) => jiff::tz::TimeZone::UTC,
    };
    let on = closed.map_or_else(String::new, |c| {
        format!(" on {}", c.to_zoned(zone).strftime("%-d %B %Y"))
    });
    Ok(Some((
        number,
        format!("Version {number} ended {verdict}{on}: {}", report.reason),
    )))
}

/// The partnerships `user` coaches, most in need of attention first (then
/// by name): what the page shows and `GET /api/v1/coach` answers.
pub async fn overview(state: &AppState, user: &accord_store::UserId) -> Result<Vec<Row>, AppError> {
    let mut rows = Vec::new();
    for m in state.store.memberships(user).await? {
        if m.role == Role::Coach {
            rows.push(row(state, &m.partnership).await?);
        }
    }
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.title.cmp(&b.title)));
    Ok(rows)
}

/// The page.
pub async fn page(State(state): State<AppState>, me: CurrentUser) -> Result<CoachPage, AppError> {
    Ok(CoachPage {
        chrome: Chrome::from(&me),
        rows: overview(&state, &me.user.id).await?,
    })
}
