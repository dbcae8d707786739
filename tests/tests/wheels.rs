//! Real wheels and sdists against Python's reading of them.
//!
//! `PKGLENS_WHEELS_DIR`: folders (`:`-separated) of `*.whl` and sdists; `PKGLENS_WHEELS_JSON`: the output of
//! `conformance/wheel_metadata.py` over it. Skipped (with a printed line) when unset.

use pkglens_core::parse_sdist;
use pkglens_core::ByteRange;
use pkglens_core::{parse_wheel, Step, WheelReader};
use pkglens_core::{Package, Record, Status};
use serde_json::{Map, Value};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

/// Reads a wheel lazily from the file, returning the record, the ranges read and the bytes.
fn read_lazily(path: &std::path::Path) -> (Record, Vec<ByteRange>) {
    let file = File::open(path).unwrap();
    let size = file.metadata().unwrap().len();
    let mut reader = WheelReader::new(path.to_str().unwrap(), size);
    let mut range = reader.first_read();
    let mut reads = Vec::new();
    loop {
        let mut buf = vec![0u8; range.len as usize];
        file.read_exact_at(&mut buf, range.start).unwrap();
        reads.push(range);
        match reader.feed(range, &buf) {
            Step::Read(next) => range = next,
            Step::Done(result) => return (result.unwrap(), reads),
        }
    }
}

/// The fields pkglens reports, in the shape `packaging.metadata.parse_email` gives them (absent
/// fields left out): `Keywords` split on commas, `Project-URL` a map from label to URL, as
/// packaging's `_parse_keywords` and `_parse_project_urls` do.
fn as_packaging(p: &Package) -> Map<String, Value> {
    let mut raw = Map::new();
    raw.insert("name".into(), Value::from(p.name.clone()));
    raw.insert("version".into(), Value::from(p.version.clone()));
    let optional = [
        ("summary", &p.summary),
        ("metadata_version", &p.metadata_version),
        ("requires_python", &p.requires_python),
        ("license_expression", &p.license_expression),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            raw.insert(key.into(), Value::from(value.clone()));
        }
    }
    let requires: Vec<String> = p.requires.iter().map(|r| r.raw.clone()).collect();
    let lists = [
        ("requires_dist", requires),
        ("provides_extra", p.provides_extra.clone()),
        ("dynamic", p.dynamic.clone()),
    ];
    for (key, values) in lists {
        if !values.is_empty() {
            raw.insert(key.into(), Value::from(values));
        }
    }
    for (key, value) in &p.extra {
        let value = match (key.as_str(), value) {
            ("keywords", Value::String(s)) => {
                Value::from(s.split(',').map(str::trim).collect::<Vec<_>>())
            }
            ("project_urls", Value::Array(pairs)) => {
                let mut urls = Map::new();
                for pair in pairs {
                    let pair = pair.as_str().unwrap();
                    let (label, url) = pair.split_once(',').unwrap_or((pair, ""));
                    urls.insert(label.trim().into(), Value::from(url.trim()));
                }
                Value::Object(urls)
            }
            _ => value.clone(),
        };
        raw.insert(key.clone(), value);
    }
    raw
}

/// Fields packaging reads that pkglens does not report.
const NOT_REPORTED: &[&str] = &[
    "description",
    "import_names",
    "import_namespaces",
    "obsoletes",
    "provides",
    "requires",
];

