//! Accounts: sign up, log in and out, the account page and API tokens for
//! scripts; changing and resetting passwords are [`passwords`]'s. Pages
//! here; the JSON side of tokens is in `api::accounts`.

mod passwords;

pub use passwords::reset_link;

use accord_store::{ApiTokenId, NewSession, NewUser, TokenHash, User};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::{
    ClientAddr, CurrentUser, Visitor, cookies, password, safe_next, throttle, tokens, urlencode,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{Chrome, when};

/// The account pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route("/account/password", post(passwords::change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route(
            "/forgot",
            get(passwords::forgot_page).post(passwords::forgot),
        )
        .route(
            "/reset/{token}",
            get(passwords::reset_page).post(passwords::reset),
        )
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "signup.html")]
struct SignupPage {
    chrome: Chrome,
    error: Option<String>,
    name: String,
    email: String,
    next: String,
    next_encoded: String,
}

async fn signup_page(visitor: Visitor, Query(q): Query<Next>) -> SignupPage {
    let next = safe_next(q.next.as_deref()).to_owned();
    SignupPage {
        chrome: Chrome::from(&visitor),
        error: None,
        name: String::new(),
        email: String::new(),
        next_encoded: urlencode(&next),
        next,
    }
}

#[derive(Deserialize)]
struct SignupForm {
    name: String,
    email: String,
    password: String,
    next: Option<String>,
}

/// Checks and normalises what a new account needs; shared with the API.
pub fn check_signup(name: &str, email: &str, pw: &str) -> Result<(String, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "Enter your name as your partner knows it.",
        ));
    }
    if name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "A name can have at most 100 characters.",
        ));
    }
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if !plausible {
        return Err(AppError::invalid(
            "email",
            "Enter an e-mail address such as maya@example.org.",
        ));
    }
    password::check_new(pw, "password")?;
    Ok((name.to_owned(), email))
}

