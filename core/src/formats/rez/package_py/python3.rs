//! The Python 3 check of the blocks the reader skips (function bodies, `if`/`try`/`for`
//! blocks): rez compiles the whole file before it runs it, so a Python 2 statement inside
//! `commands()` makes the package fail to load, though no value of it is ever read here.
//!
//! The block is tokenized by the reader's own lexer, which already rejects the lexical
//! Python 2 forms (backticks, `0777`, `10L`, `ur""`), and the token stream is checked for
//! the syntactic ones Python 3 rejects, never executed:
//! - two operands in a row (`print "x"`, `exec code`, `print x`): Python 3 has no
//!   statement that puts a name, number or string right after another one, except the soft
//!   keywords `match`, `case` and `type` at the start of a statement;
//! - `<>`; `except X, e:` (a comma at the `except` clause's own level, Python 3.11 to 3.13);
//!   `raise E, "message"`;
//! - indentation as Python's tokenizer checks it: a tab counts to the next multiple of 8
//!   and also as one column, and both counts must order the lines alike (`TabError`); a
//!   dedent must return to an outer level; a line ending in `:` must be followed by a deeper
//!   one; a deeper line must follow one.
//!
//! It is not a full grammar: a file it passes may still fail to compile (an expression
//! missing an operand, `def f(a, (b, c))`), but every file it rejects fails to compile.

use super::lexer::{describe, is_keyword, Lexer, Tok, Token};
use super::{make_error, PyError};

/// Checks the top-level block `[from, to)`, which starts at column 1 (`def`, `if`, ...).
pub(super) fn check_block(
    src: &[u8],
    text: &str,
    from: usize,
    to: usize,
) -> Result<(), Box<PyError>> {
    let mut lx = Lexer {
        src,
        text,
        pos: from,
        depth: 0,
    };
    let mut state = State {
        src,
        levels: vec![(0, 0)],
        prev: None,
        line_start: true,
        stmt_start: true,
        stmt_head: None,
        clause: None,
        pending_block: false,
    };
    loop {
        let token = lx.next()?;
        if token.start >= to || token.tok == Tok::Eof {
            return state.end(token.start.min(to));
        }
        state.step(token, lx.depth)?;
    }
}

/// The statement keywords whose comma at the statement's level is Python 2 syntax.
#[derive(Clone, Copy, PartialEq)]
enum Clause {
    Except,
    Raise,
}

struct State<'s, 'a> {
    src: &'s [u8],
    /// The indentation levels open, as (columns with tabs to 8, columns with tabs as 1).
    levels: Vec<(u32, u32)>,
    prev: Option<Token<'a>>,
    /// The next token is the first of a logical line.
    line_start: bool,
    /// The next token starts a simple statement.
    stmt_start: bool,
    /// The first token of the current statement, if it was a name.
    stmt_head: Option<&'a str>,
    clause: Option<Clause>,
    /// The last line ended in `:`: the next must be indented deeper.
    pending_block: bool,
}

