//! PEP 508 requirements and environment markers as packaging 26.3 reads, prints and
//! evaluates them (`_tokenizer.py`, `_parser.py`, `markers.py`, `requirements.py`), and PEP 503
//! name normalisation. See `docs/decisions.md`, "PEP 440/508: our own reader, by measurement".
//!
//! The rest of core sees [`Requirement`] values and [`RequirementError`]s with byte offsets,
//! [`Marker`]s printed as `str(Marker(...))` and evaluated in a [`MarkerEnvironment`] (from a
//! [`TargetEnvironment`](super::target::TargetEnvironment)), and [`normalize_name`].
//! Parentheses in a marker nest at most [`MAX_MARKER_DEPTH`] deep: deeper is an error, never a
//! stack overflow.

use super::pep440::{specifier_contains, specifier_token_len, Specifiers};
use super::pep508_compat::{is_boundary, python_string_literal};
use crate::record::{Requirement, RequirementKind};
use std::fmt;
use std::ops::Range;

/// How deep parentheses may nest in a marker. packaging's recursive parser stops near 300
/// (Python's recursion limit, a `RecursionError`); real markers use two or three.
pub const MAX_MARKER_DEPTH: usize = 100;

/// A requirement string that is not valid PEP 508.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementError {
    /// A lower-case message (packaging's, first letter lowered).
    pub message: String,
    /// The byte span of the fault in the requirement string (empty for a point).
    pub span: Range<usize>,
}

/// Parses one PEP 508 requirement. `kind` is the role it plays; a top-level `extra == "x"`
/// in its marker turns a [`RequirementKind::Run`] into [`RequirementKind::Optional`].
///
/// `requirement = WS? name WS? extras? WS? (("@" WS? url (WS marker_part?)?) | (specifiers WS?
/// marker_part?))`, `extras = "[" WS? (name (WS? "," WS? name)*)? WS? "]"`,
/// `specifiers = "(" WS? list WS? ")" | list`, `list = (specifier (WS? "," WS? specifier)*)?`,
/// `marker_part = ";" marker WS?`, `WS = [ \t]+` (packaging's `_parser.py`)
pub fn parse_requirement(
    raw: &str,
    kind: RequirementKind,
    line: u32,
) -> Result<Requirement, RequirementError> {
    let parsed = Parser::new(raw).requirement()?;
    let specifiers = Specifiers::parse(&parsed.specifier).ok_or_else(|| RequirementError {
        message: format!("invalid specifier: {:?}", parsed.specifier),
        span: parsed.specifier_span.clone(),
    })?;
    let kind = match (
        kind,
        parsed.marker.as_ref().and_then(Marker::top_level_extra),
    ) {
        (RequirementKind::Run, Some(extra)) => RequirementKind::Optional(extra),
        (kind, _) => kind,
    };
    Ok(Requirement {
        raw: raw.to_owned(),
        name: parsed.name.to_owned(),
        spec: specifiers.render(),
        extras: parsed.extras.iter().map(|e| normalize_name(e)).collect(),
        marker: parsed.marker.map(|m| m.to_string()),
        url: parsed.url.map(str::to_owned),
        kind,
        line,
    })
}

/// A requirement's parts as the grammar finds them.
struct ParsedRequirement<'a> {
    name: &'a str,
    extras: Vec<&'a str>,
    url: Option<&'a str>,
    /// The specifiers, whitespace between them dropped (packaging's `parsed.specifier`).
    specifier: String,
    specifier_span: Range<usize>,
    marker: Option<Marker>,
}

/// The comparison operators of a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompareOp {
    Arbitrary,
    Equal,
    Compatible,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    In,
    NotIn,
}