/// Compares every field pkglens reports with packaging's reading, and each `Requires-Dist`
/// with `packaging.requirements.Requirement`. Returns the number of fields compared.
fn compare(file: &str, record: &Record, want: &Value, diffs: &mut Vec<String>) -> usize {
    let p = &record.packages[0];
    let ours = as_packaging(p);
    let theirs = want["raw"].as_object().unwrap();
    let unparsed: Vec<&str> = want["unparsed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut compared = 0;
    for key in keys {
        if NOT_REPORTED.contains(&key.as_str()) {
            continue;
        }
        compared += 1;
        let (got, expected) = (ours.get(key), theirs.get(key));
        if got == expected {
            continue;
        }
        // A repeated single-valued field, or a repeated Project-URL label: packaging leaves
        // the field unparsed, pkglens keeps the first value (docs/decisions.md).
        if expected.is_none() && unparsed.iter().any(|u| u.replace('-', "_") == *key) {
            println!("{file}: {key}: unparsed by packaging, pkglens {got:?}");
            continue;
        }
        diffs.push(format!(
            "{file}: {key}: pkglens {got:?}, packaging {expected:?}"
        ));
    }
    let reqs = want["requirements"].as_array().unwrap();
    let rejected = reqs
        .iter()
        .filter(|r| r.as_str() == Some("rejected"))
        .count();
    let accepted: Vec<&Value> = reqs.iter().filter(|r| r.is_object()).collect();
    if (record.status == Status::Ok) != (rejected == 0) || p.requires.len() != accepted.len() {
        diffs.push(format!(
            "{file}: requirements: pkglens {} ok, status {:?}; packaging {} ok, {rejected} rejected",
            p.requires.len(),
            record.status,
            accepted.len()
        ));
        return compared;
    }
    for (r, want) in p.requires.iter().zip(accepted) {
        let mut extras = r.extras.clone(); // normalised by pep508_rs
        extras.sort();
        extras.dedup();
        let specifiers = pkglens_tests::sorted_specifiers(&r.spec);
        let want_specifiers: Vec<String> = want["specifiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().split_whitespace().collect())
            .collect();
        let parts = [
            ("name", Value::from(r.name.clone()), want["name"].clone()),
            ("extras", Value::from(extras), want["extras"].clone()),
            (
                "specifiers",
                Value::from(specifiers),
                Value::from(want_specifiers),
            ),
            ("url", Value::from(r.url.clone()), want["url"].clone()),
            (
                "marker",
                Value::from(r.marker.is_some()),
                want["marker"].clone(),
            ),
        ];
        for (what, got, expected) in parts {
            compared += 1;
            if got != expected {
                diffs.push(format!(
                    "{file}: Requires-Dist {:?}: {what}: pkglens {got}, packaging {expected}",
                    r.raw
                ));
            }
        }
    }
    compared
}

#[test]
fn real_wheels_match_python() {
    let (Ok(dir), Ok(json)) = (
        std::env::var("PKGLENS_WHEELS_DIR"),
        std::env::var("PKGLENS_WHEELS_JSON"),
    ) else {
        println!("skipped: set PKGLENS_WHEELS_DIR and PKGLENS_WHEELS_JSON");
        return;
    };
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let mut paths: Vec<_> = dir
        .split(':')
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut diffs = Vec::new();
    let (mut wheels, mut sdists, mut max_reads, mut bytes_read, mut total_size) =
        (0, 0, 0, 0u64, 0u64);
    let mut lazy_time = Duration::ZERO;
    let mut fields = 0;
    for path in &paths {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(want) = reference.get(&file) else {
            continue;
        };
        if file.ends_with(".whl") {
            let start = Instant::now();
            let (record, reads) = read_lazily(path);
            lazy_time += start.elapsed();
            if record.status != Status::Ok {
                println!("{file}: {:?}", record.error);
            }
            let read: u64 = reads.iter().map(|r| r.len).sum();
            let size = std::fs::metadata(path).unwrap().len();
            println!("{file}: {} reads, {read} of {size} bytes", reads.len());
            max_reads = max_reads.max(reads.len());
            bytes_read += read;
            total_size += size;
            // The in-memory convenience gives the same record.
            let whole = std::fs::read(path).unwrap();
            let in_memory = parse_wheel(path.to_str().unwrap(), &whole).unwrap();
            assert_eq!(in_memory, record, "{file}");
            fields += compare(&file, &record, want, &mut diffs);
            wheels += 1;
        } else {
            let whole = std::fs::read(path).unwrap();
            let start = Instant::now();
            let record = parse_sdist(path.to_str().unwrap(), &whole).unwrap();
            println!("{file}: sdist in {:?}", start.elapsed());
            fields += compare(&file, &record, want, &mut diffs);
            sdists += 1;
        }
    }
    println!(
        "{wheels} wheels ({total_size} bytes, {bytes_read} read) in {lazy_time:?}, max {max_reads} reads per wheel; {sdists} sdists; {fields} fields compared, {} differences",
        diffs.len()
    );
    for diff in &diffs {
        println!("DIFF {diff}");
    }
    assert!(wheels > 0);
    assert!(max_reads <= 3);
    assert!(diffs.is_empty());
}
