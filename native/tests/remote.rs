//! `pkglens` over HTTP, against a server this test starts on 127.0.0.1 (plain `std::net`, so
//! that it can misbehave on purpose: ignore `Range`, fail twice, cut a body short, announce a
//! huge body, answer slowly). It serves the wheels built below under several paths, and a
//! package index over them as PEP 691 JSON and as PEP 503 HTML (in the shapes PyPI serves:
//! `data-requires-python`, `data-yanked`, `data-core-metadata`/`data-dist-info-metadata`,
//! `core-metadata` hashes), with ETags for revalidation.
//!
//! Every case checks what the user sees and that no temporary file is left (each run gets a
//! `TMPDIR` of its own that must be empty afterwards). Records read over HTTP are compared
//! with `pkglens scan` of the same wheel on disk; with `PKGLENS_VENV_PYTHON` set (a Python
//! with pip), the picks of an index walk are compared with `pip install --dry-run --report`
//! against the same server.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Wheels and sdists, built here.
// ---------------------------------------------------------------------------------------------

/// A zip of stored members, as `zipfile` writes one with `ZIP_STORED`.
fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, 0, 0, 0, 0x21] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc, data.len() as u32, data.len() as u32] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                for v in [0u16, 0, 0] {
                    h.extend_from_slice(&v.to_le_bytes());
                }
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let (cd_offset, cd_len, count) = (out.len() as u32, central.len() as u32, members.len() as u16);
    out.extend(central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Bytes that do not compress, deterministic.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// The METADATA of a package (metadata 2.1, as setuptools writes it).
fn metadata(name: &str, version: &str, lines: &[&str]) -> String {
    let mut text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("\nA description.\n");
    text
}

/// A wheel: METADATA first, then `pad` bytes of a stored module (so that a large wheel's
/// METADATA is not in the 32 KiB tail asked for first), then RECORD.
fn wheel(file: &str, meta: &str, pad: usize) -> Vec<u8> {
    let stem = file.strip_suffix(".whl").unwrap();
    let mut parts = stem.split('-');
    let dist_info = format!(
        "{}-{}.dist-info",
        parts.next().unwrap(),
        parts.next().unwrap()
    );
    let module = noise(pad);
    zip(&[
        (&format!("{dist_info}/METADATA"), meta.as_bytes()),
        ("blob/data.bin", &module),
        (&format!("{dist_info}/RECORD"), b""),
    ])
}

/// An sdist (`.tar.gz`) with a PKG-INFO, as setuptools' `sdist` writes it.
fn sdist(name: &str, version: &str, pkg_info: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let mut header = tar::Header::new_gnu();
    header.set_size(pkg_info.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(
            &mut header,
            format!("{name}-{version}/PKG-INFO"),
            pkg_info.as_bytes(),
        )
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap()
}

/// A file of the test index.
struct File {
    name: String,
    bytes: Vec<u8>,
    /// The METADATA served as PEP 658 `<file>.metadata` (wheels).
    meta: Option<String>,
    yanked: bool,
    requires_python: Option<&'static str>,
}

fn files() -> Vec<File> {
    let w = |name: &str, meta: String, pad: usize| File {
        bytes: wheel(name, &meta, pad),
        name: name.to_owned(),
        meta: Some(meta),
        yanked: false,
        requires_python: None,
    };
    let mut files = vec![
        w(
            "demo-1.0-py3-none-any.whl",
            metadata("demo", "1.0", &[]),
            10,
        ),
        w(
            "demo-2.0-py3-none-any.whl",
            metadata(
                "demo",
                "2.0",
                &[
                    "Requires-Python: >=3.8",
                    "Provides-Extra: x",
                    "Requires-Dist: dep>=1",
                    "Requires-Dist: winonly; sys_platform == \"win32\"",
                    "Requires-Dist: extra-dep; extra == \"x\"",
                ],
            ),
            200_000,
        ),
        w(
            "demo-3.0b1-py3-none-any.whl",
            metadata("demo", "3.0b1", &[]),
            10,
        ),
        w("dep-1.0-py3-none-any.whl", metadata("dep", "1.0", &[]), 10),
        w("dep-2.0-py3-none-any.whl", metadata("dep", "2.0", &[]), 10),
        w(
            "extra_dep-1.0-py3-none-any.whl",
            metadata("extra-dep", "1.0", &[]),
            10,
        ),
        w(
            "winonly-1.0-py3-none-any.whl",
            metadata("winonly", "1.0", &[]),
            10,
        ),
        w(
            "native-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            metadata("native", "1.0", &["Summary: binary"]),
            10,
        ),
        w(
            "native-1.0-py3-none-any.whl",
            metadata("native", "1.0", &["Summary: pure"]),
            10,
        ),
        w(
            "a-1.0-py3-none-any.whl",
            metadata("a", "1.0", &["Requires-Dist: c<2"]),
            10,
        ),
        w(
            "b-1.0-py3-none-any.whl",
            metadata("b", "1.0", &["Requires-Dist: c>=2"]),
            10,
        ),
        w("c-1.0-py3-none-any.whl", metadata("c", "1.0", &[]), 10),
        w("c-2.0-py3-none-any.whl", metadata("c", "2.0", &[]), 10),
        w("new-1.0-py3-none-any.whl", metadata("new", "1.0", &[]), 10),
        // Asks for an extra of a name another requirement picked at another version first.
        w(
            "f-1.0-py3-none-any.whl",
            metadata("f", "1.0", &["Requires-Dist: demo[x]<2"]),
            10,
        ),
        // Read by its direct URL: one requirement from the index, one from a VCS.
        w(
            "h-1.0-py3-none-any.whl",
            metadata(
                "h",
                "1.0",
                &[
                    "Requires-Dist: c",
                    "Requires-Dist: vcs @ git+https://example.invalid/vcs.git@v1",
                ],
            ),
            10,
        ),
    ];
    files[4].yanked = true; // dep 2.0 (PEP 592)
    files[13].requires_python = Some(">=3.99"); // new 1.0: no Python of the target
    files.push(File {
        name: "old-1.0.tar.gz".into(),
        bytes: sdist(
            "old",
            "1.0",
            &metadata("old", "1.0", &["Requires-Dist: dep"]),
        ),
        meta: None,
        yanked: false,
        requires_python: None,
    });
    // An sdist whose index serves its PKG-INFO as PEP 658 metadata (metadata 2.2, so that
    // PEP 643 lets its requirements be trusted; setuptools >= 68 writes 2.2 or later).
    let pkg_info = metadata("meta", "2.0", &["Requires-Dist: dep>=1"])
        .replace("Metadata-Version: 2.1", "Metadata-Version: 2.2");
    files.push(File {
        name: "meta-2.0.tar.gz".into(),
        bytes: sdist("meta", "2.0", &pkg_info),
        meta: Some(pkg_info),
        yanked: false,
        requires_python: None,
    });
    files
}

// ---------------------------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------------------------

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    range: Option<String>,
    authorization: Option<String>,
    status: u16,
}

struct State {
    files: BTreeMap<String, File>,
    log: Mutex<Vec<Seen>>,
    hits: Mutex<HashMap<String, usize>>,
}

struct Server {
    base: String,
    state: Arc<State>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State {
            files: files().into_iter().map(|f| (f.name.clone(), f)).collect(),
            log: Mutex::new(Vec::new()),
            hits: Mutex::new(HashMap::new()),
        });
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Server { base, state }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn log(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.state.log.lock().unwrap().clear();
    }

    fn file(&self, name: &str) -> &File {
        &self.state.files[name]
    }
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the server sends.
enum Reply {
    Send {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Announces `declared` bytes, sends `body`, closes.
    Short { declared: u64, body: Vec<u8> },
}

fn send(status: u16, headers: Vec<(&str, String)>, body: Vec<u8>) -> Reply {
    Reply::Send {
        status,
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        body,
    }
}

fn serve(stream: TcpStream, state: &State) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let reply = route(state, &path, &headers);
        let status = match &reply {
            Reply::Send { status, .. } => *status,
            Reply::Short { .. } => 200,
        };
        state.log.lock().unwrap().push(Seen {
            path: path.clone(),
            range: headers.get("range").cloned(),
            authorization: headers.get("authorization").cloned(),
            status,
        });
        let ok = match reply {
            Reply::Send {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                writer.write_all(head.as_bytes()).is_ok() && writer.write_all(&body).is_ok()
            }
            Reply::Short { declared, body } => {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\n\r\n");
                let _ = writer.write_all(head.as_bytes());
                let _ = writer.write_all(&body);
                let _ = writer.flush();
                return; // and close
            }
        };
        if !ok {
            return;
        }
    }
}

