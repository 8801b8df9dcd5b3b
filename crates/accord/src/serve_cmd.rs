//! `accord serve`: opens the database (running migrations), starts the web
//! app and the reminder worker, logs each request as one JSON line with its
//! request id, and shuts down cleanly on Ctrl-C or SIGTERM. `accord worker`:
//! the worker alone.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use accord_store::Store;
use accord_web::worker::{DEFAULT_BATCH, Worker};
use accord_web::{AppState, Mailer, SmtpMailer, SystemClock};
use anyhow::{Context, anyhow};
use tracing_subscriber::EnvFilter;

use crate::cli::{ServeArgs, WorkerArgs};
use crate::config;

/// How long the worker inside `accord serve` waits when nothing is due.
const SERVE_WORKER_IDLE: Duration = Duration::from_secs(5);

/// Runs the server until it is stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = config::load(args.server)?;
    logs();
    let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
    runtime.block_on(serve(config, !args.no_worker))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the worker alone until it is stopped.
pub fn worker(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    let config = config::load(args.server)?;
    logs();
    let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
    runtime.block_on(async {
        let state = state(&config).await?;
        println!(
            "Accord worker is running (database: {})",
            config.database_shown()
        );
        let worker = Worker::new(state, args.batch).map_err(|e| anyhow!("{e}"))?;
        worker
            .run(Duration::from_millis(args.idle_ms), shutdown())
            .await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// JSON log lines on standard error, filtered by `ACCORD_LOG`.
fn logs() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_env("ACCORD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// The app's state from its configuration: the database (migrated), the
/// system clock and the mailer when SMTP is configured.
async fn state(config: &config::Config) -> anyhow::Result<AppState> {
    let db = config.connect().await?;
    let mailer: Option<Arc<dyn Mailer>> = match &config.smtp {
        Some(smtp) => Some(Arc::new(SmtpMailer::new(smtp).map_err(|e| anyhow!("{e}"))?)),
        None => None,
    };
    Ok(AppState::new(
        db.into_shared(),
        Arc::new(SystemClock),
        mailer,
        config.settings(),
    ))
}

async fn serve(config: config::Config, with_worker: bool) -> anyhow::Result<()> {
    let state = state(&config).await?;
    let store = state.store.clone();
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    let address = listener
        .local_addr()
        .context("could not read the listening address")?;
    println!(
        "Accord is running at http://{address} (database: {})",
        config.database_shown()
    );
    tracing::info!(%address, "listening");
    tokio::spawn(housekeeping(store));
    // One signal listener, told to the server and the worker alike: the
    // worker finishes the step under way (a mail accepted by SMTP is marked
    // sent, not sent again after its lease) and stops. Dropping the sender
    // (the server stopped with an error) stops the worker too.
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    let worker = if with_worker {
        let worker = Worker::new(state.clone(), DEFAULT_BATCH).map_err(|e| anyhow!("{e}"))?;
        Some(tokio::spawn(worker.run(SERVE_WORKER_IDLE, async move {
            // Told to stop, or the sender is gone: either way, stop.
            let _ = stopping.wait_for(|stop| *stop).await;
        })))
    } else {
        None
    };
    let served = accord_web::serve(listener, state, async move {
        shutdown().await;
        let _ = stop.send(true);
    })
    .await;
    if let Some(worker) = worker {
        tracing::info!("stopping the worker once its step is done");
        if let Err(e) = worker.await {
            tracing::error!(error = %e, "the worker stopped abnormally");
        }
    }
    served.context("the server stopped with an error")
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
