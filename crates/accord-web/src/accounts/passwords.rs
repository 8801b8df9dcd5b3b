//! Passwords: changing one (which ends every other session and every API
//! token of the account, the changing browser going on under a new session
//! id) and resetting a forgotten one by an e-mailed link (one use, one hour,
//! the same answer whether or not the account exists; it ends every
//! session and token too).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{FreshSession, account_view};
use crate::auth::csrf::CsrfForm;
use crate::auth::{ClientAddr, CurrentUser, Visitor, password, throttle, tokens};
use crate::error::AppError;
use crate::mail::Mail;
use crate::state::AppState;
use crate::views::Chrome;
use accord_store::User;

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    current: String,
    new: String,
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    me: CurrentUser,
    ClientAddr(addr): ClientAddr,
    CsrfForm { form, .. }: CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let problem = match password::check_new(&form.new, "new") {
        Err(e) => Some(e),
        Ok(()) => {
            throttle::check(&state, &me.user.email, &addr, true).await?;
            let ok =
                password::verify(form.current.clone(), Some(me.user.password_hash.clone())).await?;
            if !ok {
                // Counted like a failed login, so a stolen session cannot be
                // used to guess the password at leisure.
                throttle::failed(&state, &me.user.email, &addr).await?;
            }
            (!ok).then(|| AppError::invalid("current", "Your current password is not right."))
        }
    };
    if let Some(e) = problem {
        let page = account_view(&state, &me, None, Some(e.user_message()), None).await?;
        return Ok((e.status(), page).into_response());
    }
    let hash = password::hash(form.new.clone()).await?;
    // Every session and token ends with the old password, this browser's
    // session too: it continues under a new id, stored in the same
    // transaction, so a session id seen before the change is worth nothing.
    let fresh = FreshSession::new(&state)?;
    state
        .store
        .set_password(&me.user.id, &hash, Some(&fresh.row(&me.user)))
        .await?;
    let mut response = Redirect::to("/account?changed=password").into_response();
    fresh.set_cookie(&state, &mut response)?;
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "forgot.html")]
pub(super) struct ForgotPage {
    chrome: Chrome,
    sent: bool,
    can_mail: bool,
}

pub(super) async fn forgot_page(State(state): State<AppState>, visitor: Visitor) -> ForgotPage {
    ForgotPage {
        chrome: Chrome::from(&visitor),
        sent: false,
        can_mail: state.mailer.is_some(),
    }
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    email: String,
}

/// Makes a reset link for an account; shared with `accord user reset-link`.
pub async fn reset_link(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = tokens::new_token();
    let now = state.clock.now();
    let expires = now
        .checked_add(state.settings.reset_ttl)
        .map_err(AppError::internal)?;
    state
        .store
        .create_reset_token(&tokens::digest(&token), &user.id, now, expires)
        .await?;
    Ok(format!("{}/reset/{token}", state.settings.base_url))
}

pub(super) async fn forgot(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    CsrfForm { visitor, form }: CsrfForm<ForgotForm>,
) -> Result<ForgotPage, AppError> {
    // The answer is the same whether or not the account exists, so the form
    // cannot be used to find out who has one; the per-address throttle keeps
    // it from being used to flood someone's inbox.
    if let Some(mailer) = &state.mailer {
        throttle::check(&state, &format!("reset:{}", form.email), &addr, false).await?;
        throttle::failed(&state, &format!("reset:{}", form.email), &addr).await?;
        if let Some(user) = state.store.user_by_email(&form.email).await? {
            let link = reset_link(&state, &user).await?;
            let mail = Mail {
                to: user.email.clone(),
                subject: "Choose a new Accord password".into(),
                body: format!(
                    "Hello {},\n\nSomeone (we hope you) asked to reset the password of your Accord account.\n\
                     Choose a new one here; the link works once, for one hour:\n\n{link}\n\n\
                     If it was not you, ignore this message: your password stays as it is.\n",
                    user.name
                ),
                message_id: None,
            };
            if let Err(e) = mailer.send(mail).await {
                tracing::error!(error = %e, "password reset e-mail failed");
            }
        }
    }
    Ok(ForgotPage {
        chrome: Chrome::from(&visitor),
        sent: state.mailer.is_some(),
        can_mail: state.mailer.is_some(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reset.html")]
pub(super) struct ResetPage {
    chrome: Chrome,
    token: String,
    error: Option<String>,
}

pub(super) async fn reset_page(visitor: Visitor, Path(token): Path<String>) -> ResetPage {
    ResetPage {
        chrome: Chrome::from(&visitor),
        token,
        error: None,
    }
}

#[derive(Deserialize)]
pub(super) struct ResetForm {
    password: String,
}

pub(super) async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm { visitor, form }: CsrfForm<ResetForm>,
) -> Result<Response, AppError> {
    if let Err(e) = password::check_new(&form.password, "password") {
        let page = ResetPage {
            chrome: Chrome::from(&visitor),
            token,
            error: Some(e.user_message()),
        };
        return Ok((e.status(), page).into_response());
    }
    let hash = password::hash(form.password.clone()).await?;
    match state
        .store
        .reset_password(&tokens::digest(&token), &hash, state.clock.now())
        .await?
    {
        Some(_) => Ok(Redirect::to("/login?reset=1").into_response()),
        None => Err(AppError::Conflict(
            "This reset link has expired or was already used. Ask for a new one.".into(),
        )),
    }
}
