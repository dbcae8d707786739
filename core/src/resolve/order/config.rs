//! Reading `package_orderers` as rez's config reads it: from a static value (YAML, JSON, a
//! `rezconfig.py` literal) into [`PackageOrderers`].

use super::{Orderer, PackageOrder, PackageOrderers, ALL_PACKAGES};
use crate::formats::rez::{type_name as kind, PyValue};
use crate::resolve::rezconfig::{field, read_setting};
use crate::versions::rez::RezVersion;

impl PackageOrderers {
    /// Reads `package_orderers` as rez's config reads it: a list of orderer dicts (or one
    /// dict, or `None` for none). An error names the field (`[1].first_version`).
    pub fn from_value(value: &PyValue) -> Result<PackageOrderers, String> {
        let items: Vec<&PyValue> = match value {
            PyValue::None => Vec::new(),
            PyValue::Dict(_) => vec![value],
            PyValue::List(items) | PyValue::Tuple(items) => items.iter().collect(),
            other => {
                return Err(format!(
                    "expected a list of orderers, found {}",
                    kind(other)
                ))
            }
        };
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            list.push(package_order(item).map_err(|e| format!("[{i}]{e}"))?);
        }
        Ok(PackageOrderers { list })
    }
}

/// One orderer dict (or rez's old `[type, fields]` pair), with its `packages`.
fn package_order(value: &PyValue) -> Result<PackageOrder, String> {
    let fields = orderer_fields(value)?;
    let orderer = orderer(&fields)?;
    // rez's `PerFamilyOrder` applies to the families it names, whatever `packages` says.
    if let Orderer::PerFamily { families, .. } = &orderer {
        let mut packages: Vec<String> = families.iter().map(|(f, _)| f.clone()).collect();
        packages.sort();
        return Ok(PackageOrder { packages, orderer });
    }
    let packages = packages(&fields)?;
    Ok(PackageOrder { packages, orderer })
}

/// rez `PackageOrder.packages`: the families named (a list sorted, or one name), or every
/// family (`*`) when none are.
fn packages(fields: &[(PyValue, PyValue)]) -> Result<Vec<String>, String> {
    Ok(match field(fields, "packages") {
        None | Some(PyValue::None) => vec![ALL_PACKAGES.to_string()],
        Some(PyValue::Str(name)) => vec![name.clone()],
        Some(list) => {
            let mut names = names(list).map_err(|e| format!(".packages: {e}"))?;
            names.sort();
            names
        }
    })
}

/// The fields of an orderer: a dict, or rez's older `[type, {fields}]` (with `type` added).
fn orderer_fields(value: &PyValue) -> Result<Vec<(PyValue, PyValue)>, String> {
    match value {
        PyValue::Dict(fields) => Ok(fields.clone()),
        PyValue::List(pair) | PyValue::Tuple(pair) if pair.len() == 2 => match &pair[1] {
            PyValue::Dict(fields) => {
                let mut fields = fields.clone();
                fields.push((PyValue::Str("type".into()), pair[0].clone()));
                Ok(fields)
            }
            other => Err(format!(
                ": expected a dict of fields, found {}",
                kind(other)
            )),
        },
        other => Err(format!(
            ": expected an orderer (a dict with `type`), found {}",
            kind(other)
        )),
    }
}

/// rez `from_pod`: the orderer its `type` names, from its fields.
fn orderer(fields: &[(PyValue, PyValue)]) -> Result<Orderer, String> {
    let type_name = match field(fields, "type") {
        Some(PyValue::Str(name)) => name.as_str(),
        Some(other) => return Err(format!(".type: expected a string, found {}", kind(other))),
        None => return Err(".type: missing".into()),
    };
    let required = |name: &str| field(fields, name).ok_or_else(|| format!(".{name}: missing"));
    match type_name {
        "sorted" => Ok(Orderer::Sorted {
            descending: truthy(required("descending")?),
        }),
        "version_split" => {
            let first_version = match required("first_version")? {
                PyValue::Str(text) => RezVersion::parse(text)
                    .map_err(|e| format!(".first_version: invalid version {text:?}: {e}"))?,
                other => {
                    return Err(format!(
                        ".first_version: expected a version string (quoted), found {}",
                        kind(other)
                    ))
                }
            };
            Ok(Orderer::VersionSplit { first_version })
        }
        "no_order" => Ok(Orderer::NoOrder),
        "per_family" => per_family(fields),
        "soft_timestamp" => soft_timestamp(fields),
        other => Err(format!(
            ".type: unknown orderer {other:?} (rez 3.4.0 has no_order, sorted, per_family, \
             version_split, soft_timestamp)"
        )),
    }
}

