//! Group 6: the heap block each contender allocates for one object, for a 4-byte and a 64-byte
//! payload, read off the `Layout` a counting global allocator is asked for. Not a timing: it
//! prints a table (under `cargo bench` and `cargo test --benches` alike).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::com_peer::{ComPeer, ComPeer64};
use common::{Body, Body64, FloorPtr, IWcProgress, WcPeer, WcPeer64};
use mapisync::ProgressCallback;

/// Counts allocations, and adds up their sizes, while `COUNTING` is set.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to `System` unchanged; the counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: the caller's guarantees are `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (allocations, bytes) that making one object with `make` takes; the object is then dropped.
fn measure<T>(make: impl FnOnce() -> T) -> (usize, usize) {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    BYTES.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let object = black_box(make());
    COUNTING.store(false, Ordering::Relaxed);
    drop(object);
    (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    )
}

/// What one object of a contender costs: (allocations, bytes) for each payload.
struct Row {
    contender: &'static str,
    four: (usize, usize),
    sixty_four: Option<(usize, usize)>,
}

fn main() {
    let rows = [
        Row {
            contender: "mapisync (ProgressCallback::new)",
            four: measure(|| ProgressCallback::new(Body::default())),
            sixty_four: Some(measure(|| ProgressCallback::new(Body64::default()))),
        },
        Row {
            contender: "windows-core 0.100 (#[implement], .into())",
            four: measure(|| -> IWcProgress { WcPeer::default().into() }),
            sixty_four: Some(measure(|| -> IWcProgress { WcPeer64::default().into() })),
        },
        Row {
            contender: "com 0.6 (class!, allocate)",
            four: measure(|| ComPeer::allocate(Default::default())),
            sixty_four: Some(measure(|| ComPeer64::allocate(Default::default()))),
        },
        Row {
            contender: "Arc::new",
            four: measure(|| Arc::new(Body::default())),
            sixty_four: Some(measure(|| Arc::new(Body64::default()))),
        },
        Row {
            contender: "hand-written floor",
            four: measure(FloorPtr::new),
            sixty_four: None,
        },
    ];
    let cell = |(allocations, bytes): (usize, usize), payload: usize| match allocations {
        1 => format!("{bytes} (+{})", bytes - payload),
        n => format!("{bytes} in {n} allocations"),
    };
    println!("object size: bytes allocated per object (+ overhead over the payload)");
    println!(
        "{:44} {:>16} {:>16}",
        "contender", "4-byte payload", "64-byte payload"
    );
    for row in rows {
        let big = row.sixty_four.map_or("-".to_string(), |m| cell(m, 64));
        println!("{:44} {:>16} {:>16}", row.contender, cell(row.four, 4), big);
    }
}