impl CompareOp {
    /// packaging's `OP` token, longest first.
    const SYMBOLS: [(&'static str, CompareOp); 8] = [
        ("===", CompareOp::Arbitrary),
        ("==", CompareOp::Equal),
        ("~=", CompareOp::Compatible),
        ("!=", CompareOp::NotEqual),
        ("<=", CompareOp::LessEqual),
        (">=", CompareOp::GreaterEqual),
        ("<", CompareOp::Less),
        (">", CompareOp::Greater),
    ];

    fn as_str(self) -> &'static str {
        match self {
            CompareOp::In => "in",
            CompareOp::NotIn => "not in",
            op => {
                let found = CompareOp::SYMBOLS.iter().find(|(_, o)| *o == op);
                found.map_or("", |(s, _)| s)
            }
        }
    }
}

/// One side of a comparison: an environment variable or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Operand {
    /// The variable's name, `.` spelt `_` and `python_implementation` as
    /// `platform_python_implementation` (packaging's `process_env_var`).
    Variable(&'static str),
    Value(String),
}

impl Operand {
    /// packaging's `node.value`: the variable's name or the string.
    fn text(&self) -> &str {
        match self {
            Operand::Variable(name) => name,
            Operand::Value(value) => value,
        }
    }
}

/// `lhs op rhs`.
#[derive(Debug, Clone)]
struct Comparison {
    lhs: Operand,
    op: CompareOp,
    rhs: Operand,
}

/// `and`/`or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoolOp {
    And,
    Or,
}

/// One operand of `and`/`or`: a comparison or a parenthesised marker.
#[derive(Debug, Clone)]
enum Atom {
    Comparison(Comparison),
    Group(Box<MarkerList>),
}

/// `atom (boolop atom)*`, flat as packaging keeps it (`and` binds tighter at evaluation).
#[derive(Debug, Clone)]
struct MarkerList {
    first: Atom,
    rest: Vec<(BoolOp, Atom)>,
}

/// A parsed environment marker, ready to print (as packaging's `str(Marker)`) and evaluate.
#[derive(Debug, Clone)]
pub struct Marker(MarkerList);

/// Why packaging cannot evaluate a marker: `UndefinedComparison` (`~=`/`===` on text, a
/// set-valued variable on the left) or `UndefinedEnvironmentName` (a name the environment
/// lacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerEvalError {
    /// packaging's exception, `UndefinedComparison` or `UndefinedEnvironmentName`.
    pub kind: &'static str,
    /// What was compared.
    pub message: String,
}

impl Marker {
    /// Parses a marker expression (the part after `;`); `None` when packaging's `Marker`
    /// rejects it.
    ///
    /// `marker = atom (("and" | "or") atom)*`, `atom = WS? ("(" WS? marker WS? ")" | item) WS?`,
    /// `item = var WS? op WS? var`, `var = VARIABLE | QUOTED_STRING`,
    /// `op = "in" | "not" WS "in" | "===" | "==" | "~=" | "!=" | "<=" | ">=" | "<" | ">"`
    pub fn parse(text: &str) -> Option<Marker> {
        Marker::parse_detailed(text).ok()
    }

    /// [`Marker::parse`], with the fault of a marker that does not parse.
    pub fn parse_detailed(text: &str) -> Result<Marker, RequirementError> {
        let mut parser = Parser::new(text);
        let marker = parser.marker(0)?;
        parser.expect_end("end of marker expression")?;
        Ok(Marker(marker))
    }

    /// Whether the marker holds in `env` with `extras` requested (any of them; `extra` is `""`
    /// with none). `extras` and `dependency_groups` (lock-file markers, PEP 751) are the
    /// requested extras and no group. A comparison packaging cannot evaluate (`~=` on text,
    /// say) makes the marker not hold: pip stops with an error there.
    pub fn evaluate(&self, env: &MarkerEnvironment, extras: &[String]) -> bool {
        let normalized: Vec<String> = extras.iter().map(|e| canonicalize(e)).collect();
        let holds = |extra: &str| {
            let scope = Scope {
                env,
                extra,
                extras: Some(&normalized),
            };
            eval_list(&self.0, &scope).unwrap_or(false)
        };
        if normalized.is_empty() {
            holds("")
        } else {
            normalized.iter().any(|extra| holds(extra))
        }
    }

