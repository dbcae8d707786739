//! Poetry's version constraints (poetry-core's `parse_constraint`: `^`, `~`, `~=`, `.*`, bare
//! versions, comma or space lists, `||`) as PEP 440: a dependency's specifiers, a `python`
//! key's marker, and the project's `Requires-Python` as poetry-core's
//! `format_python_constraint` writes it (with the ranges a union allows).

use crate::versions::pep440::{parse_version, Pep440Version};
use std::cmp::Ordering;

/// One comparison of a constraint in PEP 440 terms: `op` is one of `>=`, `>`, `<=`, `<`,
/// `==`, `!=`; `version` may end in `.*` (with `==` and `!=`).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Spec {
    op: &'static str,
    version: String,
}

/// A Poetry constraint: its `||` branches, each the comparisons that must all hold (an empty
/// branch allows every version).
pub(super) type Constraint = Vec<Vec<Spec>>;

/// A dependency's version constraint as PEP 440 specifiers (empty for any version).
pub(super) fn specifiers(text: &str) -> Result<String, String> {
    let constraint = parse_constraint(text)?;
    match constraint.as_slice() {
        [branch] => Ok(join(branch)),
        _ if constraint.iter().any(Vec::is_empty) => Ok(String::new()),
        _ => Err(format!(
            "the union `{}` has no PEP 440 form (poetry-core writes it as it is, a requirement \
             pip cannot read)",
            text.trim()
        )),
    }
}

/// Comparisons as a PEP 440 specifier set.
fn join(branch: &[Spec]) -> String {
    let parts: Vec<String> = branch
        .iter()
        .map(|s| format!("{}{}", s.op, s.version))
        .collect();
    parts.join(",")
}

/// A `python` constraint as a marker (`None` for any version): `python_version` compared with
/// versions of one or two parts, `python_full_version` with longer ones, as poetry-core's
/// `create_nested_marker` writes them.
pub(super) fn python_marker(constraint: &Constraint) -> Option<String> {
    if constraint.iter().any(Vec::is_empty) {
        return None;
    }
    let branches: Vec<String> = constraint
        .iter()
        .map(|branch| {
            let clauses: Vec<String> = branch
                .iter()
                .map(|s| {
                    let plain = s.version.trim_end_matches(".*");
                    let variable = if release(plain).1.len() >= 3 {
                        "python_full_version"
                    } else {
                        "python_version"
                    };
                    format!("{variable} {} \"{}\"", s.op, s.version)
                })
                .collect();
            clauses.join(" and ")
        })
        .collect();
    if branches.len() == 1 {
        return branches.into_iter().next();
    }
    let wrapped: Vec<String> = constraint
        .iter()
        .zip(&branches)
        .map(|(branch, text)| {
            if branch.len() > 1 {
                format!("({text})")
            } else {
                text.clone()
            }
        })
        .collect();
    Some(wrapped.join(" or "))
}

/// The minor versions poetry-core's `format_python_constraint` (2.2.1) checks a union of
/// Python versions against, writing `!=X.Y.*` for each it does not allow.
const PYTHON_MINORS: &[(u64, u64)] = &[
    (2, 7),
    (3, 0),
    (3, 1),
    (3, 2),
    (3, 3),
    (3, 4),
    (3, 5),
    (3, 6),
    (3, 7),
    (3, 8),
    (3, 9),
    (3, 10),
    (3, 11),
    (3, 12),
    (3, 13),
    (3, 14),
];

