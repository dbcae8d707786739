//! A record's compact JSON, written directly: the same bytes as `serde_json::to_writer` of the
//! derived `Serialize` impls, about three times faster.
//!
//! Output is the main cost of a scan after parsing: every requirement is an object of five or
//! more fields, and serde's generic path escapes each key byte by byte and checks the writer at
//! every step. Here keys are written as constant bytes and strings are copied whole when they
//! need no escape (the common case), checked eight bytes at a time. Rare and open-ended parts
//! (an error, a package's `extra` map) still go through `serde_json`. The tests compare both
//! writers on every shape a record takes; the cross-target suite compares them on every corpus
//! (the npm package writes with `serde_json`).

use super::{Package, Record, Requirement, RequirementKind, Status};
use std::io::{self, Write};

/// Writes `record` as compact JSON, byte for byte what `serde_json::to_writer` writes.
pub fn write_record_json<W: Write>(out: &mut W, record: &Record) -> io::Result<()> {
    head(out, record)?;
    package_items(out, &record.packages, true)?;
    out.write_all(b"],\"requirements\":[")?;
    requirement_items(out, &record.requirements, true)?;
    out.write_all(b"]}")
}

/// About the size of a requirement's JSON, a little over (keys, quotes and the kind, and room
/// for a few escapes): enough to size a buffer once.
pub fn requirement_size_hint(r: &Requirement) -> usize {
    let extras: usize = r.extras.iter().map(|e| e.len() + 3).sum();
    let optional =
        r.marker.as_ref().map_or(0, |m| m.len() + 12) + r.url.as_ref().map_or(0, |u| u.len() + 9);
    let kind = match &r.kind {
        RequirementKind::Optional(name) | RequirementKind::Group(name) => name.len(),
        _ => 0,
    };
    96 + (r.raw.len() + r.name.len() + r.spec.len() + extras + optional + kind) * 9 / 8
}

/// Everything before the first package: `{"path":...,"packages":[`.
pub(crate) fn head<W: Write>(out: &mut W, record: &Record) -> io::Result<()> {
    out.write_all(b"{\"path\":")?;
    string(out, &record.path)?;
    out.write_all(b",\"format\":")?;
    match record.format {
        Some(format) => quoted_plain(out, format.as_str())?,
        None => out.write_all(b"null")?,
    }
    out.write_all(match record.status {
        Status::Ok => b",\"status\":\"ok\"",
        Status::Dynamic => b",\"status\":\"dynamic\"",
        Status::Error => b",\"status\":\"error\"",
    })?;
    if let Some(reason) = &record.reason {
        out.write_all(b",\"reason\":")?;
        string(out, reason)?;
    }
    if let Some(error) = &record.error {
        out.write_all(b",\"error\":")?;
        serde_json::to_writer(&mut *out, error).map_err(io::Error::other)?;
    }
    out.write_all(b",\"packages\":[")
}

/// Packages separated by commas, with one before the first unless `leading`.
pub(crate) fn package_items<W: Write>(
    out: &mut W,
    packages: &[Package],
    leading: bool,
) -> io::Result<()> {
    for (i, package) in packages.iter().enumerate() {
        if i > 0 || !leading {
            out.write_all(b",")?;
        }
        write_package(out, package)?;
    }
    Ok(())
}

fn write_package<W: Write>(out: &mut W, p: &Package) -> io::Result<()> {
    out.write_all(match p.ecosystem {
        super::Ecosystem::Python => b"{\"ecosystem\":\"python\",\"name\":",
        super::Ecosystem::Rez => b"{\"ecosystem\":\"rez\",\"name\":",
    })?;
    string(out, &p.name)?;
    out.write_all(b",\"version\":")?;
    string(out, &p.version)?;
    out.write_all(b",\"requires\":")?;
    requirements(out, &p.requires)?;
    optional(out, b",\"requires_python\":", &p.requires_python)?;
    strings(out, b",\"provides_extra\":", &p.provides_extra)?;
    optional(out, b",\"summary\":", &p.summary)?;
    optional(out, b",\"metadata_version\":", &p.metadata_version)?;
    optional(out, b",\"license_expression\":", &p.license_expression)?;
    strings(out, b",\"dynamic\":", &p.dynamic)?;
    if !p.build_requires.is_empty() {
        out.write_all(b",\"build_requires\":")?;
        requirements(out, &p.build_requires)?;
    }
    if !p.private_build_requires.is_empty() {
        out.write_all(b",\"private_build_requires\":")?;
        requirements(out, &p.private_build_requires)?;
    }
    if !p.variants.is_empty() {
        out.write_all(b",\"variants\":[")?;
        for (i, variant) in p.variants.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            requirements(out, variant)?;
        }
        out.write_all(b"]")?;
    }
    strings(out, b",\"tools\":", &p.tools)?;
    optional(out, b",\"description\":", &p.description)?;
    if !p.extra.is_empty() {
        out.write_all(b",\"extra\":")?;
        serde_json::to_writer(&mut *out, &p.extra).map_err(io::Error::other)?;
    }
    if p.line != 0 {
        out.write_all(b",\"line\":")?;
        number(out, p.line)?;
    }
    out.write_all(b"}")
}

