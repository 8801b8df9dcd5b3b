//! The coach's guide for the current draft (framing, what to watch, the
//! debrief order, red flags) and the whole review on one page. Members of
//! the partnership only; coaches included.

use accord_core::review::Section;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::editor::FindingView;
use crate::error::AppError;
use crate::partnerships::{access, review_now};
use crate::state::AppState;
use crate::views::Chrome;

/// The guide route.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/guide", get(guide_page))
}

struct Step {
    topic: &'static str,
    prompt: String,
    rules: String,
}

struct Watch {
    rule: &'static str,
    found: usize,
}

struct SectionFindings {
    slug: &'static str,
    title: &'static str,
    findings: Vec<FindingView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    id: String,
    title: String,
    scenario: String,
    framing: Vec<String>,
    watch: Vec<Watch>,
    steps: Vec<Step>,
    red_flags: Vec<(&'static str, String)>,
    sections: Vec<SectionFindings>,
    high: usize,
    medium: usize,
    low: usize,
}

async fn guide_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Result<GuidePage, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    let agreement = access.draft()?;
    let review = review_now(&agreement, state.clock.now());
    let g = accord_core::guide(&agreement, &review.findings);
    Ok(GuidePage {
        chrome: Chrome::from(&me),
        title: access.partnership.title.clone(),
        id,
        scenario: g.scenario.to_string(),
        framing: g.framing.clone(),
        watch: g
            .watch
            .iter()
            .map(|r| Watch {
                rule: r.id(),
                found: review.findings.iter().filter(|f| f.rule == *r).count(),
            })
            .collect(),
        steps: g
            .debrief
            .iter()
            .map(|s| Step {
                topic: s.topic.as_str(),
                prompt: s.prompt.clone(),
                rules: s
                    .findings
                    .iter()
                    .map(|r| r.id())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        red_flags: g
            .red_flags
            .iter()
            .map(|f| (f.rule.id(), f.prompt.clone()))
            .collect(),
        sections: Section::ALL
            .iter()
            .map(|s| SectionFindings {
                slug: s.as_str(),
                title: s.title(),
                findings: review
                    .findings
                    .iter()
                    .filter(|f| f.section == *s)
                    .map(FindingView::from)
                    .collect(),
            })
            .filter(|s| !s.findings.is_empty())
            .collect(),
        high: review.summary.high,
        medium: review.summary.medium,
        low: review.summary.low,
    })
}
