//! The check-in pages of an agreement in force:
//!
//! - `GET /p/{id}/checkins`: the next check-ins, the history since the
//!   version in force was signed, the latest recap, the consequence log and
//!   the pauses ([`list`]);
//! - `GET /p/{id}/checkins/{ms}`: one check-in (`ms` is its start in unix
//!   milliseconds): when, who facilitates, the agreed agenda, preparation,
//!   the check-in form while it is open, and once recorded the record, the
//!   agreed responses that fired, the recap and the notes ([`page`]);
//! - `POST /p/{id}/checkins/{ms}/prepare`, `POST /p/{id}/checkins/{ms}` (the
//!   record) and `POST /p/{id}/checkins/{ms}/notes`, for partners only;
//! - `GET /c/{token}`, `POST /c/{token}/prepare` and `POST /c/{token}`: the
//!   same page and forms opened from the single-use link of a reminder
//!   e-mail, without logging in ([`link`]).
//!
//! Writing goes through `crate::running` ([`running::record`],
//! [`running::prepare`]), which checks everything and stores atomically.
//! A refused form comes back with 422, each message beside its field and
//! everything typed kept; a check-in that cannot be written now (not open
//! yet, recorded already, missed, paused) comes back as the page with 409
//! and the reason. Nothing changes on a GET.

pub mod form;
mod form_view;
mod link;
pub mod list;
mod page;
mod view;

use accord_core::checkin::MAX_TEXT;
use accord_core::schedule::Occurrence;
use std::sync::Arc;

use accord_store::{LinkId, NewNote, Partnership, Role, UserId};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::editor::form::collect;
use crate::error::AppError;
use crate::partnerships::access;
use crate::running::{self, InForce};
use crate::state::AppState;
use crate::views::Chrome;

pub use page::Shown;

/// The check-in routes (mounted among the pages, so they get CSRF checks
/// and `Cache-Control: no-store`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/checkins", get(list::page))
        .route("/p/{id}/checkins/{ms}", get(show).post(record_form))
        .route("/p/{id}/checkins/{ms}/prepare", post(prepare_form))
        .route("/p/{id}/checkins/{ms}/notes", post(note_form))
        .merge(link::router())
}

/// Who is looking at a check-in page, and where its forms go.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The person.
    pub user: UserId,
    /// Their role in the partnership.
    pub role: Role,
    /// The page frame (the logged-in name, if any, and the CSRF token).
    pub chrome: Chrome,
    /// Where the page's forms post: `/p/{id}/checkins/{ms}` or `/c/{token}`.
    pub action: String,
    /// The single-use link the page was opened with, if any.
    pub link: Option<LinkId>,
}

impl Viewer {
    /// Refuses a coach: only partners prepare, record and write notes.
    pub fn require_partner(&self) -> Result<(), AppError> {
        match self.role {
            Role::Partner => Ok(()),
            Role::Coach => Err(AppError::Forbidden(
                "Only the two partners prepare for, record and add notes to check-ins; a coach \
                 reads them."
                    .into(),
            )),
        }
    }
}

/// One check-in of a partnership's agreement in force.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The partnership's name.
    pub title: String,
    /// The agreement in force and its history.
    pub inforce: Arc<InForce>,
    /// The check-in.
    pub occ: Occurrence,
}

impl Subject {
    /// The check-in's identity: its start.
    pub fn at(&self) -> Timestamp {
        self.occ.at()
    }

    /// The same check-in, read again (after a write, or a refused one).
    pub async fn reload(&self, state: &AppState) -> Result<Self, AppError> {
        let p = state
            .store
            .partnership(&self.inforce.id)
            .await?
            .ok_or(AppError::NotFound)?;
        load_subject(state, &p, self.at()).await
    }
}

/// A check-in's start from its URL segment; anything else is not found.
pub fn parse_ms(ms: &str) -> Result<Timestamp, AppError> {
    let ms: i64 = ms.trim().parse().map_err(|_| AppError::NotFound)?;
    Timestamp::from_millisecond(ms).map_err(|_| AppError::NotFound)
}

