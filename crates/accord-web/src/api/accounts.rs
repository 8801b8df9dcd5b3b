//! Accounts over the API: who the token belongs to, and API tokens. A
//! script gets its first token with the account's e-mail address and
//! password, checked and throttled exactly like logging in.

use accord_store::{ApiToken, ApiTokenId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::docs::{Invalid, NotFound, RateLimited, TooLarge, Unauthenticated};
use super::support::{ApiJson, ApiPath, error_response};
use crate::accounts::{authenticate, check_label};
use crate::auth::{ApiUser, ClientAddr, tokens};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::state::AppState;

/// The account behind the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// The name partners see.
    pub name: String,
    /// The e-mail address, lower-cased.
    pub email: String,
    /// When the account was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// Who the caller is.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account the token belongs to.", body = Me),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn get_me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.id.to_string(),
        name: user.name,
        email: user.email,
        created_at: user.created_at,
    })
}

/// What a new token needs.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The account's e-mail address.
    pub email: String,
    /// Its password.
    pub password: String,
    /// What the token is for, 1 to 100 characters (e.g. "weekly report
    /// script"); it is listed on the account page.
    pub label: String,
}

/// A new API token. `token` is shown this once: only its digest is kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// The token's id, for revoking it.
    #[schema(format = "uuid")]
    pub id: String,
    /// The secret to send as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// Its label.
    pub label: String,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// An API token as listed (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    /// Its id.
    #[schema(format = "uuid")]
    pub id: String,
    /// Its label.
    pub label: String,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it was last used, to the minute; `null` if never.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

impl From<ApiToken> for TokenInfo {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            label: t.label,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// Makes an API token from an e-mail address and password.
///
/// This is how a script gets in. Failed attempts count towards the same
/// limits as failed logins. Needs no bearer token. `Idempotency-Key` is not
/// honoured here, because the secret is shown once and never stored.
#[utoipa::path(
    post, path = "/api/v1/tokens", tag = "accounts",
    request_body = TokenRequest,
    responses(
        (status = 201, description = "The token; its secret is shown this once.", body = NewToken),
        (status = 401, description = "The e-mail address and password do not match an account (`unauthenticated`, field `password`).", body = ErrorBody),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited),
    ),
)]
pub async fn create_token(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    let label = check_label(&input.label)?;
    let user = match authenticate(&state, &input.email, &input.password, &addr, None).await {
        Ok(user) => user,
        Err(AppError::Invalid { message, field }) => {
            return Ok(error_response(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                &message,
                field.as_deref(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let token = tokens::new_token();
    let stored = state
        .store
        .create_api_token(&tokens::digest(&token), &user.id, &label, state.clock.now())
        .await?;
    let body = NewToken {
        id: stored.id.to_string(),
        token,
        label: stored.label,
        created_at: stored.created_at,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The caller's API tokens, oldest first.
#[utoipa::path(
    get, path = "/api/v1/tokens", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's tokens (never their secrets).", body = Vec<TokenInfo>),
        (status = 401, response = Unauthenticated),
    ),
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let list = state.store.api_tokens(&user.id).await?;
    Ok(Json(list.into_iter().map(TokenInfo::from).collect()))
}

/// Revokes one of the caller's API tokens (the one in use, too).
#[utoipa::path(
    delete, path = "/api/v1/tokens/{token_id}", tag = "accounts",
    security(("bearer" = [])),
    params(("token_id" = String, Path, description = "The token's id (not its secret).")),
    responses(
        (status = 204, description = "Revoked: the token no longer works."),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    ),
)]
pub async fn delete_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = ApiTokenId::parse(&id).ok_or(AppError::NotFound)?;
    if !state.store.delete_api_token(&user.id, &id).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(StatusCode::NO_CONTENT)
}
