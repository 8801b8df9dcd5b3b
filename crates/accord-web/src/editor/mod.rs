//! The guided editor: one page per section in the coach's order, each with
//! its form, the review's findings for that section beside it (updated as
//! you type when JavaScript is on, on every save when it is not), and the
//! guide one click away. Saving is optimistic: the form carries the draft
//! revision it was based on, and a save over someone else's newer save is
//! refused (409) with the form kept as typed.

pub mod fields;
pub mod form;

use std::collections::BTreeMap;

use accord_core::review::Section;
use accord_core::{Agreement, Finding, from_json, to_json, to_toml};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::Value;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::partnerships::review_now;
use crate::state::AppState;
use crate::views::Chrome;
use fields::{SPECS, Spec};
use form::{Fieldset, Submitted};

/// The editor routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/edit", get(first_section))
        .route("/p/{id}/edit/{section}", get(section_page).post(save_page))
        .route("/p/{id}/edit/{section}/preview", post(preview))
}

/// A finding as shown.
pub struct FindingView {
    /// high, medium or low.
    pub severity: &'static str,
    /// The rule id.
    pub rule: &'static str,
    /// Why it matters.
    pub message: String,
    /// What to do.
    pub suggestion: String,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        Self {
            severity: f.severity.as_str(),
            rule: f.rule.id(),
            message: f.message.clone(),
            suggestion: f.suggestion.clone(),
        }
    }
}

/// A section in the side navigation.
pub struct NavItem {
    slug: &'static str,
    title: &'static str,
    count: usize,
    current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "editor.html")]
struct EditorPage {
    chrome: Chrome,
    id: String,
    title: String,
    nav: Vec<NavItem>,
    slug: &'static str,
    heading: &'static str,
    intro: &'static str,
    fieldsets: Vec<Fieldset>,
    revision: i64,
    read_only: bool,
    findings: Vec<FindingView>,
    problems: Vec<String>,
    notice: Option<String>,
    saved: Option<&'static str>,
    next: Option<&'static str>,
}

/// The JSON form of an agreement, for the form machinery.
fn json_of(a: &Agreement) -> Result<Value, AppError> {
    let text = to_json(a).map_err(AppError::internal)?;
    serde_json::from_str(&text).map_err(AppError::internal)
}

fn findings_of(review: &[Finding], section: Section) -> Vec<FindingView> {
    review
        .iter()
        .filter(|f| f.section == section)
        .map(FindingView::from)
        .collect()
}

struct Shown<'a> {
    doc: &'a Value,
    findings: &'a [Finding],
    revision: i64,
    submitted: Option<&'a Submitted>,
    errors: BTreeMap<String, String>,
    problems: Vec<String>,
    notice: Option<String>,
    saved: Option<&'static str>,
}

fn page(me: &CurrentUser, access: &Access, spec: &'static Spec, s: Shown<'_>) -> EditorPage {
    let index = SPECS
        .iter()
        .position(|x| x.section == spec.section)
        .unwrap_or(0);
    EditorPage {
        chrome: Chrome::from(me),
        id: access.partnership.id.to_string(),
        title: access.partnership.title.clone(),
        nav: SPECS
            .iter()
            .map(|x| NavItem {
                slug: x.section.as_str(),
                title: x.title,
                count: s.findings.iter().filter(|f| f.section == x.section).count(),
                current: x.section == spec.section,
            })
            .collect(),
        slug: spec.section.as_str(),
        heading: spec.title,
        intro: spec.intro,
        fieldsets: form::views(spec, s.doc, s.submitted, &s.errors),
        revision: s.revision,
        read_only: !access.is_partner(),
        findings: findings_of(s.findings, spec.section),
        problems: s.problems,
        notice: s.notice,
        saved: s.saved,
        next: SPECS.get(index + 1).map(|x| x.section.as_str()),
    }
}

fn spec_of(section: &str) -> Result<&'static Spec, AppError> {
    fields::spec(section).ok_or(AppError::NotFound)
}

async fn first_section(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    // Checked like every page naming a partnership: non-members get 404.
    let access = access::member(&state, &me.user, &id).await?;
    Ok(Redirect::to(&format!(
        "/p/{}/edit/context",
        access.partnership.id
    )))
}

async fn section_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<EditorPage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let spec = spec_of(&section)?;
    let agreement = access.draft()?;
    let review = review_now(&agreement, state.clock.now());
    let doc = json_of(&agreement)?;
    Ok(page(
        &me,
        &access,
        spec,
        Shown {
            doc: &doc,
            findings: &review.findings,
            revision: access.partnership.draft_revision,
            submitted: None,
            errors: BTreeMap::new(),
            problems: Vec::new(),
            notice: None,
            saved: q.saved.as_deref().and_then(fields::spec).map(|s| s.title),
        },
    ))
}

