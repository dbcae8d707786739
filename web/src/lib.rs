//! pkglens-web: the WebAssembly facade of `pkglens-core`, published as the npm package
//! `pkglens`. It holds no parsing logic: inputs come in as names and bytes, records go out as
//! plain JS objects of schema `pkglens/1` (see `docs/schema.md`): batches of records as JSON text
//! serialised on the parsing threads (faster than field by field, see `docs/decisions.md`),
//! smaller answers through serde-wasm-bindgen. Every core error becomes a JS `Error` through one
//! function (`js_error`).
//!
//! Two builds come from this source: the single-thread build (stable Rust) and, with the
//! `threads` feature, the threaded build whose rayon pool runs on web workers
//! (`initThreadPool(n)` must be awaited before anything else is called). The JS wrapper of the
//! npm package (`web/npm/`) adds what is easier in JS: packing files, `parseStream`, and lazy
//! wheel reading through `Blob.slice`.

use pkglens_core::{
    diff, parse_batch_linked_map, parse_version, ByteRange, CheckReport, Counts, DiffReport, Edge,
    Executor, Graph, GraphReport, Input, NodeId, Owner, PackageSet as CoreSet, Policy, Record,
    Resolution, RezVersion, RezVersionRange, ScanReport, ScanSummary, SetOptions, Specifiers, Step,
    TargetEnvironment, WhyReport, SCHEMA,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[cfg(all(feature = "threads", target_arch = "wasm32"))]
pub use wasm_bindgen_rayon::init_thread_pool;

#[cfg(any(feature = "threads", test))]
mod alloc;

/// The threaded build's allocator: small blocks cached per thread (see [`alloc`]).
#[cfg(feature = "threads")]
#[global_allocator]
static ALLOCATOR: alloc::ThreadCache = alloc::ThreadCache;

/// Turns any error into a JS `Error` with its message: the one way errors reach JS.
fn js_error(err: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&err.to_string()).into()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(js_error)
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(js_error)
}

/// The executor: the web-worker pool in the threaded build, the calling thread otherwise.
fn policy() -> Policy {
    if cfg!(feature = "threads") {
        Policy::new(Executor::Global)
    } else {
        Policy::serial()
    }
}

/// A batch of files packed by the JS wrapper into wasm memory: their names as UTF-8, joined by
/// NUL (which no path holds), in `names`; every file's bytes end to end in `data`, file `i`
/// ending at `ends[i]`. JS allocates the batch, writes the names, the bytes and the ends in place
/// (at `namesPtr`, `dataPtr` and `endsPtr` of the wasm memory) with one `set` each, and hands the
/// batch to a parse function, which reads the files where they are: no value per file crosses
/// the boundary, and nothing is copied again (see docs/decisions.md).
#[wasm_bindgen]
pub struct Batch {
    names: Vec<u8>,
    data: Vec<u8>,
    ends: Vec<u32>,
}

#[wasm_bindgen]
impl Batch {
    /// A batch of `count` files whose names take `names` bytes and whose contents take `size`.
    #[wasm_bindgen(constructor)]
    pub fn new(names: usize, size: usize, count: usize) -> Batch {
        Batch {
            names: vec![0; names],
            data: vec![0; size],
            ends: vec![0; count],
        }
    }

    /// Where the names go in the wasm memory.
    #[wasm_bindgen(getter, js_name = namesPtr)]
    pub fn names_ptr(&mut self) -> usize {
        self.names.as_mut_ptr() as usize
    }

    /// Where the files' bytes go in the wasm memory.
    #[wasm_bindgen(getter, js_name = dataPtr)]
    pub fn data_ptr(&mut self) -> usize {
        self.data.as_mut_ptr() as usize
    }

    /// Where the files' end offsets go in the wasm memory (u32s, little-endian).
    #[wasm_bindgen(getter, js_name = endsPtr)]
    pub fn ends_ptr(&mut self) -> usize {
        self.ends.as_mut_ptr() as usize
    }
}

impl Batch {
    /// The files: names split at NUL, bytes cut at the ends, without copying.
    fn inputs(&self) -> Result<Vec<Input<'_>>, JsValue> {
        let names = std::str::from_utf8(&self.names).map_err(js_error)?;
        let names: Vec<&str> = if self.ends.is_empty() {
            Vec::new()
        } else {
            names.split('\0').collect()
        };
        if names.len() != self.ends.len() {
            return Err(js_error(format!(
                "expected as many ends as names, found {} ends for {} names",
                self.ends.len(),
                names.len()
            )));
        }
        let mut start = 0usize;
        let mut inputs = Vec::with_capacity(names.len());
        for (name, &end) in names.iter().zip(&self.ends) {
            let end = end as usize;
            let bytes = self.data.get(start..end).ok_or_else(|| {
                js_error(format!("bad packing: {name} ends at {end}, past the data"))
            })?;
            inputs.push(Input::new(name, bytes));
            start = end;
        }
        Ok(inputs)
    }
}

