//! `uv.lock` (uv's lock file, `version = 1`): every `[[package]]` entry becomes one Python
//! [`Package`]. Forks (several versions of one name, each with its `resolution-markers`) are
//! all kept, in file order.
//!
//! The file is read with `toml`'s span-keeping document parser, so every package carries the
//! line of its `[[package]]` header, every dependency the line of its table, and every error a
//! line and column. Each package carries:
//! - `name`, and `version` as written (empty when absent: a source tree with a dynamic
//!   version);
//! - `requires`: `dependencies` with kind `run`, `[package.optional-dependencies]` with kind
//!   `optional:<extra>`, `[package.dev-dependencies]` with kind `group:<group>`. Each entry
//!   (`{name = "x", version = "1.0", marker = "...", extra = ["y"]}`) becomes a requirement
//!   with `raw` rendered as PEP 508 (`x[y]==1.0 ; marker`), `spec` `==version` when uv pinned
//!   a version (it does so to tell forks apart), `extras`, `marker` as written, and `url` for a
//!   `git` or `url` source;
//! - `provides_extra`: `[package.metadata].provides-extras`, else the keys of
//!   `optional-dependencies`;
//! - `extra["source"]`: `{"kind": "registry" | "editable" | "virtual" | "git" | "url" |
//!   "path" | "directory", "url" | "path": ..., ...}` (other keys of the source table, such as
//!   `subdirectory`, as written; for `git`, `commit`: the URL's fragment);
//! - `extra["resolution_markers"]`: the package's `resolution-markers`, when it has any;
//! - `extra["requires_dist"]` and `extra["requires_dev"]`: `[package.metadata].requires-dist`
//!   and `[package.metadata.requires-dev]` as written (tables of `name`, `specifier`, `marker`,
//!   `extras`, sources...): the project's own requirements, with the specifiers it declared,
//!   for the root and workspace packages uv records them for;
//! - `extra["root"] = true` for the project itself (source `editable` or `virtual` at `.`),
//!   and `extra["workspace_member"] = true` for the names in `[manifest].members`;
//! - `requires_python`: the file's `requires-python`, on the root package(s) only (it is the
//!   project's own `requires-python`, intersected across the workspace); uv.lock records none
//!   for the locked distributions.
//!
//! Faults in what identifies the packages (TOML syntax, UTF-8, `version` missing or not 1,
//! `package` not a list of tables, a package without a valid `name`, an invalid `version`)
//! are [`ParseError`]s; a lock `version` other than 1 is `unsupported`. Other faults (a field
//! of the wrong type, an invalid dependency or marker) do not lose the rest: the record comes
//! back with status `error`, its first fault in `error`, the faulty value skipped and every
//! good value kept.

use super::toml_reader::{
    is_valid_name, marker_fault, specifiers_fault, to_json, version_fault, TomlReader,
};
use crate::versions::pep508::normalize_name;
use crate::{ErrorKind, Format, Package, ParseError, Record, Requirement, RequirementKind};
use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The kinds of `source` uv writes, each keyed by the kind.
const SOURCES: &[&str] = &[
    "registry",
    "editable",
    "virtual",
    "git",
    "url",
    "path",
    "directory",
];

/// Reads one file, keeping the record and the first soft fault.
struct Parser<'t> {
    toml: TomlReader<'t>,
}

/// Parses a `uv.lock`.
pub fn parse_uv_lock(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let (toml, document) = TomlReader::open(path, Format::UvLock, "uv.lock", bytes)?;
    let mut parser = Parser { toml };
    let root = document.get_ref();

    lock_version(&parser.toml, root)?;
    if let Some(value) = root.get("revision") {
        let revision = parser.toml.integer_value("revision", value);
        parser.toml.soft(revision);
    }
    let requires_python = parser
        .toml
        .checked_string(root, "requires-python", specifiers_fault);
    let members: Vec<String> = match parser.toml.table(root, "manifest") {
        None => Vec::new(),
        Some(manifest) => parser
            .toml
            .strings(manifest, "members")
            .iter()
            .map(|m| normalize_name(m))
            .collect(),
    };

    let Some(packages) = root.get("package") else {
        return Ok(parser.toml.record);
    };
    for item in parser.toml.list("package", "tables", packages)? {
        let table = parser.toml.table_item("package", item)?;
        let mut package = parser.package(table, item.span().start)?;
        if package.extra.get("root") == Some(&Value::Bool(true)) {
            package.requires_python.clone_from(&requires_python);
        }
        if members.contains(&normalize_name(&package.name)) {
            package
                .extra
                .insert("workspace_member".to_owned(), Value::Bool(true));
        }
        parser.toml.record.packages.push(package);
    }
    Ok(parser.toml.record)
}

