//! Helpers shared by the TOML-based formats (`pyproject.toml`, `pylock.toml`, `uv.lock`):
//! describing and converting TOML values, and checking PEP 440/508 strings found in them.

use crate::text::{decode_utf8, Position};
use crate::versions::pep508::parse_requirement;
use crate::{ErrorKind, Format, ParseError, RequirementKind};
use serde_json::Value;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// PEP 508 names: ASCII letters and digits, with `.`, `_` and `-` inside.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    edge(bytes.first())
        && edge(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `message` with its first letter in lower case.
pub(crate) fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why `spec` is not a PEP 440 specifier set, checked by parsing `python <spec>` as PEP 508.
pub(crate) fn specifiers_fault(spec: &str) -> Option<String> {
    if spec.contains([';', '@', '(', ')', '[', ']']) {
        return Some("expected PEP 440 version specifiers".to_owned());
    }
    parse_requirement(&format!("python {spec}"), RequirementKind::Run, 0)
        .err()
        .map(|err| err.message)
}

/// What a TOML value is, for messages ("expected a list, found a string").
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Why `version` is not a PEP 440 version, checked by parsing `x==<version>` as PEP 508.
pub(crate) fn version_fault(version: &str) -> Option<String> {
    let trimmed = version.trim();
    if trimmed.is_empty() {
        return Some("expected a PEP 440 version, found an empty string".to_owned());
    }
    if trimmed.contains(|c: char| {
        c.is_whitespace() || matches!(c, '*' | ',' | ';' | '@' | '(' | ')' | '[' | ']')
    }) {
        return Some("expected a PEP 440 version".to_owned());
    }
    parse_requirement(&format!("x=={trimmed}"), RequirementKind::Run, 0)
        .err()
        .map(|err| err.message)
}

/// Why `marker` is not a PEP 508 environment marker, checked by parsing `x ; <marker>`.
/// PEP 751's marker variables `extras` and `dependency_groups` (sets, used with `in` and
/// `not in`) are unknown to PEP 508: for the check they stand in as `platform_release`,
/// another variable with the same operators.
pub(crate) fn marker_fault(marker: &str) -> Option<String> {
    if marker.trim().is_empty() {
        return Some("expected an environment marker, found an empty string".to_owned());
    }
    let mut checked = String::with_capacity(marker.len());
    let mut quote = None;
    let mut word = String::new();
    for c in marker.chars().chain(std::iter::once(' ')) {
        if quote.is_none() && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        match word.as_str() {
            "extras" | "dependency_groups" => checked.push_str("platform_release"),
            _ => checked.push_str(&word),
        }
        word.clear();
        match quote {
            Some(q) if q == c => quote = None,
            None if c == '\'' || c == '"' => quote = Some(c),
            _ => {}
        }
        checked.push(c);
    }
    parse_requirement(&format!("x ; {checked}"), RequirementKind::Run, 0)
        .err()
        .map(|err| err.message)
}

/// A TOML value as plain JSON (integers that overflow `i64` and odd floats as text).
/// A TOML value as JSON: date-times as their text, integers too large for JSON as text.
pub(crate) fn to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or_else(|_| Value::String(i.to_string()), Value::from),
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|i| to_json(i.get_ref())).collect()),
        DeValue::Table(table) => Value::Object(
            table
                .iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
                .collect(),
        ),
    }
}

/// The bytes of a TOML file as text, and its parsed document. Invalid UTF-8 (reported at its
/// line and column, naming `what` the file is) and invalid TOML are errors.
pub(crate) fn parse_document<'a>(
    path: &str,
    format: Format,
    what: &str,
    bytes: &'a [u8],
) -> Result<(&'a str, Spanned<DeTable<'a>>), ParseError> {
    let text = decode_utf8(bytes).map_err(|offset| {
        let valid = std::str::from_utf8(&bytes[..offset.min(bytes.len())]).unwrap_or("");
        let pos = Position::of(valid, valid.len());
        let mut err = ParseError::whole(
            path,
            Some(format),
            ErrorKind::Encoding,
            format!("invalid UTF-8 at byte {offset}: {what} must be UTF-8"),
        );
        err.info.line = pos.line;
        err.info.column = pos.column;
        err
    })?;
    let document = DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        ParseError::at(
            path,
            Some(format),
            ErrorKind::Syntax,
            format!("invalid TOML: {}", lower_first(err.message().trim())),
            text,
            offset,
        )
    })?;
    Ok((text, document))
}
