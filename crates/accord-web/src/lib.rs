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
pub mod limits;
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
///
/// The connections are hyper's own rather than `axum::serve`'s so that a
/// client gets [`Settings::header_read_timeout`] to send its headers: one
/// that trickles a byte every few seconds is cut off instead of holding a
/// connection open for ever (the request deadline then covers the body and
/// the handler, [`limits::deadline`]). On shutdown the listener closes,
/// requests in progress finish, idle connections close.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::response::IntoResponse;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.settings.header_read_timeout);
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather
                    // than spin; the listener itself is still good.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are small and written whole: send them at once rather
        // than wait for the client's acknowledgement of the last packet.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "could not set TCP_NODELAY");
        }
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                // Each request runs to its end in a task of its own, even
                // when its client goes away. Dropped halfway, a request
                // could leave a database connection inside a transaction
                // that sqlx no longer tracks, and the pool would hand it
                // to the next request, which then fails ("begin_with at
                // non-zero transaction depth" on SQLite, "there is already
                // a transaction in progress" on PostgreSQL).
                let handled = tokio::spawn(app.clone().oneshot(request.map(axum::body::Body::new)));
                async move {
                    match handled.await {
                        Ok(answered) => answered,
                        Err(e) => {
                            tracing::error!(%peer, error = %e, "a request's task ended without an answer");
                            Ok(axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response())
                        }
                    }
                }
            },
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // A client that went away or was too slow: routine.
                tracing::debug!(%peer, error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
