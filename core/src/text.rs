//! Small text helpers shared by the parsers: positions, lines and `/`-separated paths.

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
    fn paths_are_normalised_for_lookup() {
        assert_eq!(normalize_path("a/./b/../c"), "a/c");
        assert_eq!(normalize_path("./a"), "a");
        assert_eq!(normalize_path("../x/../y"), "../y");
        assert_eq!(normalize_path("/abs//p"), "/abs/p");
    }
}