impl<'a> State<'_, 'a> {
    fn step(&mut self, token: Token<'a>, depth: u32) -> Result<(), Box<PyError>> {
        if token.tok == Tok::Newline {
            // A blank or comment line is a Newline after a Newline: it keeps what the last
            // real line asked for.
            if let Some(prev) = self.prev.as_ref().filter(|p| p.tok != Tok::Newline) {
                self.pending_block = prev.tok == Tok::Op(":");
            }
            self.line_start = true;
            self.stmt_start = true;
            self.clause = None;
            self.prev = Some(token);
            return Ok(());
        }
        if self.line_start {
            self.indentation(token.start)?;
            self.line_start = false;
        }
        let was_stmt_start = self.stmt_start;
        self.adjacent(&token)?;
        if was_stmt_start {
            self.stmt_head = match token.tok {
                Tok::Name(n) => Some(n),
                _ => None,
            };
            self.clause = match token.tok {
                Tok::Name("except") => Some(Clause::Except),
                Tok::Name("raise") => Some(Clause::Raise),
                _ => None,
            };
        }
        self.stmt_start = false;
        match token.tok {
            Tok::Op(";") => {
                self.stmt_start = true;
                self.clause = None;
            }
            Tok::Op(":") if depth == 0 => {
                if self.stmt_head.is_some_and(is_compound_keyword) {
                    self.stmt_start = true;
                }
                if self.clause == Some(Clause::Except) {
                    self.clause = None;
                }
            }
            Tok::Op(",") if depth == 0 => self.comma(token.start)?,
            Tok::Op(">") => self.not_equal(token.start)?,
            _ => {}
        }
        self.prev = Some(token);
        Ok(())
    }

    /// Two operands in a row: no Python 3 statement has one.
    fn adjacent(&self, token: &Token<'a>) -> Result<(), Box<PyError>> {
        let Some(prev) = &self.prev else {
            return Ok(());
        };
        if !ends_operand(&prev.tok) || !starts_operand(&token.tok) {
            return Ok(());
        }
        if matches!((&prev.tok, &token.tok), (Tok::Str(_), Tok::Str(_))) {
            return Ok(()); // "a" "b" is one string
        }
        let head = self.stmt_head.filter(|_| self.is_second_of_statement(prev));
        let message = match head {
            Some("match" | "case" | "type") => return Ok(()),
            Some(word @ ("print" | "exec")) => format!(
                "expected '(' after `{word}` (Python 2's {word} statement is a call in Python 3), found {}",
                describe(&token.tok)
            ),
            _ => format!(
                "expected an operator or the end of the statement, found {}",
                describe(&token.tok)
            ),
        };
        Err(make_error(self.src, token.start, message))
    }

    /// Whether `prev` was the first token of the current statement.
    fn is_second_of_statement(&self, prev: &Token<'a>) -> bool {
        matches!((&prev.tok, self.stmt_head), (Tok::Name(n), Some(h)) if *n == h)
            && self.clause.is_none()
    }

    /// A comma at the level of `except X, e:` or `raise E, "message"`.
    fn comma(&self, at: usize) -> Result<(), Box<PyError>> {
        let message = match self.clause {
            Some(Clause::Except) => {
                "expected 'as' before the exception's name, found ',' (Python 2's `except X, e:`)"
            }
            Some(Clause::Raise) => {
                "expected one exception after `raise`, found ',' (Python 2's `raise E, \"message\"`)"
            }
            None => return Ok(()),
        };
        Err(make_error(self.src, at, message.to_string()))
    }

    /// `<>`, Python 2's not-equal.
    fn not_equal(&self, at: usize) -> Result<(), Box<PyError>> {
        match &self.prev {
            Some(p) if p.tok == Tok::Op("<") && p.start + 1 == at => Err(make_error(
                self.src,
                p.start,
                "expected '!=', found '<>' (Python 2's not-equal)".to_string(),
            )),
            _ => Ok(()),
        }
    }

    /// The first token of a logical line: its indentation against the open levels.
    fn indentation(&mut self, at: usize) -> Result<(), Box<PyError>> {
        let (col, alt) = columns(self.src, at);
        let (top, top_alt) = self.levels.last().copied().unwrap_or((0, 0));
        let fault = |message: &str| Err(make_error(self.src, at, message.to_string()));
        let opens_block = std::mem::take(&mut self.pending_block);
        if opens_block && col <= top {
            return fault("expected an indented block, found a line that is not deeper");
        }
        if col > top {
            if alt <= top_alt {
                return fault(TAB_ERROR);
            }
            if !opens_block {
                return fault("expected a line at the block's indentation, found a deeper one");
            }
            self.levels.push((col, alt));
            return Ok(());
        }
        while self.levels.last().is_some_and(|&(c, _)| col < c) {
            self.levels.pop();
        }
        match self.levels.last() {
            Some(&(c, a)) if c == col && a == alt => Ok(()),
            Some(&(c, _)) if c == col => fault(TAB_ERROR),
            _ => fault("expected an indentation that matches an outer block's, found another"),
        }
    }

    fn end(&self, at: usize) -> Result<(), Box<PyError>> {
        if self.pending_block {
            return Err(make_error(
                self.src,
                at,
                "expected an indented block, found the end of the block".to_string(),
            ));
        }
        Ok(())
    }
}

const TAB_ERROR: &str = "expected consistent use of tabs and spaces in indentation, found a mix";

