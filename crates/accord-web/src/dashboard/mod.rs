//! `GET /p/{id}/dashboard`: where the partnership stands, at a glance, for
//! every member. The verdict and the early-warning signals first (each with
//! what to do about it), then each partner's kept rate and streak, their
//! goals' indicators against milestones and target, well-being over time,
//! boundaries held, the balance between the two, the dates ahead and the
//! consequence log. Charts are SVG drawn on the server ([`charts`]), so the
//! page needs no JavaScript and every chart has its text alternative.
//!
//! It covers one period: the version in force since it was signed, or,
//! with `?version=N`, an earlier version from its signing to the signing
//! of the next. A recalibration starts a new period with new goals, and
//! mixing the two would compare numbers that mean different things; the
//! earlier periods stay one click away, each judged as it stood when it
//! closed.

pub mod charts;

use accord_core::health::HealthReport;
use accord_core::metrics::{PartyMetrics, UpcomingDate};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::checkins::list::{LogRow, log_rows};
use crate::error::AppError;
use crate::partnerships::access;
use crate::running::{InForce, PeriodOf, period, standing_until};
use crate::state::AppState;
use crate::views::Chrome;
use charts::Chart;

/// The dashboard's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/dashboard", get(page))
}

/// A signal as shown.
pub struct SignalRow {
    /// Its stable id (a CSS class and test hook).
    pub kind: &'static str,
    /// What is happening.
    pub explanation: String,
    /// What to do.
    pub action: String,
    /// Whether it suggests recalibrating before the agreed date.
    pub early: bool,
}

/// One partner's column.
pub struct PartyView {
    /// The name.
    pub name: String,
    /// "83%" or "–" when nothing was reviewed.
    pub kept_rate: String,
    /// "10 kept, 1 partly kept, 1 missed".
    pub counts: String,
    /// Consecutive check-ins with everything kept.
    pub streak: u32,
    /// The longest such run.
    pub longest: u32,
    /// "No work e-mail after 19:00: held at 9 of 10 check-ins".
    pub boundaries: Vec<String>,
    /// The goal charts (and goals with nothing to draw, in words).
    pub goals: Vec<Chart>,
    /// Goals without an indicator, or not measured yet.
    pub unmeasured: Vec<String>,
    /// The well-being chart.
    pub wellbeing: Option<Chart>,
}

/// A period of the partnership, as linked from the dashboard.
pub struct PeriodLink {
    /// The version number.
    pub number: i64,
    /// "3 March 2026 to 2 June 2026" or "since 2 June 2026".
    pub span: String,
    /// Whether it is the period shown.
    pub current: bool,
}

/// The dashboard's query: which version's period to show.
#[derive(serde::Deserialize)]
pub struct Which {
    /// A version number; the one in force when absent or empty.
    pub version: Option<String>,
}

/// A row of the balance table.
pub struct BalanceRow {
    /// The partner.
    pub name: String,
    /// Check-ins facilitated.
    pub facilitated: String,
    /// Check-ins recorded.
    pub recorded: String,
    /// Share of commitments reviewed that were theirs.
    pub attention: String,
    /// Kept rate.
    pub kept_rate: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    chrome: Chrome,
    id: String,
    title: String,
    partner: bool,
    /// `None` before a version is in force.
    version: Option<i64>,
    /// When the period shown closed (a later version took over), if it did.
    closed: Option<String>,
    /// Every signed version's period, newest first.
    periods: Vec<PeriodLink>,
    /// Why there is nothing to measure (no schedule), if so.
    unscheduled: bool,
    since: String,
    verdict: &'static str,
    verdict_word: &'static str,
    reason: String,
    signals: Vec<SignalRow>,
    early: bool,
    unchecked: Vec<String>,
    held: u32,
    missed: u32,
    paused: u32,
    parties: Vec<PartyView>,
    balance: Vec<BalanceRow>,
    upcoming: Vec<String>,
    log: Vec<LogRow>,
}

/// A rate as a whole percentage, "–" when there is none (nothing was
/// reviewed): shared by every page that shows kept rates.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), accord_core::signals::percent)
}

fn share(count: u32, rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{count} ({})", accord_core::signals::percent(r)),
        None => count.to_string(),
    }
}

fn party_view(p: &PartyMetrics, index: usize, zone: &jiff::tz::TimeZone) -> PartyView {
    let mut goals = Vec::new();
    let mut unmeasured = Vec::new();
    for g in &p.goals {
        match charts::goal(g, &format!("goal-{index}-{}", g.goal), zone) {
            Some(c) => goals.push(c),
            None if g.indicator.is_none() => unmeasured.push(format!(
                "{}: no indicator, so there is nothing to chart. Name one in the editor to see progress here.",
                g.outcome
            )),
            None => unmeasured.push(format!("{}: no value recorded yet.", g.outcome)),
        }
    }
    let first = p.name.split_whitespace().next().unwrap_or(&p.name);
    PartyView {
        name: p.name.clone(),
        kept_rate: percent(p.kept_rate),
        counts: format!(
            "{} kept, {} partly kept, {} missed",
            p.kept, p.partly_kept, p.missed
        ),
        streak: p.streak,
        longest: p.longest_streak,
        boundaries: p
            .boundaries
            .iter()
            .map(|b| match b.checkins {
                0 => format!("{}: no check-in recorded yet", b.rule),
                n => format!(
                    "{}: held at {} of {n} check-ins",
                    b.rule,
                    n.saturating_sub(b.slipped)
                ),
            })
            .collect(),
        goals,
        unmeasured,
        wellbeing: charts::wellbeing(first, &p.wellbeing, &format!("wellbeing-{index}"), zone),
    }
}

