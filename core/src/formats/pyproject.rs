//! `pyproject.toml`: the `[project]` table (PEP 621), `[build-system]` (PEP 518),
//! `[dependency-groups]` (PEP 735) and Poetry's `[tool.poetry]` ([`super::poetry`]).
//!
//! The file is read with `toml`'s span-keeping document parser, so every requirement carries
//! the line of its string and every error a line and column:
//! - `[project]` becomes one Python [`Package`]: `name` and `version` as written (`version` is
//!   empty when it is dynamic), `dependencies` as `run` requirements, `optional-dependencies`
//!   as `optional:<extra>` requirements with the extras in file order, `requires-python`,
//!   `description` (the summary) and `dynamic`. A file without `[project]` is a Poetry 1
//!   project's when it has `[tool.poetry]` (read as poetry-core reads it), else (only a build
//!   system, only groups) it has no package.
//! - `[build-system].requires` goes to [`Record::requirements`] with kind `build`;
//!   `build-backend` is kept in the package's `extra` as `build_backend` when there is a
//!   package, and dropped otherwise.
//! - setuptools' `[tool.setuptools.dynamic]` files (`dependencies = {file = [...]}`,
//!   `optional-dependencies.<extra> = {file = ...}`), which setuptools reads at build time, are
//!   kept in the package's `extra` as `dependency_files` (paths relative to the
//!   `pyproject.toml`, in file order): a caller with a file system reads them as requirements
//!   files (`pkglens scan` does, whatever their names).
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

use super::poetry::{gives_dependencies, read_poetry};
use super::toml_reader::{is_valid_name, specifiers_fault, type_name, TomlReader};
use crate::versions::pep508::normalize_name;
use crate::{
    Ecosystem, ErrorKind, Format, Package, ParseError, Record, Requirement, RequirementKind,
};
use serde_json::Value;
use std::ops::Range;
use toml::de::DeValue;
use toml::Spanned;

/// The most requirements the expansion of `[dependency-groups]` may produce: includes can
/// multiply a small file into an enormous list.
const MAX_GROUP_REQUIREMENTS: usize = 100_000;

/// Parses a `pyproject.toml`.
pub fn parse_pyproject(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let (toml, document) = TomlReader::open(path, Format::Pyproject, "pyproject.toml", bytes)?;
    let mut parser = Parser { toml };
    let root = document.get_ref();

    // Poetry 2 can give a `[project]`'s dependencies: they are then not computed at build time.
    let from_poetry = match root.get("project").map(Spanned::get_ref) {
        Some(DeValue::Table(project)) => gives_dependencies(root, project),
        _ => false,
    };
    let mut package = match root.get_key_value("project") {
        Some((key, value)) => Some(parser.project(key, value, from_poetry)?),
        None => None,
    };
    let poetry = read_poetry(
        &mut parser.toml,
        root,
        package.as_mut().map(|p| (p, from_poetry)),
    );
    let mut poetry_requirements = Vec::new();
    if let Some(poetry) = poetry {
        package = package.or(poetry.package);
        poetry_requirements = poetry.requirements;
    }
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
    parser.toml.record.requirements.extend(poetry_requirements);
    let files = setuptools_dynamic_files(root);
    if let (Some(package), false) = (package.as_mut(), files.is_empty()) {
        let files = files.into_iter().map(Value::String).collect();
        package
            .extra
            .insert("dependency_files".to_owned(), Value::Array(files));
    }
    let mut record = parser.toml.record;
    record.packages.extend(package);
    Ok(record)
}

/// The files `[tool.setuptools.dynamic]` names for `dependencies` and each of
/// `optional-dependencies`, in file order (`file` is a string or a list of strings). Values of
/// other shapes name nothing here: validating setuptools' own table is setuptools' work.
fn setuptools_dynamic_files(root: &toml::de::DeTable<'_>) -> Vec<String> {
    let Some(dynamic) = table(root.get("tool"))
        .and_then(|tool| table(tool.get("setuptools")))
        .and_then(|setuptools| table(setuptools.get("dynamic")))
    else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let mut add = |spec: Option<&Spanned<DeValue<'_>>>| match table(spec)
        .and_then(|spec| spec.get("file"))
        .map(Spanned::get_ref)
    {
        Some(DeValue::String(file)) => files.push(file.to_string()),
        Some(DeValue::Array(items)) => {
            files.extend(items.iter().filter_map(|item| match item.get_ref() {
                DeValue::String(file) => Some(file.to_string()),
                _ => None,
            }))
        }
        _ => {}
    };
    add(dynamic.get("dependencies"));
    if let Some(extras) = table(dynamic.get("optional-dependencies")) {
        for (_, spec) in extras.iter() {
            add(Some(spec));
        }
    }
    files
}

