//! The resolve options read from text: `--orderers FILE` (core's `read_orderers`: a rezconfig
//! read statically, or a YAML or JSON list) and `--time` (core's `parse_time`, rez's
//! `get_epoch_time_from_str`), on arbitrary UTF-8.
//!
//! Input: a first byte choosing the reader (`p`: a `rezconfig.py`, `y`: YAML, `j`: JSON,
//! anything else: a time), then the text.
//!
//! Checks: no panic, no stack overflow; an orderers error names the file; a time read is a
//! whole number of seconds, and never a time before the epoch for a relative one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{parse_time, read_orderers};

/// A fixed "now", so that runs replay.
const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match kind {
        b'p' => "rezconfig.py",
        b'y' => "orderers.yaml",
        b'j' => "orderers.json",
        _ => {
            let relative = text.ends_with(['s', 'm', 'h', 'd']);
            if let (Ok(time), true) = (parse_time(text, NOW), relative) {
                // A relative time is never before the epoch (rez's `max(0, ...)`).
                assert!(time >= 0, "{text:?} -> {time}");
            }
            return;
        }
    };
    if let Err(message) = read_orderers(name, text) {
        assert!(message.starts_with(name), "{message:?} does not name {name}");
    }
});
