//! rez packages as records: the fields of a `package.py` or `package.yaml` mapped onto
//! [`Record`], with requirements parsed by [`crate::versions::rez`].
//!
//! Quirks of the mapping:
//! - `requires`, `build_requires` and `private_build_requires` are lists of rez requirement
//!   strings; `~foo` is a weak requirement and `!foo` a conflict whatever list holds it;
//!   `variants` is a list of such lists; `tools` a list of strings.
//! - A value of the wrong type (a string where rez wants a list) is an error in the record,
//!   pointing at the assignment's line; every other field is still reported.
//! - `version` may be written as a number (`version = 1.5`): it is read as Python's `str()`
//!   of it, as rez does.
//! - A field computed at load time makes the record `dynamic`; its name is listed in the
//!   package's `dynamic`, and the fields that are static are still reported.
//! - Every other top-level literal goes into the package's `extra` as written (rez's schema
//!   attributes `authors`, `uuid`, `help`, `timestamp`, `relocatable`, `cachable`,
//!   `hashed_variants`, `has_plugins`, `plugin_for`, `tests`, `config`, `base`, `revision`,
//!   `changelog`, `release_message`, `previous_version`, `previous_revision`, `vcs`, and
//!   arbitrary ones such as `format_version` or `requires_rez_version`), with the names of
//!   defined functions (`commands`, ...) under `functions` and `with` blocks
//!   (`scope("config")`) under `with_blocks`. A schema attribute of the wrong type is an
//!   error, as for the solver fields (`attributes`); `description` and `changelog` are
//!   dedented and stripped, as rez stores them.
//! - An installed package, `<family>/<version>/package.py`, takes its name and version from
//!   its folders, as rez's filesystem repository does: the file's `version` may be absent
//!   or differ.

use super::attributes::{self, dedent_strip};
use super::package_py::{parse_package_py, source_text, Assignment, DynamicField, PyValue};
use super::requirements::{list_items, requirement_list};
use crate::record::{
    Ecosystem, ErrorInfo, ErrorKind, Format, Package, ParseError, Record, RequirementKind, Status,
};
use crate::versions::rez::RezVersion;
use serde_json::{json, Value};

/// Fields with a place of their own in [`Package`]; everything else goes to `extra`.
const MAPPED: &[&str] = &[
    "name",
    "version",
    "description",
    "requires",
    "build_requires",
    "private_build_requires",
    "variants",
    "tools",
];

/// Names that never make a package dynamic: the `config` bound by `with scope("config") as
/// config`, and private helpers.
pub(crate) fn is_package_field(name: &str) -> bool {
    name != "config" && !name.starts_with('_')
}

/// Parses a rez `package.py`, statically.
pub fn parse_rez_package_py(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let format = Format::RezPackagePy;
    let parsed = parse_package_py(bytes).map_err(|err| {
        let text = source_text(bytes);
        let kind = if err.message.contains("utf-8")
            || err.message.contains("source encoding")
            || err.message.contains("expected ascii")
            || err.message.contains("cp1252 character")
        {
            ErrorKind::Encoding
        } else {
            ErrorKind::Syntax
        };
        let mut e = ParseError::spanned(
            path,
            Some(format),
            kind,
            err.message.clone(),
            &text,
            err.span.clone(),
        );
        e.info.line = err.line;
        e.info.column = err.column;
        e
    })?;
    let functions: Vec<String> = parsed.functions.iter().map(|f| f.name.clone()).collect();
    let mut record = build_record(path, format, parsed.assignments, &parsed.dynamic)?;
    if let Some(package) = record.packages.first_mut() {
        if !functions.is_empty() {
            package.extra.insert("functions".into(), json!(functions));
        }
        if !parsed.with_blocks.is_empty() {
            package
                .extra
                .insert("with_blocks".into(), json!(parsed.with_blocks));
        }
    }
    Ok(record)
}

/// Python's `str()` of a scalar, as rez applies it to `version`.
pub(super) fn py_str(value: &PyValue) -> Option<String> {
    match value {
        PyValue::Str(s) => Some(s.clone()),
        PyValue::Int(i) => Some(i.to_string()),
        PyValue::Float(f) => Some(python_float_repr(*f)),
        PyValue::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        _ => None,
    }
}