    /// packaging's `Marker.evaluate(env)` with `extra` set (`""` for none), in its default
    /// ("metadata") context: `extras` and `dependency_groups` are undefined names.
    pub fn evaluate_as_packaging(
        &self,
        env: &MarkerEnvironment,
        extra: &str,
    ) -> Result<bool, MarkerEvalError> {
        let extra = canonicalize(extra);
        let scope = Scope {
            env,
            extra: &extra,
            extras: None,
        };
        eval_list(&self.0, &scope)
    }

    /// The extra of a top-level `extra == "x"` (alone or in an `and` at the top level).
    fn top_level_extra(&self) -> Option<String> {
        fn find(list: &MarkerList) -> Option<String> {
            if list.rest.iter().any(|(op, _)| *op == BoolOp::Or) {
                return None;
            }
            std::iter::once(&list.first)
                .chain(list.rest.iter().map(|(_, atom)| atom))
                .find_map(|atom| match atom {
                    Atom::Comparison(Comparison {
                        lhs: Operand::Variable("extra"),
                        op: CompareOp::Equal,
                        rhs: Operand::Value(extra),
                    })
                    | Atom::Comparison(Comparison {
                        lhs: Operand::Value(extra),
                        op: CompareOp::Equal,
                        rhs: Operand::Variable("extra"),
                    }) => Some(extra.clone()),
                    Atom::Comparison(_) => None,
                    Atom::Group(inner) => find(inner),
                })
        }
        find(&self.0)
    }
}

/// packaging's `str(Marker)`: one space around each operator, strings in double quotes
/// (single where the string holds a double quote), parentheses kept only around a group of
/// two or more operands inside another.
impl fmt::Display for Marker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, &self.0, true)
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, list: &MarkerList, top: bool) -> fmt::Result {
    if list.rest.is_empty() {
        return write_atom(f, &list.first, top);
    }
    if !top {
        f.write_str("(")?;
    }
    write_atom(f, &list.first, false)?;
    for (op, atom) in &list.rest {
        f.write_str(match op {
            BoolOp::And => " and ",
            BoolOp::Or => " or ",
        })?;
        write_atom(f, atom, false)?;
    }
    if !top {
        f.write_str(")")?;
    }
    Ok(())
}

fn write_atom(f: &mut fmt::Formatter<'_>, atom: &Atom, top: bool) -> fmt::Result {
    match atom {
        Atom::Group(list) => write_list(f, list, top),
        Atom::Comparison(c) => {
            write_operand(f, &c.lhs)?;
            write!(f, " {} ", c.op.as_str())?;
            write_operand(f, &c.rhs)
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, operand: &Operand) -> fmt::Result {
    match operand {
        Operand::Variable(name) => f.write_str(name),
        Operand::Value(value) if value.contains('"') && !value.contains('\'') => {
            write!(f, "'{value}'")
        }
        Operand::Value(value) => write!(f, "\"{value}\""),
    }
}

/// The values markers are evaluated against (packaging's `Environment`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // PEP 508's names; see packaging's `Environment`.
pub struct MarkerEnvironment {
    pub implementation_name: String,
    pub implementation_version: String,
    pub os_name: String,
    pub platform_machine: String,
    pub platform_python_implementation: String,
    pub platform_release: String,
    pub platform_system: String,
    pub platform_version: String,
    pub python_full_version: String,
    pub python_version: String,
    pub sys_platform: String,
}

impl MarkerEnvironment {
    /// The value of a marker variable, by its name with `_` (as packaging looks it up).
    fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "implementation_name" => &self.implementation_name,
            "implementation_version" => &self.implementation_version,
            "os_name" => &self.os_name,
            "platform_machine" => &self.platform_machine,
            "platform_python_implementation" => &self.platform_python_implementation,
            "platform_release" => &self.platform_release,
            "platform_system" => &self.platform_system,
            "platform_version" => &self.platform_version,
            "python_full_version" => &self.python_full_version,
            "python_version" => &self.python_version,
            "sys_platform" => &self.sys_platform,
            _ => return None,
        })
    }
}