fn requirements<W: Write>(out: &mut W, list: &[Requirement]) -> io::Result<()> {
    out.write_all(b"[")?;
    requirement_items(out, list, true)?;
    out.write_all(b"]")
}

/// Requirements separated by commas, with one before the first unless `leading`.
pub(crate) fn requirement_items<W: Write>(
    out: &mut W,
    list: &[Requirement],
    leading: bool,
) -> io::Result<()> {
    for (i, r) in list.iter().enumerate() {
        out.write_all(if i > 0 || !leading {
            b",{\"raw\":"
        } else {
            b"{\"raw\":"
        })?;
        string(out, &r.raw)?;
        out.write_all(b",\"name\":")?;
        string(out, &r.name)?;
        out.write_all(b",\"spec\":")?;
        string(out, &r.spec)?;
        strings(out, b",\"extras\":", &r.extras)?;
        optional(out, b",\"marker\":", &r.marker)?;
        optional(out, b",\"url\":", &r.url)?;
        out.write_all(b",\"kind\":")?;
        match &r.kind {
            RequirementKind::Optional(name) => prefixed(out, "optional:", name)?,
            RequirementKind::Group(name) => prefixed(out, "group:", name)?,
            kind => quoted_plain(out, kind.as_static_str().unwrap_or_default())?,
        }
        out.write_all(b",\"line\":")?;
        number(out, r.line)?;
        out.write_all(b"}")?;
    }
    Ok(())
}

/// `key` and the value, when there is one (`skip_serializing_if = "Option::is_none"`).
fn optional<W: Write>(out: &mut W, key: &[u8], value: &Option<String>) -> io::Result<()> {
    match value {
        Some(value) => {
            out.write_all(key)?;
            string(out, value)
        }
        None => Ok(()),
    }
}

/// `key` and the list, when it is not empty (`skip_serializing_if = "Vec::is_empty"`).
fn strings<W: Write>(out: &mut W, key: &[u8], list: &[String]) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    out.write_all(key)?;
    out.write_all(b"[")?;
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        string(out, item)?;
    }
    out.write_all(b"]")
}

fn number<W: Write>(out: &mut W, n: u32) -> io::Result<()> {
    // Line numbers: most have one or two digits.
    if n < 10 {
        return out.write_all(&[b'0' + n as u8]);
    }
    if n < 100 {
        return out.write_all(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    }
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        // A digit: `n % 10` is below 10.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&digits[at..])
}

fn quoted_plain<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\"")
}

/// `"prefix` + `name` escaped + `"`.
fn prefixed<W: Write>(out: &mut W, prefix: &str, name: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    out.write_all(prefix.as_bytes())?;
    escaped(out, name.as_bytes())?;
    out.write_all(b"\"")
}

/// A JSON string, escaped as `serde_json` escapes it.
fn string<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    escaped(out, text.as_bytes())?;
    out.write_all(b"\"")
}

