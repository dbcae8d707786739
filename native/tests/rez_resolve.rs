//! `pkglens resolve` against rez 3.4.0's own resolves.
//!
//! `scripts/conformance/rez_resolve.py BENCH TESTS out.json` resolves, with rez's
//! `ResolvedContext`: the 188 requests of rez's benchmark over its repository, 60 seeded random
//! requests over the same repository (failures included), and the requests of rez's solver
//! tests (`rez/tests/test_solver.py`) over their packages in both variant selection modes.
//! This test resolves each with pkglens (static reads, families prefetched as the solver names
//! them, exactly as the command does) and compares the status (`solved`, `failed`, or `error`
//! when rez raises) and the resolved `family-version[variant]` list, in order, and the
//! ephemerals. Zero differences are allowed except those listed in [`ACCEPTED`], each with its
//! reason. Every fourth case is also resolved without prefetch and must give the same.
//!
//! `PKGLENS_REZ_RESOLVE_JSON` names the file (the test command sets it); without it the test
//! says so and passes (plain `cargo test` has no rez to compare with).

use pkglens_cli::resolve::{resolve_requests, variant_label, RepoSource};
use pkglens_core::{
    Executor, ResolveOptions, ResolveOutcome, RezRequirement, RezResolve, VariantSelectMode,
};
use serde_json::Value;
use std::path::PathBuf;

/// Cases where pkglens knowingly answers differently from rez: `(set, request, reason)`.
const ACCEPTED: &[(&str, &str, &str)] = &[];

/// What a resolve gave, the way the generator writes rez's answer.
#[derive(Debug, PartialEq)]
struct Answer {
    status: String,
    resolved: Vec<String>,
    ephemerals: Vec<String>,
}

fn answer(result: &Result<RezResolve, String>) -> Answer {
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

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

fn pkglens(repo: &str, request: &[String], mode: &str, prefetch: bool) -> Answer {
    let requests: Vec<RezRequirement> = request
        .iter()
        .map(|r| RezRequirement::parse(r).expect("rez parsed this request"))
        .collect();
    let options = ResolveOptions {
        variant_select_mode: if mode == "intersection_priority" {
            VariantSelectMode::IntersectionPriority
        } else {
            VariantSelectMode::VersionPriority
        },
        implicit: Vec::new(),
    };
    let mut source = RepoSource::new(
        vec![PathBuf::from(repo)],
        false,
        prefetch,
        Executor::Global,
    );
    answer(&resolve_requests(&requests, &options, &mut source))
}

#[test]
fn resolves_as_rez_does() {
    let Ok(path) = std::env::var("PKGLENS_REZ_RESOLVE_JSON") else {
        eprintln!("PKGLENS_REZ_RESOLVE_JSON is not set: nothing to compare (scripts/test sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("the generated file");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let bench = doc["bench_repo"].as_str().expect("bench_repo");
    let tests = doc["tests_repo"].as_str().expect("tests_repo");
    let cases = doc["cases"].as_array().expect("cases");
    let mut differences = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for (i, case) in cases.iter().enumerate() {
        let set = case["set"].as_str().unwrap_or_default();
        let repo = if set == "solver_tests" { tests } else { bench };
        let request = strings(&case["request"]);
        let mode = case["mode"].as_str().unwrap_or_default();
        let expected = Answer {
            status: case["status"].as_str().unwrap_or_default().to_string(),
            resolved: strings(&case["resolved"]),
            ephemerals: strings(&case["ephemerals"]),
        };
        *counts
            .entry(format!("{set} {}", expected.status))
            .or_default() += 1;
        let got = pkglens(repo, &request, mode, true);
        let joined = request.join(" ");
        let accepted = ACCEPTED
            .iter()
            .any(|(s, r, _)| *s == set && *r == joined);
        if got != expected && !accepted {
            differences.push(format!(
                "[{set} #{i} {mode}] {joined}\n  rez:     {expected:?} {}\n  pkglens: {got:?}",
                case["error"].as_str().unwrap_or_default()
            ));
        }
        if i % 4 == 0 {
            let serial = pkglens(repo, &request, mode, false);
            assert_eq!(serial, got, "prefetch changed the answer of {joined}");
        }
    }
    eprintln!("cases compared: {counts:?}");
    assert!(
        differences.is_empty(),
        "{} of {} resolves differ from rez:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}
