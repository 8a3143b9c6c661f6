//! The `gongkai` binary's memory allocator: mimalloc, asked through its plain entry
//! points.
//!
//! Cleaning a report makes about 2,300 allocations. The mimalloc crate's allocator
//! asks `mi_malloc_aligned` for every block, whose fast path costs about twice
//! `mi_malloc`'s, and which serves a block of 16-byte alignment whose size is not a
//! power of two by over-allocating (about 200 instructions a call; a cell's value is an
//! `i128`, so every vector of cells is such a block). This allocator asks `mi_malloc`
//! and `mi_realloc` for blocks of alignment up to 8, which mimalloc's blocks always
//! have (its own `mi_realloc_aligned` relies on it), and `mi_malloc` first for
//! alignment 16, checking the address: only a misaligned block (mimalloc does not
//! promise 16 bytes for every size) goes back, for the aligned entry point. Larger
//! alignments and the reallocation of 16-byte-aligned blocks keep the aligned entry
//! points.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc through `mi_malloc`, `mi_zalloc`, `mi_realloc` and `mi_free` where the
/// alignment allows (module documentation).
pub struct Mimalloc;

/// The alignment every mimalloc block has: its block sizes are multiples of a word.
const WORD: usize = std::mem::size_of::<usize>();

/// The largest alignment `mi_malloc` is asked for first.
const TRY_PLAIN: usize = 16;

fn is_aligned(p: *mut c_void, align: usize) -> bool {
    (p as usize) & (align - 1) == 0
}

/// A block of `layout` from `plain` where its address has the alignment, else from
/// `aligned` (the pair `mi_malloc`/`mi_malloc_aligned` or `mi_zalloc`/`mi_zalloc_aligned`).
///
/// # Safety
/// As [`GlobalAlloc::alloc`]: `layout` has a non-zero size.
#[inline]
unsafe fn block(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    let align = layout.align();
    if align <= TRY_PLAIN {
        // SAFETY: mimalloc's entry points take any size.
        let p = unsafe { plain(layout.size()) };
        // A null pointer (out of memory) is "aligned" and is passed on as such.
        if align <= WORD || is_aligned(p, align) {
            return p.cast();
        }
        // SAFETY: `p` came from mimalloc just now and is not handed out.
        unsafe { mi::mi_free(p) };
    }
    // SAFETY: `align` is a power of two, as every layout's is.
    unsafe { aligned(layout.size(), align) }.cast()
}

// SAFETY: every block comes from mimalloc and goes back to it; a block is handed out
// only when its address has the layout's alignment (a word by mimalloc's design,
// larger ones checked or asked for), and `mi_free` takes any block mimalloc made.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, as `block` needs.
        unsafe { block(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe { block(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr.cast());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The library's unit tests all run on this allocator.
    #[global_allocator]
    static ALLOC: Mimalloc = Mimalloc;

    fn fill(p: *mut u8, n: usize, seed: usize) {
        for i in 0..n {
            // SAFETY: `p` holds at least `n` bytes.
            unsafe { p.add(i).write((i * 31 + seed) as u8) };
        }
    }

    fn holds(p: *mut u8, n: usize, seed: usize) -> bool {
        // SAFETY: `p` holds at least `n` initialised bytes.
        (0..n).all(|i| unsafe { p.add(i).read() } == (i * 31 + seed) as u8)
    }

    #[test]
    fn blocks_are_aligned_sized_zeroed_and_kept_through_reallocation() {
        let sizes = (1..=300).chain([511, 512, 513, 1000, 1024, 1025, 4000, 70_000, 1 << 20]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: the layouts have non-zero sizes, and every block is freed
                // once, with the layout it was last given.
                unsafe {
                    // Several blocks at once, so that not every one is a page's first.
                    let held: Vec<*mut u8> = (0..3).map(|_| Mimalloc.alloc(layout)).collect();
                    for (k, &p) in held.iter().enumerate() {
                        assert!(!p.is_null() && p as usize % align == 0, "{size} {align}");
                        fill(p, size, k);
                    }
                    for (k, (&p, new)) in held
                        .iter()
                        .zip([size / 2 + 1, size, size * 3 + 7])
                        .enumerate()
                    {
                        assert!(holds(p, size, k));
                        let q = Mimalloc.realloc(p, layout, new);
                        assert!(
                            !q.is_null() && q as usize % align == 0,
                            "{size} {align} → {new}"
                        );
                        assert!(holds(q, size.min(new), k));
                        Mimalloc.dealloc(q, Layout::from_size_align(new, align).unwrap());
                    }
                    let z = Mimalloc.alloc_zeroed(layout);
                    assert!(!z.is_null() && z as usize % align == 0);
                    assert!((0..size).all(|i| z.add(i).read() == 0));
                    Mimalloc.dealloc(z, layout);
                }
            }
        }
    }
}
