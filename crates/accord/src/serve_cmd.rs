//! `accord serve`: opens the database (running migrations), starts the web
//! app, logs each request as one JSON line with its request id, and shuts
//! down cleanly on Ctrl-C or SIGTERM.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use accord_store::Store;
use accord_web::{AppState, Mailer, SmtpMailer, SystemClock};
use anyhow::{Context, anyhow};
use tracing_subscriber::EnvFilter;

use crate::cli::ServerArgs;
use crate::config;

/// Runs the server until it is stopped.
pub fn run(args: ServerArgs) -> anyhow::Result<ExitCode> {
    let config = config::load(args)?;
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_env("ACCORD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
    runtime.block_on(serve(config))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: config::Config) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let mailer: Option<Arc<dyn Mailer>> = match &config.smtp {
        Some(smtp) => Some(Arc::new(SmtpMailer::new(smtp).map_err(|e| anyhow!("{e}"))?)),
        None => None,
    };
    let store = db.into_shared();
    let state = AppState::new(
        store.clone(),
        Arc::new(SystemClock),
        mailer,
        config.settings(),
    );
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    let address = listener
        .local_addr()
        .context("could not read the listening address")?;
    println!(
        "Accord is running at http://{address} (database: {})",
        redact(&config.database_url)
    );
    tracing::info!(%address, "listening");
    tokio::spawn(housekeeping(store));
    accord_web::serve(listener, state, shutdown())
        .await
        .context("the server stopped with an error")
}

/// Deletes expired sessions, reset tokens and old login failures, every ten
/// minutes.
async fn housekeeping(store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now();
        let day_ago = now - jiff::SignedDuration::from_hours(24);
        if let Err(e) = store.housekeeping(now, day_ago).await {
            tracing::warn!(error = %e, "housekeeping failed");
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// A database URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:…{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_database_urls_are_not_printed() {
        assert_eq!(
            super::redact("postgres://app:secret@db/accord"),
            "postgres://app:…@db/accord"
        );
        assert_eq!(
            super::redact("sqlite://accord-data/accord.db"),
            "sqlite://accord-data/accord.db"
        );
    }
}
