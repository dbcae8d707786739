//! Where `pep508_rs` 0.9.2 (and its `pep440_rs` 0.7.3) is not packaging: each workaround that
//! makes the crate read PEP 440/508 text as packaging does, or keeps it from panicking.
//! [`super::pep508`] and [`super::pep440`] call these; nothing else here is public.
//!
//! * [`precheck`]: rejects, with an error at the right byte, the inputs on which the crate
//!   panics (found by fuzzing, see `fuzz/regressions/pep508`): a name or an extra that ends in
//!   `.`, `_` or `-`, a character outside ASCII where the grammar has only ASCII tokens, and a
//!   line break outside quotes (packaging's tokenizer has only spaces and tabs for whitespace,
//!   the crate takes any Unicode whitespace). packaging rejects all of these too.
//! * [`parse_guarded`]: the crate's error paths slice by character counts and panic after a
//!   multi-byte character, even inside quoted strings: text outside ASCII is first parsed
//!   with every such character replaced by `x`, and only parsed as written if that succeeds.
//! * [`swap_inverted_tilde`]: the crate panics on `'x' ~= os_name` (a quoted string, `~=`, a
//!   string key), and the panic poisons its global interner; packaging parses it. The
//!   comparison is turned round to `os_name ~= 'x'`, which the crate takes (and ignores).
//! * [`name_as_written`]: the crate keeps only the normalised name; packaging's
//!   `Requirement.name` is the name as written.
//! * [`specifiers_contain`]: the crate's `contains` does not pad the candidate's release for
//!   `==V.*`/`!=V.*` (packaging, and PEP 440, do) and leaves out pre-releases under `<V`
//!   across epochs.
//! * [`is_python_space`]: versions are stripped of whitespace in Python's sense
//!   (`str.strip`, as packaging), which the crate does not do.
//!
//! Besides these, the callers convert the crate's error spans from characters to bytes
//! (`pep508::parse_requirement`) and never hand the crate a version, a specifier set or a
//! marker alone that is not ASCII (`pep440::parse_version`, `Specifiers::parse`,
//! `Marker::parse`, the marker cache).

use super::pep508::RequirementError;
use pep508_rs::Requirement as Pep508Requirement;
use std::str::FromStr;

