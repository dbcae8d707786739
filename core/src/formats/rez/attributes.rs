//! The attributes of rez's package schema beyond the solver fields, checked as rez checks
//! them (`rez.package_resources.package_pod_schema`) and given the value rez's loader gives.
//!
//! Quirks of rez's schema library that matter here:
//! - A list schema (`[str]`) wants a Python `list`: a tuple is rejected (`authors = ("a",)`).
//! - `int` accepts `True`/`False` (a `bool` is an `int` in Python); `bool` accepts only them.
//! - `description` and `changelog` are `textwrap.dedent(x).strip()`.
//! - `previous_version` must parse as a rez version; `tests` entries as rez requests.
//! - Every other name is an arbitrary attribute (`format_version`, `requires_rez_version`,
//!   `revision`, custom fields) and any value is valid.

use super::package_py::PyValue;
use crate::versions::rez::{RezRequirement, RezVersion};

/// Checks attribute `name` against rez's schema: `Err` names the type rez expects.
pub(crate) fn check(name: &str, value: &PyValue) -> Result<(), &'static str> {
    let ok = match name {
        "authors" | "plugin_for" => is_str_list(value),
        "uuid" | "vcs" | "base" | "description" | "changelog" => is_str(value),
        "help" => is_str(value) || is_list_of(value, is_str_list),
        "timestamp" => matches!(value, PyValue::Int(_) | PyValue::Bool(_)),
        "has_plugins" | "hashed_variants" => matches!(value, PyValue::Bool(_)),
        "relocatable" | "cachable" => matches!(value, PyValue::None | PyValue::Bool(_)),
        "release_message" => matches!(value, PyValue::None | PyValue::Str(_)),
        "previous_version" => matches!(value, PyValue::Str(v) if RezVersion::is_valid(v)),
        "config" => matches!(value, PyValue::Dict(_)),
        "tests" => is_tests(value),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(expected(name))
    }
}

/// What rez's schema wants for `name`, as an error message says it.
fn expected(name: &str) -> &'static str {
    match name {
        "authors" | "plugin_for" => "a list of strings",
        "help" => "a string or a list of [label, url] lists",
        "timestamp" => "an integer",
        "has_plugins" | "hashed_variants" => "a boolean",
        "relocatable" | "cachable" => "a boolean or None",
        "release_message" => "a string or None",
        "previous_version" => "a rez version string",
        "config" => "a dict",
        "tests" => "a dict of test names to commands or test dicts",
        _ => "a string",
    }
}

fn is_str(value: &PyValue) -> bool {
    matches!(value, PyValue::Str(_))
}

/// A Python list (not a tuple) whose items all pass `item`.
fn is_list_of(value: &PyValue, item: fn(&PyValue) -> bool) -> bool {
    matches!(value, PyValue::List(items) if items.iter().all(item))
}

fn is_str_list(value: &PyValue) -> bool {
    is_list_of(value, is_str)
}

fn is_str_or_list(value: &PyValue) -> bool {
    is_str(value) || is_str_list(value)
}

fn is_request(value: &PyValue) -> bool {
    matches!(value, PyValue::Str(s) if RezRequirement::parse(s).is_ok())
}

/// `tests_schema`: `{str: str | [str] | {"command": str | [str], "requires": [request],
/// "run_on": str | [str], "on_variants": bool | {"type": "requires", "value": [request]},
/// str: object}}`.
fn is_tests(value: &PyValue) -> bool {
    let PyValue::Dict(tests) = value else {
        return false;
    };
    tests.iter().all(|(key, test)| {
        is_str(key)
            && match test {
                PyValue::Dict(entries) => is_test_dict(entries),
                other => is_str_or_list(other),
            }
    })
}

