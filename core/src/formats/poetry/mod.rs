//! Poetry's `[tool.poetry]`, in the layout every Poetry project used before Poetry 2.0 (no
//! `[project]` table), read as poetry-core writes the wheel's metadata
//! (`Metadata.from_package` over `Factory.create_poetry`):
//! - `name`, `version` and `description` are the package's; `package-mode = false` (or no
//!   `name`) means no package: the main dependencies then go to the record as `run`;
//! - `[tool.poetry.dependencies]`: `python` is `Requires-Python` (poetry-core's
//!   `format_python_constraint`); every other dependency is a `run` requirement, written as
//!   PEP 508 (`^1.2` is `>=1.2,<2.0`, `~1.2` is `>=1.2,<1.3`, a `python` or `platform` key is a
//!   marker, `git`, `url`, `path` are direct references); an `optional` one only through
//!   `[tool.poetry.extras]`, as `optional:<extra>`, and not at all when no extra names it;
//!   a list of tables (Poetry's "multiple constraints") is one requirement each;
//! - `[tool.poetry.dev-dependencies]` and `[tool.poetry.group.<name>.dependencies]` go to the
//!   record with kind `group:dev` and `group:<name>` (they are not in the wheel's metadata).
//!
//! In Poetry 2's layout `[project]` describes the package; the groups are read, and
//! `[tool.poetry.dependencies]` and `extras` are the package's when `[project]` has neither
//! `dependencies` nor `optional-dependencies` (listed in its `dynamic`), as poetry-core does.
//!
//! Constraints are read in [`constraint`]. A dependency Poetry cannot read, or whose version
//! union (`||`) poetry-core would write as a requirement that is not PEP 508, is a soft fault
//! at its value; the rest is kept.

mod constraint;

use super::toml_reader::{type_name, TomlReader};
use crate::versions::pep508::{normalize_name, parse_requirement};
use crate::{Ecosystem, ErrorKind, Package, Requirement, RequirementKind};
use constraint::{parse_constraint, python_marker, requires_python, specifiers};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// What `[tool.poetry]` gives: the package (when the file has no `[project]` and Poetry's
/// package mode is on), and the requirements of no package (groups; the main dependencies in
/// non-package mode).
pub(crate) struct Poetry {
    pub(crate) package: Option<Package>,
    pub(crate) requirements: Vec<Requirement>,
}

/// The `[tool.poetry]` table of a document, if it has one.
fn poetry_table<'a, 'i>(root: &'a DeTable<'i>) -> Option<&'a Spanned<DeValue<'i>>> {
    match root.get("tool").map(Spanned::get_ref) {
        Some(DeValue::Table(tool)) => tool.get("poetry"),
        _ => None,
    }
}

/// Whether Poetry gives a Poetry 2 project's dependencies: its `[project]` has neither
/// `dependencies` nor `optional-dependencies` (they are then dynamic) and
/// `[tool.poetry.dependencies]` is a table, as poetry-core's factory decides.
pub(crate) fn gives_dependencies(root: &DeTable<'_>, project: &DeTable<'_>) -> bool {
    if project.contains_key("dependencies") || project.contains_key("optional-dependencies") {
        return false;
    }
    match poetry_table(root).map(Spanned::get_ref) {
        Some(DeValue::Table(poetry)) => matches!(
            poetry.get("dependencies").map(Spanned::get_ref),
            Some(DeValue::Table(_))
        ),
        _ => false,
    }
}

