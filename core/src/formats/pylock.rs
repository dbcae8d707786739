//! `pylock.toml` (PEP 751, `lock-version = "1.x"`): every `[[packages]]` entry becomes one
//! Python [`Package`].
//!
//! The file is read with `toml`'s span-keeping document parser, so every package carries the
//! line of its `[[packages]]` header, every dependency the line of its table, and every error a
//! line and column. Each package carries:
//! - `name`, and `version` as written (empty when absent, as for `vcs` and `directory`
//!   sources);
//! - `requires`: its `dependencies`, kind `run`. PEP 751 dependencies are not PEP 508 strings
//!   but tables naming another locked package (`{name = "x", version = "1.0"}`); each becomes
//!   a requirement whose `raw` is `name==version` (or `name`), `spec` `==version` when a
//!   version is given, and `url` the `vcs` or `archive` URL when one is given;
//! - `requires_python`, from the package's `requires-python`;
//! - `extra["marker"]`: the package's `marker`; `extra["index"]`: its `index`;
//! - `extra["source"]`: where it comes from, `{"kind": ..., ...}` with kind `vcs`,
//!   `directory` or `archive` (the source table's own keys as written: `url` or `path`,
//!   `commit-id`, `hashes`, ...), or `sdist` / `wheels` (the sdist's keys as written, and
//!   `wheels`: the wheel file names).
//!
//! File-level fields (`created-by`, `requires-python`, `environments`, `extras`,
//! `dependency-groups`, `default-groups`) are type-checked but not reported: a [`Record`] has
//! no place for them.
//!
//! Faults in what identifies the packages (TOML syntax, UTF-8, `lock-version` missing or not
//! `1.x`, `packages` missing or not a list of tables, a package without a valid `name`, an
//! invalid `version`) are [`ParseError`]s; a major `lock-version` other than 1 is
//! `unsupported`, as PEP 751 requires readers to refuse it. Other faults (a field of the wrong
//! type, an invalid marker, a dependency without a name, two kinds of source) do not lose the
//! rest: the record comes back with status `error`, its first fault in `error`, the faulty
//! value skipped and every good value kept.

use super::toml_reader::{
    is_valid_name, marker_fault, specifiers_fault, to_json, version_fault, TomlReader,
};
use crate::{ErrorKind, Format, Package, ParseError, Record, Requirement, RequirementKind};
use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The source tables of a package, in the order PEP 751 lists them.
const SOURCES: &[&str] = &["vcs", "directory", "archive", "sdist", "wheels"];

/// Reads one file, keeping the record and the first soft fault.
struct Parser<'t> {
    toml: TomlReader<'t>,
}

/// Parses a `pylock.toml`.
pub fn parse_pylock(path: &str, bytes: &[u8]) -> Result<Record, ParseError> {
    let (toml, document) = TomlReader::open(path, Format::Pylock, "pylock.toml", bytes)?;
    let mut parser = Parser { toml };
    let root = document.get_ref();

    parser.lock_version(root)?;
    let created_by = parser.toml.required(
        root,
        "created-by",
        "expected a `created-by` naming the tool that wrote the lock file, found none",
    );
    parser.toml.soft(created_by);
    parser.toml.string(root, "created-by");
    parser.toml.string(root, "requires-python");
    for field in [
        "environments",
        "extras",
        "dependency-groups",
        "default-groups",
    ] {
        parser.toml.strings(root, field);
    }

    let packages = parser
        .toml
        .required(root, "packages", "expected `[[packages]]`, found none")?;
    for item in parser.toml.list("packages", "tables", packages)? {
        let table = parser.toml.table_item("packages", item)?;
        let package = parser.package(table, item.span().start)?;
        parser.toml.record.packages.push(package);
    }
    Ok(parser.toml.record)
}