/// What a marker is evaluated in: the environment, the extra, and (lock-file context) the
/// set of extras.
struct Scope<'e> {
    env: &'e MarkerEnvironment,
    extra: &'e str,
    extras: Option<&'e [String]>,
}

/// A looked-up value: text, or a set (`extras`, `dependency_groups`).
enum Value<'e> {
    Text(std::borrow::Cow<'e, str>),
    Set(&'e [String]),
}

impl<'e> Scope<'e> {
    fn lookup(&self, key: &str) -> Result<Value<'e>, MarkerEvalError> {
        let found = match key {
            "extra" => Some(Value::Text(self.extra.into())),
            "extras" => self.extras.map(Value::Set),
            "dependency_groups" => self.extras.map(|_| Value::Set(&[])),
            // packaging repairs a `python_full_version` ending in `+` (an untagged build).
            "python_full_version" if self.env.python_full_version.ends_with('+') => Some(
                Value::Text(format!("{}local", self.env.python_full_version).into()),
            ),
            _ => self.env.get(key).map(|v| Value::Text(v.into())),
        };
        found.ok_or_else(|| MarkerEvalError {
            kind: "UndefinedEnvironmentName",
            message: format!("{key:?} is not in the environment"),
        })
    }
}

/// packaging's `_evaluate_markers`: every comparison is evaluated (an error anywhere is the
/// result), then `or` of the `and` groups.
fn eval_list(list: &MarkerList, scope: &Scope) -> Result<bool, MarkerEvalError> {
    let mut any = false;
    let mut group = eval_atom(&list.first, scope)?;
    for (op, atom) in &list.rest {
        let value = eval_atom(atom, scope)?;
        match op {
            BoolOp::And => group &= value,
            BoolOp::Or => {
                any |= group;
                group = value;
            }
        }
    }
    Ok(any | group)
}

fn eval_atom(atom: &Atom, scope: &Scope) -> Result<bool, MarkerEvalError> {
    match atom {
        Atom::Group(list) => eval_list(list, scope),
        Atom::Comparison(c) => eval_comparison(c, scope),
    }
}

/// The marker variables whose comparisons are version comparisons where both sides allow.
const VERSION_KEYS: [&str; 4] = [
    "implementation_version",
    "platform_release",
    "python_full_version",
    "python_version",
];

fn eval_comparison(c: &Comparison, scope: &Scope) -> Result<bool, MarkerEvalError> {
    let (key, lhs, rhs) = match &c.lhs {
        Operand::Variable(key) => (*key, scope.lookup(key)?, Value::Text(c.rhs.text().into())),
        Operand::Value(value) => {
            let key = c.rhs.text();
            (key, Value::Text(value.into()), scope.lookup(key)?)
        }
    };
    let undefined = || MarkerEvalError {
        kind: "UndefinedComparison",
        message: format!("undefined `{}` on `{key}`", c.op.as_str()),
    };
    let Value::Text(lhs) = lhs else {
        return Err(undefined());
    };
    let set_valued = matches!(key, "extras" | "dependency_groups");
    let lhs = if set_valued {
        canonicalize(&lhs).into()
    } else {
        lhs
    };
    let rhs = match rhs {
        Value::Text(text) if set_valued => Value::Text(canonicalize(&text).into()),
        rhs => rhs,
    };
    if let (true, Value::Text(rhs)) = (VERSION_KEYS.contains(&key), &rhs) {
        if let Some(result) = specifier_contains(&format!("{}{rhs}", c.op.as_str()), &lhs) {
            return result.map_err(|()| undefined());
        }
    }
    let equal = match &rhs {
        Value::Text(rhs) => lhs == *rhs,
        Value::Set(_) => false,
    };
    let contained = || match &rhs {
        Value::Text(rhs) => rhs.contains(lhs.as_ref()),
        Value::Set(set) => set.iter().any(|e| *e == lhs),
    };
    Ok(match c.op {
        CompareOp::In => contained(),
        CompareOp::NotIn => !contained(),
        CompareOp::Less | CompareOp::Greater => false,
        CompareOp::LessEqual | CompareOp::Equal | CompareOp::GreaterEqual => equal,
        CompareOp::NotEqual => !equal,
        CompareOp::Compatible | CompareOp::Arbitrary => return Err(undefined()),
    })
}