/// The indentation of the line of `at`, as Python's tokenizer counts it: (tabs to the next
/// multiple of 8, tabs as 1); a form feed starts the count again.
fn columns(src: &[u8], at: usize) -> (u32, u32) {
    let head = src.get(..at).unwrap_or(&[]);
    let line_start = head
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |k| k + 1);
    let (mut col, mut alt) = (0u32, 0u32);
    for &b in &head[line_start..] {
        match b {
            b' ' => (col, alt) = (col.saturating_add(1), alt.saturating_add(1)),
            b'\t' => (col, alt) = ((col / 8 + 1).saturating_mul(8), alt.saturating_add(1)),
            0x0c => (col, alt) = (0, 0),
            _ => {}
        }
    }
    (col, alt)
}

fn is_compound_keyword(word: &str) -> bool {
    matches!(
        word,
        "if" | "elif"
            | "else"
            | "for"
            | "while"
            | "try"
            | "except"
            | "finally"
            | "with"
            | "def"
            | "class"
            | "async"
            | "match"
            | "case"
    )
}

/// A token an operand can end with: a name, number, string, closing bracket or `...`.
fn ends_operand(tok: &Tok) -> bool {
    match tok {
        Tok::Name(n) => !is_keyword(n) || matches!(*n, "True" | "False" | "None"),
        Tok::Int(_) | Tok::Float(_) | Tok::NumDyn(_) | Tok::Str(_) => true,
        Tok::Op(op) => matches!(*op, ")" | "]" | "}" | "..."),
        Tok::Newline | Tok::Eof => false,
    }
}

/// A token an operand can start with, that cannot follow one: a name, number or string.
fn starts_operand(tok: &Tok) -> bool {
    match tok {
        Tok::Name(n) => !is_keyword(n) || matches!(*n, "True" | "False" | "None"),
        Tok::Int(_) | Tok::Float(_) | Tok::NumDyn(_) | Tok::Str(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_package_py;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The line of the error, or None when the file is read.
    fn fault(src: &str) -> Option<u32> {
        parse_package_py(src.as_bytes()).err().map(|e| e.line)
    }

    #[test]
    fn python_2_statements_in_bodies_are_errors() {
        // The lines Python 3.11's compile() reports (its column is the statement's, ours the
        // offending token's).
        assert_eq!(fault("def commands():\n    print 'x'\n"), Some(2));
        assert_eq!(fault("def f():\n    exec code\n"), Some(2));
        assert_eq!(
            fault("try:\n    import a\nexcept ImportError, e:\n    pass\n"),
            Some(3)
        );
        assert_eq!(fault("def f():\n    raise E, 'm'\n"), Some(2));
        assert_eq!(fault("if x <> 1:\n    pass\n"), Some(1));
        assert_eq!(fault("def f():\n    return 0777\n"), Some(2));
        assert_eq!(fault("def f():\n    return `x`\n"), Some(2));
    }

    #[test]
    fn indentation_is_checked_as_python_does() {
        // Eight spaces and a tab are one level with tabs to 8, two with tabs as 1: TabError.
        assert_eq!(fault("def f():\n        a = 1\n\tb = 2\n"), Some(3));
        assert_eq!(fault("def f():\n    a = 1\n      b = 2\n"), Some(3));
        assert_eq!(fault("def f():\n    if a:\n    b = 2\n"), Some(3));
        assert_eq!(
            fault("def f():\n    if a:\n        b = 2\n  c = 3\n"),
            Some(4)
        );
    }

    #[test]
    fn python_3_bodies_are_read() {
        for src in [
            "def commands() -> None:\n    # a comment first\n    env.A = 1\n",
            "def f():\n    print >>sys.stderr, 'x'\n    print('y')\n",
            "def f():\n    match x:\n        case [a, b] if a:\n            pass\n        case _:\n            pass\n",
            "def f():\n    type = 1\n    s = 'a' 'b'\n    g = lambda *, k=1: k\n    return {**d}\n",
            "if True:\n    pass\nelse:\n    x = [i for i in y if i]\n",
            "def f():\n    if a:\n        pass\n\n    # dedent to an outer level\n    return (\n  1)\n",
        ] {
            assert_eq!(fault(src), None, "{src}");
        }
    }
}
