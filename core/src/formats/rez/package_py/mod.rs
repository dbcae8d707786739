//! Static (never executed) reader for rez `package.py` files.
//!
//! # Quirks of the format handled here
//!
//! * A `package.py` is an ordinary Python 3 module that rez `exec`s; the package
//!   is whatever global names are left afterwards. This module never executes
//!   anything: it reads top-level assignments of *literals* and reports every
//!   other way a name can get bound as "dynamic" (with a reason).
//! * Literals: strings with any prefix except `f` with replacement fields
//!   (`r`, `u`, `b`, `rb`, `br`, any case; `f"..."` without braces is folded),
//!   escapes decoded exactly like Python 3 (`\ooo` masked to a byte in bytes
//!   literals, unknown escapes kept verbatim, `\N{..}` and lone surrogates make
//!   the value dynamic because they cannot be mapped), adjacent literals
//!   concatenated, triple quotes, CR/CRLF normalised to `\n` inside strings;
//!   numbers (`0x`/`0o`/`0b`, underscores, floats, a sign in front of a number;
//!   ints beyond `i128` and complex numbers are dynamic), `True`/`False`/`None`,
//!   lists, tuples (parenthesised or not, trailing commas, `(x,)`), dicts
//!   (duplicate keys: last value wins, first position kept).
//! * Layout: comments, `\` continuations, implicit continuation inside
//!   brackets, `;` between simple statements, CRLF or lone CR line ends, a
//!   UTF-8 BOM, `# -*- coding: latin-1 -*-` cookies (PEP 263: the file is decoded with the
//!   codec named on line 1 or 2, as Python does; see `encoding`).
//! * Top-level `def` (also `async def`) and `class`: name, decorators
//!   (`@early()`, `@late()`, `@include("x")`, as written) and line are kept; the
//!   bodies are skipped by indentation without being parsed (only strings,
//!   comments, brackets and `\` are tracked to find the end of the body).
//!   `@early`/`@late` functions make a field of that name dynamic; a plain
//!   function named like a solver/metadata field (rez silently drops those)
//!   is dynamic too. Rex functions such as `commands` only appear in
//!   `functions`.
//! * Compound statements (`if`/`elif`/`else`/`for`/`while`/`try`/`except`/
//!   `finally`/`with`): bodies are skipped; every name assigned, imported,
//!   defined, deleted, bound by `for`/`as`, or mutated (if it held a static
//!   value) inside them is dynamic. `with` headers are recorded in
//!   `with_blocks` (`scope("config")`), their `as` target becomes dynamic.
//! * Simple statements are parsed with a real (validating) expression parser:
//!   a non-literal value (names, calls, operators, comprehensions, f-strings,
//!   `%` formatting, ...) or `+=` makes the name dynamic; `x.y = ..`,
//!   `x[0] = ..` and `x.append(..)` make a previously static `x` dynamic;
//!   `del x` unbinds `x`; imports are noted and only make a field dynamic if
//!   they rebind a field or a name that was assigned before. Later bindings
//!   override earlier ones, as in Python.
//! * Python 2 (`print "x"`, `exec "x"`, backticks, `0777`, `ur''`, `10L`, `<>`)
//!   and other syntax errors give a [`PyError`] with a 1-based line, a 1-based
//!   column counted in characters, the byte span of the fault and a message of the form
//!   `expected X, found Y`. Invalid UTF-8 is an error too.
//! * Never panics; nesting deeper than [`MAX_DEPTH`] is an error.
//!
//! # How it reads
//!
//! One pass over the top-level statements, by a `Parser` that pulls tokens from the
//! `lexer` (string literals are decoded by `strings`). Simple statements are parsed by
//! `statements` with the expression parser of `expr`; compound statements are found and
//! their bodies skipped without being parsed by `compound`; `bindings` keeps what each
//! name is bound to and marks the names a skipped body may bind as dynamic.

mod bindings;
mod compound;
mod encoding;
mod expr;
mod lexer;
mod python3;
mod statements;
mod strings;

