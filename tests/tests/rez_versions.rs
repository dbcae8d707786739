//! Conformance against rez itself: reads the JSON written by
//! `conformance/rez_versions.py` from `$PKGLENS_REZ_VERSIONS_JSON`.

use pkglens_core::{RezRequirement, RezVersion, RezVersionRange};
use serde_json::Value;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn opt_s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Checks one range entry; returns 1 when rez accepted it.
fn check_range(
    item: &Value,
    versions: &[RezVersion],
    vstrs: &[String],
    diffs: &mut Vec<String>,
    checks: &mut usize,
) -> usize {
    let input = s(&item["s"]);
    let ok = item["ok"].as_bool().unwrap_or(false);
    *checks += 1;
    match (RezVersionRange::parse(&input), ok) {
        (Err(_), false) => {}
        (Ok(r), false) => diffs.push(format!("range {input:?}: accepted as {r}, rez rejects")),
        (Err(e), true) => diffs.push(format!("range {input:?}: rejected ({e}), rez accepts")),
        (Ok(r), true) => {
            let want = s(&item["str"]);
            if r.to_string() != want {
                diffs.push(format!("range {input:?}: str ours {r}, rez {want}"));
            }
            let bits = s(&item["contains"]);
            for ((v, vs), bit) in versions.iter().zip(vstrs).zip(bits.chars()) {
                *checks += 1;
                let ours = r.contains(v);
                if ours != (bit == '1') {
                    diffs.push(format!(
                        "range {input:?} contains {vs:?}: ours {ours}, rez {}",
                        bit == '1'
                    ));
                }
            }
        }
    }
    usize::from(ok)
}

