//! Comparing two versions (or a version and the current draft) side by
//! side, line by line, with what changed marked.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::{load, number};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::partnerships::access::{self, Access};
use crate::state::AppState;
use crate::views::Chrome;

/// The compare route.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/compare", get(compare_page))
}

/// One row of a side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffRow {
    /// `same`, `changed`, `removed` or `added`.
    pub kind: &'static str,
    /// Line number on the left, if the row has a left line.
    pub left_line: Option<usize>,
    /// The left text.
    pub left: String,
    /// Line number on the right.
    pub right_line: Option<usize>,
    /// The right text.
    pub right: String,
}

/// Side-by-side rows for two texts.
pub fn diff(old: &str, new: &str) -> Vec<DiffRow> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut rows = Vec::new();
    let row = |kind, l: Option<usize>, r: Option<usize>| DiffRow {
        kind,
        left_line: l.map(|i| i + 1),
        left: l
            .and_then(|i| a.get(i))
            .map_or(String::new(), |s| (*s).to_owned()),
        right_line: r.map(|i| i + 1),
        right: r
            .and_then(|i| b.get(i))
            .map_or(String::new(), |s| (*s).to_owned()),
    };
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                rows.extend(
                    (0..len).map(|k| row("same", Some(old_index + k), Some(new_index + k))),
                );
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                rows.extend((0..old_len).map(|k| row("removed", Some(old_index + k), None)));
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                rows.extend((0..new_len).map(|k| row("added", None, Some(new_index + k))));
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for k in 0..old_len.max(new_len) {
                    let l = (k < old_len).then_some(old_index + k);
                    let r = (k < new_len).then_some(new_index + k);
                    let kind = match (l, r) {
                        (Some(_), Some(_)) => "changed",
                        (Some(_), None) => "removed",
                        _ => "added",
                    };
                    rows.push(row(kind, l, r));
                }
            }
        }
    }
    rows
}

/// `draft` or a version number.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Sides {
    /// The older side: a version number or `draft`.
    pub from: String,
    /// The newer side: a version number or `draft`.
    pub to: String,
}

/// The compare page's query: both sides may be missing from a hand-made URL.
#[derive(Debug, Deserialize)]
pub struct PageSides {
    from: Option<String>,
    to: Option<String>,
}

/// The label and text of one side; `field` names the side (`from` or
/// `to`) in errors.
pub async fn side(
    state: &AppState,
    access: &Access,
    field: &'static str,
    which: &str,
) -> Result<(String, String), AppError> {
    let which = which.trim();
    if which == "draft" {
        return Ok((
            format!("Draft (revision {})", access.partnership.draft_revision),
            access.partnership.draft.clone(),
        ));
    }
    let n = which.parse::<i64>().map_err(|_| {
        AppError::invalid(
            field,
            format!("Choose a version number or \"draft\", not {which:?}."),
        )
    })?;
    let v = load(state, access, number(&n.to_string())?).await?;
    Ok((format!("Version {}", v.number), v.toml))
}

#[derive(Template, WebTemplate)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    id: String,
    title: String,
    left: String,
    right: String,
    rows: Vec<DiffRow>,
    changes: usize,
}

async fn compare_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Query(sides): Query<PageSides>,
) -> Result<ComparePage, AppError> {
    // Membership first: an outsider learns nothing from a bad query.
    let access = access::member(&state, &me.user, &id).await?;
    let pick = |v: Option<String>, field: &'static str| {
        v.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| AppError::invalid(field, "Choose the two versions to compare."))
    };
    let (from, to) = (pick(sides.from, "from")?, pick(sides.to, "to")?);
    let (left, old) = side(&state, &access, "from", &from).await?;
    let (right, new) = side(&state, &access, "to", &to).await?;
    let rows = diff(&old, &new);
    Ok(ComparePage {
        chrome: Chrome::from(&me),
        id,
        title: access.partnership.title.clone(),
        left,
        right,
        changes: rows.iter().filter(|r| r.kind != "same").count(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_added_and_removed_lines() {
        let rows = diff("a\nb\nc\n", "a\nB\nc\nd\n");
        let kinds: Vec<&str> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, ["same", "changed", "same", "added"]);
        assert_eq!((rows[1].left.as_str(), rows[1].right.as_str()), ("b", "B"));
        assert_eq!(rows[3].right_line, Some(4));
        let rows = diff("a\nb\n", "a\n");
        assert_eq!(rows[1].kind, "removed");
        assert_eq!(rows[1].left_line, Some(2));
    }

    #[test]
    fn identical_texts_have_no_changes() {
        assert!(diff("x\ny", "x\ny").iter().all(|r| r.kind == "same"));
    }
}
