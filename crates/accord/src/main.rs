//! The `accord` command: the web app (`serve`) and its operator tasks
//! (`backup`, `user`, `export`, `import`), and reviewing, guiding and
//! drafting agreement files.
//!
//! This file only wires things together: parse the command line, run the
//! command, turn the outcome into an exit status. Exit statuses: 0 success
//! (for `review`, no high finding), 1 some finding is high (for `export`
//! and `import`, a failure that is not the input's), 2 the input or the
//! command line is invalid.

/// mimalloc rather than glibc's malloc: password hashing (Argon2id, 19 MiB
/// of working memory per hash, on the blocking pool's threads) left each
/// thread's glibc arena holding its 19 MiB after the hash was done, and the
/// server's resident memory grew by that much per thread that ever hashed
/// (17 MB idle to 77 MB after four sign-ins); mimalloc gives it back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod config;
mod export_cmd;
mod guide_cmd;
mod input;
mod new_cmd;
mod ops_cmd;
mod output;
mod review_cmd;
mod serve_cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.color.write_global();
    let result = match cli.command {
        Command::Review(args) => review_cmd::run(args),
        Command::Guide(args) => guide_cmd::run(args),
        Command::New(args) => new_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Worker(args) => serve_cmd::worker(args),
        Command::Backup(args) => ops_cmd::backup(args),
        Command::Export(args) => export_cmd::export(args),
        Command::Import(args) => export_cmd::import(args),
        Command::User(cli::UserCommand::ResetLink { email, server }) => {
            ops_cmd::reset_link(&email, server)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            output::error(&format!("{err:#}"));
            ExitCode::from(output::EXIT_INVALID)
        }
    }
}
