//! Operator commands: `accord backup` and `accord user reset-link`.

use std::process::ExitCode;
use std::sync::Arc;

use accord_store::Db;
use accord_web::{AppState, SystemClock};
use anyhow::{Context, anyhow};

use crate::cli::{BackupArgs, ServerArgs};
use crate::config;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("could not start the async runtime")
}

/// Writes a consistent copy of the SQLite database to a new file.
pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = config::load(args.server)?;
    if args.output.exists() {
        return Err(anyhow!(
            "{} already exists; choose a new file name",
            args.output.display()
        ));
    }
    runtime()?.block_on(async {
        match config.connect().await? {
            Db::Sqlite(store) => store
                .backup_to(&args.output)
                .await
                .map_err(|e| anyhow!("the backup failed: {e}")),
            Db::Postgres(_) => Err(anyhow!(
                "accord backup copies the SQLite database; for PostgreSQL use pg_dump"
            )),
        }
    })?;
    println!("Backed up to {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints a password-reset link for an account.
pub fn reset_link(email: &str, server: ServerArgs) -> anyhow::Result<ExitCode> {
    let config = config::load(server)?;
    let link = runtime()?.block_on(async {
        let store = config.connect().await?.into_shared();
        let user = store
            .user_by_email(email)
            .await
            .map_err(|e| anyhow!("{e}"))?
            .ok_or_else(|| anyhow!("no account uses the e-mail address {email:?}"))?;
        let state = AppState::new(store, Arc::new(SystemClock), None, config.settings());
        accord_web::accounts::reset_link(&state, &user)
            .await
            .map_err(|e| anyhow!("{e}"))
    })?;
    println!("{link}");
    eprintln!("The link works once, for one hour. Send it to the account's owner yourself.");
    Ok(ExitCode::SUCCESS)
}