/// The table `value` holds, if it is one.
fn table<'a, 'i>(value: Option<&'a Spanned<DeValue<'i>>>) -> Option<&'a toml::de::DeTable<'i>> {
    match value.map(Spanned::get_ref) {
        Some(DeValue::Table(table)) => Some(table),
        _ => None,
    }
}

/// Reads one file, keeping the record and the first soft fault.
struct Parser<'t> {
    toml: TomlReader<'t>,
}

/// `[project]` fields whose dynamic status changes what pkglens reports.
const REPORTED_FIELDS: &[&str] = &[
    "version",
    "dependencies",
    "optional-dependencies",
    "requires-python",
    "description",
];

/// `[project]` fields Poetry gives when they are dynamic and `[tool.poetry.dependencies]` is
/// there ([`gives_dependencies`]).
const POETRY_FIELDS: &[&str] = &["dependencies", "optional-dependencies", "requires-python"];

/// One entry of a dependency group, once read.
enum GroupItem {
    /// A requirement, its kind set when the group is expanded.
    Requirement(Requirement),
    /// `{include-group = "name"}`: the normalised name, as written, and the value's span.
    Include(String, String, Range<usize>),
}

impl<'t> Parser<'t> {
    /// `[project]` (PEP 621): the package.
    fn project(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        from_poetry: bool,
    ) -> Result<Package, ParseError> {
        let project = self.toml.table_value("project", value)?;

        // `dynamic` first: it decides whether `version` may be absent.
        let mut dynamic = Vec::new();
        if let Some(value) = project.get("dynamic") {
            for item in self.toml.list("dynamic", "strings", value)? {
                let field = self.toml.string_item("dynamic", item)?;
                if field == "name" {
                    return Err(self.toml.error(
                        ErrorKind::InvalidValue,
                        "`name` cannot be dynamic: it must be given statically",
                        item.span(),
                    ));
                }
                if let Some((static_key, _)) = project.get_key_value(field) {
                    return Err(self.toml.error(
                        ErrorKind::InvalidValue,
                        format!("`{field}` is listed in `dynamic` but also given statically"),
                        static_key.span(),
                    ));
                }
                dynamic.push(field.to_owned());
            }
        }

        let name = self
            .toml
            .name_field(project, "[project]", "project", key.span().start)?;

        let version = match project.get("version") {
            None if dynamic.iter().any(|f| f == "version") => String::new(),
            None => {
                return Err(self.toml.error(
                    ErrorKind::MissingField,
                    "expected a `version` in `[project]`, or `version` listed in `dynamic`, \
                     found neither",
                    key.span(),
                ))
            }
            Some(value) => self.toml.version_value(value, "")?,
        };

        let mut package = Package::new(Ecosystem::Python, name, version);
        let reported: Vec<&str> = dynamic
            .iter()
            .map(String::as_str)
            .filter(|f| REPORTED_FIELDS.contains(f))
            .filter(|f| !(from_poetry && POETRY_FIELDS.contains(f)))
            .collect();
        if !reported.is_empty() {
            self.toml.record.mark_dynamic(format!(
                "`[project].dynamic` lists {}: computed at build time",
                reported.join(", ")
            ));
        }
        package.dynamic = dynamic;
        package.summary = self.toml.string(project, "description");
        package.requires_python =
            self.toml
                .checked_string(project, "requires-python", specifiers_fault);
        if let Some(value) = project.get("dependencies") {
            package.requires = self
                .toml
                .requirements("dependencies", value, &RequirementKind::Run);
        }
        if let Some(extras) = self.toml.table(project, "optional-dependencies") {
            for (extra, list) in extras.iter() {
                let extra_name = extra.get_ref().to_string();
                if !is_valid_name(&extra_name) {
                    self.toml.fault(
                        ErrorKind::InvalidValue,
                        format!("invalid extra name `{extra_name}`"),
                        extra.span(),
                    );
                    continue;
                }
                let field = format!("optional-dependencies.{extra_name}");
                let kind = RequirementKind::Optional(extra_name.clone());
                let requirements = self.toml.requirements(&field, list, &kind);
                package.provides_extra.push(extra_name);
                package.requires.extend(requirements);
            }
        }
        Ok(package)
    }

