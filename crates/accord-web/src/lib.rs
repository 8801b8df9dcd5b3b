//! Accord's web application: server-rendered pages that work without
//! JavaScript, a JSON API under `/api/v1` described at `/api/openapi.json`,
//! and `/healthz`. Handlers are thin: each feature module goes from its
//! routes to the store, with the agreement engine (`accord-core`) doing the
//! domain work. The binary (`accord serve`) builds an [`AppState`] and calls
//! [`router`] (or [`serve`]).
//!
//! ```
//! use std::sync::Arc;
//! use accord_web::{AppState, FixedClock, Settings, router};
//! use axum::body::Body;
//! use axum::http::Request;
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! let url = format!("sqlite://{}", dir.path().join("accord.db").display());
//! let store = accord_store::Db::connect(&url).await?.into_shared();
//! let clock = Arc::new(FixedClock::new("2026-03-02T09:00:00Z".parse()?));
//! let app = router(AppState::new(store, clock, None, Settings::new("http://localhost:8080")));
//!
//! let response = app.oneshot(Request::get("/healthz").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod accounts;
pub mod api;
pub mod app;
pub mod auth;
pub mod calendar;
pub mod checkins;
pub mod clock;
pub mod coach;
pub mod dashboard;
pub mod editor;
pub mod error;
pub mod export;
pub mod guide;
pub mod health;
pub mod mail;
pub mod partnerships;
pub mod pauses;
pub mod recalibration;
pub mod running;
pub mod settings;
pub mod state;
pub mod versions;
pub mod views;
pub mod webhook;
pub mod worker;

pub use app::router;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{ApiError, AppError};
pub use mail::{Mail, Mailer, Outbox, SmtpMailer, SmtpSettings};
pub use state::{AppState, Settings};

/// Serves the app on `listener` until `shutdown` completes, passing client
/// addresses to the handlers (login throttling needs them).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
