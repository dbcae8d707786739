//! Versions and their ranges, PEP 440 and rez: comparing and matching.

use crate::js_error;
use pkglens_core::{parse_version, Specifiers};
use pkglens_core::{RezVersion, RezVersionRange};
use wasm_bindgen::prelude::*;

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
