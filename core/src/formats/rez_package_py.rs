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
//!   UTF-8 BOM, `# -*- coding -*-` lines (just comments; input must be UTF-8).
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
//!   column counted in characters, a byte offset and a message of the form
//!   `expected X, found Y`. Invalid UTF-8 is an error too.
//! * Never panics; nesting deeper than [`MAX_DEPTH`] is an error.

use std::collections::HashMap;
use std::fmt;

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
    /// Byte offset into the input.
    pub offset: usize,
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

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

fn is_field(w: &str) -> bool {
    FIELDS.contains(&w)
}

/// Parse a `package.py` without executing it.
pub fn parse_package_py(src: &[u8]) -> Result<PackagePy, PyError> {
    let text = match std::str::from_utf8(src) {
        Ok(t) => t,
        Err(e) => {
            let off = e.valid_up_to();
            let byte = src.get(off).copied().unwrap_or(0);
            return Err(*make_error(
                src,
                off,
                format!("expected valid utf-8, found byte 0x{byte:02x}"),
            ));
        }
    };
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
    let (line, column) = line_col(src, off);
    Box::new(PyError {
        message,
        line,
        column,
        offset: off,
    })
}

// ---------------------------------------------------------------------------
// tokens

#[derive(Debug, Clone, PartialEq)]
enum StrLit {
    Str(String),
    Bytes(Vec<u8>),
    /// String whose value is not known statically (reason).
    Dyn(&'static str, bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Name(&'a str),
    Int(i128),
    Float(f64),
    /// Number that has no `PyValue` (complex, huge int).
    NumDyn(&'static str),
    Str(StrLit),
    Op(&'static str),
    Newline,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
struct Token<'a> {
    tok: Tok<'a>,
    start: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) if is_keyword(n) => format!("'{n}'"),
        Tok::Name(n) => format!("name '{n}'"),
        Tok::Int(_) | Tok::Float(_) | Tok::NumDyn(_) => "number".to_string(),
        Tok::Str(_) => "string".to_string(),
        Tok::Op(o) => format!("'{o}'"),
        Tok::Newline => "newline".to_string(),
        Tok::Eof => "end of file".to_string(),
    }
}

/// Longest operator at the start of `rest`.
fn match_op(rest: &[u8]) -> Option<&'static str> {
    let b0 = *rest.first()?;
    let b1 = rest.get(1).copied().unwrap_or(0);
    let b2 = rest.get(2).copied().unwrap_or(0);
    Some(match (b0, b1, b2) {
        (b'(', _, _) => "(",
        (b')', _, _) => ")",
        (b'[', _, _) => "[",
        (b']', _, _) => "]",
        (b'{', _, _) => "{",
        (b'}', _, _) => "}",
        (b',', _, _) => ",",
        (b';', _, _) => ";",
        (b'~', _, _) => "~",
        (b'.', b'.', b'.') => "...",
        (b'.', _, _) => ".",
        (b':', b'=', _) => ":=",
        (b':', _, _) => ":",
        (b'=', b'=', _) => "==",
        (b'=', _, _) => "=",
        (b'!', b'=', _) => "!=",
        (b'*', b'*', b'=') => "**=",
        (b'*', b'*', _) => "**",
        (b'*', b'=', _) => "*=",
        (b'*', _, _) => "*",
        (b'/', b'/', b'=') => "//=",
        (b'/', b'/', _) => "//",
        (b'/', b'=', _) => "/=",
        (b'/', _, _) => "/",
        (b'>', b'>', b'=') => ">>=",
        (b'>', b'>', _) => ">>",
        (b'>', b'=', _) => ">=",
        (b'>', _, _) => ">",
        (b'<', b'<', b'=') => "<<=",
        (b'<', b'<', _) => "<<",
        (b'<', b'=', _) => "<=",
        (b'<', _, _) => "<",
        (b'-', b'>', _) => "->",
        (b'-', b'=', _) => "-=",
        (b'-', _, _) => "-",
        (b'+', b'=', _) => "+=",
        (b'+', _, _) => "+",
        (b'%', b'=', _) => "%=",
        (b'%', _, _) => "%",
        (b'&', b'=', _) => "&=",
        (b'&', _, _) => "&",
        (b'|', b'=', _) => "|=",
        (b'|', _, _) => "|",
        (b'^', b'=', _) => "^=",
        (b'^', _, _) => "^",
        (b'@', b'=', _) => "@=",
        (b'@', _, _) => "@",
        _ => return None,
    })
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// Bytes that continue a name (ASCII letters, digits, `_`, and any byte of a non-ASCII
/// character), as a table: names are most of a package file's tokens.
static IDENT_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        i += 1;
    }
    table
};

fn is_ident_char(b: u8) -> bool {
    IDENT_CHAR[usize::from(b)]
}

