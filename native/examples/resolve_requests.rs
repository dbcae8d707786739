//! Resolves a JSON list of rez requests (rez's `requests.json` shape: a list of lists of
//! request strings) one after the other in one process, each as a fresh resolve from the files
//! on disk (a new [`RepoSource`]: nothing is cached between requests), and prints one JSON line
//! per request: its index, the seconds it took, the status and the resolved
//! `family-version[variant]` list. `scripts/bench resolve` runs it beside pyrer and rez.
//!
//! ```text
//! cargo build --release -p pkglens --example resolve_requests
//! target/release/examples/resolve_requests [--no-prefetch] REPO REQUESTS.json
//! ```

/// The CLI's allocator (native/src/main.rs), so the benchmark measures what `pkglens resolve`
/// does: the solver allocates and frees many small objects.
#[global_allocator]
static ALLOCATOR: pkglens_cli::alloc::Allocator = pkglens_cli::alloc::Allocator;

use pkglens_cli::resolve::{
    parse_requests, reader_pool, resolve_requests, variant_label, RepoSource,
};
use pkglens_core::{Jobs, ResolveOptions, ResolveOutcome};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    pkglens_cli::alloc::keep_freed_memory();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let prefetch = !args.iter().any(|a| a == "--no-prefetch");
    args.retain(|a| a != "--no-prefetch");
    let [repo, requests] = args.as_slice() else {
        eprintln!("usage: resolve_requests [--no-prefetch] REPO REQUESTS.json");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(requests) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("resolve_requests: {requests}: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(lists) = serde_json::from_str::<Vec<Vec<String>>>(&text) else {
        eprintln!("resolve_requests: {requests}: not a list of lists of strings");
        return ExitCode::from(2);
    };
    // One pool for the whole run, as one `pkglens resolve` has: each request starts afresh.
    let readers = match prefetch {
        true => reader_pool(Jobs::Auto).expect("a thread pool"),
        false => None,
    };
    for (index, list) in lists.iter().enumerate() {
        let start = Instant::now();
        let parsed = parse_requests(list);
        let mut source = RepoSource::new(vec![PathBuf::from(repo)], false, readers.clone());
        let (status, resolved) = match parsed.and_then(|requests| {
            resolve_requests(&requests, &ResolveOptions::default(), &mut source)
        }) {
            Err(_) => ("error", Vec::new()),
            Ok(r) => match r.outcome {
                ResolveOutcome::Solved { packages, .. } => {
                    ("solved", packages.iter().map(variant_label).collect())
                }
                ResolveOutcome::Failed { .. } => ("failed", Vec::new()),
            },
        };
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{}",
            json!({"index": index, "seconds": seconds, "status": status, "resolved": resolved})
        );
    }
    ExitCode::SUCCESS
}
