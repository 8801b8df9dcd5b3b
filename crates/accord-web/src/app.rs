//! The router: every feature's routes, and the layers around them (request
//! ids and structured request logs, the request deadline and NUL guard,
//! body size limit, CSRF, security headers). One place assembles them so the order of layers is visible.

use axum::Router;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::csrf;
use crate::error::AppError;
use crate::state::AppState;
use crate::{
    accounts, api, calendar, checkins, editor, guide, health, limits, partnerships, pauses,
    settings, versions,
};

/// The largest request body accepted: an agreement file is a few kilobytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let pages = Router::new()
        .merge(accounts::router())
        .merge(partnerships::router())
        .merge(editor::router())
        .merge(versions::router())
        .merge(guide::router())
        .merge(settings::router())
        .merge(checkins::router())
        .merge(crate::dashboard::router())
        .merge(crate::recalibration::router())
        .merge(crate::coach::router())
        .merge(pauses::router())
        .merge(crate::export::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::ensure_cookie,
        ))
        .layer(middleware::from_fn(csrf::reject_cross_site))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    // The API applies the same limit inside its own layers, so that a body
    // that is too large is refused in its JSON error shape.
    Router::new()
        .merge(pages)
        .merge(api::router())
        .merge(health::router())
        .merge(calendar::router())
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(limits::refuse_nul_in_address))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::deadline,
        ))
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
                })
                // One line per request at the default level: status and latency.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

async fn css() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
}
