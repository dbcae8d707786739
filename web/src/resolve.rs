//! `resolve`: rez requests resolved over a set of files (a dropped rez repository) or over the
//! records of a package set, as `pkglens resolve --format json` answers them, byte for byte.
//!
//! The solver and the JSON are core's ([`solve`], [`ResolveReport`]); this module is the edge
//! that the CLI's `RepoSource` is on a file system: a family is the files under
//! `<repo>/<family>/` in each repository (`repos`, searched in order like rez's
//! `packages_path`; the first repository holding a version wins), and its files are parsed
//! only when the solver first considers their version. A family folder is listed from the
//! files' paths as rez lists it on disk ([`list_family`]), as the CLI lists it.

use crate::batch::Batch;
use crate::set::{refuse_unknown_fields, PackageSet};
use crate::{from_js, js_error};
use pkglens_core::{
    json_to_py, read_orderers, read_package_filter, PackageFilterList, PackageOrderers,
};
use pkglens_core::{
    list_family, parse_guarded, parse_request, parse_time, rez_package_in_folder,
    rez_package_py_in_folder, solve, unreadable, FamilyChild, Format, Input, Listed, PackageSource,
    Record, RequirementCache, ResolveOptions, ResolveReport, RezPackage, RezRequirement,
    RezVersion, VariantSelectMode, PACKAGE_FILES,
};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use wasm_bindgen::prelude::*;

/// Options of a resolve, as JS gives them (every field optional).
#[derive(Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ResolveOptionsIn {
    /// The repositories, in search order: folders of the files' names (`''`: the files' root).
    repos: Vec<String>,
    /// rez's `variant_select_mode`, by rez's names.
    variant_select_mode: String,
    /// rez's `implicit_packages`.
    implicit: Vec<String>,
    /// The CLI's `--allow-dynamic`.
    allow_dynamic: bool,
    /// rez's `package_orderers`, the list the CLI's `--orderers FILE` holds; kept as the JS
    /// value and read through `JSON.stringify` ([`orderers_from_js`]).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    orderers: JsValue,
    /// The CLI's `--time`: an epoch time (a number, or its digits) or a time before now
    /// (`'-2h'`), as JS gives it (read by [`resolve_time`]).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    time: JsValue,
    /// rez's `package_filter`, what the CLI's `--package-filter FILE` holds: the JS value (a
    /// filter's dict or a list of them, read as [`orderers_from_js`] reads its value), or the
    /// text of a `rezconfig.py` that sets it ([`package_filter_from_js`]).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    package_filter: JsValue,
}

/// The resolve time of option `time`, read at the JS clock's now: a whole number is an epoch
/// time, a string is read as `--time` reads it; `undefined`, `null` and `''` are none (as
/// `rez env --time ''`).
fn resolve_time(time: &JsValue) -> Result<Option<i64>, JsValue> {
    let refused = |what: String| js_error(format!("pkglens: resolve options: time: {what}"));
    if time.is_undefined() || time.is_null() {
        return Ok(None);
    }
    if let Some(n) = time.as_f64() {
        // A whole number JS holds exactly (2^53), so that none is rounded silently.
        if n.fract() != 0.0 || n.abs() > 9_007_199_254_740_991.0 {
            return Err(refused(format!("expected a whole epoch time, found {n}")));
        }
        return Ok(Some(n as i64));
    }
    let Some(text) = time.as_string() else {
        return Err(refused("expected a number or a string".into()));
    };
    if text.is_empty() {
        return Ok(None);
    }
    let now = (js_sys::Date::now() / 1000.0) as i64;
    parse_time(&text, now).map(Some).map_err(refused)
}

impl Default for ResolveOptionsIn {
    fn default() -> Self {
        ResolveOptionsIn {
            repos: vec![String::new()],
            variant_select_mode: "version_priority".into(),
            implicit: Vec::new(),
            allow_dynamic: false,
            orderers: JsValue::UNDEFINED,
            time: JsValue::UNDEFINED,
            package_filter: JsValue::UNDEFINED,
        }
    }
}

/// The fields `ResolveOptionsIn` reads, as JS names them.
const RESOLVE_OPTION_FIELDS: [&str; 7] = [
    "repos",
    "variantSelectMode",
    "implicit",
    "allowDynamic",
    "orderers",
    "time",
    "packageFilter",
];

