//! PEP 440 specifier sets as packaging 26.3 reads and matches them (`specifiers.py`,
//! `_ranges.py`): each specifier's operator and version, and the set's `contains`.

use super::*;

/// A specifier's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Compatible => "~=",
            Op::Equal => "==",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Arbitrary => "===",
        }
    }
}

/// One specifier (`>=1.0`, `==1.2.*`, `===foo`).
#[derive(Debug, Clone)]
struct Specifier {
    op: Op,
    /// The version as written after the operator (stripped).
    text: Box<str>,
    /// The parsed version (without `.*`); `Err` where a number is too long for Python.
    version: Result<Pep440Version, TooLong>,
    wildcard: bool,
}

impl Specifier {
    /// packaging's `Specifier(text)`: `None` when the regex does not match it.
    ///
    /// `specifier = op version`, `op = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">"`
    /// (no local label after `~=`, `<`, `<=`, `>`, `>=`; `.*` only after `==`/`!=`; two release
    /// numbers at least after `~=`), or `"===" text` (any text without whitespace, `;`, `)`)
    fn parse(text: &str) -> Option<Specifier> {
        let text = python_strip(text);
        let ops = [
            ("===", Op::Arbitrary),
            ("~=", Op::Compatible),
            ("==", Op::Equal),
            ("!=", Op::NotEqual),
            ("<=", Op::LessEqual),
            (">=", Op::GreaterEqual),
            ("<", Op::Less),
            (">", Op::Greater),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(s, op)| text.strip_prefix(s).map(|rest| (*op, rest)))?;
        let version_text = python_strip(rest);
        if op == Op::Arbitrary {
            let bad = |c: char| is_python_space(c) || c == ';' || c == ')';
            return (!version_text.contains(bad)).then(|| Specifier {
                op,
                text: version_text.into(),
                version: Err(TooLong),
                wildcard: false,
            });
        }
        if !version_text.is_ascii() {
            return None;
        }
        let allow = Allow {
            local: matches!(op, Op::Equal | Op::NotEqual),
            wildcard: matches!(op, Op::Equal | Op::NotEqual),
            min_release: if op == Op::Compatible { 2 } else { 1 },
        };
        let mut cursor = Cursor {
            text: version_text.as_bytes(),
            pos: 0,
        };
        let mut shape = Shape::default();
        cursor.version(allow, &mut shape)?;
        if cursor.pos != version_text.len() {
            return None;
        }
        Some(Specifier {
            op,
            text: version_text.into(),
            version: shape.build(version_text),
            wildcard: shape.wildcard,
        })
    }

    /// Whether `v` satisfies this specifier, pre-releases included (packaging's
    /// `Specifier.contains(v, prereleases=True)`, through `_ranges`'s bounds). `Err` where
    /// packaging raises.
    fn matches(&self, v: &Pep440Version) -> Result<bool, TooLong> {
        let spec = self.version.as_ref().map_err(|e| *e)?;
        Ok(match (self.op, self.wildcard) {
            (Op::Equal, true) => wildcard_match(spec, v),
            (Op::NotEqual, true) => !wildcard_match(spec, v),
            (Op::Equal, false) => self.equal(spec, v),
            (Op::NotEqual, false) => !self.equal(spec, v),
            (Op::GreaterEqual, _) => v >= spec,
            // `<=V` takes V's local versions too.
            (Op::LessEqual, _) => v <= spec || v.same_public(spec),
            (Op::Greater, _) => match (spec.dev(), spec.post()) {
                // `>V.devN`: the next version is V.dev(N+1).
                (Some(dev), post) => *v >= spec.with(post, Some(dev.succ())),
                // `>V.postN`: the next version is V.post(N+1).dev0.
                (None, Some(post)) => *v >= spec.with(Some(post.succ()), Some(Num::ZERO)),
                // `>V` leaves out V's local and post-releases (PEP 440).
                (None, None) => v > spec && !(v.same_release(spec) && v.pre() == spec.pre()),
            },
            // `<V` leaves out V's pre-releases unless V is one.
            (Op::Less, _) => {
                if spec.is_prerelease() {
                    v < spec
                } else {
                    *v < spec.with(spec.post(), Some(Num::ZERO))
                }
            }
            (Op::Compatible, _) => {
                let release = spec.release();
                let prefix = &release[..release.len().saturating_sub(1)];
                v >= spec && *v < spec.next_prefix_dev0(prefix)
            }
            (Op::Arbitrary, _) => false,
        })
    }

    /// `==V` without `.*`: V's local versions match when V has no local label.
    fn equal(&self, spec: &Pep440Version, v: &Pep440Version) -> bool {
        let has_local = self.text.contains('+');
        spec <= v && (v <= spec || (!has_local && v.same_public(spec)))
    }
}

/// `==V.*`: from `V.dev0` up to the next prefix's `.dev0` (packaging's `wildcard_ranges`).
fn wildcard_match(base: &Pep440Version, v: &Pep440Version) -> bool {
    let release = base.release();
    *v >= base.dev0(release.clone()) && *v < base.next_prefix_dev0(&release)
}