use crate::text::Fault;
use bindings::Binding;
use lexer::{describe, Lexer, Tok, Token};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// Maximum nesting of brackets / nested expressions before giving up.
pub const MAX_DEPTH: u32 = 100;

/// A Python literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer that fits in an `i128`.
    Int(i128),
    /// A float.
    Float(f64),
    /// A text string, escapes decoded.
    Str(String),
    /// A bytes literal.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<PyValue>),
    /// A tuple.
    Tuple(Vec<PyValue>),
    /// A dict, in source order.
    Dict(Vec<(PyValue, PyValue)>),
}

/// Final static value of a top-level name.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The name assigned.
    pub name: String,
    /// Its final value.
    pub value: PyValue,
    /// 1-based line of the assignment.
    pub line: u32,
}

/// A name whose final value is only known when rez loads the file.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicField {
    /// The name.
    pub name: String,
    /// Why its value is not static.
    pub reason: String,
    /// 1-based line of what makes it dynamic.
    pub line: u32,
}

/// A top-level function (or class) definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// Decorators as written, including the `@`, e.g. `@early()`.
    pub decorators: Vec<String>,
    /// 1-based line of the `def`.
    pub line: u32,
}

/// Everything statically known about a `package.py`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PackagePy {
    /// Final static value per name, in order of first appearance.
    pub assignments: Vec<Assignment>,
    /// Names whose final value is dynamic, in order of first appearance.
    pub dynamic: Vec<DynamicField>,
    /// Top-level functions and classes.
    pub functions: Vec<Function>,
    /// Headers of top-level `with` statements without the `as` target.
    pub with_blocks: Vec<String>,
    /// Import statements (normalised text), top-level or inside blocks.
    pub imports: Vec<String>,
}

impl PackagePy {
    /// Static value of a top-level name.
    pub fn get(&self, name: &str) -> Option<&PyValue> {
        self.assignments
            .iter()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }

    /// Dynamic entry for a name, if its final value is dynamic.
    pub fn dynamic_field(&self, name: &str) -> Option<&DynamicField> {
        self.dynamic.iter().find(|d| d.name == name)
    }
}

/// A syntax (or encoding) error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    /// A lower-case message: what was expected and what was found.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The byte span of the fault in the input (empty for a point).
    pub span: Range<usize>,
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for PyError {}

/// Fields that rez treats as package metadata; functions named like these
/// are reported as dynamic.
const FIELDS: &[&str] = &[
    "name",
    "version",
    "description",
    "authors",
    "requires",
    "build_requires",
    "private_build_requires",
    "variants",
    "tools",
    "uuid",
    "help",
    "relocatable",
    "cachable",
    "hashed_variants",
    "has_plugins",
    "plugin_for",
];

fn is_field(w: &str) -> bool {
    FIELDS.contains(&w)
}

/// Parse a `package.py` without executing it.
///
/// ```text
/// file = [BOM] {blank_line | line}
/// line = compound_stmt | simple_stmt {";" simple_stmt} [";"] (NEWLINE | ENDMARKER)
/// ```
pub fn parse_package_py(src: &[u8]) -> Result<PackagePy, PyError> {
    let text = encoding::decode(src).map_err(|e| *make_error(src, e.offset, e.message))?;
    parse_text(&text)
}

/// The source as Python reads it (PEP 263), for showing an error's line; bytes that cannot
/// be decoded are replaced.
pub(super) fn source_text(src: &[u8]) -> Cow<'_, str> {
    encoding::decode(src).unwrap_or_else(|_| String::from_utf8_lossy(src))
}

/// Reads decoded source; positions in errors are offsets into `text`.
fn parse_text(text: &str) -> Result<PackagePy, PyError> {
    let src = text.as_bytes();
    let start = if src.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut p = Parser {
        lx: Lexer {
            src,
            text,
            pos: start,
            depth: 0,
        },
        tok: Token {
            tok: Tok::Newline,
            start,
        },
        depth: 0,
        bindings: Vec::with_capacity(8),
        index: HashMap::new(),
        functions: Vec::new(),
        with_blocks: Vec::new(),
        imports: Vec::new(),
        line_cache: (0, 1),
        has_cr: src.contains(&b'\r'),
    };
    match p.run() {
        Ok(()) => Ok(p.finish()),
        Err(e) => Err(*e),
    }
}