fn digit_val(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'a'..=b'f' => u32::from(b - b'a') + 10,
        b'A'..=b'F' => u32::from(b - b'A') + 10,
        _ => 99,
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Lexer<'a> {
    fn err(&self, off: usize, message: String) -> Box<PyError> {
        make_error(self.src, off, message)
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn char_at(&self, i: usize) -> String {
        match self.text.get(i..).and_then(|s| s.chars().next()) {
            Some(c) => format!("'{}'", c.escape_debug()),
            None => "end of file".to_string(),
        }
    }

    fn next(&mut self) -> Result<Token<'a>, Box<PyError>> {
        let src = self.src;
        loop {
            let Some(&b) = src.get(self.pos) else {
                return Ok(Token {
                    tok: Tok::Eof,
                    start: self.pos,
                });
            };
            match b {
                b' ' | b'\t' | 0x0c => self.pos += 1,
                b'#' => {
                    while self.pos < src.len() && !is_nl(src[self.pos]) {
                        self.pos += 1;
                    }
                }
                b'\\' => match src.get(self.pos + 1) {
                    Some(b'\n') => self.pos += 2,
                    Some(b'\r') => {
                        self.pos += if self.at(self.pos + 2) == b'\n' { 3 } else { 2 };
                    }
                    _ => {
                        return Err(self.err(
                            self.pos + 1,
                            format!(
                                "expected newline after line continuation, found {}",
                                self.char_at(self.pos + 1)
                            ),
                        ))
                    }
                },
                b'\n' | b'\r' => {
                    let start = self.pos;
                    self.pos += 1;
                    if b == b'\r' && self.at(self.pos) == b'\n' {
                        self.pos += 1;
                    }
                    if self.depth == 0 {
                        return Ok(Token {
                            tok: Tok::Newline,
                            start,
                        });
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let b = self.at(start);
        if is_ident_start(b) {
            let mut i = start + 1;
            while i < src.len() && is_ident_char(src[i]) {
                i += 1;
            }
            let word = self.text.get(start..i).unwrap_or("");
            let q = self.at(i);
            if q == b'\'' || q == b'"' {
                let lower = word.to_ascii_lowercase();
                let (raw, bytes, fstr) = match lower.as_str() {
                    "r" => (true, false, false),
                    "u" => (false, false, false),
                    "b" => (false, true, false),
                    "f" => (false, false, true),
                    "br" | "rb" => (true, true, false),
                    "fr" | "rf" => (true, false, true),
                    _ => {
                        return Err(self.err(
                            start,
                            format!(
                            "expected string prefix r, u, b, f, rb, br, rf or fr, found '{word}'"
                        ),
                        ))
                    }
                };
                return self.lex_string(start, i, raw, bytes, fstr);
            }
            self.pos = i;
            return Ok(Token {
                tok: Tok::Name(word),
                start,
            });
        }
        if b.is_ascii_digit() || (b == b'.' && self.at(start + 1).is_ascii_digit()) {
            let tok = self.lex_number(start)?;
            return Ok(Token { tok, start });
        }
        if b == b'\'' || b == b'"' {
            return self.lex_string(start, start, false, false, false);
        }
        let rest = src.get(start..).unwrap_or(&[]);
        if let Some(op) = match_op(rest) {
            self.pos = start + op.len();
            match op {
                "(" | "[" | "{" => self.depth = self.depth.saturating_add(1),
                ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            return Ok(Token {
                tok: Tok::Op(op),
                start,
            });
        }
        Err(self.err(
            start,
            format!("expected token, found {}", self.char_at(start)),
        ))
    }

    fn lex_number(&mut self, start: usize) -> Result<Tok<'a>, Box<PyError>> {
        let src = self.src;
        let mut i = start;
        if self.at(i) == b'0' {
            let radix = match self.at(i + 1) {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => 0,
            };
            if radix != 0 {
                i += 2;
                let mut v: Option<i128> = Some(0);
                let mut ndig = 0usize;
                loop {
                    let c = self.at(i);
                    if c == b'_' && digit_val(self.at(i + 1)) < radix {
                        i += 1;
                    } else if digit_val(c) < radix {
                        v = v
                            .and_then(|v| v.checked_mul(i128::from(radix)))
                            .and_then(|v| v.checked_add(i128::from(digit_val(c))));
                        ndig += 1;
                        i += 1;
                    } else {
                        break;
                    }
                }
                let kind = match radix {
                    16 => "hexadecimal digit",
                    8 => "octal digit",
                    _ => "binary digit",
                };
                if ndig == 0 || is_ident_char(self.at(i)) {
                    return Err(self.err(i, format!("expected {kind}, found {}", self.char_at(i))));
                }
                self.pos = i;
                return Ok(match v {
                    Some(v) => Tok::Int(v),
                    None => Tok::NumDyn("integer too large"),
                });
            }
        }
        let mut is_float = false;
        let mut v: Option<i128> = Some(0);
        let mut nonzero = false;
        // integer part
        loop {
            let c = self.at(i);
            if c == b'_' && self.at(i + 1).is_ascii_digit() && i > start {
                i += 1;
            } else if c.is_ascii_digit() {
                v = v
                    .and_then(|v| v.checked_mul(10))
                    .and_then(|v| v.checked_add(i128::from(c - b'0')));
                if c != b'0' {
                    nonzero = true;
                }
                i += 1;
            } else {
                break;
            }
        }
        if self.at(i) == b'.' {
            is_float = true;
            i += 1;
            while self.at(i).is_ascii_digit()
                || (self.at(i) == b'_' && self.at(i + 1).is_ascii_digit() && self.at(i - 1) != b'.')
            {
                i += 1;
            }
        }
        if matches!(self.at(i), b'e' | b'E') {
            let mut j = i + 1;
            if matches!(self.at(j), b'+' | b'-') {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                is_float = true;
                i = j;
                while self.at(i).is_ascii_digit()
                    || (self.at(i) == b'_' && self.at(i + 1).is_ascii_digit())
                {
                    i += 1;
                }
            }
        }
        let mut imag = false;
        if matches!(self.at(i), b'j' | b'J') {
            imag = true;
            i += 1;
        }
        if is_ident_char(self.at(i)) {
            let mut j = i;
            while j < src.len() && is_ident_char(src[j]) {
                j += 1;
            }
            let word = self.text.get(i..j).unwrap_or("");
            if !matches!(
                word,
                "and" | "or" | "if" | "else" | "in" | "is" | "not" | "for"
            ) {
                return Err(self.err(
                    i,
                    format!("expected end of number, found {}", self.char_at(i)),
                ));
            }
        }
        if !is_float && !imag && self.at(start) == b'0' && nonzero {
            let lit = self.text.get(start..i).unwrap_or("");
            return Err(self.err(
                start,
                format!("expected decimal literal without leading zeros (use 0o for octal), found '{lit}'"),
            ));
        }
        self.pos = i;
        if imag {
            return Ok(Tok::NumDyn("complex number"));
        }
        if is_float {
            // The literal without its `_` separators: Rust reads `1.5E+3` as Python does.
            let clean: String = self
                .text
                .get(start..i)
                .unwrap_or("")
                .chars()
                .filter(|&c| c != '_')
                .collect();
            return match clean.parse::<f64>() {
                Ok(f) => Ok(Tok::Float(f)),
                Err(_) => Err(self.err(start, "expected float literal, found number".to_string())),
            };
        }
        Ok(match v {
            Some(v) => Tok::Int(v),
            None => Tok::NumDyn("integer too large"),
        })
    }

    fn lex_string(
        &mut self,
        start: usize,
        q_pos: usize,
        raw: bool,
        bytes: bool,
        fstr: bool,
    ) -> Result<Token<'a>, Box<PyError>> {
        let (content_start, content_end, end, plain) = match string_span(self.src, q_pos) {
            Ok(x) => x,
            Err((off, msg)) => return Err(self.err(off, msg)),
        };
        let content = self.src.get(content_start..content_end).unwrap_or(&[]);
        self.pos = end;
        let lit = if plain && !bytes && !fstr {
            StrLit::Str(
                self.text
                    .get(content_start..content_end)
                    .unwrap_or("")
                    .to_string(),
            )
        } else if fstr && content.iter().any(|&b| b == b'{' || b == b'}') {
            StrLit::Dyn("f-string", false)
        } else {
            decode_string(content, raw, bytes).map_err(|(o, m)| self.err(content_start + o, m))?
        };
        Ok(Token {
            tok: Tok::Str(lit),
            start,
        })
    }
}

/// Span of a string starting at the quote `q_pos`: (content start, content
/// end, position after closing quote).
fn raw_string_span(src: &[u8], q_pos: usize) -> Result<(usize, usize, usize), (usize, String)> {
    string_span(src, q_pos).map(|(a, b, c, _)| (a, b, c))
}

/// Like [`raw_string_span`], plus whether the content has no backslash and
/// no carriage return (so it needs no decoding).
fn string_span(src: &[u8], q_pos: usize) -> Result<(usize, usize, usize, bool), (usize, String)> {
    let q = src.get(q_pos).copied().unwrap_or(b'"');
    let triple = src.get(q_pos + 1) == Some(&q) && src.get(q_pos + 2) == Some(&q);
    let cs = q_pos + if triple { 3 } else { 1 };
    let mut i = cs;
    let mut plain = true;
    loop {
        let rest = src.get(i..).unwrap_or(&[]);
        let Some(k) = find_string_stop(rest, q) else {
            return Err((
                q_pos,
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
            return Err((i, "expected closing quote, found end of line".to_string()));
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
fn decode_string(content: &[u8], raw: bool, bytes: bool) -> Result<StrLit, (usize, String)> {
    let mut out: Vec<u8> = Vec::with_capacity(content.len());
    let mut i = 0usize;
    let n = content.len();
    let mut dynamic: Option<&'static str> = None;
    while i < n {
        let b = content[i];
        if bytes && b >= 0x80 {
            return Err((
                i,
                "expected ascii characters in bytes literal, found non-ascii character".to_string(),
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
                    return Err((
                        i - 2,
                        "expected two hex digits after \\x, found truncated escape".to_string(),
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
                        return Err((
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
                    return Err((
                        i - len - 2,
                        "expected unicode code point, found value above 0x10ffff".to_string(),
                    ));
                }
                match char::from_u32(v) {
                    Some(ch) => push_char(&mut out, ch),
                    None => dynamic = Some("string with a lone surrogate escape"),
                }
            }
            b'N' if !bytes => {
                if content.get(i) != Some(&b'{') {
                    return Err((
                        i - 2,
                        "expected '{' after \\N, found malformed escape".to_string(),
                    ));
                }
                let mut j = i + 1;
                while j < n && content[j] != b'}' {
                    j += 1;
                }
                if j >= n || j == i + 1 {
                    return Err((
                        i - 2,
                        "expected '}' closing \\N{...}, found malformed escape".to_string(),
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
            Err(_) => Err((
                0,
                "expected valid utf-8 in string, found invalid bytes".to_string(),
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// raw (unparsed) scanning of headers and bodies

type RawErr = (usize, String);

/// End of the logical line starting at `i` (position after its newline).
fn raw_line_end(src: &[u8], mut i: usize) -> Result<usize, RawErr> {
    let mut depth = 0u32;
    loop {
        let Some(&b) = src.get(i) else {
            return Ok(src.len());
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
            b'\n' | b'\r' => {
                i += 1;
                if b == b'\r' && src.get(i) == Some(&b'\n') {
                    i += 1;
                }
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
}

/// Position just after the `:` ending a compound statement header.
fn raw_find_colon(src: &[u8], mut i: usize) -> Result<usize, RawErr> {
    let mut depth = 0u32;
    loop {
        let Some(&b) = src.get(i) else {
            return Err((i, "expected ':', found end of file".to_string()));
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
            b':' if depth == 0 && src.get(i + 1) != Some(&b'=') => return Ok(i + 1),
            b'\n' | b'\r' if depth == 0 => {
                return Err((i, "expected ':', found newline".to_string()));
            }
            _ => i += 1,
        }
    }
}

/// A logical line of a skipped body: (start of content, end, indentation).
type BodyLine = (usize, usize, usize);

/// Skip the body of a compound statement whose header ends at `i` (just after
/// the colon). Returns the position of the first line after the body.
fn raw_skip_body(
    src: &[u8],
    mut i: usize,
    mut lines: Option<&mut Vec<BodyLine>>,
) -> Result<usize, RawErr> {
    while matches!(src.get(i), Some(b' ' | b'\t' | 0x0c)) {
        i += 1;
    }
    match src.get(i) {
        None => return Err((i, "expected indented block, found end of file".to_string())),
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
                    return Err((j, "expected indented block, found end of file".to_string()));
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
                        return Err((
                            j,
                            "expected indented block, found unindented line".to_string(),
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

/// Names bound by an import statement given as text (`import a.b as c, d`,
/// `from x import (a as b, c)`); `*` binds nothing we can name.
fn import_bindings(text: &str) -> Vec<String> {
    let t = text.trim();
    let (is_from, rest) = if let Some(r) = t.strip_prefix("from") {
        match r.find(" import") {
            Some(k) => (true, &r[k + 7..]),
            None => return Vec::new(),
        }
    } else if let Some(r) = t.strip_prefix("import") {
        (false, r)
    } else {
        return Vec::new();
    };
    let rest = rest.replace(['(', ')', '\\'], " ");
    let mut out = Vec::new();
    for part in rest.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let name = match words.as_slice() {
            [] => continue,
            [.., "as", alias] => (*alias).to_string(),
            [first, ..] => {
                if is_from {
                    (*first).to_string()
                } else {
                    first.split('.').next().unwrap_or("").to_string()
                }
            }
        };
        if name != "*" && !name.is_empty() {
            out.push(name);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// parser

/// Summary of a parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Ex<'a> {
    Lit(PyValue),
    Name(&'a str),
    /// Tuple/list made only of assignment targets.
    Targets(Vec<Ex<'a>>),
    Dyn {
        why: &'static str,
        root: Option<&'a str>,
        target: bool,
    },
}

impl<'a> Ex<'a> {
    fn why(&self) -> &'static str {
        match self {
            Ex::Lit(_) => "literal",
            Ex::Name(_) | Ex::Targets(_) => "name reference",
            Ex::Dyn { why, .. } => why,
        }
    }
    fn root(&self) -> Option<&'a str> {
        match self {
            Ex::Name(n) => Some(n),
            Ex::Dyn { root, .. } => *root,
            _ => None,
        }
    }
    fn dynm(why: &'static str) -> Ex<'a> {
        Ex::Dyn {
            why,
            root: None,
            target: false,
        }
    }
    fn is_targetish(&self) -> bool {
        matches!(
            self,
            Ex::Name(_) | Ex::Targets(_) | Ex::Dyn { target: true, .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Static(PyValue),
    Dynamic(String),
    /// Bound to something that is neither a literal nor a field (function,
    /// class, module) or deleted.
    Opaque,
}

/// Up to this many bindings, names are looked up linearly.
const SMALL: usize = 24;

struct Binding {
    name: String,
    state: State,
    line: u32,
}

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

fn is_binop(op: &str) -> bool {
    matches!(
        op,
        "+" | "-"
            | "*"
            | "/"
            | "//"
            | "%"
            | "@"
            | "**"
            | "<<"
            | ">>"
            | "&"
            | "|"
            | "^"
            | "<"
            | ">"
            | "<="
            | ">="
            | "=="
            | "!="
    )
}

fn is_augop(op: &str) -> bool {
    matches!(
        op,
        "+=" | "-="
            | "*="
            | "/="
            | "//="
            | "%="
            | "@="
            | "&="
            | "|="
            | "^="
            | ">>="
            | "<<="
            | "**="
    )
}

impl<'a> Parser<'a> {
    // ----- infrastructure

    fn err_at(&self, off: usize, message: String) -> Box<PyError> {
        make_error(self.lx.src, off, message)
    }

    fn raw<T>(&self, r: Result<T, RawErr>) -> Result<T, Box<PyError>> {
        r.map_err(|(o, m)| self.err_at(o, m))
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

    // ----- bindings

    fn slot(&mut self, name: &str) -> Option<usize> {
        if self.bindings.len() <= SMALL {
            self.bindings.iter().position(|b| b.name == name)
        } else {
            self.index.get(name).copied()
        }
    }

    fn set(&mut self, name: &str, state: State, line: u32) {
        match self.slot(name) {
            Some(k) => {
                if let Some(b) = self.bindings.get_mut(k) {
                    b.state = state;
                    b.line = line;
                }
            }
            None => {
                if self.bindings.len() == SMALL {
                    for (k, b) in self.bindings.iter().enumerate() {
                        self.index.insert(b.name.clone(), k);
                    }
                }
                if self.bindings.len() >= SMALL {
                    self.index.insert(name.to_string(), self.bindings.len());
                }
                self.bindings.push(Binding {
                    name: name.to_string(),
                    state,
                    line,
                });
            }
        }
    }

    fn is_static(&mut self, name: &str) -> bool {
        match self.slot(name) {
            Some(k) => matches!(
                self.bindings.get(k).map(|b| &b.state),
                Some(State::Static(_))
            ),
            None => false,
        }
    }

    fn is_bound_value(&mut self, name: &str) -> bool {
        match self.slot(name) {
            Some(k) => matches!(
                self.bindings.get(k).map(|b| &b.state),
                Some(State::Static(_) | State::Dynamic(_))
            ),
            None => false,
        }
    }

    /// A binding that is not a literal: dynamic for fields and names that
    /// held a value, opaque otherwise.
    fn bind_other(&mut self, name: &str, reason: String, line: u32) {
        if is_field(name) || self.is_bound_value(name) {
            self.set(name, State::Dynamic(reason), line);
        } else {
            self.set(name, State::Opaque, line);
        }
    }

    fn mark_dynamic(&mut self, name: &str, reason: String, line: u32) {
        if !is_keyword(name) {
            self.set(name, State::Dynamic(reason), line);
        }
    }

    fn finish(self) -> PackagePy {
        let mut out = PackagePy {
            assignments: Vec::with_capacity(self.bindings.len()),
            functions: self.functions,
            with_blocks: self.with_blocks,
            imports: self.imports,
            ..PackagePy::default()
        };
        for b in self.bindings {
            match b.state {
                State::Static(value) => out.assignments.push(Assignment {
                    name: b.name,
                    value,
                    line: b.line,
                }),
                State::Dynamic(reason) => out.dynamic.push(DynamicField {
                    name: b.name,
                    reason,
                    line: b.line,
                }),
                State::Opaque => {}
            }
        }
        out
    }

    // ----- statements

    /// Skip blank and comment lines; returns the indentation of the next
    /// line with content, or None at end of file.
    fn skip_blank(&mut self) -> Option<usize> {
        let src = self.lx.src;
        loop {
            let mut indent = 0usize;
            let mut j = self.lx.pos;
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
                    self.lx.pos = j;
                    return None;
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
                    self.lx.pos = j;
                }
                Some(_) => {
                    self.lx.pos = j;
                    return Some(indent);
                }
            }
        }
    }

    fn run(&mut self) -> Result<(), Box<PyError>> {
        loop {
            self.lx.depth = 0;
            let Some(indent) = self.skip_blank() else {
                return Ok(());
            };
            if indent > 0 {
                return Err(self.err_at(
                    self.lx.pos,
                    "expected statement at column 1, found indent".to_string(),
                ));
            }
            self.tok = self.lx.next()?;
            let mut first = true;
            loop {
                if self.statement(first)? {
                    break; // compound statement: positioned at a line start
                }
                first = false;
                match self.tok.tok {
                    Tok::Newline => break,
                    Tok::Eof => return Ok(()),
                    Tok::Op(";") => {
                        self.bump()?;
                        match self.tok.tok {
                            Tok::Newline => break,
                            Tok::Eof => return Ok(()),
                            _ => {}
                        }
                    }
                    _ => return Err(self.expected("newline")),
                }
            }
        }
    }

    /// Parse one statement. Returns true if it was a compound statement (the
    /// lexer is then at the start of the next line).
    fn statement(&mut self, line_start: bool) -> Result<bool, Box<PyError>> {
        let start = self.tok.start;
        let kw = match self.tok.tok {
            Tok::Name(n) => n,
            Tok::Op("@") => "@",
            _ => "",
        };
        match kw {
            "@" | "def" | "class" | "async" | "if" | "elif" | "else" | "for" | "while" | "try"
            | "except" | "finally" | "with" => {
                if !line_start {
                    return Err(self.expected("simple statement"));
                }
                self.compound(kw, start)?;
                return Ok(true);
            }
            "import" | "from" => self.import_stmt(start)?,
            "pass" | "break" | "continue" => {
                self.bump()?;
            }
            "global" | "nonlocal" => {
                self.bump()?;
                loop {
                    match self.tok.tok {
                        Tok::Name(n) if !is_keyword(n) => {
                            self.bump()?;
                        }
                        _ => return Err(self.expected("name")),
                    }
                    if !self.is_op(",") {
                        break;
                    }
                    self.bump()?;
                }
            }
            "del" => {
                self.bump()?;
                let line = self.line_of(start);
                let t = self.testlist(true)?;
                self.del_target(&t, line)?;
            }
            "assert" => {
                self.bump()?;
                self.test(false, false)?;
                if self.is_op(",") {
                    self.bump()?;
                    self.test(false, false)?;
                }
            }
            "raise" => {
                self.bump()?;
                if !self.at_stmt_end() {
                    self.test(false, false)?;
                    if self.is_name("from") {
                        self.bump()?;
                        self.test(false, false)?;
                    }
                }
            }
            "return" | "yield" | "await" => {
                return Err(self.expected("statement outside a function"));
            }
            _ if !kw.is_empty()
                && self.peek_byte() == b'='
                && self
                    .lx
                    .src
                    .get(self.lx.pos..)
                    .is_some_and(|r| !r.trim_ascii_start().starts_with(b"=="))
                && !is_keyword(kw) =>
            {
                // fast path: `name = value`
                let line = self.line_of(start);
                self.bump()?;
                self.bump()?;
                let value = self.testlist(true)?;
                if self.is_op("=") {
                    // chained assignment: redo generically
                    let target = Ex::Name(kw);
                    let mut targets = vec![target, value];
                    let value = loop {
                        self.bump()?;
                        let rhs = self.testlist(true)?;
                        if self.is_op("=") {
                            targets.push(rhs);
                        } else {
                            break rhs;
                        }
                    };
                    for t in &targets {
                        self.assign(t, value.clone(), line, start)?;
                    }
                } else {
                    self.assign(&Ex::Name(kw), value, line, start)?;
                }
            }
            _ => self.expr_stmt(start)?,
        }
        Ok(false)
    }

    fn at_stmt_end(&self) -> bool {
        matches!(self.tok.tok, Tok::Newline | Tok::Eof | Tok::Op(";"))
    }

    fn del_target(&mut self, t: &Ex<'a>, line: u32) -> Result<(), Box<PyError>> {
        match t {
            Ex::Name(n) => {
                let n = (*n).to_string();
                self.set(&n, State::Opaque, line);
            }
            Ex::Targets(items) => {
                for it in items {
                    self.del_target(it, line)?;
                }
            }
            Ex::Dyn {
                target: true,
                root: Some(r),
                ..
            } => {
                let r = (*r).to_string();
                if self.is_static(&r) {
                    self.mark_dynamic(
                        &r,
                        format!("`{r}` is modified by `del` at line {line}"),
                        line,
                    );
                }
            }
            _ => {
                return Err(self.err_at(
                    self.tok.start,
                    format!("expected deletion target, found {}", t.why()),
                ))
            }
        }
        Ok(())
    }

    fn import_stmt(&mut self, start: usize) -> Result<(), Box<PyError>> {
        let line = self.line_of(start);
        let mut text = String::new();
        let mut names: Vec<String> = Vec::new();
        let dotted = |p: &mut Self, text: &mut String| -> Result<String, Box<PyError>> {
            let mut first = String::new();
            loop {
                match p.tok.tok {
                    Tok::Name(n) if !is_keyword(n) => {
                        if first.is_empty() {
                            first = n.to_string();
                        }
                        text.push_str(n);
                        p.bump()?;
                    }
                    _ => return Err(p.expected("module name")),
                }
                if p.is_op(".") {
                    text.push('.');
                    p.bump()?;
                } else {
                    return Ok(first);
                }
            }
        };
        if self.is_name("import") {
            self.bump()?;
            text.push_str("import ");
            loop {
                let first = dotted(self, &mut text)?;
                if self.is_name("as") {
                    self.bump()?;
                    match self.tok.tok {
                        Tok::Name(n) if !is_keyword(n) => {
                            text.push_str(" as ");
                            text.push_str(n);
                            names.push(n.to_string());
                            self.bump()?;
                        }
                        _ => return Err(self.expected("name")),
                    }
                } else {
                    names.push(first);
                }
                if !self.is_op(",") {
                    break;
                }
                text.push_str(", ");
                self.bump()?;
            }
        } else {
            self.bump()?; // from
            text.push_str("from ");
            let mut any = false;
            while self.is_op(".") || self.is_op("...") {
                if let Tok::Op(o) = self.tok.tok {
                    text.push_str(o);
                }
                any = true;
                self.bump()?;
            }
            if !self.is_name("import") {
                dotted(self, &mut text)?;
            } else if !any {
                return Err(self.expected("module name"));
            }
            if !self.is_name("import") {
                return Err(self.expected("'import'"));
            }
            self.bump()?;
            text.push_str(" import ");
            if self.is_op("*") {
                self.bump()?;
                text.push('*');
            } else {
                let paren = self.is_op("(");
                if paren {
                    self.bump()?;
                }
                loop {
                    match self.tok.tok {
                        Tok::Name(n) if !is_keyword(n) => {
                            text.push_str(n);
                            self.bump()?;
                            let mut bound = n.to_string();
                            if self.is_name("as") {
                                self.bump()?;
                                match self.tok.tok {
                                    Tok::Name(a) if !is_keyword(a) => {
                                        text.push_str(" as ");
                                        text.push_str(a);
                                        bound = a.to_string();
                                        self.bump()?;
                                    }
                                    _ => return Err(self.expected("name")),
                                }
                            }
                            names.push(bound);
                        }
                        _ => return Err(self.expected("name")),
                    }
                    if !self.is_op(",") {
                        break;
                    }
                    self.bump()?;
                    if paren && self.is_op(")") {
                        break;
                    }
                    text.push_str(", ");
                }
                if paren {
                    self.expect_op(")")?;
                }
            }
        }
        self.imports.push(text);
        for n in names {
            self.bind_other(
                &n,
                format!("`{n}` is bound by an import at line {line}"),
                line,
            );
        }
        Ok(())
    }

    fn expr_stmt(&mut self, start: usize) -> Result<(), Box<PyError>> {
        let line = self.line_of(start);
        let lhs = self.testlist(true)?;
        match self.tok.tok {
            Tok::Op("=") => {
                let mut targets = vec![lhs];
                let value = loop {
                    self.bump()?;
                    let rhs = if self.is_name("yield") {
                        self.skip_to_stmt_end()?;
                        Ex::dynm("yield")
                    } else {
                        self.testlist(true)?
                    };
                    if self.is_op("=") {
                        targets.push(rhs);
                    } else {
                        break rhs;
                    }
                };
                let last = targets.len().saturating_sub(1);
                let mut value = Some(value);
                for (k, t) in targets.iter().enumerate() {
                    let v = if k == last {
                        value.take()
                    } else {
                        value.clone()
                    };
                    if let Some(v) = v {
                        self.assign(t, v, line, start)?;
                    }
                }
            }
            Tok::Op(op) if is_augop(op) => {
                let opstart = self.tok.start;
                self.bump()?;
                self.testlist(false)?;
                match &lhs {
                    Ex::Name(n) => {
                        let n = (*n).to_string();
                        self.mark_dynamic(
                            &n,
                            format!(
                                "`{n}` is changed by augmented assignment `{op}` at line {line}"
                            ),
                            line,
                        );
                    }
                    Ex::Dyn {
                        target: true,
                        root: Some(r),
                        ..
                    } => {
                        let r = (*r).to_string();
                        if self.is_static(&r) {
                            self.mark_dynamic(
                                &r,
                                format!("`{r}` is modified by augmented assignment `{op}` at line {line}"),
                                line,
                            );
                        }
                    }
                    _ => {
                        return Err(self.err_at(
                            opstart,
                            format!(
                                "expected augmented assignment target before '{op}', found {}",
                                lhs.why()
                            ),
                        ))
                    }
                }
            }
            Tok::Op(":") => {
                self.bump()?;
                self.test(false, false)?;
                if self.is_op("=") {
                    self.bump()?;
                    let value = self.testlist(true)?;
                    self.assign(&lhs, value, line, start)?;
                }
            }
            _ => {
                // expression statement: a method call / subscript on a static
                // value may mutate it
                if let Ex::Dyn { root: Some(r), .. } = &lhs {
                    let r = (*r).to_string();
                    if self.is_static(&r) {
                        self.mark_dynamic(
                            &r,
                            format!("`{r}` may be modified by the statement at line {line}"),
                            line,
                        );
                    }
                }
            }
        }
        Ok(())
    }

    fn skip_to_stmt_end(&mut self) -> Result<(), Box<PyError>> {
        let mut depth = 0u32;
        loop {
            match self.tok.tok {
                Tok::Eof => return Ok(()),
                Tok::Newline | Tok::Op(";") if depth == 0 => return Ok(()),
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump()?;
        }
    }

    fn assign(
        &mut self,
        target: &Ex<'a>,
        value: Ex<'a>,
        line: u32,
        start: usize,
    ) -> Result<(), Box<PyError>> {
        match target {
            Ex::Name(n) => {
                let n: &'a str = n;
                match value {
                    Ex::Lit(v) => self.set(n, State::Static(v), line),
                    other => self.mark_dynamic(
                        n,
                        format!(
                            "`{n}` is assigned an expression ({}) at line {line}, not a literal",
                            other.why()
                        ),
                        line,
                    ),
                }
            }
            Ex::Targets(items) => {
                let values = match value {
                    Ex::Lit(PyValue::Tuple(v) | PyValue::List(v)) if v.len() == items.len() => {
                        Some(v)
                    }
                    _ => None,
                };
                match values {
                    Some(vals) if items.iter().all(|t| matches!(t, Ex::Name(_))) => {
                        for (t, v) in items.iter().zip(vals) {
                            self.assign(t, Ex::Lit(v), line, start)?;
                        }
                    }
                    _ => {
                        for t in items {
                            self.assign(t, Ex::dynm("unpacking assignment"), line, start)?;
                        }
                    }
                }
            }
            Ex::Dyn {
                target: true,
                root,
                why,
            } => {
                if let Some(r) = root {
                    let r = (*r).to_string();
                    if self.is_static(&r) {
                        self.mark_dynamic(
                            &r,
                            format!("`{r}` is modified by assignment to its {why} at line {line}"),
                            line,
                        );
                    }
                }
            }
            _ => {
                return Err(self.err_at(
                    start,
                    format!("expected assignment target, found {}", target.why()),
                ))
            }
        }
        Ok(())
    }

    // ----- compound statements (bodies are skipped, not parsed)

    fn compound(&mut self, kw: &'a str, start: usize) -> Result<(), Box<PyError>> {
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

    /// Heuristic scan of an unparsed line inside a top-level block, marking
    /// every name it may bind as dynamic. Returns true if the line starts a
    /// nested `def`/`class` (whose body must then be ignored).
    fn scan_bindings(&mut self, s: usize, e: usize, kw: &str) -> Result<bool, Box<PyError>> {
        let src = self.lx.src;
        let text = self.lx.text;
        let e = e.min(src.len());
        let mut i = s;
        let mut depth = 0u32;
        let mut stmt_start = true;
        let mut after_as = false;
        let mut for_targets = false;
        let mut del_mode = false;
        let mut pending: Vec<&'a str> = Vec::new();
        let mut marks: Vec<(&'a str, &'static str, usize)> = Vec::new();
        let mut nested_def = false;
        let mut after_dot = false;
        while i < e {
            let b = src[i];
            if b == b'.' {
                after_dot = true;
                stmt_start = false;
                i += 1;
                continue;
            }
            let attr = after_dot && is_ident_start(b);
            if !matches!(b, b' ' | b'\t' | 0x0c | b'\n' | b'\r' | b'\\') {
                after_dot = false;
            }
            if attr {
                while i < e && is_ident_char(src[i]) {
                    i += 1;
                }
                continue;
            }
            match b {
                b' ' | b'\t' | 0x0c | b'\n' | b'\r' | b'\\' => i += 1,
                b'#' => {
                    while i < e && !is_nl(src[i]) {
                        i += 1;
                    }
                }
                b'\'' | b'"' => {
                    i = match raw_string_span(src, i) {
                        Ok(x) => x.2,
                        Err(_) => e,
                    };
                    stmt_start = false;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    stmt_start = false;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b';' if depth == 0 => {
                    stmt_start = true;
                    del_mode = false;
                    for_targets = false;
                    pending.clear();
                    i += 1;
                }
                b':' if depth == 0 && src.get(i + 1) != Some(&b'=') => {
                    stmt_start = true;
                    for_targets = false;
                    pending.clear();
                    i += 1;
                }
                b',' => {
                    i += 1;
                }
                b'=' | b'<' | b'>' | b'!' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|'
                | b'^' | b'@' | b'~' | b':' => {
                    let st = i;
                    while i < e && b"=<>!+-*/%&|^@~:".contains(&src[i]) {
                        i += 1;
                    }
                    if i - st == 1 && b == b'=' && depth == 0 {
                        for p in pending.drain(..) {
                            marks.push((p, "assigned", st));
                        }
                    }
                    stmt_start = false;
                }
                _ if is_ident_start(b) => {
                    let ws = i;
                    while i < e && is_ident_char(src[i]) {
                        i += 1;
                    }
                    if matches!(src.get(i), Some(b'\'' | b'"')) {
                        continue; // string prefix; the string is skipped next
                    }
                    let word = text.get(ws..i).unwrap_or("");
                    if for_targets {
                        if word == "in" {
                            for_targets = false;
                        } else if !is_keyword(word) {
                            marks.push((word, "bound by `for`", ws));
                        }
                        continue;
                    }
                    if after_as {
                        after_as = false;
                        if !is_keyword(word) {
                            marks.push((word, "bound by `as`", ws));
                        }
                        continue;
                    }
                    if del_mode {
                        if !is_keyword(word) {
                            marks.push((word, "deleted", ws));
                        }
                        continue;
                    }
                    if stmt_start && depth == 0 {
                        match word {
                            "def" | "class" => {
                                let mut j = i;
                                while j < e && matches!(src[j], b' ' | b'\t') {
                                    j += 1;
                                }
                                let ns = j;
                                while j < e && is_ident_char(src[j]) {
                                    j += 1;
                                }
                                if let Some(n) = text.get(ns..j) {
                                    if !n.is_empty() {
                                        marks.push((n, "defined", ns));
                                    }
                                }
                                nested_def = true;
                                break;
                            }
                            "import" | "from" => {
                                let mut j = i;
                                let mut d = 0u32;
                                while j < e {
                                    match src[j] {
                                        b'(' => d += 1,
                                        b')' => d = d.saturating_sub(1),
                                        b';' | b'#' if d == 0 => break,
                                        b'\n' | b'\r' if d == 0 => break,
                                        _ => {}
                                    }
                                    j += 1;
                                }
                                let t = text.get(ws..j).unwrap_or("");
                                let norm = t
                                    .replace('\\', " ")
                                    .split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" ");
                                for n in import_bindings(&norm) {
                                    let line = self.line_of(ws);
                                    self.mark_dynamic(
                                        &n,
                                        format!(
                                            "`{n}` is imported inside a top-level `{kw}` block at line {line}"
                                        ),
                                        line,
                                    );
                                }
                                self.imports.push(norm);
                                i = j;
                                stmt_start = false;
                                continue;
                            }
                            "for" => {
                                for_targets = true;
                                stmt_start = false;
                                continue;
                            }
                            "del" => {
                                del_mode = true;
                                stmt_start = false;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if word == "as" {
                        after_as = true;
                        continue;
                    }
                    if is_keyword(word) {
                        stmt_start = false;
                        continue;
                    }
                    let mut j = i;
                    while j < e && matches!(src[j], b' ' | b'\t') {
                        j += 1;
                    }
                    let n0 = src.get(j).copied().unwrap_or(0);
                    let n1 = src.get(j + 1).copied().unwrap_or(0);
                    let n2 = src.get(j + 2).copied().unwrap_or(0);
                    let assigned = (n0 == b'=' && n1 != b'=' && depth == 0)
                        || (n0 == b':' && n1 == b'=')
                        || (depth == 0 && n1 == b'=' && b"+-*/%&|^@".contains(&n0) && n0 != 0)
                        || (depth == 0
                            && n2 == b'='
                            && ((n0 == b'/' && n1 == b'/')
                                || (n0 == b'*' && n1 == b'*')
                                || (n0 == b'>' && n1 == b'>')
                                || (n0 == b'<' && n1 == b'<')));
                    if assigned {
                        marks.push((word, "assigned", ws));
                    } else if stmt_start && depth == 0 && (n0 == b'.' || n0 == b'[') {
                        marks.push((word, "modified", ws));
                    } else if depth == 0 && n0 == b',' {
                        pending.push(word);
                    }
                    stmt_start = false;
                }
                _ => {
                    stmt_start = false;
                    i += 1;
                }
            }
        }
        for (n, how, off) in marks {
            if how == "modified" && !self.is_static(n) {
                continue;
            }
            let line = self.line_of(off);
            self.mark_dynamic(
                n,
                format!("`{n}` is {how} inside a top-level `{kw}` block at line {line}"),
                line,
            );
        }
        Ok(nested_def)
    }

    // ----- expressions

    /// Comma-separated expressions; a comma makes a tuple.
    fn testlist(&mut self, star: bool) -> Result<Ex<'a>, Box<PyError>> {
        let first = self.star_or_test(star)?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_op(",") {
            self.bump()?;
            if !self.starts_expr() {
                break;
            }
            items.push(self.star_or_test(star)?);
        }
        Ok(make_seq(items, false))
    }

    fn starts_expr(&self) -> bool {
        match self.tok.tok {
            Tok::Name(n) => {
                !is_keyword(n)
                    || matches!(n, "None" | "True" | "False" | "not" | "lambda" | "await")
            }
            Tok::Int(_) | Tok::Float(_) | Tok::NumDyn(_) | Tok::Str(_) => true,
            Tok::Op(o) => matches!(o, "(" | "[" | "{" | "-" | "+" | "~" | "*" | "..."),
            _ => false,
        }
    }

    /// Byte after the current token, skipping spaces and tabs.
    #[inline]
    fn peek_byte(&self) -> u8 {
        let src = self.lx.src;
        let mut i = self.lx.pos;
        while let Some(&b) = src.get(i) {
            if b != b' ' && b != b'\t' {
                return b;
            }
            i += 1;
        }
        0
    }

    /// Fast path: the current token is a complete literal (the next token is
    /// a comma, a closing bracket, a colon or the end of the statement).
    #[inline]
    fn simple_literal(&mut self) -> Result<Option<Ex<'a>>, Box<PyError>> {
        let simple = match self.tok.tok {
            Tok::Str(StrLit::Str(_) | StrLit::Bytes(_)) | Tok::Int(_) | Tok::Float(_) => true,
            Tok::Name(n) => matches!(n, "None" | "True" | "False"),
            _ => false,
        };
        let ends = match self.peek_byte() {
            b',' | b']' | b')' | b'}' | b':' | b';' | 0 => true,
            b'\n' | b'\r' | b'#' => self.lx.depth == 0,
            _ => false,
        };
        if !simple || !ends {
            return Ok(None);
        }
        if self.peek_byte() == b':'
            && self
                .lx
                .src
                .get(self.lx.pos..)
                .is_some_and(|r| r.trim_ascii_start().starts_with(b":="))
        {
            return Ok(None);
        }
        let t = self.bump()?;
        Ok(Some(Ex::Lit(match t.tok {
            Tok::Str(StrLit::Str(x)) => PyValue::Str(x),
            Tok::Str(StrLit::Bytes(x)) => PyValue::Bytes(x),
            Tok::Int(v) => PyValue::Int(v),
            Tok::Float(v) => PyValue::Float(v),
            Tok::Name("True") => PyValue::Bool(true),
            Tok::Name("False") => PyValue::Bool(false),
            _ => PyValue::None,
        })))
    }

    fn star_or_test(&mut self, star: bool) -> Result<Ex<'a>, Box<PyError>> {
        if let Some(v) = self.simple_literal()? {
            return Ok(v);
        }
        if star && self.is_op("*") {
            self.bump()?;
            let e = self.operand()?;
            return Ok(Ex::Dyn {
                why: "starred expression",
                root: e.root(),
                target: e.is_targetish(),
            });
        }
        self.test(false, false)
    }

    fn test(&mut self, no_in: bool, no_cond: bool) -> Result<Ex<'a>, Box<PyError>> {
        self.test_inner(no_in, no_cond)
    }

    /// `test` reached by recursion that does not go through a bracket.
    fn test_nested(&mut self, no_in: bool, no_cond: bool) -> Result<Ex<'a>, Box<PyError>> {
        self.enter()?;
        let r = self.test_inner(no_in, no_cond);
        self.leave();
        r
    }

    fn test_inner(&mut self, no_in: bool, no_cond: bool) -> Result<Ex<'a>, Box<PyError>> {
        if self.is_name("lambda") {
            self.bump()?;
            let mut d = 0u32;
            loop {
                match self.tok.tok {
                    Tok::Op(":") if d == 0 => break,
                    Tok::Op("(" | "[" | "{") => d += 1,
                    Tok::Op(")" | "]" | "}") => {
                        if d == 0 {
                            return Err(self.expected("':'"));
                        }
                        d -= 1;
                    }
                    Tok::Newline | Tok::Eof => return Err(self.expected("':'")),
                    _ => {}
                }
                self.bump()?;
            }
            self.bump()?;
            self.test_nested(no_in, no_cond)?;
            return Ok(Ex::dynm("lambda"));
        }
        let mut ex = self.operand()?;
        loop {
            let why = match self.tok.tok {
                Tok::Op(op) if is_binop(op) => {
                    let fmt = op == "%" && matches!(ex, Ex::Lit(PyValue::Str(_)));
                    self.bump()?;
                    if fmt {
                        "% formatting"
                    } else {
                        "operator expression"
                    }
                }
                Tok::Name("and" | "or") => {
                    self.bump()?;
                    "boolean expression"
                }
                Tok::Name("in") if !no_in => {
                    self.bump()?;
                    "comparison"
                }
                Tok::Name("is") => {
                    self.bump()?;
                    if self.is_name("not") {
                        self.bump()?;
                    }
                    "comparison"
                }
                Tok::Name("not") => {
                    self.bump()?;
                    if !self.is_name("in") {
                        return Err(self.expected("'in'"));
                    }
                    self.bump()?;
                    "comparison"
                }
                _ => break,
            };
            self.operand()?;
            ex = Ex::dynm(why);
        }
        if !no_cond && self.is_name("if") {
            self.bump()?;
            self.test_nested(no_in, true)?;
            if !self.is_name("else") {
                return Err(self.expected("'else'"));
            }
            self.bump()?;
            self.test_nested(no_in, false)?;
            return Ok(Ex::dynm("conditional expression"));
        }
        if self.is_op(":=") {
            if !matches!(ex, Ex::Name(_)) {
                return Err(self.expected("end of expression"));
            }
            self.bump()?;
            self.test_nested(no_in, no_cond)?;
            return Ok(Ex::dynm("assignment expression"));
        }
        Ok(ex)
    }

    /// Unary prefixes, a primary with trailers, and `**`.
    fn operand(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        let mut neg = false;
        let mut other_prefix: Option<&'static str> = None;
        let mut nprefix = 0usize;
        loop {
            match self.tok.tok {
                Tok::Op("-") => neg = !neg,
                Tok::Op("+") => {}
                Tok::Op("~") => other_prefix = Some("operator expression"),
                Tok::Name("not") => other_prefix = Some("boolean expression"),
                Tok::Name("await") => other_prefix = Some("await expression"),
                _ => break,
            }
            nprefix += 1;
            self.bump()?;
        }
        let mut ex = self.primary()?;
        if self.is_op("**") {
            self.bump()?;
            self.enter()?;
            let r = self.operand();
            self.leave();
            r?;
            ex = Ex::dynm("operator expression");
        }
        if nprefix == 0 {
            return Ok(ex);
        }
        if let Some(w) = other_prefix {
            return Ok(Ex::dynm(w));
        }
        Ok(match ex {
            Ex::Lit(PyValue::Int(v)) => {
                if neg {
                    match v.checked_neg() {
                        Some(v) => Ex::Lit(PyValue::Int(v)),
                        None => Ex::dynm("integer too large"),
                    }
                } else {
                    Ex::Lit(PyValue::Int(v))
                }
            }
            Ex::Lit(PyValue::Float(f)) => Ex::Lit(PyValue::Float(if neg { -f } else { f })),
            _ => Ex::dynm("operator expression"),
        })
    }

    fn primary(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        let mut ex = self.atom()?;
        loop {
            match self.tok.tok {
                Tok::Op("(") => {
                    self.enter()?;
                    let r = self.call_args();
                    self.leave();
                    r?;
                    ex = Ex::Dyn {
                        why: "call",
                        root: ex.root(),
                        target: false,
                    };
                }
                Tok::Op("[") => {
                    self.enter()?;
                    let r = self.subscript();
                    self.leave();
                    r?;
                    ex = Ex::Dyn {
                        why: "subscript",
                        root: ex.root(),
                        target: true,
                    };
                }
                Tok::Op(".") => {
                    self.bump()?;
                    match self.tok.tok {
                        Tok::Name(n) if !is_keyword(n) => {
                            self.bump()?;
                        }
                        _ => return Err(self.expected("attribute name")),
                    }
                    ex = Ex::Dyn {
                        why: "attribute access",
                        root: ex.root(),
                        target: true,
                    };
                }
                _ => return Ok(ex),
            }
        }
    }

    fn call_args(&mut self) -> Result<(), Box<PyError>> {
        self.bump()?; // (
        loop {
            if self.is_op(")") {
                break;
            }
            if self.is_op("*") || self.is_op("**") {
                self.bump()?;
                self.test(false, false)?;
            } else {
                let a = self.test(false, false)?;
                if self.is_op("=") {
                    if !matches!(a, Ex::Name(_)) {
                        return Err(self.expected("')'"));
                    }
                    self.bump()?;
                    self.test(false, false)?;
                } else if self.is_name("for") || self.is_name("async") {
                    self.comp_for()?;
                }
            }
            if self.is_op(",") {
                self.bump()?;
            } else {
                break;
            }
        }
        self.expect_op(")")
    }

    fn subscript(&mut self) -> Result<(), Box<PyError>> {
        self.bump()?; // [
        loop {
            if !self.is_op(":") {
                self.star_or_test(true)?;
            }
            if self.is_op(":") {
                self.bump()?;
                if !(self.is_op(":") || self.is_op(",") || self.is_op("]")) {
                    self.test(false, false)?;
                }
                if self.is_op(":") {
                    self.bump()?;
                    if !(self.is_op(",") || self.is_op("]")) {
                        self.test(false, false)?;
                    }
                }
            }
            if self.is_op(",") {
                self.bump()?;
                if self.is_op("]") {
                    break;
                }
            } else {
                break;
            }
        }
        self.expect_op("]")
    }

    fn comp_for(&mut self) -> Result<(), Box<PyError>> {
        loop {
            if self.is_name("async") {
                self.bump()?;
            }
            if !self.is_name("for") {
                return Err(self.expected("'for'"));
            }
            self.bump()?;
            loop {
                if self.is_op("*") {
                    self.bump()?;
                }
                self.test(true, true)?;
                if self.is_op(",") {
                    self.bump()?;
                    if self.is_name("in") {
                        break;
                    }
                } else {
                    break;
                }
            }
            if !self.is_name("in") {
                return Err(self.expected("'in'"));
            }
            self.bump()?;
            self.test(false, true)?;
            while self.is_name("if") {
                self.bump()?;
                self.test(false, true)?;
            }
            if !(self.is_name("for") || self.is_name("async")) {
                return Ok(());
            }
        }
    }

    fn atom(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        match self.tok.tok {
            Tok::Name(n) => {
                let v = match n {
                    "None" => Ex::Lit(PyValue::None),
                    "True" => Ex::Lit(PyValue::Bool(true)),
                    "False" => Ex::Lit(PyValue::Bool(false)),
                    _ if is_keyword(n) => return Err(self.expected("expression")),
                    _ => Ex::Name(n),
                };
                self.bump()?;
                Ok(v)
            }
            Tok::Int(v) => {
                self.bump()?;
                Ok(Ex::Lit(PyValue::Int(v)))
            }
            Tok::Float(v) => {
                self.bump()?;
                Ok(Ex::Lit(PyValue::Float(v)))
            }
            Tok::NumDyn(why) => {
                self.bump()?;
                Ok(Ex::dynm(why))
            }
            Tok::Str(_) => self.strings(),
            Tok::Op("...") => {
                self.bump()?;
                Ok(Ex::dynm("ellipsis"))
            }
            Tok::Op("(") => {
                self.enter()?;
                let r = self.paren();
                self.leave();
                r
            }
            Tok::Op("[") => {
                self.enter()?;
                let r = self.list();
                self.leave();
                r
            }
            Tok::Op("{") => {
                self.enter()?;
                let r = self.brace();
                self.leave();
                r
            }
            _ => Err(self.expected("expression")),
        }
    }

    fn strings(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        let mut s: Option<String> = None;
        let mut b: Vec<u8> = Vec::new();
        let mut is_bytes: Option<bool> = None;
        let mut dynamic: Option<&'static str> = None;
        while let Tok::Str(_) = self.tok.tok {
            let t = self.bump()?;
            let Tok::Str(lit) = t.tok else { break };
            let this_bytes = match &lit {
                StrLit::Str(_) => false,
                StrLit::Bytes(_) => true,
                StrLit::Dyn(_, bytes) => *bytes,
            };
            match is_bytes {
                Some(prev) if prev != this_bytes => {
                    return Err(self.err_at(
                        t.start,
                        format!(
                            "expected {} literal, found {} literal",
                            if prev { "bytes" } else { "string" },
                            if this_bytes { "bytes" } else { "string" }
                        ),
                    ))
                }
                _ => is_bytes = Some(this_bytes),
            }
            match lit {
                StrLit::Str(x) => match s.as_mut() {
                    Some(s) => s.push_str(&x),
                    None => s = Some(x),
                },
                StrLit::Bytes(x) => b.extend_from_slice(&x),
                StrLit::Dyn(why, _) => {
                    if dynamic.is_none() {
                        dynamic = Some(why);
                    }
                }
            }
        }
        if let Some(why) = dynamic {
            return Ok(Ex::dynm(why));
        }
        Ok(Ex::Lit(if is_bytes == Some(true) {
            PyValue::Bytes(b)
        } else {
            PyValue::Str(s.unwrap_or_default())
        }))
    }

    fn paren(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        self.bump()?; // (
        if self.is_op(")") {
            self.bump()?;
            return Ok(Ex::Lit(PyValue::Tuple(Vec::new())));
        }
        if self.is_name("yield") {
            let mut d = 0u32;
            loop {
                match self.tok.tok {
                    Tok::Op(")") if d == 0 => break,
                    Tok::Op("(" | "[" | "{") => d += 1,
                    Tok::Op(")" | "]" | "}") => d = d.saturating_sub(1),
                    Tok::Eof => return Err(self.expected("')'")),
                    _ => {}
                }
                self.bump()?;
            }
            self.bump()?;
            return Ok(Ex::dynm("yield"));
        }
        let first = self.star_or_test(true)?;
        if self.is_name("for") || self.is_name("async") {
            self.comp_for()?;
            self.expect_op(")")?;
            return Ok(Ex::dynm("generator expression"));
        }
        if self.is_op(")") {
            self.bump()?;
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_op(",") {
            self.bump()?;
            if self.is_op(")") {
                break;
            }
            items.push(self.star_or_test(true)?);
        }
        self.expect_op(")")?;
        Ok(make_seq(items, false))
    }

    fn list(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        self.bump()?; // [
        if self.is_op("]") {
            self.bump()?;
            return Ok(Ex::Lit(PyValue::List(Vec::new())));
        }
        let first = self.star_or_test(true)?;
        if self.is_name("for") || self.is_name("async") {
            self.comp_for()?;
            self.expect_op("]")?;
            return Ok(Ex::dynm("list comprehension"));
        }
        // fast path: all literals, collected straight into the value
        // Most lists of a package (requires, variants) hold up to eight items.
        let mut vals: Vec<PyValue> = Vec::with_capacity(8);
        let mut rest: Vec<Ex<'a>> = Vec::new();
        match first {
            Ex::Lit(v) => vals.push(v),
            other => rest.push(other),
        }
        while self.is_op(",") {
            self.bump()?;
            if self.is_op("]") {
                break;
            }
            let e = self.star_or_test(true)?;
            match e {
                Ex::Lit(v) if rest.is_empty() => vals.push(v),
                other => rest.push(other),
            }
        }
        self.expect_op("]")?;
        if rest.is_empty() {
            return Ok(Ex::Lit(PyValue::List(vals)));
        }
        let mut items: Vec<Ex<'a>> = vals.into_iter().map(Ex::Lit).collect();
        items.append(&mut rest);
        Ok(make_seq(items, true))
    }

    fn brace(&mut self) -> Result<Ex<'a>, Box<PyError>> {
        self.bump()?; // {
        if self.is_op("}") {
            self.bump()?;
            return Ok(Ex::Lit(PyValue::Dict(Vec::new())));
        }
        let mut pairs: Vec<(PyValue, PyValue)> = Vec::new();
        let mut dynamic: Option<&'static str> = None;
        let mut is_dict = true;
        let mut first = true;
        loop {
            if self.is_op("**") {
                if !first && !is_dict {
                    return Err(self.expected("expression"));
                }
                self.bump()?;
                self.operand()?;
                dynamic.get_or_insert("dict unpacking");
            } else {
                let k = self.star_or_test(true)?;
                if first && !self.is_op(":") {
                    is_dict = false;
                }
                if is_dict {
                    self.expect_op(":")?;
                    let v = self.test(false, false)?;
                    if first && (self.is_name("for") || self.is_name("async")) {
                        self.comp_for()?;
                        self.expect_op("}")?;
                        return Ok(Ex::dynm("dict comprehension"));
                    }
                    match (k, v) {
                        (Ex::Lit(k), Ex::Lit(v)) => {
                            if let Some(slot) = pairs.iter_mut().find(|(pk, _)| *pk == k) {
                                slot.1 = v;
                            } else {
                                pairs.push((k, v));
                            }
                        }
                        (Ex::Lit(_), other) | (other, _) => {
                            dynamic.get_or_insert(other.why());
                        }
                    }
                } else if first && (self.is_name("for") || self.is_name("async")) {
                    self.comp_for()?;
                    self.expect_op("}")?;
                    return Ok(Ex::dynm("set comprehension"));
                }
            }
            first = false;
            if self.is_op(",") {
                self.bump()?;
                if self.is_op("}") {
                    break;
                }
            } else {
                break;
            }
        }
        self.expect_op("}")?;
        if !is_dict {
            return Ok(Ex::dynm("set literal"));
        }
        Ok(match dynamic {
            Some(why) => Ex::dynm(why),
            None => Ex::Lit(PyValue::Dict(pairs)),
        })
    }
}

fn make_seq(items: Vec<Ex<'_>>, list: bool) -> Ex<'_> {
    if items.iter().all(|e| matches!(e, Ex::Lit(_))) {
        let vals: Vec<PyValue> = items
            .into_iter()
            .filter_map(|e| match e {
                Ex::Lit(v) => Some(v),
                _ => None,
            })
            .collect();
        return Ex::Lit(if list {
            PyValue::List(vals)
        } else {
            PyValue::Tuple(vals)
        });
    }
    if items.iter().all(|e| e.is_targetish()) {
        return Ex::Targets(items);
    }
    let why = items
        .iter()
        .find(|e| !matches!(e, Ex::Lit(_)))
        .map_or("expression", |e| e.why());
    Ex::dynm(why)
}

/// `scope("config")` -> `config`.
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
