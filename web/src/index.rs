//! A package index through `fetch`: the decisions the npm package's network code (web/npm/
//! remote.js) asks core for, the same as the CLI's (`native/src/net`): a project page's files,
//! the file pip would pick, the records of a metadata file or an sdist, the dependency tree's
//! walk ([`IndexTree`]), the range reads' arithmetic and the redaction of credentials. JS only
//! fetches.

use crate::{from_js, js_error, to_js};
use pkglens_core::{best_candidate, candidates, index_files, parse_index_html, parse_index_json};
use pkglens_core::{parse_as, parse_content_range, parse_sdist, parse_wheel_metadata};
use pkglens_core::{redact_in_text, sdist_dynamic_reason, sha256_of_fragment, split_fragment};
use pkglens_core::{ErrorKind, Format, IndexFile, Input, ParseError, Record, TargetEnvironment};
use pkglens_core::{Wanted, TAIL_BYTES};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The WHATWG `URL` of the host (Node and browsers), to resolve an index page's links
    /// exactly as `fetch` will.
    type Url;
    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new_with_base(url: &str, base: &str) -> Result<Url, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn href(this: &Url) -> String;
    #[wasm_bindgen(method, getter)]
    fn protocol(this: &Url) -> String;
}

/// `reference` resolved against `base` by the host's URL parser; `None` unless http(s).
fn join(base: &str, reference: &str) -> Option<String> {
    let url = Url::new_with_base(reference.trim(), base).ok()?;
    matches!(url.protocol().as_str(), "http:" | "https:").then(|| url.href())
}

/// The target of an index read, as JS gives it (`{ python, platform, machine }`, each
/// optional), checked by the CLI's rules.
#[derive(Deserialize, Default)]
struct TargetIn {
    python: Option<String>,
    platform: Option<String>,
    machine: Option<String>,
}

fn target_of(value: JsValue) -> Result<TargetEnvironment, JsValue> {
    let given: TargetIn = if value.is_undefined() || value.is_null() {
        TargetIn::default()
    } else {
        from_js(value)?
    };
    let default = TargetEnvironment::default();
    let check = |v: Option<String>, what: &str, parse: fn(&str) -> Result<String, String>| {
        v.map(|v| parse(&v).map_err(|why| js_error(format!("pkglens: {what}: {v:?}: {why}"))))
            .transpose()
    };
    Ok(TargetEnvironment {
        python: check(given.python, "python", TargetEnvironment::parse_python)?
            .unwrap_or(default.python),
        platform: check(
            given.platform,
            "platform",
            TargetEnvironment::parse_platform,
        )?
        .unwrap_or(default.platform),
        machine: check(given.machine, "machine", TargetEnvironment::parse_machine)?
            .unwrap_or(default.machine),
    })
}

/// The files of a project page (`json`: PEP 691, else PEP 503 HTML), links resolved against
/// `pageUrl` (or the page's `<base href>`). A JSON page that is not PEP 691 is an error.
#[wasm_bindgen(js_name = indexFiles)]
pub fn index_files_of(page_url: &str, text: &str, json: bool) -> Result<JsValue, JsValue> {
    let page = if json {
        parse_index_json(text).map_err(js_error)?
    } else {
        parse_index_html(text)
    };
    to_js(&index_files(page_url, page, &join))
}

/// The file pip would pick among `files` for `name` and `spec` on the target; `undefined` when
/// none matches. `sdist` says the pick is an sdist (its metadata is in the archive).
#[wasm_bindgen(js_name = pickFile)]
pub fn pick_file(
    files: JsValue,
    name: &str,
    spec: &str,
    target: JsValue,
) -> Result<JsValue, JsValue> {
    let files: Vec<IndexFile> = from_js(files)?;
    let target = target_of(target)?;
    let all = candidates(&files, name, &target);
    #[derive(Serialize)]
    struct Pick<'a> {
        file: &'a IndexFile,
        version: String,
        sdist: bool,
    }
    match best_candidate(&all, spec) {
        None => Ok(JsValue::UNDEFINED),
        Some(best) => to_js(&Pick {
            file: &best.file,
            version: best.version.to_string(),
            sdist: best.tag_rank.is_none(),
        }),
    }
}

/// The record of a PEP 658 metadata file (`bytes`) of the wheel `wheel` (its URL or file
/// name), shown as `path`.
#[wasm_bindgen(js_name = metadataRecord)]
pub fn metadata_record(path: &str, wheel: &str, bytes: &[u8]) -> Result<JsValue, JsValue> {
    let record =
        parse_wheel_metadata(path, wheel, bytes).unwrap_or_else(|e| Record::from_error(&e));
    to_js(&record)
}

/// The record of an sdist downloaded whole, `dynamic` where PEP 643 says its requirements are
/// not reliable (as the CLI marks it).
#[wasm_bindgen(js_name = sdistRecord)]
pub fn sdist_record(path: &str, bytes: &[u8]) -> Result<JsValue, JsValue> {
    let record = match parse_sdist(path, bytes) {
        Ok(mut record) => {
            if let Some(reason) = sdist_dynamic_reason(&record) {
                record.mark_dynamic(reason);
            }
            record
        }
        Err(err) => Record::from_error(&err),
    };
    to_js(&record)
}

/// An `io` error record of `path` (a wheel's, an sdist's or an index page's), its message's
/// credentials redacted.
#[wasm_bindgen(js_name = ioErrorRecord)]
pub fn io_error_record(
    path: &str,
    format: Option<String>,
    message: &str,
) -> Result<JsValue, JsValue> {
    let format = match format.as_deref() {
        Some("wheel") => Some(Format::Wheel),
        Some("sdist") => Some(Format::Sdist),
        _ => None,
    };
    let err = ParseError::whole(
        path,
        format,
        ErrorKind::Io,
        redact_in_text(message).into_owned(),
    );
    to_js(&Record::from_error(&err))
}

