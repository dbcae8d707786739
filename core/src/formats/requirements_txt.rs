//! pip requirements files (`requirements.txt`, `constraints.txt`), read the way pip 25's
//! `pip/_internal/req/req_file.py` and `req/constructors.py` read them.
//!
//! The format is pip's command line spread over lines, and it has quirks worth knowing:
//! - lines are split as Python's `str.splitlines` splits them (`\n`, `\r\n`, `\r`, and also
//!   `\v`, `\f`, `\x1c`-`\x1e`, `\u{85}`, `\u{2028}`, `\u{2029}`); a UTF-8 byte-order mark is
//!   skipped;
//! - the order is fixed: first lines ending in `\` are joined (all leading and trailing
//!   backslashes of a continued line are dropped, and the joined line takes the number of its
//!   first line), then comments are removed, then `${VAR}` is expanded. So a comment line ends a
//!   continuation, but `foo # note \` continues into the next line, which then is comment too;
//!   and a `#` that an environment variable brings in is not a comment;
//! - a comment starts at a `#` at the start of a line or after whitespace: `url#egg=x` keeps
//!   its fragment, `url #egg=x` does not;
//! - only `${NAME}` with `NAME` made of `A-Z`, `0-9` and `_` is expanded; an unset or empty
//!   variable is left as written;
//! - a line is cut at the first space-separated token that starts with `-`: what comes before
//!   is the requirement (kept verbatim: markers are not shell-split), what follows is split like
//!   a shell (`shlex`) and read by `optparse`, so long options may be abbreviated (`--req`),
//!   short ones glued to their value (`-rbase.txt`), `--opt=value` and `--opt value` both work,
//!   stray words after the options are ignored, and only spaces separate: `foo\t--hash=...` is
//!   one (invalid) requirement;
//! - a line with a requirement keeps only `--hash` (not for editables) and `--config-settings`;
//!   its other options are ignored. A line with `-r`/`-c` and no requirement is an include and
//!   nothing else on it counts; only the first `-r` (or, failing that, `-c`) is followed;
//! - includes are relative to the including file, kinds come from the directive alone (a `-r`
//!   inside a constraints file reads plain requirements), and an include of a file already open
//!   higher up the chain is an error (a file may be included twice from different branches);
//! - a requirement that is not a URL is split at its first `;` into requirement and marker; a
//!   URL (`http`, `https`, `file`, `ftp` or a VCS scheme) is split at the first `; ` (a
//!   semicolon followed by a space), since `;` may occur in URLs;
//! - a URL or local archive is named by its wheel file name (`name==version`) or its `#egg=`
//!   fragment; a local path is anything that looks like one (contains `/` or starts with `.`)
//!   and is not valid PEP 508, or ends in an archive extension. pip asks the file system
//!   whether a path is a directory; this module never does, and takes such paths on trust;
//! - `-e` takes a local directory, `name @ vcs-url`, or a VCS URL with `#egg=name`; a bare
//!   `git:` (`hg:`, `svn:`, `bzr:`) URL gets its `git+` prefix.
//!
//! Where pip stops at the first bad line, this module records the fault (the first one in
//! [`Record::error`], all in [`RequirementsFile::errors`]) and reads on.

use std::borrow::Cow;

use crate::text::decode_utf8;
use crate::versions::pep508::parse_requirement;
use crate::{
    ErrorInfo, ErrorKind, Format, ParseError, Record, Requirement, RequirementKind, Status,
};

/// Which directive included a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    /// `-r` / `--requirement`.
    Requirements,
    /// `-c` / `--constraint`.
    Constraints,
}

/// One `-r` or `-c` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The directive.
    pub kind: IncludeKind,
    /// The included file, resolved against the including file's directory, `/`-separated and
    /// normalised (`a/b/../c` is `a/c`); a URL is kept as written.
    pub path: String,
    /// The path exactly as written after the option.
    pub written: String,
    /// The 1-based line of the directive.
    pub line: u32,
    /// The 1-based column of the path in that line (in characters).
    pub column: u32,
}

/// The options pip reads on one requirement line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineOptions {
    /// Index of the requirement in `record.requirements`.
    pub requirement: usize,
    /// The 1-based line of the requirement.
    pub line: u32,
    /// Whether the requirement came from `-e` / `--editable`.
    pub editable: bool,
    /// `--hash` values as `algorithm:digest`, in the order written (none for editables: pip
    /// ignores them there).
    pub hashes: Vec<String>,
    /// Every other option on the line, as `--name=value` (or `--name`); pip uses only
    /// `--config-settings` and ignores the rest.
    pub other: Vec<String>,
}

/// One global option (`--index-url`, `--pre`, ...) from a line with no requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalOption {
    /// The long option name, e.g. `--index-url` (`-i` and `--pypi-url` are `--index-url`).
    pub name: String,
    /// Its value, empty for flags.
    pub value: String,
    /// The 1-based line.
    pub line: u32,
}

/// A line's item, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// `record.requirements[i]` (and `options[i]`).
    Requirement(usize),
    /// `includes[i]`.
    Include(usize),
}

/// One requirements file, read alone (includes are listed, not followed).
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementsFile {
    /// Format `requirements-txt`; requirements in `record.requirements` with kind `run`
    /// (or `constraint` when read as a constraints file). Unnamed requirements (a path or URL
    /// with no name pip could know without fetching it) have an empty `name` and a `url`.
    pub record: Record,
    /// Per-requirement options, parallel to `record.requirements`.
    pub options: Vec<LineOptions>,
    /// Global options, in file order.
    pub global: Vec<GlobalOption>,
    /// `-r` and `-c` lines, in file order.
    pub includes: Vec<Include>,
    /// Requirements and includes interleaved in file order.
    pub items: Vec<Item>,
    /// Every bad line (the first is also `record.error`).
    pub errors: Vec<ErrorInfo>,
    /// The offending physical line for each of `errors`.
    pub error_lines: Vec<String>,
}

/// Where a resolved requirement was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, as the root was named or as its include resolved.
    pub path: String,
    /// The 1-based line in that file (also `Requirement::line`).
    pub line: u32,
}

/// A requirements file with its includes followed.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The root's path, every requirement in pip's order; status `error` if any file had a
    /// bad line (the first one; its message names the file when it is not the root).
    pub record: Record,
    /// Where each requirement was read, parallel to `record.requirements`.
    pub sources: Vec<Source>,
    /// Options of each requirement, parallel to `record.requirements` (`requirement` is
    /// re-indexed).
    pub options: Vec<LineOptions>,
    /// Global options of every file, in pip's order, with the file they are in.
    pub global: Vec<(String, GlobalOption)>,
    /// Bad lines of every file, with the file they are in.
    pub errors: Vec<(String, ErrorInfo)>,
}

// ---------------------------------------------------------------------------------------------
// Lines and positions.

/// The physical lines of a text, as Python's `str.splitlines` finds them.
struct Lines {
    /// (start, end of content) byte offsets.
    spans: Vec<(usize, usize)>,
}

