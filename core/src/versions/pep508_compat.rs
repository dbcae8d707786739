//! The few notions of Python's own that packaging's PEP 440/508 reading rests on, so that
//! [`super::pep440`] and [`super::pep508`] read text exactly as packaging 26.3 does on
//! CPython 3.11: `str.strip`/`str.isspace`, `str.lower`, the regex word boundary `\b`, and
//! `ast.literal_eval` of a quoted marker string.

/// Python's `str.isspace` (what `\s` and `str.strip()` take): Unicode's White_Space and the
/// separators U+001C to U+001F.
pub(super) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub(super) fn python_strip(text: &str) -> &str {
    text.trim_matches(is_python_space)
}

/// Python's `str.lower()` (Unicode lower case; ASCII text stays borrowed-cheap).
pub(super) fn python_lower(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// A character of `\w` in Python's Unicode regexes: the word boundary `\b` lies between
/// such a character and another kind (or the ends of the text).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether byte offset `at` of `text` is a word boundary (`\b`).
pub(super) fn is_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back().is_some_and(is_word_char);
    let after = text[at..].chars().next().is_some_and(is_word_char);
    before != after
}

/// `ast.literal_eval` of a quoted marker string: `quoted` starts and ends with the same quote
/// and holds no other one. `None` where Python raises (a raw line break or NUL, a malformed
/// `\x`/`\u`/`\U` escape, a code point Rust cannot hold, a `\N{name}` whose name is not a
/// character's name or alias). An unknown escape such as `\q` is kept as written, as Python
/// does (with a warning). `\N{name}` needs Unicode's name table (the `unicode-names` feature,
/// on in the native build); without it the escape is an error.
///
/// `escape = "\" ( newline | "\" | "'" | '"' | "a" | "b" | "f" | "n" | "r" | "t" | "v"
///          | octal{1,3} | "x" hex{2} | "u" hex{4} | "U" hex{8} | "N{" name "}" )`
pub(super) fn python_string_literal(quoted: &str) -> Option<String> {
    let inner = &quoted[1..quoted.len() - 1];
    if inner.contains(['\n', '\r', '\0']) && !inner.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' | '\0' => return None,
            '\\' => {}
            c => {
                out.push(c);
                continue;
            }
        }
        let Some(e) = chars.next() else {
            // A final backslash escapes the closing quote: the string never ends.
            return None;
        };
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars>, n: usize| {
            let mut value = 0u32;
            for _ in 0..n {
                value = value * 16 + chars.next()?.to_digit(16)?;
            }
            char::from_u32(value)
        };
        match e {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value)?);
            }
            'x' => out.push(hex(&mut chars, 2)?),
            'u' => out.push(hex(&mut chars, 4)?),
            'U' => out.push(hex(&mut chars, 8)?),
            'N' => out.push(named_character(&mut chars)?),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// The character a `\N{name}` escape names (after the `N`): Python's lookup, by name or
/// alias, case-insensitive, the name exactly between the braces (named sequences are not
/// characters).
#[cfg(feature = "unicode-names")]
fn named_character(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<char> {
    if chars.next()? != '{' {
        return None;
    }
    let mut name = String::new();
    loop {
        match chars.next()? {
            '}' => break,
            c => name.push(c),
        }
    }
    let canonical = name.to_ascii_uppercase();
    // unicode_names2 also takes loose spellings Python refuses: only single spaces and
    // hyphens between words, as in Unicode's names.
    let exact = !canonical.is_empty()
        && !canonical.starts_with([' ', '-'])
        && !canonical.ends_with([' ', '-'])
        && !canonical.contains("  ")
        && canonical
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' ' || c == '-');
    exact
        .then(|| unicode_names2::character(&canonical))
        .flatten()
}

/// Without Unicode's name table a `\N{name}` escape cannot be read.
#[cfg(not(feature = "unicode-names"))]
fn named_character(_: &mut std::iter::Peekable<std::str::Chars>) -> Option<char> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn string_literals_as_python_reads_them() {
        for (quoted, value) in [
            (r#""abc""#, Some("abc")),
            (r#""\n""#, Some("\n")),
            (r#""a\\b""#, Some("a\\b")),
            (r#""\q""#, Some("\\q")),
            (r#""\x41\101\u00e9""#, Some("AAé")),
            ("'\\\n'", Some("")),
            ("'a\nb'", None),
            (r#""\N{DASH}""#, None),
            (r#""\N""#, None),
            (r#""\N{}""#, None),
            (r#""\x4""#, None),
            (r#""\ud800""#, None),
            (r#""a\""#, None),
        ] {
            assert_eq!(
                python_string_literal(quoted).as_deref(),
                value,
                "{quoted:?}"
            );
        }
    }

    #[test]
    fn named_escapes_as_python_reads_them() {
        // ast.literal_eval in Python 3.11 (Unicode 14.0): a name or alias, any case; not a
        // named sequence, not a loose spelling.
        for (quoted, value) in [
            (r#""\N{LATIN SMALL LETTER A}""#, Some("a")),
            (r#""\N{latin small letter a}""#, Some("a")),
            (r#""\N{LATIN CAPITAL LETTER GHA}""#, Some("\u{1a2}")),
            (r#""\N{HANGUL SYLLABLE GA}""#, Some("\u{ac00}")),
            (r#""\N{CJK UNIFIED IDEOGRAPH-4E00}""#, Some("\u{4e00}")),
            (r#""\N{BYTE ORDER MARK}""#, Some("\u{feff}")),
            (r#""\N{LINE FEED}x""#, Some("\nx")),
            (r#""\N{LATIN SMALL LETTER R WITH TILDE}""#, None),
            (r#""\N{ LATIN SMALL LETTER A}""#, None),
            (r#""\N{LATIN  SMALL LETTER A}""#, None),
            (r#""\N{latin_small_letter_a}""#, None),
            (r#""\N{LATIN SMALL LETTER A""#, None),
            (r#""\N{KEYCAP NUMBER SIGN}""#, None),
            (r#""\N{U+0041}""#, None),
        ] {
            let expected = if cfg!(feature = "unicode-names") {
                value
            } else {
                None
            };
            assert_eq!(
                python_string_literal(quoted).as_deref(),
                expected,
                "{quoted:?}"
            );
        }
    }

    #[test]
    fn word_boundaries() {
        assert!(is_boundary("a and(", 5));
        assert!(!is_boundary("andx", 3));
        assert!(is_boundary("and", 3));
        assert!(!is_boundary("éand", 2));
    }
}
