//! pkglens-web: the WebAssembly facade of `pkglens-core`, published as the npm package
//! `pkglens`. It holds no parsing logic: inputs come in as names and bytes, records go out as
//! plain JS objects of schema `pkglens/1` (see `docs/schema.md`).
//!
//! Two builds come from this source: the single-thread build (stable Rust) and, with the
//! `threads` feature, the threaded build whose rayon pool runs on web workers
//! (`initThreadPool(n)` must be awaited before anything else is called).

use pkglens_core::parallel::{parse_batch, Executor, Policy};
use pkglens_core::{Input, Record};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[cfg(all(feature = "threads", target_arch = "wasm32"))]
pub use wasm_bindgen_rayon::init_thread_pool;

/// One input file as JS passes it: `{ name, bytes }`.
#[derive(Deserialize)]
struct FileIn {
    name: String,
    #[serde(with = "serde_bytes_compat")]
    bytes: Vec<u8>,
}

/// Accepts a `Uint8Array` (or an array of numbers) as bytes.
mod serde_bytes_compat {
    use serde::Deserializer;
    use std::fmt;

    struct Bytes;

    impl<'de> serde::de::Visitor<'de> for Bytes {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Uint8Array")
        }
        fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(Bytes)
    }
}

/// Turns any error into a JS `Error` with its message.
fn js_error(err: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&err.to_string()).into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(js_error)
}

/// The executor: the web-worker pool in the threaded build, the calling thread otherwise.
fn policy() -> Policy {
    if cfg!(feature = "threads") {
        Policy::new(Executor::Global)
    } else {
        Policy::serial()
    }
}

/// Parses files given as `[{ name, bytes }]`. The result is aligned with the input: a file
/// that fails is a record with `status: "error"` in its own slot; this never throws for a bad
/// file, only for input that is not an array of `{ name, bytes }`.
#[wasm_bindgen(js_name = parseFiles)]
pub fn parse_files(files: JsValue) -> Result<JsValue, JsValue> {
    let files: Vec<FileIn> = serde_wasm_bindgen::from_value(files).map_err(js_error)?;
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|f| Input::new(&f.name, &f.bytes))
        .collect();
    let records: Vec<Record> = parse_batch(&inputs, &policy())
        .into_iter()
        .map(|result| result.unwrap_or_else(|err| Record::from_error(&err)))
        .collect();
    to_js(&records)
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