/// Reads `[tool.poetry]` out of the document's `root`. `project`: the package `[project]`
/// describes (Poetry 2), and whether Poetry gives its dependencies ([`gives_dependencies`]):
/// then `[tool.poetry.dependencies]` and `[tool.poetry.extras]` are its dependencies and
/// extras, and `python` its `Requires-Python` when `[project]` has none; else only the groups
/// are read.
pub(crate) fn read_poetry(
    toml: &mut TomlReader<'_>,
    root: &DeTable<'_>,
    project: Option<(&mut Package, bool)>,
) -> Option<Poetry> {
    let poetry_value = poetry_table(root)?;
    let poetry = toml.table_value("tool.poetry", poetry_value);
    let poetry = toml.soft(poetry)?;
    let mut out = Poetry {
        package: None,
        requirements: Vec::new(),
    };
    match project {
        None => out.package = main(toml, poetry, &mut out.requirements),
        Some((package, true)) => {
            let (requires_python, deps) = main_dependencies(toml, poetry);
            if package.requires_python.is_none() {
                package.requires_python = requires_python;
            }
            add_dependencies(toml, poetry, package, deps);
        }
        Some((_, false)) => {}
    }
    if let Some(dev) = toml.table(poetry, "dev-dependencies") {
        let kind = RequirementKind::Group("dev".to_owned());
        let reqs = dependencies(toml, "tool.poetry.dev-dependencies", dev, &kind);
        out.requirements
            .extend(reqs.into_iter().map(|d| d.requirement));
    }
    if let Some(groups) = toml.table(poetry, "group") {
        for (name, group) in groups.iter() {
            let field = format!("tool.poetry.group.{}", name.get_ref());
            let group = toml.table_value(&field, group);
            let Some(group) = toml.soft(group) else {
                continue;
            };
            if let Some(deps) = toml.table(group, "dependencies") {
                let kind = RequirementKind::Group(name.get_ref().to_string());
                let reqs = dependencies(toml, &format!("{field}.dependencies"), deps, &kind);
                out.requirements
                    .extend(reqs.into_iter().map(|d| d.requirement));
            }
        }
    }
    Some(out)
}

/// The package of a Poetry 1 layout, or `None` in non-package mode (its main dependencies then
/// go to `loose`).
fn main(
    toml: &mut TomlReader<'_>,
    poetry: &DeTable<'_>,
    loose: &mut Vec<Requirement>,
) -> Option<Package> {
    let package_mode = !matches!(
        poetry.get("package-mode").map(Spanned::get_ref),
        Some(DeValue::Boolean(false))
    );
    let name = match poetry.get("name") {
        Some(value) if package_mode => {
            let name = toml
                .string_value("tool.poetry.name", value)
                .map(str::to_owned);
            toml.soft(name)
        }
        _ => None,
    };
    let (requires_python, deps) = main_dependencies(toml, poetry);
    let Some(name) = name else {
        loose.extend(
            deps.into_iter()
                .filter(|d| !d.optional)
                .map(|d| d.requirement),
        );
        return None;
    };
    let version = match poetry.get("version") {
        Some(value) => {
            let version = toml.version_value(value, "");
            toml.soft(version).unwrap_or_default()
        }
        None => String::new(),
    };
    let mut package = Package::new(Ecosystem::Python, name, version);
    package.summary = toml.string(poetry, "description");
    package.requires_python = requires_python;
    add_dependencies(toml, poetry, &mut package, deps);
    Some(package)
}

/// `[tool.poetry.dependencies]`: `python` as `Requires-Python`, and the others.
fn main_dependencies(
    toml: &mut TomlReader<'_>,
    poetry: &DeTable<'_>,
) -> (Option<String>, Vec<Dependency>) {
    let Some(table) = toml.table(poetry, "dependencies") else {
        return (None, Vec::new());
    };
    let requires_python = table
        .get("python")
        .and_then(|value| python_requirement(toml, value));
    let deps = dependencies(
        toml,
        "tool.poetry.dependencies",
        table,
        &RequirementKind::Run,
    );
    (requires_python, deps)
}

/// The main dependencies into `package`: the required ones as `run`, an optional one as
/// `optional:<extra>` for each extra of `[tool.poetry.extras]` that names it.
fn add_dependencies(
    toml: &mut TomlReader<'_>,
    poetry: &DeTable<'_>,
    package: &mut Package,
    deps: Vec<Dependency>,
) {
    let mut optional = Vec::new();
    for dep in deps {
        if dep.optional {
            optional.push(dep);
        } else {
            package.requires.push(dep.requirement);
        }
    }
    if let Some(extras) = toml.table(poetry, "extras") {
        for (extra, names) in extras.iter() {
            let field = format!("tool.poetry.extras.{}", extra.get_ref());
            let names = toml.list(&field, "strings", names);
            let Some(names) = toml.soft(names) else {
                continue;
            };
            let mut wanted = Vec::new();
            for item in names {
                let name = toml.string_item(&field, item).map(normalize_name);
                wanted.extend(toml.soft(name));
            }
            let kind = RequirementKind::Optional(extra.get_ref().to_string());
            for dep in &optional {
                if wanted.contains(&normalize_name(&dep.requirement.name)) {
                    let mut requirement = dep.requirement.clone();
                    requirement.kind = kind.clone();
                    package.requires.push(requirement);
                }
            }
            package.provides_extra.push(extra.get_ref().to_string());
        }
    }
}

