//! `pkglens`: list and check the package sets described by Python and rez files.
//!
//! This file parses the command line ([`pkglens_cli::cli`]) and hands each subcommand to its
//! command ([`pkglens_cli::commands`]); an error a command returns is printed here, exit 2,
//! except a closed pipe (`pkglens scan | head -1`): the reader has all it wanted, exit 0.

/// Many threads allocate and free small strings at once: glibc's allocator serialises them on
/// its arena locks (measured in `docs/benchmarks.md`); mimalloc keeps a heap per thread.
#[global_allocator]
static ALLOCATOR: pkglens_cli::alloc::Allocator = pkglens_cli::alloc::Allocator;

use clap::Parser;
use pkglens_cli::cli::{Cli, Command};
use pkglens_cli::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    pkglens_cli::alloc::keep_freed_memory();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan(args),
        Command::Check(args) => commands::check(args),
        Command::Graph(args) => commands::graph(args),
        Command::Why(args) => commands::why(args),
        Command::Diff(args) => commands::diff(args),
        Command::Compile(args) => pkglens_cli::compile::run(&args),
        Command::Resolve(args) => pkglens_cli::resolve::run(args),
        Command::Completions { shell } => commands::completions(shell),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("pkglens: {}", pkglens_cli::style::safe_lines(&message));
            ExitCode::from(2)
        }
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone.
fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
