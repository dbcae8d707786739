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

use pkglens_core::ScanSummary;
use pkglens_core::{Executor, Policy};
use pkglens_core::{Record, SCHEMA};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

mod batch;
#[cfg(feature = "bench")]
mod bench;
mod index;
mod resolve;
mod set;
mod versions;
mod walk;
mod wheel;

pub use batch::{parse, Batch};
#[cfg(feature = "bench")]
pub use bench::{bench_alloc, bench_spin};
pub use index::{
    content_range, index_files_of, io_error_record, is_metadata_url, metadata_record,
    metadata_wheel, pick_file, redact_text, sdist_record, tail_bytes, url_sha256, IndexTree,
};
pub use resolve::resolve_files;
pub use set::{PackageSet, PackageSetBuilder};
pub use versions::{pep440_compare, pep440_satisfies, rez_compare, rez_satisfies};
pub use walk::{companion_paths, select_paths, walk_folder};
pub use wheel::WheelReader;

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

/// The summary of `scan --format json` for records.
#[wasm_bindgen(js_name = summarize)]
/// `passed_over`: what the caller's walk passed over (`undefined`, a count, or the files and
/// why), as `parse` takes it.
pub fn summarize(records: JsValue, passed_over: JsValue) -> Result<JsValue, JsValue> {
    let records: Vec<Record> = from_js(records)?;
    let mut summary = ScanSummary::of(&records);
    if !passed_over.is_undefined() {
        from_js::<batch::PassedOver>(passed_over)?.apply(&mut summary);
    }
    to_js(&summary)
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
