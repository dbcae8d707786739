//! The set: `PackageSetBuilder`, which takes records while files are still being read, and
//! `PackageSet`, the CLI's `check`, `graph`, `why` and `diff` over them.

use crate::{batch::Batch, from_js, js_error, to_js};
use pkglens_core::Record;
use pkglens_core::TargetEnvironment;
use pkglens_core::{
    diff, Edge, Graph, NodeId, Owner, PackageSet as CoreSet, Resolution, SetOptions,
};
use pkglens_core::{CheckOptions, CheckReport, DiffReport, GraphReport, ScanSummary, WhyReport};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Options of a package set, as JS gives them (every field optional).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SetOptionsIn {
    python: Option<String>,
    platform: Option<String>,
    machine: Option<String>,
    groups: Vec<String>,
    build: bool,
}

impl SetOptionsIn {
    /// Options as JS gives them: undefined or null for the defaults. The target's names are
    /// checked by the CLI's rules (`python: 'banana'` is an error, `platform: 'darwin'` is macos).
    fn from_js(options: JsValue) -> Result<SetOptions, JsValue> {
        let options: SetOptionsIn = if options.is_undefined() || options.is_null() {
            SetOptionsIn::default()
        } else {
            refuse_unknown_fields(&options, "set options", &SET_OPTION_FIELDS)?;
            from_js(options)
                .map_err(|err| js_error(format!("pkglens: set options: {}", describe(&err))))?
        };
        options.checked().map_err(js_error)
    }

    /// The set options, each target name checked and normalised.
    fn checked(self) -> Result<SetOptions, String> {
        let check = |value: Option<String>,
                     what: &str,
                     parse: fn(&str) -> Result<String, String>| {
            value
                .map(|v| {
                    parse(&v).map_err(|why| format!("pkglens: set options: {what}: {v:?}: {why}"))
                })
                .transpose()
        };
        let default = TargetEnvironment::default();
        let python = check(self.python, "python", TargetEnvironment::parse_python)?;
        let platform = check(self.platform, "platform", TargetEnvironment::parse_platform)?;
        let machine = check(self.machine, "machine", TargetEnvironment::parse_machine)?;
        // As the CLI: a target given is checked for what pip would install there.
        let installable = python.is_some() || platform.is_some() || machine.is_some();
        Ok(SetOptions {
            installable,
            target: TargetEnvironment {
                python: python.unwrap_or(default.python),
                platform: platform.unwrap_or(default.platform),
                machine: machine.unwrap_or(default.machine),
            },
            groups: self.groups,
            build: self.build,
        })
    }
}

/// The fields `SetOptionsIn` reads, as JS names them.
const SET_OPTION_FIELDS: [&str; 5] = ["python", "platform", "machine", "groups", "build"];

/// An error for a field the options do not have: a misspelt `pyhton` would otherwise quietly
/// check for the default target (serde-wasm-bindgen reads only the fields it knows, so
/// `deny_unknown_fields` never sees the others). `what` names the options in the message.
pub(crate) fn refuse_unknown_fields(
    options: &JsValue,
    what: &str,
    fields: &[&str],
) -> Result<(), JsValue> {
    let Some(object) = options.dyn_ref::<js_sys::Object>() else {
        return Ok(()); // not an object: serde's own error says what was expected
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !fields.contains(&key.as_str()) {
            return Err(js_error(format!(
                "pkglens: {what}: unknown field `{key}`, expected one of: {}",
                fields.join(", ")
            )));
        }
    }
    Ok(())
}

/// The message of a JS error value (serde-wasm-bindgen's errors are `Error`s).
fn describe(err: &JsValue) -> String {
    match err.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => format!("{err:?}"),
    }
}

/// A package set under construction: records go in while files are still being read (in
/// batches from JS, or straight from `parse` through `takeParsed` without leaving wasm), and `build`
/// makes the set, so that a load's end holds only building and checking. The set is the one
/// `new PackageSet(records, options)` gives for the same records in the same order.
#[wasm_bindgen]
pub struct PackageSetBuilder {
    records: Vec<Record>,
    /// The length of each record's JSON text: what [`reserve_memory`] sizes memory by.
    sizes: Vec<usize>,
    options: SetOptions,
}

/// Bytes of wasm memory that building and checking a set takes, per byte of its records' JSON
/// text, rounded up: building and checking the set of the rez benchmark repository's 18,226
/// records (18.4 MB of JSON) grew the memory by 105 MB (Node, single-thread build).
const SET_BYTES_PER_JSON_BYTE: usize = 6;

