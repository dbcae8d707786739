//! Physical and logical lines: pip's `preprocess` (continuations joined, comments dropped,
//! `${VAR}` expanded) over lines split as Python's `str.splitlines` splits them, with every
//! byte of a logical line mapped back to where it was read in the file.

use std::borrow::Cow;

/// The physical lines of a text, as Python's `str.splitlines` finds them.
///
/// `text = (line break)* [line]`, `break = '\r\n' | '\n' | '\r' | '\v' | '\f' | '\x1c'..'\x1e'
/// | U+0085 | U+2028 | U+2029`
pub(super) struct Lines {
    /// (start, end of content) byte offsets.
    pub(super) spans: Vec<(usize, usize)>,
}

pub(super) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

impl Lines {
    pub(super) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let (mut start, mut i) = (0, 0);
        // Most files break lines with `\n` alone: then a search for it is enough.
        let rare = bytes.iter().fold(false, |any, &b| {
            any | matches!(
                b,
                b'\r' | b'\x0b' | b'\x0c' | b'\x1c'..=b'\x1e' | 0xc2 | 0xe2
            )
        });
        if !rare {
            for (at, _) in text.match_indices('\n') {
                spans.push((start, at));
                start = at + 1;
            }
            i = bytes.len();
        }
        while let Some(skip) = bytes.get(i..).and_then(|rest| {
            rest.iter()
                .position(|&b| b <= 0x1e || b == 0xc2 || b == 0xe2)
        }) {
            i += skip;
            let b = bytes[i];
            // The breaks of `is_line_break` as UTF-8: one byte, or U+0085 (c2 85), U+2028 and
            // U+2029 (e2 80 a8, e2 80 a9). Valid UTF-8 has no other way to hold these bytes.
            let len = match b {
                b'\n' | b'\x0b' | b'\x0c' | b'\x1c' | b'\x1d' | b'\x1e' => 1,
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
                b'\r' => 1,
                0xc2 if bytes.get(i + 1) == Some(&0x85) => 2,
                0xe2 if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) =>
                {
                    3
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            spans.push((start, i));
            i += len;
            start = i;
        }
        if start < text.len() {
            spans.push((start, text.len()));
        }
        Lines { spans }
    }

    /// The 0-based index of the physical line holding byte `offset`.
    fn index_of(&self, offset: usize) -> usize {
        match self.spans.binary_search_by(|&(s, _)| s.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line, 1-based column (characters) and the line's text for byte `offset`.
    pub(super) fn position<'t>(&self, text: &'t str, offset: usize) -> (u32, u32, &'t str) {
        let Some(&(start, end)) = self.spans.get(self.index_of(offset)) else {
            return (1, 1, "");
        };
        let mut offset = offset.clamp(start, end.max(start));
        while !text.is_char_boundary(offset) && offset > start {
            offset -= 1;
        }
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        let line = self.index_of(offset) + 1;
        (
            to_u32(line),
            to_u32(column),
            text.get(start..end).unwrap_or(""),
        )
    }
}

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Python's `str.isspace`.
pub(super) fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// A logical line: its text and where each byte of it came from in the file.
///
/// The text borrows from the file unless continuations were joined or variables expanded.
/// Positions are kept as segments, not per byte: a line read as written is one segment.
#[derive(Debug, Clone, Default)]
pub(super) struct Mapped<'a> {
    pub(super) text: Cow<'a, str>,
    /// Sorted by `at`; a segment runs to the next one (or the end of the text).
    /// Most lines are one segment: kept inline, without an allocation.
    segs: smallvec::SmallVec<[Seg; 1]>,
    /// The file offset of the end of the text.
    end: usize,
    pub(super) line: u32,
}

/// Text bytes from `at` on came from file offset `file` on, or, when `stretch`, all from
/// `file` (text that stands for something else: an expanded variable, a joined comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    at: usize,
    file: usize,
    stretch: bool,
}

