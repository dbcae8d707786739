//! The source encoding of a `package.py`, as Python 3 reads it (PEP 263): UTF-8 unless a
//! coding cookie (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :`) on line
//! 1, or on line 2 below a comment or blank line 1, names another codec.
//!
//! The codecs decoded are UTF-8, Latin-1, cp1252, ISO-8859-15 and ASCII, under the names and
//! aliases Python accepts for them. Any other name is an error, as Python's `unknown
//! encoding` is; a codec Python knows and pkglens does not decode (`cp1251`, `shift_jis`)
//! is an error too, whose message says so. A UTF-8 BOM with a cookie for another codec is an
//! error, as in Python.

use std::borrow::Cow;

/// A codec pkglens decodes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Codec {
    Utf8,
    Latin1,
    Cp1252,
    Latin9,
    Ascii,
}

/// Why the source could not be decoded: the message and the byte offset of the fault.
pub(super) struct DecodeError {
    pub(super) message: String,
    pub(super) offset: usize,
}

/// The source as text, decoded as Python would (a UTF-8 BOM left in place: the reader
/// skips it).
pub(super) fn decode(src: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let codec = match cookie(src) {
        None => Codec::Utf8,
        Some((name, offset)) => codec_named(name).ok_or_else(|| DecodeError {
            message: format!(
                "expected a source encoding pkglens decodes (utf-8, latin-1, cp1252, \
                 iso-8859-15, ascii), found '{name}'"
            ),
            offset,
        })?,
    };
    if codec != Codec::Utf8 && src.starts_with(b"\xEF\xBB\xBF") {
        return Err(DecodeError {
            message: "expected a utf-8 coding cookie after a utf-8 BOM, found another encoding"
                .to_string(),
            offset: 0,
        });
    }
    match codec {
        Codec::Utf8 => std::str::from_utf8(src).map(Cow::Borrowed).map_err(|e| {
            let offset = e.valid_up_to();
            let byte = src.get(offset).copied().unwrap_or(0);
            DecodeError {
                message: format!("expected valid utf-8, found byte 0x{byte:02x}"),
                offset,
            }
        }),
        Codec::Ascii => match src.iter().position(|&b| b >= 0x80) {
            Some(offset) => Err(DecodeError {
                message: format!("expected ascii, found byte 0x{:02x}", src[offset]),
                offset,
            }),
            None => Ok(Cow::Owned(src.iter().map(|&b| char::from(b)).collect())),
        },
        Codec::Latin1 | Codec::Cp1252 | Codec::Latin9 => {
            let mut text = String::with_capacity(src.len() + src.len() / 8);
            for (offset, &b) in src.iter().enumerate() {
                let c = match codec {
                    Codec::Cp1252 => cp1252(b),
                    Codec::Latin9 => Some(latin9(b)),
                    _ => Some(char::from(b)),
                };
                let Some(c) = c else {
                    return Err(DecodeError {
                        message: format!("expected a cp1252 character, found byte 0x{b:02x}"),
                        offset,
                    });
                };
                text.push(c);
            }
            Ok(Cow::Owned(text))
        }
    }
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

/// Python's codec for a cookie's name: its tokenizer's own spellings of UTF-8 and Latin-1,
/// then `codecs.lookup`'s aliases (lower case, runs of other characters as `_`).
fn codec_named(name: &str) -> Option<Codec> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    if lower == "utf-8" || lower.starts_with("utf-8-") {
        return Some(Codec::Utf8);
    }
    for latin in ["latin-1", "iso-8859-1", "iso-latin-1"] {
        if lower == latin || lower.starts_with(&format!("{latin}-")) {
            return Some(Codec::Latin1);
        }
    }
    let normal: String = name
        .to_ascii_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    Some(match normal.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" => Codec::Utf8,
        "latin_1" | "latin1" | "latin" | "l1" | "iso8859_1" | "iso_8859_1" | "iso8859" | "8859"
        | "cp819" | "ibm819" | "iso_ir_100" | "csisolatin1" | "iso_8859_1_1987" => Codec::Latin1,
        "cp1252" | "windows_1252" | "1252" => Codec::Cp1252,
        "iso8859_15" | "iso_8859_15" | "latin9" | "l9" => Codec::Latin9,
        "ascii" | "us_ascii" | "646" | "us" | "cp367" | "csascii" | "ibm367" | "iso646_us"
        | "iso_ir_6" | "ansi_x3.4_1968" | "ansi_x3_4_1968" | "ansi_x3.4_1986"
        | "iso_646.irv_1991" => Codec::Ascii,
        _ => return None,
    })
}

/// cp1252 as Python decodes it: five bytes have no character.
fn cp1252(b: u8) -> Option<char> {
    const HIGH: [u16; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => match HIGH[usize::from(b - 0x80)] {
            0 => None,
            code => char::from_u32(u32::from(code)),
        },
        _ => Some(char::from(b)),
    }
}

/// ISO-8859-15: Latin-1 with eight characters replaced (the euro sign among them).
fn latin9(b: u8) -> char {
    match b {
        0xA4 => '\u{20AC}',
        0xA6 => '\u{0160}',
        0xA8 => '\u{0161}',
        0xB4 => '\u{017D}',
        0xB8 => '\u{017E}',
        0xBC => '\u{0152}',
        0xBD => '\u{0153}',
        0xBE => '\u{0178}',
        _ => char::from(b),
    }
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