/// Makes the allocator hold `bytes` of free memory in one block, growing the wasm memory once
/// if it must, instead of a page at a time as a set's many small allocations come: each growth
/// of the memory costs the JS engine a garbage collection of the whole JS heap (which, in a
/// page holding its records, is large). Building the rez benchmark repository's set took 4.6
/// to 10 s without and 0.6 to 0.7 s with (Node, single-thread build; docs/benchmarks.md).
/// Asking for more than the memory can give only loses the head start.
fn reserve_memory(bytes: usize) {
    let mut block: Vec<u8> = Vec::new();
    if block.try_reserve_exact(bytes).is_ok() {
        // Kept from being optimised away: the point is the allocation and its free.
        std::hint::black_box(&mut block);
    }
}

/// The length of a record's JSON text. Written out rather than counted through a writer of
/// its own: the serialiser is then compiled once (the wasm's size).
fn json_len(record: &Record) -> usize {
    serde_json::to_string(record).map_or(0, |text| text.len())
}

impl PackageSetBuilder {
    fn push(&mut self, record: Record, json_len: usize) {
        self.records.push(record);
        self.sizes.push(json_len);
    }
}

#[wasm_bindgen]
impl PackageSetBuilder {
    /// An empty builder of a set with options `{ python, platform, machine, groups, build }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<PackageSetBuilder, JsValue> {
        Ok(PackageSetBuilder {
            records: Vec::new(),
            sizes: Vec::new(),
            options: SetOptionsIn::from_js(options)?,
        })
    }

    /// Adds `records` (schema `pkglens/1`) after those the builder holds.
    pub fn add(&mut self, records: JsValue) -> Result<(), JsValue> {
        let records: Vec<Record> = from_js(records)?;
        for record in records {
            let len = json_len(&record);
            self.push(record, len);
        }
        Ok(())
    }

    /// Puts `records[i]` at index `at[i]` of the builder's records, in that order: indices in
    /// increasing order put each record where it is named, however many follow it. For a
    /// window whose parsed records went in through `takeParsed` while the others (a
    /// wheel read lazily, a file that could not be read) come from JS.
    #[wasm_bindgen(js_name = insertAt)]
    pub fn insert_at(&mut self, at: Vec<u32>, records: JsValue) -> Result<(), JsValue> {
        let records: Vec<Record> = from_js(records)?;
        if records.len() != at.len() {
            return Err(js_error(format!(
                "expected as many indices as records, found {} for {}",
                at.len(),
                records.len()
            )));
        }
        for (&i, record) in at.iter().zip(records) {
            let i = i as usize;
            if i > self.records.len() {
                return Err(js_error(format!(
                    "expected an index up to {}, found {i}",
                    self.records.len()
                )));
            }
            self.sizes.insert(i, json_len(&record));
            self.records.insert(i, record);
        }
        Ok(())
    }

    /// Takes the records that `parse` kept in `batch` (`keep: true`), after those the builder
    /// holds, without their leaving wasm.
    #[wasm_bindgen(js_name = takeParsed)]
    pub fn take_parsed(&mut self, batch: &mut Batch) {
        for (record, json_len) in batch.take_kept() {
            self.push(record, json_len);
        }
    }

    /// Adds a copy of the records of `set` (for a set that grows by another load), without
    /// their leaving wasm.
    #[wasm_bindgen(js_name = addSet)]
    pub fn add_set(&mut self, set: &PackageSet) {
        self.records.extend_from_slice(set.inner.records());
        self.sizes.extend_from_slice(&set.sizes);
    }

    /// Keeps the first `length` records (all of them when there are fewer).
    pub fn truncate(&mut self, length: usize) {
        self.records.truncate(length);
        self.sizes.truncate(length);
    }

    /// The number of records held.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.records.len()
    }

    /// The set of the records held, which the builder gives up (it is empty after). With
    /// `order`, a permutation of the records' indices, record `order[i]` becomes the set's
    /// record `i` (records added in reading order, set in walk order).
    pub fn build(&mut self, order: Option<Vec<u32>>) -> Result<PackageSet, JsValue> {
        let mut records = std::mem::take(&mut self.records);
        let mut sizes = std::mem::take(&mut self.sizes);
        if let Some(order) = order {
            records = permute(records, &order)?;
            sizes = permute(sizes, &order)?;
        }
        Ok(PackageSet::build(records, sizes, self.options.clone()))
    }
}

/// `items` in `order`: item `order[i]` at `i`; throws unless `order` is a permutation.
fn permute<T>(items: Vec<T>, order: &[u32]) -> Result<Vec<T>, JsValue> {
    if order.len() != items.len() {
        return Err(js_error(format!(
            "expected an order of {} indices, found {}",
            items.len(),
            order.len()
        )));
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| {
            slots
                .get_mut(i as usize)
                .and_then(Option::take)
                .ok_or_else(|| {
                    js_error(format!(
                        "expected a permutation, found index {i} twice or out of range"
                    ))
                })
        })
        .collect()
}

