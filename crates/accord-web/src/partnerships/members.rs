//! Ending a coach's part in a partnership. A coach sees a partnership's
//! health only with the partners' consent, so consent can be withdrawn:
//! either partner removes the coach, and a coach can leave, at any time.
//! The coach's notes stay, under their name. Partners are never removed:
//! the agreement and its history belong to both of them.
//!
//! `POST /p/{id}/members/{user}/remove` on the page and `DELETE
//! /api/v1/partnerships/{id}/members/{user_id}` in the API share
//! [`remove`].

use accord_store::{Role, User, UserId};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use super::access::{self, Access};
use crate::accounts::Empty;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::state::AppState;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/p/{id}/members/{user}/remove", post(remove_page))
}

/// Removes the member `target` (given as in a URL) from the partnership:
/// the coach, by a partner or by the coach themselves. 404 for someone who
/// is not a member, 403 for a partner or for a coach removing someone
/// else.
pub async fn remove(
    state: &AppState,
    access: &Access,
    me: &User,
    target: &str,
) -> Result<(), AppError> {
    let target = UserId::parse(target).ok_or(AppError::NotFound)?;
    let members = state.store.members(&access.partnership.id).await?;
    let member = members
        .iter()
        .find(|m| m.user_id == target)
        .ok_or(AppError::NotFound)?;
    if member.role == Role::Partner {
        return Err(AppError::Forbidden(
            "A partner cannot be removed: the agreement and its history belong to both \
             partners. To stop, let the agreement lapse or agree a last version together."
                .into(),
        ));
    }
    if !access.is_partner() && target != me.id {
        return Err(AppError::Forbidden(
            "Only the partners can remove a coach; you can leave yourself.".into(),
        ));
    }
    if !state
        .store
        .remove_coach(&access.partnership.id, &target)
        .await?
    {
        // Removed a moment ago by someone else.
        return Err(AppError::NotFound);
    }
    tracing::info!(partnership = %access.partnership.id, coach = %target, by = %me.id, "coach removed");
    Ok(())
}

async fn remove_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, user)): Path<(String, String)>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    remove(&state, &access, &me.user, &user).await?;
    // A coach who left has nothing more to see here.
    let to = if user == me.user.id.as_str() {
        "/".to_owned()
    } else {
        format!("/p/{}", access.partnership.id)
    };
    Ok(Redirect::to(&to).into_response())
}
