//! rez's package orderers (rez 3.4.0 `package_order.py`): the order in which the solver tries
//! a family's versions, and how a variant's requirements rank it among its package's others.
//!
//! rez's config setting `package_orderers` is a list of orderers, each a dict of its `type`
//! and fields ([`PackageOrderers::from_value`] reads it from any static value: YAML, JSON, a
//! `rezconfig.py` literal, a JS value; [`read_orderers`] from a file's text). The first
//! orderer that names a family orders it, else the first that names none (rez's `*`), else
//! rez's default, version descending.
//!
//! The solver uses an orderer where rez's does (`solver.py`): the version sort of a slice
//! (`_PackageVariantSlice.sort_versions`) and the variant sort key (`_PackageEntry.sort`),
//! whose range keys compare ranges of different families when variants require different
//! ones. The keys here are rez's objects: a version's key is a `FallbackComparable` of the
//! orderer's own key and the version, compared with Python's rules for mixed types (which
//! raise, so the versions decide, except that rez's `Version.inf` answers without raising).
//! The sort is CPython's (`sorted(..., reverse=True)`: binary insertion over the reversed
//! list), so that even an order that is not transitive across families comes out as rez's.
//!
//! `soft_timestamp` needs each package's release time, which the solver does not have: it is
//! refused with a clear message rather than ordered differently.

use super::rezconfig::{field, read_setting};
use crate::formats::rez::{type_name as kind, PyValue};
use crate::versions::rez::{RezRequirement, RezVersion, RezVersionRange};

/// One orderer, as rez's `from_pod` makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Orderer {
    /// `sorted`: version descending (`descending: true`, rez's default order) or ascending.
    Sorted {
        /// Highest first when true.
        descending: bool,
    },
    /// `version_split`: the versions up to `first_version` first, highest first, then the
    /// others, highest first (rez's example: 5 4 3 2 1 split at 3 is 3 2 1 5 4).
    VersionSplit {
        /// The highest version of the preferred part.
        first_version: RezVersion,
    },
    /// `no_order`: every version ranks the same, so the order stays as listed.
    NoOrder,
    /// `per_family`: an orderer per family (`orderers`, each naming its `packages`).
    /// `default_order` is kept as rez keeps it, but rez's lookup never reaches it: the
    /// orderer is found by the families it names.
    PerFamily {
        /// `(family, orderer)`, in the order given.
        families: Vec<(String, Orderer)>,
        /// rez's `default_order`.
        default_order: Option<Box<Orderer>>,
    },
}

/// One entry of `package_orderers`: an orderer and the families it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageOrder {
    /// The families named (`packages`), or `["*"]` (every family) when none are.
    pub packages: Vec<String>,
    /// The orderer.
    pub orderer: Orderer,
}

/// rez's `PackageOrderList`: the configured orderers, first match wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageOrderers {
    /// The entries, in configuration order.
    pub list: Vec<PackageOrder>,
}

/// rez's name for "every family" in an orderer's `packages`.
const ALL_PACKAGES: &str = "*";

/// rez's default orderer (version descending).
const DEFAULT: Orderer = Orderer::Sorted { descending: true };

impl PackageOrderers {
    /// Whether no orderer is configured (rez's default order everywhere).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// rez `get_orderer`: the orderer of `family` (its leaf orderer, for `per_family`).
    pub fn get(&self, family: &str) -> &Orderer {
        let named = |name: &str| {
            self.list
                .iter()
                .find(|o| o.packages.iter().any(|p| p == name))
        };
        let found = named(family).or_else(|| named(ALL_PACKAGES));
        match found.map(|o| &o.orderer) {
            Some(Orderer::PerFamily {
                families,
                default_order,
            }) => families
                .iter()
                .find(|(f, _)| f == family)
                .map(|(_, o)| o)
                .or(default_order.as_deref())
                .unwrap_or(&DEFAULT),
            Some(orderer) => orderer,
            None => &DEFAULT,
        }
    }

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

