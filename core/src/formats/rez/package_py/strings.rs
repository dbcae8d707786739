//! String literals: finding where one ends (quotes, triple quotes, escapes) and decoding
//! its content as Python 3 does.

use super::lexer::digit_val;
use crate::text::Fault;

/// The value of a string literal.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StrLit {
    /// A text string.
    Str(String),
    /// A bytes literal.
    Bytes(Vec<u8>),
    /// String whose value is not known statically (reason).
    Dyn(&'static str, bool),
}

/// Span of a string starting at the quote `q_pos`: (content start, content
/// end, position after closing quote).
///
/// `string = quote {char | "\" any} quote | triple {char | "\" any} triple`
pub(super) fn raw_string_span(src: &[u8], q_pos: usize) -> Result<(usize, usize, usize), Fault> {
    string_span(src, q_pos).map(|(a, b, c, _)| (a, b, c))
}

/// Like [`raw_string_span`], plus whether the content has no backslash and
/// no carriage return (so it needs no decoding).
///
/// ```text
/// string = quote {char | "\" any} quote | triple {char | "\" any} triple
/// (a line end ends a single-quoted string with an error)
/// ```
pub(super) fn string_span(src: &[u8], q_pos: usize) -> Result<(usize, usize, usize, bool), Fault> {
    let q = src.get(q_pos).copied().unwrap_or(b'"');
    let triple = src.get(q_pos + 1) == Some(&q) && src.get(q_pos + 2) == Some(&q);
    let cs = q_pos + if triple { 3 } else { 1 };
    let mut i = cs;
    let mut plain = true;
    loop {
        let rest = src.get(i..).unwrap_or(&[]);
        let Some(k) = find_string_stop(rest, q) else {
            // From the opening quote to the end of its line.
            let line_end = src
                .get(q_pos..)
                .and_then(|tail| tail.iter().position(|&b| b == b'\n' || b == b'\r'))
                .map_or(src.len(), |k| q_pos + k);
            return Err(Fault::new(
                q_pos..line_end,
                format!(
                    "expected closing {}, found end of file",
                    if triple { "triple quote" } else { "quote" }
                ),
            ));
        };
        i += k;
        let b = rest[k];
        if b == b'\\' {
            plain = false;
            i += 2;
            if src.get(i - 1) == Some(&b'\r') && src.get(i) == Some(&b'\n') {
                i += 1;
            }
        } else if b == q {
            if !triple {
                return Ok((cs, i, i + 1, plain));
            }
            if src.get(i + 1) == Some(&q) && src.get(i + 2) == Some(&q) {
                return Ok((cs, i, i + 3, plain));
            }
            i += 1;
        } else if !triple {
            return Err(Fault::at(i, "expected closing quote, found end of line"));
        } else {
            if b == b'\r' {
                plain = false;
            }
            i += 1;
        }
    }
}