/// The check-in at `at`, shown by the schedule of the version it belongs
/// to: the one it was recorded under, or else the one in force at `at`
/// (so that signing a new version never hides the history, recorded or
/// missed); not found when no version is in force or `at` is none of
/// these.
pub async fn load_subject(
    state: &AppState,
    p: &Partnership,
    at: Timestamp,
) -> Result<Subject, AppError> {
    let mut inforce = running::load(state, p).await?.ok_or(AppError::NotFound)?;
    let belongs = match inforce.entry(at) {
        Some(e) => Some(e.version),
        None => inforce
            .versions
            .iter()
            .filter(|v| v.signed_at.is_some_and(|signed| signed <= at))
            .map(|v| v.number)
            .next_back(),
    };
    if let Some(number) = belongs.filter(|n| *n != inforce.version.number) {
        inforce = running::load_version(state, p, Some(number))
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let occ = inforce
        .schedule
        .as_ref()
        .ok()
        .and_then(|s| s.occurrence_at(at))
        .ok_or(AppError::NotFound)?;
    Ok(Subject {
        title: p.title.clone(),
        inforce,
        occ,
    })
}

/// A logged-in member's view of one check-in (404 for anyone else).
async fn member_view(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
    ms: &str,
) -> Result<(Viewer, Subject), AppError> {
    let access = access::member(state, &me.user, id).await?;
    let at = parse_ms(ms)?;
    let p = &access.partnership;
    let subject = load_subject(state, p, at).await?;
    let viewer = Viewer {
        user: me.user.id.clone(),
        role: access.role,
        chrome: Chrome::from(me),
        action: format!("/p/{}/checkins/{}", p.id, at.as_millisecond()),
        link: None,
    };
    Ok((viewer, subject))
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

/// What a `?saved=` after a redirect says.
fn saved_notice(what: Option<&str>) -> Option<String> {
    match what? {
        "preparation" => {
            Some("Your preparation is saved. Your partner sees it once the check-in opens.".into())
        }
        "record" => Some("The check-in is recorded. Both partners get the recap.".into()),
        "note" => Some("Your note is saved.".into()),
        _ => None,
    }
}

async fn show(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, ms)): Path<(String, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let (viewer, subject) = member_view(&state, &me, &id, &ms).await?;
    let shown = Shown {
        notice: saved_notice(q.saved.as_deref()),
        ..Shown::default()
    };
    page::render(&state, &viewer, &subject, shown).await
}

/// Where to go after a write made while logged in.
fn back(viewer: &Viewer, saved: &str, anchor: &str) -> Response {
    Redirect::to(&format!("{}?saved={saved}{anchor}", viewer.action)).into_response()
}

/// Saves a preparation from a form; `Err(shown)` is the page to show
/// again (a refused answer, or a check-in that is over).
pub async fn write_preparation(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    pairs: &[(String, String)],
) -> Result<Result<(), Shown>, AppError> {
    viewer.require_partner()?;
    let form = collect(pairs);
    let text = |k: &str| {
        form.get(k)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let answers = running::Answers {
        committed: text("committed"),
        happened: text("happened"),
        want: text("want"),
    };
    match running::prepare(
        state,
        &subject.inforce,
        &viewer.user,
        subject.at(),
        &answers,
        viewer.link.as_ref(),
    )
    .await
    {
        Ok(()) => Ok(Ok(())),
        Err(AppError::Invalid { field, message }) => Ok(Err(Shown {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            prep: Some((answers, field.unwrap_or_default(), message)),
            ..Shown::default()
        })),
        Err(AppError::Conflict(message)) => Ok(Err(Shown::conflict(message))),
        Err(e) => Err(e),
    }
}

/// Records a check-in from its form; `Err(shown)` is the page to show
/// again (problems beside their fields, or why it cannot be recorded).
pub async fn write_record(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    pairs: &[(String, String)],
) -> Result<Result<(), Shown>, AppError> {
    viewer.require_partner()?;
    let inforce = &subject.inforce;
    // A check-in that cannot be recorded now says so, whatever the form.
    if let Some(why) = running::closed_because(inforce, &subject.occ, state.clock.now()) {
        return Ok(Err(Shown::conflict(why)));
    }
    let submitted = collect(pairs);
    let expected = accord_core::checkin::expected_commitments(
        &inforce.agreement,
        inforce.before(subject.at()).last(),
    );
    let parsed = form::parse(&inforce.agreement, &expected, &submitted);
    let refused = |errors| Shown {
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        record: Some((submitted.clone(), errors)),
        ..Shown::default()
    };
    if !parsed.problems.is_empty() {
        return Ok(Err(refused(form::errors(&parsed.problems))));
    }
    let result = running::record(
        state,
        inforce,
        &viewer.user,
        subject.at(),
        parsed.record.clone(),
        parsed.note.clone(),
        viewer.link.as_ref(),
        None,
    )
    .await;
    match result {
        Ok(_) => Ok(Ok(())),
        Err(AppError::InvalidCheckin(problems)) => {
            let problems = form::placed(&problems, &parsed.record);
            Ok(Err(refused(form::errors(&problems))))
        }
        Err(AppError::Invalid { field, message }) => {
            let mut errors = form::Errors::new();
            errors
                .entry(field.unwrap_or_else(|| "note".into()))
                .or_default()
                .push(message);
            Ok(Err(refused(errors)))
        }
        Err(AppError::Conflict(message)) => Ok(Err(Shown::conflict(message))),
        Err(e) => Err(e),
    }
}

/// Shows the page again after a refused write, reading the check-in again
/// first when the refusal was a conflict (someone else may have written).
pub async fn again(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    shown: Shown,
) -> Result<Response, AppError> {
    if shown.status == Some(StatusCode::CONFLICT) {
        let fresh = subject.reload(state).await?;
        return page::render(state, viewer, &fresh, shown).await;
    }
    page::render(state, viewer, subject, shown).await
}

async fn prepare_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, ms)): Path<(String, String)>,
    CsrfForm { form: pairs, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (viewer, subject) = member_view(&state, &me, &id, &ms).await?;
    match write_preparation(&state, &viewer, &subject, &pairs).await? {
        Ok(()) => Ok(back(&viewer, "preparation", "#preparation")),
        Err(shown) => again(&state, &viewer, &subject, shown).await,
    }
}

