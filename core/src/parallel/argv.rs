//! Splitting a long argument list into command lines the OS accepts.
//!
//! A command line has two limits: the total size of arguments plus environment (`ARG_MAX`
//! on Unix, 32,767 UTF-16 units on Windows) and, on Linux, the size of one argument
//! (`MAX_ARG_STRLEN`, 128 KiB). Each argument costs its encoded length plus a separator (the
//! NUL terminator, or a space on Windows) plus, on Unix, one pointer in `argv`.
//!
//! Core cannot ask the OS; the native edge computes the real limit from `sysconf(ARG_MAX)` minus
//! the environment and a margin, and falls back to [`known_arg_max`] when it cannot.
//!
//! **Order** is kept: batches are consecutive ranges of the input. An argument that alone is
//! over the byte limit gets a batch of its own (the OS may still refuse it; splitting cannot
//! help it).

use std::ops::Range;

/// Limits for one command line's variable part (the arguments being batched).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgLimits {
    /// The most bytes the batched arguments may take, separators and pointers included.
    pub max_bytes: usize,
    /// The most arguments in one batch.
    pub max_items: usize,
    /// Bytes each argument costs on top of its encoded length.
    pub per_arg_overhead: usize,
}

impl ArgLimits {
    /// Limits of `max_bytes` and `max_items`, with the Unix overhead of a NUL and a pointer.
    pub fn new(max_bytes: usize, max_items: usize) -> Self {
        ArgLimits {
            max_bytes,
            max_items: max_items.max(1),
            per_arg_overhead: 1 + size_of::<usize>(),
        }
    }

    /// What one argument of `len` encoded bytes costs.
    pub fn cost(&self, len: usize) -> usize {
        len.saturating_add(self.per_arg_overhead)
    }
}

/// The documented `ARG_MAX` of known operating systems (by `std::env::consts::OS` name), used
/// when the real limit cannot be asked for.
pub fn known_arg_max(os: &str) -> usize {
    match os {
        // Linux: a quarter of the stack limit, at least 128 KiB; 2 MiB with the default 8 MiB stack.
        "linux" | "android" => 2 * 1024 * 1024,
        "macos" | "ios" => 1024 * 1024,
        "freebsd" | "dragonfly" => 512 * 1024,
        "openbsd" | "netbsd" => 256 * 1024,
        // CreateProcess: 32,767 UTF-16 units for the whole command line.
        "windows" => 32_767,
        // POSIX's minimum `_POSIX_ARG_MAX`.
        _ => 4096,
    }
}

/// Splits `args` into consecutive ranges, each within `limits`. `fixed` is the cost of the part
/// of the command line that every batch repeats (the program and its options).
pub fn split_args<S: AsRef<str>>(args: &[S], fixed: usize, limits: ArgLimits) -> Vec<Range<usize>> {
    split_by_len(args.iter().map(|a| a.as_ref().len()), fixed, limits)
}

/// [`split_args`] over encoded lengths, for arguments that are not `str` (OS strings, UTF-16).
pub fn split_by_len(
    lengths: impl IntoIterator<Item = usize>,
    fixed: usize,
    limits: ArgLimits,
) -> Vec<Range<usize>> {
    let budget = limits.max_bytes.saturating_sub(fixed);
    let mut batches = Vec::new();
    let mut start = 0;
    let mut used = 0;
    let mut end = 0;
    for len in lengths {
        let cost = limits.cost(len);
        let count = end - start;
        if count > 0 && (used + cost > budget || count >= limits.max_items) {
            batches.push(start..end);
            start = end;
            used = 0;
        }
        used += cost;
        end += 1;
    }
    if end > start {
        batches.push(start..end);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn limits(bytes: usize, items: usize) -> ArgLimits {
        ArgLimits {
            max_bytes: bytes,
            max_items: items,
            per_arg_overhead: 1,
        }
    }

    #[test]
    fn empty_input_has_no_batches() {
        assert!(split_args::<&str>(&[], 0, limits(10, 10)).is_empty());
    }

    #[test]
    fn bytes_are_counted_encoded_plus_separator() {
        // "é" is 2 bytes in UTF-8: each argument costs 3 with its separator.
        let args = ["é", "é", "é", "é"];
        assert_eq!(split_args(&args, 0, limits(6, 100)), vec![0..2, 2..4]);
        // "日本" is 6 bytes: cost 7. Two fit in 14, not in 13.
        let args = ["日本", "日本", "日本"];
        assert_eq!(split_args(&args, 0, limits(14, 100)), vec![0..2, 2..3]);
        assert_eq!(
            split_args(&args, 0, limits(13, 100)),
            vec![0..1, 1..2, 2..3]
        );
    }

    #[test]
    fn the_fixed_part_is_charged_to_every_batch() {
        let args = ["aaaa", "bbbb", "cccc"]; // cost 5 each
        assert_eq!(split_args(&args, 0, limits(10, 100)), vec![0..2, 2..3]);
        assert_eq!(
            split_args(&args, 1, limits(10, 100)),
            vec![0..1, 1..2, 2..3]
        );
    }

    #[test]
    fn item_limit_is_respected() {
        let args = ["a"; 7];
        assert_eq!(
            split_args(&args, 0, limits(1000, 3)),
            vec![0..3, 3..6, 6..7]
        );
    }

    #[test]
    fn an_oversized_argument_is_alone_in_its_batch() {
        let big = "x".repeat(100);
        let args = ["a", big.as_str(), "b", "c"];
        assert_eq!(
            split_args(&args, 0, limits(10, 100)),
            vec![0..1, 1..2, 2..4]
        );
        let args = [big.as_str(), big.as_str()];
        assert_eq!(split_args(&args, 0, limits(10, 100)), vec![0..1, 1..2]);
    }

    #[test]
    fn batches_cover_the_input_in_order_within_limits() {
        use rand::{rngs::StdRng, Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let n = rng.random_range(0..60);
            let alphabet = ["a", "é", "日", "🦀", "/tmp/x"];
            let args: Vec<String> = (0..n)
                .map(|_| {
                    (0..rng.random_range(0..8))
                        .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                        .collect()
                })
                .collect();
            let lim = limits(rng.random_range(1..80), rng.random_range(1..10));
            let fixed = rng.random_range(0..10);
            let batches = split_args(&args, fixed, lim);
            let mut next = 0;
            for batch in &batches {
                assert_eq!(batch.start, next);
                assert!(!batch.is_empty());
                assert!(batch.len() <= lim.max_items);
                let cost: usize = args[batch.clone()].iter().map(|a| lim.cost(a.len())).sum();
                assert!(
                    cost + fixed <= lim.max_bytes || batch.len() == 1,
                    "{batch:?}"
                );
                next = batch.end;
            }
            assert_eq!(next, args.len());
        }
    }

    #[test]
    fn known_limits() {
        assert_eq!(known_arg_max("linux"), 2 * 1024 * 1024);
        assert_eq!(known_arg_max("windows"), 32_767);
        assert_eq!(known_arg_max("plan9"), 4096);
    }
}
