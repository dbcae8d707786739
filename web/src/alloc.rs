//! A per-thread cache of small blocks in front of the threaded build's allocator.
//!
//! Rust's allocator for wasm32 with atomics is dlmalloc behind one global lock: every
//! allocation of every worker takes it, and parsing allocates a lot of small strings. On 2
//! workers in Chromium, the threaded build parsed the rez benchmark repository slower than the
//! single-thread one (438 ms against 272 ms); with this cache, 237 ms. This cache keeps freed blocks of up to
//! [`MAX_SMALL`] bytes in per-thread free lists, by size class, so most allocations never
//! touch the lock.
//!
//! The cache serves memory that is freed soon after it is allocated, on any thread (a parse's
//! scratch, a record summarised or serialised in the job that parsed it). Memory that piles up
//! live does not fit in it: when a batch of 18,226 rez records was collected before being
//! mapped, about 680,000 allocations and as many frees of each parse went to the global lock
//! (counted), and 2 workers parsed slower than 1. Batch paths therefore map each record in the
//! job that parsed it (`parse_batch_linked_map`).
//!
//! - Small blocks are always allocated from the global allocator rounded up to their class
//!   size (with alignment [`ALIGN`]), so any freed block of a class can serve any request of
//!   that class, on any thread: a block freed on another thread joins that thread's cache.
//! - Blocks of up to 16 KiB are cached. Each list holds at most [`CAP_BYTES`] of blocks; beyond that, blocks go back to the
//!   global allocator. Larger or more aligned blocks go straight to it.
//! - The lists live in `#[thread_local]`-backed statics with constant initialisers and no
//!   destructors, so the cache never allocates itself.

// An allocator is unsafe code by nature; this is the crate's only unsafe module.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr;

/// Size classes are multiples of this, and it is the alignment of every small block.
const ALIGN: usize = 16;
/// The largest size served from the cache.
const MAX_SMALL: usize = 16384;
const CLASSES: usize = MAX_SMALL / ALIGN;
/// The most bytes kept per class and thread (and at least [`MIN_CAP`] blocks): at most
/// 1,024 classes x 64 KiB = 64 MiB cached per thread (in practice a few classes hold blocks).
const CAP_BYTES: usize = 64 * 1024;
const MIN_CAP: u32 = 2;

/// The most blocks kept in the list of class `c`.
fn cap(c: usize) -> u32 {
    ((CAP_BYTES / ((c + 1) * ALIGN)) as u32).max(MIN_CAP)
}

/// A free block: the next free block of its list is stored in its first word.
struct FreeList {
    head: Cell<*mut u8>,
    len: Cell<u32>,
}

impl FreeList {
    const fn empty() -> FreeList {
        FreeList {
            head: Cell::new(ptr::null_mut()),
            len: Cell::new(0),
        }
    }
}

thread_local! {
    static LISTS: [FreeList; CLASSES] = const { [const { FreeList::empty() }; CLASSES] };
}

/// The class of a small layout, or `None` for one the cache does not serve.
fn class(layout: Layout) -> Option<usize> {
    if layout.size() == 0 || layout.size() > MAX_SMALL || layout.align() > ALIGN {
        return None;
    }
    Some((layout.size() - 1) / ALIGN)
}

/// The layout every block of class `c` has in the global allocator.
fn class_layout(c: usize) -> Layout {
    // Sizes and alignment are small powers-of-two multiples: this cannot fail.
    Layout::from_size_align((c + 1) * ALIGN, ALIGN).unwrap_or(Layout::new::<u8>())
}

/// The allocator: [`System`] with per-thread caches of small blocks.
pub struct ThreadCache;