fn route(state: &State, path: &str, headers: &HashMap<String, String>) -> Reply {
    let not_found = || send(404, vec![], b"not found".to_vec());
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(2, '/').collect();
    let [mode, rest] = parts.as_slice() else {
        return not_found();
    };
    if let Some(project) = rest.strip_prefix("simple/") {
        return index_page(state, mode, project.trim_end_matches('/'), headers);
    }
    let (name, is_meta) = match rest.strip_suffix(".metadata") {
        Some(name) => (name, true),
        None => (*rest, false),
    };
    let Some(file) = state.files.get(name) else {
        return not_found();
    };
    let bytes = match (is_meta, &file.meta) {
        (true, Some(meta)) => meta.as_bytes().to_vec(),
        (true, None) => return not_found(),
        (false, _) => file.bytes.clone(),
    };
    let hits = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.entry(path.to_owned()).or_default();
        *n += 1;
        *n
    };
    match *mode {
        "r" => ranged(&bytes, headers.get("range")),
        "m" if is_meta => not_found(),
        "m" => ranged(&bytes, headers.get("range")),
        "n" => send(200, vec![], bytes),
        "flaky" if hits <= 2 => send(503, vec![], b"busy".to_vec()),
        "flaky" => ranged(&bytes, headers.get("range")),
        "redirect" => send(302, vec![("Location", format!("/r/{rest}"))], vec![]),
        "slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ranged(&bytes, headers.get("range"))
        }
        "truncated" => Reply::Short {
            declared: bytes.len() as u64,
            body: bytes[..bytes.len() / 2].to_vec(),
        },
        "huge" => Reply::Short {
            declared: 1_000_000_000_000_000,
            body: Vec::new(),
        },
        _ => not_found(),
    }
}

