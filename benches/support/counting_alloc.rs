//! A global allocator that counts the bytes allocated, so a bench can print memory per call
//! beside its times. Included by the bench binaries with `#[path]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the bytes allocated, to print memory per call beside the times.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// The one reviewed use of `unsafe` in the benches: forwarding to the system allocator.
#[allow(unsafe_code)]
// SAFETY: every method forwards unchanged to `System`, which upholds the contract; counting
// is an atomic add.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes `f` allocates in one call.
pub(crate) fn allocated<T>(f: impl FnOnce() -> T) -> usize {
    let before = ALLOCATED.load(Ordering::Relaxed);
    black_box(f());
    ALLOCATED.load(Ordering::Relaxed) - before
}
