//! `accord new`: writes a commented agreement to start from.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use accord_core::model::TimeZoneName;
use accord_core::template::template;
use anyhow::{Context, bail};

use crate::cli::{NewArgs, today_or};
use crate::output::{self, DIM, paint};

pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let timezone = match &args.timezone {
        Some(name) => {
            Some(TimeZoneName::parse(name).map_err(|e| anyhow::anyhow!("--timezone: {e}"))?)
        }
        // This computer's zone, when it has an IANA name accord knows.
        None => jiff::tz::TimeZone::system()
            .iana_name()
            .and_then(|n| TimeZoneName::parse(n).ok()),
    };
    let text = template(
        args.scenario.into(),
        today_or(args.today),
        timezone.as_ref(),
    );
    match &args.output {
        None => output::print(&text)?,
        Some(path) => {
            write_new_file(path, &text, args.force)?;
            let mut err = anstream::stderr();
            // Only a hint for people; the file is already written.
            let _ = writeln!(
                err,
                "Wrote {}. {}",
                path.display(),
                paint(DIM, &format!("Next: accord review {}", path.display()))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the whole file or nothing: a temporary file beside it, synced, then
/// renamed into place. An existing file is kept unless `force` is given.
fn write_new_file(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists; choose another --output or add --force to replace it",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    let file_name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.accord-tmp", file_name.to_string_lossy()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        // Leave nothing half-written behind.
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("could not write {}", path.display()));
    }
    Ok(())
}