/// The `orderers` option: the JS value as JSON text (the engine's `JSON.stringify` throws on a
/// cyclic or too deeply nested value rather than overflowing a stack), read by serde_json
/// (128 levels at most), then as the CLI reads a `--orderers` JSON file. A string is the text
/// of an orderers file (the page's text area), read as the CLI reads a YAML one: the list, or a
/// rezconfig mapping that sets `package_orderers` (JSON is read as YAML reads it).
fn orderers_from_js(value: &JsValue) -> Result<PackageOrderers, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(PackageOrderers::default());
    }
    if let Some(text) = value.as_string() {
        return read_orderers("orderers", &text)
            .map_err(|e| js_error(format!("pkglens: resolve options: {e}")));
    }
    let fail = |e: String| js_error(format!("pkglens: resolve options: orderers{e}"));
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|_| fail(": not a JSON value (cyclic or too deep)".into()))?
        .into();
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!(": {e}")))?;
    PackageOrderers::from_value(&json_to_py(&json)).map_err(fail)
}

/// The `packageFilter` option: a string is a `rezconfig.py`'s text, read statically as the CLI
/// reads `--package-filter rezconfig.py`; any other value as JSON text (see
/// [`orderers_from_js`]), read as the CLI reads a `--package-filter` JSON file.
fn package_filter_from_js(value: &JsValue) -> Result<PackageFilterList, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(PackageFilterList::default());
    }
    let fail = |e: String| js_error(format!("pkglens: resolve options: packageFilter{e}"));
    if let Some(text) = value.as_string() {
        return read_package_filter("rezconfig.py", &text).map_err(|e| fail(format!(": {e}")));
    }
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|_| fail(": not a JSON value (cyclic or too deep)".into()))?
        .into();
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!(": {e}")))?;
    PackageFilterList::from_value(&json_to_py(&json)).map_err(fail)
}

/// A resolve's requests and options, checked as the CLI checks them.
struct Resolve {
    requests: Vec<RezRequirement>,
    options: ResolveOptions,
    /// The repositories, without a final `/`.
    repos: Vec<String>,
    /// The repositories as given, as rez's messages name them.
    searched: String,
    allow_dynamic: bool,
}

impl Resolve {
    fn from_js(requests: Vec<String>, options: JsValue) -> Result<Resolve, JsValue> {
        let options: ResolveOptionsIn = if options.is_undefined() || options.is_null() {
            ResolveOptionsIn::default()
        } else {
            refuse_unknown_fields(&options, "resolve options", &RESOLVE_OPTION_FIELDS)?;
            from_js(options)?
        };
        let parse = |texts: &[String]| -> Result<Vec<RezRequirement>, JsValue> {
            texts
                .iter()
                .map(|t| parse_request(t).map_err(js_error))
                .collect()
        };
        let variant_select_mode = match options.variant_select_mode.as_str() {
            "version_priority" => VariantSelectMode::VersionPriority,
            "intersection_priority" => VariantSelectMode::IntersectionPriority,
            other => {
                return Err(js_error(format!(
                    "pkglens: resolve options: variantSelectMode: expected `version_priority` \
                     or `intersection_priority`, found {other:?}"
                )))
            }
        };
        if options.repos.is_empty() {
            return Err(js_error("pkglens: resolve options: repos: no repository"));
        }
        Ok(Resolve {
            requests: parse(&requests)?,
            options: ResolveOptions {
                variant_select_mode,
                implicit: parse(&options.implicit)?,
                orderers: orderers_from_js(&options.orderers)?,
                time: resolve_time(&options.time)?,
                package_filter: package_filter_from_js(&options.package_filter)?,
            },
            searched: options.repos.join("; "),
            repos: options
                .repos
                .into_iter()
                .map(|r| r.trim_end_matches('/').to_string())
                .collect(),
            allow_dynamic: options.allow_dynamic,
        })
    }

    /// Solves over `paths`, the package file at index `i` of `paths` read by `load(i, family,
    /// version, cache)` when the solver first considers its version.
    fn report<L>(&self, paths: &[&str], load: L) -> ResolveReport
    where
        L: FnMut(usize, &str, &RezVersion, &mut RequirementCache) -> RezPackage,
    {
        let mut source = FileSetSource::new(&self.repos, paths, load);
        let result = solve(&self.requests, &self.options, &mut source, &self.searched)
            .map_err(|e| e.message);
        ResolveReport::new(&self.requests, &self.options, result, source.loaded)
    }
}

