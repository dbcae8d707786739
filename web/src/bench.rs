//! Benchmark-only exports (the `bench` cargo feature, which the published package leaves
//! out): what the threads do apart from parsing.

use crate::policy;
use wasm_bindgen::prelude::*;

/// A pure computation spread over the threads, for the benchmark: tells the pool's parallelism
/// apart from what parsing shares (the allocator). Returns a checksum.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchSpin)]
pub fn bench_spin(items: u32, work: u32) -> u32 {
    let items: Vec<u32> = (0..items).collect();
    let sums = pkglens_core::map_batch(&items, u64::MAX, &policy(), |&i| {
        let mut x = i.wrapping_mul(2_654_435_761);
        for _ in 0..work {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        x
    });
    sums.into_iter().fold(0, u32::wrapping_add)
}

/// Small allocations spread over the threads, for the benchmark: the allocator's share.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchAlloc)]
pub fn bench_alloc(items: u32, work: u32) -> u32 {
    let items: Vec<u32> = (0..items).collect();
    let sums = pkglens_core::map_batch(&items, u64::MAX, &policy(), |&i| {
        let mut kept: Vec<String> = Vec::new();
        for j in 0..work {
            kept.push(format!("{i}-{j}"));
            if kept.len() > 16 {
                kept.clear();
            }
        }
        kept.len() as u32
    });
    sums.into_iter().fold(0, u32::wrapping_add)
}
