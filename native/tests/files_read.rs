//! Which files `pkglens` reads, run as a user runs it: folder walks over the layouts of
//! `tests/data/layouts` (each folder names the real shape it stands for), files named on the
//! command line, standard input of every format, and `--as`.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pkglens(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pkglens");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn scan_json(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let out = pkglens(&all, stdin);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("no JSON: {}", String::from_utf8_lossy(&out.stderr));
    })
}

/// `(path, format)` of every record.
fn read(scan: &Value) -> Vec<(String, String)> {
    scan["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap();
            let path = path.strip_prefix("tests/data/layouts/").unwrap_or(path);
            (
                path.to_owned(),
                r["format"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_folder_walk_reads_the_layouts_of_real_projects() {
    let scan = scan_json(&["tests/data/layouts"], None);
    let req = "requirements-txt";
    let expected: Vec<(&str, &str)> = vec![
        (
            "index-cache/idna-3.10-py3-none-any.whl.metadata",
            "metadata",
        ),
        // The PEP 658 file an index serves for an sdist: its PKG-INFO.
        ("index-cache/idna-3.20.tar.gz.metadata", "pkg-info"),
        ("setuptools-dynamic/pyproject.toml", "pyproject"),
        ("setuptools-dynamic/requirements/docs.txt", req),
        ("uv-project/reproducible-linux.in", req),
        ("uv-project/reproducible-linux.txt", req),
        ("uv-project/req.txt", req),
        ("uv-project/requirements.lock", req),
        ("uv-project/test-requirements-0.txt", req),
        ("warehouse/requirements/docs/user.in", req),
        ("warehouse/requirements/docs/user.txt", req),
        ("warehouse/requirements/main.in", req),
        ("warehouse/requirements/main.txt", req),
        ("warehouse/requirements/tests.in", req),
        ("warehouse/requirements/tests.txt", req),
        // Named by the pyproject's [tool.setuptools.dynamic]: read after the walk.
        ("setuptools-dynamic/deps/runtime.pins", req),
    ];
    let got = read(&scan);
    let got: Vec<(&str, &str)> = got.iter().map(|(p, f)| (p.as_str(), f.as_str())).collect();
    assert_eq!(got, expected);
    for record in scan["records"].as_array().unwrap() {
        assert_ne!(record["status"], "error", "{record}");
    }
    // The sdist's metadata file (idna 3.20's PKG-INFO as the index serves it) reads as
    // packaging 26.3's `Metadata.from_email` reads it: `idna 3.20`, `>=3.9`, and
    // `ruff>=0.16.0; extra == "all"` first of its six `Requires-Dist`.
    let sdist = &scan["records"][1]["packages"][0];
    assert_eq!(
        (&sdist["name"], &sdist["version"]),
        (&"idna".into(), &"3.20".into())
    );
    assert_eq!(sdist["requires_python"], ">=3.9");
    let requires = sdist["requires"].as_array().unwrap();
    assert_eq!(requires.len(), 6);
    assert_eq!(
        (
            &requires[0]["name"],
            &requires[0]["spec"],
            &requires[0]["marker"]
        ),
        (
            &"ruff".into(),
            &">=0.16.0".into(),
            &"extra == \"all\"".into()
        )
    );
    // MANIFEST.in, config.h.in, numpy.pc.in, _bounded_integers.pyx.in, fixtures.zip,
    // CHANGES.txt: passed over, and counted on the table's summary line.
    let out = pkglens(&["scan", "tests/data/layouts"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.trim_end()
            .ends_with("; 6 other files passed over (-v lists them)"),
        "{text}"
    );
}

#[test]
fn the_files_passed_over_are_counted_and_listed_with_v() {
    let out = pkglens(&["scan", "tests/data/layouts/templates"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.trim_end()
            .ends_with("; 5 other files passed over (-v lists them)"),
        "{text}"
    );
    assert!(out.stderr.is_empty());
    // The JSON summary counts them too, and lists them with their reasons under -v.
    let scan = scan_json(&["tests/data/layouts/templates"], None);
    assert_eq!(scan["summary"]["passed_over"], 5);
    assert!(scan["summary"].get("passed_over_files").is_none());
    let scan = scan_json(&["-v", "tests/data/layouts/templates"], None);
    let files = scan["summary"]["passed_over_files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    assert_eq!(files[0]["path"], "tests/data/layouts/templates/MANIFEST.in");
    assert!(files[4]["reason"]
        .as_str()
        .unwrap()
        .starts_with("an archive not named like an sdist"));
    // Nothing passed over: no count.
    let scan = scan_json(&["tests/data/layouts/uv-project/req.txt"], None);
    assert!(scan["summary"].get("passed_over").is_none());
    let out = pkglens(&["scan", "-v", "tests/data/layouts/templates"], None);
    let errors = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 5, "{errors}");
    assert!(lines[0].starts_with(
        "pkglens: passed over tests/data/layouts/templates/MANIFEST.in: a `.in` not named"
    ));
    assert!(errors.contains("fixtures.zip: an archive not named like an sdist"));
}

#[test]
fn a_file_named_on_the_command_line_is_read_by_its_content() {
    // A .txt named on purpose is a requirements file; a metadata file under an odd name is
    // sniffed; a template given by name is still not a requirements file.
    let scan = scan_json(
        &[
            "tests/data/layouts/uv-project/CHANGES.txt",
            "tests/data/layouts/warehouse/requirements/main.in",
            "tests/data/layouts/templates/MANIFEST.in",
        ],
        None,
    );
    let records = scan["records"].as_array().unwrap();
    assert_eq!(records[0]["format"], "requirements-txt");
    assert_eq!(records[1]["format"], "requirements-txt");
    assert_eq!(records[1]["requirements"].as_array().unwrap().len(), 3);
    assert_eq!(records[2]["status"], "error");
    assert!(records[2]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("unrecognised file"));
}

#[test]
fn standard_input_of_every_format() {
    let file = |rel: &str| std::fs::read(root().join(rel)).unwrap();
    let cases: Vec<(Vec<u8>, &str, usize)> = vec![
        // `pip freeze | pkglens scan -`
        (
            b"attrs==23.2.0\nidna==3.10\n-e git+https://github.com/x/y.git@0123abc#egg=y\n"
                .to_vec(),
            "requirements-txt",
            3,
        ),
        (
            file("tests/data/layouts/warehouse/requirements/main.txt"),
            "requirements-txt",
            3,
        ),
        // `cat package.py | pkglens scan -`
        (
            file("examples/rez/usd/24.05/package.py"),
            "rez-package-py",
            1,
        ),
        (
            file("examples/rez/ocio/2.3.0/package.yaml"),
            "rez-package-yaml",
            1,
        ),
        (file("examples/app/pyproject.toml"), "pyproject", 1),
        (file("core/test-data/locks/real/uv.lock"), "uv-lock", 0),
        (file("core/test-data/locks/real/pylock.toml"), "pylock", 0),
        (
            file("examples/site-packages/idna-3.10.dist-info/METADATA"),
            "metadata",
            1,
        ),
    ];
    for (bytes, format, at_least) in cases {
        let scan = scan_json(&["-"], Some(&bytes));
        let record = &scan["records"][0];
        assert_eq!(record["format"], format, "{record}");
        assert_ne!(record["status"], "error", "{record}");
        let found = record["packages"].as_array().unwrap().len()
            + record["requirements"].as_array().unwrap().len();
        assert!(found >= at_least, "{record}");
    }
}

#[test]
fn as_overrides_detection() {
    let metadata = b"Metadata-Version: 2.1\nName: x\nVersion: 1\n";
    let scan = scan_json(&["--as", "pkg-info", "-"], Some(metadata));
    assert_eq!(scan["records"][0]["format"], "pkg-info");
    let scan = scan_json(
        &[
            "--as",
            "requirements-txt",
            "tests/data/layouts/setuptools-dynamic/deps/runtime.pins",
        ],
        None,
    );
    assert_eq!(scan["records"][0]["format"], "requirements-txt");
    assert_eq!(scan["records"][0]["requirements"][0]["name"], "requests");
    let out = pkglens(&["scan", "--as", "metadata", "tests/data/layouts"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as applies to files"));
    let out = pkglens(&["scan", "--as", "nonsense", "-"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: metadata, pkg-info"));
}

/// `(name, sorted specifiers, constraint)`; an editable's name is left out (pip names it only
/// once it builds it).
type Line = (Option<String>, Vec<String>, bool);

#[test]
fn the_requirements_files_read_agree_with_pip() {
    let Ok(json_path) = std::env::var("PKGLENS_PIP_TREE_JSON") else {
        println!("skipped: set PKGLENS_PIP_TREE_JSON to the output of conformance/pip_tree.py");
        return;
    };
    let pip: Value = serde_json::from_slice(&std::fs::read(json_path).unwrap()).unwrap();
    let scan = scan_json(&["tests/data/layouts"], None);
    let mut compared = 0;
    for record in scan["records"].as_array().unwrap() {
        if record["format"] != "requirements-txt" {
            continue;
        }
        let path = record["path"].as_str().unwrap();
        let rel = path.strip_prefix("tests/data/layouts/").unwrap();
        let entry = pip["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == rel)
            .unwrap_or_else(|| panic!("pip did not read {rel}"));
        assert!(
            entry["error"].is_null(),
            "pip fails on {rel}: {}",
            entry["error"]
        );
        let ours: Vec<Line> = record["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let name = r["name"].as_str().unwrap();
                let mut specs: Vec<String> = r["spec"]
                    .as_str()
                    .unwrap()
                    .split(',')
                    .map(|s| s.split_whitespace().collect::<String>())
                    .filter(|s| !s.is_empty())
                    .collect();
                specs.sort();
                let name = (!name.is_empty()).then(|| name.to_ascii_lowercase().replace('_', "-"));
                (name, specs, r["kind"] == "constraint")
            })
            .collect();
        let theirs: Vec<Line> = entry["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let specs = r["specifiers"].as_array().map_or_else(Vec::new, |s| {
                    s.iter().map(|x| x.as_str().unwrap().to_owned()).collect()
                });
                let name = r["name"].as_str().map(str::to_owned);
                (name, specs, r["constraint"] == true)
            })
            .collect();
        assert_eq!(ours, theirs, "{rel}");
        compared += 1;
    }
    // Every requirements file of the layouts, the one named by the pyproject included.
    assert_eq!(compared, 13);
}
