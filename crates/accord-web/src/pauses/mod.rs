//! Pauses of an agreement in force: `GET /p/{id}/pauses` lists them
//! (proposed, agreed, withdrawn; who and when; how many check-ins fall in
//! each) with the form to propose one; `POST /p/{id}/pauses` proposes,
//! `POST /p/{id}/pauses/{pid}/agree` agrees (the other partner only) and
//! `POST /p/{id}/pauses/{pid}/withdraw` withdraws (either partner, until the
//! pause is over).
//!
//! A pause takes effect when the partner who did not propose it agrees:
//! check-ins inside it are neither due nor missed, and their reminders are
//! not sent. The coach sees the pauses and changes nothing (403). A
//! refused proposal comes back with 422 and each message beside its input;
//! agreeing or withdrawing when that cannot be done is the page with 409
//! and the reason.

mod rules;
mod validate;

use accord_core::schedule::Schedule;
use accord_store::{NewPause, Pause, UserId};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::ToSpan;
use jiff::civil::Time;
use serde::Deserialize;

use crate::accounts::Empty;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::state::AppState;
use crate::views::Chrome;

pub use rules::{agree, cannot_agree, cannot_withdraw, find, today, withdraw};
pub use validate::{MAX_WEEKS, Proposal, check, day, parse_day, span};

/// The pause routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/pauses", get(page).post(propose))
        .route("/p/{id}/pauses/{pid}/agree", post(agree_page))
        .route("/p/{id}/pauses/{pid}/withdraw", post(withdraw_page))
}

