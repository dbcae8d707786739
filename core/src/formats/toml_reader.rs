//! The TOML reader shared by the TOML-based formats (`pyproject.toml`, `pylock.toml`,
//! `uv.lock`): the document parser, and [`TomlReader`], which reads typed fields out of the
//! span-keeping document and turns each fault into an error at its line and column: a hard
//! [`ParseError`] (`error`, the `*_value`/`*_item`/`list` checks) or a soft fault kept in the
//! record (`fault`, and the optional-field readers `string`, `strings`, `table`,
//! `checked_string`, `requirements`). Also: describing and converting TOML values, and
//! checking PEP 440/508 strings found in them.

use crate::text::{decode_utf8, Position};
use crate::versions::pep508::parse_requirement;
use crate::{
    Ecosystem, ErrorKind, Format, Package, ParseError, Record, Requirement, RequirementKind, Status,
};
use serde_json::Value;
use std::ops::Range;
use toml::de::{DeArray, DeInteger, DeTable, DeValue};
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
    let text = decode_utf8(bytes)
        .map_err(|offset| ParseError::not_utf8(path, format, bytes, offset, what))?;
    let document = DeTable::parse(text).map_err(|err| {
        ParseError::spanned(
            path,
            Some(format),
            ErrorKind::Syntax,
            format!("invalid TOML: {}", lower_first(err.message().trim())),
            text,
            err.span().unwrap_or(0..0),
        )
    })?;
    Ok((text, document))
}

/// Reads one TOML file's fields, keeping the record and its first soft fault.
pub(crate) struct TomlReader<'t> {
    pub(crate) path: &'t str,
    pub(crate) text: &'t str,
    format: Format,
    pub(crate) record: Record,
}

impl<'t> TomlReader<'t> {
    /// A reader of `text`, the file `path` of `format`, with an empty record.
    pub(crate) fn new(path: &'t str, format: Format, text: &'t str) -> Self {
        TomlReader {
            path,
            text,
            format,
            record: Record::new(path, format),
        }
    }

    /// Parses the TOML file `path` of `format` (`what` names it in the UTF-8 error, as
    /// [`parse_document`] does): a reader of it, and its document.
    pub(crate) fn open(
        path: &'t str,
        format: Format,
        what: &str,
        bytes: &'t [u8],
    ) -> Result<(Self, Spanned<DeTable<'t>>), ParseError> {
        let (text, document) = parse_document(path, format, what, bytes)?;
        Ok((TomlReader::new(path, format, text), document))
    }

