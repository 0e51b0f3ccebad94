//! Models of the reference count and the object block under [loom], which runs each one under
//! every interleaving of its threads and every outcome the C++11 memory model allows for its
//! atomics (`src/com/sync.rs` swaps them in under `cfg(loom)`).
//!
//! What they prove, for the threads and operations each models:
//!
//! - exactly one `Release` sees the count reach zero, whatever AddRef, Release and
//!   QueryInterface race with it;
//! - every use of the object through any reference happens-before its value is dropped (the
//!   value's data lives in a `loom::cell::UnsafeCell`, so a read not ordered before the drop's
//!   write is reported as a data race: this is what a Relaxed decrement or a missing Acquire fence
//!   would cause);
//! - an overflowing or over-released count pins instead of wrapping or freeing twice, also when
//!   the pin races other AddRefs and Releases.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test --lib com::loom_tests -- --nocapture`; each model
//! prints how many interleavings it explored.

use core::ffi::c_void;
use core::ptr;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::refcount::{RefCount, Released, MAX_COUNT, PINNED};
use crate::abi::{self, IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown};
use crate::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr};

/// Runs `model` under loom and prints how many interleavings loom explored.
fn check(name: &str, model: impl Fn() + Sync + Send + 'static) {
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

fn new_block() -> *const Block {
    Box::into_raw(Box::new(Block {
        count: RefCount::new(),
        data: UnsafeCell::new(7),
    }))
}

#[test]
fn the_last_release_on_any_thread_frees_once_after_every_use() {
    check("refcount: 3 threads release, one frees", || {
        let block = new_block();
        // Two more references, one for each thread, taken while ours keeps the block alive.
        // SAFETY: we hold the first reference.
        let count = unsafe { &(*block).count };
        assert_eq!(count.add_ref(), 2);
        assert_eq!(count.add_ref(), 3);
        let frees = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let mine = Owned(block);
                let frees = Arc::clone(&frees);
                thread::spawn(move || {
                    if use_then_release(mine) {
                        frees.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        if use_then_release(Owned(block)) {
            frees.fetch_add(1, Ordering::Relaxed);
        }
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(frees.load(Ordering::Relaxed), 1, "freed exactly once");
    });
}

#[test]
fn add_ref_racing_release_keeps_the_object_alive() {
    check(
        "refcount: AddRef/Release pairs race the owner's Release",
        || {
            let block = new_block();
            // SAFETY: we hold the first reference.
            let count = unsafe { &(*block).count };
            assert_eq!(count.add_ref(), 2);
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
            if use_then_release(Owned(block)) {
                frees.fetch_add(1, Ordering::Relaxed);
            }
            t.join().unwrap();
            assert_eq!(frees.load(Ordering::Relaxed), 1, "freed exactly once");
        },
    );
}

#[test]
fn an_over_release_racing_the_last_release_reports_last_once() {
    check("refcount: a stray Release races the last one", || {
        let count = Arc::new(RefCount::at(1));
        let other = Arc::clone(&count);
        let t = thread::spawn(move || other.release());
        let here = count.release();
        let there = t.join().unwrap();
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
        let count = Arc::new(RefCount::at(1));
        let other = Arc::clone(&count);
        let t = thread::spawn(move || other.add_ref());
        let released = count.release();
        let added = t.join().unwrap();
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

// ---- The object block, through its vtable ---------------------------------------------------

/// A value whose data loom watches, and which counts its drops.
struct Probe {
    data: UnsafeCell<u32>,
    drops: Arc<AtomicUsize>,
}

// SAFETY: `data` is only read through `&self` (and written once, in `drop`, with exclusive access);
// loom checks that every read happens-before that write.
unsafe impl Sync for Probe {}

impl SyncProgress for Probe {
    fn progress(&self, _: Option<&U16CStr>, index: u32, _: u32) -> Result<()> {
        // SAFETY: shared read; loom reports it if it races the drop.
        let value = self.data.with(|p| unsafe { *p });
        assert_eq!(value, 7);
        assert_eq!(index, 1);
        Ok(())
    }
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        Ok(())
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        Ok(())
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.data.with_mut(|p| {
            // SAFETY: `&mut self`: the last reference is gone.
            unsafe { *p = 0 }
        });
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

fn probe() -> (ProgressCallback, Arc<AtomicUsize>) {
    let drops = Arc::new(AtomicUsize::new(0));
    let callback = ProgressCallback::new(Probe {
        data: UnsafeCell::new(7),
        drops: Arc::clone(&drops),
    });
    (callback, drops)
}

#[test]
fn clone_call_query_and_drop_race_the_final_release() {
    check(
        "object: clone + Progress + QueryInterface + drop race",
        || {
            let (callback, drops) = probe();
            let theirs = callback.clone();
            let t = thread::spawn(move || {
                theirs.progress(None, 1, 1).unwrap();
                // QueryInterface (an AddRef) through the vtable, then its Release.
                // SAFETY: `theirs` holds a reference on a live object.
                let again = unsafe { ProgressCallback::from_unknown(theirs.as_unknown()) }.unwrap();
                assert_eq!(again.as_raw(), theirs.as_raw());
                drop(theirs);
                again.progress(None, 1, 1).unwrap();
            });
            callback.progress(None, 1, 1).unwrap();
            drop(callback);
            t.join().unwrap();
            assert_eq!(drops.load(Ordering::Relaxed), 1, "dropped exactly once");
        },
    );
}

/// The IUnknown slots of a live object.
fn unknown_vtbl<'a>(p: *mut abi::IUnknown) -> &'a abi::IUnknownVtbl {
    // SAFETY: the callers pass a pointer they hold a reference on; vtables are never written.
    unsafe { &*(*p).lpVtbl }
}

/// A raw interface pointer sent to another thread with the reference it carries.
struct Raw(*mut abi::IUnknown);

// SAFETY: Rust-made objects are free-threaded; the reference moves with the pointer.
unsafe impl Send for Raw {}

#[test]
fn raw_vtable_calls_from_two_threads_release_to_zero_once() {
    check(
        "object: raw QueryInterface/AddRef/Release from 2 threads",
        || {
            let (callback, drops) = probe();
            let raws: Vec<Raw> = (0..2)
                .map(|_| Raw(callback.clone().into_raw().cast()))
                .collect();
            drop(callback);
            let threads: Vec<_> = raws
                .into_iter()
                .map(|raw| {
                    thread::spawn(move || {
                        let p = raw.0;
                        let vtbl = unknown_vtbl(p);
                        let mut zeros = 0;
                        // A foreign IID: E_NOINTERFACE, NULL out, the count untouched.
                        let mut out: *mut c_void = core::ptr::NonNull::dangling().as_ptr();
                        // SAFETY: we hold a reference on `p`; `out` is writable.
                        let hr = unsafe { (vtbl.QueryInterface)(p, &IID_IMAPISync, &mut out) };
                        assert_eq!(HResult(hr), HResult::E_NOINTERFACE);
                        assert!(out.is_null());
                        // Identity: IUnknown and the own IID give back the same pointer, AddRef'd.
                        for iid in [IID_IUnknown, IID_IMAPISyncProgressCallback] {
                            let mut out: *mut c_void = ptr::null_mut();
                            // SAFETY: as above.
                            let hr = unsafe { (vtbl.QueryInterface)(p, &iid, &mut out) };
                            assert_eq!(HResult(hr), HResult::S_OK);
                            assert_eq!(out, p.cast());
                            // SAFETY: gives back the reference QueryInterface took.
                            let n = unsafe { (vtbl.Release)(out.cast()) };
                            assert!(n >= 1, "our own reference is still held: {n}");
                        }
                        // SAFETY: we hold a reference.
                        let n = unsafe { (vtbl.AddRef)(p) };
                        assert!((2..=4).contains(&n), "AddRef returned {n}");
                        for _ in 0..2 {
                            // SAFETY: gives back the AddRef's reference, then our own.
                            if unsafe { (vtbl.Release)(p) } == 0 {
                                zeros += 1;
                            }
                        }
                        zeros
                    })
                })
                .collect();
            let zeros: u32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
            assert_eq!(zeros, 1, "exactly one Release returned 0");
            assert_eq!(drops.load(Ordering::Relaxed), 1, "dropped exactly once");
        },
    );
}