/// Parses the first `count` files of `batch` (the others are only there to be included) and
/// maps each record through `then` in the job that parsed it, so that a record that is only
/// summarised or serialised is freed at once, on its thread: the threaded build's per-thread
/// allocator caches (see `alloc`) then serve nearly every allocation. Collecting all the
/// records first and mapping them afterwards overflowed those caches: about 680,000
/// allocations a parse of the rez benchmark repository took the global allocator's lock.
/// A file that fails is its error record.
fn parse_batch<R: Send>(
    batch: &Batch,
    count: usize,
    then: impl Fn(Record) -> R + Sync + Send,
) -> Result<Vec<R>, JsValue> {
    let inputs = batch.inputs()?;
    let (parsed, others) = inputs.split_at(count.min(inputs.len()));
    Ok(parse_batch_linked_map(
        parsed,
        others,
        &policy(),
        |result| then(result.unwrap_or_else(|err| Record::from_error(&err))),
    ))
}

/// Parses the first `count` files of `batch` (see the JS `parseFiles`): one record per file,
/// aligned with the input; a bad file is a record with `status: "error"` in its own slot.
/// Requirements files' includes are looked up among all the files of the batch.
#[wasm_bindgen(js_name = parsePacked)]
pub fn parse_packed_js(batch: &Batch, count: usize) -> Result<JsValue, JsValue> {
    to_js(&parse_batch(batch, count, |record| record)?)
}

/// The same records as the text of a JSON array, each record serialised on the thread that
/// parsed it. Faster than building JS objects field by field: `JSON.parse` of the text is
/// native code, and the serialising runs on every thread (see docs/decisions.md).
#[wasm_bindgen(js_name = parsePackedJson)]
pub fn parse_packed_json(batch: &Batch, count: usize) -> Result<String, JsValue> {
    parse_json(batch, count, None)
}

/// The same JSON text, and the records also kept in `builder`, after those it holds: they
/// never cross out and back in to build a set. Each record is serialised on the thread that
/// parsed it and then kept: that costs the threaded build's allocator caches (see `alloc`)
/// the frees that fed them, measured in docs/benchmarks.md.
#[wasm_bindgen(js_name = parsePackedJsonInto)]
pub fn parse_packed_json_into(
    batch: &Batch,
    count: usize,
    builder: &mut PackageSetBuilder,
) -> Result<String, JsValue> {
    parse_json(batch, count, Some(builder))
}

/// `parsePackedJson`, keeping the records in `builder` if there is one: one function for both,
/// so that the parsing code is compiled once (the wasm's size).
fn parse_json(
    batch: &Batch,
    count: usize,
    builder: Option<&mut PackageSetBuilder>,
) -> Result<String, JsValue> {
    let keep = builder.is_some();
    let parsed = parse_batch(batch, count, |record| {
        // Serialising plain data into memory cannot fail.
        let text = serde_json::to_string(&record).unwrap_or_default();
        (text, keep.then_some(record))
    })?;
    let out = json_array(parsed.iter().map(|(text, _)| text.as_str()));
    if let Some(builder) = builder {
        for (text, record) in parsed {
            if let Some(record) = record {
                builder.push(record, text.len());
            }
        }
    }
    Ok(out)
}

/// Texts of JSON values joined into the text of a JSON array.
fn json_array<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut out = String::with_capacity(texts.clone().map(|t| t.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, text) in texts.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(text);
    }
    out.push(']');
    out
}

/// Parses the first `count` files of `batch` and answers only their summary: the parse alone,
/// without building records on the JS side (what the speed benchmark times).
#[wasm_bindgen(js_name = parsePackedSummary)]
pub fn parse_packed_summary(batch: &Batch, count: usize) -> Result<JsValue, JsValue> {
    let counts = parse_batch(batch, count, |record| Counts::of(&record))?;
    let mut summary = ScanSummary::default();
    for c in counts {
        summary.add(c);
    }
    to_js(&summary)
}

/// The same, as the text of `pkglens scan --format json` over those files: byte for byte what
/// the CLI prints for the same inputs (without its final newline).
#[wasm_bindgen(js_name = scanPackedJson)]
pub fn scan_packed_json(batch: &Batch, count: usize) -> Result<String, JsValue> {
    let records = parse_batch(batch, count, |record| record)?;
    serde_json::to_string(&ScanReport::new(&records)).map_err(js_error)
}