/// The `Requires-Python` of a `python` constraint (`None` for any version).
pub(super) fn requires_python(
    text: &str,
    constraint: &Constraint,
) -> Result<Option<String>, String> {
    if constraint.iter().any(Vec::is_empty) {
        return Ok(None);
    }
    // A single version: poetry-core reads `3.8` as `~3.8`, `3` as `^3.0`.
    if let [branch] = constraint.as_slice() {
        if let [spec] = branch.as_slice() {
            if spec.op == "==" && !spec.version.ends_with(".*") {
                let (epoch, parts) = release(&spec.version);
                return Ok(Some(match parts.len() {
                    0 | 1 => join(&caret(&format!(
                        "{epoch}{}.0",
                        parts.first().unwrap_or(&0)
                    ))?),
                    2 => join(&tilde(&spec.version)?),
                    _ => format!("=={}", spec.version),
                }));
            }
        }
    }
    let ranges = union(constraint)?;
    match ranges.as_slice() {
        [] => Err("it allows no version".to_owned()),
        [only] => Ok(Some(only.to_string())),
        _ => {
            let mut accepted = None;
            let mut excluded = Vec::new();
            for &(major, minor) in PYTHON_MINORS {
                let low = version(&format!("{major}.{minor}"))?;
                let high = version(&format!("{major}.{}", minor + 1))?;
                let window = Interval {
                    low: Some((low, true)),
                    high: Some((high, false)),
                };
                if ranges.iter().any(|r| !r.intersect(&window).is_empty()) {
                    accepted.get_or_insert((major, minor));
                } else {
                    excluded.push(format!("!={major}.{minor}.*"));
                }
            }
            let Some((major, minor)) = accepted else {
                return Err(format!(
                    "`{text}` allows none of Python {}",
                    "2.7 to 3.14 (poetry-core fails on it)"
                ));
            };
            let mut out = vec![format!(">={major}.{minor}")];
            out.extend(excluded);
            Ok(Some(out.join(", ")))
        }
    }
}

/// A range of versions: each bound the version and whether it is included; `None` unbounded.
#[derive(Clone, Debug)]
struct Interval {
    low: Option<(Bound, bool)>,
    high: Option<(Bound, bool)>,
}

/// A version bound: the parsed version and its text as written.
#[derive(Clone, Debug)]
struct Bound {
    parsed: Pep440Version,
    text: String,
}

fn version(text: &str) -> Result<Bound, String> {
    match parse_version(text) {
        Some(parsed) => Ok(Bound {
            parsed,
            text: text.to_owned(),
        }),
        None => Err(format!("`{text}` is not a version")),
    }
}

impl Interval {
    const ANY: Interval = Interval {
        low: None,
        high: None,
    };

    fn is_empty(&self) -> bool {
        match (&self.low, &self.high) {
            (Some((low, li)), Some((high, hi))) => match low.parsed.cmp(&high.parsed) {
                Ordering::Greater => true,
                Ordering::Equal => !(*li && *hi),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    fn intersect(&self, other: &Interval) -> Interval {
        Interval {
            low: tighter(&self.low, &other.low, Ordering::Greater),
            high: tighter(&self.high, &other.high, Ordering::Less),
        }
    }
}

/// Of two bounds on the same side, the tighter: the one that orders `keep` against the other
/// (`Greater` for lower bounds, `Less` for upper ones); at the same version, included only if
/// both include it.
fn tighter(
    a: &Option<(Bound, bool)>,
    b: &Option<(Bound, bool)>,
    keep: Ordering,
) -> Option<(Bound, bool)> {
    match (a, b) {
        (None, other) | (other, None) => other.clone(),
        (Some(x), Some(y)) => Some(match x.0.parsed.cmp(&y.0.parsed) {
            Ordering::Equal => (x.0.clone(), x.1 && y.1),
            order if order == keep => x.clone(),
            _ => y.clone(),
        }),
    }
}

impl std::fmt::Display for Interval {
    /// As poetry-core's `VersionRange.__str__`: `>=low,<high`, `==v` for a single version.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some((low, true)), Some((high, true))) = (&self.low, &self.high) {
            if low.parsed == high.parsed {
                return write!(f, "=={}", low.text);
            }
        }
        if let Some((low, included)) = &self.low {
            write!(f, "{}{}", if *included { ">=" } else { ">" }, low.text)?;
        }
        if let Some((high, included)) = &self.high {
            if self.low.is_some() {
                f.write_str(",")?;
            }
            write!(f, "{}{}", if *included { "<=" } else { "<" }, high.text)?;
        }
        if self.low.is_none() && self.high.is_none() {
            f.write_str("*")?;
        }
        Ok(())
    }
}

/// The ranges a constraint allows, sorted and merged.
fn union(constraint: &Constraint) -> Result<Vec<Interval>, String> {
    let mut all = Vec::new();
    for branch in constraint {
        let mut ranges = vec![Interval::ANY];
        for spec in branch {
            let allowed = spec_ranges(spec)?;
            let mut next = Vec::new();
            for r in &ranges {
                for a in &allowed {
                    let both = r.intersect(a);
                    if !both.is_empty() {
                        next.push(both);
                    }
                }
            }
            ranges = next;
        }
        all.extend(ranges);
    }
    all.sort_by(|a, b| match (&a.low, &b.low) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => x.0.parsed.cmp(&y.0.parsed).then(y.1.cmp(&x.1)),
    });
    let mut merged: Vec<Interval> = Vec::new();
    for r in all {
        if let Some(last) = merged.last_mut() {
            let touches = match (&last.high, &r.low) {
                (None, _) | (_, None) => true,
                (Some((h, hi)), Some((l, li))) => match l.parsed.cmp(&h.parsed) {
                    Ordering::Less => true,
                    Ordering::Equal => *hi || *li,
                    Ordering::Greater => false,
                },
            };
            if touches {
                let higher = match (&last.high, &r.high) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(match a.0.parsed.cmp(&b.0.parsed) {
                        Ordering::Less => b.clone(),
                        Ordering::Greater => a.clone(),
                        Ordering::Equal => (a.0.clone(), a.1 || b.1),
                    }),
                };
                last.high = higher;
                continue;
            }
        }
        merged.push(r);
    }
    Ok(merged)
}

