//! The `pkglens` binary, run as a user runs it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pkglens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("run pkglens")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn scan_examples_prints_a_table() {
    let out = pkglens(&["scan", "examples/"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(!text.contains('\x1b'), "piped output must be plain");
    for expected in [
        "requests",
        "2.32.3",
        "studio_pipeline",
        "usd",
        "24.05",
        "ocio",
        "legacy-tool",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    assert!(text.contains("dynamic: examples/rez/studio_pipeline/2.2.0/package.py: `requires`"));
    assert!(
        text.lines().last().unwrap().contains("1 dynamic, 0 errors"),
        "{text}"
    );
}

#[test]
fn a_family_of_many_versions_is_split_among_threads_and_keeps_the_walk_order() {
    // One family far larger than the others is one unit of the walk; its files are read in
    // parallel, and the output must still be the walk's order whatever the thread count.
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: String, text: String| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    for v in 0..300 {
        write(
            format!("big/1.{v}/package.py"),
            format!(
                "name = 'big'\nversion = '1.{v}'\nrequires = ['small-{}']\n",
                v % 3
            ),
        );
    }
    write("big/1.7/broken/package.py".into(), "name = (\n".into());
    for v in 0..3 {
        write(
            format!("small/{v}/package.py"),
            format!("name = 'small'\nversion = '{v}'\n"),
        );
    }
    let root = dir.path().to_str().unwrap();
    let runs: Vec<Output> = ["1", "2", "4"]
        .iter()
        .map(|jobs| pkglens(&["scan", "--format", "ndjson", "--jobs", jobs, root]))
        .collect();
    assert_eq!(runs[0].stdout, runs[1].stdout);
    assert_eq!(runs[0].stdout, runs[2].stdout);
    let paths: Vec<String> = stdout(&runs[0])
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            record["path"].as_str().unwrap()[root.len()..].to_owned()
        })
        .collect();
    assert_eq!(paths.len(), 304);
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    assert_eq!(paths, sorted);
    assert!(paths.contains(&"/big/1.7/broken/package.py".to_owned()));
}

#[test]
fn json_has_the_schema_and_is_identical_whatever_the_thread_count() {
    let one = pkglens(&["scan", "--format", "json", "--jobs", "1", "examples/"]);
    let four = pkglens(&["scan", "--format", "json", "--jobs", "4", "examples/"]);
    let auto = pkglens(&["scan", "--format", "json", "examples/"]);
    assert!(one.status.success());
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stdout, auto.stdout);
    let doc: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(doc["schema"], "pkglens/1");
    let records = doc["records"].as_array().unwrap();
    assert_eq!(
        doc["summary"]["files"].as_u64().unwrap() as usize,
        records.len()
    );
    // Input order: a depth-first walk with entries sorted by name, as bytes.
    let paths: Vec<&str> = records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    assert_eq!(paths, sorted);
}

#[test]
fn ndjson_streams_one_record_per_line_in_order() {
    let json = pkglens(&["scan", "--format", "json", "examples/"]);
    let ndjson = pkglens(&["scan", "--format", "ndjson", "examples/"]);
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    let lines: Vec<Value> = stdout(&ndjson)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, doc["records"].as_array().unwrap());
}