/// A `Range: bytes=A-B` or `bytes=-N` answer, as a static file server gives it.
fn ranged(bytes: &[u8], range: Option<&String>) -> Reply {
    let len = bytes.len() as u64;
    let Some(spec) = range.and_then(|r| r.strip_prefix("bytes=")) else {
        return send(200, vec![], bytes.to_vec());
    };
    let (a, b) = spec.split_once('-').unwrap();
    let (start, end) = if a.is_empty() {
        (len.saturating_sub(b.parse().unwrap()), len - 1)
    } else {
        let end = if b.is_empty() {
            len - 1
        } else {
            b.parse::<u64>().unwrap().min(len - 1)
        };
        (a.parse().unwrap(), end)
    };
    send(
        206,
        vec![("Content-Range", format!("bytes {start}-{end}/{len}"))],
        bytes[start as usize..=end as usize].to_vec(),
    )
}

/// A project's page. Modes: `json` (PEP 691 when asked for, PEP 658 hashes), `html` (PEP 503,
/// PEP 658/714 attributes, relative links), `plain` (HTML, no metadata files: wheels read by
/// ranges), `norange` (files from a server that ignores `Range`), `bad` (wrong hashes),
/// `gone` (metadata files offered and not served: 404).
fn index_page(
    state: &State,
    mode: &str,
    project: &str,
    headers: &HashMap<String, String>,
) -> Reply {
    let files: Vec<&File> = state
        .files
        .values()
        .filter(|f| {
            let stem = f.name.split('-').next().unwrap().replace('_', "-");
            stem == project
        })
        .collect();
    if files.is_empty() || !["json", "html", "plain", "norange", "bad", "gone"].contains(&mode) {
        return send(404, vec![], b"no such project".to_vec());
    }
    let file_mode = match mode {
        "norange" | "bad" => "n",
        "gone" => "m",
        _ => "r",
    };
    let hash = |bytes: &[u8]| {
        if mode == "bad" {
            "0".repeat(64)
        } else {
            sha256(bytes)
        }
    };
    let with_meta = matches!(mode, "json" | "html" | "bad" | "gone");
    let (body, content_type) = if mode == "json"
        && headers
            .get("accept")
            .is_some_and(|a| a.contains("vnd.pypi.simple.v1+json"))
    {
        let list: Vec<Value> = files
            .iter()
            .map(|f| {
                let mut entry = serde_json::json!({
                    "filename": f.name,
                    "url": format!("/{file_mode}/{}", f.name),
                    "hashes": {"sha256": hash(&f.bytes)},
                    "requires-python": f.requires_python,
                    "yanked": f.yanked,
                });
                if let (true, Some(meta)) = (with_meta, &f.meta) {
                    entry["core-metadata"] = serde_json::json!({"sha256": hash(meta.as_bytes())});
                }
                entry
            })
            .collect();
        let page =
            serde_json::json!({"meta": {"api-version": "1.1"}, "name": project, "files": list});
        (page.to_string(), "application/vnd.pypi.simple.v1+json")
    } else {
        let mut html = String::from("<!DOCTYPE html>\n<html><body><h1>Links</h1>\n");
        for f in &files {
            let mut attrs = String::new();
            if let Some(rp) = f.requires_python {
                attrs.push_str(&format!(
                    " data-requires-python=\"{}\"",
                    rp.replace('>', "&gt;")
                ));
            }
            if f.yanked {
                attrs.push_str(" data-yanked=\"\"");
            }
            if let (true, Some(meta)) = (with_meta, &f.meta) {
                let h = hash(meta.as_bytes());
                attrs.push_str(&format!(
                    " data-dist-info-metadata=\"sha256={h}\" data-core-metadata=\"sha256={h}\""
                ));
            }
            html.push_str(&format!(
                "<a href=\"../../../{file_mode}/{}#sha256={}\"{attrs}>{}</a><br/>\n",
                f.name,
                hash(&f.bytes),
                f.name
            ));
        }
        html.push_str("</body></html>\n");
        (html, "text/html")
    };
    let etag = format!("\"{}\"", &sha256(body.as_bytes())[..16]);
    if headers.get("if-none-match") == Some(&etag) {
        return send(304, vec![("ETag", etag)], Vec::new());
    }
    let mut reply_headers = vec![("Content-Type", content_type.to_owned()), ("ETag", etag)];
    if mode == "json" {
        // As PyPI sends it.
        reply_headers.push(("Cache-Control", "max-age=600, public".to_owned()));
    }
    send(200, reply_headers, body.into_bytes())
}