/// packaging's `Specifier(spec).contains(item, prereleases=True)`, as a marker comparison
/// on a version variable asks it: `None` when `spec` is not a specifier (the comparison then
/// falls back to text), `Some(Err)` where packaging raises.
pub(crate) fn specifier_contains(spec: &str, item: &str) -> Option<Result<bool, ()>> {
    let spec = Specifier::parse(spec)?;
    if spec.op == Op::Arbitrary {
        return Some(Ok(python_lower(item) == python_lower(&spec.text)));
    }
    Some(match parse_checked(item) {
        Err(TooLong) => Err(()),
        Ok(None) => Ok(false),
        Ok(Some(v)) => spec.matches(&v).map_err(|_| ()),
    })
}

/// How many bytes at the start of `rest` packaging's `SPECIFIER` token takes (its specifier
/// regex matched, not full-matched, as `_tokenizer.py` does); `None` when it does not match.
pub(crate) fn specifier_token_len(rest: &str) -> Option<usize> {
    if let Some(after) = rest.strip_prefix("===") {
        let text = after.trim_start_matches(is_python_space);
        let end = text
            .find(|c: char| is_python_space(c) || c == ';' || c == ')')
            .unwrap_or(text.len());
        return Some(rest.len() - text.len() + end);
    }
    let (op, after) = [
        ("==", Op::Equal),
        ("!=", Op::NotEqual),
        ("~=", Op::Compatible),
        ("<=", Op::LessEqual),
        (">=", Op::GreaterEqual),
        ("<", Op::Less),
        (">", Op::Greater),
    ]
    .iter()
    .find_map(|(s, op)| rest.strip_prefix(s).map(|after| (*op, after)))?;
    let text = after.trim_start_matches(is_python_space);
    let allow = Allow {
        local: matches!(op, Op::Equal | Op::NotEqual),
        wildcard: matches!(op, Op::Equal | Op::NotEqual),
        min_release: if op == Op::Compatible { 2 } else { 1 },
    };
    let mut cursor = Cursor {
        text: text.as_bytes(),
        pos: 0,
    };
    cursor.version(allow, &mut Shape::default())?;
    Some(rest.len() - text.len() + cursor.pos)
}

/// A parsed PEP 440 specifier set (`>=1.0, <2`), ready to test versions against.
#[derive(Debug, Clone)]
pub struct Specifiers {
    specs: Vec<Specifier>,
}

impl Specifiers {
    /// Parses a specifier set; `None` when it is not valid PEP 440.
    ///
    /// `specifiers = [specifier] ("," [specifier])*` (packaging's `SpecifierSet`: empty items
    /// between commas are skipped)
    pub fn parse(text: &str) -> Option<Specifiers> {
        let specs = text
            .split(',')
            .map(python_strip)
            .filter(|s| !s.is_empty())
            .map(Specifier::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(Specifiers { specs })
    }

    /// Whether `version` satisfies every specifier, pre-releases included (packaging's
    /// `SpecifierSet.contains(version, prereleases=True)`, as `pip check` tests installed
    /// versions). `None` when `version` is not valid PEP 440 (unless the set takes it as
    /// text: an empty set, or `===` with the same text) or when packaging raises on it.
    pub fn contains(&self, version: &str) -> Option<bool> {
        let parsed = parse_checked(version).ok()?;
        if self.specs.is_empty() {
            return Some(true);
        }
        let mut all = true;
        for spec in &self.specs {
            let holds = match (spec.op, &parsed) {
                (Op::Arbitrary, _) => python_lower(version) == python_lower(&spec.text),
                (_, Some(v)) => spec.matches(v).ok()?,
                (_, None) => false,
            };
            if !holds {
                all = false;
                break;
            }
        }
        if parsed.is_none() && !all {
            return None;
        }
        Some(all)
    }

    /// Whether a parsed `version` satisfies every specifier (pre-releases included). `===`
    /// compares with the normal form (the text as written is no longer known).
    pub fn contains_version(&self, version: &Pep440Version) -> bool {
        self.specs.iter().all(|spec| match spec.op {
            Op::Arbitrary => python_lower(&version.to_string()) == python_lower(&spec.text),
            _ => spec.matches(version).unwrap_or(false),
        })
    }

    /// The set as a record shows it: each specifier with its version in normal form (`===`
    /// as written), joined by `, `.
    pub(in crate::versions) fn render(&self) -> String {
        let mut out = String::with_capacity(self.specs.len() * 12);
        for (i, spec) in self.specs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(spec.op.as_str());
            match &spec.version {
                Ok(v) if spec.op != Op::Arbitrary => {
                    use std::fmt::Write;
                    let _ = write!(out, "{v}");
                    if spec.wildcard {
                        out.push_str(".*");
                    }
                }
                _ => out.push_str(&spec.text),
            }
        }
        out
    }
}