#[test]
fn unordered_yields_the_same_records() {
    let ordered = pkglens(&["scan", "--format", "ndjson", "examples/"]);
    let unordered = pkglens(&["scan", "--format", "ndjson", "--unordered", "examples/"]);
    let mut a: Vec<String> = stdout(&ordered).lines().map(str::to_owned).collect();
    let mut b: Vec<String> = stdout(&unordered).lines().map(str::to_owned).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scan.json");
    let out = pkglens(&[
        "scan",
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
        "examples/site-packages",
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(doc["summary"]["packages"], 9);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind");
}

#[test]
fn a_missing_path_exits_2_with_a_message() {
    let out = pkglens(&["scan", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no such file or directory: no/such/dir"),
        "{err}"
    );
}

#[test]
fn a_bad_file_is_an_error_record_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(bad.join("a-1.dist-info")).unwrap();
    std::fs::create_dir_all(bad.join("b-1.dist-info")).unwrap();
    std::fs::create_dir_all(bad.join("c/1.0")).unwrap();
    std::fs::write(
        bad.join("a-1.dist-info/METADATA"),
        "Name: a\nVersion: 1\nRequires-Dist: x >= ;\n",
    )
    .unwrap();
    std::fs::write(bad.join("b-1.dist-info/METADATA"), "Name: b\nVersion: 1\n").unwrap();
    std::fs::write(
        bad.join("c/1.0/package.py"),
        "name = 'c'\nprint 'python 2'\n",
    )
    .unwrap();
    let path = bad.to_str().unwrap();
    let out = pkglens(&["scan", "--format", "json", path]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<&str> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["error", "ok", "error"]);
    let py = &doc["records"][2]["error"];
    assert_eq!(
        (py["line"].as_u64(), py["kind"].as_str()),
        (Some(2), Some("syntax"))
    );
    // The table shows the faulty line with a caret.
    let table = stdout(&pkglens(&["scan", path]));
    assert!(table.contains("2 | print 'python 2'"), "{table}");
    assert!(table.contains('^'));
    // --fail-fast stops at the first error and exits 1.
    let out = pkglens(&["scan", "--fail-fast", "--format", "ndjson", path]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn standard_input_is_sniffed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(["scan", "--format", "ndjson", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Metadata-Version: 2.1\nName: piped\nVersion: 0.1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["path"], "-");
    assert_eq!(record["packages"][0]["name"], "piped");
}

#[test]
fn color_is_opt_in_when_piped_and_no_color_wins_on_auto() {
    let out = pkglens(&["scan", "--color", "always", "examples/site-packages"]);
    assert!(stdout(&out).contains("\x1b["));
    let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(["scan", "--color", "auto", "examples/site-packages"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("\x1b["));
}

#[test]
fn help_and_completions() {
    let out = pkglens(&["scan", "--help"]);
    assert!(stdout(&out).contains("Examples:"));
    let out = pkglens(&["completions", "bash"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("pkglens"));
}

#[test]
fn requirements_includes_are_read_relative_to_the_including_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("reqs")).unwrap();
    std::fs::write(
        app.join("requirements.txt"),
        "-r reqs/base.txt\nflask>=3 ; python_version >= '3.9'\n",
    )
    .unwrap();
    std::fs::write(
        app.join("reqs/base.txt"),
        "# shared\nrequests==2.32.3 \\\n    --hash=sha256:0000\n-c pins.txt\n",
    )
    .unwrap();
    std::fs::write(app.join("reqs/pins.txt"), "urllib3<3\n").unwrap();
    let out = pkglens(&[
        "scan",
        "--format",
        "ndjson",
        app.join("requirements.txt").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let got: Vec<(String, String)> = record["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("requests", "run"),
        ("urllib3", "constraint"),
        ("flask", "run"),
    ];
    assert_eq!(got, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    // A missing include is an error naming it, with its line.
    std::fs::write(app.join("requirements.txt"), "-r nowhere.txt\n").unwrap();
    let out = pkglens(&[
        "scan",
        "--format",
        "ndjson",
        app.join("requirements.txt").to_str().unwrap(),
    ]);
    let record: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(record["status"], "error");
    assert_eq!(record["error"]["line"], 1);
    assert!(
        record["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nowhere.txt"),
        "{record}"
    );
}

#[test]
fn check_finds_the_deliberate_problems_and_exits_1() {
    let out = pkglens(&[
        "check",
        "--target-python",
        "3.12",
        "--platform",
        "linux",
        "examples/",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("missing      examples/site-packages/requests-2.32.3.dist-info/METADATA:11: requests 2.32.3 needs `charset-normalizer<4,>=2`"), "{text}");
    assert!(text.contains("usd 24.05 needs `openexr-3.2+`"), "{text}");
    let json = pkglens(&[
        "check",
        "--format",
        "json",
        "--target-python",
        "3.12",
        "examples/",
    ]);
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["schema"], "pkglens/1");
    assert_eq!(doc["summary"]["by_kind"]["missing"], 2);
    let problem = &doc["problems"].as_array().unwrap()[0];
    for field in ["kind", "package", "requirement", "path", "message"] {
        assert!(problem.get(field).is_some(), "{field} in {problem}");
    }
    // A consistent set: exit 0.
    let out = pkglens(&[
        "check",
        "examples/site-packages/rich-13.9.4.dist-info",
        "examples/site-packages/pygments-2.18.0.dist-info",
        "examples/site-packages/markdown_it_py-3.0.0.dist-info",
        "examples/site-packages/mdurl-0.1.2.dist-info",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no problems"));
}

#[test]
fn graph_why_and_diff() {
    let dot = stdout(&pkglens(&[
        "graph",
        "--format",
        "dot",
        "--root",
        "rich",
        "examples/site-packages",
    ]));
    assert!(dot.starts_with("digraph pkglens {"));
    assert!(
        dot.contains("\"python:rich@13.9.4\" -> \"python:markdown-it-py@3.0.0\""),
        "{dot}"
    );
    let mermaid = stdout(&pkglens(&[
        "graph",
        "--format",
        "mermaid",
        "--root",
        "rich",
        "examples/site-packages",
    ]));
    assert!(mermaid.starts_with("flowchart LR"));
    let json: Value = serde_json::from_slice(
        &pkglens(&[
            "graph",
            "--format",
            "json",
            "--root",
            "usd",
            "--depth",
            "1",
            "examples/rez",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        json["graph"]["roots"],
        serde_json::json!(["rez:usd@23.11", "rez:usd@24.05"])
    );
    let reverse = stdout(&pkglens(&[
        "graph",
        "--reverse",
        "--root",
        "mdurl",
        "examples/site-packages",
    ]));
    assert_eq!(reverse, "mdurl 0.1.2\n  markdown-it-py 3.0.0 [required: ~=0.1]\n    rich 13.9.4 [required: >=2.2.0]\n");
    let why = stdout(&pkglens(&["why", "mdurl", "examples/site-packages"]));
    assert_eq!(why, "rich 13.9.4 -> markdown-it-py 3.0.0 -> mdurl 0.1.2\n");
    let out = pkglens(&["graph", "--root", "nope", "examples/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no package named `nope`"));
    let diff = stdout(&pkglens(&[
        "diff",
        "examples/site-packages",
        "examples/app",
    ]));
    assert!(diff.contains("+ shot-browser 0.4.0"), "{diff}");
    assert!(diff.contains("- urllib3 2.2.3"), "{diff}");
}

#[test]
fn graph_root_in_a_rez_repository_reads_only_what_it_reaches_and_answers_the_same() {
    for root in ["usd", "studio_pipeline", "boost"] {
        for format in ["json", "tree"] {
            let lazy = pkglens(&["graph", "--format", format, "--root", root, "examples/rez"]);
            let full = pkglens(&[
                "graph",
                "--format",
                format,
                "--full-scan",
                "--root",
                root,
                "examples/rez",
            ]);
            assert!(lazy.status.success() && full.status.success());
            assert_eq!(stdout(&lazy), stdout(&full), "{root} {format}");
        }
    }
    // Two roots, one of them in a variant.
    let lazy = pkglens(&[
        "graph",
        "--format",
        "json",
        "--root",
        "usd",
        "--root",
        "cmake",
        "examples/rez",
    ]);
    let full = pkglens(&[
        "graph",
        "--format",
        "json",
        "--full-scan",
        "--root",
        "usd",
        "--root",
        "cmake",
        "examples/rez",
    ]);
    assert_eq!(stdout(&lazy), stdout(&full));
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            stdout(output),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn a_uv_project_folder_is_one_project_without_false_alarms() {
    // pyproject.toml, uv.lock and pylock.toml written by uv 0.13.9 (core/test-data/locks/real):
    // once, each project was a duplicate of itself and the lock's other forks were in the set.
    for (python, platform) in [("3.8", "linux"), ("3.12", "windows"), ("3.13", "macos")] {
        let out = pkglens(&[
            "check",
            "--target-python",
            python,
            "--platform",
            platform,
            "core/test-data/locks/real/",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(
            stdout(&out).contains("python environment"),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn a_monorepo_is_checked_project_by_project_unless_merged() {
    // A root project with its environment (lib 2) and an example pinning lib 1 (as the
    // `examples/` folder of a library does): merged, the example's pin is checked against the
    // root's environment.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = 'main'\nversion = '1'\ndependencies = ['lib==2']\n",
    );
    write(
        root,
        "examples/demo/pyproject.toml",
        "[project]\nname = 'demo'\nversion = '1'\ndependencies = ['lib==1']\n",
    );
    write(root, "examples/demo/requirements.txt", "lib==1\n");
    write(
        root,
        "site-packages/lib-2.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: lib\nVersion: 2\n",
    );
    let path = root.to_str().unwrap();
    let out = pkglens(&["check", "--format", "json", "--target-python", "3.12", path]);
    let doc = json_of(&out);
    let sets: Vec<&str> = doc["summary"]["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(sets.len(), 3, "{sets:?}");
    // The example on its own has no environment: its pin is missing there, not a conflict
    // with the root's.
    assert!(
        !doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "conflict" || p["kind"] == "unsatisfied"),
        "{doc}"
    );
    let table = stdout(&pkglens(&["check", "--target-python", "3.12", path]));
    assert!(table.starts_with("3 sets checked on their own"), "{table}");
    let merged = json_of(&pkglens(&[
        "check",
        "--format",
        "json",
        "--merge",
        "--target-python",
        "3.12",
        path,
    ]));
    assert_eq!(merged["summary"]["sets"].as_array().unwrap().len(), 1);
    assert!(
        merged["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "unsatisfied" && p["name"] == "lib"),
        "{merged}"
    );
}

#[test]
fn bad_target_values_are_refused_with_the_accepted_spellings() {
    for (args, expected) in [
        (vec!["--target-python", "foo"], "X.Y or X.Y.Z"),
        (
            vec!["--platform", "beos"],
            "linux, macos, darwin, windows, win32, freebsd",
        ),
        (vec!["--machine", "vax"], "x86_64"),
        (vec!["--group", "nosuch"], "groups: dev, test"),
        (vec!["--only", "oops"], "parse_error, missing"),
    ] {
        let mut all = vec!["check"];
        all.extend(args.iter().copied());
        all.push("examples/");
        let out = pkglens(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // The same for the views.
    let out = pkglens(&["graph", "--platform", "beos", "examples/"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn dynamic_is_a_note_unless_strict_and_kinds_can_be_chosen() {
    // A recipe whose requires is computed by @early (as rez's own test packages have).
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tool/1.0/package.py",
        "name = 'tool'\nversion = '1.0'\n@early()\ndef requires():\n    return []\n",
    );
    let rez = dir.path().to_str().unwrap();
    let out = pkglens(&["check", rez]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("no problems, 1 note (1 dynamic)"), "{text}");
    assert_eq!(pkglens(&["check", "--strict", rez]).status.code(), Some(1));
    let only = json_of(&pkglens(&[
        "check",
        "--format",
        "json",
        "--only",
        "missing",
        "examples/",
    ]));
    assert!(only["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["kind"] == "missing"));
    let ignored = pkglens(&["check", "--ignore", "missing", "examples/"]);
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}

#[test]
fn a_target_checks_what_pip_would_refuse_there() {
    // The README's example: cp311 manylinux wheels needing Python >= 3.10 / 3.11, for Python
    // 3.9 on Windows arm64. pip download --python-version 3.9 --platform win_arm64 refuses them.
    let dir = tempfile::tempdir().unwrap();
    let wheels = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join(".cache/corpora/wheels/wheels");
    let Ok(entries) = std::fs::read_dir(&wheels) else {
        eprintln!("skipped: no wheel corpus at {}", wheels.display());
        return;
    };
    let mut copied = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().into_string().unwrap();
        if name.starts_with("aiohttp-") || name.starts_with("click-") {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
            copied += 1;
        }
    }
    assert_eq!(copied, 2);
    let path = dir.path().to_str().unwrap();
    let doc = json_of(&pkglens(&[
        "check",
        "--format",
        "json",
        "--target-python",
        "3.9",
        "--platform",
        "windows",
        "--machine",
        "arm64",
        path,
    ]));
    let incompatible: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "incompatible")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(incompatible.len(), 3, "{incompatible:#?}");
    assert!(incompatible
        .iter()
        .any(|m| m.contains("no tag of cp311-cp311-manylinux")));
    assert!(incompatible
        .iter()
        .any(|m| m.starts_with("click ") && m.contains("requires Python `>=3.10`")));
    // In the table every message starts in the same column, `incompatible` (the longest
    // kind) included.
    let text = stdout(&pkglens(&[
        "check",
        "--target-python",
        "3.9",
        "--platform",
        "windows",
        "--machine",
        "arm64",
        path,
    ]));
    let columns: Vec<usize> = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()) && l.contains(": "))
        .filter(|l| !l.contains(" packages ("))
        .map(|l| {
            l.find(char::is_whitespace).unwrap()
                + l[l.find(' ').unwrap()..].find(|c| c != ' ').unwrap()
        })
        .collect();
    assert!(columns.len() >= 3, "{text}");
    assert!(
        columns.iter().all(|&c| c == "incompatible ".len()),
        "{text}"
    );
    // Without a target nothing is guessed.
    let doc = json_of(&pkglens(&["check", "--format", "json", path]));
    assert!(!doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["kind"] == "incompatible"));
}

#[test]
fn the_python_of_a_virtual_environment_is_read_from_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "venv/pyvenv.cfg",
        "home = /usr/bin\nversion_info = 3.10.14\n",
    );
    write(
        dir.path(),
        "venv/lib/python3.10/site-packages/a-1.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Dist: b; python_version < '3.11'\n",
    );
    let path = dir.path().join("venv");
    let out = pkglens(&["check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("python 3.10.14 (from "), "{text}");
    assert!(text.contains("pyvenv.cfg) on"), "{text}");
    // The marker holds on 3.10: b is missing.
    assert_eq!(out.status.code(), Some(1), "{text}");
}

#[test]
fn why_graph_and_diff_say_what_they_could_not_read_and_stop_with_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    for (root, requests) in [(&old, "2.31.0"), (&new, "2.32.3")] {
        write(
            root,
            "requirements.txt",
            &format!("requests=={requests}\nidna==3.10\n"),
        );
        write(
            root,
            "site/idna-3.10.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: idna\nVersion: 3.10\n",
        );
    }
    write(
        &old,
        "site/rich-13.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: rich\nVersion: 13\n",
    );
    // The same METADATA, now unreadable (not UTF-8): not a removed package.
    std::fs::create_dir_all(new.join("site/rich-13.dist-info")).unwrap();
    std::fs::write(
        new.join("site/rich-13.dist-info/METADATA"),
        b"Metadata-Version: 2.1\nName: \xff\n",
    )
    .unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = pkglens(&["diff", o, n]);
    let text = stdout(&out);
    assert!(
        text.contains("~ requires requests ==2.31.0 -> ==2.32.3"),
        "{text}"
    );
    assert!(!text.contains("- rich"), "{text}");
    assert!(
        text.contains(
            "0 added, 0 removed, 0 changed, 1 requirements changed (1 unreadable files left out)"
        ),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 file could not be read"), "{err}");
    let doc = json_of(&pkglens(&["diff", "--format", "json", o, n]));
    assert_eq!(doc["unreadable"].as_array().unwrap().len(), 1, "{doc}");
    for args in [
        vec!["diff", "--fail-fast", o, n],
        vec!["graph", "--fail-fast", n],
        vec!["why", "--fail-fast", "idna", n],
    ] {
        let out = pkglens(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--fail-fast"));
    }
    let graph = json_of(&pkglens(&["graph", "--format", "json", n]));
    assert!(graph["unreadable"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("METADATA"));
}

#[test]
fn why_a_missing_package_and_a_truncated_answer() {
    let out = pkglens(&["why", "charset-normalizer", "examples/"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out)
        .contains("requests 2.32.3 -> charset-normalizer (missing: `charset-normalizer<4,>=2`)"));
    let out = stdout(&pkglens(&[
        "why",
        "--limit",
        "0",
        "mdurl",
        "examples/site-packages",
    ]));
    assert!(!out.contains("root"), "{out}");
    assert!(out.contains("truncated at 0 chains"), "{out}");
    let doc = json_of(&pkglens(&[
        "why",
        "--format",
        "json",
        "--limit",
        "0",
        "mdurl",
        "examples/site-packages",
    ]));
    assert_eq!(doc["truncated"], true);
    let tree = stdout(&pkglens(&[
        "graph",
        "--root",
        "requests",
        "examples/site-packages",
    ]));
    assert!(
        tree.contains("  charset-normalizer [required: <4, >=2, missing]\n"),
        "{tree}"
    );
}

#[test]
fn a_declarations_only_project_checks_its_pins_against_its_ranges() {
    // An application repository: pyproject.toml and pip-compile's requirements.txt beside it,
    // nothing installed. pip check finds nothing broken in an empty environment, so nothing is
    // `missing`; uv (`uv pip compile pyproject.toml requirements.txt`) refuses the stale pin
    // click==7.1.2 against `click>=8,<9` (scripts/conformance/declarations_uv.py compares
    // these cases with uv).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = 'app'\nversion = '1.0'\ndependencies = ['requests>=2.30', 'click>=8,<9', 'rich']\n",
    );
    write(
        root,
        "requirements.txt",
        "requests==2.32.3\nclick==7.1.2\nurllib3==2.2.0\nidna==3.7 ; python_version < '3'\n",
    );
    let path = root.to_str().unwrap();
    let out = pkglens(&["check", "--format", "json", "--target-python", "3.11", path]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let kinds: Vec<(&str, &str)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["kind"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("unsatisfied", "click"), ("unpinned", "rich")]);
    assert_eq!(doc["summary"]["shapes"]["python"], "declarations");
    assert!(doc["problems"][0]["message"]
        .as_str()
        .unwrap()
        .ends_with("requirements.txt:2 pins `click==7.1.2`"));
    // The pin fixed: the note remains, the check passes.
    write(root, "requirements.txt", "requests==2.32.3\nclick==8.1.7\n");
    let out = pkglens(&["check", "--target-python", "3.11", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(
        "(python declarations only, nothing installed: pins checked against declared ranges)"
    ));
    assert!(stdout(&out).ends_with("no problems, 1 note (1 unpinned)\n"));
    // The same project beside an environment is checked against what is installed.
    write(
        root,
        "venv/lib/python3.11/site-packages/requests-2.32.3.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n",
    );
    let doc = json_of(&pkglens(&["check", "--format", "json", path]));
    assert_eq!(doc["summary"]["shapes"]["python"], "environment");
    assert!(doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["kind"] == "missing" && p["name"] == "click"));
}