/// The ranges one comparison allows.
fn spec_ranges(spec: &Spec) -> Result<Vec<Interval>, String> {
    if let Some(prefix) = spec.version.strip_suffix(".*") {
        let low = version(prefix)?;
        let high = version(&bump(prefix, Level::Last)?)?;
        return Ok(match spec.op {
            "==" => vec![Interval {
                low: Some((low, true)),
                high: Some((high, false)),
            }],
            _ => vec![
                Interval {
                    low: None,
                    high: Some((low, false)),
                },
                Interval {
                    low: Some((high, true)),
                    high: None,
                },
            ],
        });
    }
    let v = version(&spec.version)?;
    Ok(match spec.op {
        ">=" => vec![Interval {
            low: Some((v, true)),
            high: None,
        }],
        ">" => vec![Interval {
            low: Some((v, false)),
            high: None,
        }],
        "<=" => vec![Interval {
            low: None,
            high: Some((v, true)),
        }],
        "<" => vec![Interval {
            low: None,
            high: Some((v, false)),
        }],
        "==" => vec![Interval {
            low: Some((v.clone(), true)),
            high: Some((v, true)),
        }],
        _ => vec![
            Interval {
                low: None,
                high: Some((v.clone(), false)),
            },
            Interval {
                low: Some((v, false)),
                high: None,
            },
        ],
    })
}

/// Parses a Poetry version constraint, as poetry-core's `parse_constraint` does.
pub(super) fn parse_constraint(text: &str) -> Result<Constraint, String> {
    let text = text.trim();
    if text == "*" {
        return Ok(vec![Vec::new()]);
    }
    let mut branches = Vec::new();
    for branch in text.split('|') {
        let branch = branch.trim();
        if branch.is_empty() && text.contains("||") {
            continue;
        }
        let branch = branch.trim_end_matches(',').trim_end();
        let mut specs = Vec::new();
        for atom in and_atoms(branch) {
            specs.extend(parse_atom(&atom)?);
        }
        if specs.is_empty() && !branch.is_empty() && !is_any(branch) {
            return Err(format!("`{branch}` is not a version constraint"));
        }
        if branch.is_empty() {
            return Err(format!("`{text}` is not a version constraint"));
        }
        branches.push(specs);
    }
    Ok(branches)
}

/// The comparisons of one `||` branch: split at commas and spaces, an operator kept with the
/// version after it (`>= 1.2, < 2` is `>=1.2` and `<2`).
fn and_atoms(branch: &str) -> Vec<String> {
    let mut atoms: Vec<String> = Vec::new();
    let mut pending = String::new();
    for token in branch.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        pending.push_str(token);
        if token.chars().all(|c| "^~=<>!".contains(c)) {
            continue;
        }
        atoms.push(std::mem::take(&mut pending));
    }
    if !pending.is_empty() {
        atoms.push(pending);
    }
    atoms
}