/// A form input.
pub struct Input {
    /// Its name (and id).
    pub name: &'static str,
    /// What was typed.
    pub value: String,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// A pause, shown.
pub struct PauseRow {
    /// Its id.
    pub id: String,
    /// Its days in words.
    pub span: String,
    /// Why.
    pub reason: String,
    /// proposed, agreed or withdrawn (a CSS class).
    pub state: &'static str,
    /// Who did what, when.
    pub history: Vec<String>,
    /// How many check-ins fall in it, in words.
    pub checkins: String,
    /// Whether the viewer may agree to it.
    pub can_agree: bool,
    /// Whether the viewer may withdraw it.
    pub can_withdraw: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pauses.html")]
struct PausesPage {
    chrome: Chrome,
    id: String,
    title: String,
    partner: bool,
    in_force: bool,
    zone: String,
    today: String,
    rows: Vec<PauseRow>,
    inputs: Vec<Input>,
    reason: Input,
    notice: Option<String>,
    problem: Option<String>,
}

/// What the page shows besides the stored pauses.
#[derive(Default)]
struct Shown {
    status: Option<StatusCode>,
    notice: Option<String>,
    problem: Option<String>,
    /// A refused proposal: (first, last, reason) as typed, and messages.
    form: Option<([String; 3], validate::Errors)>,
}

/// How many check-ins of the schedule fall in a pause, in words.
fn checkins_in(schedule: &Schedule, p: &Pause) -> String {
    let (Some(first), Some(last)) = (parse_day(&p.first_day), parse_day(&p.last_day)) else {
        return String::new();
    };
    let start = schedule.local(first, Time::midnight()).timestamp();
    let after = last.checked_add(1.day()).unwrap_or(last);
    let end = schedule.local(after, Time::midnight()).timestamp();
    match schedule.between(start, end).len() {
        0 => "No check-in falls in it.".to_owned(),
        1 => "1 check-in falls in it.".to_owned(),
        n => format!("{n} check-ins fall in it."),
    }
}

async fn view(
    state: &AppState,
    me: &CurrentUser,
    access: &Access,
    shown: Shown,
) -> Result<Response, AppError> {
    let p = &access.partnership;
    let inforce = crate::running::load(state, p).await?;
    let now = state.clock.now();
    let zone = inforce
        .as_ref()
        .and_then(|i| i.agreement.timezone.as_ref())
        .map_or("UTC", |z| z.as_str())
        .to_owned();
    let today = today(inforce.as_deref(), now);
    let members = state.store.members(&p.id).await?;
    let name = |u: &UserId| {
        members
            .iter()
            .find(|m| &m.user_id == u)
            .map_or_else(|| "a former member".to_owned(), |m| m.name.clone())
    };
    let tz = jiff::tz::db().get(&zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |t: jiff::Timestamp| accord_core::checkin::when(&t.to_zoned(tz.clone()));
    let schedule = inforce.as_ref().and_then(|i| i.schedule.as_ref().ok());
    let rows = state
        .store
        .pauses(&p.id)
        .await?
        .iter()
        .map(|pause| {
            let over = parse_day(&pause.last_day).is_some_and(|l| l < today);
            let mut history = vec![format!(
                "Proposed by {}, {}.",
                name(&pause.proposed_by),
                at(pause.proposed_at)
            )];
            if let (Some(by), Some(when)) = (&pause.agreed_by, pause.agreed_at) {
                history.push(format!("Agreed by {}, {}.", name(by), at(when)));
            }
            if let Some(when) = pause.withdrawn_at {
                // An agreed pause withdrawn while under way keeps its past.
                history.push(match crate::running::in_effect(pause, &tz) {
                    Some(kept) => format!(
                        "Withdrawn, {}. It had begun, so it stays in effect {}; the check-ins after that are due again.",
                        at(when),
                        span(&kept.first.to_string(), &kept.last.to_string())
                    ),
                    None => format!("Withdrawn, {}.", at(when)),
                });
            }
            let state = if pause.withdrawn_at.is_some() {
                "withdrawn"
            } else if pause.agreed_at.is_some() {
                "agreed"
            } else {
                "proposed"
            };
            if state == "proposed" && !over {
                history.push(if pause.proposed_by == me.user.id {
                    "Waiting for your partner to agree: it takes effect then.".to_owned()
                } else {
                    "It takes effect when you agree to it.".to_owned()
                });
            }
            PauseRow {
                id: pause.id.to_string(),
                span: span(&pause.first_day, &pause.last_day),
                reason: pause.reason.clone(),
                state,
                history,
                checkins: schedule.map_or_else(String::new, |s| checkins_in(s, pause)),
                can_agree: access.is_partner()
                    && state == "proposed"
                    && pause.proposed_by != me.user.id
                    && !over,
                can_withdraw: access.is_partner() && state != "withdrawn" && !over,
            }
        })
        .collect();
    let (typed, mut errors) = shown.form.unwrap_or_default();
    let [first, last, reason] = typed;
    let mut input = |name: &'static str, value: String| Input {
        error: errors.remove(name),
        name,
        value,
    };
    let page = PausesPage {
        chrome: Chrome::from(me),
        id: p.id.to_string(),
        title: p.title.clone(),
        partner: access.is_partner(),
        in_force: inforce.is_some(),
        zone,
        today: today.to_string(),
        rows,
        inputs: vec![input("first_day", first), input("last_day", last)],
        reason: input("reason", reason),
        notice: shown.notice,
        problem: shown.problem,
    };
    Ok((shown.status.unwrap_or(StatusCode::OK), page).into_response())
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let notice = match q.saved.as_deref() {
        Some("proposed") => {
            Some("Pause proposed. It takes effect when your partner agrees to it.".to_owned())
        }
        Some("agreed") => Some(
            "Pause agreed: check-ins in it are not due, and no reminders are sent for them."
                .to_owned(),
        ),
        Some("withdrawn") => Some("Pause withdrawn: check-ins in it are due again.".to_owned()),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    view(&state, &me, &access, shown).await
}

/// A partner of the partnership, or 403 for the coach (404 for others).
async fn partner(state: &AppState, me: &CurrentUser, id: &str) -> Result<Access, AppError> {
    let access = access::member(state, &me.user, id).await?;
    if !access.is_partner() {
        return Err(AppError::Forbidden(
            "Only the two partners propose, agree to and withdraw pauses; a coach sees them."
                .into(),
        ));
    }
    Ok(access)
}

fn back(access: &Access, saved: &str) -> Response {
    Redirect::to(&format!(
        "/p/{}/pauses?saved={saved}",
        access.partnership.id
    ))
    .into_response()
}

fn conflict(message: impl Into<String>) -> Shown {
    Shown {
        status: Some(StatusCode::CONFLICT),
        problem: Some(message.into()),
        ..Shown::default()
    }
}

#[derive(Deserialize)]
struct ProposeForm {
    #[serde(default)]
    first_day: String,
    #[serde(default)]
    last_day: String,
    #[serde(default)]
    reason: String,
}

async fn propose(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<ProposeForm>,
) -> Result<Response, AppError> {
    let access = partner(&state, &me, &id).await?;
    let p = &access.partnership;
    let Some(inforce) = crate::running::load(&state, p).await? else {
        let shown = conflict(
            "There is no agreement in force yet: pauses are for an agreement both partners have signed.",
        );
        return view(&state, &me, &access, shown).await;
    };
    let now = state.clock.now();
    let today = today(Some(&inforce), now);
    let proposal = match check(&form.first_day, &form.last_day, &form.reason, today) {
        Ok(p) => p,
        Err(errors) => {
            let shown = Shown {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                form: Some(([form.first_day, form.last_day, form.reason], errors)),
                ..Shown::default()
            };
            return view(&state, &me, &access, shown).await;
        }
    };
    state
        .store
        .propose_pause(&NewPause {
            partnership: &p.id,
            first_day: &proposal.first.to_string(),
            last_day: &proposal.last.to_string(),
            reason: &proposal.reason,
            proposed_by: &me.user.id,
            now,
        })
        .await?;
    Ok(back(&access, "proposed"))
}

async fn agree_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let access = partner(&state, &me, &id).await?;
    match agree(&state, &access, &me.user.id, &pid, None).await {
        Ok(_) => Ok(back(&access, "agreed")),
        Err(AppError::Conflict(why)) => view(&state, &me, &access, conflict(why)).await,
        Err(e) => Err(e),
    }
}

async fn withdraw_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let access = partner(&state, &me, &id).await?;
    match withdraw(&state, &access, &me.user.id, &pid, None).await {
        Ok(_) => Ok(back(&access, "withdrawn")),
        Err(AppError::Conflict(why)) => view(&state, &me, &access, conflict(why)).await,
        Err(e) => Err(e),
    }
}
