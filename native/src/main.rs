//! `pkglens`: list and check the package sets described by Python and rez files.
//!
//! This file parses the command line ([`pkglens_cli::cli`]) and hands each subcommand to its
//! command ([`pkglens_cli::commands`]); an error a command returns is printed here, exit 2.

/// Many threads allocate and free small strings at once: glibc's allocator serialises them on
/// its arena locks (measured in `docs/benchmarks.md`); mimalloc keeps a heap per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use pkglens_cli::cli::{Cli, Command};
use pkglens_cli::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan(args),
        Command::Check(args) => commands::check(args),
        Command::Graph(args) => commands::graph(args),
        Command::Why(args) => commands::why(args),
        Command::Diff(args) => commands::diff(args),
        Command::Completions { shell } => commands::completions(shell),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("pkglens: {err:#}");
            ExitCode::from(2)
        }
    }
}