    /// The key of `version` of `family` (rez `sort_key` of a `Version`).
    fn version_key(&self, family: &str, version: &RezVersion) -> VersionKey {
        VersionKey::new(self.get(family), version)
    }

    /// rez `sort_key` of a `VersionRange`: per interval, its lower and upper versions' keys,
    /// each with how the bound includes it.
    fn range_key(&self, family: &str, range: &RezVersionRange) -> Key {
        let orderer = self.get(family);
        Key::Seq(
            range
                .intervals()
                .map(|((lower, lower_in), (upper, upper_in))| {
                    Key::Seq(vec![
                        Key::Seq(vec![
                            Key::Version(VersionKey::new(orderer, lower)),
                            Key::Int(if lower_in { -2 } else { -1 }),
                        ]),
                        Key::Seq(vec![
                            Key::Version(VersionKey::new(orderer, upper)),
                            Key::Int(if upper_in { 2 } else { 1 }),
                        ]),
                    ])
                })
                .collect(),
        )
    }

    /// rez `_PackageVariantSlice.sort_versions`: `items` (the versions of `family`, as
    /// listed) in the order the solver tries them, best first.
    pub fn sort_versions<T>(
        &self,
        family: &str,
        items: Vec<T>,
        version: impl Fn(&T) -> &RezVersion,
    ) -> Vec<T> {
        let keyed: Vec<(VersionKey, T)> = items
            .into_iter()
            .map(|item| (self.version_key(family, version(&item)), item))
            .collect();
        python_sorted_reverse(keyed, |a, b| a.0.lt(&b.0))
            .into_iter()
            .map(|(_, item)| item)
            .collect()
    }

    /// rez `_PackageEntry.sort`'s key of one variant: `requested` are the variant's
    /// requirements of the request's (non-conflict) families, with the request's position;
    /// `additional` its other non-conflict requirements, in its order.
    pub fn variant_key(
        &self,
        intersection_priority: bool,
        requested: &[(usize, &RezRequirement)],
        additional: &[&RezRequirement],
        index: Option<usize>,
    ) -> Key {
        let requested_key: Vec<Key> = requested
            .iter()
            .map(|(i, req)| {
                let position = -i64::try_from(*i).unwrap_or(i64::MAX);
                Key::Seq(vec![
                    Key::Int(position),
                    self.range_key(&req.name, &req.range),
                ])
            })
            .collect();
        let additional_key: Vec<Key> = additional
            .iter()
            .map(|req| {
                Key::Seq(vec![
                    self.range_key(&req.name, &req.range),
                    Key::Str(req.name.clone()),
                ])
            })
            .collect();
        let count = |n: usize| Key::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let fewer_added = Key::Int(-i64::try_from(additional_key.len()).unwrap_or(i64::MAX));
        let index = Key::Int(index.map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX)));
        let mut key = Vec::with_capacity(5);
        if intersection_priority {
            key.push(count(requested_key.len()));
        }
        key.extend([
            Key::Seq(requested_key),
            fewer_added,
            Key::Seq(additional_key),
            index,
        ]);
        Key::Seq(key)
    }
}

/// `items` sorted as CPython's `sorted(items, key=..., reverse=True)` sorts them, `lt` being
/// the keys' `<`: the list reversed, sorted stably (a first run found, then binary insertion,
/// which is all of CPython's timsort below 64 items), and reversed back. Beyond 64 items
/// CPython merges runs; for a consistent order (a family's versions) the result is the same.
pub fn python_sorted_reverse<T>(mut items: Vec<T>, lt: impl Fn(&T, &T) -> bool) -> Vec<T> {
    items.reverse();
    let n = items.len();
    if n >= 2 {
        // count_run: the longest ascending (or strictly descending, then reversed) prefix.
        let mut run = 2;
        if lt(&items[1], &items[0]) {
            while run < n && lt(&items[run], &items[run - 1]) {
                run += 1;
            }
            items[..run].reverse();
        } else {
            while run < n && !lt(&items[run], &items[run - 1]) {
                run += 1;
            }
        }
        // binarysort: each later item inserted after the equal ones before it.
        for start in run..n {
            let (mut l, mut r) = (0, start);
            while l < r {
                let p = l + (r - l) / 2;
                if lt(&items[start], &items[p]) {
                    r = p;
                } else {
                    l = p + 1;
                }
            }
            items[l..=start].rotate_right(1);
        }
    }
    items.reverse();
    items
}

