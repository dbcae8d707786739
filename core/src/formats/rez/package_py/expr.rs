//! The expression parser: validates a Python 3 expression and sums it up as a literal
//! value, a name, assignment targets, or something dynamic (with what makes it so).

use super::lexer::{is_keyword, Tok};
use super::strings::StrLit;
use super::{Parser, PyError, PyValue};

/// Summary of a parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ex<'a> {
    /// A literal value.
    Lit(PyValue),
    /// A bare name.
    Name(&'a str),
    /// Tuple/list made only of assignment targets.
    Targets(Vec<Ex<'a>>),
    /// Anything else: what it is, the name it starts from (`x` of `x.y[0]`), and whether
    /// it can be assigned to (attribute, subscript, starred target).
    Dyn {
        why: &'static str,
        root: Option<&'a str>,
        target: bool,
    },
}

impl<'a> Ex<'a> {
    pub(super) fn why(&self) -> &'static str {
        match self {
            Ex::Lit(_) => "literal",
            Ex::Name(_) | Ex::Targets(_) => "name reference",
            Ex::Dyn { why, .. } => why,
        }
    }
    pub(super) fn root(&self) -> Option<&'a str> {
        match self {
            Ex::Name(n) => Some(n),
            Ex::Dyn { root, .. } => *root,
            _ => None,
        }
    }
    pub(super) fn dynm(why: &'static str) -> Ex<'a> {
        Ex::Dyn {
            why,
            root: None,
            target: false,
        }
    }
    pub(super) fn is_targetish(&self) -> bool {
        matches!(
            self,
            Ex::Name(_) | Ex::Targets(_) | Ex::Dyn { target: true, .. }
        )
    }
}

/// Binary and comparison operators.
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

impl<'a> Parser<'a> {
    /// Comma-separated expressions; a comma makes a tuple.
    ///
    /// `testlist = star_or_test {"," star_or_test} [","]` (`*` items only where `star`)
    pub(super) fn testlist(&mut self, star: bool) -> Result<Ex<'a>, Box<PyError>> {
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
    pub(super) fn peek_byte(&self) -> u8 {
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
    ///
    /// ```text
    /// simple_literal = (STRING | NUMBER | "None" | "True" | "False")
    ///                  &("," | ")" | "]" | "}" | ":" | ";" | line_end | ENDMARKER)
    /// ```
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

    /// An expression, or a starred one where `star`.
    ///
    /// `star_or_test = "*" operand | test` (`*` only where `star`)
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

    /// An expression; `no_in` leaves out `in` (a `for` target), `no_cond` the conditional.
    ///
    /// ```text
    /// test  = "lambda" {token} ":" test
    ///       | operand {binop operand} ["if" test "else" test]
    ///       | NAME ":=" test
    /// binop = "+" | "-" | "*" | "/" | "//" | "%" | "@" | "**" | "<<" | ">>" | "&" | "|" | "^"
    ///       | "<" | ">" | "<=" | ">=" | "==" | "!=" | "and" | "or" | "in" | "not" "in"
    ///       | "is" ["not"]
    /// ```
    pub(super) fn test(&mut self, no_in: bool, no_cond: bool) -> Result<Ex<'a>, Box<PyError>> {
        self.test_inner(no_in, no_cond)
    }

    /// `test` reached by recursion that does not go through a bracket (grammar: see `test`).
    fn test_nested(&mut self, no_in: bool, no_cond: bool) -> Result<Ex<'a>, Box<PyError>> {
        self.enter()?;
        let r = self.test_inner(no_in, no_cond);
        self.leave();
        r
    }

    /// The body of `test` and `test_nested` (grammar: see `test`).
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
    ///
    /// `operand = {"-" | "+" | "~" | "not" | "await"} primary ["**" operand]`
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

    /// An atom with its trailers: calls, subscripts and attributes.
    ///
    /// `primary = atom {"(" call_args ")" | "[" subscript "]" | "." NAME}`
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

    /// The arguments of a call, validated and dropped.
    ///
    /// ```text
    /// call_args = "(" [arg {"," arg} [","]] ")"
    /// arg       = "*" test | "**" test | NAME "=" test | test [comp_for]
    /// ```
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

    /// A subscript, validated and dropped.
    ///
    /// ```text
    /// subscript = "[" slice {"," slice} [","] "]"
    /// slice     = star_or_test | [star_or_test] ":" [test] [":" [test]]
    /// ```
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

    /// The `for` clauses of a comprehension, validated and dropped.
    ///
    /// ```text
    /// comp_for = ["async"] "for" ["*"] test {"," ["*"] test} [","] "in" test {"if" test}
    ///            [comp_for]
    /// ```
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

    /// A name, a literal or a display.
    ///
    /// `atom = NAME | "None" | "True" | "False" | NUMBER | strings | "..." | paren | list | brace`
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

    /// Adjacent string literals, concatenated.
    ///
    /// `strings = STRING {STRING}   (all text or all bytes)`
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

    /// A parenthesised expression, tuple or generator expression.
    ///
    /// ```text
    /// paren = "(" [yield_expr | star_or_test comp_for | star_or_test {"," star_or_test} [","]]
    ///         ")"
    /// ```
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

    /// A list display or list comprehension.
    ///
    /// `list = "[" [star_or_test comp_for | star_or_test {"," star_or_test} [","]] "]"`
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

    /// A dict or set display or comprehension.
    ///
    /// ```text
    /// brace     = "{" [dict_item {"," dict_item} [","] | test ":" test comp_for
    ///                 | star_or_test {"," star_or_test} [","] | star_or_test comp_for] "}"
    /// dict_item = star_or_test ":" test | "**" operand
    /// ```
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
