//! The orderers against rez 3.4.0's answers.

use super::*;
use std::collections::HashMap;
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
        .sort_versions(family, versions, |v| v, &FirstAfter::default())
        .unwrap()
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

/// Requirements as a package holds them.
fn shared(list: Vec<RezRequirement>) -> Vec<std::sync::Arc<RezRequirement>> {
    list.into_iter().map(std::sync::Arc::new).collect()
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
                (
                    o.variant_key(false, &[], &additional, Some(i), &FirstAfter::default())
                        .unwrap(),
                    i,
                )
            })
            .collect();
        python_sorted_reverse(keys, |a, b| a.0.lt(&b.0))
            .into_iter()
            .map(|(_, i)| i)
            .collect::<Vec<_>>()
    };
    assert_eq!(sort(&PackageOrderers::default()), [1, 0]);
    let split = orderers("- type: version_split\n  first_version: '2.7.99'\n  packages: python\n");
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
    let a = VersionKey::new(&split, &v("3"), None).unwrap();
    let b = VersionKey::new(&asc, &v("1"), None).unwrap();
    assert!(b.lt(&a) && !a.lt(&b) && !a.eq(&b));
    // rez's `Version.inf` is never less, and everything else is less than it.
    let range = RezVersionRange::parse("1+").unwrap();
    let ((_, _), (upper, _)) = range.intervals().next().unwrap();
    assert!(upper.is_infinity());
    let inf = VersionKey::new(&DEFAULT, upper, None).unwrap();
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
        variants: variants.iter().map(|v| shared(reqs(&[v]))).collect(),
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
    let yaml =
        "package_orderers:\n- type: version_split\n  first_version: '2.7'\n  packages: [python]\n";
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

/// The order of `(version, timestamp)` (0: untimestamped) under a `soft_timestamp` orderer
/// for every family at `time` and `rank`, its first version after found over the same list.
fn soft_order(time: i64, rank: u32, family: &[(&str, i64)]) -> Vec<String> {
    let versions: Vec<(RezVersion, i64)> = family
        .iter()
        .map(|(v, t)| (RezVersion::parse(v).unwrap(), *t))
        .collect();
    let found =
        first_after::<_, String>(
            time,
            rank,
            versions.clone(),
            |t| Ok((*t != 0).then_some(*t)),
        )
        .unwrap();
    let orderers = orderers(&format!(
        "- {{type: soft_timestamp, timestamp: {time}, rank: {rank}}}\n"
    ));
    let first_after: FirstAfter = [("foo".to_string(), found)].into();
    orderers
        .sort_versions("foo", versions, |(v, _)| v, &first_after)
        .unwrap()
        .iter()
        .map(|(v, _)| v.to_string())
        .collect()
}

/// rez 3.4.0's answers, from `TimestampPackageOrder(time, rank).reorder(...)` over the same
/// versions and timestamps (`iter_packages` answering them).
#[test]
fn soft_timestamp_orders_as_rez_does() {
    // rez's docstring example: 2.0.5 and above released after the time.
    let doc = [
        ("2.2.1", 90),
        ("2.2.0", 80),
        ("2.1.1", 70),
        ("2.1.0", 60),
        ("2.0.6", 50),
        ("2.0.5", 40),
        ("2.0.0", 10),
        ("1.9.0", 5),
    ];
    let doc_order = |rank| soft_order(20, rank, &doc);
    assert_eq!(
        doc_order(0),
        ["2.0.0", "1.9.0", "2.0.5", "2.0.6", "2.1.0", "2.1.1", "2.2.0", "2.2.1"]
    );
    let descending = [
        "2.2.1", "2.2.0", "2.1.1", "2.1.0", "2.0.6", "2.0.5", "2.0.0", "1.9.0",
    ];
    assert_eq!(doc_order(1), descending);
    assert_eq!(doc_order(2), descending);
    assert_eq!(
        doc_order(3),
        ["2.0.6", "2.0.5", "2.0.0", "1.9.0", "2.1.1", "2.1.0", "2.2.1", "2.2.0"]
    );
    // Untimestamped versions are passed over by the walk down, but a rank's walk up meets them.
    let mix = [("3.0", 0), ("2.5", 0), ("2.1", 30), ("2.0", 10), ("1.0", 5)];
    assert_eq!(soft_order(20, 0, &mix), ["2.0", "1.0", "2.1", "2.5", "3.0"]);
    assert_eq!(soft_order(20, 1, &mix), ["3.0", "2.5", "2.1", "2.0", "1.0"]);
    assert_eq!(soft_order(20, 2, &mix), ["2.5", "2.1", "2.0", "1.0", "3.0"]);
    assert_eq!(
        soft_order(100, 2, &mix),
        ["2.5", "2.1", "2.0", "1.0", "3.0"]
    );
    // Every version after the time, rank 1: the walk up finds no other prefix.
    let after = [("1.0", 50), ("1.1", 60), ("2.0", 70)];
    assert_eq!(soft_order(20, 1, &after), ["2.0", "1.1", "1.0"]);
}