// ---------------------------------------------------------------------------
// positions and errors

fn is_nl(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn line_col(src: &[u8], off: usize) -> (u32, u32) {
    let off = off.min(src.len());
    let mut line: u32 = 1;
    let mut line_start = 0usize;
    let mut i = 0usize;
    let head = &src[..off];
    while i < head.len() {
        let b = head[i];
        if b == b'\n' || (b == b'\r' && src.get(i + 1) != Some(&b'\n')) {
            line = line.saturating_add(1);
            line_start = i + 1;
        }
        i += 1;
    }
    if line == 1 && src.starts_with(b"\xEF\xBB\xBF") && off >= 3 {
        line_start = 3;
    }
    let seg = src.get(line_start..off).unwrap_or(&[]);
    let chars = seg.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    (line, u32::try_from(chars + 1).unwrap_or(u32::MAX))
}

fn make_error(src: &[u8], off: usize, message: String) -> Box<PyError> {
    make_fault(src, Fault::at(off, message))
}

fn make_fault(src: &[u8], fault: Fault) -> Box<PyError> {
    let (line, column) = line_col(src, fault.span.start);
    Box::new(PyError {
        message: fault.message,
        line,
        column,
        span: fault.span,
    })
}

/// The reader's state: the token stream and what is bound so far.
struct Parser<'a> {
    lx: Lexer<'a>,
    tok: Token<'a>,
    depth: u32,
    bindings: Vec<Binding>,
    index: HashMap<String, usize>,
    functions: Vec<Function>,
    with_blocks: Vec<String>,
    imports: Vec<String>,
    line_cache: (usize, u32),
    has_cr: bool,
}

impl<'a> Parser<'a> {
    fn err_at(&self, off: usize, message: String) -> Box<PyError> {
        make_error(self.lx.src, off, message)
    }

    fn raw<T>(&self, r: Result<T, Fault>) -> Result<T, Box<PyError>> {
        r.map_err(|f| make_fault(self.lx.src, f))
    }

    fn expected(&self, what: &str) -> Box<PyError> {
        self.err_at(
            self.tok.start,
            format!("expected {what}, found {}", describe(&self.tok.tok)),
        )
    }

    fn bump(&mut self) -> Result<Token<'a>, Box<PyError>> {
        let next = self.lx.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok.tok, Tok::Op(o) if o == op)
    }

    fn is_name(&self, w: &str) -> bool {
        matches!(self.tok.tok, Tok::Name(n) if n == w)
    }

    fn expect_op(&mut self, op: &str) -> Result<(), Box<PyError>> {
        if self.is_op(op) {
            self.bump()?;
            Ok(())
        } else {
            Err(self.expected(&format!("'{op}'")))
        }
    }

    fn enter(&mut self) -> Result<(), Box<PyError>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(
                self.tok.start,
                format!("expected at most {MAX_DEPTH} levels of nesting, found deeper nesting"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn line_of(&mut self, off: usize) -> u32 {
        let src = self.lx.src;
        let off = off.min(src.len());
        let (mut from, mut line) = self.line_cache;
        if off < from {
            from = 0;
            line = 1;
        }
        let seg = src.get(from..off).unwrap_or(&[]);
        let n = if self.has_cr {
            let mut n = 0usize;
            for (k, &b) in seg.iter().enumerate() {
                if b == b'\n' || (b == b'\r' && src.get(from + k + 1) != Some(&b'\n')) {
                    n += 1;
                }
            }
            n
        } else {
            // Counted in runs of at most 255 into bytes: the compiler vectorises that loop.
            seg.chunks(255)
                .map(|run| {
                    let n = run
                        .iter()
                        .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')));
                    usize::from(n)
                })
                .sum()
        };
        line = line.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self.line_cache = (off, line);
        line
    }
}
