//! `pyproject.toml`: the `[project]` table (PEP 621), `[build-system]` (PEP 518) and
//! `[dependency-groups]` (PEP 735).
//!
//! The file is read with `toml`'s span-keeping document parser, so every requirement carries
//! the line of its string and every error a line and column:
//! - `[project]` becomes one Python [`Package`]: `name` and `version` as written (`version` is
//!   empty when it is dynamic), `dependencies` as `run` requirements, `optional-dependencies`
//!   as `optional:<extra>` requirements with the extras in file order, `requires-python`,
//!   `description` (the summary) and `dynamic`. A file without `[project]` (Poetry, or only a
//!   build system) has no package.
//! - `[build-system].requires` goes to [`Record::requirements`] with kind `build`;
//!   `build-backend` is kept in the package's `extra` as `build_backend` when there is a
//!   package, and dropped otherwise.
//! - each `[dependency-groups]` group goes to [`Record::requirements`] with kind
//!   `group:<name>`, `{include-group = "..."}` entries expanded in place (names compared
//!   normalised); an expanded requirement keeps the line where it is written.
//!
//! Faults in what identifies the package (TOML syntax, UTF-8, `[project]` not a table, `name`
//! or `version` missing, invalid or both static and dynamic, a field both given and listed in
//! `dynamic`) are [`ParseError`]s. Faults in a dependency list (a list of the wrong type, a
//! requirement that is not PEP 508, an unknown or cyclic group include) do not lose the rest:
//! the record comes back with status `error`, its first fault in `error`, the faulty entry
//! skipped and every good value kept.

use super::toml_values::{
    is_valid_name, parse_document, specifiers_fault, type_name, version_fault,
};
use crate::text::Position;
use crate::versions::pep508::{normalize_name, parse_requirement};
use crate::{
    Ecosystem, ErrorKind, Format, Package, ParseError, Record, Requirement, RequirementKind, Status,
};
use serde_json::Value;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

const FORMAT: Option<Format> = Some(Format::Pyproject);

/// The most requirements the expansion of `[dependency-groups]` may produce: includes can
/// multiply a small file into an enormous list.
const MAX_GROUP_REQUIREMENTS: usize = 100_000;

/// `[project]` fields whose dynamic status changes what pkglens reports.
const REPORTED_FIELDS: &[&str] = &[
    "version",
    "dependencies",
    "optional-dependencies",
    "requires-python",
    "description",
];

/// Parses a `pyproject.toml`.
pub fn parse_pyproject(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let (text, document) = parse_document(path, Format::Pyproject, "pyproject.toml", bytes)?;
    let mut parser = Parser {
        path,
        text,
        record: Record::new(path, Format::Pyproject),
    };
    let root = document.get_ref();

    let mut package = match root.get_key_value("project") {
        Some((key, value)) => Some(parser.project(key, value)?),
        None => None,
    };
    if let Some(build) = root.get("build-system") {
        let backend = parser.build_system(build)?;
        if let (Some(package), Some(backend)) = (package.as_mut(), backend) {
            package
                .extra
                .insert("build_backend".to_owned(), Value::String(backend));
        }
    }
    if let Some(groups) = root.get("dependency-groups") {
        parser.dependency_groups(groups)?;
    }
    let mut record = parser.record;
    record.packages.extend(package);
    Ok(record)
}

/// Reads one file, keeping the record and the first soft fault.
struct Parser<'t> {
    path: &'t str,
    text: &'t str,
    record: Record,
}

/// One entry of a dependency group, once read.
enum GroupItem {
    /// A requirement, its kind set when the group is expanded.
    Requirement(Requirement),
    /// `{include-group = "name"}`: the normalised name, as written, and the value's span.
    Include(String, String, Range<usize>),
}

impl<'t> Parser<'t> {
    /// A hard error at byte `offset`.
    fn error(&self, kind: ErrorKind, message: impl Into<String>, offset: usize) -> ParseError {
        ParseError::at(self.path, FORMAT, kind, message, self.text, offset)
    }

    /// Records a soft fault: the first one is kept, the record's status becomes `error`.
    fn fault(&mut self, kind: ErrorKind, message: impl Into<String>, offset: usize) {
        if self.record.error.is_none() {
            let err = self.error(kind, message, offset);
            self.record.status = Status::Error;
            self.record.error = Some(err.info);
        }
    }

