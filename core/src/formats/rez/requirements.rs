//! rez requirement strings (`foo-1.2+<2`, `~bar`, `!baz`) as a record's requirements,
//! parsed by [`crate::versions::rez`] and remembered per thread.

use super::package_py::PyValue;
use super::record::Faults;
use crate::record::{ErrorKind, Requirement, RequirementKind};
use crate::versions::rez;

/// What a record needs of a parsed rez requirement.
#[derive(Clone)]
struct ParsedRequirement {
    name: String,
    /// The range as written (`1.2+<2` of `foo-1.2+<2`), empty for any version.
    spec: String,
    weak: bool,
    conflict: bool,
}

/// Requirement strings repeat across a repository (5,285 distinct among 174,311 in rez's
/// benchmark repository): each thread remembers the ones it has parsed. Bounded: the memo is
/// emptied when it holds [`MEMO_CAP`] strings.
const MEMO_CAP: usize = 65_536;

std::thread_local! {
    // foldhash, not SipHash (4% of a scan): as fast as the hashes that are not seeded, and
    // seeded per process, so files cannot be written to collide.
    static MEMO: std::cell::RefCell<foldhash::HashMap<String, Result<ParsedRequirement, String>>> =
        std::cell::RefCell::new(foldhash::HashMap::default());
}

fn parse_requirement_cached(text: &str) -> Result<ParsedRequirement, String> {
    if let Some(hit) = MEMO.with(|memo| memo.borrow().get(text).cloned()) {
        return hit;
    }
    let result = rez::RezRequirement::parse(text)
        .map(|parsed| {
            let body = text.trim_start_matches(['~', '!']);
            let rest = body.strip_prefix(parsed.name.as_str()).unwrap_or("");
            let spec = rest.strip_prefix('-').unwrap_or(rest).trim().to_owned();
            ParsedRequirement {
                name: parsed.name.clone(),
                spec,
                weak: parsed.weak,
                conflict: parsed.conflict,
            }
        })
        .map_err(|err| err.message);
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_CAP {
            memo.clear();
        }
        memo.insert(text.to_owned(), result.clone());
    });
    result
}

/// The requirement `text` as a record shows it; `text` becomes its `raw` without a copy.
fn requirement(
    field: &str,
    text: String,
    kind: &RequirementKind,
    line: u32,
    faults: &mut Faults,
) -> Option<Requirement> {
    match parse_requirement_cached(&text) {
        Ok(parsed) => {
            // rez represents `~foo` as a conflict with the complement: test weak first.
            let kind = if parsed.weak {
                RequirementKind::Weak
            } else if parsed.conflict {
                RequirementKind::Conflict
            } else {
                kind.clone()
            };
            Some(Requirement {
                raw: text,
                name: parsed.name,
                spec: parsed.spec,
                extras: Vec::new(),
                marker: None,
                url: None,
                kind,
                line,
            })
        }
        Err(_) if text.contains('*') => {
            // A developer package's wildcard (`foo-1.*`, `foo-**`): rez expands it at build
            // time to the latest matching version. Keep it as written; the field is dynamic.
            let (name, spec) = text.split_once('-').unwrap_or((&text, ""));
            let (name, spec) = (
                name.trim_start_matches(['~', '!']).to_owned(),
                spec.to_owned(),
            );
            faults.wildcards.push((
                field.to_owned(),
                format!("`{field}` holds the wildcard requirement `{text}`, which rez expands when it builds the package (line {line})"),
            ));
            Some(Requirement {
                raw: text,
                name,
                spec,
                extras: Vec::new(),
                marker: None,
                url: None,
                kind: kind.clone(),
                line,
            })
        }
        Err(err) => {
            faults.add(
                ErrorKind::InvalidValue,
                format!("invalid rez requirement `{text}`: {}", err),
                line,
            );
            None
        }
    }
}

/// A list of requirement strings; its strings are moved into the requirements.
/// The items of a list attribute. rez's schema (`[str]`, `[[request]]`) wants a Python
/// `list`: a tuple is read (rez's loader gives its items) but is a type error, as rez raises
/// when the attribute is validated; any other value is one and gives nothing.
pub(super) fn list_items(
    field: &str,
    value: PyValue,
    expected: &str,
    line: u32,
    faults: &mut Faults,
) -> Option<Vec<PyValue>> {
    match value {
        PyValue::List(items) => Some(items),
        PyValue::Tuple(items) => {
            faults.type_error(field, expected, &PyValue::Tuple(Vec::new()), line);
            Some(items)
        }
        other => {
            faults.type_error(field, expected, &other, line);
            None
        }
    }
}

pub(super) fn requirement_list(
    field: &str,
    value: PyValue,
    kind: &RequirementKind,
    line: u32,
    faults: &mut Faults,
) -> Vec<Requirement> {
    let Some(items) = list_items(field, value, "a list of requirement strings", line, faults)
    else {
        return Vec::new();
    };
    let mut list = Vec::with_capacity(items.len());
    for item in items {
        match item {
            PyValue::Str(text) => list.extend(requirement(field, text, kind, line, faults)),
            other => faults.type_error(field, "requirement strings", &other, line),
        }
    }
    list
}