#[derive(serde::Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

/// Why a section could not be applied.
pub struct SectionProblem {
    /// Messages for fields of this page, by form name.
    pub fields: BTreeMap<String, String>,
    /// Problems with no field on this page.
    pub others: Vec<String>,
}

/// Applies a section form to an agreement, validating the result with the
/// engine. Pure: nothing is saved.
pub fn apply_section(
    spec: &Spec,
    agreement: &Agreement,
    form: &Submitted,
) -> Result<Result<Agreement, SectionProblem>, AppError> {
    let mut doc = json_of(agreement)?;
    if let Err(errors) = form::apply(spec, &mut doc, form) {
        return Ok(Err(SectionProblem {
            fields: errors,
            others: Vec::new(),
        }));
    }
    match from_json(&doc.to_string()) {
        Ok(a) => Ok(Ok(a)),
        Err(e) => {
            let mut errors = BTreeMap::new();
            let mut problems = Vec::new();
            for d in e.diagnostics {
                let name = d
                    .field
                    .as_deref()
                    .and_then(|path| form_field_of(&form::field_name(path), form));
                match name {
                    Some(n) if form.contains_key(&n) => {
                        errors.entry(n).or_insert(d.message);
                    }
                    _ => problems.push(d.message),
                }
            }
            Ok(Err(SectionProblem {
                fields: errors,
                others: problems,
            }))
        }
    }
}

/// The submitted field a value belongs to: itself, or the list field
/// (`agenda.items`) an item of it (`agenda.items.2`) came from.
fn form_field_of(path: &str, form: &Submitted) -> Option<String> {
    let mut name = path;
    loop {
        if form.contains_key(name) {
            return Some(name.to_owned());
        }
        let (head, last) = name.rsplit_once('.')?;
        last.parse::<usize>().ok()?;
        name = head;
    }
}

async fn save_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    CsrfForm { form: pairs, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    access.require_partner()?;
    let spec = spec_of(&section)?;
    let submitted = form::collect(&pairs);
    let revision: i64 = submitted
        .get("revision")
        .and_then(|v| v.first())
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| {
            AppError::invalid(
                "revision",
                "The form is missing the draft revision; reload the page.",
            )
        })?;
    let current = access.draft()?;
    let now = state.clock.now();
    let doc = json_of(&current)?;
    let again = |status: StatusCode, errors, problems, notice: Option<String>| {
        let review = review_now(&current, now);
        let shown = Shown {
            doc: &doc,
            findings: &review.findings,
            revision,
            submitted: Some(&submitted),
            errors,
            problems,
            notice,
            saved: None,
        };
        (status, page(&me, &access, spec, shown)).into_response()
    };
    let updated = match apply_section(spec, &current, &submitted)? {
        Ok(a) => a,
        Err(SectionProblem {
            fields: errors,
            others: problems,
        }) => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                problems,
                None,
            ));
        }
    };
    let text = to_toml(&updated).map_err(AppError::internal)?;
    match state
        .store
        .save_draft(&access.partnership.id, revision, &text, now)
        .await
    {
        Ok(_) => {
            // "Save and continue" names the next section; "Save" stays.
            let then = submitted
                .get("then")
                .and_then(|v| v.first())
                .and_then(|t| fields::spec(t))
                .map_or(spec.section.as_str(), |s| s.section.as_str());
            // The canonical id: the URL's may carry stray characters.
            let id = &access.partnership.id;
            Ok(Redirect::to(&format!("/p/{id}/edit/{then}?saved={section}")).into_response())
        }
        Err(accord_store::StoreError::Stale { expected, current }) => {
            let e = AppError::Stale { expected, current };
            Ok(again(
                StatusCode::CONFLICT,
                BTreeMap::new(),
                Vec::new(),
                Some(e.user_message()),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "findings.html")]
struct FindingsFragment {
    findings: Vec<FindingView>,
    problems: Vec<String>,
}

/// The findings the section would have if the form were saved as it is:
/// for live updates while typing. Saves nothing.
async fn preview(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    CsrfForm { form: pairs, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<FindingsFragment, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let spec = spec_of(&section)?;
    let current = access.draft()?;
    Ok(
        match apply_section(spec, &current, &form::collect(&pairs))? {
            Ok(updated) => {
                let review = review_now(&updated, state.clock.now());
                FindingsFragment {
                    findings: findings_of(&review.findings, spec.section),
                    problems: Vec::new(),
                }
            }
            Err(SectionProblem {
                fields: errors,
                others: problems,
            }) => FindingsFragment {
                findings: Vec::new(),
                problems: errors.into_values().chain(problems).collect(),
            },
        },
    )
}