/// rez `SoftTimestampOrder.from_pod`: `timestamp` (required) and `rank` (default 0), both
/// ints (a bool is one, as in Python). rez would take any value and raise only when it
/// compares it; a negative `rank` slices rez's token lists from the end, which no
/// configuration means: both are refused here.
fn soft_timestamp(fields: &[(PyValue, PyValue)]) -> Result<Orderer, String> {
    let int = |name: &str, value: &PyValue| match value {
        PyValue::Int(i) => Ok(*i),
        PyValue::Bool(b) => Ok(i128::from(*b)),
        other => Err(format!(
            ".{name}: expected an integer, found {}",
            kind(other)
        )),
    };
    let timestamp = match field(fields, "timestamp") {
        Some(value) => int("timestamp", value)?,
        None => return Err(".timestamp: missing".into()),
    };
    let timestamp = i64::try_from(timestamp)
        .map_err(|_| format!(".timestamp: {timestamp} is beyond 64 bits"))?;
    let rank = match field(fields, "rank") {
        None | Some(PyValue::None) => 0,
        Some(value) => int("rank", value)?,
    };
    let rank = u32::try_from(rank)
        .map_err(|_| format!(".rank: expected 0 or a positive rank, found {rank}"))?;
    Ok(Orderer::SoftTimestamp { timestamp, rank })
}

/// rez `PerFamilyOrder.from_pod`: `orderers`, each naming its `packages` (required), and an
/// optional `default_order`.
fn per_family(fields: &[(PyValue, PyValue)]) -> Result<Orderer, String> {
    let listed = match field(fields, "orderers") {
        Some(PyValue::List(items) | PyValue::Tuple(items)) => items,
        Some(other) => return Err(format!(".orderers: expected a list, found {}", kind(other))),
        None => return Err(".orderers: missing".into()),
    };
    let mut orderers = Vec::new();
    let mut families: Vec<(String, usize)> = Vec::new();
    for (i, item) in listed.iter().enumerate() {
        let at = |e: String| format!(".orderers[{i}]{e}");
        let inner = orderer_fields(item).map_err(at)?;
        let packages = match field(&inner, "packages") {
            Some(PyValue::Str(name)) => vec![name.clone()],
            Some(list) => names(list).map_err(|e| at(format!(".packages: {e}")))?,
            None => return Err(at(".packages: missing".into())),
        };
        orderers.push(nested(&inner).map_err(at)?);
        let index = orderers.len() - 1;
        for family in packages {
            // rez fills a dict: a family named again takes the later orderer, in its place.
            match families.iter_mut().find(|(f, _)| *f == family) {
                Some(named) => named.1 = index,
                None => families.push((family, index)),
            }
        }
    }
    let default_order = match field(fields, "default_order") {
        None | Some(PyValue::None) => None,
        Some(value) => {
            let at = |e: String| format!(".default_order{e}");
            let inner = orderer_fields(value).map_err(at)?;
            Some(Box::new(PackageOrder {
                orderer: nested(&inner).map_err(at)?,
                packages: packages(&inner).map_err(at)?,
            }))
        }
    };
    Ok(Orderer::PerFamily {
        orderers,
        families,
        default_order,
    })
}

/// An orderer inside `per_family`; one more `per_family` there is refused (rez would look it
/// up by family again, a case no configuration needs).
fn nested(fields: &[(PyValue, PyValue)]) -> Result<Orderer, String> {
    match orderer(fields)? {
        Orderer::PerFamily { .. } => {
            Err(".type: `per_family` inside `per_family` is not supported".into())
        }
        orderer => Ok(orderer),
    }
}

/// A list of family names.
fn names(value: &PyValue) -> Result<Vec<String>, String> {
    match value {
        PyValue::List(items) | PyValue::Tuple(items) => items
            .iter()
            .map(|item| match item {
                PyValue::Str(name) => Ok(name.clone()),
                other => Err(format!("expected family names, found {}", kind(other))),
            })
            .collect(),
        other => Err(format!(
            "expected a list of family names, found {}",
            kind(other)
        )),
    }
}

/// Python's truth of a value (rez tests `descending` with `if`).
fn truthy(value: &PyValue) -> bool {
    match value {
        PyValue::None => false,
        PyValue::Bool(b) => *b,
        PyValue::Int(i) => *i != 0,
        PyValue::Float(f) => *f != 0.0,
        PyValue::Str(s) => !s.is_empty(),
        PyValue::Bytes(b) => !b.is_empty(),
        PyValue::List(items) | PyValue::Tuple(items) => !items.is_empty(),
        PyValue::Dict(items) => !items.is_empty(),
    }
}

/// A JSON value as the Python value rez would read from the same JSON.
pub fn json_to_py(value: &serde_json::Value) -> PyValue {
    use serde_json::Value;
    match value {
        Value::Null => PyValue::None,
        Value::Bool(b) => PyValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => PyValue::Int(i128::from(i)),
            None => PyValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => PyValue::Str(s.clone()),
        Value::Array(items) => PyValue::List(items.iter().map(json_to_py).collect()),
        Value::Object(map) => PyValue::Dict(
            map.iter()
                .map(|(k, v)| (PyValue::Str(k.clone()), json_to_py(v)))
                .collect(),
        ),
    }
}

/// The orderers of a file's text, `name` being its file name: a `.py` rezconfig (its
/// `package_orderers = [...]`, read statically, never run), a `.json` file, or YAML (a
/// rezconfig mapping with `package_orderers`, or the list itself). The message of an error
/// names the file and the field.
pub fn read_orderers(name: &str, text: &str) -> Result<PackageOrderers, String> {
    // A mapping is a rezconfig unless it is an orderer itself.
    let list = read_setting(name, text, "package_orderers", |fields| {
        field(fields, "type").is_none()
    })?;
    PackageOrderers::from_value(&list).map_err(|e| format!("{name}: package_orderers{e}"))
}