#[test]
fn soft_timestamp_keys_raise_where_rezs_do() {
    // An empty family with a rank: rez's loop variable is never bound.
    let none: Vec<(RezVersion, ())> = Vec::new();
    assert!(first_after::<_, String>(5, 2, none.clone(), |_| Ok(None)).is_err());
    assert_eq!(first_after::<_, String>(5, 0, none, |_| Ok(None)), Ok(None));
    // `Version.inf` (an unbounded range's upper bound) cannot be trimmed once a version is
    // after the time.
    let soft = Orderer::SoftTimestamp {
        timestamp: 5,
        rank: 2,
    };
    let v = |s: &str| RezVersion::parse(s).unwrap();
    let range = RezVersionRange::parse("1+").unwrap();
    let ((_, _), (inf, _)) = range.intervals().next().unwrap();
    assert!(VersionKey::new(&soft, inf, Some(&v("2"))).is_err());
    assert!(VersionKey::new(&soft, inf, None).is_ok());
    // Only the versions rez reads a timestamp of are read: the walk stops at the first
    // released by the time.
    let versions = vec![(v("3"), 9), (v("2"), 4), (v("1"), -1)];
    let found = first_after::<_, String>(5, 0, versions, |t| {
        if *t < 0 {
            Err("read".into())
        } else {
            Ok(Some(*t))
        }
    });
    assert_eq!(found, Ok(Some(v("3"))));
}

#[test]
fn soft_timestamp_is_read_with_its_fields_checked() {
    let read = orderers("- {type: soft_timestamp, timestamp: 1600130000, packages: [wave]}\n");
    assert_eq!(read.soft_timestamp("wave"), Some((1600130000, 0)));
    assert_eq!(read.soft_timestamp("other"), None);
    let err = |text: &str| read_orderers("o.yaml", text).unwrap_err();
    assert_eq!(
        err("- {type: soft_timestamp, rank: 2}\n"),
        "o.yaml: package_orderers[0].timestamp: missing"
    );
    assert_eq!(
        err("- {type: soft_timestamp, timestamp: '2020'}\n"),
        "o.yaml: package_orderers[0].timestamp: expected an integer, found a string"
    );
    assert_eq!(
        err("- {type: soft_timestamp, timestamp: 1, rank: -1}\n"),
        "o.yaml: package_orderers[0].rank: expected 0 or a positive rank, found -1"
    );
}

/// A source that lists every version unread and records which it is asked to read.
struct Lazy {
    packages: HashMap<String, Vec<crate::resolve::RezPackage>>,
    read: Vec<String>,
}

impl crate::resolve::PackageSource for Lazy {
    fn family(&mut self, family: &str) -> Result<Option<Vec<crate::resolve::Listed>>, String> {
        Ok(self.packages.get(family).map(|list| {
            list.iter()
                .map(|p| crate::resolve::Listed::Unread {
                    version: p.version.clone(),
                    path: p.path.clone(),
                })
                .collect()
        }))
    }

    fn read(
        &mut self,
        family: &str,
        unread: &[(RezVersion, String)],
    ) -> Vec<crate::resolve::RezPackage> {
        unread
            .iter()
            .filter_map(|(version, _)| {
                self.read.push(format!("{family}-{version}"));
                self.packages[family]
                    .iter()
                    .find(|p| p.version == *version)
                    .cloned()
            })
            .collect()
    }
}