/// The `unsupported` error record of a `name @ url` requirement's URL that is not read (not a
/// wheel over HTTP: core's rule), or `undefined` for one read from its URL.
#[wasm_bindgen(js_name = directUrlRecord)]
pub fn direct_url_record(url: &str) -> Result<JsValue, JsValue> {
    match pkglens_core::direct_url_error(url) {
        None => Ok(JsValue::UNDEFINED),
        Some(err) => to_js(&Record::from_error(&err)),
    }
}

/// Every URL's credentials in `text` shown as pip shows them (`user:****@host`).
#[wasm_bindgen(js_name = redactText)]
pub fn redact_text(text: &str) -> String {
    redact_in_text(text).into_owned()
}

/// The suffix of a wheel asked for first, in bytes.
#[wasm_bindgen(js_name = tailBytes)]
pub fn tail_bytes() -> f64 {
    TAIL_BYTES as f64
}

/// A `Content-Range` value as `[start, end exclusive, total]`, or `undefined`.
#[wasm_bindgen(js_name = contentRange)]
pub fn content_range(value: &str) -> Option<Vec<f64>> {
    parse_content_range(value).map(|(s, e, t)| vec![s as f64, e as f64, t as f64])
}

/// The SHA-256 (hex, lower case) a URL's `#sha256=` fragment names, or `undefined`.
#[wasm_bindgen(js_name = urlSha256)]
pub fn url_sha256(url: &str) -> Option<String> {
    split_fragment(url).1.and_then(sha256_of_fragment)
}

/// The wheel a PEP 658 metadata URL belongs to (its query and `.metadata` removed).
#[wasm_bindgen(js_name = metadataWheel)]
pub fn metadata_wheel(url: &str) -> String {
    pkglens_core::metadata_wheel(url).to_owned()
}

/// Whether a URL names a PEP 658 metadata file (`<wheel>.whl.metadata`).
#[wasm_bindgen(js_name = isMetadataUrl)]
pub fn is_metadata_url(url: &str) -> bool {
    pkglens_core::is_metadata_url(url)
}

/// The dependency tree of requirements on an index, walked one package at a time by a caller
/// that fetches: `next()` the package to load, `upcoming(n)` those to start loading now,
/// `feed(wanted, record)` what the index gave (`null`: no file matches). The same walk, and so
/// the same tree, as `pkglens graph --index-url` (core's `IndexTree`).
#[wasm_bindgen]
pub struct IndexTree {
    inner: Option<pkglens_core::IndexTree>,
    roots: Record,
}

#[wasm_bindgen]
impl IndexTree {
    /// The walk from `requirements` (requirements.txt lines) on `target`. A requirement that
    /// does not parse is an error, as on the CLI.
    #[wasm_bindgen(constructor)]
    pub fn new(requirements: &str, target: JsValue) -> Result<IndexTree, JsValue> {
        let target = target_of(target)?;
        let text = format!("{requirements}\n");
        let input = Input::new("<command line>", text.as_bytes());
        let roots = parse_as(&input, Format::RequirementsTxt)
            .map_err(|err| js_error(format!("pkglens: a requirement: {}", err.info.message)))?;
        if let Some(err) = &roots.error {
            return Err(js_error(format!("pkglens: a requirement: {}", err.message)));
        }
        Ok(IndexTree {
            inner: Some(pkglens_core::IndexTree::new(&roots.requirements, &target)),
            roots,
        })
    }

    fn walk(&mut self) -> Result<&mut pkglens_core::IndexTree, JsValue> {
        self.inner
            .as_mut()
            .ok_or_else(|| js_error("pkglens: this index tree is finished"))
    }

    /// The requirements record of the roots (`<command line>`), as the CLI's first record.
    #[wasm_bindgen(js_name = rootsRecord)]
    pub fn roots_record(&self) -> Result<JsValue, JsValue> {
        to_js(&self.roots)
    }

    /// The next package to load (`{ name, spec, extras }`), or `undefined` when done.
    #[wasm_bindgen(js_name = next)]
    pub fn next_to_load(&mut self) -> Result<JsValue, JsValue> {
        match self.walk()?.next_to_load() {
            Some(wanted) => to_js(&wanted),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Up to `n` packages visited after the current one, nearest first.
    pub fn upcoming(&mut self, n: u32) -> Result<JsValue, JsValue> {
        to_js(&self.walk()?.upcoming(n as usize))
    }

    /// What the index gave for the package `next()` answered: its record, or `null`.
    pub fn feed(&mut self, wanted: JsValue, record: JsValue) -> Result<(), JsValue> {
        let wanted: Wanted = from_js(wanted)?;
        let record: Option<Record> = if record.is_null() || record.is_undefined() {
            None
        } else {
            Some(from_js(record)?)
        };
        self.walk()?.feed(&wanted, record.as_ref());
        Ok(())
    }

    /// The records of the tree: the roots' record first, then the package picked for each
    /// name in walk order. Ends the walk.
    pub fn records(&mut self) -> Result<JsValue, JsValue> {
        let walk = self
            .inner
            .take()
            .ok_or_else(|| js_error("pkglens: this index tree is finished"))?;
        let mut records = vec![self.roots.clone()];
        records.extend(walk.into_records());
        to_js(&records)
    }
}