// ---------------------------------------------------------------------------------------------
// Running pkglens.
// ---------------------------------------------------------------------------------------------

/// A run of `pkglens` with a `TMPDIR` and a `HOME` of its own, no proxy and no netrc unless
/// given; checks that the run left no temporary file.
struct Run {
    out: Output,
    took: Duration,
}

fn pkglens_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_pkglens"));
    command
        .args(args)
        .env("TMPDIR", tmp.path())
        .env("HOME", home.path())
        .env_remove("NETRC")
        .env_remove("PIP_INDEX_URL")
        .env_remove("XDG_CACHE_HOME");
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(var);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let started = Instant::now();
    let out = command.output().expect("run pkglens");
    let took = started.elapsed();
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    Run { out, took }
}

fn pkglens(args: &[&str]) -> Run {
    pkglens_with(args, &[])
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout(), self.stderr()))
    }

    /// The records of `scan -f json`.
    fn records(&self) -> Vec<Value> {
        self.json()["records"].as_array().unwrap().clone()
    }
}

/// The record `pkglens scan` gives for the wheel on disk, without its path.
fn local_record(file: &File) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&file.name);
    std::fs::write(&path, &file.bytes).unwrap();
    let run = pkglens(&["scan", "-f", "json", path.to_str().unwrap()]);
    without_path(run.records()[0].clone())
}

fn without_path(mut record: Value) -> Value {
    record.as_object_mut().unwrap().remove("path");
    record
}

const NET: [&str; 2] = ["--no-cache", "--no-progress"];

fn scan_urls(urls: &[&str], extra: &[&str]) -> Run {
    let mut args = vec!["scan", "-f", "json"];
    args.extend(NET);
    if !extra.contains(&"--retries") {
        args.extend(["--retries", "2"]);
    }
    args.extend(extra);
    args.extend(urls);
    pkglens(&args)
}

// ---------------------------------------------------------------------------------------------
// Wheel URLs.
// ---------------------------------------------------------------------------------------------