impl<'a> Mapped<'a> {
    pub(super) fn new(line: u32) -> Mapped<'a> {
        Mapped {
            line,
            ..Mapped::default()
        }
    }

    fn push_seg(&mut self, seg: Seg) {
        if let Some(last) = self.segs.last() {
            let contiguous =
                !last.stretch && !seg.stretch && last.file + (seg.at - last.at) == seg.file;
            if contiguous || last.stretch && seg.stretch && last.file == seg.file {
                return;
            }
        }
        self.segs.push(seg);
    }

    fn push_text(&mut self, s: &'a str) {
        if self.text.is_empty() {
            self.text = Cow::Borrowed(s);
        } else {
            self.text.to_mut().push_str(s);
        }
    }

    /// Text read from the file at `file_offset` on (borrowed while it is the only text).
    fn push(&mut self, s: &'a str, file_offset: usize) {
        if self.seg_at_end(s, file_offset, false) {
            self.push_text(s);
        }
    }

    /// Text that stands for what is at `file_offset` (an expanded variable, a joined comment).
    fn push_mapped_to(&mut self, s: &str, file_offset: usize) {
        if self.seg_at_end(s, file_offset, true) {
            self.text.to_mut().push_str(s);
        }
    }

    /// Starts a segment for `s` at the end of the text; `false` when `s` is empty.
    fn seg_at_end(&mut self, s: &str, file: usize, stretch: bool) -> bool {
        if s.is_empty() {
            return false;
        }
        self.push_seg(Seg {
            at: self.text.len(),
            file,
            stretch,
        });
        true
    }

    /// File offset of byte `i` of the text (the end's for `i` at or past it).
    pub(super) fn at(&self, i: usize) -> usize {
        if i >= self.text.len() {
            return self.end;
        }
        let k = self.segs.partition_point(|s| s.at <= i);
        match k.checked_sub(1).and_then(|k| self.segs.get(k)) {
            Some(s) if s.stretch => s.file,
            Some(s) => s.file + (i - s.at),
            None => self.end,
        }
    }

    /// The segments covering text bytes `start..end`, moved to begin at `base`.
    fn segs_in(&self, start: usize, end: usize, base: usize) -> impl Iterator<Item = Seg> + '_ {
        self.segs
            .iter()
            .enumerate()
            .filter(move |&(k, s)| {
                let next = self.segs.get(k + 1).map_or(self.text.len(), |n| n.at);
                s.at < end && next > start
            })
            .map(move |(_, s)| {
                let from = s.at.max(start);
                Seg {
                    at: base + (from - start),
                    file: if s.stretch {
                        s.file
                    } else {
                        s.file + (from - s.at)
                    },
                    stretch: s.stretch,
                }
            })
    }

    /// [`Mapped::slice`] of a line read as written (one segment, borrowed), reusing it.
    fn into_slice(mut self, start: usize, end: usize) -> Mapped<'a> {
        let plain = matches!((&self.text, &self.segs[..]), (Cow::Borrowed(_), [seg]) if seg.at == 0 && !seg.stretch);
        if !plain {
            return self.slice(start, end);
        }
        let end = end.min(self.text.len());
        let start = start.min(end);
        self.end = self.at(end);
        if let Cow::Borrowed(text) = self.text {
            self.text = Cow::Borrowed(text.get(start..end).unwrap_or(""));
        }
        if self.text.is_empty() {
            self.segs.clear();
        } else if let Some(seg) = self.segs.first_mut() {
            seg.file += start;
        }
        self
    }

    fn slice(&self, start: usize, end: usize) -> Mapped<'a> {
        let end = end.min(self.text.len());
        let start = start.min(end);
        let text = match &self.text {
            Cow::Borrowed(s) => Cow::Borrowed(s.get(start..end).unwrap_or("")),
            Cow::Owned(s) => Cow::Owned(s.get(start..end).unwrap_or("").to_owned()),
        };
        Mapped {
            text,
            segs: self.segs_in(start, end, 0).collect(),
            end: self.at(end),
            line: self.line,
        }
    }

    /// Appends text bytes `start..end` of `src`, with their positions.
    fn extend_from(&mut self, src: &Mapped<'_>, start: usize, end: usize) {
        let base = self.text.len();
        for seg in src.segs_in(start, end, base) {
            self.push_seg(seg);
        }
        self.text
            .to_mut()
            .push_str(src.text.get(start..end).unwrap_or(""));
    }

    /// Python's `str.replace(from, to)`.
    fn replace(&self, from: &str, to: &str) -> Mapped<'a> {
        let mut out = Mapped {
            text: Cow::Owned(String::new()),
            ..Mapped::new(self.line)
        };
        let mut rest = 0;
        while let Some(found) = self.text.get(rest..).and_then(|t| t.find(from)) {
            let at = rest + found;
            out.extend_from(self, rest, at);
            out.push_mapped_to(to, self.at(at));
            rest = at + from.len();
            if from.is_empty() {
                break;
            }
        }
        out.extend_from(self, rest, self.text.len());
        out.end = self.at(self.text.len());
        out
    }
}

/// Whether `COMMENT_RE` (`(^|\s+)#.*$`) matches at the start of `line`.
///
/// `comment_line = space* '#' any*`
fn comment_at_start(line: &str) -> bool {
    line.trim_start_matches(py_space).starts_with('#')
}

/// The byte where `COMMENT_RE` first matches: a `#` at the start or after whitespace,
/// backed up over that whitespace.
///
/// `comment = (^ | space+) '#' any*`
fn comment_start(line: &str) -> Option<usize> {
    // Most lines have no `#` at all.
    if !line.as_bytes().contains(&b'#') {
        return None;
    }
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            let before = line.get(..i).unwrap_or("");
            return Some(before.trim_end_matches(py_space).len());
        }
        prev_space = py_space(c);
    }
    None
}

/// pip's `preprocess` without its last step: join continuations, drop comments and blank
/// lines. Variables are expanded by [`expand_env`]. Lines are made one at a time, as they are
/// read, from a run of physical lines that starts a logical line.
pub(super) struct LogicalLines<'a, 'e> {
    text: &'a str,
    spans: std::iter::Enumerate<std::slice::Iter<'e, (usize, usize)>>,
    /// The 0-based index of the first physical line of `spans` in the file.
    first: usize,
}