/// The summary of `scan --format json` for records.
#[wasm_bindgen(js_name = summarize)]
pub fn summarize(records: JsValue) -> Result<JsValue, JsValue> {
    let records: Vec<Record> = from_js(records)?;
    to_js(&ScanReport::new(&records).summary)
}

/// A lazy wheel reader: `firstRead()` gives the byte range to read (the tail), `feed(start,
/// bytes)` takes those bytes and answers either the next range to read or the record. At most
/// two reads follow the tail.
#[wasm_bindgen]
pub struct WheelReader {
    inner: pkglens_core::WheelReader,
    done: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Range {
    start: f64,
    length: f64,
}

impl From<ByteRange> for Range {
    fn from(r: ByteRange) -> Self {
        // Offsets of files under 2^53 bytes are exact as JS numbers.
        Range {
            start: r.start as f64,
            length: r.len as f64,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fed {
    read: Option<Range>,
    record: Option<Record>,
}

#[wasm_bindgen]
impl WheelReader {
    /// A reader of the wheel `name` (its file name matters) of `size` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, size: f64) -> WheelReader {
        WheelReader {
            inner: pkglens_core::WheelReader::new(name, size as u64),
            done: false,
        }
    }

    /// The first range to read: `{ start, length }`.
    #[wasm_bindgen(js_name = firstRead)]
    pub fn first_read(&self) -> Result<JsValue, JsValue> {
        to_js(&Range::from(self.inner.first_read()))
    }

    /// Feeds the bytes of the range that starts at `start`: answers `{ read: { start, length } }`
    /// for the next range, or `{ record }` when done (an error record if the wheel is bad).
    pub fn feed(&mut self, start: f64, bytes: &[u8]) -> Result<JsValue, JsValue> {
        if self.done {
            return Err(js_error("this wheel reader is finished"));
        }
        let range = ByteRange {
            start: start as u64,
            len: bytes.len() as u64,
        };
        let fed = match self.inner.feed(range, bytes) {
            Step::Read(next) => Fed {
                read: Some(next.into()),
                record: None,
            },
            Step::Done(result) => {
                self.done = true;
                Fed {
                    read: None,
                    record: Some(result.unwrap_or_else(|err| Record::from_error(&err))),
                }
            }
        };
        to_js(&fed)
    }
}

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

impl From<SetOptionsIn> for SetOptions {
    fn from(o: SetOptionsIn) -> Self {
        let default = TargetEnvironment::default();
        SetOptions {
            target: TargetEnvironment {
                python: o.python.unwrap_or(default.python),
                platform: o.platform.unwrap_or(default.platform),
                machine: o.machine.unwrap_or(default.machine),
            },
            groups: o.groups,
            build: o.build,
        }
    }
}

impl SetOptionsIn {
    /// Options as JS gives them: undefined or null for the defaults.
    fn from_js(options: JsValue) -> Result<SetOptions, JsValue> {
        let options: SetOptionsIn = if options.is_undefined() || options.is_null() {
            SetOptionsIn::default()
        } else {
            from_js(options)?
        };
        Ok(options.into())
    }
}

/// A package set under construction: records go in while files are still being read (in
/// batches from JS, or straight from `parsePackedJsonInto` without leaving wasm), and `build`
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
    /// window whose parsed records went in through `parsePackedJsonInto` while the others (a
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
        Ok(PackageSet::build(
            self.inner.records().to_vec(),
            self.sizes.clone(),
            options,
        ))
    }

    /// The `check --format json` document: `{ schema, problems, summary }`.
    pub fn check(&self) -> Result<JsValue, JsValue> {
        to_js(&CheckReport::new(&self.inner))
    }

    /// The same document as text, byte for byte what `pkglens check --format json` prints
    /// (without its final newline).
    #[wasm_bindgen(js_name = checkJson)]
    pub fn check_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&CheckReport::new(&self.inner)).map_err(js_error)
    }

    /// Every package: `{ id, ecosystem, name, version, path, record, index, requires, problems }`.
    pub fn packages(&self) -> Result<JsValue, JsValue> {
        let set = &self.inner;
        let mut problems = vec![0usize; set.nodes().len()];
        for edge in set.edges() {
            if let (Owner::Package(n), Resolution::Unsatisfied(_) | Resolution::Missing) =
                (edge.from, &edge.resolution)
            {
                problems[n] += 1;
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
                    requires: package.requires.len(),
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
        to_js(&GraphReport {
            schema: SCHEMA,
            graph: &graph,
        })
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
        let chains = self
            .inner
            .why(name, limit.unwrap_or(100) as usize)
            .map_err(js_error)?;
        to_js(&WhyReport {
            schema: SCHEMA,
            name,
            chains: &chains,
        })
    }

    /// `diff --format json` from `old` (another set) to this one.
    pub fn diff(&self, old: &PackageSet) -> Result<JsValue, JsValue> {
        let diff = diff(&old.inner, &self.inner);
        to_js(&DiffReport {
            schema: SCHEMA,
            diff: &diff,
        })
    }

    /// The number of packages.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.nodes().len()
    }
}

