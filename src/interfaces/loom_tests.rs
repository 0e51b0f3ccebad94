//! Loom models of a Rust-made object used through its interface pointer: the reference count of
//! `core` (see `src/core/loom_tests.rs`) seen through the vtable of a real class, with the value's
//! data watched by loom so that any use not ordered before the drop is reported as a data race.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test --lib loom_tests -- --nocapture`.

use core::ffi::c_void;
use core::ptr;

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use crate::abi::{self, IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown};
use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::loom_tests::check;
use crate::interfaces::progress_callback::{ProgressCallback, SyncProgress};
use widestring::U16CStr;

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
