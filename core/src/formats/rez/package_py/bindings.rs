//! What each top-level name is bound to, in order of first binding, and why a name is
//! dynamic: the bindings the statements make, and a heuristic scan of the lines of a
//! skipped block for every name they may bind.

use super::lexer::{is_ident_char, is_ident_start, is_keyword};
use super::strings::raw_string_span;
use super::{is_field, is_nl, Assignment, DynamicField, PackagePy, Parser, PyError, PyValue};

/// What a name is bound to.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum State {
    /// A literal.
    Static(PyValue),
    /// Known only when rez loads the file (reason).
    Dynamic(String),
    /// Bound to something that is neither a literal nor a field (function,
    /// class, module) or deleted.
    Opaque,
}

/// Up to this many bindings, names are looked up linearly.
const SMALL: usize = 24;

/// A top-level name and what it is bound to.
pub(super) struct Binding {
    name: String,
    state: State,
    line: u32,
}

impl<'a> Parser<'a> {
    fn slot(&mut self, name: &str) -> Option<usize> {
        if self.bindings.len() <= SMALL {
            self.bindings.iter().position(|b| b.name == name)
        } else {
            self.index.get(name).copied()
        }
    }

    pub(super) fn set(&mut self, name: &str, state: State, line: u32) {
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

    pub(super) fn is_static(&mut self, name: &str) -> bool {
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
    pub(super) fn bind_other(&mut self, name: &str, reason: String, line: u32) {
        if is_field(name) || self.is_bound_value(name) {
            self.set(name, State::Dynamic(reason), line);
        } else {
            self.set(name, State::Opaque, line);
        }
    }

    pub(super) fn mark_dynamic(&mut self, name: &str, reason: String, line: u32) {
        if !is_keyword(name) {
            self.set(name, State::Dynamic(reason), line);
        }
    }

    pub(super) fn finish(self) -> PackagePy {
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

    /// Heuristic scan of an unparsed line inside a top-level block, marking
    /// every name it may bind as dynamic. Returns true if the line starts a
    /// nested `def`/`class` (whose body must then be ignored).
    ///
    /// ```text
    /// line = ("def" | "class") NAME ...             (NAME defined, the rest ignored)
    ///      | ("import" | "from") ...                 (the names it binds)
    ///      | "for" targets "in" ...                  (the targets)
    ///      | "del" NAME {"," NAME}                   (the names)
    ///      | ... NAME ("=" | augop | ":=") ...       (NAME assigned)
    ///      | NAME ("." | "[") ...                    (NAME modified, if static)
    ///      | ... "as" NAME ...                       (NAME bound)
    /// ```
    pub(super) fn scan_bindings(
        &mut self,
        s: usize,
        e: usize,
        kw: &str,
    ) -> Result<bool, Box<PyError>> {
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
}

/// Names bound by an import statement given as text (`import a.b as c, d`,
/// `from x import (a as b, c)`); `*` binds nothing we can name.
///
/// ```text
/// import_text = "import" dotted_name ["as" NAME] {"," dotted_name ["as" NAME]}
///             | "from" module "import" ["("] NAME ["as" NAME] {"," NAME ["as" NAME]} [")"]
/// ```
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