    /// Reads `[build-system]`: its requirements go to the record; returns the backend.
    fn build_system(&mut self, value: &Spanned<DeValue<'_>>) -> Result<Option<String>, ParseError> {
        let build = self.toml.table_value("build-system", value)?;
        if let Some(requires) = build.get("requires") {
            let requirements =
                self.toml
                    .requirements("build-system.requires", requires, &RequirementKind::Build);
            self.toml.record.requirements.extend(requirements);
        }
        Ok(self.toml.string(build, "build-backend"))
    }

    /// Reads `[dependency-groups]` and expands the includes, group by group in file order.
    fn dependency_groups(&mut self, value: &Spanned<DeValue<'_>>) -> Result<(), ParseError> {
        let table = self.toml.table_value("dependency-groups", value)?;
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
                self.toml
                    .fault(ErrorKind::InvalidValue, message, key.span());
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
                            return Err(self.toml.error(
                                ErrorKind::InvalidValue,
                                format!(
                                    "dependency groups expand to more than \
                                     {MAX_GROUP_REQUIREMENTS} requirements"
                                ),
                                value.span(),
                            ));
                        }
                        let mut requirement = requirement.clone();
                        requirement.kind = kind.clone();
                        self.toml.record.requirements.push(requirement);
                    }
                    GroupItem::Include(target, written, span) => {
                        match groups.iter().position(|(_, n, _)| n == target) {
                            None => {
                                let message = format!(
                                    "dependency group `{}` includes `{written}`, which is not \
                                     a dependency group",
                                    groups[group].0
                                );
                                self.toml
                                    .fault(ErrorKind::InvalidValue, message, span.clone());
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
                                self.toml
                                    .fault(ErrorKind::InvalidValue, message, span.clone());
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
            let err = self
                .toml
                .not_a(&format!("dependency group `{name}`"), "a list", list);
            self.toml.soft::<()>(Err(err));
            return Vec::new();
        };
        let field = format!("dependency-groups.{name}");
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            match entry.get_ref() {
                DeValue::String(_) => {
                    // The kind is set when the group is expanded.
                    if let Some(r) = self
                        .toml
                        .requirement(&field, entry, &RequirementKind::Build)
                    {
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
                        _ => self.toml.fault(
                            ErrorKind::InvalidValue,
                            format!(
                                "invalid item in dependency group `{name}`: expected a \
                                 requirement string or `{{include-group = \"name\"}}`"
                            ),
                            entry.span(),
                        ),
                    }
                }
                other => self.toml.fault(
                    ErrorKind::InvalidValue,
                    format!(
                        "invalid item in dependency group `{name}`: expected a requirement \
                         string or `{{include-group = \"name\"}}`, found {}",
                        type_name(other)
                    ),
                    entry.span(),
                ),
            }
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
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
        assert_eq!(
            record.packages[0].extra.get("dependency_files"),
            Some(&serde_json::json!([
                "requirements.txt",
                "requirements-dev.txt"
            ]))
        );
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
    fn a_poetry_project_is_read_as_poetry_core_writes_its_metadata() {
        let record = fixture!("poetry.toml").unwrap();
        assert_eq!(record.status, Status::Ok);
        let p = &record.packages[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("poetry-demo", "0.1.0")
        );
        assert_eq!(p.requires_python.as_deref(), Some(">=3.9,<4.0"));
        let raws: Vec<&str> = p.requires.iter().map(|r| r.raw.as_str()).collect();
        assert_eq!(
            raws,
            vec![
                "requests>=2.31,<3.0",
                "pendulum>=3.0,<4.0 ; python_version >= \"3.9\""
            ]
        );
        assert_eq!(p.requires[1].line, 12);
        assert_eq!(
            p.extra.get("build_backend"),
            Some(&Value::String("poetry.core.masonry.api".into()))
        );
        // The dev group is not the package's: it goes to the record, as PEP 735 groups do.
        assert_eq!(names(&record.requirements), vec!["poetry-core", "pytest"]);
        assert_eq!(
            record.requirements[1].kind,
            RequirementKind::Group("dev".into())
        );
    }

    #[test]
    fn build_only_files_have_no_package() {
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
