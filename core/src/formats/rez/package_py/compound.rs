//! Compound statements (`def`, `class`, `if`, `for`, `while`, `try`, `with`, decorators):
//! their headers are found and their bodies skipped by indentation without being parsed;
//! only strings, comments, brackets and `\` are tracked to find where a body ends.

use super::bindings::State;
use super::lexer::{is_ident_char, is_keyword, Tok};
use super::python3::check_block;
use super::strings::raw_string_span;
use super::{is_field, is_nl, Function, Parser, PyError};
use crate::text::Fault;

/// What [`scan_logical_line`] stopped at, outside strings, comments and brackets.
enum Stop {
    /// A line end at bracket depth 0: where it is, and the position after it.
    LineEnd { at: usize, next: usize },
    /// A `:` (not `:=`) at bracket depth 0: the position after it.
    Colon(usize),
    /// The end of the input, reached at this position.
    EndOfFile(usize),
}

/// Scans from `i` over strings, comments, `\` continuations and brackets (line ends inside
/// brackets do not count) to the first line end at depth 0, or the first `:` at depth 0 when
/// `colon` is set. The one scanner behind [`raw_line_end`] and [`raw_find_colon`].
#[inline]
fn scan_logical_line(src: &[u8], mut i: usize, colon: bool) -> Result<Stop, Fault> {
    let mut depth = 0u32;
    loop {
        let Some(&b) = src.get(i) else {
            return Ok(Stop::EndOfFile(i));
        };
        match b {
            b'#' => {
                while i < src.len() && !is_nl(src[i]) {
                    i += 1;
                }
            }
            b'\\' => {
                i += 1;
                if src.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if src.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\'' | b'"' => i = raw_string_span(src, i)?.2,
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b':' if colon && depth == 0 && src.get(i + 1) != Some(&b'=') => {
                return Ok(Stop::Colon(i + 1))
            }
            b'\n' | b'\r' if depth == 0 => {
                let at = i;
                i += 1;
                if b == b'\r' && src.get(i) == Some(&b'\n') {
                    i += 1;
                }
                return Ok(Stop::LineEnd { at, next: i });
            }
            _ => i += 1,
        }
    }
}

/// End of the logical line starting at `i` (position after its newline).
///
/// ```text
/// logical_line = {string | "#" comment | "\" line_end | bracket | any} line_end
/// (line ends inside brackets do not end it)
/// ```
fn raw_line_end(src: &[u8], i: usize) -> Result<usize, Fault> {
    Ok(match scan_logical_line(src, i, false)? {
        Stop::LineEnd { next, .. } | Stop::Colon(next) => next,
        Stop::EndOfFile(_) => src.len(),
    })
}

/// Position just after the `:` ending a compound statement header.
///
/// `header = {string | "#" comment | "\" line_end | bracket | ":=" | any} ":"`
fn raw_find_colon(src: &[u8], i: usize) -> Result<usize, Fault> {
    match scan_logical_line(src, i, true)? {
        Stop::Colon(next) => Ok(next),
        Stop::LineEnd { at, .. } => Err(Fault::at(at, "expected ':', found newline")),
        Stop::EndOfFile(at) => Err(Fault::at(at, "expected ':', found end of file")),
    }
}

/// A logical line of a skipped body: (start of content, end, indentation).
type BodyLine = (usize, usize, usize);

/// Skip the body of a compound statement whose header ends at `i` (just after
/// the colon). Returns the position of the first line after the body.
///
/// ```text
/// body = logical_line
///      | line_end {blank_line} indented_line {blank_line | indented_line}
/// ```
fn raw_skip_body(
    src: &[u8],
    mut i: usize,
    mut lines: Option<&mut Vec<BodyLine>>,
) -> Result<usize, Fault> {
    while matches!(src.get(i), Some(b' ' | b'\t' | 0x0c)) {
        i += 1;
    }
    match src.get(i) {
        None => return Err(Fault::at(i, "expected indented block, found end of file")),
        Some(b'#' | b'\n' | b'\r') => {
            while i < src.len() && !is_nl(src[i]) {
                i += 1;
            }
            if src.get(i) == Some(&b'\r') {
                i += 1;
            }
            if src.get(i) == Some(&b'\n') {
                i += 1;
            }
        }
        Some(_) => {
            let e = raw_line_end(src, i)?;
            if let Some(l) = lines.as_deref_mut() {
                l.push((i, e, 1));
            }
            return Ok(e);
        }
    }
    let mut found = false;
    loop {
        let line_start = i;
        let mut indent = 0usize;
        let mut j = i;
        while let Some(&b) = src.get(j) {
            match b {
                b' ' | b'\t' => indent += 1,
                0x0c => indent = 0,
                _ => break,
            }
            j += 1;
        }
        match src.get(j) {
            None => {
                if !found {
                    return Err(Fault::at(j, "expected indented block, found end of file"));
                }
                return Ok(src.len());
            }
            Some(b'#' | b'\n' | b'\r') => {
                while j < src.len() && !is_nl(src[j]) {
                    j += 1;
                }
                if src.get(j) == Some(&b'\r') {
                    j += 1;
                }
                if src.get(j) == Some(&b'\n') {
                    j += 1;
                }
                i = j;
            }
            Some(_) => {
                if indent == 0 {
                    if !found {
                        return Err(Fault::at(
                            j,
                            "expected indented block, found unindented line",
                        ));
                    }
                    return Ok(line_start);
                }
                found = true;
                let e = raw_line_end(src, j)?;
                if let Some(l) = lines.as_deref_mut() {
                    l.push((j, e, indent));
                }
                i = e;
            }
        }
    }
}

impl<'a> Parser<'a> {
    /// A compound statement: the header is noted and the body skipped without being parsed.
    ///
    /// ```text
    /// compound_stmt = {decorator} ("def" | "class" | "async" "def") NAME header ":" body
    ///               | ["async"] ("for" | "with") header ":" body
    ///               | ("if" | "elif" | "else" | "while" | "try" | "except" | "finally")
    ///                 header ":" body
    /// decorator     = "@" {any} line_end
    /// ```
    pub(super) fn compound(&mut self, kw: &'a str, start: usize) -> Result<(), Box<PyError>> {
        let src = self.lx.src;
        let mut decorators: Vec<String> = Vec::new();
        let mut kw = kw;
        let mut def_start = start;
        if kw == "@" {
            loop {
                // lexer is just after '@'
                let from = self.lx.pos;
                let end = self.raw(raw_line_end(src, from))?;
                let text = strip_comment(self.lx.text.get(from..end).unwrap_or(""));
                decorators.push(format!("@{}", text.trim()));
                self.lx.pos = end;
                self.lx.depth = 0;
                match self.skip_blank() {
                    None => {
                        self.tok = self.lx.next()?;
                        return Err(self.expected("'def' or 'class' after decorator"));
                    }
                    Some(0) => {}
                    Some(_) => {
                        return Err(self.err_at(
                            self.lx.pos,
                            "expected statement at column 1, found indent".to_string(),
                        ))
                    }
                }
                self.tok = self.lx.next()?;
                def_start = self.tok.start;
                if self.is_op("@") {
                    continue;
                }
                match self.tok.tok {
                    Tok::Name(n @ ("def" | "class" | "async")) => {
                        kw = n;
                        break;
                    }
                    _ => return Err(self.expected("'def' or 'class' after decorator")),
                }
            }
        }
        if kw == "async" {
            self.bump()?;
            match self.tok.tok {
                Tok::Name(n @ ("def" | "for" | "with")) => kw = n,
                _ => return Err(self.expected("'def', 'for' or 'with' after 'async'")),
            }
        }
        let line = self.line_of(def_start);
        match kw {
            "def" | "class" => {
                self.bump()?;
                let name = match self.tok.tok {
                    Tok::Name(n) if !is_keyword(n) => n,
                    _ => {
                        return Err(self.expected(if kw == "def" {
                            "function name"
                        } else {
                            "class name"
                        }))
                    }
                };
                let colon = self.raw(raw_find_colon(src, self.lx.pos))?;
                let end = self.raw(raw_skip_body(src, colon, None))?;
                check_block(src, self.lx.text, def_start, end)?;
                self.lx.pos = end;
                let bound_by = decorators.iter().find_map(|d| {
                    let base = d.trim_start_matches('@');
                    let base = base.split('(').next().unwrap_or("").trim();
                    let last = base.rsplit('.').next().unwrap_or("");
                    match last {
                        "early" => Some("@early"),
                        "late" => Some("@late"),
                        _ => None,
                    }
                });
                let n = name.to_string();
                if kw == "def" {
                    match bound_by {
                        Some(d) => self.set(
                            &n,
                            State::Dynamic(format!(
                                "`{n}` is computed by a {d} function at line {line}"
                            )),
                            line,
                        ),
                        None if is_field(&n) => self.set(
                            &n,
                            State::Dynamic(format!(
                                "`{n}` is defined as a function at line {line}"
                            )),
                            line,
                        ),
                        None => self.set(&n, State::Opaque, line),
                    }
                } else {
                    self.bind_other(
                        &n,
                        format!("`{n}` is defined as a class at line {line}"),
                        line,
                    );
                }
                self.functions.push(Function {
                    name: n,
                    decorators,
                    line,
                });
            }
            _ => {
                if !decorators.is_empty() {
                    return Err(self.expected("'def' or 'class' after decorator"));
                }
                let hstart = self.tok.start;
                let colon = self.raw(raw_find_colon(src, self.lx.pos))?;
                if kw == "with" {
                    let h = self
                        .lx
                        .text
                        .get(self.lx.pos..colon.saturating_sub(1))
                        .unwrap_or("");
                    let h = strip_comment(h);
                    let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
                    let h = match h.rfind(" as ") {
                        Some(k) if !h[k + 4..].contains(['(', ')', '"', '\'']) => {
                            h[..k].to_string()
                        }
                        _ => h,
                    };
                    if let Some(name) = scope_name(&h) {
                        let line = self.line_of(hstart);
                        self.mark_dynamic(
                            &name,
                            format!("`{name}` is set by a `with scope(...)` block at line {line}"),
                            line,
                        );
                    }
                    self.with_blocks.push(h);
                }
                self.scan_bindings(hstart, colon, kw)?;
                let mut lines = Vec::new();
                let end = self.raw(raw_skip_body(src, colon, Some(&mut lines)))?;
                check_block(src, self.lx.text, hstart, end)?;
                let mut skip_deeper: Option<usize> = None;
                for (s, e, ind) in lines {
                    if let Some(d) = skip_deeper {
                        if ind > d {
                            continue;
                        }
                        skip_deeper = None;
                    }
                    if self.scan_bindings(s, e, kw)? {
                        skip_deeper = Some(ind);
                    }
                }
                self.lx.pos = end;
            }
        }
        self.lx.depth = 0;
        Ok(())
    }
}

/// `scope("config")` -> `config`.
///
/// `with_header = "scope(" quote NAME quote ")"`
fn scope_name(h: &str) -> Option<String> {
    let inner = h.trim().strip_prefix("scope(")?.strip_suffix(')')?.trim();
    let q = inner.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let name = inner.get(1..inner.len().checked_sub(1)?)?;
    if inner.ends_with(q) && !name.is_empty() && name.bytes().all(is_ident_char) {
        Some(name.to_string())
    } else {
        None
    }
}

fn strip_comment(s: &str) -> &str {
    // a '#' outside of quotes
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => match raw_string_span(b, i) {
                Ok(x) => i = x.2,
                Err(_) => return s,
            },
            b'#' => return s.get(..i).unwrap_or(s),
            _ => i += 1,
        }
    }
    s
}