    /// A hard error covering the bytes `span` (a TOML key or value; empty for a point).
    pub(crate) fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
        span: Range<usize>,
    ) -> ParseError {
        ParseError::spanned(self.path, Some(self.format), kind, message, self.text, span)
    }

    /// A hard error about the whole file.
    pub(crate) fn whole(&self, kind: ErrorKind, message: impl Into<String>) -> ParseError {
        ParseError::whole(self.path, Some(self.format), kind, message)
    }

    /// Records a soft fault: the first one is kept, the record's status becomes `error`.
    pub(crate) fn fault(
        &mut self,
        kind: ErrorKind,
        message: impl Into<String>,
        span: Range<usize>,
    ) {
        if self.record.error.is_none() {
            let err = self.error(kind, message, span);
            self.soft::<()>(Err(err));
        }
    }

    /// `Ok` as `Some`; an error is recorded as a soft fault (if it is the first) and gives
    /// `None`.
    pub(crate) fn soft<T>(&mut self, result: Result<T, ParseError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                if self.record.error.is_none() {
                    self.record.status = Status::Error;
                    self.record.error = Some(err.info);
                }
                None
            }
        }
    }

    /// The line of byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        Position::of(self.text, offset).line
    }

    /// The error for `subject` (`` `field` ``, `` dependency group `name` ``) not being
    /// `expected`, at its `value`.
    pub(crate) fn not_a(
        &self,
        subject: &str,
        expected: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> ParseError {
        self.error(
            ErrorKind::InvalidValue,
            format!(
                "expected {subject} to be {expected}, found {}",
                type_name(value.get_ref())
            ),
            value.span(),
        )
    }

    /// The error for `field`'s `value` not being `expected`.
    fn wrong_type(&self, field: &str, expected: &str, value: &Spanned<DeValue<'_>>) -> ParseError {
        self.not_a(&format!("`{field}`"), expected, value)
    }

    /// The error for an item of `field` not being `expected`.
    fn wrong_item(&self, field: &str, expected: &str, item: &Spanned<DeValue<'_>>) -> ParseError {
        self.error(
            ErrorKind::InvalidValue,
            format!(
                "expected the items of `{field}` to be {expected}, found {}",
                type_name(item.get_ref())
            ),
            item.span(),
        )
    }

    /// `field`'s value as a string.
    pub(crate) fn string_value<'a>(
        &self,
        field: &str,
        value: &'a Spanned<DeValue<'_>>,
    ) -> Result<&'a str, ParseError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s),
            _ => Err(self.wrong_type(field, "a string", value)),
        }
    }

    /// `field`'s value as an integer.
    pub(crate) fn integer_value<'a, 'i>(
        &self,
        field: &str,
        value: &'a Spanned<DeValue<'i>>,
    ) -> Result<&'a DeInteger<'i>, ParseError> {
        match value.get_ref() {
            DeValue::Integer(integer) => Ok(integer),
            _ => Err(self.wrong_type(field, "an integer", value)),
        }
    }

    /// A required field of `table`; its absence is an error about the whole file, `missing`.
    pub(crate) fn required<'a, 'i>(
        &self,
        table: &'a DeTable<'i>,
        field: &str,
        missing: &str,
    ) -> Result<&'a Spanned<DeValue<'i>>, ParseError> {
        table
            .get(field)
            .ok_or_else(|| self.whole(ErrorKind::MissingField, missing))
    }

    /// `field`'s value as a table.
    pub(crate) fn table_value<'a, 'i>(
        &self,
        field: &str,
        value: &'a Spanned<DeValue<'i>>,
    ) -> Result<&'a DeTable<'i>, ParseError> {
        match value.get_ref() {
            DeValue::Table(table) => Ok(table),
            _ => Err(self.wrong_type(field, "a table", value)),
        }
    }

    /// `field`'s value as a list of `items` (`"strings"`, `"tables"`; the items are checked
    /// one by one with [`Self::string_item`] and [`Self::table_item`]).
    pub(crate) fn list<'a, 'i>(
        &self,
        field: &str,
        items: &str,
        value: &'a Spanned<DeValue<'i>>,
    ) -> Result<&'a DeArray<'i>, ParseError> {
        match value.get_ref() {
            DeValue::Array(list) => Ok(list),
            _ => Err(self.wrong_type(field, &format!("a list of {items}"), value)),
        }
    }

    /// An item of the list `field`, as a string.
    pub(crate) fn string_item<'a>(
        &self,
        field: &str,
        item: &'a Spanned<DeValue<'_>>,
    ) -> Result<&'a str, ParseError> {
        match item.get_ref() {
            DeValue::String(s) => Ok(s),
            _ => Err(self.wrong_item(field, "strings", item)),
        }
    }

    /// An item of the list `field`, as a table.
    pub(crate) fn table_item<'a, 'i>(
        &self,
        field: &str,
        item: &'a Spanned<DeValue<'i>>,
    ) -> Result<&'a DeTable<'i>, ParseError> {
        match item.get_ref() {
            DeValue::Table(table) => Ok(table),
            _ => Err(self.wrong_item(field, "tables", item)),
        }
    }

    /// An optional string field; a value of another type is a soft fault.
    pub(crate) fn string(&mut self, table: &DeTable<'_>, field: &str) -> Option<String> {
        let value = table.get(field)?;
        let string = self.string_value(field, value).map(str::to_owned);
        self.soft(string)
    }

    /// An optional string field checked by `check` (which says what is wrong with it, as
    /// [`specifiers_fault`] and [`marker_fault`] do); a value of another type or a failed
    /// check is a soft fault.
    pub(crate) fn checked_string(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        check: fn(&str) -> Option<String>,
    ) -> Option<String> {
        let value = table.get(field)?;
        let string = self.string(table, field)?;
        match check(&string) {
            Some(message) => {
                self.fault(
                    ErrorKind::InvalidValue,
                    format!("invalid `{field}` `{string}`: {message}"),
                    value.span(),
                );
                None
            }
            None => Some(string),
        }
    }

    /// An optional list of strings; a value of another type, or an item that is not a
    /// string, is a soft fault (the good items are kept).
    pub(crate) fn strings(&mut self, table: &DeTable<'_>, field: &str) -> Vec<String> {
        let Some(value) = table.get(field) else {
            return Vec::new();
        };
        let list = self.list(field, "strings", value);
        let Some(items) = self.soft(list) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let string = self.string_item(field, item).map(str::to_owned);
            out.extend(self.soft(string));
        }
        out
    }

    /// An optional table field; a value of another type is a soft fault.
    pub(crate) fn table<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        field: &str,
    ) -> Option<&'a DeTable<'i>> {
        let value = table.get(field)?;
        let inner = self.table_value(field, value);
        self.soft(inner)
    }

    /// The `name` of the table `header` (`[project]`, `[[packages]]`) whose header starts at
    /// byte `start`: required, a valid name of a `what` (`project`, `package`).
    pub(crate) fn name_field(
        &self,
        table: &DeTable<'_>,
        header: &str,
        what: &str,
        start: usize,
    ) -> Result<String, ParseError> {
        let Some(value) = table.get("name") else {
            return Err(self.error(
                ErrorKind::MissingField,
                format!("expected a `name` in `{header}`, found none"),
                start..start,
            ));
        };
        let name = self.string_value("name", value)?;
        if !is_valid_name(name) {
            return Err(self.error(
                ErrorKind::InvalidValue,
                format!(
                    "invalid {what} name `{name}`: expected letters, digits, `.`, `_` and `-`, \
                     starting and ending with a letter or digit"
                ),
                value.span(),
            ));
        }
        Ok(name.to_owned())
    }

    /// A `version` value: a string holding a PEP 440 version; `of` follows the version in the
    /// message (`` of `name` ``, or nothing).
    pub(crate) fn version_value(
        &self,
        value: &Spanned<DeValue<'_>>,
        of: &str,
    ) -> Result<String, ParseError> {
        let version = self.string_value("version", value)?;
        match version_fault(version) {
            Some(message) => Err(self.error(
                ErrorKind::InvalidValue,
                format!("invalid version `{version}`{of}: {message}"),
                value.span(),
            )),
            None => Ok(version.to_owned()),
        }
    }

    /// A locked package's `name` (required) and `version` (optional: empty when absent),
    /// from the table `header` (`[[packages]]`) whose header starts at byte `start`: the
    /// package, its line that of its header.
    pub(crate) fn locked_package(
        &self,
        table: &DeTable<'_>,
        header: &str,
        start: usize,
    ) -> Result<Package, ParseError> {
        let name = self.name_field(table, header, "package", start)?;
        let version = match table.get("version") {
            None => String::new(),
            Some(value) => self.version_value(value, &format!(" of `{name}`"))?,
        };
        let mut package = Package::new(Ecosystem::Python, name, version);
        package.line = self.line(start);
        Ok(package)
    }

    /// Reads a list of PEP 508 requirement strings:
    /// `requirements = "[" [requirement ("," requirement)* [","]] "]"`. A value that is not a
    /// list, or an item that is not a string or not PEP 508, is a soft fault; the good items
    /// are returned.
    pub(crate) fn requirements(
        &mut self,
        field: &str,
        value: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Vec<Requirement> {
        let list = self.list(field, "strings", value);
        let Some(items) = self.soft(list) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(requirement) = self.requirement(field, item, kind) {
                out.push(requirement);
            }
        }
        out
    }

    /// Reads one requirement string (`requirement = name [extras] (versionspec | url) [;
    /// marker]`, PEP 508), its line that of the string; a fault is recorded (at its column in
    /// the string) and `None` returned.
    pub(crate) fn requirement(
        &mut self,
        field: &str,
        item: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Option<Requirement> {
        let span = item.span();
        let raw = self.string_item(field, item);
        let raw = self.soft(raw)?;
        match parse_requirement(raw, kind.clone(), self.line(span.start)) {
            Ok(mut requirement) => {
                super::redact_requirement(&mut requirement);
                Some(requirement)
            }
            Err(err) => {
                let token = self.text.get(span.clone()).unwrap_or("");
                let start = span.start + token_offset(token, err.span.start);
                let end = span.start + token_offset(token, err.span.end);
                self.fault(
                    ErrorKind::Syntax,
                    format!("invalid requirement in `{field}`: {}", err.message),
                    start..end.max(start),
                );
                None
            }
        }
    }
}

