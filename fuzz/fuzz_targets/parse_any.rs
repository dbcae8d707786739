//! Detection + parsing of a whole file, as the CLI does it: the first byte picks the file
//! name (so every format's name rule is reached), the rest is the content.
//!
//! Checks: no panic; an `Err` has a non-empty message, names the input, and has either both
//! line and column (1-based) or neither (0, "whole file"), and is an `encoding` error when a
//! supported (text) format gets invalid UTF-8; an `Ok` record names the input,
//! has the detected format, is `error` exactly when it carries an error, and serialises to JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::decode_utf8;
use pkglens_core::{detect, parse, ErrorKind, Format, Input, Status};

const NAMES: &[&str] = &[
    "METADATA",
    "PKG-INFO",
    "package.py",
    "package.yaml",
    "pyproject.toml",
    "requirements.txt",
    "uv.lock",
    "pylock.toml",
    "x.whl",
    "x-1.0.tar.gz",
    "unknown",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let input = Input::new(name, bytes);
    match parse(&input) {
        Err(err) => {
            assert!(!err.info.message.is_empty(), "empty error message: {err:?}");
            assert_eq!(err.path, name);
            assert_eq!(
                err.info.line == 0,
                err.info.column == 0,
                "line and column are both 1-based or both 0: {err:?}"
            );
            assert!(!err.source_line.contains('\n'), "multi-line source_line: {err:?}");
            // Every supported text format: invalid UTF-8 is an `encoding` error. (Wheels and
            // sdists are archives: their errors are about the archive.)
            let text = err
                .format
                .is_some_and(|f| !matches!(f, Format::Wheel | Format::Sdist));
            // A package.py or a requirements file may name another codec in a PEP 263 cookie
            // on its first two lines (`# -*- coding: latin-1 -*-`), and a requirements file
            // may start with a UTF-16 or UTF-32 byte-order mark (pip reads both): its bytes are
            // that codec's, not UTF-8.
            let declares_codec = matches!(
                err.format,
                Some(Format::RezPackagePy | Format::RequirementsTxt)
            );
            let bom = err.format == Some(Format::RequirementsTxt)
                && (bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff")
                    || bytes.starts_with(b"\x00\x00\xfe\xff"));
            let cookie = bom
                || declares_codec
                    && bytes
                        .split(|&b| b == b'\n')
                        .take(2)
                        .any(|line| line.windows(6).any(|w| w == b"coding"));
            if text && !cookie && decode_utf8(bytes).is_err() {
                assert_eq!(err.info.kind, ErrorKind::Encoding, "{err:?}");
            }
        }
        Ok(record) => {
            assert_eq!(record.path, name);
            assert_eq!(record.format, detect(name, bytes));
            assert_eq!(
                record.status == Status::Error,
                record.error.is_some(),
                "status and error disagree: {record:?}"
            );
            if let Some(info) = &record.error {
                assert!(!info.message.is_empty(), "empty error message: {record:?}");
                assert_eq!(info.line == 0, info.column == 0, "{record:?}");
            }
            let json = serde_json::to_string(&record).expect("a record serialises to JSON");
            let _: serde_json::Value =
                serde_json::from_str(&json).expect("the JSON of a record parses back");
        }
    }
});