/// Rejects, with a proper error, the inputs on which `pep508_rs` 0.9.2 panics (found by
/// fuzzing; see `fuzz/regressions/pep508`): a name or an extra that ends in `.`, `_` or `-`
/// (its tokenizer and its name validation disagree), and a character outside ASCII where the
/// grammar has only ASCII tokens (its cursor mixes character and byte counts). `packaging`
/// rejects all of these too.
///
/// `requirement = name [extras] (versionspec | url) [; marker]`, checked only as far as the
/// panics need: `name = [A-Za-z0-9] ([A-Za-z0-9._-]* [A-Za-z0-9])?` at the start, then
/// `extras = "[" name ("," name)* "]"`, and the characters outside quotes and the URL.
pub(super) fn precheck(raw: &str) -> Result<(), RequirementError> {
    let bytes = raw.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let check_token = |start: usize, end: usize, what: &str| -> Result<(), RequirementError> {
        match (
            bytes.get(start),
            end.checked_sub(1).and_then(|last| bytes.get(last)),
        ) {
            (Some(first), _) if !first.is_ascii_alphanumeric() => Err(RequirementError {
                message: format!(
                    "expected {what} starting with a letter or digit, found `{}`",
                    *first as char
                ),
                span: start..end,
            }),
            (_, Some(last)) if !last.is_ascii_alphanumeric() => Err(RequirementError {
                message: format!(
                    "expected {what} ending with a letter or digit, found `{}`",
                    *last as char
                ),
                span: end - 1..end,
            }),
            _ => Ok(()),
        }
    };
    // `pep508_rs` skips whitespace in Unicode's sense (vertical tab and no-break space too).
    let skip_space = |mut i: usize| {
        while let Some(c) = raw.get(i..).and_then(|rest| rest.chars().next()) {
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
        i
    };
    let mut i = skip_space(0);
    let name_start = i;
    while bytes.get(i).copied().is_some_and(is_name) {
        i += 1;
    }
    if i > name_start {
        check_token(name_start, i, "a name")?;
    }
    i = skip_space(i);
    if bytes.get(i) == Some(&b'[') {
        i += 1;
        loop {
            i = skip_space(i);
            while bytes.get(i) == Some(&b',') {
                i = skip_space(i + 1);
            }
            let start = i;
            while bytes.get(i).copied().is_some_and(is_name) {
                i += 1;
            }
            if i > start {
                check_token(start, i, "an extra")?;
            } else {
                break;
            }
        }
    }
    // Outside quoted strings and a direct reference's URL, the grammar is ASCII: text that is
    // all ASCII and on one line has nothing more to check.
    let unusual = bytes.iter().fold(false, |any, &b| {
        any | !b.is_ascii() | (b == b'\n') | (b == b'\r')
    });
    if !unusual {
        return Ok(());
    }
    // (`pep508_rs`'s `peek_while` after a marker expression is where bytes and characters mix.)
    let mut quote = None;
    let mut in_url = false;
    let mut in_marker = false;
    for (offset, c) in raw.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') if !in_url => quote = Some(c),
            (None, '@') if !in_url && !in_marker => in_url = true,
            (None, ';') if !in_url => in_marker = true,
            (None, ';') if raw[..offset].ends_with(char::is_whitespace) => {
                in_url = false;
                in_marker = true;
            }
            // packaging's tokenizer has only spaces and tabs for whitespace.
            (None, '\n' | '\r') => {
                return Err(RequirementError {
                    message: "expected the end of the requirement, found a line break".into(),
                    span: offset..offset + c.len_utf8(),
                })
            }
            (None, c) if !c.is_ascii() && !in_url => {
                return Err(RequirementError {
                    message: format!("expected an ASCII character outside quotes, found `{c}`"),
                    span: offset..offset + c.len_utf8(),
                })
            }
            _ => {}
        }
    }
    Ok(())
}

/// `pep508_rs`'s parse, safe on text outside ASCII. Its error paths slice the input by
/// character counts, which panics after a multi-byte character (found by fuzzing, even inside
/// quoted strings that [`precheck`] lets through): such text is first parsed with every
/// non-ASCII character replaced by `x`, which has the same shape and character positions, and
/// only a text that parses so is parsed as written.
pub(super) fn parse_guarded(
    input: &str,
) -> Result<Pep508Requirement<pep508_rs::VerbatimUrl>, pep508_rs::Pep508Error<pep508_rs::VerbatimUrl>>
{
    if !input.is_ascii() {
        let ascii: String = input
            .chars()
            .map(|c| if c.is_ascii() { c } else { 'x' })
            .collect();
        Pep508Requirement::<pep508_rs::VerbatimUrl>::from_str(&ascii)?;
    }
    Pep508Requirement::<pep508_rs::VerbatimUrl>::from_str(input)
}

/// The marker keys `pep508_rs` 0.9.2 compares as strings.
const STRING_KEYS: [&str; 14] = [
    "implementation_name",
    "os_name",
    "os.name",
    "platform_machine",
    "platform.machine",
    "platform_python_implementation",
    "platform.python_implementation",
    "python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform.version",
    "sys_platform",
    "sys.platform",
];

