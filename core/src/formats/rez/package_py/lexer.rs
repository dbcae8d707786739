//! Tokens of a `package.py`: names, numbers, strings (decoded by [`super::strings`]) and
//! operators, with comments, `\` continuations and the line ends inside brackets skipped.

use super::strings::{decode_string, string_span, StrLit};
use super::{is_nl, make_error, make_fault, PyError};

/// Python 3's keywords (soft keywords such as `match` are names).
pub(super) fn is_keyword(w: &str) -> bool {
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

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok<'a> {
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

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token<'a> {
    pub(super) tok: Tok<'a>,
    pub(super) start: usize,
}

/// The token as an error message names it (`name 'x'`, `'('`, `end of file`).
pub(super) fn describe(t: &Tok) -> String {
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
///
/// ```text
/// operator = "(" | ")" | "[" | "]" | "{" | "}" | "," | ";" | "~" | "..." | "." | ":=" | ":"
///          | "->" | "=" | "==" | "!=" | ("+" | "-" | "*" | "/" | "//" | "%" | "@" | "**"
///          | "&" | "|" | "^" | "<<" | ">>") ["="] | "<" | ">" | "<=" | ">="
/// ```
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

/// Bytes that start a name (any byte of a non-ASCII character counts).
pub(super) fn is_ident_start(b: u8) -> bool {
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

pub(super) fn is_ident_char(b: u8) -> bool {
    IDENT_CHAR[usize::from(b)]
}

/// Value of a hexadecimal digit, or 99 for any other byte.
pub(super) fn digit_val(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'a'..=b'f' => u32::from(b - b'a') + 10,
        b'A'..=b'F' => u32::from(b - b'A') + 10,
        _ => 99,
    }
}

/// The token stream over the input.
pub(super) struct Lexer<'a> {
    /// The input.
    pub(super) src: &'a [u8],
    /// The input, known to be UTF-8.
    pub(super) text: &'a str,
    /// Where the next token is looked for.
    pub(super) pos: usize,
    /// Open brackets: line ends inside them are not tokens.
    pub(super) depth: u32,
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

    /// The next token, after what is ignored between tokens.
    ///
    /// ```text
    /// token  = NAME | NUMBER | STRING | operator | NEWLINE | ENDMARKER
    /// ignore = " " | "\t" | "\f" | "#" comment | "\" line_end | line_end (inside brackets)
    /// STRING = [prefix] (quote ... quote | triple ... triple)
    /// prefix = "r" | "u" | "b" | "f" | "rb" | "br" | "rf" | "fr"   (any case)
    /// ```
    pub(super) fn next(&mut self) -> Result<Token<'a>, Box<PyError>> {
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

    /// The number starting at `start`: an int beyond `i128` or a complex number has no value.
    ///
    /// ```text
    /// NUMBER   = "0" ("x" | "X") hexdigits | "0" ("o" | "O") octdigits | "0" ("b" | "B") bindigits
    ///          | (digits ["." [digits]] | "." digits) [exponent] ["j" | "J"]
    /// exponent = ("e" | "E") ["+" | "-"] digits
    /// digits   = digit {["_"] digit}
    /// ```
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

    /// The string literal whose prefix starts at `start` and whose quote is at `q_pos`.
    ///
    /// `STRING = [prefix] (quote ... quote | triple ... triple)`
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
            Err(fault) => return Err(make_fault(self.src, fault)),
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
            decode_string(content, raw, bytes)
                .map_err(|f| make_fault(self.src, f.shifted(content_start)))?
        };
        Ok(Token {
            tok: Tok::Str(lit),
            start,
        })
    }
}
