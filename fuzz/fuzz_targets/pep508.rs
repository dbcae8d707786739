//! PEP 508 requirement strings, through `pkglens_core::pep508`.
//!
//! Checks: no panic; an error has a non-empty message and a byte offset that lies on a
//! character boundary of the input; a requirement keeps the raw text and line, has a
//! non-empty name, and serialises to JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::parse_requirement;
use pkglens_core::RequirementKind;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse_requirement(s, RequirementKind::Run, 1) {
        Err(err) => {
            assert!(!err.message.is_empty(), "empty message for {s:?}");
            assert!(
                err.span.start <= s.len() && s.is_char_boundary(err.span.start),
                "offset {} is not a byte offset of {s:?}",
                err.span.start
            );
        }
        Ok(req) => {
            assert_eq!(req.raw, s);
            assert_eq!(req.line, 1);
            assert!(!req.name.is_empty(), "no name for {s:?}: {req:?}");
            assert!(matches!(
                req.kind,
                RequirementKind::Run | RequirementKind::Optional(_)
            ));
            serde_json::to_string(&req).expect("a requirement serialises to JSON");
        }
    }
});
