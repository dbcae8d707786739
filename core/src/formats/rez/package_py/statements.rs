//! Top-level statements: the loop over logical lines, and the simple statements
//! (assignments, imports, `del`, expression statements, ...) parsed with the expression
//! parser of [`super::expr`]; compound statements are handed to [`super::compound`].

use super::bindings::State;
use super::expr::Ex;
use super::lexer::{is_keyword, Tok};
use super::{is_nl, Parser, PyError, PyValue};

/// Augmented assignment operators.
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
    /// Skip blank and comment lines; returns the indentation of the next
    /// line with content, or None at end of file.
    ///
    /// `blank_line = {" " | "\t" | "\f"} ["#" comment] line_end`
    pub(super) fn skip_blank(&mut self) -> Option<usize> {
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

    /// Read every top-level line; a line that starts indented is an error.
    ///
    /// ```text
    /// file = [BOM] {blank_line | line}
    /// line = compound_stmt | simple_stmt {";" simple_stmt} [";"] (NEWLINE | ENDMARKER)
    /// ```
    pub(super) fn run(&mut self) -> Result<(), Box<PyError>> {
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
    ///
    /// ```text
    /// statement = compound_stmt   (at the start of a line)
    ///           | import_stmt | "pass" | "break" | "continue"
    ///           | ("global" | "nonlocal") NAME {"," NAME}
    ///           | "del" testlist_star | "assert" test ["," test]
    ///           | "raise" [test ["from" test]] | expr_stmt
    /// ```
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

    /// Unbind the names `del` deletes; deleting part of a static value makes it dynamic.
    ///
    /// ```text
    /// del_target = NAME | "(" del_target {"," del_target} ")" | "[" ... "]"
    ///            | primary "." NAME | primary "[" subscript "]"
    /// ```
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

    /// An import: its text is noted and the names it binds are bound to something opaque.
    ///
    /// ```text
    /// import_stmt = "import" dotted_name ["as" NAME] {"," dotted_name ["as" NAME]}
    ///             | "from" ({"." | "..."} dotted_name | ("." | "...")+) "import" import_list
    /// import_list = "*" | import_as {"," import_as} | "(" import_as {"," import_as} [","] ")"
    /// import_as   = NAME ["as" NAME]
    /// dotted_name = NAME {"." NAME}
    /// ```
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

    /// An assignment, augmented assignment, annotated assignment or expression statement.
    ///
    /// ```text
    /// expr_stmt = testlist_star {"=" (testlist_star | "yield" ...)}
    ///           | testlist_star augop testlist
    ///           | testlist_star ":" test ["=" testlist_star]
    /// ```
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

    /// Bind `target` to `value`: a name to a literal is static, anything else dynamic.
    ///
    /// ```text
    /// target = NAME | "(" target {"," target} [","] ")" | "[" target {"," target} [","] "]"
    ///        | "*" target | primary "." NAME | primary "[" subscript "]"
    /// ```
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
}
