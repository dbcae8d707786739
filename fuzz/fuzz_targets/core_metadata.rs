//! `METADATA` / `PKG-INFO` parsing on arbitrary bytes.
//!
//! Checks: no panic; an `Err` has a non-empty message; an `Ok` record holds one python
//! package with a non-blank name and version and serialises to JSON; for UTF-8 input the
//! header split (`parse_message`) keeps every header value at its documented byte offset
//! and the body is a suffix of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{parse_core_metadata, parse_message};
use pkglens_core::decode_utf8;
use pkglens_core::{Ecosystem, Format, Status};

fuzz_target!(|data: &[u8]| {
    match parse_core_metadata("METADATA", Format::Metadata, data) {
        Err(err) => {
            assert!(!err.info.message.is_empty(), "empty error message: {err:?}");
            assert_eq!(err.format, Some(Format::Metadata));
            assert_eq!(err.info.line == 0, err.info.column == 0, "{err:?}");
        }
        Ok(record) => {
            assert_eq!(record.format, Some(Format::Metadata));
            assert_eq!(record.packages.len(), 1, "{record:?}");
            let package = &record.packages[0];
            assert_eq!(package.ecosystem, Ecosystem::Python);
            assert!(!package.name.trim().is_empty(), "{record:?}");
            assert!(!package.version.trim().is_empty(), "{record:?}");
            assert_eq!(record.status == Status::Error, record.error.is_some());
            if let Some(info) = &record.error {
                assert!(!info.message.is_empty());
                assert!(info.line >= 1 && info.column >= 1, "{info:?}");
            }
            serde_json::to_string(&record).expect("a record serialises to JSON");
        }
    }

    if let Ok(text) = decode_utf8(data) {
        let message = parse_message(text);
        for h in &message.headers {
            assert!(
                text.get(h.value_offset..)
                    .is_some_and(|rest| rest.starts_with(h.value.as_str())),
                "header {:?} value {:?} is not at byte {}",
                h.name,
                h.value,
                h.value_offset
            );
            assert!(h.line >= 1);
        }
        if let Some(body) = message.body {
            assert!(!body.is_empty() && text.ends_with(body));
        }
    }
});
