//! The lazy wheel reader: the tail of a wheel first, then only the ranges the core asks for.

use crate::{js_error, to_js};
use pkglens_core::Record;
use pkglens_core::{ByteRange, Step};
use serde::Serialize;
use wasm_bindgen::prelude::*;

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

    /// A reader of a wheel read over HTTP, whose first range is the suffix asked for before
    /// the size was known (`tailBytes()`, as the CLI asks).
    #[wasm_bindgen(js_name = overHttp)]
    pub fn over_http(name: &str, size: f64) -> WheelReader {
        WheelReader {
            inner: pkglens_core::WheelReader::with_first_read(
                name,
                size as u64,
                pkglens_core::TAIL_BYTES,
            ),
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
