//! Downloads of a partnership's data, for its members:
//!
//! - `GET /p/{id}/export.json`: everything the member may see, as the
//!   versioned document of [`accord_store::export`] (scope `for <e-mail>`);
//! - `GET /p/{id}/export/checkins.csv`, `…/indicators.csv` and
//!   `…/wellbeing.csv`: the check-ins as tables for a spreadsheet
//!   ([`tables`]).
//!
//! Partners and the coach may download; anyone else gets 404, as for every
//! page of a partnership, and nobody logged in is sent to log in. Privacy
//! is the store's: it reads one member's view in one snapshot (shared notes
//! and the member's own private ones, never anyone else's; the coach gets
//! no private note and no preparation, as on the pages). The tables are
//! made from that same view and carry no note at all.
//!
//! A complete export, with every private note, is the operator's `accord
//! export`, for moving a partnership to another instance.

pub mod tables;

use accord_core::checkin::OPENS_BEFORE;
use accord_store::User;
use accord_store::export::{Export, ExportScope};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::partnerships::access;
use crate::state::AppState;

pub use tables::Table;

/// The download routes (mounted among the pages: `Cache-Control:
/// no-store`, like every page).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/export.json", get(json))
        .route("/p/{id}/export/{file}", get(csv))
}

/// The member's view of the partnership, as of now (404 for non-members),
/// with the stem its files are named by.
pub async fn member_export(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<(Export, String), AppError> {
    member_export_for(state, &me.user, id).await
}

/// [`member_export`] for a user however they came (a page's session or
/// the API's bearer token).
pub async fn member_export_for(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(Export, String), AppError> {
    let access = access::member(state, user, id).await?;
    let now = state.clock.now();
    let scope = ExportScope::Member {
        user: user.id.clone(),
        // The other partner's preparation shows once the check-in opens.
        opened_by: now.checked_add(OPENS_BEFORE).unwrap_or(now),
    };
    let export = state
        .store
        .export_partnership(&access.partnership.id, &scope, now, &|_| {})
        .await?
        // Not a member any more since the check above.
        .ok_or(AppError::NotFound)?;
    Ok((export, stem(&access.partnership.title, now)))
}

/// "maya-and-jonas-2026-03-24": the partnership's title in lower-case
/// letters and digits, and the day (UTC), so that downloads of several
/// partnerships, or of one on several days, do not overwrite each other.
fn stem(title: &str, now: jiff::Timestamp) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = if slug.is_empty() {
        "accord"
    } else {
        slug.trim_end_matches('-')
    };
    format!("{slug}-{}", now.strftime("%Y-%m-%d"))
}

/// A file to download, under `name`.
fn download(content_type: &'static str, name: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn json(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (export, stem) = member_export(&state, &me, &id).await?;
    let text = export
        .to_json()
        .map_err(|e| AppError::internal(format!("an export did not serialise: {e}")))?;
    Ok(download(
        "application/json; charset=utf-8",
        &format!("{stem}.json"),
        text,
    ))
}

async fn csv(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let table = Table::from_file_name(&file).ok_or(AppError::NotFound)?;
    let (export, stem) = member_export(&state, &me, &id).await?;
    let text = tables::write(table, &export)?;
    Ok(download(
        "text/csv; charset=utf-8; header=present",
        &format!("{stem}-{}", table.file_name()),
        text,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::stem;

    #[test]
    fn file_names_come_from_the_title_and_day() {
        let now: jiff::Timestamp = "2026-03-24T23:30:00Z".parse().unwrap();
        assert_eq!(stem("Maya and Jonas", now), "maya-and-jonas-2026-03-24");
        assert_eq!(
            stem("  Ünïcode & co. — 2026!  ", now),
            "n-code-co-2026-2026-03-24"
        );
        assert_eq!(stem("\"; rm -rf /", now), "rm-rf-2026-03-24");
        assert_eq!(stem("日本", now), "accord-2026-03-24");
        let long = "a".repeat(200);
        assert_eq!(stem(&long, now).len(), 60 + 11);
    }
}