#[test]
fn conformance_with_rez() {
    let Ok(path) = std::env::var("PKGLENS_REZ_VERSIONS_JSON") else {
        println!("conformance skipped: PKGLENS_REZ_VERSIONS_JSON is not set");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read conformance json");
    let data: Value = serde_json::from_str(&text).expect("parse conformance json");
    let mut diffs: Vec<String> = Vec::new();
    let mut checks = 0usize;

    // versions and their order
    let vstrs: Vec<String> = data["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(s)
        .collect();
    let ranks: Vec<u64> = data["ranks"]
        .as_array()
        .expect("ranks")
        .iter()
        .map(|r| r.as_u64().unwrap_or(u64::MAX))
        .collect();
    let mut versions = Vec::new();
    for v in &vstrs {
        match RezVersion::parse(v) {
            Ok(p) => {
                if p.to_string() != *v {
                    diffs.push(format!("version {v:?}: str {p}"));
                }
                versions.push(p);
            }
            Err(e) => {
                diffs.push(format!("version {v:?} rejected: {e}"));
                versions.push(RezVersion::empty());
            }
        }
    }
    let mut idx: Vec<usize> = (0..versions.len()).collect();
    idx.sort_by(|&a, &b| versions[a].cmp(&versions[b]));
    for w in idx.windows(2) {
        let (a, b) = (w[0], w[1]);
        checks += 1;
        let ours = versions[a].cmp(&versions[b]);
        let theirs = ranks[a].cmp(&ranks[b]);
        if ours != theirs {
            diffs.push(format!(
                "order {:?} vs {:?}: ours {ours:?}, rez {theirs:?}",
                vstrs[a], vstrs[b]
            ));
        }
    }
    let nversions = versions.len();

    // version parsing
    let mut nvparse = 0;
    for item in data["version_parse"].as_array().expect("version_parse") {
        let input = s(&item[0]);
        let want = opt_s(&item[1]);
        let got = RezVersion::parse(&input).ok().map(|v| v.to_string());
        nvparse += 1;
        checks += 1;
        if got != want {
            diffs.push(format!("Version({input:?}): ours {got:?}, rez {want:?}"));
        }
    }

    // ranges: acceptance, str, containment
    let mut nranges = 0;
    let mut nvalid = 0;
    for key in ["ranges", "range_syntax"] {
        for item in data[key].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            nranges += 1;
            nvalid += check_range(item, &versions, &vstrs, &mut diffs, &mut checks);
        }
    }

    // range algebra
    let mut nops = 0;
    for item in data["ops"].as_array().expect("ops") {
        let (sa, sb) = (s(&item["a"]), s(&item["b"]));
        let (Ok(a), Ok(b)) = (RezVersionRange::parse(&sa), RezVersionRange::parse(&sb)) else {
            diffs.push(format!("ops {sa:?} {sb:?}: parse failed"));
            continue;
        };
        nops += 1;
        checks += 4;
        let u = a.union(&b).to_string();
        if u != s(&item["union"]) {
            diffs.push(format!("{sa:?} | {sb:?}: ours {u}, rez {}", item["union"]));
        }
        let i = a.intersection(&b);
        let i = (!i.is_empty()).then(|| i.to_string());
        if a.intersects(&b) != i.is_some() {
            diffs.push(format!(
                "{sa:?} intersects {sb:?}: ours {}",
                a.intersects(&b)
            ));
        }
        if i != opt_s(&item["intersection"]) {
            diffs.push(format!(
                "{sa:?} & {sb:?}: ours {i:?}, rez {}",
                item["intersection"]
            ));
        }
        let want_inv = opt_s(&item["inverse"]);
        if want_inv.as_deref() != Some("error") {
            let inv = a.complement();
            let inv = (!inv.is_empty()).then(|| inv.to_string());
            if inv != want_inv {
                diffs.push(format!("~{sa:?}: ours {inv:?}, rez {want_inv:?}"));
            }
        }
        let sup = a.is_superset(&b);
        if Some(sup) != item["superset"].as_bool() {
            diffs.push(format!("{sa:?} issuperset {sb:?}: ours {sup}"));
        }
    }

    // requirements
    let mut nreqs = 0;
    for item in data["requirements"].as_array().expect("requirements") {
        let input = s(&item["s"]);
        let ok = item["ok"].as_bool().unwrap_or(false);
        nreqs += 1;
        checks += 1;
        match (RezRequirement::parse(&input), ok) {
            (Err(_), false) => {}
            (Ok(q), false) => diffs.push(format!("req {input:?}: accepted as {q}, rez rejects")),
            (Err(e), true) => diffs.push(format!("req {input:?}: rejected ({e}), rez accepts")),
            (Ok(q), true) => {
                let range = (!q.range.is_empty()).then(|| q.range.to_string());
                let got = (q.name.clone(), range, q.conflict, q.weak, q.to_string());
                let want = (
                    s(&item["name"]),
                    opt_s(&item["range"]),
                    item["conflict"].as_bool().unwrap_or(false),
                    item["weak"].as_bool().unwrap_or(false),
                    s(&item["str"]),
                );
                if got != want {
                    diffs.push(format!("req {input:?}: ours {got:?}, rez {want:?}"));
                }
            }
        }
    }

    // requirement merging and conflicts
    let mut nmerges = 0;
    for item in data["merges"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let (sa, sb) = (s(&item["a"]), s(&item["b"]));
        let (Ok(a), Ok(b)) = (RezRequirement::parse(&sa), RezRequirement::parse(&sb)) else {
            diffs.push(format!("merge {sa:?} {sb:?}: parse failed"));
            continue;
        };
        nmerges += 1;
        checks += 2;
        let want = opt_s(&item["merged"]);
        if want.as_deref() != Some("error") {
            let got = a.merged(&b).map(|m| m.to_string());
            if got != want {
                diffs.push(format!("{sa:?} merged {sb:?}: ours {got:?}, rez {want:?}"));
            }
        }
        let c = a.conflicts_with(&b);
        if Some(c) != item["conflicts"].as_bool() {
            diffs.push(format!("{sa:?} conflicts_with {sb:?}: ours {c}"));
        }
    }

    println!(
        "conformance: {nversions} versions, {nvparse} version strings, {nranges} ranges \
         ({nvalid} valid), {nops} range-op pairs, {nreqs} requirements, {nmerges} merges; \
         {checks} checks, {} differences",
        diffs.len()
    );
    for d in diffs.iter().take(20) {
        println!("  diff: {d}");
    }
    assert!(diffs.is_empty(), "{} differences with rez", diffs.len());
}