fn is_test_dict(entries: &[(PyValue, PyValue)]) -> bool {
    let mut has_command = false;
    let valid = entries.iter().all(|(key, value)| {
        let PyValue::Str(key) = key else {
            return false;
        };
        match key.as_str() {
            "command" => {
                has_command = true;
                is_str_or_list(value)
            }
            "requires" => is_list_of(value, is_request),
            "run_on" => is_str_or_list(value),
            "on_variants" => match value {
                PyValue::Bool(_) => true,
                PyValue::Dict(pairs) => is_on_variants(pairs),
                _ => false,
            },
            _ => true,
        }
    });
    valid && has_command
}

/// `{"type": "requires", "value": [request]}`, both keys present and no other.
fn is_on_variants(pairs: &[(PyValue, PyValue)]) -> bool {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| matches!(k, PyValue::Str(k) if k == name))
            .map(|(_, v)| v)
    };
    pairs.len() == 2
        && matches!(get("type"), Some(PyValue::Str(t)) if t == "requires")
        && get("value").is_some_and(|v| is_list_of(v, is_request))
}

/// `textwrap.dedent(text).strip()`, as rez stores `description` and `changelog`.
pub(super) fn dedent_strip(text: &str) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| {
            if line.bytes().all(|b| b == b' ' || b == b'\t') {
                ""
            } else {
                line
            }
        })
        .collect();
    let mut margin: Option<&str> = None;
    for line in lines.iter().filter(|l| !l.is_empty()) {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        margin = Some(match margin {
            None => indent,
            Some(m) => common_prefix(m, indent),
        });
    }
    let margin = margin.unwrap_or("");
    let dedented: Vec<&str> = lines
        .iter()
        .map(|line| line.strip_prefix(margin).unwrap_or(line))
        .collect();
    dedented.join("\n").trim_matches(is_py_space).to_owned()
}

fn common_prefix<'s>(a: &'s str, b: &str) -> &'s str {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    &a[..n]
}

/// Python's `str.isspace()`: Unicode white space plus the separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn s(text: &str) -> PyValue {
        PyValue::Str(text.to_owned())
    }

    #[test]
    fn dedent_strip_is_pythons() {
        // textwrap.dedent("\n    Foo.\n\n      bar\n    ").strip() == "Foo.\n\n  bar"
        assert_eq!(
            dedent_strip("\n    Foo.\n\n      bar\n    "),
            "Foo.\n\n  bar"
        );
        // Mixed tabs and spaces share no margin beyond their common prefix.
        assert_eq!(dedent_strip("\t a\n\t  b"), "a\n b");
        assert_eq!(dedent_strip("  a\n \t b"), "a\n\t b");
    }

    #[test]
    fn lists_must_be_lists_not_tuples() {
        assert!(check("authors", &PyValue::List(vec![s("a")])).is_ok());
        assert!(check("authors", &PyValue::Tuple(vec![s("a")])).is_err());
        assert!(check("authors", &s("a")).is_err());
    }

    #[test]
    fn help_tests_and_scalars() {
        let pair = PyValue::List(vec![s("Home"), s("https://x")]);
        assert!(check("help", &PyValue::List(vec![pair])).is_ok());
        assert!(check("help", &s("https://x")).is_ok());
        assert!(check("timestamp", &PyValue::Bool(true)).is_ok());
        assert!(check("hashed_variants", &PyValue::Int(1)).is_err());
        assert!(check("relocatable", &PyValue::None).is_ok());
        let test = PyValue::Dict(vec![
            (s("command"), s("pytest")),
            (s("requires"), PyValue::List(vec![s("pytest-7+")])),
        ]);
        assert!(check("tests", &PyValue::Dict(vec![(s("unit"), test)])).is_ok());
        let no_command = PyValue::Dict(vec![(s("run_on"), s("explicit"))]);
        assert!(check("tests", &PyValue::Dict(vec![(s("unit"), no_command)])).is_err());
        assert!(check("previous_version", &s("1.0")).is_ok());
        assert!(check("format_version", &s("anything")).is_ok());
    }
}
