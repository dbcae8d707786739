//! Snapshots of every fixture under `core/test-data/`: each input file parsed, and its record's
//! JSON (as [`write_record_json`] writes it, indented) or its error (rendered as the CLI shows
//! it, `path:line:column: message` with the line and a caret, then the error record's JSON)
//! compared with `core/tests/snapshots/snapshots__<folder>__<file>.snap`.
//!
//! Paths are relative to `core/test-data` with `/` separators, so the snapshots do not depend
//! on where the checkout lives. A requirements file is resolved with its `-r` and `-c` includes
//! looked up among the fixtures (never on disk) and `${VAR}` left as written, the way
//! [`parse_batch_linked`](pkglens_core::parse_batch_linked) resolves a batch; that
//! function itself cannot be used here because it only resolves files whose *name* says
//! "requirements" (`requirements*.txt`, `*.in`, ...) and the fixtures are named after what they
//! test (`09_includes.txt`). So each fixture's format is its name's, else its folder's, else
//! its content's (see [`format_of`]).
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test -p pkglens-core --test
//! snapshots` (or `cargo insta test -p pkglens-core --test snapshots --review`), then read the
//! diff. Under `CI=true` insta writes nothing and a difference fails.
//!
//! Native only: the fixtures are read from disk and insta writes files.
#![cfg(not(target_arch = "wasm32"))]

use pkglens_core::parse_guarded;
use pkglens_core::resolve_requirements;
use pkglens_core::{
    detect_by_content, detect_by_name, write_record_json, Format, Input, ParseError, Record,
};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Files under `core/test-data` that are not inputs: data of other tests, notes, and files
/// that are only there to be pointed at by a requirements line (`-e ./localpkg`).
const NOT_INPUTS: &[&str] = &[
    "codecs/python.json",
    "pep508/packaging_vectors.json",
    "requirements_txt/localpkg/setup.py",
];

/// The format of a fixture whose name says nothing, by the folder it is in and its extension.
fn folder_format(path: &str) -> Option<Format> {
    let folder = path.split('/').next()?;
    let extension = path.rsplit_once('.').map(|(_, e)| e)?;
    match (folder, extension) {
        ("requirements_txt", "txt" | "in") => Some(Format::RequirementsTxt),
        ("pyproject", "toml") => Some(Format::Pyproject),
        ("rez_package_py", "py") => Some(Format::RezPackagePy),
        ("rez_package_yaml", "yaml") => Some(Format::RezPackageYaml),
        _ => None,
    }
}

/// A fixture's format: its name's (`METADATA`, `package.py`, `uv.lock`, ...), else its
/// folder's, else its content's (`uv.hand.lock`).
fn format_of(path: &str, bytes: &[u8]) -> Option<Format> {
    detect_by_name(path)
        .or_else(|| folder_format(path))
        .or_else(|| detect_by_content(bytes))
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            let parts: Vec<&str> = relative
                .components()
                .map(|c| c.as_os_str().to_str().expect("UTF-8 fixture names"))
                .collect();
            out.push(parts.join("/"));
        }
    }
}

/// Compact JSON indented two spaces a level, its bytes otherwise untouched (keys stay in the
/// order they were written; a `serde_json::Value` would sort them).
fn indent(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(compact.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if let Some(close) = chars.next_if_eq(&close) {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

/// A record's JSON as the CLI writes it, indented.
fn record_json(record: &Record) -> String {
    let mut compact = Vec::new();
    write_record_json(&mut compact, record).expect("writing to memory");
    let compact = String::from_utf8(compact).expect("JSON is UTF-8");
    let pretty = indent(&compact);
    let same = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("valid JSON");
    assert_eq!(same(&pretty), same(&compact), "indenting changed the JSON");
    pretty
}

/// What a fixture's snapshot holds: the record's JSON, or the rendered error and its JSON.
fn render(result: &Result<Record, ParseError>) -> String {
    match result {
        Ok(record) => record_json(record),
        Err(err) => format!("{err}\n\n{}", record_json(&Record::from_error(err))),
    }
}

#[test]
fn every_fixture() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-data");
    let mut paths = Vec::new();
    walk(&root, &root, &mut paths);
    paths.sort();
    let files: BTreeMap<String, Vec<u8>> = paths
        .into_iter()
        .filter(|p| !NOT_INPUTS.contains(&p.as_str()) && !p.ends_with("README.md"))
        .map(|p| {
            let bytes = std::fs::read(root.join(&p)).unwrap_or_else(|e| panic!("{p}: {e}"));
            (p, bytes)
        })
        .collect();

    let mut failed = Vec::new();
    for (path, bytes) in &files {
        let Some(format) = format_of(path, bytes) else {
            panic!("{path}: no format; name it as the tool would, or list it in NOT_INPUTS");
        };
        let result = if format == Format::RequirementsTxt {
            let mut load = |p: &str| files.get(p).cloned();
            resolve_requirements(path, &mut load, &|_| None)
        } else {
            parse_guarded(&Input::new(path, bytes), Some(format))
        };
        let snapshot = render(&result);
        let mut settings = insta::Settings::clone_current();
        settings.set_input_file(root.join(path));
        settings.set_omit_expression(true);
        // A difference panics; catching it lets one run report (and write) every one.
        let checked = panic::catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(path.as_str(), snapshot));
        }));
        if checked.is_err() {
            failed.push(path.as_str());
        }
    }
    // A snapshot whose fixture was removed or renamed would otherwise stay behind unnoticed.
    let expected: Vec<String> = files
        .keys()
        .map(|p| format!("snapshots__{}.snap", p.replace('/', "__")))
        .collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut stale: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".snap") && !expected.contains(name))
        .collect();
    stale.sort();
    assert!(
        stale.is_empty(),
        "snapshots without a fixture in core/tests/snapshots (delete them): {stale:?}"
    );
    assert!(
        failed.is_empty(),
        "{} of {} snapshots differ: {failed:?}",
        failed.len(),
        files.len()
    );
}
