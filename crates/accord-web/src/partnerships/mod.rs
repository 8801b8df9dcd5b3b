//! Partnerships: the home page that lists them, starting one, and its
//! overview page (members, invitations, the draft's review, signing and
//! versions). Invitations are in `invitations.rs`; the editor and versions
//! have modules of their own.

pub mod access;
pub mod invitations;
pub mod members;

use accord_core::model::Date;
use accord_core::{Agreement, Review, from_json, review, to_toml};
use accord_store::{NewPartnership, Partnership, Role, User};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::json;

use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, Visitor};
use crate::error::AppError;
use crate::state::AppState;
use crate::versions::{self, VersionRow};
use crate::views::Chrome;
use access::Access;

/// The partnership pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/partnerships", post(create_page))
        .route("/p/{id}", get(overview))
        .merge(invitations::router())
        .merge(members::router())
}

/// "Today" for the review: the date in the agreement's time zone.
pub fn today(a: &Agreement, now: Timestamp) -> Date {
    let tz = a
        .timezone
        .as_ref()
        .and_then(|z| jiff::tz::db().get(z.as_str()).ok())
        .unwrap_or(TimeZone::UTC);
    Date::new(now.to_zoned(tz).date())
}

/// The review of an agreement as of now.
pub fn review_now(a: &Agreement, now: Timestamp) -> Review {
    review(a, today(a, now))
}

/// A party id from a name: its first word, in lower-case letters and
/// digits, or `fallback` when nothing is left.
fn party_id(name: &str, fallback: &str) -> String {
    let id: String = name
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_lowercase() || c.is_ascii_digit()).then_some(c)
        })
        .collect();
    if id.is_empty() || id == "rotating" {
        fallback.to_owned()
    } else {
        id
    }
}

/// The name the second party has until the partner joins.
pub const PARTNER_PLACEHOLDER: &str = "Partner";

/// What starting a partnership needs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewPartnershipInput {
    /// Its name, e.g. "Maya and Jonas".
    pub title: String,
    /// `general`, `tried-before`, `solo-worker` or `parallel-transitions`.
    #[serde(default)]
    pub scenario: Option<String>,
    /// An IANA time zone name, e.g. `Europe/Berlin`; UTC when absent.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// Starts a partnership with a first draft naming its creator; shared with
/// the API.
pub async fn create(
    state: &AppState,
    user: &User,
    input: &NewPartnershipInput,
    keyed: Option<&accord_store::Keyed<Partnership>>,
) -> Result<Partnership, AppError> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::invalid(
            "title",
            "Give the partnership a name of 1 to 120 characters, e.g. \"Maya and Jonas\".",
        ));
    }
    let now = state.clock.now();
    let scenario = input
        .scenario
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("general");
    let timezone = input
        .timezone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("UTC");
    let me = party_id(&user.name, "me");
    let other = if me == "partner" { "other" } else { "partner" };
    let doc = json!({
        "format": 1,
        "title": title,
        "scenario": scenario,
        "timezone": timezone,
        "party": [
            { "id": me, "name": user.name, "email": user.email },
            { "id": other, "name": PARTNER_PLACEHOLDER },
        ],
    });
    let mut agreement = from_json(&doc.to_string()).map_err(|e| {
        let d = e.diagnostics.into_iter().next();
        AppError::Invalid {
            field: d.as_ref().and_then(|d| d.field.clone()),
            message: d.map_or_else(
                || "The partnership could not be started.".into(),
                |d| d.message,
            ),
        }
    })?;
    agreement.drafted = Some(today(&agreement, now));
    let draft = to_toml(&agreement).map_err(AppError::internal)?;
    let new = NewPartnership {
        title,
        creator: &user.id,
        draft: &draft,
        now,
    };
    Ok(state.store.create_partnership_keyed(&new, keyed).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    logged_in: bool,
    rows: Vec<HomeRow>,
    error: Option<String>,
    title: String,
}

struct HomeRow {
    id: String,
    title: String,
    role: &'static str,
    revision: i64,
}

async fn home_view(
    state: &AppState,
    visitor: &Visitor,
    error: Option<String>,
    title: String,
) -> Result<HomePage, AppError> {
    let mut rows = Vec::new();
    if let Some(user) = &visitor.user {
        for m in state.store.memberships(&user.id).await? {
            rows.push(HomeRow {
                id: m.partnership.id.to_string(),
                title: m.partnership.title,
                role: m.role.as_str(),
                revision: m.partnership.draft_revision,
            });
        }
    }
    Ok(HomePage {
        chrome: Chrome::from(visitor),
        logged_in: visitor.user.is_some(),
        rows,
        error,
        title,
    })
}

async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<HomePage, AppError> {
    home_view(&state, &visitor, None, String::new()).await
}

async fn create_page(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { visitor, form }: CsrfForm<NewPartnershipInput>,
) -> Result<Response, AppError> {
    match create(&state, &me.user, &form, None).await {
        Ok(p) => Ok(Redirect::to(&format!("/p/{}", p.id)).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let page =
                home_view(&state, &visitor, Some(e.user_message()), form.title.clone()).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A member as shown.
pub struct MemberRow {
    /// Their account id, for removing a coach.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// Role word.
    pub role: &'static str,
    /// Whether it is the viewer.
    pub me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "partnership.html")]
pub struct OverviewPage {
    chrome: Chrome,
    id: String,
    title: String,
    role: &'static str,
    partner: bool,
    members: Vec<MemberRow>,
    invitations: Vec<invitations::InvitationRow>,
    new_link: Option<String>,
    partner_slots: usize,
    coach_slots: usize,
    error: Option<String>,
    revision: i64,
    high: usize,
    medium: usize,
    low: usize,
    sign: versions::SignPanel,
    versions: Vec<VersionRow>,
}

/// The overview page of a partnership, with an optional message and a
/// freshly made invitation link.
pub async fn overview_page(
    state: &AppState,
    me: &CurrentUser,
    access: &Access,
    new_link: Option<String>,
    error: Option<String>,
) -> Result<OverviewPage, AppError> {
    let p = &access.partnership;
    let members = state.store.members(&p.id).await?;
    let count = |role: Role| members.iter().filter(|m| m.role == role).count();
    let partner_slots = Role::Partner
        .capacity()
        .saturating_sub(count(Role::Partner));
    let coach_slots = Role::Coach.capacity().saturating_sub(count(Role::Coach));
    let now = state.clock.now();
    let invitations = if access.is_partner() {
        invitations::rows(state, &p.id, now).await?
    } else {
        Vec::new()
    };
    let agreement = access.draft()?;
    let review = review_now(&agreement, now);
    let all_versions = state.store.versions(&p.id).await?;
    let sign = versions::sign_panel(access, &me.user, &members, &all_versions);
    Ok(OverviewPage {
        chrome: Chrome::from(me),
        id: p.id.to_string(),
        title: p.title.clone(),
        role: access.role.as_str(),
        partner: access.is_partner(),
        members: members
            .iter()
            .map(|m| MemberRow {
                user_id: m.user_id.to_string(),
                name: m.name.clone(),
                role: m.role.as_str(),
                me: m.user_id == me.user.id,
            })
            .collect(),
        invitations,
        new_link,
        partner_slots,
        coach_slots,
        error,
        revision: p.draft_revision,
        high: review.summary.high,
        medium: review.summary.medium,
        low: review.summary.low,
        sign,
        versions: versions::rows(&all_versions),
    })
}

async fn overview(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<OverviewPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    overview_page(&state, &me, &access, None, None).await
}