/// A package in [`PackageSet::packages`].
#[derive(Serialize)]
struct PackageOut<'a> {
    id: NodeId,
    ecosystem: pkglens_core::Ecosystem,
    name: &'a str,
    version: &'a str,
    path: &'a str,
    record: usize,
    index: usize,
    requires: usize,
    problems: usize,
}

/// A requirement and how it resolved, in [`PackageSet::requirements`] and `dependents`.
#[derive(Serialize)]
struct EdgeOut<'a> {
    /// The requiring package's id, or null for a file-level requirement.
    from: Option<NodeId>,
    /// The requiring file.
    path: &'a str,
    list: &'a str,
    requirement: &'a pkglens_core::Requirement,
    /// `satisfied`, `unsatisfied`, `missing` or `inactive`.
    resolution: &'static str,
    /// The packages of that name that satisfy it (satisfied) or do not (unsatisfied).
    packages: Vec<NodeId>,
}

/// A package set built from records: checks and queries, as the CLI's `check`, `graph`,
/// `why` and `diff` answer them.
#[wasm_bindgen]
pub struct PackageSet {
    inner: CoreSet,
    /// The length of each record's JSON text (see [`reserve_memory`]).
    sizes: Vec<usize>,
}

#[wasm_bindgen]
impl PackageSet {
    /// A set of `records` (schema `pkglens/1`), with options `{ python, platform, machine,
    /// groups, build }`.
    #[wasm_bindgen(constructor)]
    pub fn new(records: JsValue, options: JsValue) -> Result<PackageSet, JsValue> {
        let records: Vec<Record> = from_js(records)?;
        let sizes = records.iter().map(json_len).collect();
        Ok(PackageSet::build(
            records,
            sizes,
            SetOptionsIn::from_js(options)?,
        ))
    }

    /// The same records in a new set with other options, without their leaving wasm.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(&self, options: JsValue) -> Result<PackageSet, JsValue> {
        let options = SetOptionsIn::from_js(options)?;
        // The copy of the records takes about their JSON's length again, besides the set.
        let json: usize = self.sizes.iter().sum();
        reserve_memory(json.saturating_mul(SET_BYTES_PER_JSON_BYTE + 1));
        // As read: lock entries left out for this set's target may be for the new one.
        Ok(PackageSet::build(
            self.inner.records_as_read(),
            self.sizes.clone(),
            options,
        ))
    }

    /// The `check --format json` document: `{ schema, problems, summary }`; records of two
    /// projects or more are checked project by project, as the CLI does.
    pub fn check(&self) -> Result<JsValue, JsValue> {
        to_js(&CheckReport::split(&self.inner, &CheckOptions::default()))
    }

    /// The same document as text, byte for byte what `pkglens check --format json` prints
    /// (without its final newline).
    #[wasm_bindgen(js_name = checkJson)]
    pub fn check_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&CheckReport::split(&self.inner, &CheckOptions::default()))
            .map_err(js_error)
    }

    /// Every package: `{ id, ecosystem, name, version, path, record, index, requires, problems }`.
    /// `requires` counts the requirements that apply for the set's target: its variants' too,
    /// not an extra nobody asks for, a false marker or a build requirement when builds are not
    /// checked (the set's `Inactive`).
    pub fn packages(&self) -> Result<JsValue, JsValue> {
        let set = &self.inner;
        let mut problems = vec![0usize; set.nodes().len()];
        let mut requires = vec![0usize; set.nodes().len()];
        for edge in set.edges() {
            let Owner::Package(n) = edge.from else {
                continue;
            };
            match edge.resolution {
                Resolution::Unsatisfied(_) | Resolution::Missing => problems[n] += 1,
                Resolution::Satisfied(_) | Resolution::Inactive => {}
            }
            if !matches!(edge.resolution, Resolution::Inactive) {
                requires[n] += 1;
            }
        }
        let out: Vec<PackageOut<'_>> = set
            .nodes()
            .iter()
            .enumerate()
            .map(|(id, node)| {
                let package = set.package(id);
                PackageOut {
                    id,
                    ecosystem: node.ecosystem,
                    name: &package.name,
                    version: &package.version,
                    path: set.path(id),
                    record: node.record,
                    index: node.package,
                    requires: requires[id],
                    problems: problems[id],
                }
            })
            .collect();
        to_js(&out)
    }

    /// Ids of the packages named `name` (Python names compared after normalisation).
    pub fn find(&self, name: &str) -> Vec<u32> {
        self.inner
            .find(name)
            .into_iter()
            .map(|n| n as u32)
            .collect()
    }

    /// The requirements of package `id` and how each resolved.
    pub fn requirements(&self, id: u32) -> Result<JsValue, JsValue> {
        let id = self.node(id)?;
        let out: Vec<EdgeOut<'_>> = self
            .inner
            .edges()
            .iter()
            .filter(|e| e.from == Owner::Package(id))
            .map(|e| self.edge_out(e))
            .collect();
        to_js(&out)
    }

    /// The requirements that name package `id` (satisfied or not), and who holds them.
    pub fn dependents(&self, id: u32) -> Result<JsValue, JsValue> {
        let id = self.node(id)?;
        let out: Vec<EdgeOut<'_>> = self
            .inner
            .dependents(id)
            .into_iter()
            .map(|(_, e)| self.edge_out(e))
            .collect();
        to_js(&out)
    }

    /// The dependency graph (`graph --format json`'s `graph`): from `roots` (names; all
    /// default roots when empty), following dependents when `reverse`, at most `depth` steps
    /// (no limit when undefined). Throws for an unknown root name.
    pub fn graph(
        &self,
        roots: Vec<String>,
        reverse: bool,
        depth: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let graph = self.build_graph(&roots, reverse, depth)?;
        to_js(&GraphReport::new(&graph, &self.inner))
    }

    /// The same graph as Graphviz DOT, as `pkglens graph --format dot` prints it.
    #[wasm_bindgen(js_name = graphDot)]
    pub fn graph_dot(
        &self,
        roots: Vec<String>,
        reverse: bool,
        depth: Option<u32>,
    ) -> Result<String, JsValue> {
        Ok(self.build_graph(&roots, reverse, depth)?.to_dot())
    }

    /// The same graph as a Mermaid flowchart.
    #[wasm_bindgen(js_name = graphMermaid)]
    pub fn graph_mermaid(
        &self,
        roots: Vec<String>,
        reverse: bool,
        depth: Option<u32>,
    ) -> Result<String, JsValue> {
        Ok(self.build_graph(&roots, reverse, depth)?.to_mermaid())
    }

    /// `why --format json`: every chain (up to `limit`) from a root down to `name`.
    pub fn why(&self, name: &str, limit: Option<u32>) -> Result<JsValue, JsValue> {
        let why = self
            .inner
            .why(name, limit.unwrap_or(100) as usize)
            .map_err(js_error)?;
        to_js(&WhyReport::new(name, &why, &self.inner))
    }

    /// `diff --format json` from `old` (another set) to this one.
    pub fn diff(&self, old: &PackageSet) -> Result<JsValue, JsValue> {
        let diff = diff(&old.inner, &self.inner);
        to_js(&DiffReport::new(&diff, &old.inner, &self.inner))
    }

    /// The summary of `scan --format json` over the set's records (`{ files, ok, dynamic,
    /// errors, packages, requirements }`), without their crossing back into wasm.
    #[wasm_bindgen(js_name = scanSummary)]
    pub fn scan_summary(&self) -> Result<JsValue, JsValue> {
        to_js(&ScanSummary::of(self.inner.records()))
    }

    /// The number of packages.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.nodes().len()
    }
}