/// The lock file `version`: required, the integer 1.
fn lock_version(toml: &TomlReader<'_>, root: &DeTable<'_>) -> Result<(), ParseError> {
    let value = toml.required(
        root,
        "version",
        "expected a lock file `version` (1), found none",
    )?;
    let span = value.span();
    let version = toml.integer_value("version", value)?;
    if i64::from_str_radix(version.as_str(), version.radix()) != Ok(1) {
        return Err(toml.error(
            ErrorKind::Unsupported,
            format!("unsupported uv.lock `version` {version}: pkglens reads version 1"),
            span.clone(),
        ));
    }
    Ok(())
}

impl Parser<'_> {
    /// One `[[package]]` table whose header starts at byte `start`.
    fn package(&mut self, table: &DeTable<'_>, start: usize) -> Result<Package, ParseError> {
        let mut package = self.toml.locked_package(table, "[[package]]", start)?;

        if let Some(value) = table.get("source") {
            if let Some((source, root)) = self.source(value) {
                package.extra.insert("source".to_owned(), source);
                if root {
                    package.extra.insert("root".to_owned(), Value::Bool(true));
                }
            }
        }
        if table.contains_key("resolution-markers") {
            let markers = self.toml.strings(table, "resolution-markers");
            if !markers.is_empty() {
                let markers = markers.into_iter().map(Value::String).collect();
                package
                    .extra
                    .insert("resolution_markers".to_owned(), Value::Array(markers));
            }
        }
        if let Some(value) = table.get("dependencies") {
            let requirements = self.dependencies("dependencies", value, &RequirementKind::Run);
            package.requires.extend(requirements);
        }
        if let Some(extras) = self.toml.table(table, "optional-dependencies") {
            for (extra, list) in extras.iter() {
                let extra = extra.get_ref().to_string();
                let field = format!("optional-dependencies.{extra}");
                let kind = RequirementKind::Optional(extra.clone());
                let requirements = self.dependencies(&field, list, &kind);
                package.requires.extend(requirements);
                package.provides_extra.push(extra);
            }
        }
        if let Some(groups) = self.toml.table(table, "dev-dependencies") {
            for (group, list) in groups.iter() {
                let group = group.get_ref().to_string();
                let field = format!("dev-dependencies.{group}");
                let kind = RequirementKind::Group(group);
                let requirements = self.dependencies(&field, list, &kind);
                package.requires.extend(requirements);
            }
        }
        if let Some(metadata) = self.toml.table(table, "metadata") {
            if metadata.contains_key("provides-extras") {
                package.provides_extra = self.toml.strings(metadata, "provides-extras");
            }
            // What the project itself asked for (its specifiers, where `dependencies` holds
            // only what was resolved), kept as uv wrote it.
            for (field, key) in [
                ("requires-dist", "requires_dist"),
                ("requires-dev", "requires_dev"),
            ] {
                if let Some(value) = metadata.get(field) {
                    package
                        .extra
                        .insert(key.to_owned(), to_json(value.get_ref()));
                }
            }
        }
        Ok(package)
    }

    /// Summarises `source = { kind = "..." }`; also says whether it is the project itself.
    fn source(&mut self, value: &Spanned<DeValue<'_>>) -> Option<(Value, bool)> {
        let source = self.toml.table_value("source", value);
        let source = self.toml.soft(source)?;
        let Some((kind, location)) = SOURCES
            .iter()
            .find_map(|&kind| source.get(kind).map(|location| (kind, location)))
        else {
            self.toml.fault(
                ErrorKind::InvalidValue,
                format!("expected `source` to have one of {}", SOURCES.join(", ")),
                value.span(),
            );
            return None;
        };
        let Some(location) = location.get_ref().as_str() else {
            let err = self
                .toml
                .not_a(&format!("the `{kind}` of `source`"), "a string", location);
            return self.toml.soft(Err(err));
        };
        let is_url = match kind {
            "git" | "url" => true,
            "registry" => location.contains("://"),
            _ => false,
        };
        let mut summary = Map::new();
        summary.insert("kind".to_owned(), Value::String(kind.to_owned()));
        summary.insert(
            if is_url { "url" } else { "path" }.to_owned(),
            Value::String(if is_url {
                super::redact_auth_from_url(location).into_owned()
            } else {
                location.to_owned()
            }),
        );
        if kind == "git" {
            if let Some((_, commit)) = location.split_once('#') {
                summary.insert("commit".to_owned(), Value::String(commit.to_owned()));
            }
        }
        for (key, value) in source.iter() {
            if key.get_ref() != kind {
                summary.insert(key.get_ref().to_string(), to_json(value.get_ref()));
            }
        }
        let root = matches!(kind, "editable" | "virtual") && is_current_dir(location);
        Some((Value::Object(summary), root))
    }

    /// A list of dependency tables; faulty entries are skipped.
    fn dependencies(
        &mut self,
        field: &str,
        value: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Vec<Requirement> {
        let items = self.toml.list(field, "tables", value);
        let Some(items) = self.toml.soft(items) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.dependency(field, item, kind))
            .collect()
    }

    /// One `{ name = "x", version = "1.0", marker = "...", extra = ["y"] }`.
    fn dependency(
        &mut self,
        field: &str,
        item: &Spanned<DeValue<'_>>,
        kind: &RequirementKind,
    ) -> Option<Requirement> {
        let span = item.span();
        let dependency = self.toml.table_item(field, item);
        let dependency = self.toml.soft(dependency)?;
        let Some(name_value) = dependency.get("name") else {
            self.toml.fault(
                ErrorKind::MissingField,
                format!("expected a `name` in each item of `{field}`, found none"),
                span.clone(),
            );
            return None;
        };
        let name = match name_value.get_ref() {
            DeValue::String(name) if is_valid_name(name) => name.to_string(),
            _ => {
                self.toml.fault(
                    ErrorKind::InvalidValue,
                    format!("expected the `name` of an item of `{field}` to be a package name"),
                    name_value.span(),
                );
                return None;
            }
        };
        let version = self.toml.string(dependency, "version");
        if let Some(message) = version.as_deref().and_then(version_fault) {
            self.toml.fault(
                ErrorKind::InvalidValue,
                format!("invalid version of `{name}` in `{field}`: {message}"),
                span.clone(),
            );
            return None;
        }
        let marker = self.toml.string(dependency, "marker");
        let extras = self.toml.strings(dependency, "extra");
        let url = dependency
            .get("source")
            .and_then(|s| s.get_ref().as_table())
            .and_then(|s| ["git", "url"].iter().find_map(|k| s.get(*k)))
            .and_then(|u| u.get_ref().as_str())
            .map(str::to_owned);

        if let Some(bad) = extras.iter().find(|e| !is_valid_name(e)) {
            self.toml.fault(
                ErrorKind::InvalidValue,
                format!("invalid extra `{bad}` of `{name}` in `{field}`"),
                span.clone(),
            );
            return None;
        }
        if let Some(message) = marker.as_deref().and_then(marker_fault) {
            self.toml.fault(
                ErrorKind::InvalidValue,
                format!("invalid marker of `{name}` in `{field}`: {message}"),
                span.clone(),
            );
            return None;
        }

        let spec = version.map(|v| format!("=={v}")).unwrap_or_default();
        let mut raw = name.clone();
        if !extras.is_empty() {
            raw.push('[');
            raw.push_str(&extras.join(","));
            raw.push(']');
        }
        raw.push_str(&spec);
        if let Some(marker) = &marker {
            raw.push_str(" ; ");
            raw.push_str(marker);
        }
        Some(Requirement {
            raw,
            name,
            spec,
            extras,
            marker,
            url,
            kind: kind.clone(),
            line: self.toml.line(span.start),
        })
    }
}