impl PackageSet {
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

fn ordering(o: std::cmp::Ordering) -> i32 {
    o as i32
}

/// PEP 440: -1, 0 or 1 as `a` sorts before, with or after `b`. Throws for an invalid version.
#[wasm_bindgen(js_name = pep440Compare)]
pub fn pep440_compare(a: &str, b: &str) -> Result<i32, JsValue> {
    let parse = |v: &str| {
        parse_version(v).ok_or_else(|| js_error(format!("invalid PEP 440 version `{v}`")))
    };
    Ok(ordering(parse(a)?.cmp(&parse(b)?)))
}

/// PEP 440: whether `version` is in the specifier set `spec` (`>=1,<2`; empty for any),
/// with packaging's pre-release rules. Throws for an invalid version or specifier.
#[wasm_bindgen(js_name = pep440Satisfies)]
pub fn pep440_satisfies(version: &str, spec: &str) -> Result<bool, JsValue> {
    let specifiers = Specifiers::parse(spec)
        .ok_or_else(|| js_error(format!("invalid PEP 440 specifiers `{spec}`")))?;
    specifiers
        .contains(version)
        .ok_or_else(|| js_error(format!("invalid PEP 440 version `{version}`")))
}

/// rez: -1, 0 or 1 as `a` sorts before, with or after `b`. Throws for an invalid version.
#[wasm_bindgen(js_name = rezCompare)]
pub fn rez_compare(a: &str, b: &str) -> Result<i32, JsValue> {
    let parse = |v: &str| RezVersion::parse(v).map_err(js_error);
    Ok(ordering(parse(a)?.cmp(&parse(b)?)))
}

/// rez: whether `version` is in the range `range` (`1.2+<2`, `==1.0`, `1.2|3`; empty for
/// any). Throws for an invalid version or range.
#[wasm_bindgen(js_name = rezSatisfies)]
pub fn rez_satisfies(version: &str, range: &str) -> Result<bool, JsValue> {
    let version = RezVersion::parse(version).map_err(js_error)?;
    let range = RezVersionRange::parse(range).map_err(js_error)?;
    Ok(range.contains(&version))
}

/// Which of `paths` (all under `root`) `pkglens scan root` would read, as indices into
/// `paths` in the CLI's walk order: the same folders skipped, the same files chosen.
#[wasm_bindgen(js_name = selectPaths)]
pub fn select_paths(root: &str, paths: Vec<String>) -> Vec<u32> {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    pkglens_core::select(root, &paths)
        .into_iter()
        .map(|(i, _)| i as u32)
        .collect()
}

/// A pure computation spread over the threads, for the benchmark: tells the pool's parallelism
/// apart from what parsing shares (the allocator). Returns a checksum.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchSpin)]
pub fn bench_spin(items: u32, work: u32) -> u32 {
    let items: Vec<u32> = (0..items).collect();
    let sums = pkglens_core::map_batch(&items, u64::MAX, &policy(), |&i| {
        let mut x = i.wrapping_mul(2_654_435_761);
        for _ in 0..work {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        x
    });
    sums.into_iter().fold(0, u32::wrapping_add)
}

/// Small allocations spread over the threads, for the benchmark: the allocator's share.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchAlloc)]
pub fn bench_alloc(items: u32, work: u32) -> u32 {
    let items: Vec<u32> = (0..items).collect();
    let sums = pkglens_core::map_batch(&items, u64::MAX, &policy(), |&i| {
        let mut kept: Vec<String> = Vec::new();
        for j in 0..work {
            kept.push(format!("{i}-{j}"));
            if kept.len() > 16 {
                kept.clear();
            }
        }
        kept.len() as u32
    });
    sums.into_iter().fold(0, u32::wrapping_add)
}

/// The number of threads parsing uses (1 in the single-thread build).
#[wasm_bindgen]
pub fn threads() -> usize {
    policy().executor.threads()
}

/// The version of pkglens.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The schema of the records (`pkglens/1`).
#[wasm_bindgen]
pub fn schema() -> String {
    SCHEMA.to_owned()
}
