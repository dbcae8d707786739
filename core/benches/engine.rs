//! The parallel engine against plain rayon, and the serial threshold.
//!
//! - `cpu_*`: a CPU-bound map over 10,000 items: `ordered_map` (input order and completion
//!   order) against rayon's `par_iter().map().collect()` and a serial loop.
//! - `files_*`: read-and-parse of 2,000 small METADATA files written to a temporary folder.
//! - `threshold`: `parse_batch` serial against parallel on batches of 1 to 64 small files: the
//!   crossing point is the serial threshold recorded in `docs/decisions.md`.
//!
//! Run: `cargo bench -p pkglens-core --bench engine`.
#![allow(missing_docs)]

use divan::{black_box, Bencher};
use pkglens_core::parse_batch;
use pkglens_core::Input;
use pkglens_core::{ordered_map, Executor, Jobs, Order, OrderedOptions, Policy};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

fn main() {
    divan::main();
}

fn pool() -> Executor {
    static POOL: OnceLock<Executor> = OnceLock::new();
    POOL.get_or_init(|| Executor::for_jobs(Jobs::Exactly(2)).unwrap())
        .clone()
}

fn work(i: u64) -> u64 {
    // About 5 µs of arithmetic.
    (0..2_000u64).fold(i, |acc, k| {
        acc.wrapping_mul(6364136223846793005).wrapping_add(k)
    })
}

const CPU_ITEMS: u64 = 10_000;

#[divan::bench]
fn cpu_serial() -> Vec<u64> {
    (0..CPU_ITEMS).map(work).collect()
}

#[divan::bench]
fn cpu_rayon_collect() -> Vec<u64> {
    let Executor::Pool(p) = pool() else {
        unreachable!()
    };
    p.install(|| (0..CPU_ITEMS).into_par_iter().map(work).collect())
}

#[divan::bench(args = [16, 64, 256])]
fn cpu_ordered(window: usize) -> Vec<u64> {
    let options = OrderedOptions {
        window,
        executor: pool(),
        ..OrderedOptions::default()
    };
    ordered_map(0..CPU_ITEMS, work, options).collect()
}

#[divan::bench(args = [64])]
fn cpu_unordered(window: usize) -> Vec<u64> {
    let options = OrderedOptions {
        window,
        order: Order::Completion,
        executor: pool(),
        ..OrderedOptions::default()
    };
    ordered_map(0..CPU_ITEMS, work, options).collect()
}

fn metadata(i: usize) -> String {
    format!(
        "Metadata-Version: 2.1\nName: package-{i}\nVersion: 1.{i}.0\nSummary: package number {i}\n\
         Requires-Python: >=3.8\nRequires-Dist: requests>=2.{i}\nRequires-Dist: click<9,>=7\n\
         Requires-Dist: pytest; extra == \"test\"\nProvides-Extra: test\n\nA description.\n"
    )
}

/// 2,000 METADATA files in a temporary folder (kept for the whole run).
fn files() -> &'static [PathBuf] {
    static FILES: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    &FILES
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let paths = (0..2_000)
                .map(|i| {
                    let path = dir.path().join(format!("p{i:04}.dist-info-METADATA"));
                    std::fs::write(&path, metadata(i)).unwrap();
                    path
                })
                .collect();
            (dir, paths)
        })
        .1
}

fn read_parse(path: &PathBuf) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let name = path.to_string_lossy();
    let record =
        pkglens_core::parse_as(&Input::new(&name, &bytes), pkglens_core::Format::Metadata).unwrap();
    record.packages.len()
}

#[divan::bench]
fn files_serial() -> usize {
    files().iter().map(read_parse).sum()
}

#[divan::bench]
fn files_rayon_collect() -> usize {
    let Executor::Pool(p) = pool() else {
        unreachable!()
    };
    let counts: Vec<usize> = p.install(|| files().par_iter().map(read_parse).collect());
    counts.into_iter().sum()
}

#[divan::bench(args = [64, 256])]
fn files_ordered(window: usize) -> usize {
    let paths: Arc<[PathBuf]> = files().into();
    let options = OrderedOptions {
        window,
        executor: pool(),
        ..OrderedOptions::default()
    };
    ordered_map(0..paths.len(), move |i| read_parse(&paths[i]), options).sum()
}

fn batch(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| (format!("p{i}/METADATA"), metadata(i).into_bytes()))
        .collect()
}

#[divan::bench(args = [1, 2, 4, 8, 16, 32, 64])]
fn threshold_serial(bencher: Bencher, n: usize) {
    let owned = batch(n);
    let inputs: Vec<Input<'_>> = owned.iter().map(|(p, b)| Input::new(p, b)).collect();
    bencher.bench_local(|| parse_batch(black_box(&inputs), &Policy::serial()));
}

#[divan::bench(args = [1, 2, 4, 8, 16, 32, 64])]
fn threshold_parallel(bencher: Bencher, n: usize) {
    let owned = batch(n);
    let inputs: Vec<Input<'_>> = owned.iter().map(|(p, b)| Input::new(p, b)).collect();
    let mut policy = Policy::new(pool());
    policy.serial_items = 0;
    policy.serial_bytes = 0;
    bencher.bench_local(|| parse_batch(black_box(&inputs), &policy));
}

/// The consumer itself on a worker of the pool: waiting runs queued jobs instead of sleeping.
#[divan::bench(args = [64, 256])]
fn cpu_ordered_in_pool(window: usize) -> Vec<u64> {
    let executor = pool();
    let Executor::Pool(p) = executor.clone() else {
        unreachable!()
    };
    let options = OrderedOptions {
        window,
        executor,
        ..OrderedOptions::default()
    };
    p.install(|| ordered_map(0..CPU_ITEMS, work, options).collect())
}

#[divan::bench(args = [64, 256])]
fn files_ordered_in_pool(window: usize) -> usize {
    let paths: Arc<[PathBuf]> = files().into();
    let executor = pool();
    let Executor::Pool(p) = executor.clone() else {
        unreachable!()
    };
    let options = OrderedOptions {
        window,
        executor,
        ..OrderedOptions::default()
    };
    p.install(|| ordered_map(0..paths.len(), move |i| read_parse(&paths[i]), options).sum())
}