/// rez reads every version of a family a `soft_timestamp` orderer orders (for its first
/// version after the time); every other family is read only where the solver's ranges reach.
#[test]
fn soft_timestamp_reads_its_families_whole_and_no_other() {
    use crate::resolve::{solve, ResolveOptions, ResolveOutcome, RezPackage, Timestamp};
    let package = |name: &str, version: &str, at: i64, requires: &[&str]| RezPackage {
        name: name.into(),
        version: RezVersion::parse(version).unwrap(),
        requires: shared(reqs(requires)),
        variants: Vec::new(),
        path: format!("{name}/{version}/package.py"),
        computed: Vec::new(),
        unusable: None,
        timestamp: Timestamp::At(at),
    };
    let repo = || Lazy {
        packages: [
            (
                "python".to_string(),
                vec![
                    package("python", "2.7", 10, &[]),
                    package("python", "3.7", 20, &[]),
                    package("python", "3.9", 30, &[]),
                ],
            ),
            (
                "tool".to_string(),
                vec![
                    package("tool", "1.0", 10, &["python-3.7"]),
                    package("tool", "2.0", 30, &["python-3.9"]),
                ],
            ),
            (
                "lib".to_string(),
                vec![package("lib", "1", 10, &[]), package("lib", "2", 30, &[])],
            ),
        ]
        .into(),
        read: Vec::new(),
    };
    let read = |yaml: &str| {
        let mut source = repo();
        let options = ResolveOptions {
            orderers: orderers(yaml),
            ..ResolveOptions::default()
        };
        let resolve = solve(
            &reqs(&["tool-1.0", "lib-2"]),
            &options,
            &mut source,
            "memory",
        );
        assert!(matches!(
            resolve.unwrap().outcome,
            ResolveOutcome::Solved { .. }
        ));
        source.read.sort();
        source.read
    };
    assert_eq!(read("[]"), ["lib-2", "python-3.7", "tool-1.0"]);
    assert_eq!(
        read("- {type: soft_timestamp, timestamp: 15, packages: [python]}\n"),
        [
            "lib-2",
            "python-2.7",
            "python-3.7",
            "python-3.9",
            "tool-1.0"
        ]
    );
}

/// rez 3.4.0's `PackageOrderList([from_pod(o) for o in orderers]).to_pod()` of the same lists,
/// as its `ResolvedContext` records `package_orderers`.
#[test]
fn orderers_are_recorded_as_rezs_context_records_them() {
    let pod = |json: &str| {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        PackageOrderers::from_value(&json_to_py(&value))
            .unwrap()
            .to_pod()
    };
    let rez = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap();
    assert_eq!(
        pod(r#"[{"type": "per_family", "orderers": [
            {"packages": ["foo", "bah"], "type": "version_split", "first_version": "4.0.5"},
            {"packages": ["python"], "type": "sorted", "descending": false},
            {"packages": ["x"], "type": "soft_timestamp", "timestamp": 5}],
          "default_order": {"type": "no_order"}},
         {"type": "sorted", "descending": true, "packages": "wave"},
         {"type": "soft_timestamp", "timestamp": 12, "rank": 2},
         ["sorted", {"descending": false}]]"#),
        rez(r#"[{"type": "per_family", "orderers": [
            {"type": "version_split", "first_version": "4.0.5", "packages": ["bah", "foo"]},
            {"type": "sorted", "descending": false, "packages": ["python"]},
            {"type": "soft_timestamp", "timestamp": 5, "rank": 0, "packages": ["x"]}],
          "default_order": {"type": "no_order", "packages": ["*"]}},
         {"type": "sorted", "descending": true, "packages": ["wave"]},
         {"type": "soft_timestamp", "timestamp": 12, "rank": 2, "packages": ["*"]},
         {"type": "sorted", "descending": false, "packages": ["*"]}]"#)
    );
    // A family named again moves to the later orderer, keeping its place in rez's dict; an
    // orderer left with no family is not recorded.
    assert_eq!(
        pod(r#"[{"type": "per_family", "orderers": [
            {"packages": ["a", "b"], "type": "sorted", "descending": false},
            {"packages": ["c", "b"], "type": "version_split", "first_version": "2"}]}]"#),
        rez(r#"[{"type": "per_family", "orderers": [
            {"type": "sorted", "descending": false, "packages": ["a"]},
            {"type": "version_split", "first_version": "2", "packages": ["b", "c"]}]}]"#)
    );
    assert_eq!(
        pod(r#"[{"type": "per_family", "orderers": [
            {"packages": ["b"], "type": "sorted", "descending": false},
            {"packages": ["a", "b"], "type": "no_order"}],
          "default_order": {"type": "sorted", "descending": true, "packages": ["z"]}}]"#),
        rez(
            r#"[{"type": "per_family", "orderers": [{"type": "no_order", "packages": ["a", "b"]}],
          "default_order": {"type": "sorted", "descending": true, "packages": ["z"]}}]"#
        )
    );
    // rez records `descending: 'false'` as given; pkglens records its truth.
    assert_eq!(
        pod(r#"[{"type": "sorted", "descending": "false"}]"#),
        rez(r#"[{"type": "sorted", "descending": true, "packages": ["*"]}]"#)
    );
}