    fn line(&self, offset: usize) -> u32 {
        Position::of(self.text, offset).line
    }

    /// Reads a list of requirement strings. A value that is not a list, or an item that is
    /// not a string or not PEP 508, is a soft fault; the good items are returned.
    fn requirements(
        &mut self,
        field: &str,
        value: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Vec<Requirement> {
        let DeValue::Array(items) = value.get_ref() else {
            self.fault(
                ErrorKind::InvalidValue,
                format!(
                    "expected `{field}` to be a list of strings, found {}",
                    type_name(value.get_ref())
                ),
                value.span().start,
            );
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

    /// Reads one requirement string; a fault is recorded and `None` returned.
    fn requirement(
        &mut self,
        field: &str,
        item: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Option<Requirement> {
        let span = item.span();
        let DeValue::String(raw) = item.get_ref() else {
            self.fault(
                ErrorKind::InvalidValue,
                format!(
                    "expected the items of `{field}` to be strings, found {}",
                    type_name(item.get_ref())
                ),
                span.start,
            );
            return None;
        };
        match parse_requirement(raw, kind.clone(), self.line(span.start)) {
            Ok(requirement) => Some(requirement),
            Err(err) => {
                let token = self.text.get(span.clone()).unwrap_or("");
                let offset = span.start + token_offset(token, err.offset);
                self.fault(
                    ErrorKind::Syntax,
                    format!("invalid requirement in `{field}`: {}", err.message),
                    offset,
                );
                None
            }
        }
    }

    /// An optional string field; a value of another type is a soft fault.
    fn string(&mut self, table: &DeTable<'_>, field: &str) -> Option<String> {
        let value = table.get(field)?;
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.fault(
                    ErrorKind::InvalidValue,
                    format!(
                        "expected `{field}` to be a string, found {}",
                        type_name(other)
                    ),
                    value.span().start,
                );
                None
            }
        }
    }

    fn project(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Package, ParseError> {
        let DeValue::Table(project) = value.get_ref() else {
            return Err(self.error(
                ErrorKind::InvalidValue,
                format!(
                    "expected `project` to be a table, found {}",
                    type_name(value.get_ref())
                ),
                value.span().start,
            ));
        };

        // `dynamic` first: it decides whether `version` may be absent.
        let mut dynamic = Vec::new();
        if let Some(value) = project.get("dynamic") {
            let DeValue::Array(items) = value.get_ref() else {
                return Err(self.error(
                    ErrorKind::InvalidValue,
                    format!(
                        "expected `dynamic` to be a list of strings, found {}",
                        type_name(value.get_ref())
                    ),
                    value.span().start,
                ));
            };
            for item in items {
                let DeValue::String(field) = item.get_ref() else {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        format!(
                            "expected the items of `dynamic` to be strings, found {}",
                            type_name(item.get_ref())
                        ),
                        item.span().start,
                    ));
                };
                if field == "name" {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        "`name` cannot be dynamic: it must be given statically",
                        item.span().start,
                    ));
                }
                if let Some((static_key, _)) = project.get_key_value(field.as_ref()) {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        format!("`{field}` is listed in `dynamic` but also given statically"),
                        static_key.span().start,
                    ));
                }
                dynamic.push(field.to_string());
            }
        }

        let name = match project.get("name") {
            None => {
                return Err(self.error(
                    ErrorKind::MissingField,
                    "expected a `name` in `[project]`, found none",
                    key.span().start,
                ))
            }
            Some(value) => match value.get_ref() {
                DeValue::String(name) if is_valid_name(name) => name.to_string(),
                DeValue::String(name) => {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        format!(
                            "invalid project name `{name}`: expected letters, digits, `.`, `_` \
                             and `-`, starting and ending with a letter or digit"
                        ),
                        value.span().start,
                    ))
                }
                other => {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        format!("expected `name` to be a string, found {}", type_name(other)),
                        value.span().start,
                    ))
                }
            },
        };

        let version = match project.get("version") {
            None if dynamic.iter().any(|f| f == "version") => String::new(),
            None => {
                return Err(self.error(
                    ErrorKind::MissingField,
                    "expected a `version` in `[project]`, or `version` listed in `dynamic`, \
                     found neither",
                    key.span().start,
                ))
            }
            Some(value) => match value.get_ref() {
                DeValue::String(version) => {
                    if let Some(message) = version_fault(version) {
                        return Err(self.error(
                            ErrorKind::InvalidValue,
                            format!("invalid version `{version}`: {message}"),
                            value.span().start,
                        ));
                    }
                    version.to_string()
                }
                other => {
                    return Err(self.error(
                        ErrorKind::InvalidValue,
                        format!(
                            "expected `version` to be a string, found {}",
                            type_name(other)
                        ),
                        value.span().start,
                    ))
                }
            },
        };

        let mut package = Package::new(Ecosystem::Python, name, version);
        let reported: Vec<&str> = dynamic
            .iter()
            .map(String::as_str)
            .filter(|f| REPORTED_FIELDS.contains(f))
            .collect();
        if !reported.is_empty() {
            self.record.mark_dynamic(format!(
                "`[project].dynamic` lists {}: computed at build time",
                reported.join(", ")
            ));
        }
        package.dynamic = dynamic;
        package.summary = self.string(project, "description");
        if let Some(value) = project.get("requires-python") {
            if let Some(spec) = self.string(project, "requires-python") {
                if let Some(message) = specifiers_fault(&spec) {
                    self.fault(
                        ErrorKind::InvalidValue,
                        format!("invalid `requires-python` `{spec}`: {message}"),
                        value.span().start,
                    );
                } else {
                    package.requires_python = Some(spec);
                }
            }
        }
        if let Some(value) = project.get("dependencies") {
            package.requires = self.requirements("dependencies", value, &RequirementKind::Run);
        }
        if let Some(value) = project.get("optional-dependencies") {
            match value.get_ref() {
                DeValue::Table(extras) => {
                    for (extra, list) in extras.iter() {
                        let extra_name = extra.get_ref().to_string();
                        if !is_valid_name(&extra_name) {
                            self.fault(
                                ErrorKind::InvalidValue,
                                format!("invalid extra name `{extra_name}`"),
                                extra.span().start,
                            );
                            continue;
                        }
                        let field = format!("optional-dependencies.{extra_name}");
                        let kind = RequirementKind::Optional(extra_name.clone());
                        let requirements = self.requirements(&field, list, &kind);
                        package.provides_extra.push(extra_name);
                        package.requires.extend(requirements);
                    }
                }
                other => self.fault(
                    ErrorKind::InvalidValue,
                    format!(
                        "expected `optional-dependencies` to be a table, found {}",
                        type_name(other)
                    ),
                    value.span().start,
                ),
            }
        }
        Ok(package)
    }

    /// Reads `[build-system]`: its requirements go to the record; returns the backend.
    fn build_system(&mut self, value: &Spanned<DeValue<'_>>) -> Result<Option<String>, ParseError> {
        let DeValue::Table(build) = value.get_ref() else {
            return Err(self.error(
                ErrorKind::InvalidValue,
                format!(
                    "expected `build-system` to be a table, found {}",
                    type_name(value.get_ref())
                ),
                value.span().start,
            ));
        };
        if let Some(requires) = build.get("requires") {
            let requirements =
                self.requirements("build-system.requires", requires, &RequirementKind::Build);
            self.record.requirements.extend(requirements);
        }
        Ok(self.string(build, "build-backend"))
    }

    /// Reads `[dependency-groups]` and expands the includes, group by group in file order.
    fn dependency_groups(&mut self, value: &Spanned<DeValue<'_>>) -> Result<(), ParseError> {
        let DeValue::Table(table) = value.get_ref() else {
            return Err(self.error(
                ErrorKind::InvalidValue,
                format!(
                    "expected `dependency-groups` to be a table, found {}",
                    type_name(value.get_ref())
                ),
                value.span().start,
            ));
        };
        // (name as written, normalised name, items); a duplicate normalised name is a fault.
        let mut groups: Vec<(String, String, Vec<GroupItem>)> = Vec::new();
        for (key, list) in table.iter() {
            let name = key.get_ref().to_string();
            let normalized = normalize_name(&name);
            if let Some((first, _, _)) = groups.iter().find(|(_, n, _)| *n == normalized) {
                let message = format!(
                    "duplicate dependency group names: `{first}` and `{name}` are both \
                     `{normalized}`"
                );
                self.fault(ErrorKind::InvalidValue, message, key.span().start);
                continue;
            }
            let items = self.group_items(&name, list);
            groups.push((name, normalized, items));
        }

        let mut on_path = vec![false; groups.len()];
        let mut produced = 0usize;
        for root in 0..groups.len() {
            // Iterative depth-first expansion: (group, next item) frames.
            let mut frames: Vec<(usize, usize)> = vec![(root, 0)];
            on_path[root] = true;
            let kind = RequirementKind::Group(groups[root].0.clone());
            while let Some(&(group, next)) = frames.last() {
                let Some(item) = groups[group].2.get(next) else {
                    on_path[group] = false;
                    frames.pop();
                    continue;
                };
                if let Some(frame) = frames.last_mut() {
                    frame.1 += 1;
                }
                match item {
                    GroupItem::Requirement(requirement) => {
                        produced += 1;
                        if produced > MAX_GROUP_REQUIREMENTS {
                            for &(g, _) in &frames {
                                on_path[g] = false;
                            }
                            return Err(self.error(
                                ErrorKind::InvalidValue,
                                format!(
                                    "dependency groups expand to more than \
                                     {MAX_GROUP_REQUIREMENTS} requirements"
                                ),
                                value.span().start,
                            ));
                        }
                        let mut requirement = requirement.clone();
                        requirement.kind = kind.clone();
                        self.record.requirements.push(requirement);
                    }
                    GroupItem::Include(target, written, span) => {
                        match groups.iter().position(|(_, n, _)| n == target) {
                            None => {
                                let message = format!(
                                    "dependency group `{}` includes `{written}`, which is not \
                                     a dependency group",
                                    groups[group].0
                                );
                                self.fault(ErrorKind::InvalidValue, message, span.start);
                            }
                            Some(t) if on_path[t] => {
                                let start = frames.iter().position(|&(g, _)| g == t).unwrap_or(0);
                                let mut cycle: Vec<&str> = frames[start..]
                                    .iter()
                                    .map(|&(g, _)| groups[g].0.as_str())
                                    .collect();
                                cycle.push(&groups[t].0);
                                let message =
                                    format!("dependency group cycle: {}", cycle.join(" -> "));
                                self.fault(ErrorKind::InvalidValue, message, span.start);
                            }
                            Some(t) => {
                                on_path[t] = true;
                                frames.push((t, 0));
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads the entries of one group; faulty entries are recorded and skipped.
    fn group_items(&mut self, name: &str, list: &Spanned<DeValue<'_>>) -> Vec<GroupItem> {
        let DeValue::Array(entries) = list.get_ref() else {
            self.fault(
                ErrorKind::InvalidValue,
                format!(
                    "expected dependency group `{name}` to be a list, found {}",
                    type_name(list.get_ref())
                ),
                list.span().start,
            );
            return Vec::new();
        };
        let field = format!("dependency-groups.{name}");
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            match entry.get_ref() {
                DeValue::String(_) => {
                    // The kind is set when the group is expanded.
                    if let Some(r) = self.requirement(&field, entry, &RequirementKind::Build) {
                        items.push(GroupItem::Requirement(r));
                    }
                }
                DeValue::Table(table) => {
                    let include = table.get("include-group");
                    match include.map(|v| (v, v.get_ref())) {
                        Some((value, DeValue::String(target))) if table.len() == 1 => {
                            items.push(GroupItem::Include(
                                normalize_name(target),
                                target.to_string(),
                                value.span(),
                            ));
                        }
                        _ => self.fault(
                            ErrorKind::InvalidValue,
                            format!(
                                "invalid item in dependency group `{name}`: expected a \
                                 requirement string or `{{include-group = \"name\"}}`"
                            ),
                            entry.span().start,
                        ),
                    }
                }
                other => self.fault(
                    ErrorKind::InvalidValue,
                    format!(
                        "invalid item in dependency group `{name}`: expected a requirement \
                         string or `{{include-group = \"name\"}}`, found {}",
                        type_name(other)
                    ),
                    entry.span().start,
                ),
            }
        }
        items
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
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A fixture's bytes, built into the test binary (so the tests run on wasm32 too).
    macro_rules! fixture_bytes {
        ($name:literal) => {
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/test-data/pyproject/",
                $name
            ))
        };
    }

    /// A fixture parsed.
    macro_rules! fixture {
        ($name:literal) => {
            parse_pyproject($name, fixture_bytes!($name))
        };
    }

    fn parse(text: &str) -> Result<Record, ParseError> {
        parse_pyproject("pyproject.toml", text.as_bytes())
    }

    fn names(reqs: &[Requirement]) -> Vec<&str> {
        reqs.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn requests_project() {
        let record = fixture!("requests.toml").unwrap();
        assert_eq!(record.format, Some(Format::Pyproject));
        assert_eq!(record.status, Status::Dynamic);
        assert!(record.reason.as_deref().unwrap().contains("version"));
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("requests", ""));
        assert_eq!(p.dynamic, vec!["version"]);
        assert_eq!(p.requires_python.as_deref(), Some(">=3.9"));
        assert_eq!(p.summary.as_deref(), Some("Python HTTP for Humans."));
        assert_eq!(
            p.provides_extra,
            vec!["security", "socks", "use_chardet_on_py3"]
        );
        let run: Vec<_> = p
            .requires
            .iter()
            .filter(|r| r.kind == RequirementKind::Run)
            .collect();
        assert_eq!(run.len(), 4);
        assert_eq!(run[0].name, "charset_normalizer");
        assert_eq!(run[0].line, 20);
        assert_eq!(run[3].line, 23);
        let socks = p.requires.iter().find(|r| r.name == "PySocks").unwrap();
        assert_eq!(socks.kind, RequirementKind::Optional("socks".into()));
        assert_eq!(socks.line, 34);
        assert_eq!(
            p.extra.get("build_backend"),
            Some(&Value::String("setuptools.build_meta".into()))
        );
        assert_eq!(names(&record.requirements), vec!["setuptools"]);
        assert_eq!(record.requirements[0].kind, RequirementKind::Build);
        assert_eq!(record.requirements[0].line, 3);
    }

    #[test]
    fn black_project() {
        let record = fixture!("black.toml").unwrap();
        let p = &record.packages[0];
        assert_eq!(p.name, "black");
        assert_eq!(p.dynamic, vec!["readme", "version"]);
        assert_eq!(p.provides_extra, vec!["colorama", "uvloop", "d", "jupyter"]);
        let tomli = p.requires.iter().find(|r| r.name == "tomli").unwrap();
        assert!(tomli.marker.as_deref().unwrap().contains("3.11"));
        assert_eq!(
            names(&record.requirements),
            vec!["hatchling", "hatch-vcs", "hatch-fancy-pypi-readme"]
        );
    }

    #[test]
    fn dependency_groups_expand_includes() {
        let record = fixture!("hatch_groups.toml").unwrap();
        assert_eq!(record.status, Status::Ok);
        let p = &record.packages[0];
        assert_eq!(p.name, "Acme.Widgets");
        assert_eq!(p.version, "2.3.0rc1");
        assert_eq!(p.provides_extra, vec!["CLI"]);
        let group = |g: &str| -> Vec<(&str, u32)> {
            record
                .requirements
                .iter()
                .filter(|r| r.kind == RequirementKind::Group(g.into()))
                .map(|r| (r.name.as_str(), r.line))
                .collect()
        };
        assert_eq!(
            group("lint"),
            vec![("ruff", 28), ("mypy", 26), ("types-requests", 26)]
        );
        // `test` and `LINT` match `Test` and `lint` once normalised; lines are where written.
        assert_eq!(
            group("dev"),
            vec![
                ("pytest", 22),
                ("pytest-cov", 23),
                ("coverage", 24),
                ("ruff", 28),
                ("mypy", 26),
                ("types-requests", 26),
                ("ipython", 34),
            ]
        );
        assert_eq!(group("Test").len(), 3);
    }

    #[test]
    fn groups_without_a_project() {
        let record = fixture!("groups_only.toml").unwrap();
        assert!(record.packages.is_empty());
        let all: Vec<_> = record
            .requirements
            .iter()
            .filter(|r| r.kind == RequirementKind::Group("all".into()))
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            all,
            vec!["mkdocs-material", "pytest", "hypothesis", "pre-commit"]
        );
    }

    #[test]
    fn a_group_cycle_is_an_error_naming_the_cycle() {
        let record = fixture!("group_cycle.toml").unwrap();
        assert_eq!(record.status, Status::Error);
        let err = record.error.as_ref().unwrap();
        assert_eq!(err.message, "dependency group cycle: dev -> test -> dev");
        assert_eq!((err.line, err.column), (7, 36));
        // Good values are kept.
        assert_eq!(record.packages[0].name, "cyclic");
        assert!(record
            .requirements
            .iter()
            .any(|r| r.name == "sphinx" && r.kind == RequirementKind::Group("docs".into())));
    }

    #[test]
    fn an_unknown_include_is_an_error() {
        let record = fixture!("group_unknown.toml").unwrap();
        assert_eq!(record.status, Status::Error);
        let err = record.error.as_ref().unwrap();
        assert!(err.message.contains("`missing`"), "{}", err.message);
        assert_eq!(err.line, 6);
        assert_eq!(names(&record.requirements), vec!["black"]);
    }

    #[test]
    fn setuptools_dynamic_version_and_dependencies() {
        let record = fixture!("setuptools_dynamic.toml").unwrap();
        assert_eq!(record.status, Status::Dynamic);
        let p = &record.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("my_pkg", ""));
        assert!(p.requires.is_empty());
        assert_eq!(
            p.summary.as_deref(),
            Some("A package with a dynamic version")
        );
        assert_eq!(
            names(&record.requirements),
            vec!["setuptools", "setuptools-scm", "wheel"]
        );
    }

    #[test]
    fn poetry_and_build_only_files_have_no_package() {
        let record = fixture!("poetry.toml").unwrap();
        assert!(record.packages.is_empty());
        assert_eq!(record.status, Status::Ok);
        assert_eq!(names(&record.requirements), vec!["poetry-core"]);
        let record = fixture!("build_only.toml").unwrap();
        assert!(record.packages.is_empty());
        assert_eq!(
            names(&record.requirements),
            vec!["setuptools", "Cython", "numpy"]
        );
        assert_eq!(
            record.requirements[2].url.as_deref(),
            Some("https://example.com/numpy-2.0.0.tar.gz")
        );
        assert_eq!(record.requirements[1].line, 4);
    }

    #[test]
    fn a_bad_requirement_keeps_the_rest() {
        let record = fixture!("bad_requirement.toml").unwrap();
        assert_eq!(record.status, Status::Error);
        let err = record.error.as_ref().unwrap();
        assert!(err
            .message
            .starts_with("invalid requirement in `dependencies`"));
        // `  "bad >= ; python_version",`: the fault is inside the string, after `>=`.
        assert_eq!(err.line, 6);
        assert!(err.column > 4 && err.column <= 27, "{err:?}");
        let p = &record.packages[0];
        assert_eq!(names(&p.requires), vec!["good", "also-good"]);
        assert_eq!(p.provides_extra, vec!["test"]);
        assert_eq!(names(&record.requirements), vec!["ruff"]);
    }

    #[test]
    fn error_columns_point_inside_the_string() {
        let head = "[project]\nname = \"a\"\nversion = \"1\"\n";
        let err = parse(&format!("{head}dependencies = [\"foo >= 1, <\"]\n"))
            .unwrap()
            .error
            .unwrap();
        assert_eq!(err.line, 4);
        // The string's quote is at column 17; the fault is around the `<` at column 28.
        assert!(err.column >= 27 && err.column <= 30, "{err:?}");
        // Escapes are walked: `\u0066` is one character of the value, six of the file.
        let escaped = parse(&format!("{head}dependencies = [\"\\u0066oo >= ; x\"]\n"))
            .unwrap()
            .error
            .unwrap();
        let plain = parse(&format!("{head}dependencies = [\"foo >= ; x\"]\n"))
            .unwrap()
            .error
            .unwrap();
        assert_eq!(escaped.column, plain.column + 5);
        // Multi-line literal strings: the fault is on the string's second line.
        let err = parse(&format!("{head}dependencies = ['''\nfoo >= ; x''']\n"))
            .unwrap()
            .error
            .unwrap();
        assert_eq!(err.line, 5);
    }

    #[test]
    fn dependencies_must_be_a_list_of_strings() {
        let record = fixture!("deps_not_list.toml").unwrap();
        assert_eq!(record.status, Status::Error);
        let err = record.error.unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidValue);
        assert_eq!(
            err.message,
            "expected `dependencies` to be a list of strings, found a string"
        );
        assert_eq!((err.line, err.column), (4, 16));
        let record = fixture!("deps_not_strings.toml").unwrap();
        let err = record.error.as_ref().unwrap();
        assert_eq!((err.line, err.column), (4, 29));
        assert_eq!(names(&record.packages[0].requires), vec!["requests"]);
    }

    #[test]
    fn name_and_version_rules() {
        let err = fixture!("missing_name.toml").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::MissingField);
        assert_eq!(err.info.line, 1);
        let err = fixture!("missing_version.toml").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::MissingField);
        assert!(err.info.message.contains("`version`"));
        let err = fixture!("version_and_dynamic.toml").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::InvalidValue);
        assert_eq!(err.info.line, 3);
        assert!(err
            .info
            .message
            .contains("`version` is listed in `dynamic`"));
        let err =
            parse("[project]\nname = \"a\"\ndynamic = [\"name\", \"version\"]\n").unwrap_err();
        assert!(err.info.message.contains("`name` cannot be dynamic"));
        let err = parse("[project]\nname = \"a b\"\nversion = \"1\"\n").unwrap_err();
        assert!(err.info.message.starts_with("invalid project name"));
        let err = parse("[project]\nname = \"a\"\nversion = \"one\"\n").unwrap_err();
        assert!(err.info.message.starts_with("invalid version"), "{err}");
        assert!(parse("[project]\nname = \"a\"\nversion = \"v1.0.post1+local.7\"\n").is_ok());
        let record = fixture!("minimal.toml").unwrap();
        assert_eq!(record.status, Status::Ok);
        assert_eq!(record.packages[0].version, "1");
    }

    #[test]
    fn toml_and_utf8_errors_have_positions() {
        let err = fixture!("syntax_error.toml").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Syntax);
        assert_eq!(err.info.line, 3);
        assert!(err.info.column > 1);
        assert!(err.info.message.starts_with("invalid TOML: "));
        let err = parse_pyproject("p.toml", b"[project]\nname = \"\xff\"\n").unwrap_err();
        assert_eq!(err.info.kind, ErrorKind::Encoding);
        assert_eq!((err.info.line, err.info.column), (2, 9));
        let err = parse("[project]\n[project]\n").unwrap_err();
        assert_eq!(err.info.line, 2);
        let err = parse("project = 3\n").unwrap_err();
        assert!(err.info.message.contains("found an integer"));
    }

    #[test]
    fn includes_cannot_explode() {
        let mut text = String::from("[dependency-groups]\ng0 = [\"a\", \"b\"]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "g{i} = [{{include-group = \"g{p}\"}}, {{include-group = \"g{p}\"}}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.info.message.contains("more than"));
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

    #[test]
    fn arbitrary_bytes_never_panic() {
        let samples: &[&[u8]] = &[
            b"",
            b"\"",
            b"[project]\nname=\"a\"\nversion=\"1\"\ndependencies=[\"\\\"",
            b"[dependency-groups]\na=[{include-group=\"a\"}]\n",
            b"[dependency-groups]\na=[{include-group=1}, {x=1}, 3, [\"b\"]]\n",
            b"[project]\nname=\"a\"\nversion=\"1\"\noptional-dependencies={\"a b\"=[\"x\"], c=3}\n",
            b"[project]\nname=\"a\"\nversion=\"1\"\nrequires-python=\">=3;\"\n",
            b"[build-system]\nrequires=\"x\"\nbuild-backend=3\n",
            b"\xEF\xBB\xBF[project]\nname=\"\xC3\xA9\"\n",
        ];
        for sample in samples {
            let _ = parse_pyproject("p.toml", sample);
        }
        // Every prefix of a real file.
        let bytes = fixture_bytes!("hatch_groups.toml").to_vec();
        for end in 0..bytes.len() {
            let _ = parse_pyproject("p.toml", &bytes[..end]);
        }
    }
}
