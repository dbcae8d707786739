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

mod common;

use common::{answer, generated, resolve, run, strings, variant_select_mode, Answer};
use pkglens_core::ResolveOptions;
use serde_json::{json, Value};

/// Cases where pkglens knowingly answers differently from rez: `(set, request, reason)`.
const ACCEPTED: &[(&str, &str, &str)] = &[];

fn pkglens(repo: &str, request: &[String], mode: &str, prefetch: bool) -> Answer {
    pkglens_at(repo, request, mode, None, prefetch)
}

/// A resolve by pkglens at resolve time `time` (`--time`).
fn pkglens_at(
    repo: &str,
    request: &[String],
    mode: &str,
    time: Option<i64>,
    prefetch: bool,
) -> Answer {
    let options = ResolveOptions {
        variant_select_mode: variant_select_mode(mode),
        time,
        ..ResolveOptions::default()
    };
    answer(&resolve(repo, request, &options, prefetch))
}

#[test]
fn resolves_as_rez_does() {
    let Some(doc) = generated("PKGLENS_REZ_RESOLVE_JSON") else {
        return;
    };
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
        let expected = Answer::of_case(case);
        *counts
            .entry(format!("{set} {}", expected.status))
            .or_default() += 1;
        let got = pkglens(repo, &request, mode, true);
        let joined = request.join(" ");
        let accepted = ACCEPTED.iter().any(|(s, r, _)| *s == set && *r == joined);
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

/// `scripts/conformance/rez_resolve_time.py BENCH > out.json` resolves requests over rez's
/// benchmark repository at resolve times (`ResolvedContext(..., timestamp=T)`, which is
/// `rez env --time T`) chosen within the releases of the families they pull in, so that an
/// older version is picked, or none is left (rez raises), or what is left conflicts (rez
/// fails). Each is resolved by pkglens at the same time and compared as above: status,
/// resolved list in order, ephemerals. `PKGLENS_REZ_RESOLVE_TIME_JSON` names the file.
#[test]
fn resolves_at_a_time_as_rez_does() {
    let Some(doc) = generated("PKGLENS_REZ_RESOLVE_TIME_JSON") else {
        return;
    };
    let bench = doc["bench_repo"].as_str().expect("bench_repo");
    let cases = doc["cases"].as_array().expect("cases");
    let mut differences = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for (i, case) in cases.iter().enumerate() {
        let set = case["set"].as_str().unwrap_or_default();
        let request = strings(&case["request"]);
        let time = case["time"].as_i64().expect("a time");
        let expected = Answer::of_case(case);
        *counts
            .entry(format!("{set} {}", expected.status))
            .or_default() += 1;
        let got = pkglens_at(bench, &request, "version_priority", Some(time), i % 2 == 0);
        if got != expected {
            differences.push(format!(
                "[{set} #{i} --time {time}] {}\n  rez:     {expected:?} {}\n  pkglens: {got:?}",
                request.join(" "),
                case["error"].as_str().unwrap_or_default()
            ));
        }
    }
    eprintln!("cases compared: {counts:?}");
    for status in ["solved", "failed", "error"] {
        assert!(
            counts.keys().any(|k| k.ends_with(status)),
            "no case is {status}: the times no longer exercise the filter ({counts:?})"
        );
    }
    assert!(
        differences.is_empty(),
        "{} of {} resolves at a time differ from rez:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}

#[test]
fn the_command_resolves_explains_failures_and_stops_on_computed_fields() {
    // examples/rez: boost has two variants (python-3.9, python-3.11); python-3.9 picks the first.
    let (code, out, _) = run(
        &[
            "--repo",
            "examples/rez",
            "--format",
            "json",
            "boost",
            "python-3.9",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["status"], "solved");
    let names: Vec<String> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}-{}[{}]",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap(),
                p["variant"]
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "arch-x86_64[null]",
            "platform-linux[null]",
            "python-3.9.18[0]",
            "boost-1.82.0[0]"
        ]
    );
    let python = &doc["packages"][2]["requested_by"];
    assert_eq!(
        python[0]["by"],
        Value::Null,
        "the request comes first: {python}"
    );
    assert_eq!(python[1]["by"], "boost");

    // The same from REZ_PACKAGES_PATH, as a table.
    let (code, out, _) = run(
        &["boost", "python-3.9"],
        &[("REZ_PACKAGES_PATH", "examples/does-not-exist:examples/rez")],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("resolved 4 packages"), "{out}");

    // A conflict: exit 1, rez's description, and how each side came to be.
    let (code, out, _) = run(&["--repo", "examples/rez", "boost", "!python"], &[]);
    assert_eq!(code, 1);
    assert!(out.contains("(python-3.9|3.11 <--!--> !python)"), "{out}");
    assert!(out.contains("request -> boost -> python-3.9|3.11"), "{out}");

    // A package whose `requires` is computed by an @early function: stop, naming file and field.
    let (code, out, _) = run(&["--repo", "examples/rez", "studio_pipeline"], &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("studio_pipeline/2.2.0/package.py: field `requires` is not a literal"),
        "{out}"
    );
    // ... but only when the solver considers that version: 2.1.0 is literal (and needs usd,
    // whose openexr is missing from the examples: rez's own error).
    let (_, out, _) = run(&["--repo", "examples/rez", "studio_pipeline-2.1"], &[]);
    assert!(
        out.contains("package family not found: openexr, was required by: usd"),
        "{out}"
    );
    let (code, out, _) = run(
        &[
            "--repo",
            "examples/rez",
            "--allow-dynamic",
            "studio_pipeline",
            "python-3.11",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("has computed requires (taken as absent"),
        "{out}"
    );

    // A request cannot walk out of the repository.
    let (code, _, err) = run(&["--repo", "examples/rez", "../rez/boost"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("Not a valid package name"), "{err}");

    // No repository at all is a usage error.
    let (code, _, err) = run(&["boost"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("REZ_PACKAGES_PATH"), "{err}");

    // The graph formats.
    let (_, dot, _) = run(&["--repo", "examples/rez", "--format", "dot", "boost"], &[]);
    assert!(
        dot.starts_with("digraph resolve {") && dot.contains("[label=\"boost-1.82.0[1]\"]"),
        "{dot}"
    );
    let (_, mermaid, _) = run(
        &[
            "--repo",
            "examples/rez",
            "--format",
            "mermaid",
            "boost",
            "!python",
        ],
        &[],
    );
    // The conflict joins the two requirements at the ends of their chains, as in rez's graph.
    assert!(mermaid.contains("n2 -. conflict .-> n3"), "{mermaid}");
    assert!(
        mermaid.contains("n2[\"python-3.9|3.11\"]\n  n3[\"!python\"]"),
        "{mermaid}"
    );
}

/// A repository laid out as rez's filesystem repository reads it: `FAMILY/VERSION/FILE`.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn versions_come_from_folders_and_only_those_considered_are_read() {
    // Each answer is rez 3.4.0's on the same tree (`ResolvedContext(req, package_paths=[..])`).
    let repo = repository(&[
        (
            "tool/1.0/package.py",
            "name = 'tool'\nversion = '1.0'\nrequires = ['lib-1']\n",
        ),
        // Broken, but read only when a request reaches version 2.0.
        ("tool/2.0/package.py", "name = 'tool'\nrequires = [\n"),
        // rez names and versions a package by its folders, whatever its file says.
        (
            "lib/1.0/package.py",
            "name = 'lib_renamed'\nversion = '9.9'\n",
        ),
        // A version folder without a package file: rez's PackageDefinitionFileMissing.
        ("lib/1.5/README", "payload\n"),
        // Hidden by `.ignore1.7` beside it.
        ("lib/1.7/package.py", "name = 'lib'\nversion = '1.7'\n"),
        ("lib/.ignore1.7", ""),
    ]);
    let repo = repo.path().to_str().unwrap();
    let (code, out, _) = run(&["--repo", repo, "tool-1", "lib-1.0"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("lib   1.0 ") && out.contains("tool  1.0 "),
        "{out}"
    );
    assert!(out.contains("2 families read"), "{out}");

    let (code, out, _) = run(&["--repo", repo, "tool"], &[]);
    assert_eq!(code, 1);
    assert!(out.contains("tool/2.0/package.py: cannot be read"), "{out}");

    for request in ["lib-1.5", "lib"] {
        let (code, out, _) = run(&["--repo", repo, request], &[]);
        assert_eq!(code, 1);
        assert!(
            out.contains("lib/1.5: cannot be read: missing package definition file"),
            "{out}"
        );
    }
    let (code, out, _) = run(&["--repo", repo, "lib-1.7"], &[]);
    assert_eq!(code, 1);
    assert!(out.contains("Package could not be found: lib-1.7"), "{out}");
}

#[test]
fn a_time_leaves_out_later_releases_in_every_form_rez_takes() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let tool = |version: &str, timestamp: i64| {
        format!(
            "name = 'tool'\nversion = '{version}'\nrequires = ['lib']\ntimestamp = {timestamp}\n"
        )
    };
    let (old, recent, future) = (
        tool("1.0", now - 3 * 86400),
        tool("2.0", now - 7200),
        tool("3.0", now + 3600),
    );
    let repo = repository(&[
        ("tool/1.0/package.py", &old),
        ("tool/2.0/package.py", &recent),
        ("tool/3.0/package.py", &future),
        // No timestamp: rez never leaves such a package out.
        ("lib/1.0/package.py", "name = 'lib'\nversion = '1.0'\n"),
        // A timestamp computed when rez loads the package (an @early function, as
        // rez's docs show for computed attributes): unknown statically.
        (
            "stamped/1.0/package.py",
            "name = 'stamped'\nversion = '1.0'\n\n@early()\ndef timestamp():\n    return 1600000000\n",
        ),
    ]);
    let repo = repo.path().to_str().unwrap();
    let picked = |time: &[&str]| {
        let mut args = vec!["--repo", repo, "--format", "json"];
        args.extend_from_slice(time);
        args.push("tool");
        let (code, out, err) = run(&args, &[]);
        assert_eq!(code, 0, "{time:?}: {out}{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        (
            doc["packages"][1]["version"].as_str().unwrap().to_string(),
            doc.get("requested_timestamp").cloned(),
        )
    };
    // Relative times, as `rez env --time` takes them (`-N` and s, m, h or d; N a float).
    assert_eq!(picked(&["--time", "-2d"]).0, "1.0");
    assert_eq!(picked(&["--time", "-5.5h"]).0, "1.0");
    assert_eq!(picked(&["-t", "-30m"]).0, "2.0");
    assert_eq!(picked(&["--time=-90s"]).0, "2.0");
    // An epoch time, recorded as rez's context records it (`requested_timestamp`).
    let epoch = (now - 86400).to_string();
    assert_eq!(
        picked(&["--time", &epoch]),
        ("1.0".into(), Some(json!(now - 86400)))
    );
    // No time, `0` and `''` are no time at all in rez.
    for time in [&[][..], &["--time", "0"], &["--time", ""]] {
        assert_eq!(picked(time), ("3.0".into(), None), "{time:?}");
    }
    // Before every release of `tool`: rez's error for a request with nothing left.
    let (code, out, _) = run(&["--repo", repo, "--time", "1000", "tool"], &[]);
    assert_eq!(code, 1);
    assert!(out.contains("Package could not be found: tool"), "{out}");
    assert!(
        out.starts_with("packages released after 1000 (epoch time) left out"),
        "{out}"
    );

    // Anything else is rez's error, as a usage error.
    for bad in ["-1w", "yesterday", "1.5", "-h", "2h"] {
        let (code, _, err) = run(&["--repo", repo, "--time", bad, "tool"], &[]);
        assert_eq!(code, 2, "{bad}");
        assert!(
            err.contains(&format!("'{bad}' is an unrecognised time format.")),
            "{err}"
        );
    }

    // A computed timestamp matters only with a time: then it stops the resolve, naming the
    // file and field, or with --allow-dynamic is taken as absent (and said so).
    let (code, _, _) = run(&["--repo", repo, "stamped"], &[]);
    assert_eq!(code, 0);
    let (code, out, _) = run(&["--repo", repo, "--time", "-1d", "stamped"], &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("stamped/1.0/package.py: field `timestamp` is not a literal"),
        "{out}"
    );
    let (code, out, _) = run(
        &[
            "--repo",
            repo,
            "--time",
            "-1d",
            "--allow-dynamic",
            "stamped",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("stamped-1.0[] has computed timestamp (taken as absent"),
        "{out}"
    );
}

/// Every `package.py` of rez's benchmark repository, of rez's solver tests and of this
/// repository's examples and test data, read straight into the solver's package as a resolve
/// reads it, is the package its record gives (the scan's way, which the straight read skips).
#[test]
fn every_package_py_reads_as_its_record_says() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => files(&path, out),
                _ if path.file_name().is_some_and(|n| n == "package.py") => out.push(path),
                _ => {}
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut roots = vec![root.join("examples"), root.join("tests/data")];
    if let Some(doc) = generated("PKGLENS_REZ_RESOLVE_JSON") {
        for repo in ["bench_repo", "tests_repo"] {
            roots.push(doc[repo].as_str().expect("repository").into());
        }
    }
    let mut paths = Vec::new();
    for dir in &roots {
        files(dir, &mut paths);
    }
    let mut compared = 0;
    for path in &paths {
        let mut folders = path.iter().rev().skip(1).map(|p| p.to_string_lossy());
        let (Some(version), Some(family)) = (folders.next(), folders.next()) else {
            continue;
        };
        let Ok(version) = pkglens_core::RezVersion::parse(&version) else {
            continue;
        };
        let bytes = std::fs::read(path).expect("readable");
        let shown = path.to_string_lossy();
        for allow_dynamic in [false, true] {
            let record = pkglens_core::parse_rez_package_py(&shown, &bytes)
                .unwrap_or_else(|err| pkglens_core::Record::from_error(&err));
            let mut cache = pkglens_core::RequirementCache::default();
            let by_record = pkglens_core::rez_package_in_folder(
                &record,
                &family,
                &version,
                allow_dynamic,
                &mut cache,
            );
            let direct = pkglens_core::rez_package_py_in_folder(
                &shown,
                &bytes,
                &family,
                &version,
                allow_dynamic,
                &mut cache,
            );
            assert_eq!(direct, by_record, "{shown}");
        }
        compared += 1;
    }
    eprintln!("package.py files compared: {compared}");
    assert!(compared >= 25, "{compared} files compared");
}

/// Files are opened relative to the repository that lists them, never to another whose path
/// is a prefix of theirs (`repo` and `repo2`).
#[test]
fn a_repository_named_as_the_start_of_another_reads_its_own_files() {
    let parent = repository(&[
        ("repo/lib/1.0/package.py", "name = 'lib'\n"),
        (
            "repo2/tool/2.0/package.py",
            "name = 'tool'\nrequires = ['lib']\n",
        ),
    ]);
    let (repo, repo2) = (parent.path().join("repo"), parent.path().join("repo2"));
    for repos in [[&repo, &repo2], [&repo2, &repo]] {
        let [first, second] = repos.map(|r| r.to_str().unwrap());
        let (code, out, _) = run(&["--repo", first, "--repo", second, "tool"], &[]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("tool  2.0 ") && out.contains("lib   1.0 "),
            "{out}"
        );
    }
}