/// packaging's `canonicalize_name`: lower case, each run of `-`, `_`, `.` one `-` (ends kept).
fn canonicalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The marker variables (packaging's `VARIABLE` token, in its order) and their names.
const VARIABLES: [(&str, &str); 20] = [
    ("python_version", "python_version"),
    ("python_full_version", "python_full_version"),
    ("os_name", "os_name"),
    ("os.name", "os_name"),
    ("sys_platform", "sys_platform"),
    ("sys.platform", "sys_platform"),
    ("platform_release", "platform_release"),
    ("platform_system", "platform_system"),
    ("platform_version", "platform_version"),
    ("platform.version", "platform_version"),
    ("platform_machine", "platform_machine"),
    ("platform.machine", "platform_machine"),
    (
        "platform_python_implementation",
        "platform_python_implementation",
    ),
    (
        "platform.python_implementation",
        "platform_python_implementation",
    ),
    ("python_implementation", "platform_python_implementation"),
    ("implementation_name", "implementation_name"),
    ("implementation_version", "implementation_version"),
    ("extras", "extras"),
    ("extra", "extra"),
    ("dependency_groups", "dependency_groups"),
];

/// packaging's tokenizer and recursive-descent parser over one requirement or marker, in
/// byte offsets.
struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn error(&self, message: impl Into<String>, start: usize, end: usize) -> RequirementError {
        let message: String = message.into();
        let mut chars = message.chars();
        let message = match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        };
        RequirementError {
            message,
            span: start..end.max(start),
        }
    }

    fn expected(&self, what: &str) -> RequirementError {
        self.error(format!("expected {what}"), self.pos, self.pos)
    }

    /// `WS = [ \t]+`, skipped if present.
    fn ws(&mut self) -> bool {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\t']).len();
        self.pos += n;
        n > 0
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// `\bword\b`.
    fn keyword(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        if self.rest().starts_with(word)
            && is_boundary(self.src, self.pos)
            && is_boundary(self.src, end)
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn expect_end(&self, what: &str) -> Result<(), RequirementError> {
        if self.pos == self.src.len() {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// `IDENTIFIER = \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: the longest run that ends on a word
    /// boundary.
    fn identifier(&mut self) -> Option<&'a str> {
        let rest = self.rest().as_bytes();
        if !rest.first().is_some_and(u8::is_ascii_alphanumeric) || !is_boundary(self.src, self.pos)
        {
            return None;
        }
        let run = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
            .unwrap_or(rest.len());
        let len = (1..=run)
            .rev()
            .find(|&len| is_boundary(self.src, self.pos + len))?;
        let start = self.pos;
        self.pos += len;
        Some(&self.src[start..self.pos])
    }

    fn requirement(&mut self) -> Result<ParsedRequirement<'a>, RequirementError> {
        self.ws();
        let name = self
            .identifier()
            .ok_or_else(|| self.expected("package name at the start of dependency specifier"))?;
        self.ws();
        let extras = self.extras()?;
        self.ws();
        let mut parsed = ParsedRequirement {
            name,
            extras,
            url: None,
            specifier: String::new(),
            specifier_span: self.pos..self.pos,
            marker: None,
        };
        if self.eat("@") {
            self.ws();
            let url_start = self.pos;
            let len = self.rest().find([' ', '\t']).unwrap_or(self.rest().len());
            if len == 0 {
                return Err(self.expected("URL after @"));
            }
            self.pos += len;
            parsed.url = Some(&self.src[url_start..self.pos]);
            if self.pos == self.src.len() {
                return Ok(parsed);
            }
            if !self.ws() {
                return Err(self.expected("whitespace after URL"));
            }
            if self.pos == self.src.len() {
                return Ok(parsed);
            }
            parsed.marker = Some(self.marker_part("semicolon (after URL and whitespace)")?);
        } else {
            let start = self.pos;
            parsed.specifier = self.specifier()?;
            parsed.specifier_span = start..self.pos;
            self.ws();
            if self.pos == self.src.len() {
                return Ok(parsed);
            }
            let expected = if parsed.specifier.is_empty() {
                "semicolon (after name with no version specifier)"
            } else {
                "comma (within version specifier), semicolon (after version specifier)"
            };
            parsed.marker = Some(self.marker_part(expected)?);
        }
        self.expect_end("end of dependency specifier")?;
        Ok(parsed)
    }

    /// `";" marker WS?`. A missing `;` points where it was expected (packaging's caret).
    fn marker_part(&mut self, expected: &str) -> Result<Marker, RequirementError> {
        if !self.eat(";") {
            return Err(self.expected(&format!("{expected} or end")));
        }
        let marker = self.marker(0)?;
        self.ws();
        Ok(Marker(marker))
    }

    fn extras(&mut self) -> Result<Vec<&'a str>, RequirementError> {
        if !self.eat("[") {
            return Ok(Vec::new());
        }
        self.ws();
        let mut extras = Vec::new();
        if let Some(first) = self.identifier() {
            extras.push(first);
            loop {
                self.ws();
                let before = self.pos;
                if self.identifier().is_some() {
                    self.pos = before;
                    return Err(self.expected("comma between extra names"));
                }
                if !self.eat(",") {
                    break;
                }
                self.ws();
                let extra = self
                    .identifier()
                    .ok_or_else(|| self.expected("extra name after comma"))?;
                extras.push(extra);
            }
        }
        self.ws();
        if !self.eat("]") {
            return Err(self.expected("matching RIGHT_BRACKET for LEFT_BRACKET, after extras"));
        }
        Ok(extras)
    }

    /// `"(" WS? list WS? ")" | list`; the specifiers joined without whitespace.
    fn specifier(&mut self) -> Result<String, RequirementError> {
        let parenthesised = self.eat("(");
        self.ws();
        let mut out = String::new();
        while let Some(len) = specifier_token_len(self.rest()) {
            let start = self.pos;
            let token = &self.rest()[..len];
            self.pos += len;
            out.push_str(token);
            if self.rest().starts_with(".*") {
                let equality = token.starts_with("!=")
                    || (token.starts_with("==") && !token.starts_with("==="));
                let message = if equality {
                    ".* suffix cannot be used with pre-release, post-release, dev or local versions"
                } else {
                    ".* suffix can only be used with `==` or `!=` operators"
                };
                return Err(self.error(message, start, self.pos + 1));
            }
            if local_label_len(self.rest()) > 0 {
                return Err(self.error(
                    "local version label can only be used with `==` or `!=` operators",
                    start,
                    self.pos,
                ));
            }
            self.ws();
            if !self.eat(",") {
                break;
            }
            out.push(',');
            self.ws();
        }
        self.ws();
        if parenthesised && !self.eat(")") {
            return Err(self.expected(
                "matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier",
            ));
        }
        Ok(out)
    }

    /// `marker = atom (BOOLOP atom)*`; `depth` parentheses are open around it.
    fn marker(&mut self, depth: usize) -> Result<MarkerList, RequirementError> {
        let first = self.atom(depth)?;
        let mut rest = Vec::new();
        loop {
            let op = if self.keyword("and") {
                BoolOp::And
            } else if self.keyword("or") {
                BoolOp::Or
            } else {
                break;
            };
            rest.push((op, self.atom(depth)?));
        }
        Ok(MarkerList { first, rest })
    }

    fn atom(&mut self, depth: usize) -> Result<Atom, RequirementError> {
        self.ws();
        let atom = if self.rest().starts_with('(') {
            let open = self.pos;
            if depth >= MAX_MARKER_DEPTH {
                return Err(self.error(
                    format!("marker parentheses nested more than {MAX_MARKER_DEPTH} deep"),
                    open,
                    open + 1,
                ));
            }
            self.pos += 1;
            self.ws();
            let inner = self.marker(depth + 1)?;
            self.ws();
            if !self.eat(")") {
                return Err(self.expected(
                    "matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression",
                ));
            }
            Atom::Group(Box::new(inner))
        } else {
            Atom::Comparison(self.comparison()?)
        };
        self.ws();
        Ok(atom)
    }

    fn comparison(&mut self) -> Result<Comparison, RequirementError> {
        self.ws();
        let lhs = self.operand()?;
        self.ws();
        let op = self.compare_op()?;
        self.ws();
        let rhs = self.operand()?;
        self.ws();
        Ok(normalize_extra(Comparison { lhs, op, rhs }))
    }

    fn operand(&mut self) -> Result<Operand, RequirementError> {
        for (token, name) in VARIABLES {
            if self.keyword(token) {
                return Ok(Operand::Variable(name));
            }
        }
        let rest = self.rest();
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '\'' | '"')) {
            if let Some(close) = rest[1..].find(quote) {
                let start = self.pos;
                let token = &rest[..close + 2];
                return match python_string_literal(token) {
                    Some(value) => {
                        self.pos += token.len();
                        Ok(Operand::Value(value))
                    }
                    None => Err(self.error("invalid quoted string", start, start + token.len())),
                };
            }
        }
        Err(self.expected("a marker variable or quoted string"))
    }

    fn compare_op(&mut self) -> Result<CompareOp, RequirementError> {
        if self.keyword("in") {
            return Ok(CompareOp::In);
        }
        if self.keyword("not") {
            if !self.ws() {
                return Err(self.expected("whitespace after 'not'"));
            }
            if !self.keyword("in") {
                return Err(self.expected("'in' after 'not'"));
            }
            return Ok(CompareOp::NotIn);
        }
        for (symbol, op) in CompareOp::SYMBOLS {
            if self.eat(symbol) {
                return Ok(op);
            }
        }
        Err(self.expected("marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in"))
    }
}

