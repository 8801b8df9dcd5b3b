//! `GET /p/{id}/checkins`: the check-ins of the agreement in force, for
//! every member. The next few (with the one open now first), the history
//! since the version in force was signed (recorded, missed, paused), the
//! latest recap, the consequence log, newest first, and the pauses. Before
//! a version is in force, or when the agreement in force has no schedule,
//! it says so and what to do.

use accord_core::checkin::{Recap, Status};
use accord_core::schedule::Occurrence;
use accord_store::{ConsequenceKind, Pause};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::view::{self, when_in};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::partnerships::access;
use crate::pauses::span;
use crate::running::{self, InForce};
use crate::state::AppState;
use crate::views::Chrome;

/// How many coming check-ins the page lists.
pub const COMING: u32 = 6;
/// How many past check-ins the page lists.
pub const HISTORY: usize = 100;

/// A check-in in a list.
pub struct Row {
    /// Its start in unix milliseconds (its address).
    pub ms: i64,
    /// When, in the agreement's zone.
    pub when: String,
    /// Who facilitates ("You", a name, or "").
    pub facilitator: String,
    /// Where it stands (a CSS class).
    pub status: &'static str,
    /// Where it stands, in words.
    pub label: &'static str,
    /// More about it (the pause it falls in, who recorded it).
    pub detail: String,
}

/// An entry of the consequence log.
pub struct LogRow {
    /// The check-in it belongs to, when it is one of the schedule's.
    pub ms: Option<i64>,
    /// When that check-in was.
    pub when: String,
    /// What fired, in a sentence.
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "checkins.html")]
pub struct ListPage {
    chrome: Chrome,
    id: String,
    title: String,
    partner: bool,
    version: Option<i64>,
    unscheduled: Option<String>,
    zone: String,
    coming: Vec<Row>,
    history: Vec<Row>,
    older: usize,
    recap: Option<Recap>,
    recap_ms: i64,
    log: Vec<LogRow>,
    pauses: Vec<String>,
}

fn label(status: Status) -> &'static str {
    match status {
        Status::Upcoming => "Upcoming",
        Status::Open => "Open now",
        Status::Recorded => "Recorded",
        Status::Missed => "Missed",
        Status::Paused => "Paused",
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<ListPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let p = &access.partnership;
    let mut page = ListPage {
        chrome: Chrome::from(&me),
        id: p.id.to_string(),
        title: p.title.clone(),
        partner: access.is_partner(),
        version: None,
        unscheduled: None,
        zone: String::new(),
        coming: Vec::new(),
        history: Vec::new(),
        older: 0,
        recap: None,
        recap_ms: 0,
        log: Vec::new(),
        pauses: Vec::new(),
    };
    let Some(inforce) = running::load(&state, p).await? else {
        return Ok(page);
    };
    page.version = Some(inforce.version.number);
    let schedule = match &inforce.schedule {
        Ok(s) => s,
        Err(u) => {
            let text = u.to_string();
            let mut c = text.chars();
            page.unscheduled = Some(format!(
                "{}{}.",
                c.next()
                    .map(|f| f.to_uppercase().to_string())
                    .unwrap_or_default(),
                c.as_str()
            ));
            return Ok(page);
        }
    };
    page.zone = schedule.zone_name().to_owned();
    let now = state.clock.now();
    let all_pauses = state.store.pauses(&p.id).await?;
    // Pauses as they took effect (a withdrawn one keeps the days it had
    // covered), each with the stored pause for its reason.
    let in_effect: Vec<(accord_core::schedule::Pause, &Pause)> = all_pauses
        .iter()
        .filter_map(|p| Some((running::in_effect(p, schedule.time_zone())?, p)))
        .collect();
    let me_party = inforce.party_of(&me.user.id);
    let row = |occ: &Occurrence| {
        let status = inforce.status(occ, now);
        let detail = match status {
            Status::Paused => in_effect
                .iter()
                .find(|(days, _)| days.covers(schedule.date_of(occ.at())))
                .map_or_else(String::new, |(days, p)| {
                    format!(
                        "Pause {}: {}",
                        span(&days.first.to_string(), &days.last.to_string()),
                        p.reason
                    )
                }),
            Status::Recorded => inforce
                .entry(occ.at())
                .map(|e| {
                    format!(
                        "Recorded by {}",
                        view::member_name(&inforce.members, &e.recorded_by)
                    )
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        Row {
            ms: occ.at().as_millisecond(),
            when: accord_core::checkin::when(&occ.start),
            facilitator: match &occ.facilitator {
                Some(f) if Some(f) == me_party => "You".to_owned(),
                Some(f) => inforce.agreement.name_of(f).to_owned(),
                None => String::new(),
            },
            status: status.as_str(),
            label: label(status),
            detail,
        }
    };
    // Started already: open ones lead the coming list, the rest is history.
    for occ in schedule.between(schedule.from(), now) {
        if inforce.status(&occ, now) == Status::Open {
            page.coming.push(row(&occ));
        } else {
            page.history.push(row(&occ));
        }
    }
    let first = schedule.next_after(now);
    for k in 0..COMING {
        page.coming
            .push(row(&schedule.nth(first.number.saturating_add(k))));
    }
    page.history.reverse();
    page.older = page.history.len().saturating_sub(HISTORY);
    page.history.truncate(HISTORY);

    let log = state.store.consequence_log(&p.id).await?;
    if let Some(last) = inforce.entries.last() {
        page.recap = view::recap_of(&inforce, &log, last.occurrence);
        page.recap_ms = last.occurrence.as_millisecond();
    }
    page.log = log_rows(&inforce, schedule, &log);
    let today = schedule.date_of(now).to_string();
    page.pauses = all_pauses
        .iter()
        .filter(|p| p.withdrawn_at.is_none() && p.last_day >= today)
        .map(|p| {
            let when = span(&p.first_day, &p.last_day);
            if p.agreed_at.is_some() {
                format!("Paused {when} ({})", p.reason)
            } else {
                format!(
                    "Proposed by {}, waiting for agreement: a pause {when} ({})",
                    view::first_name(&view::member_name(&inforce.members, &p.proposed_by)),
                    p.reason
                )
            }
        })
        .collect();
    Ok(page)
}

/// The consequence log, newest first, in sentences: who missed how often
/// and what was agreed for it, or that nobody recorded a check-in.
pub fn log_rows(
    inforce: &InForce,
    schedule: &accord_core::schedule::Schedule,
    log: &[accord_store::ConsequenceEntry],
) -> Vec<LogRow> {
    let name = |party: Option<&str>| {
        party
            .and_then(|p| {
                inforce
                    .agreement
                    .parties
                    .iter()
                    .find(|x| x.id.as_str() == p)
            })
            .map_or_else(|| "A partner".to_owned(), |x| x.short_name().to_owned())
    };
    log.iter()
        .rev()
        .map(|e| LogRow {
            ms: schedule
                .occurrence_at(e.occurrence)
                .map(|o| o.at().as_millisecond()),
            when: when_in(inforce, e.occurrence),
            text: match e.kind {
                ConsequenceKind::Ladder => {
                    let misses = e.misses.unwrap_or(1);
                    let run = if misses == 1 {
                        "a miss".to_owned()
                    } else {
                        format!("{misses} misses in a row")
                    };
                    format!(
                        "{}, {run}. As agreed: {}",
                        name(e.party.as_deref()),
                        e.response
                    )
                }
                ConsequenceKind::MissedCheckin => format!(
                    "Nobody recorded the check-in in time. As agreed: {}",
                    e.response
                ),
            },
        })
        .collect()
}
