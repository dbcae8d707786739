//! Small text helpers shared by the parsers: faults and their spans, positions, lines and
//! `/`-separated paths.

use std::ops::Range;

/// What a parser found wrong, and where: a lower-case message and the byte span of the faulty
/// text in the parser's input. An empty span (`start == end`) points at one place.
///
/// Every parser carries its faults in this one shape; its public error type (one per parser)
/// holds the span, and [`crate::ParseError`] underlines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// A lower-case message: what was expected and what was found.
    pub message: String,
    /// The byte span of the faulty text; empty for a point.
    pub span: Range<usize>,
}

impl Fault {
    /// A fault at one point, byte `offset`.
    pub fn at(offset: usize, message: impl Into<String>) -> Self {
        Fault {
            message: message.into(),
            span: offset..offset,
        }
    }

    /// A fault covering the bytes `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Fault {
            message: message.into(),
            span,
        }
    }

    /// Where the fault starts.
    pub fn offset(&self) -> usize {
        self.span.start
    }

    /// The same fault `by` bytes further on (its text was cut out of a larger input).
    pub fn shifted(mut self, by: usize) -> Self {
        self.span = self.span.start.saturating_add(by)..self.span.end.saturating_add(by);
        self
    }
}

/// A 1-based line and column (column counted in characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// The position of byte `offset` in `text`. An offset past the end, or inside a
    /// multi-byte character, is clamped to the nearest valid place before it.
    pub fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// The line of `text` that holds byte `offset`, without its line ending.
pub fn line_at(text: &str, offset: usize) -> &str {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[start..end].trim_end_matches('\r')
}

/// The line under `line` that marks the fault at 1-based character `column` spanning `chars`
/// characters: `^` under each display column of the span (at least one; a span past the end
/// of the line stops there), after a pad as wide as the text before it. A tab before the span
/// stays a tab in the pad, so the carets land right whatever the terminal's tab stops.
pub(crate) fn underline(line: &str, column: u32, chars: u32) -> String {
    use unicode_width::UnicodeWidthChar;
    let before = column.saturating_sub(1) as usize;
    let mut out = String::new();
    let mut rest = line.chars();
    for c in rest.by_ref().take(before) {
        match c {
            '\t' => out.push('\t'),
            c => out.extend(std::iter::repeat_n(' ', c.width().unwrap_or(0))),
        }
    }
    // A column past the end of the line (a fault at the line's end) pads with spaces.
    let missing = before.saturating_sub(line.chars().count());
    out.extend(std::iter::repeat_n(' ', missing));
    let width: usize = rest
        .take(chars as usize)
        .map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) })
        .sum();
    out.extend(std::iter::repeat_n('^', width.max(1)));
    out
}

/// Decodes `bytes` as UTF-8, skipping a leading byte-order mark. On failure, returns the byte
/// offset of the first invalid sequence.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, usize> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

/// `/`-separated normalisation, the one way pkglens compares paths it did not read from a file
/// system (a requirements file's includes, and the inputs of a batch they are looked up in):
/// drops `.` and empty segments and folds `..` (`a/./b/../c` is `a/c`). A `..` above the start
/// of a relative path is kept (`../y`), one above `/` is dropped (`/../a` is `/a`); a relative
/// path that folds to nothing is `.`.
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\nçé x\n";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of(text, 3), Position { line: 2, column: 1 });
        // 'x' is at byte 8 (ç and é are two bytes each), character column 4.
        assert_eq!(Position::of(text, 8), Position { line: 2, column: 4 });
        assert_eq!(Position::of(text, 999).line, 3);
        assert_eq!(line_at(text, 8), "çé x");
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "é";
        assert_eq!(Position::of(text, 1), Position { line: 1, column: 1 });
        assert_eq!(line_at(text, 1), "é");
    }

    #[test]
    fn faults_point_or_span() {
        assert_eq!(Fault::at(3, "x").span, 3..3);
        assert_eq!(Fault::new(2..5, "x").shifted(10).span, 12..15);
        assert_eq!(Fault::new(2..5, "x").offset(), 2);
    }

    #[test]
    fn underlines_cover_the_span() {
        // `--foo` at column 3, five characters.
        assert_eq!(underline("a --foo b", 3, 5), "  ^^^^^");
        // A point is one caret.
        assert_eq!(underline("abc", 2, 0), " ^");
        // A point just past the end of the line.
        assert_eq!(underline("abc", 4, 0), "   ^");
        assert_eq!(underline("", 1, 0), "^");
    }

    #[test]
    fn underlines_count_display_width() {
        // ç and é are one column each though two bytes each.
        assert_eq!(underline("çé x", 4, 1), "   ^");
        assert_eq!(underline("çé x", 1, 2), "^^");
        // 日本 is four columns wide: the pad before and the carets under it count that.
        assert_eq!(underline("日本 x", 4, 1), "     ^");
        assert_eq!(underline("a日本", 2, 2), " ^^^^");
        // A combining accent takes no column.
        assert_eq!(underline("e\u{301}x", 3, 1), " ^");
        // A zero-width span on a zero-width character still shows one caret.
        assert_eq!(underline("a\u{200b}b", 2, 1), " ^");
    }

    #[test]
    fn underlines_copy_tabs_into_the_pad() {
        assert_eq!(underline("\tx = 'y'", 6, 3), "\t    ^^^");
        assert_eq!(underline("a\tb", 3, 1), " \t^");
    }

    #[test]
    fn underlines_stop_at_the_end_of_the_line() {
        assert_eq!(underline("ab 'cd", 4, 99), "   ^^^");
        assert_eq!(underline("abc", 3, 5), "  ^");
    }

    #[test]
    fn paths_are_normalised_for_lookup() {
        assert_eq!(normalize_path("a/./b/../c"), "a/c");
        assert_eq!(normalize_path("./a"), "a");
        assert_eq!(normalize_path("../x/../y"), "../y");
        assert_eq!(normalize_path("/abs//p"), "/abs/p");
    }
}