impl PackageSet {
    /// The set's records, in the set's order.
    pub(crate) fn records(&self) -> &[Record] {
        self.inner.records()
    }

    /// The set of `records`, whose JSON texts have lengths `sizes`, with the memory it takes
    /// reserved first (see [`reserve_memory`]).
    fn build(records: Vec<Record>, sizes: Vec<usize>, options: SetOptions) -> PackageSet {
        let json: usize = sizes.iter().sum();
        reserve_memory(json.saturating_mul(SET_BYTES_PER_JSON_BYTE));
        PackageSet {
            inner: CoreSet::with_options(records, options),
            sizes,
        }
    }

    fn node(&self, id: u32) -> Result<NodeId, JsValue> {
        let id = id as usize;
        if id < self.inner.nodes().len() {
            Ok(id)
        } else {
            Err(js_error(format!(
                "expected a package id below {}, found {id}",
                self.inner.nodes().len()
            )))
        }
    }

    fn build_graph(
        &self,
        roots: &[String],
        reverse: bool,
        depth: Option<u32>,
    ) -> Result<Graph, JsValue> {
        self.inner
            .graph(roots, reverse, depth.map(|d| d as usize))
            .map_err(js_error)
    }

    fn edge_out<'a>(&'a self, e: &'a Edge) -> EdgeOut<'a> {
        let (resolution, packages) = match &e.resolution {
            Resolution::Satisfied(ids) => ("satisfied", ids.clone()),
            Resolution::Unsatisfied(ids) => ("unsatisfied", ids.clone()),
            Resolution::Missing => ("missing", Vec::new()),
            Resolution::Inactive => ("inactive", Vec::new()),
        };
        let (from, path) = match e.from {
            Owner::Package(n) => (Some(n), self.inner.path(n)),
            Owner::File(r) => (None, self.inner.records()[r].path.as_str()),
        };
        EdgeOut {
            from,
            path,
            list: &e.list,
            requirement: &e.requirement,
            resolution,
            packages,
        }
    }
}
