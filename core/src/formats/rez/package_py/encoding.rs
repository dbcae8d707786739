//! The source encoding of a `package.py`, as Python 3 reads it (PEP 263): UTF-8 unless a
//! coding cookie (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :`) on line
//! 1, or on line 2 below a comment or blank line 1, names another codec.
//!
//! The codecs are Python's, under the names and aliases Python accepts (see `crate::codecs`:
//! `cp1251`, `shift_jis`, `euc-jp`, `koi8-r`... in the native build). A name Python does not
//! know is an error, as Python's `unknown encoding` is; a codec this build does not decode is
//! an error whose message says so. A UTF-8 BOM with a cookie for another codec is an error, as
//! in Python.

use crate::codecs::{Codec, KNOWN};
use std::borrow::Cow;

/// Why the source could not be decoded: the message and the byte offset of the fault.
pub(super) struct DecodeError {
    pub(super) message: String,
    pub(super) offset: usize,
}

/// The source as text, decoded as Python would (a UTF-8 BOM left in place: the reader
/// skips it).
pub(super) fn decode(src: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let codec = match cookie(src) {
        None => Codec::UTF8,
        Some((name, offset)) => codec_named(name).ok_or_else(|| DecodeError {
            message: format!("expected a source encoding pkglens knows ({KNOWN}), found '{name}'"),
            offset,
        })?,
    };
    if codec != Codec::UTF8 && src.starts_with(b"\xEF\xBB\xBF") {
        return Err(DecodeError {
            message: "expected a utf-8 coding cookie after a utf-8 BOM, found another encoding"
                .to_string(),
            offset: 0,
        });
    }
    codec.decode(src).map_err(|e| DecodeError {
        message: e.message,
        offset: e.offset,
    })
}

/// The codec named by a coding cookie on line 1 or 2, and the offset of the name.
///
/// `cookie_line = {" " | "\t" | "\f"} "#" {any} "coding" (":" | "=") {" " | "\t"} name`,
/// `name = 1*(letter | digit | "-" | "_" | ".")`
fn cookie(src: &[u8]) -> Option<(&str, usize)> {
    let first_end = src.iter().position(|&b| b == b'\n' || b == b'\r');
    let first = &src[..first_end.unwrap_or(src.len())];
    if let Some(found) = cookie_in(first, 0) {
        return Some(found);
    }
    let first_is_comment_or_blank = {
        let body = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
        let start = body.iter().position(|&b| !matches!(b, b' ' | b'\t' | 0x0c));
        start.is_none_or(|k| body[k] == b'#')
    };
    let first_end = first_end?;
    if !first_is_comment_or_blank {
        return None;
    }
    let mut second_start = first_end + 1;
    if src.get(first_end) == Some(&b'\r') && src.get(second_start) == Some(&b'\n') {
        second_start += 1;
    }
    let rest = src.get(second_start..)?;
    let second = &rest[..rest
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(rest.len())];
    cookie_in(second, second_start)
}

fn cookie_in(line: &[u8], line_offset: usize) -> Option<(&str, usize)> {
    let body = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let skipped = line_offset + (line.len() - body.len());
    let line = body;
    let indent = line
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | 0x0c))?;
    if line[indent] != b'#' {
        return None;
    }
    let comment = &line[indent..];
    let at = comment
        .windows(7)
        .position(|w| w.starts_with(b"coding") && matches!(w[6], b':' | b'='))?;
    let mut k = at + 7;
    while matches!(comment.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    let name_len = comment[k..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
        .unwrap_or(comment.len() - k);
    if name_len == 0 {
        return None;
    }
    let name = std::str::from_utf8(&comment[k..k + name_len]).ok()?;
    Some((name, skipped + indent + k))
}

/// Python's codec for a cookie's name: its tokenizer's own spellings of UTF-8 and Latin-1
/// (`utf-8-sig`, `latin-1-x`), then `codecs.lookup`.
fn codec_named(name: &str) -> Option<Codec> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    if lower == "utf-8" || lower.starts_with("utf-8-") {
        return Some(Codec::UTF8);
    }
    for latin in ["latin-1", "iso-8859-1", "iso-latin-1"] {
        if lower == latin || lower.starts_with(&format!("{latin}-")) {
            return Codec::lookup("latin_1");
        }
    }
    Codec::lookup(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn cookies_on_line_one_or_two() {
        assert_eq!(
            decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
                .ok()
                .as_deref(),
            Some("# -*- coding: latin-1 -*-\nx = '\u{e9}'\n")
        );
        let text = decode(b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n'\x92'")
            .ok()
            .unwrap_or_default();
        assert!(text.ends_with("'\u{2019}'"), "{text}");
        // Line 2 counts only below a comment or blank line 1.
        assert!(decode(b"x = 1\n# coding: latin-1\n'\xe9'").is_err());
        assert!(decode(b"# coding=ISO-8859-15\n'\xa4'")
            .ok()
            .is_some_and(|t| t.ends_with("'\u{20ac}'")));
    }

    #[test]
    fn cookies_for_codecs_beyond_latin() {
        // What Python 3.11's compile() + exec give for the same bytes.
        for (src, value) in [
            (&b"# coding: cp1251\nx='\xe0'\n"[..], "x='\u{430}'\n"),
            (
                b"# -*- coding: shift_jis -*-\nx='\x83V'\n",
                "x='\u{30b7}'\n",
            ),
            (
                b"# coding: iso2022_jp\nx='\x1b$B%7\x1b(B'\n",
                "x='\u{30b7}'\n",
            ),
            (
                b"# vim: set fileencoding=koi8-r :\nx='\xc1'\n",
                "x='\u{430}'\n",
            ),
        ] {
            let text = decode(src);
            if cfg!(feature = "python-codecs") {
                let text = text.ok().unwrap_or_default();
                assert!(text.ends_with(value), "{text:?}");
            } else {
                let message = text.err().map(|e| e.message).unwrap_or_default();
                assert!(message.contains("WebAssembly build"), "{message}");
            }
        }
    }

    #[test]
    fn unknown_codecs_and_bad_bytes_are_errors() {
        let err = decode(b"# -*- coding: klingon -*-\nx = 1\n")
            .err()
            .map(|e| e.message);
        assert!(err.is_some_and(|m| m.contains("found 'klingon'")));
        assert!(decode(b"# coding: cp1252\n'\x81'").is_err());
        assert!(decode(b"# coding: ascii\n'\xe9'").is_err());
        assert!(decode(b"\xEF\xBB\xBF# coding: latin-1\n").is_err());
        assert!(decode(b"# coding: utf-8\n'\xe9'").is_err());
    }
}
