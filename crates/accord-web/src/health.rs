//! `/healthz`: answers 200 when the app can reach its database, 503 when it
//! cannot, for load balancers and uptime checks.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use crate::state::AppState;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    // A cheap read that goes to the database.
    match state.store.user_by_email("healthz@invalid").await {
        Ok(_) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({ "status": "unavailable", "message": "The database cannot be reached." }),
                ),
            )
        }
    }
}