/// A sort key as rez builds it from Python tuples, lists, ints, strings and the orderers'
/// version keys, compared with Python's rules.
#[derive(Debug, Clone)]
pub enum Key {
    /// An int.
    Int(i64),
    /// A string.
    Str(String),
    /// A tuple or list (Python compares both item by item).
    Seq(Vec<Key>),
    /// A version's key.
    Version(VersionKey),
}

impl Key {
    /// Python's `==`.
    pub fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a == b,
            (Key::Str(a), Key::Str(b)) => a == b,
            (Key::Seq(a), Key::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq(y))
            }
            (Key::Version(a), Key::Version(b)) => a.eq(b),
            _ => false,
        }
    }

    /// Python's `<`: sequences by their first unequal items, else by length. Keys of
    /// different kinds never meet in rez's keys (they would raise); they are not less.
    pub fn lt(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a < b,
            (Key::Str(a), Key::Str(b)) => a < b,
            (Key::Seq(a), Key::Seq(b)) => match a.iter().zip(b).find(|(x, y)| !x.eq(y)) {
                Some((x, y)) => x.lt(y),
                None => a.len() < b.len(),
            },
            (Key::Version(a), Key::Version(b)) => a.lt(b),
            _ => false,
        }
    }
}

/// rez's `FallbackComparable(orderer key, version)`: compared by the orderer's keys, or by
/// the versions when comparing those keys raises.
#[derive(Debug, Clone)]
pub struct VersionKey {
    main: Main,
    version: RezVersion,
}

/// An orderer's own key of a version (`sort_key_implementation`).
#[derive(Debug, Clone)]
enum Main {
    /// `sorted` descending: the `Version`.
    Version(RezVersion),
    /// `sorted` ascending: `_ReversedComparable(version)`.
    Reversed(RezVersion),
    /// `version_split`: the tuple `(version <= first_version, version)`.
    Split(bool, RezVersion),
    /// `no_order`: the int `0`.
    Zero,
}

impl VersionKey {
    fn new(orderer: &Orderer, version: &RezVersion) -> VersionKey {
        let main = match orderer {
            Orderer::Sorted { descending: true } => Main::Version(version.clone()),
            Orderer::Sorted { descending: false } => Main::Reversed(version.clone()),
            // rez's `version <= first_version`: never true of `Version.inf`.
            Orderer::VersionSplit { first_version } => Main::Split(
                !version.is_infinity() && version <= first_version,
                version.clone(),
            ),
            Orderer::NoOrder => Main::Zero,
            // A per_family orderer is looked through by `PackageOrderers::get`.
            Orderer::PerFamily { .. } => Main::Version(version.clone()),
        };
        VersionKey {
            main,
            version: version.clone(),
        }
    }

    /// `FallbackComparable.__eq__`: the orderer keys' `==` (which never raises here).
    fn eq(&self, other: &VersionKey) -> bool {
        match (&self.main, &other.main) {
            (Main::Version(a), Main::Version(b)) | (Main::Reversed(a), Main::Reversed(b)) => a == b,
            (Main::Split(p, a), Main::Split(q, b)) => p == q && a == b,
            (Main::Zero, Main::Zero) => true,
            _ => false,
        }
    }

    /// `FallbackComparable.__lt__`: the orderer keys' `<`, or the versions' when it raises.
    fn lt(&self, other: &VersionKey) -> bool {
        main_lt(&self.main, &other.main).unwrap_or_else(|| self.version < other.version)
    }
}