/// `*`, `x`, `X`, `*.*`, `v*`: any version.
fn is_any(atom: &str) -> bool {
    let atom = atom.strip_prefix(['v', 'V']).unwrap_or(atom);
    !atom.is_empty() && atom.split('.').all(|p| matches!(p, "*" | "x" | "X"))
}

/// One comparison of Poetry's grammar as PEP 440 comparisons.
fn parse_atom(atom: &str) -> Result<Vec<Spec>, String> {
    if is_any(atom) {
        return Ok(Vec::new());
    }
    if let Some(rest) = atom.strip_prefix("~=") {
        let v = checked(rest.trim())?;
        let level = if release(&v).1.len() == 2 {
            Level::Major
        } else {
            Level::Minor
        };
        return Ok(vec![spec(">=", &v), spec("<", &bump(&v, level)?)]);
    }
    if let Some(rest) = atom.strip_prefix('~') {
        return tilde(rest.trim());
    }
    if let Some(rest) = atom.strip_prefix('^') {
        return caret(rest.trim());
    }
    let (op, rest) = ["<>", "!=", ">=", "<=", "==", ">", "<", "="]
        .iter()
        .find_map(|op| atom.strip_prefix(op).map(|rest| (*op, rest.trim())))
        .unwrap_or(("", atom));
    let op = match op {
        // poetry-core's grammar accepts `<>` but no branch handles it: the version alone is
        // left, an exact pin (`<>1.5` is `==1.5`). Read as poetry-core reads it.
        "" | "=" | "==" | "<>" => "==",
        "!=" => "!=",
        other => other,
    };
    if let Some(prefix) = rest.strip_suffix(".*") {
        let prefix = prefix.trim_end_matches(".*");
        let v = checked(prefix)?;
        return Ok(match op {
            "==" | "!=" => vec![Spec {
                op,
                version: format!("{v}.*"),
            }],
            // poetry-core drops a wildcard after an ordering operator.
            _ => vec![spec(op, &v)],
        });
    }
    let v = if rest.eq_ignore_ascii_case("dev") {
        "0.0.dev0".to_owned()
    } else {
        checked(rest)?
    };
    Ok(vec![spec(op, &v)])
}

fn spec(op: &'static str, version: &str) -> Spec {
    Spec {
        op,
        version: version.to_owned(),
    }
}

/// `~V`: at least V, below the next minor (the next major for a version of one part).
fn tilde(text: &str) -> Result<Vec<Spec>, String> {
    let v = checked(text)?;
    let level = if release(&v).1.len() == 1 {
        Level::Major
    } else {
        Level::Minor
    };
    Ok(vec![spec(">=", &v), spec("<", &bump(&v, level)?)])
}

/// `^V`: at least V, below the next version that changes its first non-zero part.
fn caret(text: &str) -> Result<Vec<Spec>, String> {
    let v = checked(text)?;
    let parts = release(&v).1;
    let level = match parts.as_slice() {
        [major, ..] if *major > 0 => Level::Major,
        [_] => Level::Major,
        [_, minor, ..] if *minor > 0 => Level::Minor,
        [_, _] => Level::Minor,
        _ => Level::Patch,
    };
    Ok(vec![spec(">=", &v), spec("<", &bump(&v, level)?)])
}

/// A version as written, checked to be PEP 440.
fn checked(text: &str) -> Result<String, String> {
    match parse_version(text) {
        Some(_) if !text.is_empty() => Ok(text.to_owned()),
        _ => Err(format!("`{text}` is not a version")),
    }
}

/// The epoch (with its `!`, or empty) and the release numbers of a version's text.
fn release(text: &str) -> (String, Vec<u64>) {
    let text = text.trim().strip_prefix(['v', 'V']).unwrap_or(text.trim());
    let (epoch, rest) = match text.split_once('!') {
        Some((epoch, rest)) => (format!("{epoch}!"), rest),
        None => (String::new(), text),
    };
    let mut parts = Vec::new();
    for piece in rest.split('.') {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        match digits.parse::<u64>() {
            Ok(n) => parts.push(n),
            Err(_) => break,
        }
        if digits.len() != piece.len() {
            break;
        }
    }
    (epoch, parts)
}