/// A large wheel (METADATA outside the 32 KiB tail): two range requests, a fraction of the
/// file, and the record a local scan gives.
#[test]
fn wheel_url_is_read_by_ranges_as_a_local_wheel() {
    let server = Server::start();
    let name = "demo-2.0-py3-none-any.whl";
    let run = scan_urls(&[&server.url(&format!("/r/{name}"))], &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    let record = run.records()[0].clone();
    assert_eq!(record["path"], server.url(&format!("/r/{name}")));
    assert_eq!(without_path(record), local_record(server.file(name)));
    let log = server.log();
    assert!(log.len() <= 3, "{log:?}");
    assert!(
        log.iter().all(|s| s.range.is_some() && s.status == 206),
        "{log:?}"
    );
    assert_eq!(log[0].range.as_deref(), Some("bytes=-32768"));
}

/// A server that ignores `Range`: the whole wheel, its `#sha256=` checked; a wrong hash is an
/// error record, and neither leaves a file behind.
#[test]
fn server_without_ranges_gives_the_whole_file_hash_checked() {
    let server = Server::start();
    let name = "demo-2.0-py3-none-any.whl";
    let file = server.file(name);
    let good = server.url(&format!("/n/{name}#sha256={}", sha256(&file.bytes)));
    let bad = server.url(&format!("/n/{name}#sha256={}", "ab".repeat(32)));
    let run = scan_urls(&[&good, &bad], &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    let records = run.records();
    assert_eq!(without_path(records[0].clone()), local_record(file));
    assert_eq!(records[1]["status"], "error");
    let message = records[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("sha256 mismatch: expected abab"),
        "{message}"
    );
    assert_eq!(records[1]["path"], server.url(&format!("/n/{name}")));
}

/// A PEP 658 metadata URL gives the wheel's own record (format `wheel`), in one request.
#[test]
fn metadata_url_reads_as_its_wheel() {
    let server = Server::start();
    let name = "demo-2.0-py3-none-any.whl";
    let run = scan_urls(&[&server.url(&format!("/r/{name}.metadata"))], &[]);
    assert_eq!(
        without_path(run.records()[0].clone()),
        local_record(server.file(name))
    );
    assert_eq!(server.log().len(), 1);
}

/// An sdist's PEP 658 metadata URL gives the sdist's own record (format `sdist`), in one
/// request.
#[test]
fn sdist_metadata_url_reads_as_its_sdist() {
    let server = Server::start();
    let name = "meta-2.0.tar.gz";
    let run = scan_urls(&[&server.url(&format!("/r/{name}.metadata"))], &[]);
    let record = run.records()[0].clone();
    assert_eq!(record["format"], "sdist", "{record}");
    assert_eq!(record["packages"][0]["requires"][0]["raw"], "dep>=1");
    assert_eq!(without_path(record), local_record(server.file(name)));
    assert_eq!(server.log().len(), 1);
}

/// An index offering an sdist's PEP 658 metadata: the page and that file, no download; when
/// the file is offered and not served, the sdist itself, with the same record.
#[test]
fn an_index_sdist_with_metadata_is_read_from_it() {
    let server = Server::start();
    let run = scan_index(&server, "json", &["meta"], &[]);
    let paths: Vec<String> = server.log().iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, ["/json/simple/meta/", "/r/meta-2.0.tar.gz.metadata"]);
    let from_metadata = without_path(run.records()[0].clone());
    assert_eq!(from_metadata["format"], "sdist");
    assert_eq!(from_metadata["status"], "ok", "{from_metadata}");
    server.clear();
    let run = scan_index(&server, "gone", &["meta"], &[]);
    assert_eq!(without_path(run.records()[0].clone()), from_metadata);
    assert!(server
        .log()
        .iter()
        .any(|s| s.path.ends_with("meta-2.0.tar.gz")));
}

/// 503 twice, then the file: retried with backoff, read.
#[test]
fn a_server_failing_twice_then_answering_is_retried() {
    let server = Server::start();
    let run = scan_urls(&[&server.url("/flaky/demo-1.0-py3-none-any.whl")], &[]);
    assert_eq!(run.records()[0]["status"], "ok", "{}", run.stdout());
    let statuses: Vec<u16> = server.log().iter().map(|s| s.status).collect();
    assert_eq!(statuses, [503, 503, 206]);
    // With fewer retries than failures, the user sees the last one.
    let server = Server::start();
    let run = scan_urls(
        &[&server.url("/flaky/demo-1.0-py3-none-any.whl")],
        &["--retries", "1"],
    );
    assert_eq!(
        run.records()[0]["error"]["message"],
        "HTTP 503 Service Unavailable"
    );
}

/// 404: an error record naming the status; the command still succeeds (as for an unreadable
/// local file) and the table says it.
#[test]
fn not_found_is_an_error_record() {
    let server = Server::start();
    let url = server.url("/missing/nothing-1.0-py3-none-any.whl");
    let run = scan_urls(&[&url], &[]);
    let record = &run.records()[0];
    assert_eq!(record["status"], "error");
    assert_eq!(record["error"]["kind"], "io");
    assert_eq!(record["error"]["message"], "HTTP 404 Not Found");
    let table = pkglens(&["scan", "--no-cache", &url]);
    assert!(
        table.stdout().contains("HTTP 404 Not Found"),
        "{}",
        table.stdout()
    );
}

/// A redirect is followed; the record keeps the URL the user gave.
#[test]
fn redirects_are_followed() {
    let server = Server::start();
    let url = server.url("/redirect/demo-1.0-py3-none-any.whl");
    let run = scan_urls(&[&url], &[]);
    assert_eq!(run.records()[0]["status"], "ok");
    assert_eq!(run.records()[0]["path"], url);
    assert_eq!(server.log()[0].status, 302);
}

/// A body cut short (retried, then an error) and a body announced as a petabyte (refused
/// before reading): error records, quickly, nothing left on disk.
#[test]
fn truncated_and_huge_bodies_are_errors() {
    let server = Server::start();
    let name = "demo-2.0-py3-none-any.whl";
    let run = scan_urls(
        &[
            &server.url(&format!("/truncated/{name}")),
            &server.url(&format!("/huge/{name}")),
        ],
        &["--retries", "1"],
    );
    let records = run.records();
    assert_eq!(records[0]["status"], "error");
    let cut = records[0]["error"]["message"].as_str().unwrap();
    assert!(cut.starts_with("the body ended after "), "{cut}");
    let tries = server
        .log()
        .iter()
        .filter(|s| s.path.starts_with("/truncated"))
        .count();
    assert_eq!(tries, 2, "a cut-off body is retried once with --retries 1");
    let huge = records[1]["error"]["message"].as_str().unwrap();
    assert!(huge.contains("announces 1000000000000000 bytes"), "{huge}");
    assert!(run.took < Duration::from_secs(10));
}

/// A server slower than `--timeout`: an error record saying so, in about the timeout.
#[test]
fn a_slow_server_times_out() {
    let server = Server::start();
    let run = scan_urls(
        &[&server.url("/slow/demo-1.0-py3-none-any.whl")],
        &["--timeout", "0.5", "--retries", "0"],
    );
    let record = &run.records()[0];
    assert_eq!(record["status"], "error");
    let message = record["error"]["message"].as_str().unwrap();
    assert!(
        message.to_lowercase().contains("timeout") || message.contains("timed out"),
        "{message}"
    );
    assert!(run.took < Duration::from_secs(3), "{:?}", run.took);
}

/// Credentials in a URL and in `~/.netrc` are sent, and never shown.
#[test]
fn credentials_are_sent_and_never_shown() {
    let server = Server::start();
    let with_auth = server
        .url("/missing/x-1.0-py3-none-any.whl")
        .replace("http://", "http://alice:s3cret@");
    let run = scan_urls(&[&with_auth], &[]);
    let text = run.stdout() + &run.stderr();
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("alice:****@"), "{text}");
    assert_eq!(
        server.log()[0].authorization.as_deref(),
        Some("Basic YWxpY2U6czNjcmV0") // base64("alice:s3cret")
    );
    // From a netrc file, for the host only.
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let netrc = dir.path().join("netrc");
    std::fs::write(&netrc, "machine 127.0.0.1 login bob password hunter2\n").unwrap();
    let url = server.url("/r/demo-1.0-py3-none-any.whl");
    let mut args = vec!["scan", "-f", "json"];
    args.extend(NET);
    args.push(&url);
    let run = pkglens_with(&args, &[("NETRC", netrc.to_str().unwrap())]);
    assert!(!(run.stdout() + &run.stderr()).contains("hunter2"));
    assert_eq!(
        server.log()[0].authorization.as_deref(),
        Some("Basic Ym9iOmh1bnRlcjI=") // base64("bob:hunter2")
    );
}

