//! Accord's web application: server-rendered pages that work without
//! JavaScript, a JSON API under `/api/v1` described at `/api/openapi.json`,
//! and `/healthz`. Handlers are thin: each feature module goes from its
//! routes to the store, with the agreement engine (`accord-core`) doing the
//! domain work. The binary (`accord serve`) builds an [`AppState`] and calls
//! [`router`].

pub mod accounts;
pub mod api;
pub mod app;
pub mod auth;
pub mod clock;
pub mod editor;
pub mod error;
pub mod guide;
pub mod health;
pub mod mail;
pub mod partnerships;
pub mod state;
pub mod versions;
pub mod views;

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