/// Rewrites `'x' ~= os_name` (a quoted string, `~=`, a string key) as `os_name ~= 'x'`, the same
/// length. `pep508_rs` 0.9.2 ignores `os_name ~= 'x'` (with a warning) but panics on the
/// inverted form (`unreachable!` in its marker algebra), and the panic poisons its global
/// interner so that every later marker panics too. `packaging` parses both and raises
/// `UndefinedComparison` when it evaluates them. `in_marker` says whether `raw` is a marker
/// alone or a whole requirement.
///
/// `marker_expr = QUOTED_STRING "~=" string_key` becomes `string_key "~=" QUOTED_STRING`
pub(super) fn swap_inverted_tilde(raw: &str, in_marker: bool) -> std::borrow::Cow<'_, str> {
    let bytes = raw.as_bytes();
    if !bytes.contains(&b'~') {
        return raw.into();
    }
    let mut swaps = Vec::new();
    let (mut quote, mut in_url, mut in_marker) = (None, false, in_marker);
    for (offset, c) in raw.char_indices() {
        match (quote, c) {
            (Some((q, start)), c) if c == q => {
                quote = None;
                if !in_marker {
                    continue;
                }
                let end = offset + 1;
                let skip = |mut i: usize| {
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    i
                };
                let op = skip(end);
                if bytes.get(op..op + 2) != Some(b"~=") {
                    continue;
                }
                let key_start = skip(op + 2);
                let mut key_end = key_start;
                while bytes
                    .get(key_end)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                {
                    key_end += 1;
                }
                if STRING_KEYS.contains(&&raw[key_start..key_end]) {
                    swaps.push((start, end, key_start, key_end));
                }
            }
            (Some(_), _) => {}
            (None, '\'' | '"') if !in_url => quote = Some((c, offset)),
            (None, '@') if !in_url && !in_marker => in_url = true,
            (None, ';') if !in_url => in_marker = true,
            (None, ';') if raw[..offset].ends_with(char::is_whitespace) => {
                in_url = false;
                in_marker = true;
            }
            _ => {}
        }
    }
    if swaps.is_empty() {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut last = 0;
    for (start, end, key_start, key_end) in swaps {
        out.push_str(&raw[last..start]);
        out.push_str(&raw[key_start..key_end]);
        out.push_str(&raw[end..key_start]);
        out.push_str(&raw[start..end]);
        last = key_end;
    }
    out.push_str(&raw[last..]);
    out.into()
}