/// Whether any of the eight bytes of `word` is a control character, `"` or `\`.
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20; a byte equal to `"` (0x22) or `\` (0x5c): the classic zero-byte tests.
    let below = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * 0x22);
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = word ^ (ONES * 0x5c);
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (below | quote | backslash) & HIGH != 0
}

fn byte_needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether none of `bytes` needs an escape, checked eight bytes at a time: a short string
/// (most names and versions) as one or two overlapping words, without a loop.
fn is_clean(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        0 => true,
        1..=3 => !bytes.iter().any(|&b| byte_needs_escape(b)),
        // The first and last four bytes (overlapping when fewer than eight) as one word.
        4..=8 => !word_needs_escape(half(0) | half(n - 4) << 32),
        _ => {
            let mut at = 0;
            while at + 8 <= n {
                if word_needs_escape(word(at)) {
                    return false;
                }
                at += 8;
            }
            // The last eight bytes, overlapping what was checked.
            at == n || !word_needs_escape(word(n - 8))
        }
    }
}

/// The bytes of a string, escaped; copied whole when nothing needs an escape.
fn escaped<W: Write>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    let clean = is_clean(bytes);
    if clean {
        return out.write_all(bytes);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !byte_needs_escape(b) {
            continue;
        }
        out.write_all(&bytes[start..i])?;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\r' => out.write_all(b"\\r")?,
            b'\t' => out.write_all(b"\\t")?,
            0x08 => out.write_all(b"\\b")?,
            0x0c => out.write_all(b"\\f")?,
            _ => out.write_all(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ])?,
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::record::{Ecosystem, ErrorInfo, ErrorKind, Format};
    use proptest::prelude::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn both(record: &Record) -> (String, String) {
        let mut fast = Vec::new();
        write_record_json(&mut fast, record).unwrap();
        let serde = serde_json::to_string(record).unwrap();
        (String::from_utf8(fast).unwrap(), serde)
    }

    fn requirement(raw: &str, kind: RequirementKind) -> Requirement {
        Requirement {
            raw: raw.to_owned(),
            name: raw.to_owned(),
            spec: ">=1".to_owned(),
            extras: Vec::new(),
            marker: None,
            url: None,
            kind,
            line: 7,
        }
    }

    /// A record with every field and every kind of requirement set.
    pub(crate) fn full_record() -> Record {
        let mut package = Package::new(Ecosystem::Python, "na\"me", "1.0\\");
        package.requires = vec![
            requirement("a", RequirementKind::Run),
            Requirement {
                extras: vec!["x".into(), "y\n".into()],
                marker: Some("python_version < \"3.9\"".into()),
                url: Some("https://example.invalid/a.whl".into()),
                ..requirement("b", RequirementKind::Optional("ex\"tra".into()))
            },
            requirement("c", RequirementKind::Group("dev".into())),
            requirement("d", RequirementKind::Build),
            requirement("e", RequirementKind::PrivateBuild),
            requirement("f", RequirementKind::Constraint),
            requirement("g", RequirementKind::Weak),
            requirement("h", RequirementKind::Conflict),
        ];
        package.requires_python = Some(">=3.8".into());
        package.provides_extra = vec!["x".into()];
        package.summary = Some("tab\there, bell\u{7}, del\u{7f}, é, 😀".into());
        package.metadata_version = Some("2.4".into());
        package.license_expression = Some("MIT".into());
        package.dynamic = vec!["version".into()];
        package.build_requires = vec![requirement("i", RequirementKind::Build)];
        package.private_build_requires = vec![requirement("j", RequirementKind::PrivateBuild)];
        package.variants = vec![vec![requirement("k", RequirementKind::Run)], vec![]];
        package.tools = vec!["tool".into()];
        package.description = Some("line\r\nfeed \u{0} \u{1f} \u{8} \u{c}".into());
        package.extra.insert(
            "authors".into(),
            serde_json::json!(["a", {"b": [1, 2.5, null]}]),
        );
        package.line = 12;
        let mut record = Record::new("dir/pack\\age.py", Format::RezPackagePy);
        record.mark_dynamic("why");
        record.packages = vec![package, Package::new(Ecosystem::Rez, "", "")];
        record.requirements = vec![requirement("top", RequirementKind::Run)];
        record
    }

    #[test]
    fn every_field_is_written_as_serde_json_writes_it() {
        let (fast, serde) = both(&full_record());
        assert_eq!(fast, serde);
    }

    #[test]
    fn errors_and_empty_records_are_written_as_serde_json_writes_them() {
        let err = crate::ParseError {
            path: "x".into(),
            format: None,
            info: ErrorInfo {
                kind: ErrorKind::Syntax,
                message: "bad \"thing\"".into(),
                line: 3,
                column: 4294967295,
            },
            source_line: String::new(),
            span_columns: 0,
        };
        let (fast, serde) = both(&Record::from_error(&err));
        assert_eq!(fast, serde);
        let (fast, serde) = both(&Record::new("", Format::Wheel));
        assert_eq!(fast, serde);
    }

    #[test]
    fn every_byte_that_needs_an_escape_is_found_at_every_place() {
        for len in 0..=27 {
            let plain: Vec<u8> = (0..len).map(|i| [b'a', 0x7f, 0xc3, b'~'][i % 4]).collect();
            assert!(is_clean(&plain), "{plain:?}");
            for at in 0..len {
                for bad in [b'"', b'\\', 0x00, b'\n', 0x1f] {
                    let mut text = plain.clone();
                    text[at] = bad;
                    assert!(!is_clean(&text), "{text:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_is_escaped_as_serde_json_escapes_it(
            text in "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}])*",
            line in any::<u32>(),
        ) {
            let mut record = full_record();
            record.path = text.clone();
            record.packages[0].requires[0].raw = text.clone();
            record.packages[0].requires[0].line = line;
            record.packages[0].requires[1].kind = RequirementKind::Optional(text.clone());
            let (fast, serde) = both(&record);
            prop_assert_eq!(fast, serde);
        }

        #[test]
        fn eight_byte_checks_agree_with_byte_checks(bytes in any::<[u8; 8]>()) {
            prop_assert_eq!(
                word_needs_escape(u64::from_le_bytes(bytes)),
                bytes.iter().any(|&b| byte_needs_escape(b))
            );
        }
    }
}