/// `repr(float)` for the values people write as versions (`1.5`, `2.0`).
fn python_float_repr(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// Plain JSON for a Python literal: tuples become arrays, dict keys strings.
pub(crate) fn py_to_json(value: &PyValue) -> Value {
    match value {
        PyValue::None => Value::Null,
        PyValue::Bool(b) => json!(b),
        PyValue::Int(i) => i64::try_from(*i).map_or_else(|_| json!(i.to_string()), |i| json!(i)),
        PyValue::Float(f) => json!(f),
        PyValue::Str(s) => json!(s),
        PyValue::Bytes(b) => json!(String::from_utf8_lossy(b)),
        PyValue::List(items) | PyValue::Tuple(items) => {
            Value::Array(items.iter().map(py_to_json).collect())
        }
        PyValue::Dict(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(k, v)| {
                    (
                        py_str(k).unwrap_or_else(|| py_to_json(k).to_string()),
                        py_to_json(v),
                    )
                })
                .collect(),
        ),
    }
}

/// The first fault found while mapping fields; later ones are dropped.
pub(super) struct Faults {
    first: Option<ErrorInfo>,
    /// Fields holding wildcard requirements (`foo-1.*`), which rez expands when it builds a
    /// developer package: their final value is only known then.
    pub(super) wildcards: Vec<(String, String)>,
}

impl Faults {
    pub(super) fn add(&mut self, kind: ErrorKind, message: String, line: u32) {
        if self.first.is_none() {
            self.first = Some(ErrorInfo {
                kind,
                message,
                line,
                column: if line > 0 { 1 } else { 0 },
            });
        }
    }

    pub(super) fn type_error(&mut self, field: &str, expected: &str, value: &PyValue, line: u32) {
        self.add(
            ErrorKind::InvalidValue,
            format!(
                "expected {expected} for `{field}`, found {}",
                type_name(value)
            ),
            line,
        );
    }
}

/// A Python value's kind, for messages (`expected a string, found a list`).
pub(crate) fn type_name(value: &PyValue) -> &'static str {
    match value {
        PyValue::None => "None",
        PyValue::Bool(_) => "a boolean",
        PyValue::Int(_) => "an integer",
        PyValue::Float(_) => "a float",
        PyValue::Str(_) => "a string",
        PyValue::Bytes(_) => "bytes",
        PyValue::List(_) => "a list",
        PyValue::Tuple(_) => "a tuple",
        PyValue::Dict(_) => "a dict",
    }
}

/// The record of a package's assignments, which are moved into it.
pub(super) fn build_record(
    path: &str,
    format: Format,
    assignments: Vec<Assignment>,
    dynamic: &[DynamicField],
) -> Result<Record, ParseError> {
    let get = |name: &str| assignments.iter().find(|a| a.name == name);
    let mut dynamic: Vec<&DynamicField> = dynamic
        .iter()
        .filter(|d| is_package_field(&d.name))
        .collect();
    let is_dynamic = |dynamic: &[&DynamicField], name: &str| dynamic.iter().any(|d| d.name == name);

    let folders = installed_folders(path).filter(|(family, _)| match get("name") {
        Some(a) => a.value == PyValue::Str((*family).to_owned()),
        None => true,
    });
    let name = match get("name") {
        Some(Assignment {
            value: PyValue::Str(name),
            ..
        }) => name.clone(),
        Some(a) => {
            return Err(error_at(
                path,
                format,
                ErrorKind::InvalidValue,
                format!(
                    "expected a string for `name`, found {}",
                    type_name(&a.value)
                ),
                a.line,
            ))
        }
        None if is_dynamic(&dynamic, "name") => String::new(),
        None if folders.is_some() => folders
            .map(|(family, _)| family.to_owned())
            .unwrap_or_default(),
        None => {
            return Err(ParseError::whole(
                path,
                Some(format),
                ErrorKind::MissingField,
                "expected a `name` field, found none",
            ))
        }
    };
    if folders.is_some() {
        // An installed package's version is its folder's, whatever the file computes.
        dynamic.retain(|d| d.name != "version");
    }
    let mut faults = Faults {
        first: None,
        wildcards: Vec::new(),
    };
    let version = match (folders, get("version")) {
        (Some((_, folder)), _) => folder.to_owned(),
        (None, Some(a)) => py_str(&a.value).unwrap_or_else(|| {
            faults.type_error("version", "a string", &a.value, a.line);
            String::new()
        }),
        (None, None) => String::new(),
    };

    let mut package = Package::new(Ecosystem::Rez, name, version);
    for assignment in assignments {
        let Assignment { name, value, line } = assignment;
        match name.as_str() {
            "name" | "version" => {}
            "description" => match value {
                PyValue::Str(text) => package.description = Some(dedent_strip(&text)),
                other => faults.type_error("description", "a string", &other, line),
            },
            "requires" => {
                package.requires =
                    requirement_list(&name, value, &RequirementKind::Run, line, &mut faults)
            }
            "build_requires" => {
                package.build_requires =
                    requirement_list(&name, value, &RequirementKind::Build, line, &mut faults);
            }
            "private_build_requires" => {
                package.private_build_requires = requirement_list(
                    &name,
                    value,
                    &RequirementKind::PrivateBuild,
                    line,
                    &mut faults,
                );
            }
            "variants" => {
                let variants = list_items("variants", value, "a list of lists", line, &mut faults);
                package.variants = variants
                    .unwrap_or_default()
                    .into_iter()
                    .map(|variant| {
                        requirement_list(
                            "variants",
                            variant,
                            &RequirementKind::Run,
                            line,
                            &mut faults,
                        )
                    })
                    .collect();
            }
            "tools" => {
                let tools = list_items("tools", value, "a list of strings", line, &mut faults);
                package.tools = tools
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|tool| match tool {
                        PyValue::Str(tool) => Some(tool),
                        other => {
                            faults.type_error("tools", "strings", &other, line);
                            None
                        }
                    })
                    .collect();
            }
            _ => {
                if let Err(expected) = attributes::check(&name, &value) {
                    faults.type_error(&name, expected, &value, line);
                }
                let json = match (name.as_str(), &value) {
                    ("changelog", PyValue::Str(text)) => json!(dedent_strip(text)),
                    _ => py_to_json(&value),
                };
                debug_assert!(!MAPPED.contains(&name.as_str()));
                package.extra.insert(name, json);
            }
        }
    }

    let mut record = Record::new(path, format);
    for field in &dynamic {
        package.dynamic.push(field.name.clone());
        record.mark_dynamic(field.reason.clone());
    }
    for (field, reason) in faults.wildcards {
        if !package.dynamic.contains(&field) {
            package.dynamic.push(field);
        }
        record.mark_dynamic(reason);
    }
    if let Some(info) = faults.first {
        record.status = Status::Error;
        record.error = Some(info);
    }
    record.packages.push(package);
    Ok(record)
}