/// A dependency once read: its requirement, and whether it is `optional`.
struct Dependency {
    requirement: Requirement,
    optional: bool,
}

/// The dependencies of a Poetry dependency table (`python` left out), in file order, each
/// constraint of a list its own.
fn dependencies(
    toml: &mut TomlReader<'_>,
    field: &str,
    table: &DeTable<'_>,
    kind: &RequirementKind,
) -> Vec<Dependency> {
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let name = key.get_ref();
        if name.as_ref() == "python" {
            continue;
        }
        let items: Vec<&Spanned<DeValue<'_>>> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => vec![value],
        };
        for item in items {
            match dependency(name, item.get_ref()) {
                Ok((raw, optional)) => {
                    let line = toml.line(key.span().start);
                    match parse_requirement(&raw, kind.clone(), line) {
                        Ok(mut requirement) => {
                            super::redact_requirement(&mut requirement);
                            out.push(Dependency {
                                requirement,
                                optional,
                            });
                        }
                        Err(err) => toml.fault(
                            ErrorKind::InvalidValue,
                            format!(
                                "invalid dependency `{name}` in `{field}`: {} (read as `{raw}`)",
                                err.message
                            ),
                            item.span(),
                        ),
                    }
                }
                Err(message) => toml.fault(
                    ErrorKind::InvalidValue,
                    format!("invalid dependency `{name}` in `{field}`: {message}"),
                    item.span(),
                ),
            }
        }
    }
    out
}

/// One Poetry dependency (a constraint string or a table) as a PEP 508 requirement, and
/// whether it is optional.
fn dependency(name: &str, value: &DeValue<'_>) -> Result<(String, bool), String> {
    let table = match value {
        DeValue::String(constraint) => {
            return Ok((format!("{name}{}", specifiers(constraint)?), false))
        }
        DeValue::Table(table) => table,
        other => {
            return Err(format!(
                "expected a version constraint or a table, found {}",
                type_name(other)
            ))
        }
    };
    let text = |key: &str| -> Result<Option<&str>, String> {
        match table.get(key).map(Spanned::get_ref) {
            None => Ok(None),
            Some(DeValue::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "expected `{key}` to be a string, found {}",
                type_name(other)
            )),
        }
    };
    let optional = match table.get("optional").map(Spanned::get_ref) {
        None => false,
        Some(DeValue::Boolean(b)) => *b,
        Some(other) => {
            return Err(format!(
                "expected `optional` to be a boolean, found {}",
                type_name(other)
            ))
        }
    };
    let mut out = name.to_owned();
    if let Some(extras) = table.get("extras").map(Spanned::get_ref) {
        let DeValue::Array(items) = extras else {
            return Err(format!(
                "expected `extras` to be a list of strings, found {}",
                type_name(extras)
            ));
        };
        let mut names = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => names.push(s.as_ref()),
                other => {
                    return Err(format!(
                        "expected `extras` to be a list of strings, found {}",
                        type_name(other)
                    ))
                }
            }
        }
        if !names.is_empty() {
            out.push('[');
            out.push_str(&names.join(","));
            out.push(']');
        }
    }
    let subdirectory = text("subdirectory")?.map(|s| format!("#subdirectory={s}"));
    let url = if let Some(git) = text("git")? {
        let reference = match (text("branch")?, text("tag")?, text("rev")?) {
            (Some(r), _, _) | (None, Some(r), _) | (None, None, Some(r)) => format!("@{r}"),
            _ => String::new(),
        };
        Some(format!("{}{reference}", git_url(git)))
    } else if let Some(url) = text("url")? {
        Some(url.to_owned())
    } else {
        text("path")?
            .or(text("file")?)
            .map(|path| format!("file:{path}"))
    };
    match url {
        Some(url) => {
            out.push_str(" @ ");
            out.push_str(&url);
            out.push_str(subdirectory.as_deref().unwrap_or(""));
        }
        None => out.push_str(&specifiers(text("version")?.unwrap_or("*"))?),
    }
    let mut markers = Vec::new();
    if let Some(m) = text("markers")? {
        markers.push(m.to_owned());
    }
    if let Some(python) = text("python")? {
        markers.extend(python_marker(&parse_constraint(python)?));
    }
    if let Some(platform) = text("platform")? {
        markers.push(platform_marker(platform));
    }
    match markers.len() {
        0 => {}
        1 => {
            out.push_str(" ; ");
            out.push_str(&markers[0]);
        }
        _ => {
            let joined: Vec<String> = markers.iter().map(|m| format!("({m})")).collect();
            out.push_str(" ; ");
            out.push_str(&joined.join(" and "));
        }
    }
    Ok((out, optional))
}