impl<'a, 'e> LogicalLines<'a, 'e> {
    pub(super) fn new(text: &'a str, spans: &'e [(usize, usize)], first: usize) -> Self {
        LogicalLines {
            text,
            spans: spans.iter().enumerate(),
            first,
        }
    }

    /// The next physical line with its continuations joined.
    ///
    /// `joined = ('\\'* text '\\'+ break)* physical_line`, a comment line ending the run
    fn joined(&mut self) -> Option<Mapped<'a>> {
        let mut pending: Option<Mapped<'a>> = None;
        for (index, &(start, end)) in self.spans.by_ref() {
            let number = to_u32(self.first + index + 1);
            let line = self.text.get(start..end).unwrap_or("");
            let is_comment = comment_at_start(line);
            if !line.ends_with('\\') || is_comment {
                let mut current = pending.take().unwrap_or_else(|| Mapped::new(number));
                if is_comment {
                    current.push_mapped_to(" ", start);
                }
                current.push(line, start);
                current.end = end;
                return Some(current);
            }
            let lead = line.len() - line.trim_start_matches('\\').len();
            let kept = line.trim_matches('\\');
            pending
                .get_or_insert_with(|| Mapped::new(number))
                .push(kept, start + lead);
        }
        let mut last = pending?;
        last.end = match last.text.len() {
            0 => 0,
            len => last.at(len - 1) + 1,
        };
        Some(last)
    }
}

impl<'a> Iterator for LogicalLines<'a, '_> {
    type Item = Mapped<'a>;

    fn next(&mut self) -> Option<Mapped<'a>> {
        loop {
            let line = self.joined()?;
            let cut = comment_start(&line.text).unwrap_or(line.text.len());
            let head = line.text.get(..cut).unwrap_or("");
            let trimmed_start = head.len() - head.trim_start_matches(py_space).len();
            let trimmed_end = head.trim_end_matches(py_space).len();
            if trimmed_end <= trimmed_start {
                continue;
            }
            return Some(line.into_slice(trimmed_start, trimmed_end));
        }
    }
}

/// Whether a physical line joins the next one: it ends in `\\` and is not a comment.
fn continues(line: &str) -> bool {
    line.ends_with('\\') && !comment_at_start(line)
}

/// Whether a logical line may hold a variable for [`expand_env`].
pub(super) fn may_expand(logical: &Mapped<'_>) -> bool {
    logical.text.contains('$')
}

/// pip's `expand_env_variables`: every `${NAME}` set to a non-empty value is replaced.
pub(super) fn expand_env<'a>(
    mut logical: Mapped<'a>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Mapped<'a> {
    for (var, name) in env_vars(&logical.text.clone()) {
        match env(&name) {
            Some(value) if !value.is_empty() => logical = logical.replace(&var, &value),
            _ => {}
        }
    }
    logical
}

/// Splits physical lines into runs of about `size` that each start a logical line (the line
/// before does not continue), as (first, end) indices: runs can then be joined apart.
pub(super) fn runs(text: &str, spans: &[(usize, usize)], size: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::with_capacity(spans.len() / size.max(1) + 1);
    let mut first = 0;
    while first < spans.len() {
        let mut end = (first + size.max(1)).min(spans.len());
        while end < spans.len() {
            let (start, stop) = spans[end - 1];
            if !continues(text.get(start..stop).unwrap_or("")) {
                break;
            }
            end += 1;
        }
        runs.push((first, end));
        first = end;
    }
    runs
}

/// Every `${NAME}` in `line` (`NAME` in `[A-Z0-9_]+`), as (`${NAME}`, `NAME`).
///
/// `variable = '${' [A-Z0-9_]+ '}'`
fn env_vars(line: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("${") {
        let after = rest.get(i + 2..).unwrap_or("");
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        if name_len > 0 && after.as_bytes().get(name_len) == Some(&b'}') {
            let name = after.get(..name_len).unwrap_or("");
            found.push((format!("${{{name}}}"), name.to_owned()));
            rest = after.get(name_len + 1..).unwrap_or("");
        } else {
            rest = after;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// `str.splitlines` as Python's documentation lists it, one character at a time.
    fn splitlines_reference(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_line_break(c) {
                spans.push((start, i));
                let mut next = i + c.len_utf8();
                if c == '\r' {
                    if let Some(&(j, '\n')) = chars.peek() {
                        chars.next();
                        next = j + 1;
                    }
                }
                start = next;
            }
        }
        if start < text.len() {
            spans.push((start, text.len()));
        }
        spans
    }

    proptest::proptest! {
        /// The byte scan finds the lines that decoding each character finds, on text made of
        /// every break, their neighbours in UTF-8 (U+0084, U+2027, U+202A, U+00C2...) and ASCII.
        #[test]
        fn lines_split_as_python_does(text in "[a\n\r\x0b\x0c\x1c\x1d\x1e\x1f\u{84}\u{85}\u{86}\u{c2}\u{2027}\u{2028}\u{2029}\u{202a}\u{e2}\u{1000} ]{0,40}") {
            proptest::prop_assert_eq!(Lines::new(&text).spans, splitlines_reference(&text));
        }
    }
}