fn is_line_break(c: char) -> bool {
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
    fn new(text: &str) -> Self {
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
    fn position<'t>(&self, text: &'t str, offset: usize) -> (u32, u32, &'t str) {
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

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Python's `str.isspace`.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// A logical line: its text and where each byte of it came from in the file.
///
/// The text borrows from the file unless continuations were joined or variables expanded.
/// Positions are kept as segments, not per byte: a line read as written is one segment.
#[derive(Debug, Clone, Default)]
struct Mapped<'a> {
    text: Cow<'a, str>,
    /// Sorted by `at`; a segment runs to the next one (or the end of the text).
    /// Most lines are one segment: kept inline, without an allocation.
    segs: smallvec::SmallVec<[Seg; 1]>,
    /// The file offset of the end of the text.
    end: usize,
    line: u32,
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
    fn new(line: u32) -> Mapped<'a> {
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
    fn at(&self, i: usize) -> usize {
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
fn comment_at_start(line: &str) -> bool {
    line.trim_start_matches(py_space).starts_with('#')
}

/// The byte where `COMMENT_RE` first matches: a `#` at the start or after whitespace,
/// backed up over that whitespace.
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
struct LogicalLines<'a, 'e> {
    text: &'a str,
    spans: std::iter::Enumerate<std::slice::Iter<'e, (usize, usize)>>,
    /// The 0-based index of the first physical line of `spans` in the file.
    first: usize,
}

impl<'a, 'e> LogicalLines<'a, 'e> {
    fn new(text: &'a str, spans: &'e [(usize, usize)], first: usize) -> Self {
        LogicalLines {
            text,
            spans: spans.iter().enumerate(),
            first,
        }
    }

    /// The next physical line with its continuations joined.
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
fn may_expand(logical: &Mapped<'_>) -> bool {
    logical.text.contains('$')
}

/// pip's `expand_env_variables`: every `${NAME}` set to a non-empty value is replaced.
fn expand_env<'a>(mut logical: Mapped<'a>, env: &dyn Fn(&str) -> Option<String>) -> Mapped<'a> {
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
fn runs(text: &str, spans: &[(usize, usize)], size: usize) -> Vec<(usize, usize)> {
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

// ---------------------------------------------------------------------------------------------
// Options: shlex and optparse as pip uses them.

/// `shlex.split` (POSIX mode, no comments): tokens with the byte offset where each starts.
fn shlex_split(s: &str) -> Result<Vec<(String, usize)>, (String, usize)> {
    #[derive(PartialEq)]
    enum State {
        Between,
        Word,
        Quote(char),
        Escape,
        QuoteEscape,
    }
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut state = State::Between;
    let mut quote_at = 0;
    for (i, c) in s.char_indices() {
        match state {
            State::Between => {
                if matches!(c, ' ' | '\t' | '\r' | '\n') {
                    continue;
                }
                start = i;
                current.clear();
                match c {
                    '\\' => state = State::Escape,
                    '\'' | '"' => {
                        quote_at = i;
                        state = State::Quote(c);
                    }
                    _ => {
                        current.push(c);
                        state = State::Word;
                    }
                }
            }
            State::Word => match c {
                ' ' | '\t' | '\r' | '\n' => {
                    tokens.push((std::mem::take(&mut current), start));
                    state = State::Between;
                }
                '\\' => state = State::Escape,
                '\'' | '"' => {
                    quote_at = i;
                    state = State::Quote(c);
                }
                _ => current.push(c),
            },
            State::Quote(q) => {
                if c == q {
                    state = State::Word;
                } else if q == '"' && c == '\\' {
                    state = State::QuoteEscape;
                } else {
                    current.push(c);
                }
            }
            State::Escape => {
                current.push(c);
                state = State::Word;
            }
            State::QuoteEscape => {
                if c != '"' && c != '\\' {
                    current.push('\\');
                }
                current.push(c);
                state = State::Quote('"');
            }
        }
    }
    match state {
        State::Between => {}
        State::Word => tokens.push((current, start)),
        State::Quote(_) | State::QuoteEscape => {
            return Err(("no closing quotation".to_owned(), quote_at))
        }
        State::Escape => return Err(("no escaped character".to_owned(), s.len())),
    }
    Ok(tokens)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Global,
    Requirement,
    Constraint,
    Editable,
    Binary,
    Feature,
    Hash,
    Config,
}

/// (long name, short letter, takes a value, what it does, the name recorded).
const OPTIONS: &[(&str, Option<char>, bool, Dest, &str)] = &[
    ("--index-url", Some('i'), true, Dest::Global, "--index-url"),
    ("--pypi-url", None, true, Dest::Global, "--index-url"),
    (
        "--extra-index-url",
        None,
        true,
        Dest::Global,
        "--extra-index-url",
    ),
    ("--no-index", None, false, Dest::Global, "--no-index"),
    (
        "--constraint",
        Some('c'),
        true,
        Dest::Constraint,
        "--constraint",
    ),
    (
        "--requirement",
        Some('r'),
        true,
        Dest::Requirement,
        "--requirement",
    ),
    ("--editable", Some('e'), true, Dest::Editable, "--editable"),
    (
        "--find-links",
        Some('f'),
        true,
        Dest::Global,
        "--find-links",
    ),
    ("--no-binary", None, true, Dest::Binary, "--no-binary"),
    ("--only-binary", None, true, Dest::Binary, "--only-binary"),
    (
        "--prefer-binary",
        None,
        false,
        Dest::Global,
        "--prefer-binary",
    ),
    (
        "--require-hashes",
        None,
        false,
        Dest::Global,
        "--require-hashes",
    ),
    ("--pre", None, false, Dest::Global, "--pre"),
    ("--trusted-host", None, true, Dest::Global, "--trusted-host"),
    ("--use-feature", None, true, Dest::Feature, "--use-feature"),
    ("--hash", None, true, Dest::Hash, "--hash"),
    (
        "--config-settings",
        Some('C'),
        true,
        Dest::Config,
        "--config-settings",
    ),
];

const FEATURES: &[&str] = &[
    "fast-deps",
    "build-constraint",
    "truststore",
    "no-binary-enable-wheel-cache",
];

const STRONG_HASHES: &[&str] = &["sha256", "sha384", "sha512"];

/// The options of one line, in the order written.
#[derive(Debug, Default)]
struct Opts {
    /// (canonical name, value, byte offset of the value in the options string).
    values: Vec<(Dest, &'static str, String, usize)>,
}

impl Opts {
    fn first(&self, dest: Dest) -> Option<(&str, usize)> {
        self.values
            .iter()
            .find(|v| v.0 == dest)
            .map(|v| (v.2.as_str(), v.3))
    }
}

/// optparse's long-option lookup: an exact name, or the only one it abbreviates.
fn match_long(opt: &str) -> Result<usize, String> {
    if let Some(i) = OPTIONS.iter().position(|o| o.0 == opt) {
        return Ok(i);
    }
    let candidates: Vec<usize> = (0..OPTIONS.len())
        .filter(|&i| OPTIONS.get(i).is_some_and(|o| o.0.starts_with(opt)))
        .collect();
    match candidates.as_slice() {
        [only] => Ok(*only),
        [] => Err(format!("no such option: {opt}")),
        many => {
            let mut names: Vec<&str> = many
                .iter()
                .filter_map(|&i| OPTIONS.get(i).map(|o| o.0))
                .collect();
            names.sort_unstable();
            Err(format!("ambiguous option: {opt} ({}?)", names.join(", ")))
        }
    }
}

/// optparse over shlex'd tokens, with pip's option callbacks.
fn parse_options(options: &str) -> Result<Opts, (String, usize)> {
    let tokens = shlex_split(options)
        .map_err(|(msg, at)| (format!("could not split options: {msg}"), at))?;
    let mut opts = Opts::default();
    let mut i = 0;
    while let Some((arg, at)) = tokens.get(i) {
        let at = *at;
        i += 1;
        if arg == "--" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--").map(|_| arg.as_str()) {
            let (name, explicit) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let index = match_long(name).map_err(|m| (m, at))?;
            let Some(&(full, _, takes, dest, canonical)) = OPTIONS.get(index) else {
                continue;
            };
            if takes {
                let value = match explicit {
                    Some(v) => v,
                    None => match tokens.get(i) {
                        Some((v, _)) => {
                            i += 1;
                            v.clone()
                        }
                        None => return Err((format!("{full} option requires 1 argument"), at)),
                    },
                };
                check_value(full, dest, &value).map_err(|m| (m, at))?;
                opts.values.push((dest, canonical, value, at));
            } else if explicit.is_some() {
                return Err((format!("{full} option does not take a value"), at));
            } else {
                opts.values.push((dest, canonical, String::new(), at));
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            let letters = arg.get(1..).unwrap_or("");
            for (k, letter) in letters.char_indices() {
                let Some(&(_, _, takes, dest, canonical)) =
                    OPTIONS.iter().find(|o| o.1 == Some(letter))
                else {
                    return Err((format!("no such option: -{letter}"), at));
                };
                let opt_str = format!("-{letter}");
                if takes {
                    let rest = letters.get(k + letter.len_utf8()..).unwrap_or("");
                    let value = if !rest.is_empty() {
                        rest.to_owned()
                    } else {
                        match tokens.get(i) {
                            Some((v, _)) => {
                                i += 1;
                                v.clone()
                            }
                            None => {
                                return Err((format!("{opt_str} option requires 1 argument"), at))
                            }
                        }
                    };
                    check_value(&opt_str, dest, &value).map_err(|m| (m, at))?;
                    opts.values.push((dest, canonical, value, at));
                    break;
                }
                opts.values.push((dest, canonical, String::new(), at));
            }
        }
        // Anything else is a positional argument, which pip ignores.
    }
    Ok(opts)
}

/// The checks pip's option callbacks and `choices` make.
fn check_value(opt: &str, dest: Dest, value: &str) -> Result<(), String> {
    match dest {
        Dest::Hash => match value.split_once(':') {
            None => Err(format!(
                "arguments to {opt} must be a hash name followed by a value, like --hash=sha256:abcde..."
            )),
            Some((algo, _)) if !STRONG_HASHES.contains(&algo) => Err(format!(
                "allowed hash algorithms for {opt} are {}.",
                STRONG_HASHES.join(", ")
            )),
            Some(_) => Ok(()),
        },
        Dest::Config if !value.contains('=') => {
            Err(format!("arguments to {opt} must be of the form KEY=VAL"))
        }
        Dest::Binary if value.starts_with('-') => {
            Err("--no-binary / --only-binary option requires 1 argument.".to_owned())
        }
        Dest::Feature if !FEATURES.contains(&value) => Err(format!(
            "option {opt}: invalid choice: '{value}' (choose from {})",
            FEATURES
                .iter()
                .map(|f| format!("'{f}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => Ok(()),
    }
}

/// pip's `break_args_options`: the byte where the options start (tokens split on spaces; the
/// first token starting with `-`), or `None`.
fn options_start(line: &str) -> Option<usize> {
    // Tokens start at 0 and after each space: the first `-` that starts one.
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'-' && (i == 0 || bytes[i - 1] == b' '))
}

// ---------------------------------------------------------------------------------------------
// Requirements: pip's `parse_req_from_line` and `parse_editable`, without the file system.

const VCS_SCHEMES: &[&str] = &[
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
    "bzr+file",
    "git+http",
    "git+https",
    "git+ssh",
    "git+git",
    "git+file",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn+ssh",
    "svn+http",
    "svn+https",
    "svn+svn",
    "svn+file",
];

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip",
    ".whl",
    ".tar.bz2",
    ".tbz",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

/// The scheme `urllib.parse.urlsplit` finds, lower-cased.
fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// pip's `is_url`.
fn is_url(name: &str) -> bool {
    url_scheme(name).is_some_and(|s| {
        matches!(s.as_str(), "http" | "https" | "file" | "ftp") || VCS_SCHEMES.contains(&s.as_str())
    })
}

/// pip's `_looks_like_path` (POSIX separators).
fn looks_like_path(name: &str) -> bool {
    name.contains('/') || name.starts_with('.')
}

/// pip's `splitext`: the extension, with `.tar` kept in front of a compression suffix.
fn pip_ext(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    let Some(dot) = base
        .rfind('.')
        .filter(|&d| d > base.len() - base.trim_start_matches('.').len())
    else {
        return "";
    };
    let stem = base.get(..dot).unwrap_or("").as_bytes();
    let ext_start = if stem.len() >= 4 && stem[stem.len() - 4..].eq_ignore_ascii_case(b".tar") {
        dot - 4
    } else {
        dot
    };
    base.get(ext_start..).unwrap_or("")
}

fn is_archive(name: &str) -> bool {
    // The extension ends the name: most names end in no archive's extension at all.
    let ends_in = |archive: &&str| {
        name.len() >= archive.len()
            && name.as_bytes()[name.len() - archive.len()..]
                .eq_ignore_ascii_case(archive.as_bytes())
    };
    if !ARCHIVE_EXTENSIONS.iter().any(ends_in) {
        return false;
    }
    let ext = pip_ext(name);
    ARCHIVE_EXTENSIONS
        .iter()
        .any(|archive| archive.eq_ignore_ascii_case(ext))
}

/// pip's `_strip_extras`: `path[extras]` as (`path`, `[extras]`).
fn strip_extras(path: &str) -> (&str, Option<&str>) {
    if path.ends_with(']') {
        if let Some(open) = path.rfind('[') {
            let inner = path.get(open + 1..path.len() - 1).unwrap_or("");
            if open > 0 && !inner.is_empty() && !inner.contains(']') {
                let head = path.get(..open).unwrap_or("");
                return (head.trim_end_matches(py_space), path.get(open..));
            }
        }
    }
    (path, None)
}

/// The `#egg=` (or `&egg=`) fragment of a URL.
fn egg_fragment(url: &str) -> Option<&str> {
    let at = url
        .match_indices("egg=")
        .find(|(i, _)| matches!(url.as_bytes().get(i.wrapping_sub(1)), Some(b'#' | b'&')))?
        .0;
    let rest = url.get(at + 4..)?;
    Some(rest.split('&').next().unwrap_or(rest))
}

/// The file name of a URL's or path's last segment, percent-decoded.
fn url_filename(url: &str) -> String {
    let no_fragment = url.split('#').next().unwrap_or(url);
    let no_query = no_fragment.split('?').next().unwrap_or(no_fragment);
    let path = match no_query.split_once("://") {
        Some((_, rest)) => rest.find('/').and_then(|i| rest.get(i..)).unwrap_or(""),
        None => no_query,
    };
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    percent_decode(name)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(value) = hex {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// packaging's `parse_wheel_filename`, as the requirement `name==version`.
fn wheel_requirement(filename: &str) -> Result<String, String> {
    let invalid = |why: &str| format!("invalid wheel filename ({why}): '{filename}'");
    let stem = filename
        .strip_suffix(".whl")
        .ok_or_else(|| invalid("extension must be '.whl'"))?;
    let dashes = stem.matches('-').count();
    if dashes != 4 && dashes != 5 {
        return Err(invalid("wrong number of parts"));
    }
    let mut parts = stem.splitn(dashes - 1, '-');
    let name = parts.next().unwrap_or("");
    let version = parts.next().unwrap_or("");
    if name.contains("__")
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return Err(invalid("invalid project name"));
    }
    if dashes == 5 {
        let build = parts.next().unwrap_or("");
        if !build.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(invalid("invalid build number"));
        }
    }
    Ok(format!("{name}=={version}"))
}

/// The project name of an sdist file name (`name-version.tar.gz`), if it has one.
fn sdist_name(filename: &str) -> Option<&str> {
    let ext = pip_ext(filename);
    let stem = filename.get(..filename.len().checked_sub(ext.len())?)?;
    let (name, version) = stem.rsplit_once('-')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && version.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

/// A fault in a requirement: message and byte offset in the text given.
type Fault = (String, usize);

fn pep508(text: &str, kind: &RequirementKind, line: u32) -> Result<Requirement, Fault> {
    parse_requirement(text, kind.clone(), line)
        .map_err(|e| (format!("invalid requirement: {}", e.message), e.offset))
}

/// A marker, checked and normalised; `offset` is where `marker` starts.
fn parse_marker(marker: &str, offset: usize) -> Result<Option<String>, Fault> {
    if marker.is_empty() {
        return Ok(None);
    }
    let probe = format!("x ; {marker}");
    parse_requirement(&probe, RequirementKind::Run, 0)
        .map(|r| r.marker)
        .map_err(|e| {
            (
                format!("invalid marker: {}", e.message),
                offset + e.offset.saturating_sub(4),
            )
        })
}

/// pip's `convert_extras`.
fn convert_extras(extras: Option<&str>) -> Result<Vec<String>, String> {
    let Some(extras) = extras else {
        return Ok(Vec::new());
    };
    parse_requirement(
        &format!("placeholder{}", extras.to_lowercase()),
        RequirementKind::Run,
        0,
    )
    .map(|r| r.extras)
    .map_err(|e| format!("invalid extras {extras}: {}", e.message))
}

fn unnamed(raw: &str, url: &str, kind: &RequirementKind, line: u32) -> Requirement {
    Requirement {
        raw: raw.to_owned(),
        name: String::new(),
        spec: String::new(),
        extras: Vec::new(),
        marker: None,
        url: Some(url.to_owned()),
        kind: kind.clone(),
        line,
    }
}

/// A requirement named by a wheel file name, an `#egg=` fragment or an sdist file name.
fn named_by_file(
    raw: &str,
    url: &str,
    filename: &str,
    egg: Option<&str>,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, String> {
    let mut req = if pip_ext(filename) == ".whl" {
        let text = wheel_requirement(filename)?;
        pep508(&text, kind, line).map_err(|_| format!("invalid wheel filename: '{filename}'"))?
    } else if let Some(egg) = egg {
        pep508(egg, kind, line).map_err(|(m, _)| m)?
    } else if let Some(name) = sdist_name(filename) {
        let mut req = unnamed(raw, url, kind, line);
        name.clone_into(&mut req.name);
        req
    } else {
        unnamed(raw, url, kind, line)
    };
    raw.clone_into(&mut req.raw);
    req.url = Some(url.to_owned());
    req.marker = None;
    Ok(req)
}

/// One non-editable requirement line (pip's `parse_req_from_line`).
fn requirement_from_line(
    args: &str,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, Fault> {
    let url_like = is_url(args);
    let separator = if url_like { "; " } else { ";" };
    let found = if url_like {
        args.find(separator)
    } else {
        args.find(';')
    };
    let (name_part, marker) = match found {
        Some(i) => {
            let after = args.get(i + separator.len()..).unwrap_or("");
            let lead = after.len() - after.trim_start_matches(py_space).len();
            (
                args.get(..i).unwrap_or(""),
                Some((after.trim_matches(py_space), i + separator.len() + lead)),
            )
        }
        None => (args, None),
    };
    let marker_text = marker.map_or("", |(m, _)| m);
    let marker_offset = marker.map_or(args.len(), |(_, o)| o);
    let lead = name_part.len() - name_part.trim_start_matches(py_space).len();
    let name = name_part.trim_matches(py_space);

    let by_file = |url: &str, filename: &str, egg: Option<&str>, extras: Option<&str>| {
        let mut req = named_by_file(args, url, filename, egg, kind, line).map_err(|m| (m, lead))?;
        let extras = convert_extras(extras).map_err(|m| (m, lead))?;
        if !extras.is_empty() {
            req.extras = extras;
        }
        req.marker = parse_marker(marker_text, marker_offset)?;
        Ok(req)
    };

    if url_like {
        return by_file(name, &url_filename(name), egg_fragment(name), None);
    }
    let (path, extras) = strip_extras(name);
    if is_archive(path) {
        let pep508_like = name
            .split_once('@')
            .is_some_and(|(before, _)| !looks_like_path(before));
        if !pep508_like {
            let filename = path.rsplit('/').next().unwrap_or(path);
            return by_file(path, filename, None, extras);
        }
    }
    let combined = if marker_text.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned([name, " ; ", marker_text].concat())
    };
    match pep508(&combined, kind, line) {
        Ok(mut req) => {
            args.clone_into(&mut req.raw);
            Ok(req)
        }
        Err(_) if looks_like_path(name) => {
            let mut req = unnamed(args, path, kind, line);
            req.extras = convert_extras(extras).map_err(|m| (m, lead))?;
            req.marker = parse_marker(marker_text, marker_offset)?;
            Ok(req)
        }
        Err((message, offset)) => {
            let at = if offset <= name.len() {
                lead + offset
            } else {
                marker_offset + offset.saturating_sub(name.len() + 3)
            };
            Err((message, at))
        }
    }
}

/// One `-e` requirement (pip's `parse_editable`).
fn requirement_from_editable(
    text: &str,
    kind: &RequirementKind,
    line: u32,
) -> Result<Requirement, String> {
    let not_editable = || {
        format!(
            "{text} is not a valid editable requirement. it should either be a path to a local \
             project or a vcs url (beginning with {})",
            VCS_SCHEMES.join(", ")
        )
    };
    let acceptable = |url: &str| {
        url.starts_with("file:")
            || url_scheme(url).is_some_and(|s| VCS_SCHEMES.contains(&s.as_str()))
    };
    // `name[extras] @ url ; marker`.
    if let Ok(mut req) = parse_requirement(text, kind.clone(), line) {
        if let Some(url) = req.url.clone() {
            if !acceptable(&url) {
                return Err(not_editable());
            }
            text.clone_into(&mut req.raw);
            return Ok(req);
        }
    }
    let (path, extras) = strip_extras(text);
    let lower = path.to_ascii_lowercase();
    let vcs_prefix = ["bzr", "git", "hg", "svn"]
        .into_iter()
        .find(|v| text.to_ascii_lowercase().starts_with(&format!("{v}:")));
    let (url, egg, extras) = if lower.starts_with("file:") {
        (path.to_owned(), egg_fragment(path), extras)
    } else if let Some(vcs) = vcs_prefix {
        (format!("{vcs}+{text}"), egg_fragment(text), None)
    } else if url_scheme(text).is_some_and(|s| s.len() > 1) {
        (text.to_owned(), egg_fragment(text), None)
    } else {
        // A local directory: pip checks that it exists; this module cannot.
        let mut req = unnamed(text, path, kind, line);
        req.extras = convert_extras(extras)?;
        return Ok(req);
    };
    if !acceptable(&url) {
        return Err(not_editable());
    }
    let mut req = match egg {
        Some(egg) => pep508(egg, kind, line).map_err(|(m, _)| m)?,
        None if url.starts_with("file:") => unnamed(text, &url, kind, line),
        None => {
            return Err(format!(
                "could not detect requirement name for '{text}', please specify one with \
                 your_package_name @ url"
            ))
        }
    };
    let extras = convert_extras(extras)?;
    if !extras.is_empty() {
        req.extras = extras;
    }
    text.clone_into(&mut req.raw);
    req.url = Some(url);
    Ok(req)
}

// ---------------------------------------------------------------------------------------------
// Files.

/// Reads one requirements file; includes are listed in [`RequirementsFile::includes`], not
/// followed. `env` supplies environment variables for `${VAR}`.
pub fn parse_requirements_txt(
    path: &str,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RequirementsFile, ParseError> {
    parse_requirements_txt_as(path, bytes, env, false)
}

/// Physical lines joined and read as one job: enough to outweigh handing it to a thread.
const RUN_LINES: usize = 512;

/// Runs read before their results are added: enough to share among threads, few enough that
/// the lines' results stay in cache.
const RUNS_AT_ONCE: usize = 8;

/// What one logical line adds to a file.
enum LineOutcome<'a> {
    /// A syntax error: the message and the file offset it points at.
    Fault(String, usize),
    /// `-r` / `-c`.
    Include(Include),
    /// Options that apply to the whole file.
    Globals(Vec<GlobalOption>),
    /// A requirement and its options (`requirement` is set when it is added).
    Requirement(Requirement, LineOptions),
    /// A line that may hold a variable, to expand and read on the caller's thread.
    Unexpanded(Mapped<'a>),
}

/// Reads one logical line; pure, so lines can be read on any thread.
fn read_logical_line<'a>(
    logical: &Mapped<'_>,
    path: &str,
    text: &str,
    lines: &Lines,
    kind: &RequirementKind,
) -> LineOutcome<'a> {
    let line = logical.line;
    let (args, options, options_at) = match options_start(&logical.text) {
        Some(at) => (
            logical.text.get(..at.saturating_sub(1)).unwrap_or(""),
            logical.text.get(at..).unwrap_or(""),
            at,
        ),
        None => (&*logical.text, "", logical.text.len()),
    };
    let opts = match parse_options(options) {
        Ok(opts) => opts,
        Err((message, at)) => return LineOutcome::Fault(message, logical.at(options_at + at)),
    };
    let editable = opts.first(Dest::Editable);
    if args.is_empty() && editable.is_none() {
        let include = opts
            .first(Dest::Requirement)
            .map(|v| (IncludeKind::Requirements, v))
            .or_else(|| {
                opts.first(Dest::Constraint)
                    .map(|v| (IncludeKind::Constraints, v))
            });
        if let Some((kind, (written, at))) = include {
            let (_, column, _) = lines.position(text, logical.at(options_at + at));
            return LineOutcome::Include(Include {
                kind,
                path: resolve_include(path, written),
                written: written.to_owned(),
                line,
                column,
            });
        }
        let globals = opts
            .values
            .iter()
            .filter(|(dest, ..)| matches!(dest, Dest::Global | Dest::Binary | Dest::Feature))
            .map(|(_, name, value, _)| GlobalOption {
                name: (*name).to_owned(),
                value: value.clone(),
                line,
            })
            .collect();
        return LineOutcome::Globals(globals);
    }
    let result = match (args.is_empty(), editable) {
        (true, Some((value, at))) => {
            requirement_from_editable(value, kind, line).map_err(|m| (m, options_at + at))
        }
        (false, Some(_)) => requirement_from_editable(args, kind, line).map_err(|m| (m, 0)),
        _ => requirement_from_line(args, kind, line),
    };
    let mut requirement = match result {
        Ok(requirement) => requirement,
        Err((message, at)) => return LineOutcome::Fault(message, logical.at(at)),
    };
    let trimmed = requirement.raw.trim_matches(py_space);
    if trimmed.len() != requirement.raw.len() {
        requirement.raw = trimmed.to_owned();
    }
    let mut line_options = LineOptions {
        requirement: 0,
        line,
        editable: editable.is_some(),
        ..LineOptions::default()
    };
    for (dest, name, value, _) in &opts.values {
        match dest {
            Dest::Editable => {}
            Dest::Hash if editable.is_none() => line_options.hashes.push(value.clone()),
            _ if value.is_empty() => line_options.other.push((*name).to_owned()),
            _ => line_options.other.push(format!("{name}={value}")),
        }
    }
    LineOutcome::Requirement(requirement, line_options)
}

/// [`parse_requirements_txt`], reading a constraints file (`-c`) when `constraint` is true:
/// its requirements get [`RequirementKind::Constraint`].
pub fn parse_requirements_txt_as(
    path: &str,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
    constraint: bool,
) -> Result<RequirementsFile, ParseError> {
    let format = Some(Format::RequirementsTxt);
    let text = decode_utf8(bytes).map_err(|offset| {
        let valid = bytes
            .get(..offset)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
        let valid_lines = Lines::new(valid);
        let (line, column) = if valid.is_empty() || valid.ends_with(is_line_break) {
            (to_u32(valid_lines.spans.len() + 1), 1)
        } else {
            let (line, column, _) = valid_lines.position(valid, valid.len());
            (line, column)
        };
        let mut err = ParseError::whole(
            path,
            format,
            ErrorKind::Encoding,
            format!("invalid UTF-8 at byte {offset}: expected UTF-8 text"),
        );
        err.info.line = line;
        err.info.column = column;
        err
    })?;
    let kind = if constraint {
        RequirementKind::Constraint
    } else {
        RequirementKind::Run
    };
    let lines = Lines::new(text);
    // Most lines are requirements: size the lists once.
    let mut record = Record::new(path, Format::RequirementsTxt);
    record.requirements.reserve_exact(lines.spans.len());
    let mut file = RequirementsFile {
        record,
        options: Vec::with_capacity(lines.spans.len()),
        global: Vec::new(),
        includes: Vec::new(),
        items: Vec::with_capacity(lines.spans.len()),
        errors: Vec::new(),
        error_lines: Vec::new(),
    };
    let fault = |file: &mut RequirementsFile, message: String, at: usize| {
        let (line, column, source) = lines.position(text, at);
        let info = ErrorInfo {
            kind: ErrorKind::Syntax,
            message,
            line,
            column,
        };
        if file.record.error.is_none() {
            file.record.status = Status::Error;
            file.record.error = Some(info.clone());
        }
        file.errors.push(info);
        file.error_lines.push(source.to_owned());
    };

    // Runs of physical lines are joined and read on a pool, a few at a time and in order, so a
    // large file uses every core with bounded memory. Variables are expanded on this thread
    // (`env` need not be shareable); lines that may hold one come back unread.
    let runs = runs(text, &lines.spans, RUN_LINES);
    for group in runs.chunks(RUNS_AT_ONCE) {
        let read = crate::parallel::map_in_pool(group, 1, |&(first, end)| {
            let spans = lines.spans.get(first..end).unwrap_or_default();
            let mut read = Vec::with_capacity(spans.len());
            read.extend(LogicalLines::new(text, spans, first).map(|logical| {
                match may_expand(&logical) {
                    true => LineOutcome::Unexpanded(logical),
                    false => read_logical_line(&logical, path, text, &lines, &kind),
                }
            }));
            read
        });
        for outcome in read.into_iter().flatten() {
            let outcome = match outcome {
                LineOutcome::Unexpanded(logical) => {
                    let logical = expand_env(logical, env);
                    read_logical_line(&logical, path, text, &lines, &kind)
                }
                outcome => outcome,
            };
            match outcome {
                LineOutcome::Fault(message, at) => fault(&mut file, message, at),
                LineOutcome::Include(include) => {
                    file.items.push(Item::Include(file.includes.len()));
                    file.includes.push(include);
                }
                LineOutcome::Globals(globals) => file.global.extend(globals),
                LineOutcome::Requirement(requirement, mut line_options) => {
                    line_options.requirement = file.record.requirements.len();
                    file.items
                        .push(Item::Requirement(file.record.requirements.len()));
                    file.record.requirements.push(requirement);
                    file.options.push(line_options);
                }
                LineOutcome::Unexpanded(_) => {}
            }
        }
    }
    Ok(file)
}

/// pip's `SCHEME_RE`: `^(http|https|file):`, case-insensitive.
fn is_remote(path: &str) -> bool {
    let lower = path.get(..6).unwrap_or(path).to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("file:")
}

/// `/`-separated normalisation: drops `.` and empty segments, folds `..`.
fn normalise(path: &str) -> String {
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

/// Where an include points, seen from the file `from`.
fn resolve_include(from: &str, written: &str) -> String {
    if is_remote(from) {
        if is_url(written) || is_remote(written) {
            return written.to_owned();
        }
        let base = from.split(['?', '#']).next().unwrap_or(from);
        if written.starts_with('/') {
            let origin_end = base
                .find("://")
                .and_then(|i| {
                    base.get(i + 3..)
                        .and_then(|r| r.find('/'))
                        .map(|j| i + 3 + j)
                })
                .unwrap_or(base.len());
            return format!("{}{written}", base.get(..origin_end).unwrap_or(base));
        }
        let dir = base.rfind('/').and_then(|i| base.get(..=i)).unwrap_or(base);
        return format!("{dir}{written}");
    }
    if is_remote(written) {
        return written.to_owned();
    }
    if written.starts_with('/') {
        return normalise(written);
    }
    match from.rfind('/') {
        Some(i) => normalise(&format!("{}/{written}", from.get(..i).unwrap_or(""))),
        None => normalise(written),
    }
}

/// Follows includes from `root`, in pip's order: every file's lines in file order, an
/// included file's lines at the point of its `-r` or `-c`. Requirements of constraints files
/// get [`RequirementKind::Constraint`]. `load` is the caller's I/O (`None`: no such file).
///
/// A cycle (a file including one that is already open up the chain) and a missing include
/// are errors; a bad line is not: it is the record's error and the rest is read.
pub fn resolve_requirements(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Record, ParseError> {
    resolve(root, load, env, false).map(|r| r.record)
}

/// The most files [`resolve_requirements`] reads (diamond-shaped includes are read again at
/// each place they are included, as pip does).
pub const MAX_FILES: usize = 10_000;

/// [`resolve_requirements`], with where each requirement came from, its options, the global
/// options and every bad line.
pub fn resolve_requirements_detailed(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ParseError> {
    resolve(root, load, env, true)
}

fn resolve(
    root: &str,
    load: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &dyn Fn(&str) -> Option<String>,
    detailed: bool,
) -> Result<Resolved, ParseError> {
    let Some(bytes) = load(root) else {
        return Err(ParseError::whole(
            root,
            Some(Format::RequirementsTxt),
            ErrorKind::InvalidValue,
            format!("expected a requirements file at {root}, found none"),
        ));
    };
    let mut resolved = Resolved {
        record: Record::new(root, Format::RequirementsTxt),
        sources: Vec::new(),
        options: Vec::new(),
        global: Vec::new(),
        errors: Vec::new(),
    };
    let mut walk = Walk {
        root,
        load,
        env,
        chain: vec![normalise(root)],
        files: 1,
        detailed,
        out: &mut resolved,
    };
    walk.file(root, &bytes, false)?;
    Ok(resolved)
}

struct Walk<'a> {
    root: &'a str,
    load: &'a mut dyn FnMut(&str) -> Option<Vec<u8>>,
    env: &'a dyn Fn(&str) -> Option<String>,
    chain: Vec<String>,
    files: usize,
    /// Whether `out.sources` and `out.options` are wanted, or only `out.record`.
    detailed: bool,
    out: &'a mut Resolved,
}

impl Walk<'_> {
    fn file(&mut self, path: &str, bytes: &[u8], constraint: bool) -> Result<(), ParseError> {
        let parsed = parse_requirements_txt_as(path, bytes, self.env, constraint)?;
        for info in &parsed.errors {
            if self.out.record.error.is_none() {
                let mut first = info.clone();
                if path != self.root {
                    first.message = format!("{path}: {}", first.message);
                }
                self.out.record.status = Status::Error;
                self.out.record.error = Some(first);
            }
            self.out.errors.push((path.to_owned(), info.clone()));
        }
        self.out
            .global
            .extend(parsed.global.iter().map(|g| (path.to_owned(), g.clone())));
        if !self.detailed && parsed.includes.is_empty() {
            // Only the requirements are wanted and there is nothing to splice in: move them.
            if self.out.record.requirements.is_empty() {
                self.out.record.requirements = parsed.record.requirements;
            } else {
                self.out
                    .record
                    .requirements
                    .extend(parsed.record.requirements);
            }
            return Ok(());
        }
        // Items list requirements in the order they were pushed: take them by value.
        let mut requirements = parsed.record.requirements.into_iter();
        let mut options = parsed.options.into_iter();
        for item in &parsed.items {
            match *item {
                Item::Requirement(_) => {
                    let (Some(req), Some(mut opts)) = (requirements.next(), options.next()) else {
                        continue;
                    };
                    if self.detailed {
                        opts.requirement = self.out.record.requirements.len();
                        self.out.sources.push(Source {
                            path: path.to_owned(),
                            line: req.line,
                        });
                        self.out.options.push(opts);
                    }
                    self.out.record.requirements.push(req);
                }
                Item::Include(i) => {
                    let Some(include) = parsed.includes.get(i) else {
                        continue;
                    };
                    self.include(path, include, bytes)?;
                }
            }
        }
        Ok(())
    }

    fn include(&mut self, from: &str, include: &Include, bytes: &[u8]) -> Result<(), ParseError> {
        let source_line = decode_utf8(bytes)
            .ok()
            .and_then(|text| {
                let lines = Lines::new(text);
                let (start, end) = *lines.spans.get(include.line.saturating_sub(1) as usize)?;
                text.get(start..end).map(str::to_owned)
            })
            .unwrap_or_default();
        let error = |kind: ErrorKind, message: String| ParseError {
            path: from.to_owned(),
            format: Some(Format::RequirementsTxt),
            info: ErrorInfo {
                kind,
                message,
                line: include.line,
                column: include.column,
            },
            source_line: source_line.clone(),
        };
        let key = include.path.clone();
        if self.chain.contains(&key) {
            let mut chain = self.chain.clone();
            chain.push(key);
            return Err(error(
                ErrorKind::InvalidValue,
                format!("include cycle: {}", chain.join(" -> ")),
            ));
        }
        self.files += 1;
        if self.files > MAX_FILES {
            return Err(error(
                ErrorKind::TooLarge,
                format!("expected at most {MAX_FILES} included files, found more"),
            ));
        }
        let Some(content) = (self.load)(&key) else {
            return Err(error(
                ErrorKind::InvalidValue,
                format!("expected a requirements file at {key}, found none"),
            ));
        };
        self.chain.push(key.clone());
        let result = self.file(&key, &content, include.kind == IncludeKind::Constraints);
        self.chain.pop();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse(text: &str) -> RequirementsFile {
        parse_requirements_txt("dir/requirements.txt", text.as_bytes(), &no_env).unwrap()
    }

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

    /// A file long enough to be read in parallel runs gives the same result on a pool as on
    /// the calling thread: requirements, options, includes, globals, variables and errors, in
    /// order, with continuations that cross where runs would end.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_large_file_reads_the_same_on_a_pool() {
        let lines = 3 * RUN_LINES * RUNS_AT_ONCE + 17;
        let mut text = String::new();
        for i in 0..lines {
            text.push_str(&match i % 11 {
                0 => format!("pkg{i} >= {i}.0 ; python_version < \"3.{}\"\n", i % 13),
                1 => format!("-r more{i}.txt\n"),
                2 => "--index-url https://example.invalid/simple\n".to_owned(),
                3 => format!("bad{i} ===\n"),
                4 => format!("pkg{i}[a,b]==1.{i} --hash=sha256:{i:064x} \\\n  --hash=sha256:00\n"),
                5 => format!("-e ./local{i}\n"),
                6 => "# a comment \\\n".to_owned(),
                7 => format!("name{i} @ https://example.invalid/n-{i}.whl\n"),
                8 => format!("${{PKG}}{i} == ${{VERSION}} ; extra == '${{UNSET}}'\n"),
                9 if i % 700 == 9 => "long\\\n".repeat(RUN_LINES + 3) + "==1\n",
                _ => "--unknown-option\n".to_owned(),
            });
        }
        let env = |name: &str| match name {
            "PKG" => Some("from-env".to_owned()),
            "VERSION" => Some("2.0".to_owned()),
            _ => None,
        };
        let read =
            || parse_requirements_txt("dir/requirements.txt", text.as_bytes(), &env).unwrap();
        let serial = read();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let pooled = pool.install(read);
        assert!(serial.record.requirements.len() > RUN_LINES * RUNS_AT_ONCE);
        assert!(!serial.errors.is_empty() && !serial.includes.is_empty());
        assert!(serial
            .record
            .requirements
            .iter()
            .any(|r| r.name == "from-env8" && r.spec == "==2.0"));
        assert!(serial
            .record
            .requirements
            .iter()
            .any(|r| r.name.starts_with("longlong")));
        assert_eq!(serial, pooled);
    }

    fn names(file: &RequirementsFile) -> Vec<&str> {
        file.record
            .requirements
            .iter()
            .map(|r| r.name.as_str())
            .collect()
    }

    #[test]
    fn requirements_comments_and_blank_lines() {
        let f = parse("# top\n\nrequests>=2 # why\n  flask  \nidna#frag\n\t# tab comment\n");
        assert_eq!(names(&f), vec!["requests", "flask"]);
        assert_eq!(f.record.requirements[0].raw, "requests>=2");
        assert_eq!(f.record.requirements[0].line, 3);
        // `idna#frag` is one token: not a comment, not valid PEP 508.
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].line, 5);
        assert_eq!(f.record.status, Status::Error);
    }

    #[test]
    fn url_fragments_are_not_comments() {
        let f = parse("git+https://example.com/r.git#egg=foo\nhttps://x.com/p.zip #egg=bar\n");
        assert_eq!(names(&f), vec!["foo", ""]);
        assert_eq!(
            f.record.requirements[1].url.as_deref(),
            Some("https://x.com/p.zip")
        );
    }

    #[test]
    fn continuations() {
        let f = parse("requests \\\n  >=2 \\\n  ,<3\nsix\\\n# comment ends it\nattrs \\");
        assert_eq!(names(&f), vec!["requests", "six", "attrs"]);
        assert_eq!(f.record.requirements[0].line, 1);
        assert_eq!(f.record.requirements[1].line, 4);
        assert_eq!(f.record.requirements[2].line, 6);
        // A comment that ends in a backslash swallows the next line.
        let f = parse("flask # note \\\nswallowed\nsix\n");
        assert_eq!(names(&f), vec!["flask", "six"]);
    }

    #[test]
    fn crlf_bom_and_tabs() {
        let f = parse("\u{feff}requests>=2\r\nflask \\\r\n ; python_version >= '3.8'\r\n\tsix\r\n");
        assert_eq!(names(&f), vec!["requests", "flask", "six"]);
        assert!(f.record.requirements[1].marker.is_some());
        assert_eq!(f.record.requirements[2].line, 4);
        // Only spaces separate options: a tab glues `--hash` to the requirement.
        let f = parse("foo\t--hash=sha256:abc\n");
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn hashes_on_continuation_lines() {
        let f = parse(
            "urllib3==2.2.1 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\nidna --hash sha512:c\n",
        );
        assert_eq!(f.options[0].hashes, vec!["sha256:aaa", "sha256:bbb"]);
        assert_eq!(f.options[1].hashes, vec!["sha512:c"]);
        assert_eq!(f.record.requirements[0].raw, "urllib3==2.2.1");
        assert_eq!(f.record.requirements[0].spec, "==2.2.1");
        let f = parse("foo --hash=md5:abc\n");
        assert!(f.errors[0].message.contains("allowed hash algorithms"));
    }

    #[test]
    fn includes_are_resolved_against_the_file() {
        let f = parse(
            "-r base.txt\n--requirement=../shared/x.txt\n-c \"with space.txt\"\n-rsub/./a/../b.txt\n-r https://e.com/r.txt\n",
        );
        let paths: Vec<&str> = f.includes.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "dir/base.txt",
                "shared/x.txt",
                "dir/with space.txt",
                "dir/sub/b.txt",
                "https://e.com/r.txt"
            ]
        );
        assert_eq!(f.includes[2].kind, IncludeKind::Constraints);
        assert_eq!(f.includes[1].line, 2);
        assert_eq!(resolve_include("a/b/c.txt", "../../../x"), "../x");
    }

    #[test]
    fn editables() {
        let f = parse(
            "-e ./pkg[dev]\n-e git+https://g.com/f.git@1.0#egg=flask\n--editable=git:https://g.com/r#egg=r\n-e \"x @ git+https://g.com/x\"\n",
        );
        assert_eq!(names(&f), vec!["", "flask", "r", "x"]);
        assert!(f.options.iter().all(|o| o.editable));
        assert_eq!(f.record.requirements[0].extras, vec!["dev"]);
        assert_eq!(
            f.record.requirements[2].url.as_deref(),
            Some("git+git:https://g.com/r#egg=r")
        );
        let f = parse("-e git+https://g.com/noname.git\n-e https://e.com/x.zip#egg=x\n");
        assert_eq!(f.errors.len(), 2);
        assert!(f.errors[0]
            .message
            .contains("could not detect requirement name"));
    }

    #[test]
    fn global_options() {
        let f = parse(
            "-i https://a/simple\n--extra-index-url https://b/simple\n--no-index\n-f ./wheels\n--pre\n--only-binary=:all:\n--no-binary numpy\n--prefer-binary\n--require-hashes\n--trusted-host h\n--use-feature fast-deps\n--pypi-url=https://c\n",
        );
        let got: Vec<(&str, &str)> = f
            .global
            .iter()
            .map(|g| (g.name.as_str(), g.value.as_str()))
            .collect();
        assert_eq!(got.len(), 12);
        assert_eq!(got[0], ("--index-url", "https://a/simple"));
        assert_eq!(got[2], ("--no-index", ""));
        assert_eq!(got[11], ("--index-url", "https://c"));
        assert!(f.errors.is_empty());
    }

    #[test]
    fn unknown_and_bad_options_mirror_pip() {
        let f = parse("--foo\nsix --bar\n-x\n--pre=1\n-r\n--pr\n--use-feature=nope\nok\n");
        let messages: Vec<&str> = f.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages[0], "no such option: --foo");
        assert_eq!(messages[1], "no such option: --bar");
        assert_eq!(messages[2], "no such option: -x");
        assert_eq!(messages[3], "--pre option does not take a value");
        assert_eq!(messages[4], "-r option requires 1 argument");
        assert_eq!(
            messages[5],
            "ambiguous option: --pr (--pre, --prefer-binary?)"
        );
        assert!(messages[6].starts_with("option --use-feature: invalid choice"));
        assert_eq!(names(&f), vec!["ok"]);
        assert_eq!((f.errors[1].line, f.errors[1].column), (2, 5));
    }

    #[test]
    fn pep508_urls_paths_and_markers() {
        let f = parse(
            "pip @ https://e.com/pip.zip ; python_version >= '3.8'\nhttps://e.com/requests-2.31.0-py3-none-any.whl; sys_platform == 'linux'\n./w/foo_bar-1.2-py3-none-any.whl\n./dist/mylib-0.4.0.tar.gz\n./src/pkg[x]\nfile:///tmp/x\nhttps://e.com/a.whl;b\n",
        );
        let r = &f.record.requirements;
        assert_eq!(
            names(&f),
            vec!["pip", "requests", "foo_bar", "mylib", "", "", ""]
        );
        assert!(r[0].marker.is_some() && r[1].marker.is_some());
        assert_eq!(r[1].spec, "==2.31.0");
        assert_eq!(r[4].url.as_deref(), Some("./src/pkg"));
        assert_eq!(r[4].extras, vec!["x"]);
        // No space after `;`: part of the URL.
        assert_eq!(r[6].url.as_deref(), Some("https://e.com/a.whl;b"));
        assert!(r[6].marker.is_none());
    }

    #[test]
    fn environment_variables() {
        let vars: HashMap<&str, &str> = [("VER", "2.0"), ("EMPTY", ""), ("HASH", "#x")].into();
        let env = |k: &str| vars.get(k).map(|v| (*v).to_owned());
        let text = "a==${VER}\nb${UNSET}\nc${EMPTY}\nd==$VER\ne${ver}\nf @ https://e.com/${HASH}\n";
        let f = parse_requirements_txt("r.txt", text.as_bytes(), &env).unwrap();
        assert_eq!(names(&f), vec!["a", "f"]);
        assert_eq!(f.record.requirements[0].spec, "==2.0");
        assert_eq!(f.record.requirements[0].raw, "a==2.0");
        // A `#` brought in by a variable is not a comment.
        assert_eq!(
            f.record.requirements[1].url.as_deref(),
            Some("https://e.com/#x")
        );
        assert_eq!(f.errors.len(), 4);
        assert_eq!((f.errors[0].line, f.errors[0].column), (2, 2));
    }

    #[test]
    fn errors_point_into_the_physical_line() {
        let f = parse("ok\nfoo >= \\\n  1.0 <2\n");
        assert_eq!(f.errors.len(), 1);
        // pep508_rs points at the specifier, on the first physical line.
        assert_eq!((f.errors[0].line, f.errors[0].column), (2, 5));
        assert_eq!(f.error_lines[0], "foo >= \\");
        let f = parse("ok\nfoo \\\n  ; python_version >< '3'\n");
        assert_eq!(
            (f.errors[0].line, f.error_lines[0].as_str()),
            (3, "  ; python_version >< '3'")
        );
    }

    #[test]
    fn invalid_utf8_is_a_hard_error() {
        let err = parse_requirements_txt("r.txt", b"ok\nfo\xffo\n", &no_env).unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Encoding);
        assert_eq!((err.info.line, err.info.column), (2, 3));
    }

    fn files(list: &[(&str, &str)]) -> HashMap<String, Vec<u8>> {
        list.iter()
            .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn resolve_follows_includes_in_pip_order() {
        let fs = files(&[
            ("req/main.txt", "a\n-r sub/base.txt\nb\n-c ../cons.txt\nc\n"),
            ("req/sub/base.txt", "x\n"),
            ("cons.txt", "a<2\n-r req/sub/base.txt\n"),
        ]);
        let mut load = |p: &str| fs.get(p).cloned();
        let r = resolve_requirements_detailed("req/main.txt", &mut load, &no_env).unwrap();
        let got: Vec<(&str, String, &str)> = r
            .record
            .requirements
            .iter()
            .zip(&r.sources)
            .map(|(q, s)| (q.name.as_str(), q.kind.to_string(), s.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", "run".into(), "req/main.txt"),
                ("x", "run".into(), "req/sub/base.txt"),
                ("b", "run".into(), "req/main.txt"),
                ("a", "constraint".into(), "cons.txt"),
                ("x", "run".into(), "req/sub/base.txt"),
                ("c", "run".into(), "req/main.txt"),
            ]
        );
        assert_eq!(r.record.path, "req/main.txt");
    }

    #[test]
    fn a_cycle_is_an_error_naming_the_chain() {
        let fs = files(&[("a.txt", "x\n-r b.txt\n"), ("b.txt", "-r a.txt\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let err = resolve_requirements("a.txt", &mut load, &no_env).unwrap_err();
        assert_eq!(err.info.message, "include cycle: a.txt -> b.txt -> a.txt");
        assert_eq!((err.path.as_str(), err.info.line), ("b.txt", 1));
    }

    #[test]
    fn a_missing_include_is_an_error_at_its_line() {
        let fs = files(&[("a.txt", "x\n\n-r  nope.txt\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let err = resolve_requirements("a.txt", &mut load, &no_env).unwrap_err();
        assert_eq!((err.info.line, err.info.column), (3, 1));
        assert!(err.info.message.contains("nope.txt"));
        assert_eq!(err.source_line, "-r  nope.txt");
    }

    #[test]
    fn bad_lines_in_included_files_name_the_file() {
        let fs = files(&[("a.txt", "-r b.txt\nok\n"), ("b.txt", "bad==\n")]);
        let mut load = |p: &str| fs.get(p).cloned();
        let r = resolve_requirements("a.txt", &mut load, &no_env).unwrap();
        assert_eq!(r.status, Status::Error);
        assert!(r.error.unwrap().message.starts_with("b.txt: "));
        assert_eq!(r.requirements.len(), 1);
    }

    #[test]
    fn shlex_quirks() {
        assert_eq!(
            shlex_split(r#"a 'b c' "d\"e" f\ g"#).unwrap(),
            vec![
                ("a".into(), 0),
                ("b c".into(), 2),
                ("d\"e".into(), 8),
                ("f g".into(), 15)
            ]
        );
        assert!(shlex_split("'open").is_err());
        assert!(shlex_split("end\\").is_err());
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "\\",
            "\\\\\\",
            "-",
            "--",
            "-e",
            "#",
            " # \\",
            "${",
            "${A",
            "${}",
            "\r",
            "\r\n\\",
            "é\\\n\u{2028}x",
            "-r\u{85}",
            "foo[",
            "foo]",
            "[x]",
            "./[x]",
            "@",
            "a @",
            ";",
            "; ",
            "https://",
            "file:",
            "x.whl",
            "-e [x]",
            "-e file:#egg=",
            "--hash=",
            "-C=",
            "'\"",
            "-ré",
            "--=x",
            "\u{feff}",
            "a\x1cb",
            "https://a/b-c.whl",
            "-e git:",
        ];
        for input in inputs {
            let _ = parse_requirements_txt("p", input.as_bytes(), &no_env);
            let mut load = |_: &str| Some(input.as_bytes().to_vec());
            let _ = resolve_requirements("p", &mut load, &no_env);
        }
    }
}
