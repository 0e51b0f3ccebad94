//! Models of the reference count and the object block under [loom], which runs each one under
//! every interleaving of its threads and every outcome the C++11 memory model allows for its
//! atomics (`src/core/atomics.rs` swaps them in under `cfg(loom)`); the same
//! count seen through a real class's vtable is modelled in `src/interfaces/loom_tests.rs`.
//!
//! What they prove, for the threads and operations each models:
//!
//! - exactly one `Release` sees the count reach zero, whatever AddRef, Release and
//!   QueryInterface race with it, spares given back in one step included;
//! - every use of the object through any reference happens-before its value is dropped (the
//!   value's data lives in a `loom::cell::UnsafeCell`, so a read not ordered before the drop's
//!   write is reported as a data race: this is what a Relaxed decrement or a missing Acquire fence
//!   would cause);
//! - an overflowing or over-released count pins instead of wrapping or freeing twice, also when
//!   the pin races other AddRefs and Releases.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test --lib loom_tests -- --nocapture`; each model
//! prints how many interleavings it explored.

use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::refcount::{RefCount, Released, MAX_COUNT, PINNED};

/// Runs `model` under loom and prints how many interleavings loom explored.
pub(crate) fn check(name: &str, model: impl Fn() + Sync + Send + 'static) {
    let runs = std::sync::Arc::new(StdAtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&runs);
    loom::model(move || {
        counter.fetch_add(1, StdOrdering::Relaxed);
        model();
    });
    println!(
        "loom model {name}: {} interleavings explored",
        runs.load(StdOrdering::Relaxed)
    );
}

// ---- The count on its own -------------------------------------------------------------------

/// A count and the data it guards, freed by whoever takes the count to zero, as the object block
/// is.
struct Block {
    count: RefCount,
    data: UnsafeCell<u32>,
}

/// A raw pointer to a `Block`, sent to another thread as a reference that thread owns.
struct Owned(*const Block);

// SAFETY: the pointer stands for one counted reference, which the receiving thread gives up with
// `use_then_release`; `Block` is only reached through its atomic count and loom's checked cell.
unsafe impl Send for Owned {}

/// Reads the data through the reference `block` owns, then releases it; frees the block (writing
/// its data first, as a destructor would) if that was the last reference. True if it was.
fn use_then_release(block: Owned) -> bool {
    let block = block.0;
    // SAFETY: `block` owns a reference, so the block is alive until the release below.
    let count = unsafe { &(*block).count };
    // SAFETY: as above; loom reports a read that races the destructor's write.
    let value = unsafe { (*block).data.with(|p| *p) };
    assert_eq!(value, 7, "the data is intact while a reference is held");
    match count.release() {
        Released::Last => {
            // SAFETY: the count reached zero: this thread holds the only access to the block,
            // which `new_block` allocated as a Box.
            let owned = unsafe { Box::from_raw(block.cast_mut()) };
            // The "destructor" writes: loom checks every other thread's read happened before.
            owned.data.with_mut(|p| {
                // SAFETY: exclusive access, as above.
                unsafe { *p = 0 }
            });
            drop(owned);
            true
        }
        Released::Alive(n) => {
            assert!(n >= 1);
            false
        }
        Released::Pinned => panic!("a balanced count was pinned"),
    }
}

/// [`use_then_release`] on a new thread, counting in `frees` whether that freed the block.
fn release_on_another_thread(block: Owned, frees: &Arc<AtomicUsize>) -> thread::JoinHandle<()> {
    let frees = Arc::clone(frees);
    thread::spawn(move || {
        if use_then_release(block) {
            frees.fetch_add(1, Ordering::Relaxed);
        }
    })
}

/// Releases `block` on this thread, joins `threads`, and asserts that the block was freed exactly
/// once (counted in `frees`, this thread's release included).
fn release_join_freed_once(
    block: Owned,
    frees: &AtomicUsize,
    threads: impl IntoIterator<Item = thread::JoinHandle<()>>,
) {
    if use_then_release(block) {
        frees.fetch_add(1, Ordering::Relaxed);
    }
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(frees.load(Ordering::Relaxed), 1, "freed exactly once");
}

/// A new block holding `references` references, all the caller's to hand out.
fn new_block(references: u32) -> *const Block {
    Box::into_raw(Box::new(Block {
        count: RefCount::at(references),
        data: UnsafeCell::new(7),
    }))
}

