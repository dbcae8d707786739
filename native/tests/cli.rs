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
    assert!(text.contains("missing     examples/site-packages/requests-2.32.3.dist-info/METADATA:11: requests 2.32.3 needs `charset-normalizer<4,>=2`"), "{text}");
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