/// Python's `a < b` of two orderer keys; `None` where Python raises. rez's `Version.__lt__`
/// answers `False` for `Version.inf` before looking at the other side, so `inf < x` is false
/// and (reflected through `__gt__`) `x < inf` is true, whatever `x` is.
fn main_lt(a: &Main, b: &Main) -> Option<bool> {
    match (a, b) {
        (Main::Version(x), Main::Version(y)) => Some(x < y),
        (Main::Version(x), _) if x.is_infinity() => Some(false),
        (_, Main::Version(y)) if y.is_infinity() => Some(true),
        (Main::Reversed(x), Main::Reversed(y)) => Some(y < x),
        (Main::Split(p, x), Main::Split(q, y)) => Some(if p != q { !p & q } else { x < y }),
        (Main::Zero, Main::Zero) => Some(false),
        _ => None,
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
    let packages = match field(&fields, "packages") {
        None | Some(PyValue::None) => vec![ALL_PACKAGES.to_string()],
        Some(PyValue::Str(name)) => vec![name.clone()],
        Some(list) => {
            let mut names = names(list).map_err(|e| format!(".packages: {e}"))?;
            names.sort();
            names
        }
    };
    Ok(PackageOrder { packages, orderer })
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
        "soft_timestamp" => Err(
            ".type: `soft_timestamp` is not supported: it orders by each \
             package's release time, which pkglens resolve does not read"
                .into(),
        ),
        other => Err(format!(
            ".type: unknown orderer {other:?} (rez 3.4.0 has no_order, sorted, per_family, \
             version_split, soft_timestamp)"
        )),
    }
}