/// The leading name of a valid requirement, as written (pep508_rs keeps only the normalised one).
pub(super) fn name_as_written(raw: &str) -> String {
    raw.trim_start()
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// `pep440_rs` 0.7.3's `contains`, except for `==V.*` and `!=V.*`: it compares the release
/// with the prefix without padding, so that `==2.1.*` holds for `2` (packaging pads `2` to
/// `2.0`; PEP 440: "the candidate version ... zero padded as necessary").
pub(super) fn specifiers_contain(
    specifiers: &pep508_rs::pep440_rs::VersionSpecifiers,
    version: &pep508_rs::pep440_rs::Version,
) -> bool {
    use pep508_rs::pep440_rs::Operator;
    let prefix_matches = |spec: &pep508_rs::pep440_rs::Version| {
        spec.epoch() == version.epoch()
            && spec
                .release()
                .iter()
                .enumerate()
                .all(|(i, part)| version.release().get(i).copied().unwrap_or(0) == *part)
    };
    specifiers.iter().all(|spec| match spec.operator() {
        Operator::EqualStar => prefix_matches(spec.version()),
        Operator::NotEqualStar => !prefix_matches(spec.version()),
        // pep440_rs's `<` leaves out pre-releases of the same release whatever the
        // epochs: `<1!2.0` refused `2.0a1`.
        Operator::LessThan if spec.version().epoch() != version.epoch() => version < spec.version(),
        _ => spec.contains(version),
    })
}

/// Python's `str.isspace`: Unicode's White_Space and the separators U+001C to U+001F.
pub(super) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::super::pep440::{parse_version, Specifiers};
    use super::super::pep508::{parse_requirement, Marker, TargetEnvironment};
    use crate::record::RequirementKind;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Inputs on which `pep508_rs` 0.9.2 panics; found by `fuzz/fuzz_targets/pep508.rs`.
    #[test]
    #[cfg_attr(target_arch = "wasm32", ignore = "reads files from disk")]
    fn regression_pep508_rs_panics_are_errors() {
        for (input, offset) in [
            ("a_ ", 1),
            ("a. >=1", 1),
            ("a[b_]", 3),
            ("a[b, -c]", 5),
            ("\u{b}z-\u{b}", 2),
            ("\u{a0}a_ ", 3),
            ("s;extra==\"\"\u{562}", 11),
        ] {
            let err = parse_requirement(input, RequirementKind::Run, 1).unwrap_err();
            assert_eq!(err.span.start, offset, "{input:?}: {err:?}");
        }
        // The fuzzer's crashing inputs, kept in the repository, now parse to errors.
        let dir = format!("{}/../fuzz/regressions/pep508", env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let _ = parse_requirement(&String::from_utf8_lossy(&bytes), RequirementKind::Run, 1);
            seen += 1;
        }
        assert!(seen >= 3);
        // Non-ASCII inside quotes and URLs is still fine.
        assert!(parse_requirement("a; extra == 'é'", RequirementKind::Run, 1).is_ok());
        assert!(parse_requirement(
            "a @ https://example.com/é.whl ; extra == 'x'",
            RequirementKind::Run,
            1
        )
        .is_ok());
    }

    /// `'x' ~= os_name` panicked in `pep508_rs` 0.9.2 and poisoned its interner, so that every
    /// later marker panicked too; found by `tests/tests/pep440_508.rs` on packaging's vectors.
    #[test]
    fn regression_inverted_tilde_on_a_string_key() {
        let env = TargetEnvironment::default().marker_environment();
        for text in [
            "'1.0' ~= implementation_name",
            "\"dog\"~=os.name",
            "python_version >= '3' and 'linux' ~= sys_platform",
        ] {
            // Like `os_name ~= '1.0'`: accepted, the comparison ignored.
            let marker = Marker::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert!(marker.evaluate(&env, &[]), "{text}");
        }
        let r = parse_requirement(
            "a @ https://x.com/a.whl ; '1' ~= platform_machine",
            RequirementKind::Run,
            1,
        )
        .unwrap();
        assert_eq!(r.url.as_deref(), Some("https://x.com/a.whl"));
        assert!(parse_requirement("a; 'x' ~= os_name or", RequirementKind::Run, 1).is_err());
        // Version keys were never affected, and other markers still parse.
        assert!(Marker::parse("'3.8' ~= python_version").is_some());
        assert!(Marker::parse("os_name == 'posix'").is_some_and(|m| m.evaluate(&env, &[])));
    }

    /// Differences from packaging 26 found by `tests/tests/pep440_508.rs`.
    #[test]
    fn regression_packaging_conformance() {
        // A line break outside quotes ends nothing: packaging rejects it.
        for input in ["name>=1\n", "name; python_version >= \"3\"\n", "a\r\n"] {
            assert!(
                parse_requirement(input, RequirementKind::Run, 1).is_err(),
                "{input:?}"
            );
        }
        assert!(parse_requirement("a; os_name == '\n'", RequirementKind::Run, 1).is_ok());
        // `==V.*` pads the candidate's release with zeros.
        let spec = Specifiers::parse("==2.1.*").unwrap();
        assert_eq!(spec.contains("2"), Some(false));
        assert_eq!(spec.contains("2.1"), Some(true));
        assert_eq!(
            Specifiers::parse("!=2.0.*").unwrap().contains("2"),
            Some(false)
        );
        assert_eq!(
            Specifiers::parse("==2.0.*").unwrap().contains("2a1"),
            Some(true)
        );
        // `<` across epochs is a plain comparison.
        assert_eq!(
            Specifiers::parse("<1!2.0").unwrap().contains("2.0a1"),
            Some(true)
        );
        assert_eq!(
            Specifiers::parse("<2.0").unwrap().contains("2.0a1"),
            Some(false)
        );
        // Surrounding whitespace in Python's sense.
        assert!(parse_version("\u{202f}1.0\t\u{2029}\n ").is_some());
        assert!(parse_version("\u{1c}1.0").is_some());
    }
}
