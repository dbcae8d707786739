//! The parallel engine: how many things run at once, never what they do.
//!
//! Everything here uses rayon's pool and nothing else (no thread is spawned directly), so it
//! runs unchanged on native threads and on wasm web-worker threads.

mod argv;
mod batch;
mod ends;
mod ordered;
mod policy;
mod prefetch;

pub use argv::{known_arg_max, split_args, split_by_len, ArgLimits};
pub use batch::map_batch;
pub use ends::map_from_both_ends;
pub use ordered::{ordered_map, CancelFlag, Order, OrderedMap, OrderedOptions};
pub use policy::{Executor, Jobs, Policy, SERIAL_BYTES, SERIAL_ITEMS};
pub use prefetch::{prefetch_walk, serial_walk, PrefetchOptions, Prefetcher};

use rayon::prelude::*;
use std::sync::mpsc::{Receiver, TryRecvError};

/// Maps `items` in order, in parallel when called from a rayon worker (the caller's pool, so
/// `--jobs` holds and `--jobs 1` never starts a pool) and there are at least `2 * min_len`
/// items; on the calling thread otherwise. Parts of one large input (the lines of a 50,000-line
/// requirements file) use it; the result is the same either way.
pub(crate) fn map_in_pool<T: Sync, R: Send>(
    items: &[T],
    min_len: usize,
    map: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if rayon::current_thread_index().is_none() || items.len() < 2 * min_len.max(1) {
        return items.iter().map(map).collect();
    }
    items.par_iter().with_min_len(min_len).map(map).collect()
}

/// Receives one message, blocking. On a rayon worker thread, runs other rayon jobs while it
/// waits instead of blocking the worker (which could starve the pool). `None` when every sender
/// is gone.
pub(crate) fn recv_cooperative<T>(rx: &Receiver<T>) -> Option<T> {
    if rayon::current_thread_index().is_none() {
        return rx.recv().ok();
    }
    loop {
        match rx.try_recv() {
            Ok(message) => return Some(message),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    std::thread::yield_now();
                }
            }
        }
    }
}