/// The byte offset, inside the TOML string token `token` (quotes included), of byte `offset`
/// of the string's decoded value. Escapes are walked; anything unexpected stays in the token.
fn token_offset(token: &str, offset: usize) -> usize {
    let (delimiter, literal) = if token.starts_with("\"\"\"") {
        (3, false)
    } else if token.starts_with("'''") {
        (3, true)
    } else if token.starts_with('\'') {
        (1, true)
    } else {
        (1, false)
    };
    let mut raw = delimiter.min(token.len());
    if delimiter == 3 {
        let rest = token.get(raw..).unwrap_or("");
        if rest.starts_with("\r\n") {
            raw += 2;
        } else if rest.starts_with('\n') {
            raw += 1;
        }
    }
    let end = token.len().saturating_sub(delimiter).max(raw);
    let mut decoded = 0usize;
    let bytes = token.as_bytes();
    while raw < end {
        let Some(c) = token.get(raw..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let escape = (!literal && c == '\\').then(|| bytes.get(raw + 1).copied());
        if let Some(Some(b' ' | b'\t' | b'\r' | b'\n')) = escape {
            // A line-ending backslash: the blanks and line breaks after it vanish.
            raw += 1;
            while raw < end && matches!(bytes[raw], b' ' | b'\t' | b'\r' | b'\n') {
                raw += 1;
            }
            continue;
        }
        if decoded >= offset {
            break;
        }
        if escape.is_none() {
            raw += c.len_utf8();
            decoded += c.len_utf8();
            continue;
        }
        let Some(&escape) = bytes.get(raw + 1) else {
            break;
        };
        let hex = |len: usize| {
            token
                .get(raw + 2..raw + 2 + len)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map_or(1, char::len_utf8)
        };
        match escape {
            b'x' => {
                decoded += hex(2);
                raw += 4;
            }
            b'u' => {
                decoded += hex(4);
                raw += 6;
            }
            b'U' => {
                decoded += hex(8);
                raw += 10;
            }
            _ => {
                decoded += 1;
                raw += 2;
            }
        }
    }
    raw.min(token.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Checks that each text fails to parse with that kind of error at that line.
    pub(crate) fn fails_at(
        parse: fn(&str) -> Result<Record, ParseError>,
        cases: &[(&str, ErrorKind, u32)],
    ) {
        for &(text, kind, line) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(
                (err.info.kind, err.info.line),
                (kind, line),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn token_offsets() {
        assert_eq!(token_offset("\"abc\"", 1), 2);
        assert_eq!(token_offset("'a\\c'", 2), 3);
        assert_eq!(token_offset("\"a\\tc\"", 2), 4);
        assert_eq!(token_offset("\"\"\"\nab\"\"\"", 1), 5);
        assert_eq!(token_offset("\"\"\"a\\\n   b\"\"\"", 1), 9);
        assert_eq!(token_offset("\"\\U0001F600x\"", 4), 11);
        assert_eq!(token_offset("\"ab\"", 99), 3);
        assert_eq!(token_offset("", 5), 0);
    }
}