unsafe impl GlobalAlloc for ThreadCache {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else {
            return unsafe { System.alloc(layout) };
        };
        let cached = LISTS
            .try_with(|lists| {
                let list = &lists[c];
                let head = list.head.get();
                if head.is_null() {
                    return head;
                }
                // SAFETY: a cached block is at least ALIGN bytes, aligned, and holds the next
                // pointer written by `dealloc`.
                list.head.set(unsafe { head.cast::<*mut u8>().read() });
                list.len.set(list.len.get() - 1);
                head
            })
            .unwrap_or(ptr::null_mut());
        if cached.is_null() {
            unsafe { System.alloc(class_layout(c)) }
        } else {
            cached
        }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(c) = class(layout) else {
            return unsafe { System.dealloc(block, layout) };
        };
        let kept = LISTS
            .try_with(|lists| {
                let list = &lists[c];
                if list.len.get() >= cap(c) {
                    return false;
                }
                // SAFETY: the block is ours again, at least ALIGN bytes and aligned.
                unsafe { block.cast::<*mut u8>().write(list.head.get()) };
                list.head.set(block);
                list.len.set(list.len.get() + 1);
                true
            })
            .unwrap_or(false);
        if !kept {
            unsafe { System.dealloc(block, class_layout(c)) }
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new_layout)) {
            // Both large: the global allocator may grow in place.
            (None, None) => unsafe { System.realloc(block, layout, new_size) },
            // The same class: the block already has room.
            (Some(a), Some(b)) if a == b => block,
            _ => {
                let fresh = unsafe { self.alloc(new_layout) };
                if !fresh.is_null() {
                    unsafe {
                        ptr::copy_nonoverlapping(block, fresh, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                }
                fresh
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Random allocations, reallocations and frees on several threads, blocks handed between
    /// threads, every block's content checked before it is freed.
    #[test]
    fn blocks_keep_their_content_across_threads_and_classes() {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, usize, u8)>();
        let workers: Vec<_> = (0..4u64)
            .map(|seed| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
                    for step in 0..20_000 {
                        if live.is_empty() || rng.random_bool(0.55) {
                            let size = rng.random_range(1..6000);
                            let align = [1, 2, 8, 16, 32][rng.random_range(0..5)];
                            let layout = Layout::from_size_align(size, align).unwrap();
                            let block = unsafe { ThreadCache.alloc(layout) };
                            assert!(!block.is_null() && (block as usize).is_multiple_of(align));
                            let fill = (step % 251) as u8;
                            unsafe { block.write_bytes(fill, size) };
                            live.push((block, layout, fill));
                        } else {
                            let i = rng.random_range(0..live.len());
                            let (block, layout, fill) = live.swap_remove(i);
                            let bytes = unsafe { std::slice::from_raw_parts(block, layout.size()) };
                            assert!(bytes.iter().all(|&b| b == fill));
                            if rng.random_bool(0.3) {
                                let new_size = rng.random_range(1..6000);
                                let grown = unsafe { ThreadCache.realloc(block, layout, new_size) };
                                let kept = layout.size().min(new_size);
                                let bytes = unsafe { std::slice::from_raw_parts(grown, kept) };
                                assert!(bytes.iter().all(|&b| b == fill));
                                let layout =
                                    Layout::from_size_align(new_size, layout.align()).unwrap();
                                unsafe { grown.write_bytes(fill, new_size) };
                                live.push((grown, layout, fill));
                            } else if rng.random_bool(0.2) {
                                // Freed on another thread.
                                tx.send((
                                    block as usize,
                                    layout.size() * 64 + layout.align(),
                                    fill,
                                ))
                                .unwrap();
                            } else {
                                unsafe { ThreadCache.dealloc(block, layout) };
                            }
                        }
                    }
                    for (block, layout, _) in live {
                        unsafe { ThreadCache.dealloc(block, layout) };
                    }
                })
            })
            .collect();
        drop(tx);
        for worker in workers {
            worker.join().unwrap();
        }
        for (block, packed, fill) in rx {
            let layout = Layout::from_size_align(packed / 64, packed % 64).unwrap();
            let bytes = unsafe { std::slice::from_raw_parts(block as *const u8, layout.size()) };
            assert!(bytes.iter().all(|&b| b == fill));
            unsafe { ThreadCache.dealloc(block as *mut u8, layout) };
        }
    }
}
