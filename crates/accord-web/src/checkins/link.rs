//! A check-in opened from the single-use link in a reminder e-mail, without
//! logging in: `GET /c/{token}` shows the check-in's page as the link's
//! person sees it, with its forms posting to `POST /c/{token}/prepare` and
//! `POST /c/{token}`.
//!
//! Opening the link does not use it (mail scanners fetch links); the first
//! form it submits does, in the same transaction as the write, so a link
//! saves at most once. After that, and after it expires, it answers 410
//! with a way to log in; a forged or altered link is 404. The form's CSRF
//! token is the anonymous visitor's, as on the login page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{Subject, Viewer, again, load_subject, page, write_preparation, write_record};
use crate::auth::Visitor;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::running::links;
use crate::state::AppState;
use crate::views::Chrome;

/// The link routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{token}", get(open).post(record))
        .route("/c/{token}/prepare", post(prepare))
}

#[derive(Template, WebTemplate)]
#[template(path = "checkin_gone.html")]
struct GonePage {
    chrome: Chrome,
    message: String,
}

/// The 410 page of a used or expired link.
fn gone(visitor: &Visitor, message: String) -> Response {
    let page = GonePage {
        chrome: Chrome::from(visitor),
        message,
    };
    (StatusCode::GONE, page).into_response()
}

/// The link's person's view of its check-in, or why there is none.
async fn view_of(
    state: &AppState,
    visitor: &Visitor,
    token: &str,
) -> Result<(Viewer, Subject), AppError> {
    let link = links::open(state, token, state.clock.now()).await?;
    // Someone who has left the partnership since gets nothing.
    let role = state
        .store
        .role_in(&link.partnership, &link.user)
        .await?
        .ok_or(AppError::NotFound)?;
    let partnership = state
        .store
        .partnership(&link.partnership)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = load_subject(state, &partnership, link.occurrence).await?;
    let viewer = Viewer {
        user: link.user,
        role,
        chrome: Chrome::from(visitor),
        action: format!("/c/{token}"),
        link: Some(link.id),
    };
    Ok((viewer, subject))
}

/// The link's view, or (inside) the 410 page of a used or expired link.
async fn with_link(
    state: &AppState,
    visitor: &Visitor,
    token: &str,
) -> Result<Result<(Viewer, Subject), Response>, AppError> {
    match view_of(state, visitor, token).await {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Gone(message)) => Ok(Err(gone(visitor, message))),
        Err(e) => Err(e),
    }
}

async fn open(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match with_link(&state, &visitor, &token).await? {
        Ok((viewer, subject)) => {
            page::render(&state, &viewer, &subject, page::Shown::default()).await
        }
        Err(response) => Ok(response),
    }
}

/// After a write through the link: the page, read again, without forms.
async fn done(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    notice: &str,
) -> Result<Response, AppError> {
    let fresh = subject.reload(state).await?;
    let shown = page::Shown {
        notice: Some(notice.to_owned()),
        link_used: true,
        ..page::Shown::default()
    };
    page::render(state, viewer, &fresh, shown).await
}

async fn prepare(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm {
        visitor,
        form: pairs,
    }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (viewer, subject) = match with_link(&state, &visitor, &token).await? {
        Ok(v) => v,
        Err(response) => return Ok(response),
    };
    let written = write_preparation(&state, &viewer, &subject, &pairs).await;
    let notice = "Your preparation is saved. Your partner sees it once the check-in opens.";
    answer(&state, &visitor, &viewer, &subject, written, notice).await
}

async fn record(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm {
        visitor,
        form: pairs,
    }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (viewer, subject) = match with_link(&state, &visitor, &token).await? {
        Ok(v) => v,
        Err(response) => return Ok(response),
    };
    let written = write_record(&state, &viewer, &subject, &pairs).await;
    let notice = "The check-in is recorded. Both partners get the recap.";
    answer(&state, &visitor, &viewer, &subject, written, notice).await
}

/// The answer to a write through the link: the page without forms and a
/// notice when it was saved, the form again with its problems, or 410 when
/// the link was used up in between.
async fn answer(
    state: &AppState,
    visitor: &Visitor,
    viewer: &Viewer,
    subject: &Subject,
    written: Result<Result<(), page::Shown>, AppError>,
    notice: &str,
) -> Result<Response, AppError> {
    match written {
        Ok(Ok(())) => done(state, viewer, subject, notice).await,
        Ok(Err(shown)) => again(state, viewer, subject, shown).await,
        Err(AppError::Gone(message)) => Ok(gone(visitor, message)),
        Err(e) => Err(e),
    }
}