impl Parser<'_> {
    /// `lock-version`: required, a string `major.minor` with major 1.
    fn lock_version(&self, root: &DeTable<'_>) -> Result<(), ParseError> {
        let value = self.toml.required(
            root,
            "lock-version",
            "expected a `lock-version` (\"1.0\"), found none",
        )?;
        let version = self.toml.string_value("lock-version", value)?;
        let span = value.span();
        let mut parts = version.split('.');
        let major = parts.next().unwrap_or("");
        let minor = parts.next();
        let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !is_number(major) || !minor.is_some_and(is_number) || parts.next().is_some() {
            return Err(self.toml.error(
                ErrorKind::InvalidValue,
                format!("invalid `lock-version` `{version}`: expected `major.minor`, as \"1.0\""),
                span.clone(),
            ));
        }
        if major.trim_start_matches('0') != "1" {
            return Err(self.toml.error(
                ErrorKind::Unsupported,
                format!("unsupported `lock-version` `{version}`: pkglens reads version 1.x"),
                span.clone(),
            ));
        }
        Ok(())
    }

    /// One `[[packages]]` table whose header starts at byte `start`.
    fn package(&mut self, table: &DeTable<'_>, start: usize) -> Result<Package, ParseError> {
        let mut package = self.toml.locked_package(table, "[[packages]]", start)?;

        package.requires_python =
            self.toml
                .checked_string(table, "requires-python", specifiers_fault);
        if let Some(marker) = self.toml.checked_string(table, "marker", marker_fault) {
            package
                .extra
                .insert("marker".to_owned(), Value::String(marker));
        }
        if let Some(index) = self.toml.string(table, "index") {
            package
                .extra
                .insert("index".to_owned(), Value::String(index));
        }
        if let Some(source) = self.source(table) {
            package.extra.insert("source".to_owned(), source);
        }
        if let Some(value) = table.get("dependencies") {
            package.requires = self.dependencies(value);
        }
        Ok(package)
    }

    /// Summarises the package's source; two kinds of source (other than an sdist with
    /// wheels) are a soft fault, the first one is kept.
    fn source(&mut self, table: &DeTable<'_>) -> Option<Value> {
        let present: Vec<(&str, &Spanned<DeValue<'_>>)> = SOURCES
            .iter()
            .filter_map(|&kind| table.get(kind).map(|value| (kind, value)))
            .collect();
        let (first, first_value) = *present.first()?;
        if let Some((second, value)) = present
            .iter()
            .skip(1)
            .find(|(kind, _)| !matches!((first, *kind), ("sdist", "wheels")))
        {
            self.toml.fault(
                ErrorKind::InvalidValue,
                format!("a package has a single source: found both `{first}` and `{second}`"),
                value.span(),
            );
        }
        let mut summary = Map::new();
        summary.insert("kind".to_owned(), Value::String(first.to_owned()));
        if first != "wheels" {
            let value = first_value;
            let source = self.toml.table_value(first, value);
            let source = self.toml.soft(source)?;
            for (key, value) in source.iter() {
                let mut value = to_json(value.get_ref());
                if key.get_ref() == "url" {
                    if let Value::String(url) = &mut value {
                        *url = super::redact_auth_from_url(url).into_owned();
                    }
                }
                summary.insert(key.get_ref().to_string(), value);
            }
        }
        if let Some(value) = table.get("wheels") {
            if matches!(first, "sdist" | "wheels") {
                let names = self.wheel_names(value)?;
                summary.insert("wheels".to_owned(), Value::Array(names));
            }
        }
        Some(Value::Object(summary))
    }

    /// The file names of `wheels`: each wheel's `name`, or the last part of its URL or path.
    fn wheel_names(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Vec<Value>> {
        let wheels = self.toml.list("wheels", "tables", value);
        let wheels = self.toml.soft(wheels)?;
        let mut names = Vec::with_capacity(wheels.len());
        for wheel in wheels {
            let wheel = self.toml.table_item("wheels", wheel);
            let Some(wheel) = self.toml.soft(wheel) else {
                continue;
            };
            let name = ["name", "url", "path"].iter().find_map(|key| {
                let location = wheel.get(*key)?.get_ref().as_str()?;
                let location = location.split(['?', '#']).next().unwrap_or(location);
                location.rsplit(['/', '\\']).next()
            });
            match name {
                Some(name) => names.push(Value::String(name.to_owned())),
                None => self.toml.fault(
                    ErrorKind::MissingField,
                    "expected a wheel to have a `name`, `url` or `path`, found none",
                    value.span(),
                ),
            }
        }
        Some(names)
    }

    /// `dependencies`: tables naming other locked packages; faulty entries are skipped.
    fn dependencies(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<Requirement> {
        let items = self.toml.list("dependencies", "tables", value);
        let Some(items) = self.toml.soft(items) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let span = item.span();
            let dependency = self.toml.table_item("dependencies", item);
            let Some(dependency) = self.toml.soft(dependency) else {
                continue;
            };
            let name = match dependency.get("name").map(|v| (v, v.get_ref())) {
                Some((_, DeValue::String(name))) if is_valid_name(name) => name.to_string(),
                Some((value, _)) => {
                    self.toml.fault(
                        ErrorKind::InvalidValue,
                        "expected the `name` of a dependency to be a package name",
                        value.span(),
                    );
                    continue;
                }
                None => {
                    self.toml.fault(
                        ErrorKind::MissingField,
                        "expected a `name` in a dependency, found none",
                        span.clone(),
                    );
                    continue;
                }
            };
            let version = match dependency.get("version").map(|v| (v, v.get_ref())) {
                None => None,
                Some((_, DeValue::String(version))) if version_fault(version).is_none() => {
                    Some(version.to_string())
                }
                Some((value, _)) => {
                    self.toml.fault(
                        ErrorKind::InvalidValue,
                        format!("expected the `version` of dependency `{name}` to be a version"),
                        value.span(),
                    );
                    continue;
                }
            };
            let url = ["vcs", "archive"].iter().find_map(|kind| {
                let url = dependency.get(*kind)?.get_ref().as_table()?.get("url")?;
                url.get_ref()
                    .as_str()
                    .map(|url| super::redact_auth_from_url(url).into_owned())
            });
            let spec = version.map(|v| format!("=={v}")).unwrap_or_default();
            out.push(Requirement {
                raw: format!("{name}{spec}"),
                name,
                spec,
                extras: Vec::new(),
                marker: None,
                url,
                kind: RequirementKind::Run,
                line: self.toml.line(span.start),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::toml_reader::tests::fails_at;
    use crate::Status;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn parse(text: &str) -> Result<Record, ParseError> {
        parse_pylock("pylock.toml", text.as_bytes())
    }

    const HEAD: &str = "lock-version = \"1.0\"\ncreated-by = \"test\"\n";

    #[test]
    fn reads_packages_dependencies_and_sources() {
        let text = format!(
            "{HEAD}\n[[packages]]\nname = \"a\"\nversion = \"1.0\"\nmarker = \"'x' in extras\"\n\
             dependencies = [{{ name = \"b\", version = \"2.0\" }}, {{ name = \"c\" }}]\n\
             archive = {{ url = \"https://e.x/a.tar.gz\", hashes = {{ sha256 = \"00\" }} }}\n\
             \n[[packages]]\nname = \"b\"\nvcs = {{ type = \"git\", url = \"https://e.x/b\", commit-id = \"abc\" }}\n"
        );
        let record = parse(&text).expect("parses");
        assert_eq!(record.status, Status::Ok);
        let [a, b] = &record.packages[..] else {
            panic!("two packages: {:?}", record.packages)
        };
        assert_eq!(
            (a.name.as_str(), a.version.as_str(), a.line),
            ("a", "1.0", 4)
        );
        assert_eq!(a.extra["marker"], "'x' in extras");
        assert_eq!(a.extra["source"]["kind"], "archive");
        assert_eq!(a.extra["source"]["url"], "https://e.x/a.tar.gz");
        let raws: Vec<&str> = a.requires.iter().map(|r| r.raw.as_str()).collect();
        assert_eq!(raws, ["b==2.0", "c"]);
        assert_eq!(a.requires[0].spec, "==2.0");
        assert_eq!(a.requires[0].kind, RequirementKind::Run);
        assert_eq!((b.version.as_str(), b.line), ("", 11));
        assert_eq!(b.extra["source"]["commit-id"], "abc");
    }

    #[test]
    fn refuses_other_major_lock_versions() {
        let err = parse("lock-version = \"2.0\"\ncreated-by = \"x\"\npackages = []\n")
            .expect_err("2.0 is refused");
        assert_eq!(err.info.kind, ErrorKind::Unsupported);
        assert_eq!((err.info.line, err.info.column), (1, 16));
        // A newer minor version is read.
        let record = parse("lock-version = \"1.7\"\ncreated-by = \"x\"\npackages = []\n");
        assert!(record.is_ok_and(|r| r.status == Status::Ok));
    }

    #[test]
    fn identity_faults_are_errors() {
        let cases = [
            ("packages = []\n", ErrorKind::MissingField, 0),
            (
                "lock-version = 1\npackages = []\n",
                ErrorKind::InvalidValue,
                1,
            ),
            (
                "lock-version = \"one\"\npackages = []\n",
                ErrorKind::InvalidValue,
                1,
            ),
            ("lock-version = \"1.0\"\n", ErrorKind::MissingField, 0),
            (
                "lock-version = \"1.0\"\npackages = 3\n",
                ErrorKind::InvalidValue,
                2,
            ),
            (
                "lock-version = \"1.0\"\npackages = [1]\n",
                ErrorKind::InvalidValue,
                2,
            ),
            (
                "lock-version = \"1.0\"\n[[packages]]\nversion = \"1\"\n",
                ErrorKind::MissingField,
                2,
            ),
            (
                "lock-version = \"1.0\"\n[[packages]]\nname = \"-a\"\n",
                ErrorKind::InvalidValue,
                3,
            ),
            (
                "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nversion = \"x y\"\n",
                ErrorKind::InvalidValue,
                4,
            ),
            ("lock-version = = \"1.0\"\n", ErrorKind::Syntax, 1),
        ];
        fails_at(parse, &cases);
        let err = parse_pylock("pylock.toml", b"lock-version = \"1.0\"\n\xff").expect_err("utf-8");
        assert_eq!((err.info.kind, err.info.line), (ErrorKind::Encoding, 2));
    }

    #[test]
    fn soft_faults_keep_the_rest() {
        let text = format!(
            "{HEAD}[[packages]]\nname = \"a\"\nvcs = {{ url = \"u\", commit-id = \"c\" }}\n\
             directory = {{ path = \".\" }}\n\
             dependencies = [{{ version = \"1\" }}, {{ name = \"b\" }}]\n\
             [[packages]]\nname = \"b\"\nmarker = \"python_version >\"\n"
        );
        let record = parse(&text).expect("parses");
        assert_eq!(record.status, Status::Error);
        let error = record.error.as_ref().expect("a fault");
        assert_eq!((error.kind, error.line), (ErrorKind::InvalidValue, 6));
        assert_eq!(record.packages.len(), 2);
        assert_eq!(record.packages[0].extra["source"]["kind"], "vcs");
        assert_eq!(record.packages[0].requires.len(), 1);
        assert!(!record.packages[1].extra.contains_key("marker"));
    }

    #[test]
    fn missing_created_by_is_a_soft_fault() {
        let record = parse("lock-version = \"1.0\"\npackages = []\n").expect("parses");
        assert_eq!(record.status, Status::Error);
        assert_eq!(record.error.map(|e| e.kind), Some(ErrorKind::MissingField));
    }

    #[test]
    fn pep751_marker_variables_are_accepted() {
        assert_eq!(
            marker_fault("'dev' in dependency_groups and 'x' not in extras"),
            None
        );
        assert_eq!(marker_fault("\"extras\" == python_version"), None);
        assert!(marker_fault("extras in").is_some());
        assert!(marker_fault(" ").is_some());
    }
}
