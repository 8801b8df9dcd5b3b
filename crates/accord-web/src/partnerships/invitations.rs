//! Invitations: a partner invites the other partner or a coach with a link
//! that works once and expires. The link is e-mailed when SMTP is set up and
//! always shown to the inviter, once (only its digest is stored).

use accord_store::{
    Invitation, InvitationId, Keyed, Membership, NewInvitation, PartnershipId, Role, User,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;

use super::access::{self, Access, parse_stored};
use super::{PARTNER_PLACEHOLDER, overview_page};
use crate::accounts::Empty;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, Visitor, tokens, urlencode};
use crate::error::AppError;
use crate::mail::Mail;
use crate::state::AppState;
use crate::views::{Chrome, when};

/// The invitation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/invitations", post(invite_page))
        .route("/p/{id}/invitations/{inv}/withdraw", post(withdraw_page))
        .route("/invite/{token}", get(accept_page).post(accept_form))
}

/// A pending invitation as listed.
pub struct InvitationRow {
    /// Its id.
    pub id: String,
    /// The role it grants.
    pub role: &'static str,
    /// Who it was sent to.
    pub email: String,
    /// When it expires.
    pub expires: String,
}

/// The partnership's invitations that can still be used.
pub async fn rows(
    state: &AppState,
    id: &PartnershipId,
    now: Timestamp,
) -> Result<Vec<InvitationRow>, AppError> {
    Ok(state
        .store
        .invitations(id)
        .await?
        .into_iter()
        .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
        .map(|i| InvitationRow {
            id: i.id.to_string(),
            role: i.role.as_str(),
            email: i.email.unwrap_or_default(),
            expires: when(i.expires_at),
        })
        .collect())
}

/// What an invitation needs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InviteInput {
    /// `partner` or `coach`.
    pub role: String,
    /// Where to e-mail the link (optional).
    #[serde(default)]
    pub email: Option<String>,
}

/// Makes an invitation and returns it with its link; shared with the API,
/// which keys it (its answer is made from the invitation and its link).
pub async fn invite(
    state: &AppState,
    access: &Access,
    user: &User,
    input: &InviteInput,
    keyed: Option<Keyed<(Invitation, String)>>,
) -> Result<(Invitation, String), AppError> {
    access.require_partner()?;
    let role = Role::parse(input.role.trim()).ok_or_else(|| {
        AppError::invalid("role", "Choose whom to invite: \"partner\" or \"coach\".")
    })?;
    let id = &access.partnership.id;
    let members = state.store.members(id).await?;
    if members.iter().filter(|m| m.role == role).count() >= role.capacity() {
        return Err(AppError::invalid(
            "role",
            format!("This partnership already has its {}.", role.as_str()),
        ));
    }
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(e) = email
        && !(e.contains('@') && e.len() <= 254 && !e.contains(char::is_whitespace))
    {
        return Err(AppError::invalid(
            "email",
            "Enter an e-mail address such as jonas@example.org, or leave it empty.",
        ));
    }
    let token = tokens::new_token();
    let now = state.clock.now();
    let expires_at = now
        .checked_add(state.settings.invitation_ttl)
        .map_err(AppError::internal)?;
    let link = format!("{}/invite/{token}", state.settings.base_url);
    let keyed = keyed.map(|k| {
        let link = link.clone();
        k.map(move |i: &Invitation| (i.clone(), link.clone()))
    });
    let new = NewInvitation {
        token: &tokens::digest(&token),
        partnership: id,
        role,
        email,
        invited_by: &user.id,
        now,
        expires_at,
    };
    let invitation = state
        .store
        .create_invitation_keyed(&new, keyed.as_ref())
        .await?;
    if let (Some(mailer), Some(to)) = (&state.mailer, email) {
        let what = if role == Role::Coach {
            "coach"
        } else {
            "accountability partner"
        };
        let mail = Mail {
            to: to.to_owned(),
            subject: format!("{} invites you to Accord", user.name),
            body: format!(
                "{} invites you to be the {what} in \"{}\" on Accord, where you agree explicitly on what your check-ins cover, what happens after a miss and when you look at it again.\n\nJoin here (the link works once, until {}):\n\n{link}\n",
                user.name,
                access.partnership.title,
                when(expires_at)
            ),
            message_id: None,
        };
        if let Err(e) = mailer.send(mail).await {
            tracing::error!(error = %e, "invitation e-mail failed");
        }
    }
    Ok((invitation, link))
}

