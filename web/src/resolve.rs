//! `resolve`: rez requests resolved over a set of files (a dropped rez repository) or over the
//! records of a package set, as `pkglens resolve --format json` answers them, byte for byte.
//!
//! The solver and the JSON are core's ([`solve`], [`ResolveReport`]); this module is the edge
//! that the CLI's `RepoSource` is on a file system: a family is the files under
//! `<repo>/<family>/` in each repository (`repos`, searched in order like rez's
//! `packages_path`; the first repository holding a version wins), and its files are parsed
//! only when the solver first asks for the family. Files are chosen within a family folder by
//! core's walk rules ([`select`]), as the CLI's walk chooses them.

use crate::batch::Batch;
use crate::set::{refuse_unknown_fields, PackageSet};
use crate::{from_js, js_error};
use pkglens_core::{
    parse_guarded, parse_request, rez_packages, select, solve, walk_order, Format, Input,
    PackageSource, Record, ResolveOptions, ResolveReport, RezPackage, RezRequirement,
    VariantSelectMode,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
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
}

impl Default for ResolveOptionsIn {
    fn default() -> Self {
        ResolveOptionsIn {
            repos: vec![String::new()],
            variant_select_mode: "version_priority".into(),
            implicit: Vec::new(),
            allow_dynamic: false,
        }
    }
}

/// The fields `ResolveOptionsIn` reads, as JS names them.
const RESOLVE_OPTION_FIELDS: [&str; 4] = ["repos", "variantSelectMode", "implicit", "allowDynamic"];

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

    /// Solves over `paths`, a family's packages given by `load` (its folder and the indices of
    /// the paths under it, in `paths` order); answers the JSON text of `resolve --format json`
    /// (without the CLI's final newline).
    fn run<L>(&self, paths: &[&str], load: L) -> Result<String, JsValue>
    where
        L: FnMut(&str, &[usize]) -> Vec<RezPackage>,
    {
        let mut source = FileSetSource::new(&self.repos, paths, load);
        let result = solve(&self.requests, &self.options, &mut source, &self.searched)
            .map_err(|e| e.message);
        let report = ResolveReport::new(&self.requests, &self.options, result, source.loaded);
        serde_json::to_string_pretty(&report.json()).map_err(js_error)
    }
}

/// The families of the repositories within a set of paths, read when the solver asks.
struct FileSetSource<'a, L> {
    repos: &'a [String],
    /// For each repository, each family folder and the indices of the paths under it.
    families: Vec<HashMap<&'a str, Vec<usize>>>,
    load: L,
    /// Families the solver asked for.
    loaded: usize,
}

impl<'a, L> FileSetSource<'a, L>
where
    L: FnMut(&str, &[usize]) -> Vec<RezPackage>,
{
    fn new(repos: &'a [String], paths: &[&'a str], load: L) -> Self {
        let families = repos
            .iter()
            .map(|repo| {
                let mut families: HashMap<&str, Vec<usize>> = HashMap::new();
                for (i, path) in paths.iter().enumerate() {
                    let rest = match repo.as_str() {
                        "" => Some(*path),
                        repo => path.strip_prefix(repo).and_then(|p| p.strip_prefix('/')),
                    };
                    if let Some((family, _)) = rest.and_then(|r| r.split_once('/')) {
                        families.entry(family).or_default().push(i);
                    }
                }
                families
            })
            .collect();
        FileSetSource {
            repos,
            families,
            load,
            loaded: 0,
        }
    }
}

impl<L> PackageSource for FileSetSource<'_, L>
where
    L: FnMut(&str, &[usize]) -> Vec<RezPackage>,
{
    /// rez's `iter_packages`, as the CLI's `read_family`: the first repository holding a
    /// version wins.
    fn family(&mut self, family: &str) -> Result<Option<Arc<Vec<RezPackage>>>, String> {
        self.loaded += 1;
        // As the CLI: `.` and `..` name no family folder (a request cannot walk out of a
        // repository); keys never hold a `/`.
        if family == "." || family == ".." {
            return Ok(None);
        }
        let mut found = false;
        let mut packages: Vec<RezPackage> = Vec::new();
        for (repo, families) in self.repos.iter().zip(&self.families) {
            let Some(indices) = families.get(family) else {
                continue;
            };
            found = true;
            let folder = match repo.as_str() {
                "" => family.to_string(),
                repo => format!("{repo}/{family}"),
            };
            for package in (self.load)(&folder, indices) {
                if package.name == family && !packages.iter().any(|p| p.version == package.version)
                {
                    packages.push(package);
                }
            }
        }
        Ok(found.then(|| Arc::new(packages)))
    }
}

/// Whether `format` is a rez package file's.
fn is_rez(format: Option<Format>) -> bool {
    matches!(format, Some(Format::RezPackagePy | Format::RezPackageYaml))
}

/// `resolve(requests, { files, repos, ... })` of the npm package: the files are packed in
/// `batch` (as for `parse`); a family's files are chosen by core's walk rules and parsed when
/// the solver first asks for the family. Answers the JSON text of `resolve --format json`.
#[wasm_bindgen(js_name = resolveFiles)]
pub fn resolve_files(
    batch: &Batch,
    requests: Vec<String>,
    options: JsValue,
) -> Result<String, JsValue> {
    let resolve = Resolve::from_js(requests, options)?;
    let inputs = batch.inputs()?;
    let paths: Vec<&str> = inputs.iter().map(|input| input.path).collect();
    resolve.run(&paths, |folder, indices| {
        let under: Vec<&str> = indices.iter().map(|&i| paths[i]).collect();
        let records: Vec<Record> = select(folder, &under)
            .into_iter()
            .filter(|(_, format)| is_rez(Some(*format)))
            .map(|(k, format)| {
                let input = &inputs[indices[k]];
                parse_guarded(&Input::new(input.path, input.bytes), Some(format))
                    .unwrap_or_else(|err| Record::from_error(&err))
            })
            .collect();
        rez_packages(&records, resolve.allow_dynamic)
    })
}

#[wasm_bindgen]
impl PackageSet {
    /// `resolve` over the set's records: its rez package files (by their paths, in walk order
    /// within each family) stand for the repositories' files. Answers the JSON text of
    /// `resolve --format json`.
    #[wasm_bindgen(js_name = resolveJson)]
    pub fn resolve_json(&self, requests: Vec<String>, options: JsValue) -> Result<String, JsValue> {
        let resolve = Resolve::from_js(requests, options)?;
        let records = self.records();
        let rez: Vec<&Record> = records.iter().filter(|r| is_rez(r.format)).collect();
        let paths: Vec<&str> = rez.iter().map(|r| r.path.as_str()).collect();
        resolve.run(&paths, |_, indices| {
            let mut family: Vec<&Record> = indices.iter().map(|&i| rez[i]).collect();
            family.sort_by(|a, b| walk_order(&a.path, &b.path));
            rez_packages(family, resolve.allow_dynamic)
        })
    }
}
