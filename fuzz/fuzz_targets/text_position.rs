//! `text::Position::of` and `text::line_at` with arbitrary text and offsets.
//!
//! Input: 2 bytes of offset (little endian; the top bit set means "far past the end"), then
//! the text (lossily decoded, so multi-byte characters are common).
//! Checks: no panic; 1-based line/column; the line number counts the newlines before the
//! (clamped) offset; `line_at` returns that same line without its ending; positions are
//! monotonic in the offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{line_at, Position};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let raw = u16::from_le_bytes([data[0], data[1]]);
    let text = String::from_utf8_lossy(&data[2..]);
    let text: &str = &text;
    let offset = if raw & 0x8000 != 0 {
        usize::MAX - usize::from(raw & 0x7fff)
    } else {
        usize::from(raw)
    };

    let pos = Position::of(text, offset);
    assert!(pos.line >= 1 && pos.column >= 1, "{pos:?}");

    let mut clamped = offset.min(text.len());
    while !text.is_char_boundary(clamped) {
        clamped -= 1;
    }
    let newlines = text[..clamped].bytes().filter(|&b| b == b'\n').count();
    assert_eq!(pos.line as usize, newlines + 1);

    let line = line_at(text, offset);
    assert!(!line.contains('\n'), "{line:?}");
    let expected = text.split('\n').nth(newlines).unwrap_or("");
    assert_eq!(line, expected.trim_end_matches('\r'));
    assert!(
        (pos.column as usize) <= expected.chars().count() + 1,
        "column {} past the end of line {line:?}",
        pos.column
    );

    // Monotonic: a larger offset never moves backwards.
    let next = Position::of(text, offset.saturating_add(1));
    assert!((next.line, next.column) >= (pos.line, pos.column));
});