async fn invite_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { form, .. }: CsrfForm<InviteInput>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    match invite(&state, &access, &me.user, &form, None).await {
        Ok((_, link)) => Ok(overview_page(&state, &me, &access, Some(link), None)
            .await?
            .into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let page = overview_page(&state, &me, &access, None, Some(e.user_message())).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn withdraw_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path((id, inv)): Path<(String, String)>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let access = access::member(&state, &me.user, &id).await?;
    withdraw(&state, &access, &inv).await?;
    Ok(Redirect::to(&format!("/p/{}", access.partnership.id)).into_response())
}

/// Withdraws an unused invitation; shared with the API.
pub async fn withdraw(state: &AppState, access: &Access, inv: &str) -> Result<(), AppError> {
    access.require_partner()?;
    let inv = InvitationId::parse(inv).ok_or(AppError::NotFound)?;
    if state
        .store
        .withdraw_invitation(&access.partnership.id, &inv)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Accepts an invitation at `now`; shared with the API, which keys it. A
/// partner who joins takes the place of the draft's placeholder party,
/// under their own name, in the same transaction.
pub async fn accept(
    state: &AppState,
    user: &User,
    token: &str,
    now: Timestamp,
    keyed: Option<Keyed<Membership>>,
) -> Result<Membership, AppError> {
    let (name, email) = (user.name.clone(), user.email.clone());
    let redraft = move |draft: &str| {
        // A draft that does not read (never written so by Accord) keeps
        // its placeholder for the partners to fill in.
        let mut agreement = parse_stored(draft).ok()?;
        let party = agreement
            .parties
            .iter_mut()
            .find(|x| x.name == PARTNER_PLACEHOLDER)?;
        party.name = name.clone();
        party.email = Some(email.clone());
        accord_core::to_toml(&agreement).ok()
    };
    Ok(state
        .store
        .accept_invitation_keyed(
            &tokens::digest(token),
            &user.id,
            now,
            Some(&redraft),
            keyed.as_ref(),
        )
        .await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "invite.html")]
struct AcceptPage {
    chrome: Chrome,
    token: String,
    logged_in: bool,
    next_encoded: String,
    problem: Option<String>,
    title: String,
    role: &'static str,
    invited_by: String,
}

async fn accept_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let invitation = state
        .store
        .invitation_by_token(&tokens::digest(&token))
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let problem = if invitation.accepted_at.is_some() {
        Some("This invitation has already been used. Ask for a new one if you still need to join.")
    } else if invitation.expires_at <= now {
        Some("This invitation has expired. Ask for a new one.")
    } else {
        None
    };
    // A used or expired link no longer says which partnership it was for
    // or who sent it: whoever holds it now may not be whom it was sent to.
    let (title, invited_by) = match problem {
        None => (invitation.partnership_title, invitation.invited_by),
        Some(_) => (String::new(), String::new()),
    };
    let page = AcceptPage {
        chrome: Chrome::from(&visitor),
        next_encoded: urlencode(&format!("/invite/{token}")),
        token,
        logged_in: visitor.user.is_some(),
        problem: problem.map(str::to_owned),
        title,
        role: invitation.role.as_str(),
        invited_by,
    };
    let status = if problem.is_some() {
        axum::http::StatusCode::GONE
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, page).into_response())
}

async fn accept_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(token): Path<String>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let membership = accept(&state, &me.user, &token, state.clock.now(), None).await?;
    Ok(Redirect::to(&format!("/p/{}", membership.partnership.id)).into_response())
}
