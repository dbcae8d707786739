//! The binary's allocator: mimalloc, asked for a plain `mi_malloc` where the alignment is one
//! every mimalloc block has.
//!
//! The `mimalloc` crate's `MiMalloc` passes every allocation to `mi_malloc_aligned`, whose fast
//! path needs a free block in a page of the size class; when the page has none (often: the
//! solver frees and allocates in bursts), it falls to the generic path and, for a size that is
//! not a power of two, to over-allocation. By callgrind on 8 benchmark resolves the aligned
//! entry points cost 8 % of all instructions. Rust's own `System` allocator makes the same
//! choice: `malloc` when the alignment is at most the platform's minimum and at most the size.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_int, c_long, c_void};

/// mimalloc's `mi_option_purge_delay` in the `mi_option_t` of the mimalloc that
/// `libmimalloc-sys` 0.1.49 builds (v3; the crate names no constant for it). Checked by a test.
const MI_OPTION_PURGE_DELAY: c_int = 15;

#[allow(unsafe_code)]
unsafe extern "C" {
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
    fn mi_option_set(option: c_int, value: c_long);
}

/// Keeps the memory the process frees for its own later allocations, where mimalloc would hand
/// it back to the system a second after (`purge_delay`, 1,000 ms in this build), unless `MIMALLOC_PURGE_DELAY` says
/// otherwise. A command that frees a structure and builds the next (a resolve per request) had
/// every page faulted and zeroed anew: 15 k page faults over the 188 benchmark resolves, 190
/// kept, for 71 MB of peak memory against 76 MB.
pub fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options, which it reads atomically.
        #[allow(unsafe_code)]
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, -1)
        }
    }
}

/// The alignment every mimalloc block of at least this size has (`MI_MAX_ALIGN_SIZE`); smaller
/// blocks are aligned to their size class, a multiple of the pointer size.
const MIN_ALIGN: usize = 16;

/// Whether `layout` needs no more than `mi_malloc` gives any block of its size.
fn plain(layout: &Layout) -> bool {
    layout.align() <= size_of::<usize>()
        || (layout.align() <= MIN_ALIGN && layout.align() <= layout.size())
}

/// mimalloc, `mi_malloc` where that is aligned enough, `mi_malloc_aligned` otherwise.
pub struct Allocator;

// SAFETY: each function passes its arguments to the mimalloc function of the same contract
// (`mi_malloc` or `mi_malloc_aligned` and their `zalloc`/`realloc` forms); `plain` chooses the
// unaligned forms only where mimalloc's blocks already have the alignment asked for, and a
// block is freed or reallocated with the same choice it was allocated with (the layout's
// alignment does not change).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match plain(&layout) {
            true => unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 },
            false => unsafe {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            },
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match plain(&layout) {
            true => unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 },
            false => unsafe {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            },
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, layout.align());
        match new.is_ok_and(|new| plain(&new)) {
            true => unsafe { libmimalloc_sys::mi_realloc(ptr as *mut c_void, new_size) as *mut u8 },
            false => unsafe {
                libmimalloc_sys::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align())
                    as *mut u8
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set is mimalloc's purge delay: its default (1,000 ms) is read there, and a
    /// neighbour's (`use_numa_nodes`, 0) beside it.
    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads mimalloc options.
        let (delay, numa) = unsafe {
            (
                mi_option_get(MI_OPTION_PURGE_DELAY),
                mi_option_get(MI_OPTION_PURGE_DELAY + 1),
            )
        };
        assert!(delay == 1000 || delay == -1, "{delay}");
        assert_eq!(numa, 0);
        keep_freed_memory();
        // SAFETY: as above.
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, -1);
    }

    /// Every block is aligned as asked, across sizes, alignments and reallocations.
    #[test]
    #[allow(unsafe_code)]
    fn blocks_are_aligned_as_asked() {
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 12, 16, 24, 40, 100, 1000, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; freed with its layout below.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(
                        !p.is_null() && (p as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    p.write_bytes(7, size);
                    let q = a.realloc(p, layout, size * 3 + 1);
                    assert!(
                        !q.is_null() && (q as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    assert_eq!(*q, 7);
                    a.dealloc(q, Layout::from_size_align(size * 3 + 1, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert!((z as usize).is_multiple_of(align) && *z.add(size - 1) == 0);
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
