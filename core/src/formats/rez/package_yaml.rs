//! rez `package.yaml`: a YAML mapping of the same fields as a `package.py`, read into
//! assignments and mapped onto a record as a `package.py`'s are.
//!
//! Quirks: YAML 1.2 reads `1.10` as a float, so `version: 1.10` is Python's `str(1.1)`,
//! as rez sees it; a key's line is the first line that starts with it; aliases are an
//! error.

use super::package_py::{Assignment, PyValue};
use super::record::{build_record, py_str};
use crate::record::{ErrorKind, Format, ParseError, Record};
use crate::text::decode_utf8;
use yaml_rust2::{Yaml, YamlLoader};

/// Parses a rez `package.yaml`.
pub fn parse_rez_package_yaml(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let format = Format::RezPackageYaml;
    let text = decode_utf8(bytes).map_err(|offset| {
        ParseError::whole(
            path,
            Some(format),
            ErrorKind::Encoding,
            format!("invalid UTF-8 at byte {offset}"),
        )
    })?;
    let docs = YamlLoader::load_from_str(text).map_err(|err| {
        let marker = err.marker();
        let mut e = ParseError::at(
            path,
            Some(format),
            ErrorKind::Syntax,
            err.info().to_lowercase(),
            text,
            marker.index(),
        );
        e.info.line = u32::try_from(marker.line()).unwrap_or(u32::MAX);
        e.info.column = u32::try_from(marker.col() + 1).unwrap_or(u32::MAX);
        e
    })?;
    let Some(Yaml::Hash(map)) = docs.first() else {
        return Err(ParseError::whole(
            path,
            Some(format),
            ErrorKind::Syntax,
            "expected a mapping of package fields, found something else",
        ));
    };
    let mut assignments = Vec::with_capacity(map.len());
    for (key, value) in map {
        let name = match key {
            Yaml::String(s) => s.clone(),
            other => yaml_to_py(other).map_or_else(String::new, |v| py_str(&v).unwrap_or_default()),
        };
        let line = key_line(text, &name);
        let value = yaml_to_py(value).ok_or_else(|| {
            let mut e = ParseError::whole(
                path,
                Some(format),
                ErrorKind::InvalidValue,
                format!("expected a plain value for `{name}`, found an alias or a bad value"),
            );
            e.info.line = line;
            e
        })?;
        assignments.push(Assignment { name, value, line });
    }
    build_record(path, format, assignments, &[])
}

/// The 1-based line where top-level key `name` is written, or 0.
///
/// `key_line = name {" " | "\t"} ":" ...`, from the first column
fn key_line(text: &str, name: &str) -> u32 {
    text.lines()
        .position(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(0, |i| u32::try_from(i + 1).unwrap_or(u32::MAX))
}

/// A YAML value as the Python value rez reads from it; `None` for an alias or a bad value.
pub(crate) fn yaml_to_py(value: &Yaml) -> Option<PyValue> {
    Some(match value {
        Yaml::Null => PyValue::None,
        Yaml::Boolean(b) => PyValue::Bool(*b),
        Yaml::Integer(i) => PyValue::Int(i128::from(*i)),
        Yaml::Real(text) => PyValue::Float(value.as_f64().or_else(|| text.parse().ok())?),
        Yaml::String(s) => PyValue::Str(s.clone()),
        Yaml::Array(items) => PyValue::List(items.iter().map(yaml_to_py).collect::<Option<_>>()?),
        Yaml::Hash(map) => PyValue::Dict(
            map.iter()
                .map(|(k, v)| Some((yaml_to_py(k)?, yaml_to_py(v)?)))
                .collect::<Option<_>>()?,
        ),
        Yaml::Alias(_) | Yaml::BadValue => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn package_yaml() {
        let text = "name: ocio\nversion: 2.3.0\nrequires:\n  - python-3.9+<3.12\ntools: [ociocheck]\nauthors: [a, b]\n";
        let record = parse_rez_package_yaml("ocio/2.3.0/package.yaml", text.as_bytes()).unwrap();
        assert_eq!(record.status, Status::Ok);
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("ocio", "2.3.0"));
        assert_eq!(p.requires[0].spec, "3.9+<3.12");
        assert_eq!(p.requires[0].line, 3);
        assert_eq!(p.tools, vec!["ociocheck"]);
        assert_eq!(p.extra["authors"], json!(["a", "b"]));
    }

    #[test]
    fn package_yaml_errors() {
        let err = parse_rez_package_yaml("p.yaml", b"name: [unclosed\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Syntax);
        assert!(err.info.line >= 1);
        let err = parse_rez_package_yaml("p.yaml", b"- a\n- b\n").unwrap_err();
        assert!(err.info.message.contains("expected a mapping"));
        let record = parse_rez_package_yaml("p.yaml", b"name: a\nversion: 1.10\n").unwrap();
        // YAML reads 1.10 as a float, and rez then sees Python's str(1.1).
        assert_eq!(record.packages[0].version, "1.1");
    }
}
