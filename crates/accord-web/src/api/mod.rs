//! The JSON API under `/api/v1`, for scripts, with bearer tokens, and its
//! OpenAPI document at `/api/openapi.json`.
//!
//! The router and the document are built from the same list: every
//! operation is registered with `routes!`, which takes its path, method and
//! documentation from the handler's `#[utoipa::path]`, so the two cannot
//! drift apart. Handlers are thin: they call the functions the pages use
//! (`crate::partnerships`, `crate::versions`, `crate::accounts`) and answer
//! errors in one JSON shape ([`crate::error::ErrorBody`]).
//!
//! - `accounts`: `/me` and API tokens;
//! - `partnerships`: partnerships, members and invitations;
//! - `agreement`: the draft, its review and the guide;
//! - `versions`: signing, versions and comparing them;
//! - `checkins`: check-ins, preparation, notes, consequences; `pauses`: pauses;
//! - `standing`: a version's health report and the member's export;
//! - `docs`: the document's fixed parts; `support`: extractors,
//!   idempotency and the JSON error catch-all.

pub mod accounts;
pub mod agreement;
pub mod checkins;
pub mod docs;
pub mod idempotency;
pub mod me;
pub mod partnerships;
pub mod pauses;
pub mod recalibration;
pub mod standing;
pub mod support;
pub mod versions;

use std::sync::Arc;

use axum::extract::Extension;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Router, middleware};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The API routes, the document's route, and 404 in the JSON shape for any
/// other path under `/api`; errors made by axum or the body limit get the
/// JSON shape too.
pub fn router() -> Router<AppState> {
    let (routes, doc) = documented().split_for_parts();
    let doc = Arc::new(doc.to_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document could not be written");
        String::from("{}")
    }));
    routes
        .layer(Extension(doc))
        .route("/api", any(support::unknown_path))
        .route("/api/{*rest}", any(support::unknown_path))
        .layer(RequestBodyLimitLayer::new(crate::app::BODY_LIMIT))
        .layer(middleware::map_response(support::json_errors))
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> OpenApi {
    documented().into_openapi()
}

/// Every operation, registered once for both the router and the document.
/// One `routes!` per path: `routes!` gives every handler in it every path
/// in it.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .routes(routes!(get_openapi))
        .routes(routes!(accounts::get_me))
        .routes(routes!(accounts::create_token, accounts::list_tokens))
        .routes(routes!(accounts::delete_token))
        .routes(routes!(me::get_notifications, me::put_notifications))
        .routes(routes!(me::new_webhook_secret))
        .routes(routes!(me::create_calendar_feed, me::delete_calendar_feed))
        .routes(routes!(
            partnerships::list_partnerships,
            partnerships::create_partnership
        ))
        .routes(routes!(partnerships::get_partnership))
        .routes(routes!(
            partnerships::list_invitations,
            partnerships::create_invitation
        ))
        .routes(routes!(partnerships::withdraw_invitation))
        .routes(routes!(partnerships::remove_member))
        .routes(routes!(partnerships::accept_invitation))
        .routes(routes!(agreement::get_draft, agreement::put_draft))
        .routes(routes!(agreement::get_draft_toml))
        .routes(routes!(agreement::get_review))
        .routes(routes!(agreement::get_guide))
        .routes(routes!(versions::sign_draft))
        .routes(routes!(versions::list_versions))
        .routes(routes!(versions::get_version))
        .routes(routes!(versions::get_version_toml))
        .routes(routes!(versions::compare_versions))
        .routes(routes!(checkins::list_checkins))
        .routes(routes!(checkins::get_checkin, checkins::record_checkin))
        .routes(routes!(checkins::put_preparation))
        .routes(routes!(checkins::add_note))
        .routes(routes!(checkins::list_consequences))
        .routes(routes!(pauses::list_pauses, pauses::propose_pause))
        .routes(routes!(pauses::agree_pause))
        .routes(routes!(pauses::withdraw_pause))
        .routes(routes!(standing::get_health))
        .routes(routes!(standing::get_export))
        .routes(routes!(standing::get_coach_overview))
        .routes(routes!(
            recalibration::get_recalibration,
            recalibration::start_recalibration
        ))
}

/// This document.
///
/// Every operation of the API with its parameters, bodies, answers and
/// security. Needs no token.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object)),
)]
async fn get_openapi(Extension(doc): Extension<Arc<String>>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        doc.as_str().to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use utoipa::openapi::path::Operation;

    use super::*;

    fn operations() -> Vec<(String, String, Operation)> {
        let doc = openapi();
        let mut all = Vec::new();
        for (path, item) in doc.paths.paths {
            let methods = [
                ("GET", item.get),
                ("POST", item.post),
                ("PUT", item.put),
                ("DELETE", item.delete),
                ("PATCH", item.patch),
            ];
            for (method, op) in methods {
                if let Some(op) = op {
                    all.push((method.to_owned(), path.clone(), op));
                }
            }
        }
        all
    }

    #[test]
    fn operation_ids_are_unique() {
        let ops = operations();
        let ids: HashSet<_> = ops
            .iter()
            .filter_map(|(_, _, o)| o.operation_id.clone())
            .collect();
        assert_eq!(ids.len(), ops.len());
    }

    #[test]
    fn every_operation_but_two_needs_a_token_and_says_401() {
        let public = [("GET", "/api/openapi.json"), ("POST", "/api/v1/tokens")];
        for (method, path, op) in operations() {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            assert_eq!(
                secured,
                !public.contains(&(method.as_str(), path.as_str())),
                "{method} {path}"
            );
            if secured {
                assert!(
                    op.responses.responses.contains_key("401"),
                    "{method} {path}"
                );
            }
        }
    }

    #[test]
    fn ids_in_paths_can_be_not_found_and_bodies_invalid() {
        for (method, path, op) in operations() {
            let has = |s: &str| op.responses.responses.contains_key(s);
            if path.contains("{id}") || path.contains("{token") || path.contains("_id}") {
                assert!(has("404"), "{method} {path}");
            }
            if op.request_body.is_some() {
                assert!(has("422") && has("413"), "{method} {path}");
            }
        }
    }

    #[test]
    fn the_document_names_its_security_scheme() {
        let doc = openapi();
        let schemes = doc
            .components
            .map(|c| c.security_schemes)
            .unwrap_or_default();
        assert!(schemes.contains_key(docs::BEARER));
    }
}