/// packaging's `VERSION_LOCAL_LABEL_TRAIL` (`\+[a-z0-9]+([-_.][a-z0-9]+)*`, lower case only):
/// its length at the start of `rest`, 0 when absent.
fn local_label_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let label = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.first() != Some(&b'+') || !bytes.get(1).is_some_and(label) {
        return 0;
    }
    let mut i = 1;
    while bytes.get(i).is_some_and(label) {
        i += 1;
    }
    while matches!(bytes.get(i), Some(b'-' | b'_' | b'.')) && bytes.get(i + 1).is_some_and(label) {
        i += 1;
        while bytes.get(i).is_some_and(label) {
            i += 1;
        }
    }
    i
}

/// packaging's `_normalize_extras`: the string compared with `extra` (or tested for
/// membership in `extras`/`dependency_groups`) is normalised when parsed.
fn normalize_extra(mut c: Comparison) -> Comparison {
    match (&mut c.lhs, &mut c.rhs) {
        (Operand::Variable("extra"), Operand::Value(value))
        | (Operand::Value(value), Operand::Variable("extra" | "extras" | "dependency_groups")) => {
            *value = canonicalize(value);
        }
        _ => {}
    }
    c
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
        } else {
            if separator && !out.is_empty() {
                out.push('-');
            }
            separator = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests;
