//! The JSON API under `/api/v1`, for scripts, with bearer tokens, and its
//! OpenAPI document at `/api/openapi.json`.

use axum::Router;

use crate::state::AppState;

/// The API routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