/// The family and version folders of an installed package, `<family>/<version>/package.py`:
/// rez's filesystem repository takes the package's name and version from them and ignores
/// the file's `version` (an installed `package.py` often has none). The family folder must be
/// a valid rez package name and the version folder a valid, non-empty rez version; the caller
/// also requires the file's `name`, when it has one, to be the family's, so that a developer
/// package in an ordinary source folder keeps its own version.
pub(crate) fn installed_folders(path: &str) -> Option<(&str, &str)> {
    let mut parts = path.rsplit(['/', '\\']);
    let _file = parts.next()?;
    let version = parts.next()?;
    let family = parts.next()?;
    let valid = is_valid_package_name(family)
        && !version.is_empty()
        && !version.starts_with('.')
        && RezVersion::is_valid(version);
    valid.then_some((family, version))
}

/// rez's `is_valid_package_name` (its `PACKAGE_NAME_REGEX`, `[a-zA-Z_0-9](\.?[a-zA-Z0-9_]+)*`):
/// a family folder's name, and a request's (the resolver checks requests as rez does).
pub(crate) fn is_valid_package_name(name: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(|&b| word(b) || b == b'.')
        && bytes.first().is_some_and(|&b| word(b))
        && bytes.last().is_some_and(|&b| word(b))
        && !name.contains("..")
}

