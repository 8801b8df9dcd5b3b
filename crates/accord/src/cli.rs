//! The command line: commands, arguments and their help texts.

use std::path::PathBuf;

use accord_core::model::{Date, Scenario};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Design accountability agreements that hold, and review them the way an
/// experienced coach would.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to colour the output: auto colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review an agreement file: what is missing or weak, and how to fix it.
    ///
    /// Exit status: 0 when no finding is high, 1 when some are, 2 when the
    /// file is not a valid agreement.
    Review(FileArgs),
    /// The coach's plan for the conversation: framing, what to watch, the
    /// debrief order and the red flags.
    Guide(FileArgs),
    /// Write a commented agreement to start from.
    New(NewArgs),
    /// Run the web app: SQLite in the data directory with no setup, or a
    /// PostgreSQL database shared by several app processes.
    Serve(ServeArgs),
    /// Deliver reminders, recaps and missed-check-in notices without serving
    /// pages. `accord serve` does this itself; run workers alone beside
    /// `accord serve --no-worker`, as many as wanted on one PostgreSQL
    /// database: each message still goes out once.
    Worker(WorkerArgs),
    /// Write a consistent copy of the SQLite database, also while the app
    /// runs.
    Backup(BackupArgs),
    /// Operator tasks on accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write one partnership as a JSON file, for moving it to another
    /// instance with `accord import`.
    ///
    /// The file (format "accord-export", version 1) holds the agreement's
    /// draft, versions and signatures, the members, every check-in with its
    /// notes, the preparations, the consequence log and the pauses. It is
    /// complete: private notes are included, marked private, because moving
    /// a partnership must not lose them; keep the file as private as the
    /// database. (Members download their own view, without anyone else's
    /// private notes, from the partnership's page.) Never in it: password
    /// hashes, sessions, tokens, check-in links, webhook settings, queued
    /// messages.
    ///
    /// Exit status: 0 written, 2 unknown partnership or invalid arguments,
    /// 1 any other failure (such as an unreachable database).
    Export(ExportArgs),
    /// Load a partnership from a file written by `accord export`.
    ///
    /// Everything is written in one transaction, or nothing is. Ids and
    /// times are kept. People are matched by e-mail address; a missing
    /// account is created without a password, and its owner chooses one
    /// with "Forgot password" (or `accord user reset-link`). A member's own
    /// export from the page is refused: it lacks other people's private
    /// notes.
    ///
    /// Exit status: 0 imported, 2 the file cannot be imported (unreadable,
    /// not an export, another version, a member's own export,
    /// inconsistent), 1 the partnership exists already or another failure.
    Import(ImportArgs),
}

/// Where the app's data and settings are; shared by `serve`, `backup` and
/// `user`. Each flag can also come from its ACCORD_* variable or from the
/// config file; a flag wins over the variable, which wins over the file.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// The address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ACCORD_LISTEN")]
    pub listen: Option<String>,
    /// Where the SQLite database lives, created if missing [default: ./accord-data].
    #[arg(long, env = "ACCORD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A database URL: postgres://user@host/db, or sqlite://PATH [default: SQLite in the data directory].
    #[arg(long, env = "ACCORD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The address users reach the app at, for links in e-mails [default: http:// and the listen address].
    #[arg(long, env = "ACCORD_BASE_URL")]
    pub base_url: Option<String>,
    /// A TOML config file with the same settings and an [smtp] table.
    #[arg(long, env = "ACCORD_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Arguments of `accord serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Do not deliver reminders from this process (run `accord worker`
    /// separately).
    #[arg(long, env = "ACCORD_NO_WORKER")]
    pub no_worker: bool,
}

/// Arguments of `accord worker`.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// How long to wait between rounds when nothing is due, in milliseconds.
    #[arg(long, env = "ACCORD_WORKER_IDLE_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub idle_ms: u64,
    /// How many messages to claim per round.
    #[arg(long, env = "ACCORD_WORKER_BATCH", default_value_t = accord_web::worker::DEFAULT_BATCH, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub batch: u32,
}

/// Arguments of `accord backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long, short)]
    pub output: PathBuf,
    #[command(flatten)]
    pub server: ServerArgs,
}

/// Arguments of `accord export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The partnership's id: the part after /p/ in its address.
    #[arg(long)]
    pub partnership: String,
    /// The file to write; standard output when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// The time to record as the export's time (RFC 3339, e.g.
    /// 2026-03-02T09:00:00Z) [default: now]; the same data at the same time
    /// gives the same file.
    #[arg(long, value_parser = parse_timestamp)]
    pub exported_at: Option<jiff::Timestamp>,
    #[command(flatten)]
    pub server: ServerArgs,
}

/// Arguments of `accord import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file written by `accord export`; `-` reads standard input.
    pub file: PathBuf,
    #[command(flatten)]
    pub server: ServerArgs,
}

/// `accord user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Print a one-time link with which the account's owner can choose a
    /// new password (valid for one hour). For apps without e-mail.
    ResetLink {
        /// The account's e-mail address.
        email: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// Arguments of `accord review` and `accord guide`: one agreement file.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The agreement file (TOML); `-` reads standard input.
    pub file: PathBuf,
    /// Output for people, or JSON for other tools.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date to review as of (YYYY-MM-DD); defaults to today. Used when the
    /// agreement has no `drafted` date.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Arguments of `accord new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The coaching scenario the agreement is for.
    #[arg(long, value_enum)]
    pub scenario: ScenarioArg,
    /// Where to write it; standard output when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// IANA time zone for check-in times; defaults to this computer's zone.
    #[arg(long)]
    pub timezone: Option<String>,
    /// The draft date (YYYY-MM-DD); defaults to today.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped by section, for reading aloud.
    Human,
    /// The JSON contract of agreement-format.md.
    Json,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorWhen {
    /// Makes this choice the one every output stream follows.
    pub fn write_global(self) {
        let choice = match self {
            Self::Auto => anstream::ColorChoice::Auto,
            Self::Always => anstream::ColorChoice::Always,
            Self::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

/// The scenarios, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    /// Tried accountability partnerships before, and they faded.
    TriedBefore,
    /// Working alone, replacing the structure an office gives.
    SoloWorker,
    /// Two peers in comparable transitions.
    ParallelTransitions,
    /// None of the above.
    General,
}

impl From<ScenarioArg> for Scenario {
    fn from(s: ScenarioArg) -> Self {
        match s {
            ScenarioArg::TriedBefore => Scenario::TriedBefore,
            ScenarioArg::SoloWorker => Scenario::SoloWorker,
            ScenarioArg::ParallelTransitions => Scenario::ParallelTransitions,
            ScenarioArg::General => Scenario::General,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

fn parse_timestamp(s: &str) -> Result<jiff::Timestamp, String> {
    s.parse()
        .map_err(|e| format!("not a time such as 2026-03-02T09:00:00Z: {e}"))
}

/// Today in this computer's time zone: the one place the clock is read.
pub fn today_or(given: Option<Date>) -> Date {
    given.unwrap_or_else(|| Date::new(jiff::Zoned::now().date()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
