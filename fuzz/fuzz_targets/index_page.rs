//! A package index's project page (PEP 503 HTML, PEP 691 JSON) and a netrc file, through
//! `pkglens_core::{parse_index_html, parse_index_json, parse_netrc}`: what `pkglens scan
//! --index-url` reads from a server it does not control.
//!
//! Checks: no panic; every link's `href` and attribute text is text of the page (after
//! unescaping, so only its length is bounded); netrc entries name hosts in lower case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{parse_index_html, parse_index_json, parse_netrc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let page = parse_index_html(text);
    for link in &page.links {
        assert!(link.href.len() <= text.len(), "an href longer than the page");
    }
    if let Ok(page) = parse_index_json(text) {
        for link in &page.links {
            assert!(link.href.len() <= text.len());
        }
    }
    for entry in parse_netrc(text) {
        if let Some(machine) = &entry.machine {
            assert_eq!(machine, &machine.to_ascii_lowercase());
        }
    }
});
