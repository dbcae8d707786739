//! Times rez requirement parsing over every requirement of a rez repository (a profiling aid).
//! Usage: cargo run --release -p pkglens-core --example rez_req_timing -- REPO
#![allow(missing_docs)]
use pkglens_core::RezRequirement;
use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).expect("a rez repository");
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.ends_with("package.py") {
                files.push(std::fs::read(&path).unwrap());
            }
        }
    }
    let mut reqs = Vec::new();
    let t = Instant::now();
    for bytes in &files {
        let parsed = pkglens_core::parse_package_py(bytes).unwrap();
        for name in [
            "requires",
            "variants",
            "build_requires",
            "private_build_requires",
        ] {
            collect(parsed.get(name), &mut reqs);
        }
    }
    println!(
        "{} files parsed statically in {:?}",
        files.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let mut ok = 0;
    for r in &reqs {
        ok += usize::from(RezRequirement::parse(r).is_ok());
    }
    println!(
        "{} requirements ({} ok) parsed in {:?}",
        reqs.len(),
        ok,
        t.elapsed()
    );
    let t = Instant::now();
    let mut spec_len = 0;
    for r in &reqs {
        if let Ok(req) = RezRequirement::parse(r) {
            let range = req.written_range();
            spec_len += range.to_string().len();
        }
    }
    println!(
        "written_range + to_string in {:?} ({spec_len})",
        t.elapsed()
    );
    let t = Instant::now();
    for bytes in &files {
        let _ = pkglens_core::parse(&pkglens_core::Input::new("x/package.py", bytes));
    }
    println!("full records in {:?}", t.elapsed());
    let unique: std::collections::HashSet<&String> = reqs.iter().collect();
    println!("{} unique requirement strings", unique.len());
}

fn collect(value: Option<&pkglens_core::PyValue>, out: &mut Vec<String>) {
    use pkglens_core::PyValue;
    match value {
        Some(PyValue::Str(s)) => out.push(s.clone()),
        Some(PyValue::List(items)) | Some(PyValue::Tuple(items)) => {
            for item in items {
                collect(Some(item), out);
            }
        }
        _ => {}
    }
}