/// Which part of a release [`bump`] increments.
#[derive(Clone, Copy)]
enum Level {
    Major,
    Minor,
    Patch,
    /// The last part written (the upper end of `1.2.*`).
    Last,
}

/// The release after `text` at `level`, as poetry-core's `next_major`/`next_minor`/
/// `next_patch` write it: the parts after it zero, as many as were written.
fn bump(text: &str, level: Level) -> Result<String, String> {
    let (epoch, mut parts) = release(text);
    if parts.is_empty() {
        return Err(format!("`{text}` is not a version"));
    }
    let index = match level {
        Level::Major => 0,
        Level::Minor => 1,
        Level::Patch => 2,
        Level::Last => parts.len() - 1,
    };
    while parts.len() <= index {
        parts.push(0);
    }
    parts[index] = parts[index]
        .checked_add(1)
        .ok_or_else(|| format!("`{text}` is too large"))?;
    for part in parts.iter_mut().skip(index + 1) {
        *part = 0;
    }
    let numbers: Vec<String> = parts.iter().map(u64::to_string).collect();
    Ok(format!("{epoch}{}", numbers.join(".")))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn spec_of(text: &str) -> String {
        specifiers(text).unwrap()
    }

    #[test]
    fn poetry_constraints_as_pep_440() {
        assert_eq!(spec_of("^1.2.3"), ">=1.2.3,<2.0.0");
        assert_eq!(spec_of("^0.2.3"), ">=0.2.3,<0.3.0");
        assert_eq!(spec_of("^0.0.3"), ">=0.0.3,<0.0.4");
        assert_eq!(spec_of("^0.0"), ">=0.0,<0.1");
        assert_eq!(spec_of("^0"), ">=0,<1");
        assert_eq!(spec_of("^1.4.1.post1"), ">=1.4.1.post1,<2.0.0");
        assert_eq!(spec_of("~1.2.3"), ">=1.2.3,<1.3.0");
        assert_eq!(spec_of("~1.2"), ">=1.2,<1.3");
        assert_eq!(spec_of("~1"), ">=1,<2");
        assert_eq!(spec_of("~=1.2"), ">=1.2,<2.0");
        assert_eq!(spec_of("~=1.2.3"), ">=1.2.3,<1.3.0");
        assert_eq!(spec_of("1.2.*"), "==1.2.*");
        assert_eq!(spec_of("!=1.2.*"), "!=1.2.*");
        assert_eq!(spec_of("*"), "");
        assert_eq!(spec_of("1.2.3"), "==1.2.3");
        assert_eq!(spec_of(">= 1.2, < 2"), ">=1.2,<2");
        assert_eq!(spec_of(">=1.2 <2.0"), ">=1.2,<2.0");
        assert_eq!(spec_of("<>1.5"), "==1.5");
        assert_eq!(spec_of("=1.5"), "==1.5");
        assert!(specifiers(">=1.0,<1.1 || >=1.2").is_err());
        assert!(specifiers("^x.y").is_err());
        assert!(specifiers("").is_err());
    }

    #[test]
    fn python_constraints_as_requires_python_and_markers() {
        let rp = |text: &str| requires_python(text, &parse_constraint(text).unwrap()).unwrap();
        assert_eq!(rp("^3.9").as_deref(), Some(">=3.9,<4.0"));
        assert_eq!(rp(">=3.8.1,<4.0").as_deref(), Some(">=3.8.1,<4.0"));
        assert_eq!(rp("3.8").as_deref(), Some(">=3.8,<3.9"));
        assert_eq!(rp("3").as_deref(), Some(">=3.0,<4.0"));
        assert_eq!(rp("3.8.1").as_deref(), Some("==3.8.1"));
        assert_eq!(rp("*"), None);
        assert_eq!(
            rp("~2.7 || ^3.4").as_deref(),
            Some(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*")
        );
        assert_eq!(
            python_marker(&parse_constraint("~2.7 || ^3.4").unwrap()).as_deref(),
            Some(
                "(python_version >= \"2.7\" and python_version < \"2.8\") or \
                 (python_version >= \"3.4\" and python_version < \"4.0\")"
            )
        );
        assert_eq!(
            python_marker(&parse_constraint(">=3.6.1").unwrap()).as_deref(),
            Some("python_full_version >= \"3.6.1\"")
        );
    }
}