async fn signup(
    State(state): State<AppState>,
    CsrfForm { visitor, form }: CsrfForm<SignupForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref()).to_owned();
    let again = |error: String| SignupPage {
        chrome: Chrome::from(&visitor),
        error: Some(error),
        name: form.name.clone(),
        email: form.email.clone(),
        next_encoded: urlencode(&next),
        next: next.clone(),
    };
    let (name, email) = match check_signup(&form.name, &form.email, &form.password) {
        Ok(ok) => ok,
        Err(e) => return Ok((e.status(), again(e.user_message())).into_response()),
    };
    let hash = password::hash(form.password.clone()).await?;
    let user = match state
        .store
        .create_user(&NewUser {
            email: &email,
            name: &name,
            password_hash: &hash,
            now: state.clock.now(),
        })
        .await
    {
        Ok(u) => u,
        Err(accord_store::StoreError::Conflict(_)) => {
            let e = AppError::Conflict(
                "An account already uses this e-mail address. Log in, or reset its password."
                    .into(),
            );
            return Ok((e.status(), again(e.user_message())).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    start_session(&state, &user, visitor.session.as_ref(), None, &next).await
}

/// A session about to be stored: the secret for the cookie, its digest
/// and CSRF token for the store.
pub(super) struct FreshSession {
    secret: String,
    digest: TokenHash,
    csrf: String,
    now: jiff::Timestamp,
    expires_at: jiff::Timestamp,
}

impl FreshSession {
    pub(super) fn new(state: &AppState) -> Result<Self, AppError> {
        let now = state.clock.now();
        let secret = tokens::new_token();
        Ok(Self {
            digest: tokens::digest(&secret),
            secret,
            csrf: tokens::new_token(),
            now,
            expires_at: now
                .checked_add(state.settings.session_ttl)
                .map_err(AppError::internal)?,
        })
    }

    pub(super) fn row<'a>(&'a self, user: &'a User) -> NewSession<'a> {
        NewSession {
            id: &self.digest,
            user: &user.id,
            csrf_token: &self.csrf,
            now: self.now,
            expires_at: self.expires_at,
        }
    }

    /// Adds the session cookie to `response`.
    pub(super) fn set_cookie(
        &self,
        state: &AppState,
        response: &mut Response,
    ) -> Result<(), AppError> {
        let ttl = state.settings.session_ttl.as_secs();
        let secure = state.settings.secure_cookies();
        append_cookie(
            response,
            &cookies::set(cookies::SESSION, &self.secret, ttl, secure),
        )
    }
}

fn append_cookie(response: &mut Response, cookie: &str) -> Result<(), AppError> {
    let value = HeaderValue::from_str(cookie).map_err(AppError::internal)?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(())
}

/// Logs `user` in with a brand-new session id (never reusing one the
/// browser brought), ends the browser's previous session, marks the browser
/// as known to the account, and redirects to `next`.
async fn start_session(
    state: &AppState,
    user: &User,
    previous: Option<&TokenHash>,
    device: Option<&str>,
    next: &str,
) -> Result<Response, AppError> {
    if let Some(old) = previous {
        state.store.delete_session(old).await?;
    }
    let fresh = FreshSession::new(state)?;
    state.store.create_session(&fresh.row(user)).await?;
    let device = device.map_or_else(tokens::new_token, str::to_owned);
    state
        .store
        .remember_device(&tokens::digest(&device), &user.id, fresh.now)
        .await?;
    let mut response = Redirect::to(next).into_response();
    fresh.set_cookie(state, &mut response)?;
    let secure = state.settings.secure_cookies();
    append_cookie(
        &mut response,
        &cookies::set(cookies::DEVICE, &device, 60 * 60 * 24 * 365, secure),
    )?;
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    notice: Option<String>,
    error: Option<String>,
    email: String,
    next: String,
    next_encoded: String,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    reset: Option<String>,
}

async fn login_page(visitor: Visitor, Query(q): Query<LoginQuery>) -> LoginPage {
    let next = safe_next(q.next.as_deref()).to_owned();
    LoginPage {
        chrome: Chrome::from(&visitor),
        notice: q.reset.map(|_| {
            "Your password has been changed, and every session and API token of your \
                 account has ended. Log in with the new password."
                .to_owned()
        }),
        error: None,
        email: String::new(),
        next_encoded: urlencode(&next),
        next,
    }
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// Checks an e-mail and password under the throttling rules; shared with
/// the API's token endpoint.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    pw: &str,
    addr: &str,
    device: Option<&str>,
) -> Result<User, AppError> {
    let user = state.store.user_by_email(email).await?;
    let device = device.map(tokens::digest);
    let known =
        throttle::known_device(state, device.as_ref(), user.as_ref().map(|u| &u.id)).await?;
    throttle::check(state, email, addr, known).await?;
    let ok = password::verify(
        pw.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    match user {
        Some(user) if ok => {
            throttle::succeeded(state, email, addr).await?;
            Ok(user)
        }
        _ => {
            throttle::failed(state, email, addr).await?;
            Err(AppError::Invalid {
                field: Some("password".into()),
                message: "That e-mail address and password do not match an account.".into(),
            })
        }
    }
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    CsrfForm { visitor, form }: CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref()).to_owned();
    let device = cookies::get(&headers, cookies::DEVICE);
    match authenticate(&state, &form.email, &form.password, &addr, device).await {
        Ok(user) => start_session(&state, &user, visitor.session.as_ref(), device, &next).await,
        Err(e @ (AppError::Invalid { .. } | AppError::TooManyRequests(_))) => {
            let page = LoginPage {
                chrome: Chrome::from(&visitor),
                notice: None,
                error: Some(e.user_message()),
                email: form.email.clone(),
                next_encoded: urlencode(&next),
                next,
            };
            let status = if matches!(e, AppError::Invalid { .. }) {
                axum::http::StatusCode::UNAUTHORIZED
            } else {
                e.status()
            };
            let mut response = (status, page).into_response();
            // Like every other 429: say when to come back.
            if let AppError::TooManyRequests(secs) = e {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn logout(
    State(state): State<AppState>,
    CsrfForm { visitor, .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    if let Some(session) = &visitor.session {
        state.store.delete_session(session).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    let cookie = cookies::clear(cookies::SESSION, state.settings.secure_cookies());
    let value = HeaderValue::from_str(&cookie).map_err(AppError::internal)?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(response)
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    notice: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
    tokens: Vec<TokenRow>,
}

struct TokenRow {
    id: String,
    label: String,
    created: String,
    last_used: Option<String>,
}

pub(super) async fn account_view(
    state: &AppState,
    me: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
) -> Result<AccountPage, AppError> {
    let tokens = state
        .store
        .api_tokens(&me.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            label: t.label,
            created: when(t.created_at),
            last_used: t.last_used_at.map(when),
        })
        .collect();
    Ok(AccountPage {
        chrome: Chrome::from(me),
        name: me.user.name.clone(),
        email: me.user.email.clone(),
        notice,
        error,
        new_token,
        tokens,
    })
}

#[derive(Deserialize)]
struct AccountQuery {
    changed: Option<String>,
}

async fn account_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<AccountQuery>,
) -> Result<AccountPage, AppError> {
    let notice = q.changed.filter(|c| c == "password").map(|_| {
        "Password changed. Every other browser has been logged out and every API token of \
         your account has stopped working; this browser stays logged in. Make a new token \
         below for each script that used one."
            .to_owned()
    });
    account_view(&state, &me, notice, None, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    label: String,
}

/// Checks an API token's label; shared with the API.
pub fn check_label(label: &str) -> Result<String, AppError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(AppError::invalid(
            "label",
            "Give the token a label of 1 to 100 characters, so you know what uses it.",
        ));
    }
    Ok(label.to_owned())
}

async fn create_token(
    State(state): State<AppState>,
    me: CurrentUser,
    CsrfForm { form, .. }: CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    let label = match check_label(&form.label) {
        Ok(l) => l,
        Err(e) => {
            let page = account_view(&state, &me, None, Some(e.user_message()), None).await?;
            return Ok((e.status(), page).into_response());
        }
    };
    let token = tokens::new_token();
    state
        .store
        .create_api_token(
            &tokens::digest(&token),
            &me.user.id,
            &label,
            state.clock.now(),
        )
        .await?;
    Ok(account_view(&state, &me, None, None, Some(token))
        .await?
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    CsrfForm { .. }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let id = ApiTokenId::parse(&id).ok_or(AppError::NotFound)?;
    if !state.store.delete_api_token(&me.user.id, &id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/account").into_response())
}
