//! Real wheels and sdists against Python's reading of them.
//!
//! `PKGLENS_WHEELS_DIR`: folders (`:`-separated) of `*.whl` and sdists; `PKGLENS_WHEELS_JSON`: the output of
//! `conformance/wheel_metadata.py` over it. Skipped (with a printed line) when unset.

use pkglens_core::formats::sdist::parse_sdist;
use pkglens_core::formats::wheel::{parse_wheel, ByteRange, Step, WheelReader};
use pkglens_core::Record;
use serde_json::Value;
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

fn compare(file: &str, record: &Record, want: &Value, diffs: &mut Vec<String>) {
    let p = &record.packages[0];
    let mut check = |field: &str, got: Value, want: &Value| {
        if &got != want {
            diffs.push(format!("{file}: {field}: got {got}, python {want}"));
        }
    };
    check("name", Value::from(p.name.clone()), &want["name"]);
    check("version", Value::from(p.version.clone()), &want["version"]);
    let requires: Vec<Value> = p
        .requires
        .iter()
        .map(|r| Value::from(r.raw.clone()))
        .collect();
    check(
        "requires_dist",
        Value::Array(requires),
        &want["requires_dist"],
    );
    check(
        "requires_python",
        p.requires_python.clone().map_or(Value::Null, Value::from),
        &want["requires_python"],
    );
    let extras: Vec<Value> = p
        .provides_extra
        .iter()
        .map(|e| Value::from(e.clone()))
        .collect();
    check(
        "provides_extra",
        Value::Array(extras),
        &want["provides_extra"],
    );
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
    for path in &paths {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(want) = reference.get(&file) else {
            continue;
        };
        if file.ends_with(".whl") {
            let start = Instant::now();
            let (record, reads) = read_lazily(path);
            lazy_time += start.elapsed();
            assert_eq!(
                record.status,
                pkglens_core::Status::Ok,
                "{file}: {:?}",
                record.error
            );
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
            compare(&file, &record, want, &mut diffs);
            wheels += 1;
        } else {
            let whole = std::fs::read(path).unwrap();
            let start = Instant::now();
            let record = parse_sdist(path.to_str().unwrap(), &whole).unwrap();
            println!("{file}: sdist in {:?}", start.elapsed());
            compare(&file, &record, want, &mut diffs);
            sdists += 1;
        }
    }
    println!(
        "{wheels} wheels ({total_size} bytes, {bytes_read} read) in {lazy_time:?}, max {max_reads} reads per wheel; {sdists} sdists; {} differences",
        diffs.len()
    );
    for diff in &diffs {
        println!("DIFF {diff}");
    }
    assert!(wheels > 0);
    assert!(max_reads <= 3);
    assert!(diffs.is_empty());
}
