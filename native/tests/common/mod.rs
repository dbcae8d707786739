//! What the rez conformance tests (`rez_resolve.rs`, `rez_orderers.rs`, `rez_filter.rs`)
//! share: the JSON a generator under scripts/conformance wrote with rez, pkglens's resolve of
//! one of its cases as the command resolves it, and the command itself.

// Each test crate compiles this module whole and uses a part of it.
#![allow(dead_code)]

use pkglens_cli::resolve::{parse_requests, resolve_requests, variant_label, RepoSource};
use pkglens_core::{Executor, Jobs, ResolveOptions, ResolveOutcome, RezResolve, VariantSelectMode};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The generated file that the environment variable `var` names, parsed; `None`, said on
/// standard error, when the variable is not set (plain `cargo test` has no rez to compare
/// with; the test command sets it).
pub fn generated(var: &str) -> Option<Value> {
    let Ok(path) = std::env::var(var) else {
        eprintln!("{var} is not set: nothing to compare (scripts/test sets it)");
        return None;
    };
    let text = std::fs::read_to_string(&path).expect("the generated file");
    Some(serde_json::from_str(&text).expect("JSON"))
}

/// A JSON list of strings (anything else: none).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// rez's `variant_select_mode` as a generator writes it.
pub fn variant_select_mode(mode: &str) -> VariantSelectMode {
    if mode == "intersection_priority" {
        VariantSelectMode::IntersectionPriority
    } else {
        VariantSelectMode::VersionPriority
    }
}

/// What a resolve gave, the way the generators write rez's answer.
#[derive(Debug, PartialEq)]
pub struct Answer {
    /// `solved`, `failed`, or `error` (rez raises).
    pub status: String,
    /// `family-version[variant]`, in order.
    pub resolved: Vec<String>,
    /// The ephemerals, sorted.
    pub ephemerals: Vec<String>,
}

impl Answer {
    /// rez's answer of a generated case.
    pub fn of_case(case: &Value) -> Answer {
        Answer {
            status: case["status"].as_str().unwrap_or_default().to_string(),
            resolved: strings(&case["resolved"]),
            ephemerals: strings(&case["ephemerals"]),
        }
    }
}

/// The [`Answer`] of a resolve's result.
pub fn answer(result: &Result<RezResolve, String>) -> Answer {
    let (status, resolved, mut ephemerals) = match result {
        Err(_) => ("error", Vec::new(), Vec::new()),
        Ok(r) => match &r.outcome {
            ResolveOutcome::Failed { .. } => ("failed", Vec::new(), Vec::new()),
            ResolveOutcome::Solved {
                packages,
                ephemerals,
            } => (
                "solved",
                packages.iter().map(variant_label).collect(),
                ephemerals.iter().map(|e| e.to_string()).collect(),
            ),
        },
    };
    ephemerals.sort();
    Answer {
        status: status.to_string(),
        resolved,
        ephemerals,
    }
}

/// pkglens's resolve of `request` over `repo` with `options`, as the command resolves it
/// (static reads; with `prefetch`, families read ahead by two readers whatever the machine,
/// so that reads ahead happen and race with the solver). An invalid request is an error.
pub fn resolve(
    repo: &str,
    request: &[String],
    options: &ResolveOptions,
    prefetch: bool,
) -> Result<RezResolve, String> {
    let requests = parse_requests(request)?;
    let readers = prefetch.then(|| Executor::for_jobs(Jobs::Exactly(2)).expect("a thread pool"));
    let mut source = RepoSource::new(vec![PathBuf::from(repo)], false, readers);
    resolve_requests(&requests, options, &mut source)
}

/// `pkglens resolve ARGS` in the repository root, with `env` set and no `REZ_PACKAGES_PATH`:
/// the exit code, standard output and standard error.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pkglens"));
    command
        .arg("resolve")
        .args(args)
        .current_dir(root())
        .env_remove("REZ_PACKAGES_PATH");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("pkglens runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Asserts that `out`, a `pkglens resolve --format json` answer, is a `ResolveDocument` of
/// docs/schema.json (checked by the test venv's `jsonschema`, through a file in `dir`).
pub fn assert_resolve_document(out: &str, dir: &Path) {
    let root = root();
    let json = dir.join("resolve.json");
    std::fs::write(&json, out).unwrap();
    let valid = std::process::Command::new(root.join(".cache/venv/bin/python"))
        .arg(root.join("scripts/conformance/validate_schema.py"))
        .arg(root.join("docs/schema.json"))
        .arg(&json)
        .output()
        .expect("the test venv's python (scripts/test's setup)");
    let text = String::from_utf8_lossy(&valid.stdout);
    assert!(
        valid.status.success() && text.contains("ResolveDocument"),
        "{text}"
    );
}
