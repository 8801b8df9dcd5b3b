//! Signing and versions: a partner signs the draft as it stands at a
//! revision; when the other partner signs the same revision it becomes a
//! binding version and the active agreement. Every version is kept, can be
//! viewed and downloaded, and any two can be compared (`compare.rs`). The
//! draft can be downloaded and replaced by an uploaded file (`upload.rs`).

pub mod compare;
pub mod upload;

use accord_store::{Member, Role, Signed, User, Version};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::state::AppState;
use crate::views::{Chrome, when};

/// The version routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/sign", post(sign_form))
        .route("/p/{id}/draft.toml", get(download_draft))
        .route("/p/{id}/versions/{n}", get(version_page))
        .route("/p/{id}/versions/{n}/agreement.toml", get(download_version))
        .merge(compare::router())
        .merge(upload::router())
}

/// What the overview says about signing the current draft.
pub struct SignPanel {
    /// Whether the viewer may sign now.
    pub can_sign: bool,
    /// The draft revision a signature would be for.
    pub revision: i64,
    /// Where signing stands, in a sentence.
    pub status: String,
}

/// Where signing stands for the current draft, from the viewer's side.
pub fn sign_panel(
    access: &Access,
    me: &User,
    members: &[Member],
    versions: &[Version],
) -> SignPanel {
    let revision = access.partnership.draft_revision;
    let partners: Vec<&Member> = members.iter().filter(|m| m.role == Role::Partner).collect();
    let current = versions.iter().find(|v| v.draft_revision == revision);
    let signed_by = |id: &accord_store::UserId| {
        current.is_some_and(|v| v.signatures.iter().any(|s| &s.user_id == id))
    };
    let other = partners
        .iter()
        .find(|m| m.user_id != me.id)
        .map(|m| m.name.clone());
    let status = match (current, &other) {
        (Some(v), _) if v.signed_at.is_some() => format!(
            "Both partners signed this draft: it is version {}, the agreement in force.",
            v.number
        ),
        (_, None) => "Invite your partner: the agreement binds once both of you sign the same draft.".to_owned(),
        (Some(v), Some(name)) if signed_by(&me.id) => format!("You signed this draft (version {}). Waiting for {name} to sign it.", v.number),
        (Some(v), Some(name)) => format!("{name} signed this draft (version {}). Read it, then sign to make it binding.", v.number),
        (None, Some(_)) => "Nobody has signed this draft yet. When you both sign it, it becomes the agreement in force.".to_owned(),
    };
    let done = current.is_some_and(|v| v.signed_at.is_some());
    SignPanel {
        can_sign: access.is_partner() && !signed_by(&me.id) && !done,
        revision,
        status,
    }
}

/// A version as listed.
pub struct VersionRow {
    /// Its number.
    pub number: i64,
    /// When it was taken.
    pub created: String,
    /// Who signed, and when.
    pub signers: String,
    /// active, replaced, awaiting or superseded.
    pub status: &'static str,
}

/// The versions, newest first, with their standing.
pub fn rows(versions: &[Version]) -> Vec<VersionRow> {
    let active = versions
        .iter()
        .filter(|v| v.signed_at.is_some())
        .map(|v| v.number)
        .max();
    let newest = versions.iter().map(|v| v.number).max();
    versions
        .iter()
        .rev()
        .map(|v| VersionRow {
            number: v.number,
            created: when(v.created_at),
            signers: v
                .signatures
                .iter()
                .map(|s| format!("{} ({})", s.name, when(s.signed_at)))
                .collect::<Vec<_>>()
                .join(", "),
            status: status(v, active, newest),
        })
        .collect()
}

fn status(v: &Version, active: Option<i64>, newest: Option<i64>) -> &'static str {
    match (
        v.signed_at,
        Some(v.number) == active,
        Some(v.number) == newest,
    ) {
        (Some(_), true, _) => "in force",
        (Some(_), false, _) => "replaced",
        (None, _, true) => "awaiting signature",
        (None, _, false) => "never completed",
    }
}

/// Signs the draft at `revision`; shared with the API.
pub async fn sign(
    state: &AppState,
    access: &Access,
    user: &User,
    revision: i64,
    keyed: Option<&accord_store::Keyed<Signed>>,
) -> Result<Signed, AppError> {
    access.require_partner()?;
    Ok(state
        .store
        .sign_draft_keyed(
            &access.partnership.id,
            revision,
            &user.id,
            state.clock.now(),
            keyed,
        )
        .await?)
}

#[derive(Deserialize)]
struct SignForm {
    revision: i64,
}

async fn sign_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<SignForm>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    sign(&state, &access, &me.user, form.revision, None).await?;
    Ok(Redirect::to(&format!("/p/{}", access.partnership.id)).into_response())
}

/// A version number from a URL.
pub fn number(n: &str) -> Result<i64, AppError> {
    n.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)
}

/// One version of a partnership the caller belongs to.
pub async fn load(state: &AppState, access: &Access, n: i64) -> Result<Version, AppError> {
    state
        .store
        .version(&access.partnership.id, n)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template, WebTemplate)]
#[template(path = "version.html")]
struct VersionPage {
    chrome: Chrome,
    id: String,
    title: String,
    number: i64,
    status: &'static str,
    signers: String,
    toml: String,
    previous: Option<i64>,
}

async fn version_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, n)): Path<(String, String)>,
) -> Result<VersionPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let n = number(&n)?;
    let all = state.store.versions(&access.partnership.id).await?;
    let row = rows(&all)
        .into_iter()
        .find(|r| r.number == n)
        .ok_or(AppError::NotFound)?;
    let v = all
        .into_iter()
        .find(|v| v.number == n)
        .ok_or(AppError::NotFound)?;
    Ok(VersionPage {
        chrome: Chrome::from(&me),
        id,
        title: access.partnership.title.clone(),
        number: n,
        status: row.status,
        signers: row.signers,
        toml: v.toml,
        previous: (n > 1).then_some(n - 1),
    })
}

/// A TOML file as a download.
fn toml_file(name: String, text: String) -> Response {
    (
        [
            (CONTENT_TYPE, "application/toml; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

async fn download_draft(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let p = access.partnership;
    Ok(toml_file(
        format!("agreement-draft-r{}.toml", p.draft_revision),
        p.draft,
    ))
}

async fn download_version(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let v = load(&state, &access, number(&n)?).await?;
    Ok(toml_file(format!("agreement-v{}.toml", v.number), v.toml))
}