fn error_at(path: &str, format: Format, kind: ErrorKind, message: String, line: u32) -> ParseError {
    let mut err = ParseError::whole(path, Some(format), kind, message);
    err.info.line = line;
    err.info.column = if line > 0 { 1 } else { 0 };
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn py(src: &str) -> Record {
        parse_rez_package_py("foo/1.0/package.py", src.as_bytes()).unwrap()
    }

    #[test]
    fn a_tuple_where_rez_wants_a_list_is_an_error_with_its_items_read() {
        // rez 3.4.0's package_pod_schema: `[str]` and `[[request]]` reject a tuple
        // ("('a', 'b') should be instance of <class 'list'>"); the loader's value is read.
        for (text, field) in [
            ("tools = ('a', 'b')", "tools"),
            ("requires = ('bar-1',)", "requires"),
            ("build_requires = ('cmake',)", "build_requires"),
            ("variants = (['python-3.9'],)", "variants"),
            ("variants = [('python-3.9',)]", "variants"),
        ] {
            let record = py(&format!("name = 'foo'\nversion = '1.0'\n{text}\n"));
            assert_eq!(record.status, Status::Error, "{text}");
            let message = &record.error.as_ref().unwrap().message;
            assert!(
                message.contains(&format!("`{field}`, found a tuple")),
                "{message}"
            );
            let p = &record.packages[0];
            let read = p.tools.len()
                + p.requires.len()
                + p.build_requires.len()
                + p.variants.iter().map(Vec::len).sum::<usize>();
            assert!(read > 0, "{text}: {p:?}");
        }
    }

    #[test]
    fn fields_are_mapped() {
        let record = py(r#"
name = "foo"
version = "1.0"
description = "Foo."
authors = ["me"]
requires = ["bar-1.2+<2", "~baz-3", "!qux", ".eph-1"]
build_requires = ["cmake-3+"]
private_build_requires = ["gcc"]
variants = [["python-3.9"], ["python-3.11"]]
tools = ["foo", "foo-gui"]
timestamp = 1600000000

def commands():
    env.PATH.append("{root}/bin")
"#);
        assert_eq!(record.status, Status::Ok, "{record:?}");
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("foo", "1.0"));
        let req: Vec<(&str, &str, String)> = p
            .requires
            .iter()
            .map(|r| (r.name.as_str(), r.spec.as_str(), r.kind.to_string()))
            .collect();
        assert_eq!(
            req,
            vec![
                ("bar", "1.2+<2", "run".to_owned()),
                ("baz", "3", "weak".to_owned()),
                ("qux", "", "conflict".to_owned()),
                (".eph", "1", "run".to_owned()),
            ]
        );
        assert_eq!(p.requires[0].line, 6);
        assert_eq!(p.build_requires[0].kind, RequirementKind::Build);
        assert_eq!(
            p.private_build_requires[0].kind,
            RequirementKind::PrivateBuild
        );
        assert_eq!(p.variants.len(), 2);
        assert_eq!(p.variants[1][0].raw, "python-3.11");
        assert_eq!(p.tools, vec!["foo", "foo-gui"]);
        assert_eq!(p.extra["authors"], json!(["me"]));
        assert_eq!(p.extra["timestamp"], json!(1600000000));
        assert_eq!(p.extra["functions"], json!(["commands"]));
    }

    #[test]
    fn early_requires_is_dynamic_and_the_rest_is_kept() {
        let record = py("name = 'foo'\nversion = '2'\n@early()\ndef requires():\n    return ['x']\ntools = ['t']\n");
        assert_eq!(record.status, Status::Dynamic);
        assert!(
            record.reason.as_deref().unwrap().contains("`requires`"),
            "{:?}",
            record.reason
        );
        let p = &record.packages[0];
        assert_eq!(p.dynamic, vec!["requires"]);
        assert_eq!(p.tools, vec!["t"]);
    }

    #[test]
    fn a_wrong_type_is_an_error_that_keeps_the_rest() {
        let record = py("name = 'foo'\nversion = '1'\nrequires = 'bar'\ntools = ['t']\n");
        assert_eq!(record.status, Status::Error);
        let error = record.error.as_ref().unwrap();
        assert_eq!(error.line, 3);
        assert!(error
            .message
            .contains("expected a list of requirement strings for `requires`, found a string"));
        assert_eq!(record.packages[0].tools, vec!["t"]);
    }

    #[test]
    fn a_numeric_version_reads_as_python_str() {
        assert_eq!(py("name = 'a'\nversion = 1.5\n").packages[0].version, "1.5");
        assert_eq!(py("name = 'a'\nversion = 2.0\n").packages[0].version, "2.0");
        assert_eq!(py("name = 'a'\nversion = 3\n").packages[0].version, "3");
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = parse_rez_package_py("p/package.py", b"name = 'a'\nprint 'x'\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Syntax);
        assert_eq!(err.info.line, 2);
        assert!(err.info.column >= 1);
        assert_eq!(err.source_line, "print 'x'");
    }

    #[test]
    fn an_unclosed_string_is_underlined_to_the_end_of_its_line() {
        let err = parse_rez_package_py("p/package.py", b"name = 'a'\nversion = '1.0").unwrap_err();
        assert_eq!((err.info.line, err.info.column), (2, 11));
        assert_eq!(err.span_columns, 4);
        assert!(
            err.to_string()
                .ends_with("| version = '1.0\n  |           ^^^^"),
            "{err}"
        );
    }

    #[test]
    fn wildcard_requirements_of_developer_packages_are_dynamic() {
        let record = py("name = 'a'\nversion = '1'\nrequires = ['foo-1.*', 'bar-2']\n");
        assert_eq!(record.status, Status::Dynamic);
        let p = &record.packages[0];
        assert_eq!(p.dynamic, vec!["requires"]);
        assert_eq!(
            (p.requires[0].name.as_str(), p.requires[0].spec.as_str()),
            ("foo", "1.*")
        );
        assert!(record
            .reason
            .as_deref()
            .unwrap()
            .contains("wildcard requirement `foo-1.*`"));
    }

    #[test]
    fn missing_name_is_an_error() {
        let err = parse_rez_package_py("p/package.py", b"version = '1'\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::MissingField);
    }
}