/// The resolve graph's text, as `pkglens resolve --format dot|mermaid` prints it (with its
/// final newline): core's [`ResolveReport::dot`] or [`ResolveReport::mermaid`].
fn graph_text(report: &ResolveReport, syntax: &str) -> Result<String, JsValue> {
    match syntax {
        "dot" => Ok(report.dot()),
        "mermaid" => Ok(report.mermaid()),
        other => Err(js_error(format!(
            "pkglens: resolve: expected the graph syntax `dot` or `mermaid`, found {other:?}"
        ))),
    }
}

/// The families of the repositories within a set of paths, listed as rez lists a folder
/// (core's [`list_family`]), a version's file read when the solver first considers it.
struct FileSetSource<'a, L> {
    repos: &'a [String],
    /// For each repository, each family folder and the paths under it (relative to it).
    families: Vec<HashMap<&'a str, Vec<&'a str>>>,
    /// Each path's index.
    index: HashMap<&'a str, usize>,
    load: L,
    /// Families the solver asked for.
    loaded: usize,
}

impl<'a, L> FileSetSource<'a, L>
where
    L: FnMut(usize, &str, &RezVersion, &mut RequirementCache) -> RezPackage,
{
    fn new(repos: &'a [String], paths: &[&'a str], load: L) -> Self {
        let families = repos
            .iter()
            .map(|repo| {
                let mut families: HashMap<&str, Vec<&str>> = HashMap::new();
                for path in paths {
                    let rest = match repo.as_str() {
                        "" => Some(*path),
                        repo => path.strip_prefix(repo).and_then(|p| p.strip_prefix('/')),
                    };
                    if let Some((family, under)) = rest.and_then(|r| r.split_once('/')) {
                        families.entry(family).or_default().push(under);
                    }
                }
                families
            })
            .collect();
        let index = paths.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        FileSetSource {
            repos,
            families,
            index,
            load,
            loaded: 0,
        }
    }
}

/// The children of a family folder that holds the files `under` (paths relative to it).
fn children<'a>(under: &[&'a str]) -> Vec<FamilyChild<'a>> {
    let mut seen: HashSet<FamilyChild<'a>> = HashSet::new();
    let mut out = Vec::new();
    for path in under {
        let child = match path.split_once('/') {
            Some((folder, _)) => FamilyChild::Folder(folder),
            None => FamilyChild::File(path),
        };
        if seen.insert(child) {
            out.push(child);
        }
    }
    out
}

/// The package file of version folder `folder` (`""`: the family folder) among `under`, as
/// rez looks for it.
fn package_file(under: &[&str], folder: &str) -> Option<String> {
    PACKAGE_FILES.iter().find_map(|name| {
        let path = match folder {
            "" => name.to_string(),
            folder => format!("{folder}/{name}"),
        };
        under.contains(&path.as_str()).then_some(path)
    })
}

impl<L> PackageSource for FileSetSource<'_, L>
where
    L: FnMut(usize, &str, &RezVersion, &mut RequirementCache) -> RezPackage,
{
    /// rez's `iter_packages`, as the CLI's: versions from folder names, the first repository
    /// holding a version wins.
    fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String> {
        self.loaded += 1;
        // As the CLI: `.` and `..` name no family folder (a request cannot walk out of a
        // repository); keys never hold a `/`.
        if family == "." || family == ".." {
            return Ok(None);
        }
        let mut found = false;
        let mut listed: Vec<Listed> = Vec::new();
        let mut versions: HashSet<RezVersion> = HashSet::new();
        for (repo, families) in self.repos.iter().zip(&self.families) {
            let Some(under) = families.get(family) else {
                continue;
            };
            found = true;
            let base = match repo.as_str() {
                "" => family.to_string(),
                repo => format!("{repo}/{family}"),
            };
            let has_file = |folder: &str| package_file(under, folder).is_some();
            for (version, folder) in list_family(children(under), has_file) {
                if versions.insert(version.clone()) {
                    // The file's path when there is one, else the folder's (unreadable).
                    let path = match package_file(under, &folder) {
                        Some(file) => format!("{base}/{file}"),
                        None if folder.is_empty() => base.clone(),
                        None => format!("{base}/{folder}"),
                    };
                    listed.push(Listed::Unread { version, path });
                }
            }
        }
        Ok(found.then_some(listed))
    }

    fn read(&mut self, family: &str, unread: &[(RezVersion, String)]) -> Vec<RezPackage> {
        let mut cache = RequirementCache::default();
        unread
            .iter()
            .map(|(version, path)| match self.index.get(path.as_str()) {
                Some(&i) => (self.load)(i, family, version, &mut cache),
                None => unreadable(
                    family,
                    version,
                    path,
                    "missing package definition file (package.py or package.yaml)".into(),
                ),
            })
            .collect()
    }
}

