//! Replacing the draft with an uploaded TOML file. The file is stored
//! exactly as uploaded (comments and all), so downloading it again gives the
//! same bytes; a file that does not parse is refused with the same
//! positioned problems as `accord review` prints, and nothing is saved.

use accord_core::{Agreement, Diagnostic, parse_toml_bytes};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use crate::auth::{CurrentUser, Visitor, csrf};
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::state::AppState;
use crate::views::Chrome;

/// The upload route.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/upload", post(upload_form))
}

/// A problem shown with its line, like the command line shows it.
pub struct Shown {
    /// `line:column: message`.
    pub head: String,
    /// The line itself, if known.
    pub line: String,
    /// Spaces and carets under the problem.
    pub carets: String,
}

/// Renders problems against the text they are about.
pub fn show(text: &str, diagnostics: &[Diagnostic]) -> Vec<Shown> {
    diagnostics
        .iter()
        .map(|d| match &d.location {
            Some(loc) => {
                let line = text
                    .lines()
                    .nth(loc.line.saturating_sub(1))
                    .unwrap_or("")
                    .to_owned();
                let width = text
                    .get(loc.span.clone())
                    .map_or(1, |s| s.lines().next().unwrap_or("").chars().count())
                    .clamp(
                        1,
                        line.chars().count().saturating_sub(loc.column - 1).max(1),
                    );
                Shown {
                    head: format!("agreement.toml:{}:{}: {}", loc.line, loc.column, d.message),
                    carets: format!("{}{}", " ".repeat(loc.column - 1), "^".repeat(width)),
                    line,
                }
            }
            None => Shown {
                head: d.message.clone(),
                line: String::new(),
                carets: String::new(),
            },
        })
        .collect()
}

/// Replaces the draft with a TOML text if it is a valid agreement; shared
/// with the API. Returns the new revision.
pub async fn replace_draft(
    state: &AppState,
    access: &Access,
    expected: i64,
    bytes: &[u8],
) -> Result<(i64, Agreement), AppError> {
    access.require_partner()?;
    let agreement =
        parse_toml_bytes(bytes).map_err(|e| AppError::InvalidAgreement(e.diagnostics))?;
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::invalid("file", "The file is not UTF-8 text."))?;
    let revision = state
        .store
        .save_draft(&access.partnership.id, expected, text, state.clock.now())
        .await?;
    Ok((revision, agreement))
}

#[derive(Template, WebTemplate)]
#[template(path = "upload_error.html")]
struct UploadError {
    chrome: Chrome,
    id: String,
    title: String,
    count: usize,
    problems: Vec<Shown>,
}

async fn upload_form(
    State(state): State<AppState>,
    me: CurrentUser,
    visitor: Visitor,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let unreadable = || {
        AppError::invalid(
            "file",
            "The upload could not be read; choose the file again.",
        )
    };
    let (mut token, mut revision, mut file) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("csrf") => token = Some(field.text().await.map_err(|_| unreadable())?),
            Some("revision") => revision = Some(field.text().await.map_err(|_| unreadable())?),
            Some("file") => file = Some(field.bytes().await.map_err(|_| unreadable())?),
            _ => {}
        }
    }
    // The token is checked before anything else is looked at.
    csrf::verify(&visitor, token.as_deref())?;
    let access = access::member(&state, &me.user, &id).await?;
    let revision: i64 = revision
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| {
            AppError::invalid(
                "revision",
                "The form is missing the draft revision; reload the page.",
            )
        })?;
    let file = file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| AppError::invalid("file", "Choose a .toml file to upload."))?;
    match replace_draft(&state, &access, revision, &file).await {
        Ok(_) => Ok(Redirect::to(&format!("/p/{}", access.partnership.id)).into_response()),
        Err(AppError::InvalidAgreement(diagnostics)) => {
            let text = String::from_utf8_lossy(&file);
            let page = UploadError {
                chrome: Chrome::from(&me),
                id,
                title: access.partnership.title.clone(),
                count: diagnostics.len(),
                problems: show(&text, &diagnostics),
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