// ---------------------------------------------------------------------------------------------
// An index.
// ---------------------------------------------------------------------------------------------

fn scan_index(server: &Server, mode: &str, requirements: &[&str], extra: &[&str]) -> Run {
    let index = server.url(&format!("/{mode}/simple/"));
    let mut args = vec![
        "scan",
        "-f",
        "json",
        "--index-url",
        &index,
        "--target-python",
        "3.12",
    ];
    args.extend(["--machine", "x86_64"]);
    if !extra.contains(&"--platform") {
        args.extend(["--platform", "linux"]);
    }
    args.extend(NET);
    args.extend(extra);
    args.extend(requirements);
    pkglens(&args)
}

/// The name, version and file name of each record.
fn picks(records: &[Value]) -> Vec<(String, String, String)> {
    records
        .iter()
        .map(|r| {
            let package = &r["packages"][0];
            let path = r["path"].as_str().unwrap_or("");
            (
                package["name"].as_str().unwrap_or("").to_owned(),
                package["version"].as_str().unwrap_or("").to_owned(),
                path.rsplit('/').next().unwrap().to_owned(),
            )
        })
        .collect()
}

/// pip's picks, the same from PEP 691 JSON and from PEP 503 HTML, from metadata files, from
/// wheel ranges and from whole downloads: the newest final release (not the pre-release, not
/// the yanked one, not one whose Requires-Python excludes the target), the best wheel tag for
/// the target, an sdist only when there is no wheel (marked dynamic per PEP 643).
#[test]
fn index_picks_as_pip_does_whatever_the_page_and_the_server() {
    let server = Server::start();
    let requirements = ["demo", "dep", "native", "old", "demo<2", "demo>=3.0b1"];
    let expected = [
        ("demo", "2.0", "demo-2.0-py3-none-any.whl"),
        ("dep", "1.0", "dep-1.0-py3-none-any.whl"),
        (
            "native",
            "1.0",
            "native-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        ),
        ("old", "1.0", "old-1.0.tar.gz"),
        ("demo", "1.0", "demo-1.0-py3-none-any.whl"),
        ("demo", "3.0b1", "demo-3.0b1-py3-none-any.whl"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    let mut seen = Vec::new();
    for mode in ["json", "html", "plain", "norange", "gone"] {
        let run = scan_index(&server, mode, &requirements, &[]);
        assert!(run.out.status.success(), "{mode}: {}", run.stderr());
        let records = run.records();
        assert_eq!(picks(&records), expected, "{mode}");
        assert_eq!(
            records[3]["status"], "dynamic",
            "{mode}: sdist metadata 2.1"
        );
        assert_eq!(records[2]["packages"][0]["summary"], "binary");
        seen.push(records.into_iter().map(without_path).collect::<Vec<_>>());
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "records differ between index shapes"
    );
    let gone = server
        .log()
        .into_iter()
        .filter(|s| s.path.starts_with("/m/"));
    let statuses: Vec<u16> = gone.map(|s| s.status).collect();
    assert!(
        statuses.contains(&404) && statuses.contains(&206),
        "{statuses:?}"
    );
    // The JSON page with PEP 658: one page and one metadata file per requirement, no wheel.
    server.clear();
    scan_index(&server, "json", &["demo"], &[]);
    let paths: Vec<String> = server.log().iter().map(|s| s.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/json/simple/demo/",
            "/r/demo-2.0-py3-none-any.whl.metadata"
        ]
    );
    // On Windows, the pure wheel.
    let run = scan_index(&server, "html", &["native"], &["--platform", "windows"]);
    assert_eq!(run.records()[0]["packages"][0]["summary"], "pure");
}

/// What the user sees when nothing fits, a project is missing, or hashes are wrong.
#[test]
fn index_failures_are_error_records() {
    let server = Server::start();
    let run = scan_index(&server, "html", &["new", "nosuch", "demo>5"], &[]);
    let records = run.records();
    let messages: Vec<&str> = records
        .iter()
        .map(|r| r["error"]["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("no file of new on "),
        "{}",
        messages[0]
    );
    assert!(messages[0].ends_with("matches any version for Python 3.12 on linux x86_64"));
    assert!(
        messages[1].starts_with("no project named nosuch on "),
        "{}",
        messages[1]
    );
    assert!(messages[2].contains("matches >5"), "{}", messages[2]);
    // A wrong hash of a metadata file (demo), of a whole file (old): an error, no fallback.
    server.clear();
    let run = scan_index(&server, "bad", &["demo", "old"], &[]);
    for record in run.records() {
        let message = record["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("sha256 mismatch: expected 0000"),
            "{message}"
        );
    }
    let wheels = server
        .log()
        .iter()
        .filter(|s| s.path.ends_with(".whl"))
        .count();
    assert_eq!(wheels, 0, "{:?}", server.log());
}

// ---------------------------------------------------------------------------------------------
// Trees.
// ---------------------------------------------------------------------------------------------

fn tree(server: &Server, command: &str, requirements: &[&str], extra: &[&str]) -> Run {
    let index = server.url("/html/simple/");
    let mut args = vec![command, "--index-url", &index, "--target-python", "3.12"];
    args.extend(["--machine", "x86_64"]);
    args.extend(NET);
    args.extend(extra);
    args.extend(requirements);
    pkglens(&args)
}

/// The nodes of `graph -f json`, as `name version`.
fn nodes(run: &Run) -> Vec<String> {
    let json = run.json();
    let mut nodes: Vec<String> = json["graph"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .filter(|n| n["ecosystem"] == "python")
        .map(|n| {
            format!(
                "{} {}",
                n["name"].as_str().unwrap(),
                n["version"].as_str().unwrap()
            )
        })
        .collect();
    nodes.sort();
    nodes
}

/// Extras and markers followed for the target; the same tree whatever the connections.
#[test]
fn graph_from_an_index_follows_extras_and_markers() {
    let server = Server::start();
    let linux = tree(
        &server,
        "graph",
        &["demo[x]"],
        &["-f", "json", "--platform", "linux"],
    );
    assert!(linux.out.status.success(), "{}", linux.stderr());
    assert_eq!(nodes(&linux), ["demo 2.0", "dep 1.0", "extra-dep 1.0"]);
    let windows = tree(
        &server,
        "graph",
        &["demo[x]"],
        &["-f", "json", "--platform", "windows"],
    );
    assert_eq!(
        nodes(&windows),
        ["demo 2.0", "dep 1.0", "extra-dep 1.0", "winonly 1.0"]
    );
    let plain = tree(
        &server,
        "graph",
        &["demo"],
        &["-f", "json", "--platform", "linux"],
    );
    assert_eq!(nodes(&plain), ["demo 2.0", "dep 1.0"]);
    let serial = tree(
        &server,
        "graph",
        &["demo[x]"],
        &["-f", "json", "--platform", "linux", "--connections", "1"],
    );
    assert_eq!(serial.stdout(), linux.stdout());
    let text = tree(&server, "graph", &["demo[x]"], &["--platform", "linux"]).stdout();
    assert!(text.starts_with("<command line>\n  demo 2.0\n"), "{text}");
}

/// No backtracking: the first pick of `c` (1.0, for `a`) stays, and `b`'s `c>=2` is reported.
#[test]
fn check_reports_a_conflict_instead_of_solving_it() {
    let server = Server::start();
    let run = tree(&server, "check", &["a", "b"], &["--platform", "linux"]);
    assert_eq!(run.out.status.code(), Some(1), "{}", run.stdout());
    let text = run.stdout();
    assert!(text.contains("c>=2") || text.contains("c >=2"), "{text}");
    assert!(text.contains("1.0"), "{text}");
    let why = tree(&server, "why", &["c", "a", "b"], &["--platform", "linux"]);
    assert!(why.out.status.success(), "{}", why.stderr());
    assert!(
        why.stdout().contains('a') && why.stdout().contains('b'),
        "{}",
        why.stdout()
    );
}

/// A name picked at one version keeps it, and a later requirement's extras are followed on
/// the pick (what its extra needs is in the tree); the mismatch is a problem for `check`.
#[test]
fn extras_asked_of_an_earlier_pick_are_followed() {
    let server = Server::start();
    let run = tree(
        &server,
        "graph",
        &["demo", "f"],
        &["-f", "json", "--platform", "linux"],
    );
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(
        nodes(&run),
        ["demo 2.0", "dep 1.0", "extra-dep 1.0", "f 1.0"]
    );
    let check = tree(&server, "check", &["demo", "f"], &["--platform", "linux"]);
    assert_eq!(check.out.status.code(), Some(1), "{}", check.stdout());
    assert!(check.stdout().contains("demo[x]<2"), "{}", check.stdout());
}

/// `name @ url` to a wheel is read from that URL and followed; a VCS URL is an `unsupported`
/// record, never fetched.
#[test]
fn direct_url_requirements_to_wheels_are_followed() {
    let server = Server::start();
    let root = format!("h @ {}", server.url("/r/h-1.0-py3-none-any.whl"));
    let pinned = format!("c @ {}", server.url("/r/c-1.0-py3-none-any.whl"));
    let run = tree(
        &server,
        "graph",
        &[&pinned, &root],
        &["-f", "json", "--platform", "linux"],
    );
    assert!(run.out.status.success(), "{}", run.stderr());
    // `vcs` is in the tree as a missing node, and why is said.
    assert_eq!(nodes(&run), ["c 1.0", "h 1.0", "vcs "]);
    let json = run.json();
    let unreadable = json["unreadable"].to_string();
    assert!(
        unreadable.contains("example.invalid") && unreadable.contains("not followed"),
        "{json}"
    );
}

/// A second run of the same tree revalidates its pages (304) and reads no file.
#[test]
fn a_cached_tree_makes_almost_no_requests() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    let index = server.url("/plain/simple/");
    let args = [
        "graph",
        "-f",
        "json",
        "--index-url",
        &index,
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--no-progress",
        "--platform",
        "linux",
        "demo[x]",
    ];
    let first = pkglens(&args);
    let fetched = server
        .log()
        .iter()
        .filter(|s| s.path.starts_with("/r/"))
        .count();
    assert!(fetched >= 3, "{:?}", server.log());
    server.clear();
    let second = pkglens(&args);
    assert_eq!(second.stdout(), first.stdout());
    let log = server.log();
    assert!(log.iter().all(|s| s.status == 304), "{log:?}");
    assert_eq!(log.len(), 3, "one revalidation per project: {log:?}");
}

/// Pages the server says are fresh for a while (`max-age`, as PyPI sends) are not asked for
/// again meanwhile, and the records of their files come from the cache: no request at all.
#[test]
fn a_fresh_cache_makes_no_request() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    let extra = ["--cache-dir", dir];
    let index = server.url("/json/simple/");
    let args = |command: &'static str| {
        let mut args = vec![command, "-f", "json", "--index-url", index.as_str()];
        args.extend([
            "--no-progress",
            "--platform",
            "linux",
            "--target-python",
            "3.12",
        ]);
        args.extend(extra);
        args.push("demo[x]");
        args
    };
    let first = pkglens(&args("graph"));
    assert!(!server.log().is_empty());
    server.clear();
    let second = pkglens(&args("graph"));
    assert_eq!(second.stdout(), first.stdout());
    assert!(server.log().is_empty(), "{:?}", server.log());
}

/// With a Python that has pip (`PKGLENS_VENV_PYTHON`): the tree's picks are pip's, from the
/// same server (`pip install --dry-run --report`, the target given as pip takes it).
#[test]
fn picks_agree_with_pip() {
    let Ok(python) = std::env::var("PKGLENS_VENV_PYTHON") else {
        println!("skipped: set PKGLENS_VENV_PYTHON to a Python with pip");
        return;
    };
    let server = Server::start();
    let index = server.url("/html/simple/");
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
        ])
        .args([
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--only-binary=:all:",
        ])
        .args([
            "--python-version",
            "3.12",
            "--platform",
            "manylinux_2_17_x86_64",
        ])
        .args([
            "--index-url",
            &index,
            "--report",
            report.path().to_str().unwrap(),
        ])
        .args(["demo[x]", "native"])
        .env("PIP_NO_INPUT", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap()).unwrap();
    let mut pip: Vec<String> = report["install"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let file = i["download_info"]["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            format!(
                "{} {} {}",
                i["metadata"]["name"].as_str().unwrap(),
                i["metadata"]["version"].as_str().unwrap(),
                file.split('#').next().unwrap()
            )
        })
        .collect();
    pip.sort();
    let run = tree(
        &server,
        "graph",
        &["demo[x]", "native"],
        &["-f", "json", "--platform", "linux"],
    );
    let ours = nodes(&run);
    let mut scan = scan_index(
        &server,
        "html",
        &["demo", "dep", "extra-dep", "native"],
        &[],
    )
    .records()
    .iter()
    .map(|r| {
        let p = &r["packages"][0];
        let file = r["path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        format!(
            "{} {} {file}",
            p["name"].as_str().unwrap(),
            p["version"].as_str().unwrap()
        )
    })
    .collect::<Vec<_>>();
    scan.sort();
    assert_eq!(scan, pip);
    let pip_nodes: Vec<String> = pip
        .iter()
        .map(|l| l.rsplit_once(' ').unwrap().0.to_owned())
        .collect();
    assert_eq!(ours, pip_nodes);
}