/// The format of a rez package file, by its name.
fn rez_format(path: &str) -> Format {
    match path.ends_with(".yaml") {
        true => Format::RezPackageYaml,
        false => Format::RezPackagePy,
    }
}

/// Whether `format` is a rez package file's.
fn is_rez(format: Option<Format>) -> bool {
    matches!(format, Some(Format::RezPackagePy | Format::RezPackageYaml))
}

/// The resolve over the files packed in `batch` (as for `parse`): a family is listed from the
/// files' paths as rez lists a folder, and a version's file is parsed when the solver first
/// considers it.
fn report_over_files(
    batch: &Batch,
    requests: Vec<String>,
    options: JsValue,
) -> Result<ResolveReport, JsValue> {
    let resolve = Resolve::from_js(requests, options)?;
    let inputs = batch.inputs()?;
    let paths: Vec<&str> = inputs.iter().map(|input| input.path).collect();
    Ok(resolve.report(&paths, |i, family, version, cache| {
        let (input, allow_dynamic) = (&inputs[i], resolve.allow_dynamic);
        let format = rez_format(input.path);
        if format == Format::RezPackagePy {
            // Straight into the solver's package, as the CLI reads it.
            let (path, bytes) = (input.path, input.bytes);
            return rez_package_py_in_folder(path, bytes, family, version, allow_dynamic, cache);
        }
        let record = parse_guarded(&Input::new(input.path, input.bytes), Some(format))
            .unwrap_or_else(|err| Record::from_error(&err));
        rez_package_in_folder(&record, family, version, allow_dynamic, cache)
    }))
}

/// The JSON text of `resolve --format json`, without the CLI's final newline.
fn json_text(report: &ResolveReport) -> Result<String, JsValue> {
    serde_json::to_string_pretty(&report.json()).map_err(js_error)
}

/// `resolve(requests, { files, repos, ... })` of the npm package over the files packed in
/// `batch`. Answers the JSON text of `resolve --format json`.
#[wasm_bindgen(js_name = resolveFiles)]
pub fn resolve_files(
    batch: &Batch,
    requests: Vec<String>,
    options: JsValue,
) -> Result<String, JsValue> {
    json_text(&report_over_files(batch, requests, options)?)
}

/// `resolveDot`/`resolveMermaid(requests, { files, repos, ... })` of the npm package: the
/// resolve of [`resolve_files`] as the text of `resolve --format dot|mermaid` (`syntax`).
#[wasm_bindgen(js_name = resolveFilesGraph)]
pub fn resolve_files_graph(
    batch: &Batch,
    requests: Vec<String>,
    options: JsValue,
    syntax: String,
) -> Result<String, JsValue> {
    graph_text(&report_over_files(batch, requests, options)?, &syntax)
}

impl PackageSet {
    /// The resolve over the set's records: its rez package files (by their paths) stand for
    /// the repositories' files.
    fn report_over_records(
        &self,
        requests: Vec<String>,
        options: JsValue,
    ) -> Result<ResolveReport, JsValue> {
        let resolve = Resolve::from_js(requests, options)?;
        let records = self.records();
        let rez: Vec<&Record> = records.iter().filter(|r| is_rez(r.format)).collect();
        let paths: Vec<&str> = rez.iter().map(|r| r.path.as_str()).collect();
        Ok(resolve.report(&paths, |i, family, version, cache| {
            rez_package_in_folder(rez[i], family, version, resolve.allow_dynamic, cache)
        }))
    }
}

#[wasm_bindgen]
impl PackageSet {
    /// `resolve` over the set's records. Answers the JSON text of `resolve --format json`.
    #[wasm_bindgen(js_name = resolveJson)]
    pub fn resolve_json(&self, requests: Vec<String>, options: JsValue) -> Result<String, JsValue> {
        json_text(&self.report_over_records(requests, options)?)
    }

    /// `resolveDot`/`resolveMermaid` over the set's records: the text of
    /// `resolve --format dot|mermaid` (`syntax`).
    #[wasm_bindgen(js_name = resolveGraph)]
    pub fn resolve_graph(
        &self,
        requests: Vec<String>,
        options: JsValue,
        syntax: String,
    ) -> Result<String, JsValue> {
        graph_text(&self.report_over_records(requests, options)?, &syntax)
    }
}