#[test]
fn the_last_release_on_any_thread_frees_once_after_every_use() {
    check("refcount: 3 threads release, one frees", || {
        // Ours, and one for each thread.
        let block = new_block(3);
        let frees = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| release_on_another_thread(Owned(block), &frees))
            .collect();
        release_join_freed_once(Owned(block), &frees, threads);
    });
}

#[test]
fn spares_given_back_racing_the_last_other_release_free_once_after_every_use() {
    check(
        "refcount: a holder gives back its spares and its own while another thread releases",
        || {
            let block = new_block(1);
            // SAFETY: we hold the first reference.
            let count = unsafe { &(*block).count };
            // The holder's spares, then a reference for the other thread.
            count.add_many(4);
            assert_eq!(count.add_ref(), 6);
            let frees = Arc::new(AtomicUsize::new(0));
            let t = release_on_another_thread(Owned(block), &frees);
            // The holder reads the data through its own reference, gives back its spares (never
            // the last reference), then its own.
            // SAFETY: we hold a reference.
            let value = unsafe { (*block).data.with(|p| *p) };
            assert_eq!(value, 7);
            count.release_spares(4);
            release_join_freed_once(Owned(block), &frees, [t]);
        },
    );
}

#[test]
fn add_ref_racing_release_keeps_the_object_alive() {
    check(
        "refcount: AddRef/Release pairs race the owner's Release",
        || {
            // Ours, and the other thread's.
            let block = new_block(2);
            let frees = Arc::new(AtomicUsize::new(0));
            let mine = Owned(block);
            let frees2 = Arc::clone(&frees);
            let t = thread::spawn(move || {
                let block = mine.0;
                // A temporary reference made from ours, as a clone or a QueryInterface does.
                // SAFETY: `mine` owns a reference.
                let count = unsafe { &(*block).count };
                let n = count.add_ref();
                assert!((2..=3).contains(&n), "AddRef returned {n}");
                assert!(!use_then_release(Owned(block)), "ours is still held");
                if use_then_release(Owned(block)) {
                    frees2.fetch_add(1, Ordering::Relaxed);
                }
            });
            release_join_freed_once(Owned(block), &frees, [t]);
        },
    );
}

/// A count of one whose last `Release`, here, races `op` on another thread: the count after both,
/// what the `Release` saw and what `op` returned.
fn race_the_last_release<R: Send + 'static>(
    op: fn(&RefCount) -> R,
) -> (Arc<RefCount>, Released, R) {
    let count = Arc::new(RefCount::at(1));
    let other = Arc::clone(&count);
    let t = thread::spawn(move || op(&other));
    let released = count.release();
    (count, released, t.join().unwrap())
}

#[test]
fn an_over_release_racing_the_last_release_reports_last_once() {
    check("refcount: a stray Release races the last one", || {
        let (count, here, there) = race_the_last_release(RefCount::release);
        let lasts = [here, there]
            .iter()
            .filter(|r| **r == Released::Last)
            .count();
        assert_eq!(lasts, 1, "{here:?} {there:?}");
        assert!(here == Released::Pinned || there == Released::Pinned);
        assert_eq!(count.get(), PINNED);
    });
}

#[test]
fn add_ref_at_zero_never_resurrects() {
    check("refcount: AddRef races the last Release", || {
        let (count, released, added) = race_the_last_release(RefCount::add_ref);
        match released {
            // The count hit zero first: the late AddRef must not bring it back.
            Released::Last => {
                assert_eq!(added, PINNED);
                assert_eq!(count.get(), PINNED);
                assert_eq!(count.release(), Released::Pinned);
            }
            // The AddRef came first: an ordinary hand-over.
            Released::Alive(1) => {
                assert_eq!(added, 2);
                assert_eq!(count.release(), Released::Last);
            }
            other => panic!("{other:?} (AddRef returned {added})"),
        }
    });
}

#[test]
fn overflow_pins_even_when_racing_releases() {
    check("refcount: AddRefs race past MAX_COUNT", || {
        let count = Arc::new(RefCount::at(MAX_COUNT - 1));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let count = Arc::clone(&count);
                thread::spawn(move || {
                    let added = count.add_ref();
                    let released = count.release();
                    assert_ne!(released, Released::Last, "a huge count never reaches zero");
                    (added, released)
                })
            })
            .collect();
        let seen: Vec<(u32, Released)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let added: Vec<u32> = seen.iter().map(|s| s.0).collect();
        let end = count.get();
        if added.contains(&PINNED) {
            assert_eq!(end, PINNED, "once pinned, pinned for good: {seen:?}");
        } else {
            assert_eq!(end, MAX_COUNT - 1);
        }
    });
}