fn upcoming_line(u: &UpcomingDate, zone: &jiff::tz::TimeZone) -> String {
    let when = match u.at {
        Some(at) => accord_core::checkin::when(&at.to_zoned(zone.clone())),
        None => u.date.get().strftime("%A %-d %B %Y").to_string(),
    };
    format!("{when}: {}", u.summary)
}

fn fill(page: &mut DashboardPage, inforce: &InForce, report: &HealthReport) {
    let Ok(schedule) = &inforce.schedule else {
        return;
    };
    let zone = schedule.time_zone();
    page.verdict = report.verdict.as_str();
    page.verdict_word = report.verdict.word();
    page.reason = report.reason.clone();
    page.signals = report
        .signals
        .signals
        .iter()
        .map(|s| SignalRow {
            kind: s.kind.id(),
            explanation: s.explanation.clone(),
            action: s.action.clone(),
            early: s.proposes_recalibration,
        })
        .collect();
    page.early = report.signals.propose_recalibration();
    page.unchecked = report
        .signals
        .triggers
        .unchecked
        .iter()
        .map(|t| format!("“{}”: {}", t.text, t.reason))
        .collect();
    let m = &report.metrics;
    (page.held, page.missed, page.paused) = (m.totals.held, m.totals.missed, m.totals.paused);
    page.parties = m
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| party_view(p, i, zone))
        .collect();
    page.balance = m
        .balance
        .parties
        .iter()
        .map(|s| BalanceRow {
            name: inforce.agreement.name_of(&s.party).to_owned(),
            facilitated: share(s.facilitated, s.facilitated_share),
            recorded: share(s.recorded, s.recorded_share),
            attention: share(s.reviewed, s.reviewed_share),
            kept_rate: percent(s.kept_rate),
        })
        .collect();
    page.upcoming = m.upcoming.iter().map(|u| upcoming_line(u, zone)).collect();
}

/// The version asked for: a positive whole number, or the one in force.
pub fn asked(which: &Which) -> Result<Option<i64>, AppError> {
    match which.version.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(AppError::invalid(
                "version",
                format!("“{v}” is not a version number; use a whole number such as 1."),
            )),
        },
    }
}

fn day(at: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%-d %B %Y").to_string()
}

/// Every signed version's period, newest first: each runs from its own
/// signing to the next one's.
fn periods(
    versions: &[accord_store::Version],
    shown: i64,
    zone: &jiff::tz::TimeZone,
) -> Vec<PeriodLink> {
    let signed: Vec<(i64, jiff::Timestamp)> = versions
        .iter()
        .filter_map(|v| Some((v.number, v.signed_at?)))
        .collect();
    let mut out: Vec<PeriodLink> = signed
        .iter()
        .enumerate()
        .map(|(i, (number, from))| PeriodLink {
            number: *number,
            span: match signed.get(i + 1) {
                Some((_, to)) => format!("{} to {}", day(*from, zone), day(*to, zone)),
                None => format!("since {}", day(*from, zone)),
            },
            current: *number == shown,
        })
        .collect();
    out.reverse();
    out
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Query(which): Query<Which>,
) -> Result<DashboardPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let asked = asked(&which)?;
    let p = &access.partnership;
    let mut page = DashboardPage {
        chrome: Chrome::from(&me),
        id: p.id.to_string(),
        title: p.title.clone(),
        partner: access.is_partner(),
        version: None,
        closed: None,
        periods: Vec::new(),
        unscheduled: false,
        since: String::new(),
        verdict: "",
        verdict_word: "",
        reason: String::new(),
        signals: Vec::new(),
        early: false,
        unchecked: Vec::new(),
        held: 0,
        missed: 0,
        paused: 0,
        parties: Vec::new(),
        balance: Vec::new(),
        upcoming: Vec::new(),
        log: Vec::new(),
    };
    let store = state.store.as_ref();
    let Some(PeriodOf {
        inforce, closed, ..
    }) = period(&state, p, asked).await?
    else {
        // An unknown or unsigned version is not there to show.
        return match asked {
            Some(_) => Err(AppError::NotFound),
            None => Ok(page),
        };
    };
    page.version = Some(inforce.version.number);
    let zone = match &inforce.schedule {
        Ok(s) => s.time_zone().clone(),
        Err(_) => jiff::tz::TimeZone::UTC,
    };
    page.periods = periods(&inforce.versions, inforce.version.number, &zone);
    page.closed = closed.map(|c| day(c, &zone));
    let now = state.clock.now();
    let Some((report, log)) = standing_until(store, &inforce, closed, now).await? else {
        page.unscheduled = true;
        return Ok(page);
    };
    if let Ok(schedule) = &inforce.schedule {
        page.since = day(schedule.from(), &zone);
        page.log = log_rows(&inforce, schedule, &log);
    }
    fill(&mut page, &inforce, &report);
    if closed.is_some() {
        // Recalibrating a closed period early is no longer possible.
        page.early = false;
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::{percent, share};

    #[test]
    fn rates_round_as_the_verdicts_sentences_do() {
        // 5 of 8 (partly kept counts half) is 62.5%: the verdict's reason
        // says 63%, and so must the figures beside it.
        assert_eq!(percent(Some(0.625)), "63%");
        assert_eq!(percent(Some(0.125)), "13%");
        assert_eq!(percent(None), "–");
        assert_eq!(share(5, Some(0.625)), "5 (63%)");
        assert_eq!(share(0, None), "0");
    }
}