async fn record_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, ms)): Path<(String, String)>,
    CsrfForm { form: pairs, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (viewer, subject) = member_view(&state, &me, &id, &ms).await?;
    match write_record(&state, &viewer, &subject, &pairs).await? {
        Ok(()) => Ok(back(&viewer, "record", "")),
        Err(shown) => again(&state, &viewer, &subject, shown).await,
    }
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    body: String,
    /// Present when "private" is ticked.
    #[serde(default)]
    private: Option<String>,
}

async fn note_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, ms)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<NoteForm>,
) -> Result<Response, AppError> {
    let (viewer, subject) = member_view(&state, &me, &id, &ms).await?;
    viewer.require_partner()?;
    let private = form.private.is_some();
    let body = form.body.trim();
    let refused = |message: String| Shown {
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        note: Some((form.body.clone(), private, message)),
        ..Shown::default()
    };
    if subject.inforce.entry(subject.at()).is_none() {
        let shown = Shown::conflict(
            "Notes are added to a recorded check-in, and this one has not been recorded yet."
                .into(),
        );
        return again(&state, &viewer, &subject, shown).await;
    }
    if body.is_empty() {
        let shown = refused("Write the note before saving it.".into());
        return again(&state, &viewer, &subject, shown).await;
    }
    if body.chars().count() > MAX_TEXT {
        let shown = refused(format!("Keep the note under {MAX_TEXT} characters."));
        return again(&state, &viewer, &subject, shown).await;
    }
    state
        .store
        .add_note(&NewNote {
            partnership: &subject.inforce.id,
            occurrence: subject.at(),
            author: &viewer.user,
            private,
            body,
            now: state.clock.now(),
        })
        .await?;
    Ok(back(&viewer, "note", "#notes"))
}