/// rez `PerFamilyOrder.from_pod`: `orderers`, each naming its `packages` (required), and an
/// optional `default_order`.
fn per_family(fields: &[(PyValue, PyValue)]) -> Result<Orderer, String> {
    let listed = match field(fields, "orderers") {
        Some(PyValue::List(items) | PyValue::Tuple(items)) => items,
        Some(other) => return Err(format!(".orderers: expected a list, found {}", kind(other))),
        None => return Err(".orderers: missing".into()),
    };
    let mut families = Vec::new();
    for (i, item) in listed.iter().enumerate() {
        let at = |e: String| format!(".orderers[{i}]{e}");
        let inner = orderer_fields(item).map_err(at)?;
        let packages = match field(&inner, "packages") {
            Some(PyValue::Str(name)) => vec![name.clone()],
            Some(list) => names(list).map_err(|e| at(format!(".packages: {e}")))?,
            None => return Err(at(".packages: missing".into())),
        };
        let orderer = nested(&inner).map_err(at)?;
        for family in packages {
            // rez fills a dict: a family named again takes the later orderer.
            families.retain(|(f, _)| *f != family);
            families.push((family, orderer.clone()));
        }
    }
    let default_order = match field(fields, "default_order") {
        None | Some(PyValue::None) => None,
        Some(value) => {
            let inner = orderer_fields(value).map_err(|e| format!(".default_order{e}"))?;
            Some(Box::new(
                nested(&inner).map_err(|e| format!(".default_order{e}"))?,
            ))
        }
    };
    Ok(Orderer::PerFamily {
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn orderers(yaml: &str) -> PackageOrderers {
        read_orderers("orderers.yaml", yaml).unwrap()
    }

    fn order(orderers: &PackageOrderers, family: &str, versions: &[&str]) -> Vec<String> {
        let versions: Vec<RezVersion> = versions
            .iter()
            .map(|v| RezVersion::parse(v).unwrap())
            .collect();
        orderers
            .sort_versions(family, versions, |v| v)
            .iter()
            .map(|v| v.to_string())
            .collect()
    }

    const VERSIONS: [&str; 5] = ["1", "5", "3", "2", "4"];

    #[test]
    fn the_default_is_version_descending() {
        let none = PackageOrderers::default();
        assert_eq!(order(&none, "foo", &VERSIONS), ["5", "4", "3", "2", "1"]);
        let desc = orderers("- type: sorted\n  descending: true\n");
        assert_eq!(order(&desc, "foo", &VERSIONS), ["5", "4", "3", "2", "1"]);
    }

    #[test]
    fn sorted_ascending_reverses_the_named_families_only() {
        let asc = orderers("- type: sorted\n  descending: false\n  packages: [foo]\n");
        assert_eq!(order(&asc, "foo", &VERSIONS), ["1", "2", "3", "4", "5"]);
        assert_eq!(order(&asc, "bar", &VERSIONS), ["5", "4", "3", "2", "1"]);
    }

    #[test]
    fn version_split_puts_the_versions_up_to_first_version_first() {
        // rez's docstring: [5, 4, 3, 2, 1] split at 3 is [3, 2, 1, 5, 4].
        let split = orderers("- type: version_split\n  first_version: '3'\n");
        assert_eq!(order(&split, "foo", &VERSIONS), ["3", "2", "1", "5", "4"]);
        // 3.0 > 3: only what is <= 3.0 comes first.
        let split = orderers("- type: version_split\n  first_version: '3.0'\n");
        assert_eq!(
            order(&split, "foo", &["3", "3.0", "3.1", "2"]),
            ["3.0", "3", "2", "3.1"]
        );
    }

    #[test]
    fn no_order_keeps_the_listed_order() {
        let none = orderers("- type: no_order\n  packages: foo\n");
        assert_eq!(order(&none, "foo", &VERSIONS), VERSIONS);
    }

    #[test]
    fn per_family_orders_each_family_it_names_and_the_first_match_wins() {
        let per = orderers(
            "- type: per_family\n  orderers:\n  - packages: [foo, bah]\n    type: version_split\n    first_version: '4'\n  - packages: [python]\n    type: sorted\n    descending: false\n  default_order:\n    type: sorted\n    descending: true\n- type: sorted\n  descending: false\n",
        );
        assert_eq!(order(&per, "foo", &VERSIONS), ["4", "3", "2", "1", "5"]);
        assert_eq!(order(&per, "python", &VERSIONS), ["1", "2", "3", "4", "5"]);
        // Not named by per_family: the next orderer (for every family) applies.
        assert_eq!(order(&per, "other", &VERSIONS), ["1", "2", "3", "4", "5"]);
    }

    /// `(family, range)` requirements.
    fn reqs(list: &[&str]) -> Vec<RezRequirement> {
        list.iter()
            .map(|r| RezRequirement::parse(r).unwrap())
            .collect()
    }

    #[test]
    fn variant_keys_rank_ranges_by_the_family_orderer() {
        // Two variants of one package, python-2.7 and python-3.7, neither requested: the
        // default prefers the higher range; version_split at 2.7 prefers the lower.
        let variants = [reqs(&["python-2.7"]), reqs(&["python-3.7"])];
        let sort = |o: &PackageOrderers| {
            let keys: Vec<(Key, usize)> = variants
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let additional: Vec<&RezRequirement> = v.iter().collect();
                    (o.variant_key(false, &[], &additional, Some(i)), i)
                })
                .collect();
            python_sorted_reverse(keys, |a, b| a.0.lt(&b.0))
                .into_iter()
                .map(|(_, i)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(sort(&PackageOrderers::default()), [1, 0]);
        let split =
            orderers("- type: version_split\n  first_version: '2.7.99'\n  packages: python\n");
        assert_eq!(sort(&split), [0, 1]);
        let asc = orderers("- type: sorted\n  descending: false\n");
        assert_eq!(sort(&asc), [0, 1]);
        // no_order: equal range keys, so the variant index decides (the higher first).
        let none = orderers("- type: no_order\n");
        assert_eq!(sort(&none), [1, 0]);
    }

    #[test]
    fn keys_of_different_orderers_compare_as_rez_compares_them() {
        let v = |s: &str| RezVersion::parse(s).unwrap();
        let split = Orderer::VersionSplit {
            first_version: v("2"),
        };
        let asc = Orderer::Sorted { descending: false };
        // Mixed kinds raise in Python: the versions decide.
        let a = VersionKey::new(&split, &v("3"));
        let b = VersionKey::new(&asc, &v("1"));
        assert!(b.lt(&a) && !a.lt(&b) && !a.eq(&b));
        // rez's `Version.inf` is never less, and everything else is less than it.
        let range = RezVersionRange::parse("1+").unwrap();
        let ((_, _), (upper, _)) = range.intervals().next().unwrap();
        assert!(upper.is_infinity());
        let inf = VersionKey::new(&DEFAULT, upper);
        assert!(!inf.lt(&a) && a.lt(&inf) && b.lt(&inf));
    }

    /// `tool`'s variants require different families, so rez compares the range keys of `foo`
    /// and `bar`, each under its own orderer. rez 3.4.0's answers, from
    /// `ResolvedContext(['tool'], package_orderers=...)` over the same three packages.
    #[test]
    fn variants_requiring_different_families_rank_as_in_rez() {
        use crate::resolve::{solve, ResolveOptions, ResolveOutcome, RezPackage, Timestamp};
        use std::collections::HashMap;
        use std::sync::Arc;
        let package = |name: &str, version: &str, variants: &[&str]| RezPackage {
            name: name.into(),
            version: RezVersion::parse(version).unwrap(),
            requires: Vec::new(),
            variants: variants.iter().map(|v| reqs(&[v])).collect(),
            path: format!("{name}/{version}/package.py"),
            computed: Vec::new(),
            unusable: None,
            timestamp: Timestamp::Untimestamped,
        };
        let mut source: HashMap<String, Arc<Vec<RezPackage>>> = HashMap::new();
        source.insert("foo".into(), Arc::new(vec![package("foo", "2", &[])]));
        source.insert("bar".into(), Arc::new(vec![package("bar", "1", &[])]));
        source.insert(
            "tool".into(),
            Arc::new(vec![package("tool", "1", &["foo-2", "bar-1"])]),
        );
        let mut variant = |yaml: &str| {
            let options = ResolveOptions {
                orderers: orderers(yaml),
                ..ResolveOptions::default()
            };
            let resolve = solve(&reqs(&["tool"]), &options, &mut source, "memory").unwrap();
            match resolve.outcome {
                ResolveOutcome::Solved { packages, .. } => packages.last().unwrap().variant,
                ResolveOutcome::Failed { .. } => panic!("failed"),
            }
        };
        assert_eq!(variant("[]"), Some(0));
        // Two reversed keys compare reversed, across families: bar-1 ranks above foo-2.
        assert_eq!(variant("- type: sorted\n  descending: false\n"), Some(1));
        // A reversed key against a version raises in Python: the versions decide.
        assert_eq!(
            variant("- {type: sorted, descending: false, packages: [foo]}\n"),
            Some(0)
        );
        assert_eq!(
            variant("- {type: sorted, descending: false, packages: [bar]}\n"),
            Some(0)
        );
        assert_eq!(
            variant("- {type: version_split, first_version: '1', packages: [foo]}\n- {type: sorted, descending: false, packages: [bar]}\n"),
            Some(0)
        );
        // Every key equal: the family names decide ("foo" > "bar").
        assert_eq!(variant("- type: no_order\n"), Some(0));
    }

    #[test]
    fn cpython_sort_is_stable_and_reversed() {
        // Equal keys keep their order under reverse=True, as Python's sort does.
        let items = vec![(1, 'a'), (2, 'b'), (1, 'c'), (3, 'd'), (2, 'e')];
        let sorted = python_sorted_reverse(items, |x, y| x.0 < y.0);
        assert_eq!(sorted, [(3, 'd'), (2, 'b'), (2, 'e'), (1, 'a'), (1, 'c')]);
    }

    #[test]
    fn configurations_are_read_from_rezconfig_py_json_and_yaml() {
        let py = "# rezconfig.py\npackage_orderers = [\n    {'type': 'version_split', 'first_version': '2.7', 'packages': ['python']},\n]\n";
        let from_py = read_orderers("rezconfig.py", py).unwrap();
        let json = r#"[{"type": "version_split", "first_version": "2.7", "packages": ["python"]}]"#;
        let from_json = read_orderers("orderers.json", json).unwrap();
        let yaml = "package_orderers:\n- type: version_split\n  first_version: '2.7'\n  packages: [python]\n";
        let from_yaml = read_orderers("rezconfig.yaml", yaml).unwrap();
        assert_eq!(from_py, from_json);
        assert_eq!(from_json, from_yaml);
        assert_eq!(from_py.list[0].packages, ["python"]);
        // rez's older form, `[type, fields]`.
        let old = read_orderers("o.json", r#"[["sorted", {"descending": false}]]"#).unwrap();
        assert_eq!(old.list[0].orderer, Orderer::Sorted { descending: false });
        assert_eq!(old.list[0].packages, ["*"]);
        // rez tests `descending` with `if`: the string "false" is true, as in rez.
        let text = read_orderers("o.yaml", "- {type: sorted, descending: 'false'}\n").unwrap();
        assert_eq!(text.list[0].orderer, Orderer::Sorted { descending: true });
    }

    /// The shape rez's own `rezconfig.py` documents (and its docs' `package_orderers.rst`):
    /// easing a move from python 2 to 3 with a `per_family` `version_split`, comments and all.
    #[test]
    fn rezs_documented_rezconfig_shape_is_read() {
        let py = "# A common use case is to ease migration from python-2 to python-3:\n\
                  package_orderers = [\n    {\n       \"type\": \"per_family\",\n       \"orderers\": [\n\
                  \x20           {\n                \"packages\": [\"python\"],\n\
                  \x20               \"type\": \"version_split\",\n                \"first_version\": \"2.7.16\"\n\
                  \x20           }\n        ]\n    }\n]\n";
        let read = read_orderers("rezconfig.py", py).unwrap();
        assert_eq!(read.list[0].packages, ["python"]);
        assert_eq!(
            order(&read, "python", &["3.7.4", "2.7.16", "2.7.18", "2.7.3"]),
            ["2.7.16", "2.7.3", "3.7.4", "2.7.18"]
        );
        // Not named: rez's default.
        assert_eq!(order(&read, "maya", &["2019", "2022"]), ["2022", "2019"]);
    }

    #[test]
    fn bad_configurations_name_the_file_and_field() {
        let err = |name: &str, text: &str| read_orderers(name, text).unwrap_err();
        assert_eq!(
            err("o.yaml", "- type: version_split\n  packages: [python]\n"),
            "o.yaml: package_orderers[0].first_version: missing"
        );
        assert_eq!(
            err(
                "o.json",
                r#"[{"type": "sorted", "descending": true}, {"type": "bogus"}]"#
            ),
            "o.json: package_orderers[1].type: unknown orderer \"bogus\" (rez 3.4.0 has no_order, \
             sorted, per_family, version_split, soft_timestamp)"
        );
        assert!(err("o.yaml", "- type: soft_timestamp\n  timestamp: 1\n").contains("not supported"));
        assert_eq!(
            err(
                "o.yaml",
                "- type: per_family\n  orderers:\n  - type: no_order\n"
            ),
            "o.yaml: package_orderers[0].orderers[0].packages: missing"
        );
        assert_eq!(
            err("rezconfig.py", "package_orderers = make()\n"),
            "rezconfig.py: package_orderers: `package_orderers` is assigned an expression (call) \
             at line 1, not a literal"
        );
        assert!(err("o.json", "[1,").starts_with("o.json: line 1, column 3: EOF"));
        // A public rezconfig's `package_orderers = ["version", "timestamp"]`: rez's `from_pod`
        // cannot read a string either.
        assert_eq!(
            err("rezconfig.py", "package_orderers = [\"version\", \"timestamp\"]\n"),
            "rezconfig.py: package_orderers[0]: expected an orderer (a dict with `type`), found a string"
        );
        // rez: `Version(2.7)` raises "expected string or bytes-like object, got 'float'".
        assert_eq!(
            err("o.yaml", "- {type: version_split, first_version: 2.7}\n"),
            "o.yaml: package_orderers[0].first_version: expected a version string (quoted), found a float"
        );
        assert_eq!(
            err("rezconfig.yaml", "x: 1\n"),
            "rezconfig.yaml: package_orderers: missing"
        );
    }
}
