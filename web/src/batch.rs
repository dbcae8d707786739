//! The packed batch of files and the one parse entry point over it.

use crate::{from_js, js_error, policy, to_js};
use pkglens_core::parse_batch_linked_map;
use pkglens_core::{Counts, PassedOverFile, ScanReport, ScanSummary};
use pkglens_core::{Input, Record};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// A batch of files packed by the JS wrapper into wasm memory: their names as UTF-8, joined by
/// NUL (which no path holds), in `names`; every file's bytes end to end in `data`, file `i`
/// ending at `ends[i]`. JS allocates the batch, writes the names, the bytes and the ends in place
/// (at `namesPtr`, `dataPtr` and `endsPtr` of the wasm memory) with one `set` each, and hands the
/// batch to [`parse`], which reads the files where they are: no value per file crosses
/// the boundary, and nothing is copied again (see docs/decisions.md).
#[wasm_bindgen]
pub struct Batch {
    names: Vec<u8>,
    data: Vec<u8>,
    ends: Vec<u32>,
    /// Records that [`parse`] was asked to keep, with the length of their JSON text.
    kept: Vec<(Record, usize)>,
}

#[wasm_bindgen]
impl Batch {
    /// A batch of `count` files whose names take `names` bytes and whose contents take `size`;
    /// an error (a JS `RangeError`) when the wasm memory cannot hold it. `vec![0; n]` would
    /// abort instead: a trap that loses the batch and can leave the engine unusable (in the
    /// threaded build the memory stops at `--max-memory`, web/threads.toml).
    #[wasm_bindgen(constructor)]
    pub fn new(names: usize, size: usize, count: usize) -> Result<Batch, JsValue> {
        Ok(Batch {
            names: zeroed(names)?,
            data: zeroed(size)?,
            ends: zeroed(count)?,
            kept: Vec::new(),
        })
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

/// `len` zeros, or a `RangeError` saying the engine's memory cannot hold them.
fn zeroed<T: Copy + Default>(len: usize) -> Result<Vec<T>, JsValue> {
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| {
        let bytes = len.saturating_mul(size_of::<T>());
        let err = js_sys::RangeError::new(&format!(
            "pkglens: out of memory: this batch needs {} MiB more and the engine's memory \
             cannot hold it; parse fewer or smaller files at once",
            bytes.div_ceil(1 << 20)
        ));
        JsValue::from(err)
    })?;
    out.resize(len, T::default());
    Ok(out)
}

impl Batch {
    /// The records [`parse`] kept, which the batch gives up.
    pub(crate) fn take_kept(&mut self) -> Vec<(Record, usize)> {
        std::mem::take(&mut self.kept)
    }

    /// The files: names split at NUL, bytes cut at the ends, without copying.
    pub(crate) fn inputs(&self) -> Result<Vec<Input<'_>>, JsValue> {
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

/// What [`parse`] answers for the files it parses.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Output {
    /// One record per file, aligned with the input, as JS objects (through
    /// serde-wasm-bindgen; kept for comparison with `json`).
    Records,
    /// The same records as the text of a JSON array, each record serialised on the thread that
    /// parsed it. Faster than building JS objects field by field: `JSON.parse` of the text is
    /// native code, and the serialising runs on every thread (see docs/decisions.md).
    Json,
    /// Only the summary of `scan --format json` over the files: the parse alone, without
    /// building records on the JS side (what the speed benchmark times).
    Summary,
    /// The text of `pkglens scan --format json` over the files: byte for byte what the CLI
    /// prints for the same inputs (without its final newline).
    Scan,
}

/// The options of [`parse`], as JS gives them: `{ output, keep }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseOptions {
    output: Output,
    /// Whether the records also stay in the batch, for `PackageSetBuilder.takeParsed` (only
    /// with output `json`).
    #[serde(default)]
    keep: bool,
    /// With output `scan`: the files the caller's walk passed over, for the summary's
    /// `passed_over` (a count) and `passed_over_files` (the files and why, as `scan -v`).
    #[serde(default, rename = "passedOver")]
    passed_over: PassedOver,
}

/// The files a caller's walk passed over: how many, or which and why.
#[derive(Deserialize, Default)]
#[serde(untagged)]
pub(crate) enum PassedOver {
    #[default]
    None,
    Count(usize),
    Files(Vec<PassedOverFile>),
}

impl PassedOver {
    /// Puts the count (and the files, when given) into `summary`.
    pub(crate) fn apply(self, summary: &mut ScanSummary) {
        match self {
            PassedOver::None => {}
            PassedOver::Count(n) => summary.passed_over = n,
            PassedOver::Files(files) => {
                summary.passed_over = files.len();
                summary.passed_over_files = Some(files);
            }
        }
    }
}

/// Parses the first `count` files of `batch` (see the JS `parseFiles`; the others are only
/// there to be included: requirements files' includes are looked up among all the files of
/// the batch) and answers what `options.output` names, one record per file, aligned with the
/// input, a bad file being a record with `status: "error"` in its own slot:
///
/// - `records`: the records as JS objects;
/// - `json`: the records as the text of a JSON array;
/// - `summary`: only the summary of `scan --format json`;
/// - `scan`: the text of `pkglens scan --format json`.
///
/// With `keep: true` (and output `json`), the records also stay in the batch until a
/// `PackageSetBuilder` takes them (`takeParsed`): they never cross out and back in to build a
/// set. Each record is serialised on the thread that parsed it and then kept: that costs the
/// threaded build's allocator caches (see `alloc`) the frees that fed them, measured in
/// docs/benchmarks.md.
#[wasm_bindgen]
pub fn parse(batch: &mut Batch, count: usize, options: JsValue) -> Result<JsValue, JsValue> {
    let ParseOptions {
        output,
        keep,
        passed_over,
    } = from_js(options)?;
    if keep && output != Output::Json {
        return Err(js_error(format!(
            "expected output `json` to keep the records, found `{output:?}`"
        )));
    }
    match output {
        Output::Records => to_js(&parse_batch(batch, count, |record| record)?),
        Output::Json => parse_json(batch, count, keep).map(JsValue::from),
        Output::Summary => {
            let counts = parse_batch(batch, count, |record| Counts::of(&record))?;
            let mut summary = ScanSummary::default();
            for c in counts {
                summary.add(c);
            }
            to_js(&summary)
        }
        Output::Scan => {
            let records = parse_batch(batch, count, |record| record)?;
            let mut report = ScanReport::new(&records);
            passed_over.apply(&mut report.summary);
            serde_json::to_string(&report)
                .map(JsValue::from)
                .map_err(js_error)
        }
    }
}

/// The records as JSON text, kept in the batch (with their JSON's length) when `keep`: one
/// function for both, so that the parsing code is compiled once (the wasm's size).
fn parse_json(batch: &mut Batch, count: usize, keep: bool) -> Result<String, JsValue> {
    let parsed = parse_batch(batch, count, |record| {
        // Serialising plain data into memory cannot fail.
        let text = serde_json::to_string(&record).unwrap_or_default();
        (text, keep.then_some(record))
    })?;
    let out = json_array(parsed.iter().map(|(text, _)| text.as_str()));
    for (text, record) in parsed {
        if let Some(record) = record {
            batch.kept.push((record, text.len()));
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
