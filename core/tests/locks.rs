//! The parsers on the fixtures under `core/test-data/locks`: the real files written by uv, the
//! hand-written ones, and damaged copies of them (no panic, errors with positions).

use pkglens_core::parse_pylock;
use pkglens_core::parse_uv_lock;
use pkglens_core::{ErrorKind, Status};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A fixture's bytes, built into the test binary (so the tests run on wasm32 too).
macro_rules! data {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/test-data/locks/",
            $name
        ))
        .to_vec()
    };
}

#[test]
fn real_uv_lock() {
    let record = parse_uv_lock("uv.lock", &data!("real/uv.lock")).expect("parses");
    assert_eq!(record.status, Status::Ok);
    assert_eq!(record.packages.len(), 32);
    let roots: Vec<&str> = record
        .packages
        .iter()
        .filter(|p| p.extra.get("root").is_some())
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(roots, ["demo"]);
    let demo = record
        .packages
        .iter()
        .find(|p| p.name == "demo")
        .expect("demo");
    assert_eq!(demo.requires_python.as_deref(), Some(">=3.8"));
    assert!(demo
        .requires
        .iter()
        .any(|r| r.name == "rich" && r.marker.as_deref() == Some("python_full_version >= '3.9'")));
    assert!(demo
        .requires
        .iter()
        .any(|r| r.kind.to_string() == "optional:yaml"));
    assert!(demo
        .requires
        .iter()
        .any(|r| r.kind.to_string() == "group:dev"));
    // Forks: three versions of requests, each with its resolution markers.
    let requests: Vec<&str> = record
        .packages
        .iter()
        .filter(|p| p.name == "requests")
        .map(|p| p.version.as_str())
        .collect();
    assert_eq!(requests.len(), 3);
}

#[test]
fn real_pylock() {
    let record = parse_pylock("pylock.toml", &data!("real/pylock.toml")).expect("parses");
    assert_eq!(record.status, Status::Ok);
    assert_eq!(record.packages.len(), 32);
    let demo = record
        .packages
        .iter()
        .find(|p| p.name == "demo")
        .expect("demo");
    assert_eq!(demo.version, "");
    assert_eq!(demo.extra["source"]["kind"], "directory");
    assert_eq!(demo.extra["source"]["editable"], true);
    let certifi = &record.packages[0];
    assert_eq!((certifi.name.as_str(), certifi.line), ("certifi", 7));
    assert_eq!(certifi.extra["source"]["kind"], "sdist");
    assert_eq!(certifi.extra["index"], "https://pypi.org/simple");
}

#[test]
fn hand_written_fixtures() {
    let record = parse_pylock("pylock.toml", &data!("pylock.spec.toml")).expect("parses");
    assert_eq!(record.status, Status::Ok);
    let kinds: Vec<&str> = record
        .packages
        .iter()
        .map(|p| p.extra["source"]["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        ["sdist", "wheels", "wheels", "archive", "directory", "vcs"]
    );
    let record = parse_uv_lock("uv.lock", &data!("uv.hand.lock")).expect("parses");
    assert_eq!(record.status, Status::Ok);
    let kinds: Vec<&str> = record
        .packages
        .iter()
        .map(|p| p.extra["source"]["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "virtual",
            "registry",
            "editable",
            "path",
            "registry",
            "url",
            "git",
            "directory"
        ]
    );
    let members = record
        .packages
        .iter()
        .filter(|p| p.extra.get("workspace_member").is_some())
        .count();
    assert_eq!(members, 2);
}

/// Truncations and byte changes of every fixture: never a panic, and every hard error
/// other than a whole-file one has a position.
#[test]
fn damaged_fixtures_do_not_panic() {
    let files = [
        ("real/uv.lock", data!("real/uv.lock")),
        ("uv.hand.lock", data!("uv.hand.lock")),
        ("real/pylock.toml", data!("real/pylock.toml")),
        ("pylock.spec.toml", data!("pylock.spec.toml")),
    ];
    for (name, bytes) in files {
        let parse = |b: &[u8]| {
            if name.ends_with(".lock") {
                parse_uv_lock(name, b)
            } else {
                parse_pylock(name, b)
            }
        };
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            for variant in 0..3 {
                let mut damaged = bytes.clone();
                match variant {
                    0 => damaged.truncate(cut),
                    1 => damaged[cut] = b"\"[]{}=,\n#\xff"[cut % 10],
                    _ => {
                        damaged.remove(cut);
                    }
                }
                if let Err(err) = parse(&damaged) {
                    let whole =
                        matches!(err.info.kind, ErrorKind::MissingField) && err.info.line == 0;
                    assert!(whole || err.info.line > 0, "{name}: {err}");
                }
            }
        }
    }
}