/// The first quote `q`, backslash or line end in `bytes`: eight bytes at a time, as most
/// strings of a package (requirements, versions) have neither escapes nor line ends.
fn find_string_stop(bytes: &[u8], q: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each zero byte of `x`; exact up to the first zero byte, which is all
    // that is used (the lowest bit set).
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let hits = zeros(w ^ (ONES * u64::from(q)))
            | zeros(w ^ (ONES * u64::from(b'\\')))
            | zeros(w ^ (ONES * u64::from(b'\n')))
            | zeros(w ^ (ONES * u64::from(b'\r')));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or(&[]);
    rest.iter()
        .position(|&b| b == q || b == b'\\' || b == b'\n' || b == b'\r')
        .map(|k| at + k)
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Decode the content of a string literal like Python 3 does. Offsets in the
/// error are relative to `content`.
///
/// ```text
/// escape = "\" (line_end | "\" | "'" | '"' | "a" | "b" | "f" | "n" | "r" | "t" | "v"
///        | octdigit [octdigit [octdigit]] | "x" hexdigit hexdigit
///        | "u" hexdigit{4} | "U" hexdigit{8} | "N{" name "}")
/// (`u`, `U` and `N` only in text strings; any other escape is kept as written)
/// ```
pub(super) fn decode_string(content: &[u8], raw: bool, bytes: bool) -> Result<StrLit, Fault> {
    let mut out: Vec<u8> = Vec::with_capacity(content.len());
    let mut i = 0usize;
    let n = content.len();
    let mut dynamic: Option<&'static str> = None;
    while i < n {
        let b = content[i];
        if bytes && b >= 0x80 {
            return Err(Fault::at(
                i,
                "expected ascii characters in bytes literal, found non-ascii character",
            ));
        }
        if b == b'\r' {
            out.push(b'\n');
            i += if content.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            continue;
        }
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        if raw {
            // backslash is kept; it only protects the next quote/backslash
            out.push(b'\\');
            i += 1;
            if let Some(&c) = content.get(i) {
                if c == b'\\' || c == b'\'' || c == b'"' {
                    out.push(c);
                    i += 1;
                }
            }
            continue;
        }
        let Some(&c) = content.get(i + 1) else {
            out.push(b'\\');
            i += 1;
            continue;
        };
        i += 2;
        match c {
            b'\n' => {}
            b'\r' => {
                if content.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\\' | b'\'' | b'"' => out.push(c),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut k = 0;
                while k < 2 {
                    match content.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                            k += 1;
                        }
                        _ => break,
                    }
                }
                if bytes {
                    out.push((v & 0xff) as u8);
                } else if let Some(ch) = char::from_u32(v) {
                    push_char(&mut out, ch);
                }
            }
            b'x' => {
                let h1 = content.get(i).map_or(99, |&d| digit_val(d));
                let h2 = content.get(i + 1).map_or(99, |&d| digit_val(d));
                if h1 > 15 || h2 > 15 {
                    return Err(Fault::at(
                        i - 2,
                        "expected two hex digits after \\x, found truncated escape",
                    ));
                }
                i += 2;
                let v = h1 * 16 + h2;
                if bytes {
                    out.push(v as u8);
                } else if let Some(ch) = char::from_u32(v) {
                    push_char(&mut out, ch);
                }
            }
            b'u' | b'U' if !bytes => {
                let len = if c == b'u' { 4 } else { 8 };
                let mut v: u32 = 0;
                for k in 0..len {
                    let d = content.get(i + k).map_or(99, |&d| digit_val(d));
                    if d > 15 {
                        return Err(Fault::at(
                            i - 2,
                            format!(
                                "expected {len} hex digits after \\{}, found truncated escape",
                                char::from(c)
                            ),
                        ));
                    }
                    v = v.wrapping_mul(16).wrapping_add(d);
                }
                i += len;
                if v > 0x10FFFF {
                    return Err(Fault::at(
                        i - len - 2,
                        "expected unicode code point, found value above 0x10ffff",
                    ));
                }
                match char::from_u32(v) {
                    Some(ch) => push_char(&mut out, ch),
                    None => dynamic = Some("string with a lone surrogate escape"),
                }
            }
            b'N' if !bytes => {
                if content.get(i) != Some(&b'{') {
                    return Err(Fault::at(
                        i - 2,
                        "expected '{' after \\N, found malformed escape",
                    ));
                }
                let mut j = i + 1;
                while j < n && content[j] != b'}' {
                    j += 1;
                }
                if j >= n || j == i + 1 {
                    return Err(Fault::at(
                        i - 2,
                        "expected '}' closing \\N{...}, found malformed escape",
                    ));
                }
                i = j + 1;
                dynamic = Some("string with a \\N{...} escape");
            }
            _ => {
                // unknown escape: kept verbatim (the char itself is copied next)
                out.push(b'\\');
                i -= 1;
            }
        }
    }
    if let Some(why) = dynamic {
        return Ok(StrLit::Dyn(why, bytes));
    }
    if bytes {
        Ok(StrLit::Bytes(out))
    } else {
        match String::from_utf8(out) {
            Ok(s) => Ok(StrLit::Str(s)),
            Err(_) => Err(Fault::at(
                0,
                "expected valid utf-8 in string, found invalid bytes",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_string_scan_finds_the_first_stop_at_every_place() {
        for len in 0..=27 {
            let plain: Vec<u8> = (0..len).map(|i| [b'a', 0x80, 0xff, b'#'][i % 4]).collect();
            for q in [b'\'', b'"'] {
                assert_eq!(find_string_stop(&plain, q), None);
                for at in 0..len {
                    for stop in [q, b'\\', b'\n', b'\r'] {
                        let mut text = plain.clone();
                        text[at] = stop;
                        // A second stop later must not hide the first.
                        if at + 3 < len {
                            text[at + 3] = b'\n';
                        }
                        assert_eq!(find_string_stop(&text, q), Some(at), "{text:?}");
                    }
                    // The other quote is not a stop.
                    let mut text = plain.clone();
                    text[at] = if q == b'"' { b'\'' } else { b'"' };
                    assert_eq!(find_string_stop(&text, q), None);
                }
            }
        }
    }
}
