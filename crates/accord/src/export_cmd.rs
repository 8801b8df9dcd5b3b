//! `accord export` and `accord import`: moving one partnership between
//! instances of the service (another server, or from SQLite to
//! PostgreSQL) as one JSON document ([`accord_store::export`]).
//!
//! The operator's export is complete, private notes included with their
//! flag, because a move that dropped them would lose what their authors
//! wrote; members get their own view from the partnership's page instead.
//! Import refuses such a personal view for the same reason.
//!
//! Exit statuses follow the input: 2 when the arguments or the file are at
//! fault (the operator fixes them and runs again), 1 for anything else (an
//! unreachable database, a partnership that exists already), which the
//! operator must look into.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use accord_core::checkin::CheckinRecord;
use accord_store::export::{Export, ExportScope, PARTS, Progress};
use accord_store::{PartnershipId, StoreError};
use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{ExportArgs, ImportArgs};
use crate::{config, output};

/// A failure, by whose fault it is.
enum Failed {
    /// The arguments or the file: exit status 2.
    Input(anyhow::Error),
    /// Anything else: exit status 1.
    Other(anyhow::Error),
}

/// The exit status for a command's outcome: input errors go back to
/// `main` (status 2); other failures are reported here with status 1.
fn finish(outcome: Result<(), Failed>) -> anyhow::Result<ExitCode> {
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(Failed::Input(e)) => Err(e),
        Err(Failed::Other(e)) => {
            output::error(&format!("{e:#}"));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failed> {
    tokio::runtime::Runtime::new()
        .context("could not start the async runtime")
        .map_err(Failed::Other)
}

/// The counts of what an export holds, for people.
fn summary(e: &Export) -> String {
    format!(
        "{} version(s), {} check-in(s), {} note(s), {} preparation(s), {} consequence(s), {} pause(s)",
        e.versions.len(),
        e.checkins.len(),
        e.notes.len(),
        e.preparations.len(),
        e.consequences.len(),
        e.pauses.len()
    )
}

/// A bar on standard error over the parts of an export (drawn only on a
/// terminal, so redirected output stays clean).
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(PARTS.len() as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} exporting [{bar:24}] {pos}/{len} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Writes one partnership as JSON.
pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    finish(run_export(args))
}

fn run_export(args: ExportArgs) -> Result<(), Failed> {
    let config = config::load(args.server).map_err(Failed::Input)?;
    let id = PartnershipId::parse(&args.partnership).ok_or_else(|| {
        Failed::Input(anyhow!(
            "--partnership {:?} is not a partnership id (the part after /p/ in its address)",
            args.partnership
        ))
    })?;
    if let Some(path) = &args.output
        && path.exists()
        && !args.force
    {
        return Err(Failed::Input(anyhow!(
            "{} already exists; choose another file or add --force",
            path.display()
        )));
    }
    let now = args.exported_at.unwrap_or_else(jiff::Timestamp::now);
    let bar = progress_bar();
    let export = runtime()?.block_on(async {
        let db = config.connect().await.map_err(Failed::Other)?;
        let report = |p: Progress| {
            bar.set_message(format!("{} ({})", p.part, p.records));
            bar.inc(1);
        };
        db.store()
            .export_partnership(&id, &ExportScope::Complete, now, &report)
            .await
            .map_err(|e| Failed::Other(anyhow!("the export failed: {e}")))
    })?;
    bar.finish_and_clear();
    let export = export.ok_or_else(|| {
        Failed::Input(anyhow!(
            "no partnership has the id {id} in {}",
            config.database_shown()
        ))
    })?;
    let text = export
        .to_json()
        .map_err(|e| Failed::Other(anyhow!("the export could not be written as JSON: {e}")))?;
    match &args.output {
        Some(path) => write_whole(path, &text, args.force).map_err(Failed::Other)?,
        None => output::print(&text)
            .context("could not write to standard output")
            .map_err(Failed::Other)?,
    }
    let to = args
        .output
        .as_ref()
        .map_or("standard output".to_owned(), |p| p.display().to_string());
    eprintln!(
        "Exported {:?} ({}) to {to}: {}.",
        export.partnership.title,
        export.partnership.id,
        summary(&export)
    );
    eprintln!("It includes private notes: keep the file as private as the database.");
    Ok(())
}

/// Writes `text` to `path` whole or not at all: into a temporary file
/// beside it, flushed to disk, then renamed over it, so that a full disk
/// or an interrupted run never leaves half an export behind.
fn write_whole(path: &Path, text: &str, replace: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("could not create a file in {}", dir.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("could not write {}", path.display()))?;
    let kept = if replace {
        file.persist(path)
    } else {
        // Someone may have created it since the check at the start.
        file.persist_noclobber(path)
    };
    kept.map_err(|e| anyhow!("could not write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// Loads a partnership from an export file.
pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    finish(run_import(args))
}

/// The file's text; `-` is standard input.
fn read(file: &Path) -> anyhow::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("could not read standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(file).with_context(|| format!("could not read {}", file.display()))
}

/// Whether the app can read what the store keeps as text it does not
/// interpret: the agreements (draft and versions) and the check-in
/// records. The pages read them on every visit, so a hand-edited file that
/// breaks one is refused here rather than imported.
fn readable(export: &Export) -> anyhow::Result<()> {
    accord_core::parse_toml(&export.partnership.draft)
        .map_err(|e| anyhow!("partnership.draft is not a valid agreement: {e}"))?;
    for (i, v) in export.versions.iter().enumerate() {
        accord_core::parse_toml(&v.toml)
            .map_err(|e| anyhow!("versions[{i}].toml is not a valid agreement: {e}"))?;
    }
    for (i, c) in export.checkins.iter().enumerate() {
        serde_json::from_value::<CheckinRecord>(c.record.clone())
            .map_err(|e| anyhow!("checkins[{i}].record is not a check-in record: {e}"))?;
    }
    Ok(())
}

fn run_import(args: ImportArgs) -> Result<(), Failed> {
    let config = config::load(args.server).map_err(Failed::Input)?;
    let name = args.file.display().to_string();
    let text = read(&args.file).map_err(Failed::Input)?;
    // Everything about the file is checked before the database is opened.
    let export = Export::from_json(&text)
        .and_then(|e| e.check_importable().map(|()| e))
        .map_err(|e| Failed::Input(anyhow!("{name}: {e}")))?;
    readable(&export).map_err(|e| Failed::Input(anyhow!("{name}: {e}")))?;
    let imported = runtime()?.block_on(async {
        let db = config.connect().await.map_err(Failed::Other)?;
        db.store()
            .import_partnership(&export, jiff::Timestamp::now())
            .await
            .map_err(|e| match e {
                StoreError::InvalidExport(problem) => Failed::Input(anyhow!("{name}: {problem}")),
                StoreError::Conflict(what) => Failed::Other(anyhow!(
                    "{what} already exists in {}; nothing was imported",
                    config.database_shown()
                )),
                other => Failed::Other(anyhow!("the import failed, nothing was imported: {other}")),
            })
    })?;
    println!(
        "Imported {:?} ({}): {}.",
        export.partnership.title,
        imported.partnership,
        summary(&export)
    );
    if !imported.matched.is_empty() {
        println!("Existing accounts used: {}.", imported.matched.join(", "));
    }
    if !imported.created.is_empty() {
        println!(
            "Accounts created without a password: {}. Each chooses one with \"Forgot \
             password\" on the login page, or send them a link from `accord user reset-link`.",
            imported.created.join(", ")
        );
    }
    Ok(())
}