/// Whether a source path names the directory of the lock file.
fn is_current_dir(path: &str) -> bool {
    matches!(path.trim_end_matches(['/', '\\']), "." | "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::toml_reader::tests::fails_at;
    use crate::Status;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn parse(text: &str) -> Result<Record, ParseError> {
        parse_uv_lock("uv.lock", text.as_bytes())
    }

    #[test]
    fn reads_forks_kinds_and_the_root() {
        let text = r#"version = 1
revision = 2
requires-python = ">=3.9"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "idna", version = "3.10", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.10'" },
    { name = "httpx", extra = ["http2"] },
]

[package.optional-dependencies]
yaml = [{ name = "pyyaml" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[package.metadata]
requires-dist = [
    { name = "httpx", extras = ["http2"], specifier = ">=0.27" },
    { name = "idna", marker = "python_full_version < '3.10'", specifier = ">=3" },
    { name = "pyyaml", marker = "extra == 'yaml'" },
]
provides-extras = ["yaml"]

[package.metadata.requires-dev]
dev = [{ name = "pytest", specifier = ">=8" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.10'"]

[[package]]
name = "idna"
version = "3.11"
source = { registry = "https://pypi.org/simple" }
"#;
        let record = parse(text).expect("parses");
        assert_eq!(record.status, Status::Ok);
        let [demo, old, new] = &record.packages[..] else {
            panic!("three packages: {:?}", record.packages)
        };
        assert_eq!(demo.line, 5);
        assert_eq!(demo.extra["root"], true);
        assert_eq!(demo.requires_python.as_deref(), Some(">=3.9"));
        assert_eq!(demo.provides_extra, ["yaml"]);
        let got: Vec<(String, String)> = demo
            .requires
            .iter()
            .map(|r| (r.raw.clone(), r.kind.to_string()))
            .collect();
        let want = [
            ("idna==3.10 ; python_full_version < '3.10'", "run"),
            ("httpx[http2]", "run"),
            ("pyyaml", "optional:yaml"),
            ("pytest", "group:dev"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            demo.requires[0].marker.as_deref(),
            Some("python_full_version < '3.10'")
        );
        assert_eq!(demo.requires[0].line, 10);
        assert_eq!(demo.extra["requires_dist"][0]["specifier"], ">=0.27");
        assert_eq!(demo.extra["requires_dist"][0]["extras"][0], "http2");
        assert_eq!(demo.extra["requires_dist"][2]["marker"], "extra == 'yaml'");
        assert_eq!(demo.extra["requires_dev"]["dev"][0]["specifier"], ">=8");
        assert_eq!((old.version.as_str(), old.line), ("3.10", 31));
        assert_eq!(
            old.extra["resolution_markers"][0],
            "python_full_version < '3.10'"
        );
        assert_eq!(old.requires_python, None);
        assert_eq!(new.extra["source"]["kind"], "registry");
        assert_eq!(new.extra["source"]["url"], "https://pypi.org/simple");
    }

    #[test]
    fn identity_faults_are_errors() {
        let cases = [
            ("", ErrorKind::MissingField, 0),
            ("version = 2\n", ErrorKind::Unsupported, 1),
            ("version = \"1\"\n", ErrorKind::InvalidValue, 1),
            ("version = 1\npackage = 1\n", ErrorKind::InvalidValue, 2),
            (
                "version = 1\n[[package]]\nversion = \"1\"\n",
                ErrorKind::MissingField,
                2,
            ),
            (
                "version = 1\n[[package]]\nname = 3\n",
                ErrorKind::InvalidValue,
                3,
            ),
            (
                "version = 1\n[[package]]\nname = \"a\"\nversion = \"\"\n",
                ErrorKind::InvalidValue,
                4,
            ),
            ("version = 1\n[[package]\n", ErrorKind::Syntax, 2),
        ];
        fails_at(parse, &cases);
    }

    #[test]
    fn soft_faults_keep_the_rest() {
        let text = "version = 1\n[[package]]\nname = \"a\"\nsource = { registry = 3 }\n\
                    dependencies = [\n  { name = \"b\", marker = \"os_name ==\" },\n  \"c\",\n  { name = \"d\" },\n]\n";
        let record = parse(text).expect("parses");
        assert_eq!(record.status, Status::Error);
        let error = record.error.as_ref().expect("a fault");
        assert_eq!((error.kind, error.line), (ErrorKind::InvalidValue, 4));
        let names: Vec<&str> = record.packages[0]
            .requires
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["d"]);
        assert!(!record.packages[0].extra.contains_key("source"));
    }

    #[test]
    fn a_lock_without_packages_is_empty() {
        let record = parse("version = 1\nrequires-python = \">=3.12\"\n").expect("parses");
        assert!(record.packages.is_empty());
        assert_eq!(record.status, Status::Ok);
    }
}