/// A `git` source as the URL of a PEP 508 direct reference: `git+` and the URL, an scp-like
/// `git@host:path` as `ssh://git@host/path`.
fn git_url(git: &str) -> String {
    let git = git.strip_prefix("git+").unwrap_or(git);
    if !git.contains("://") {
        if let Some((host, path)) = git.split_once(':') {
            return format!("git+ssh://{host}/{path}");
        }
    }
    format!("git+{git}")
}

/// `platform = "linux"` (or `linux|darwin`, `!=win32`) as a `sys_platform` marker.
fn platform_marker(platform: &str) -> String {
    let parts: Vec<String> = platform
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(
            |p| match p.strip_prefix("!=").or_else(|| p.strip_prefix('!')) {
                Some(not) => format!("sys_platform != \"{}\"", not.trim()),
                None => format!(
                    "sys_platform == \"{}\"",
                    p.strip_prefix("==").unwrap_or(p).trim()
                ),
            },
        )
        .collect();
    parts.join(" or ")
}

/// `python = "..."` of `[tool.poetry.dependencies]` as `Requires-Python`, as poetry-core's
/// `format_python_constraint` writes it; a fault is recorded and `None` returned.
fn python_requirement(toml: &mut TomlReader<'_>, value: &Spanned<DeValue<'_>>) -> Option<String> {
    let text = toml.string_value("tool.poetry.dependencies.python", value);
    let text = toml.soft(text)?;
    let result = parse_constraint(text).and_then(|c| requires_python(text, &c));
    match result {
        Ok(spec) => spec,
        Err(message) => {
            toml.fault(
                ErrorKind::InvalidValue,
                format!("invalid `python` constraint `{text}`: {message}"),
                value.span(),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn dependencies_as_requirements() {
        let dep = |toml_text: &str| {
            let doc = DeTable::parse(toml_text).unwrap().into_inner();
            dependency("x", doc.get("x").unwrap().get_ref())
        };
        assert_eq!(dep("x = \"^1.0\"").unwrap().0, "x>=1.0,<2.0");
        assert_eq!(
            dep("x = { version = \"^0.24.0\", extras = [\"standard\"], optional = true }").unwrap(),
            ("x[standard]>=0.24.0,<0.25.0".to_owned(), true)
        );
        assert_eq!(
            dep("x = { git = \"https://github.com/a/b.git\", branch = \"main\" }")
                .unwrap()
                .0,
            "x @ git+https://github.com/a/b.git@main"
        );
        assert_eq!(
            dep("x = { git = \"git@github.com:a/b.git\", tag = \"v1\" }")
                .unwrap()
                .0,
            "x @ git+ssh://git@github.com/a/b.git@v1"
        );
        assert_eq!(
            dep("x = { version = \"^2.31\", markers = \"sys_platform == 'linux'\", python = \">=3.8\" }")
                .unwrap()
                .0,
            "x>=2.31,<3.0 ; (sys_platform == 'linux') and (python_version >= \"3.8\")"
        );
        assert_eq!(
            dep("x = { version = \"*\", platform = \"linux|darwin\" }")
                .unwrap()
                .0,
            "x ; sys_platform == \"linux\" or sys_platform == \"darwin\""
        );
        assert!(dep("x = 3").is_err());
        assert!(dep("x = { version = \"^1\", optional = \"yes\" }").is_err());
    }
}
