//! Every panic boundary survives any payload, even one that panics again when it is dropped, and
//! the last Release frees the block without ever owning it as a whole while the value's
//! destructor runs. These tests also run under Miri (Stacked and Tree Borrows).

#[path = "../common/mod.rs"]
mod common;

use std::panic::panic_any;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{count, release, Call, DropHook, Recorder};
use mapisync::abi::{self, IMAPISyncProgressCallback};
use mapisync::{
    Event, HResult, Handle, MapiSync, ProgressCallback, Result, SyncFlags, SyncProgress,
    SyncProvider, SyncRequest, SyncWorker, U16CStr,
};

/// A panic payload whose drop panics again, `depth` times over: the last one panics with text.
struct Bomb(u32);

impl Drop for Bomb {
    fn drop(&mut self) {
        if self.0 > 0 {
            panic_any(Bomb(self.0 - 1));
        }
        panic!("a panic payload's destructor panicked");
    }
}

/// A callback whose every method panics with a `Bomb(depth)`.
struct Thrower {
    depth: u32,
}

impl SyncProgress for Thrower {
    fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
        panic_any(Bomb(self.depth))
    }
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        panic_any(Bomb(self.depth))
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        panic_any(Bomb(self.depth))
    }
}

#[test]
fn a_payload_that_panics_when_dropped_never_escapes_a_method() {
    for depth in [0, 1, 3] {
        let cb = ProgressCallback::new(Thrower { depth });
        let text = mapisync::U16CString::from_str("Inbox").unwrap();
        for _ in 0..2 {
            assert_eq!(
                cb.progress(None, 1, 2).unwrap_err().hresult(),
                HResult::E_UNEXPECTED
            );
            assert_eq!(
                cb.progress(Some(&text), 1, 2).unwrap_err().hresult(),
                HResult::E_UNEXPECTED
            );
            assert_eq!(
                cb.error(HResult::E_FAIL, None).unwrap_err().hresult(),
                HResult::E_UNEXPECTED
            );
            assert_eq!(
                cb.done(Handle::NULL, HResult::S_OK).unwrap_err().hresult(),
                HResult::E_UNEXPECTED
            );
        }
        assert_eq!(
            count(&cb),
            1,
            "the object stays usable, its count untouched"
        );
    }
}

#[test]
fn a_payload_that_panics_when_dropped_never_escapes_release() {
    for depth in [0, 1, 3] {
        let drops = Arc::new(AtomicUsize::new(0));
        // A callback whose destructor counts itself dropped, then panics with a `Bomb(depth)`.
        let counter = drops.clone();
        let cb = ProgressCallback::new(DropHook(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            panic_any(Bomb(depth));
        }));
        let raw = cb.into_raw();
        // SAFETY: `raw` carries the only reference, given up here.
        assert_eq!(unsafe { release(raw.cast()) }, 0);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}

/// A store whose work panics with a `Bomb(depth)`.
struct PanickingStore {
    depth: u32,
}

impl SyncProvider for PanickingStore {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let depth = self.depth;
        SyncWorker::spawn(request, move |_| panic_any(Bomb(depth)))
    }
}

#[test]
fn a_payload_that_panics_when_dropped_still_ends_the_worker_with_done() {
    for depth in [0, 1, 3] {
        let recorder = Recorder::default();
        let calls = recorder.calls.clone();
        let callback = ProgressCallback::new(recorder);
        let store = MapiSync::new(PanickingStore { depth });
        let done = store
            .synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &callback)
            .unwrap();
        let event = Event::from_handle(done).unwrap();
        event.wait();
        drop(event);
        Event::close_handle(done).unwrap();
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(
            matches!(&calls[0], Call::Error(hr, Some(_)) if *hr == HResult::E_UNEXPECTED),
            "{calls:?}"
        );
        assert_eq!(calls[1], Call::Done(done, HResult::E_UNEXPECTED));
    }
}

#[test]
fn a_destructor_may_release_its_own_object_once_too_often() {
    let me = Arc::new(AtomicPtr::<IMAPISyncProgressCallback>::new(
        std::ptr::null_mut(),
    ));
    let answer = Arc::new(AtomicU32::new(u32::MAX));
    let drops = Arc::new(AtomicUsize::new(0));
    // A callback that holds its own interface pointer and, when destroyed, releases it once
    // more: the documented over-release of a buggy object.
    let (mine, answered, counter) = (me.clone(), answer.clone(), drops.clone());
    let cb = ProgressCallback::new(DropHook(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let me = mine.load(Ordering::SeqCst);
        // SAFETY: the object is being destroyed, so this Release is one too many; the block is
        // still allocated while its value's destructor runs, and an over-release must pin the
        // count rather than free twice.
        answered.store(
            unsafe { release(me.cast::<abi::IUnknown>()) },
            Ordering::SeqCst,
        );
    }));
    me.store(cb.as_raw(), Ordering::SeqCst);
    cb.progress(None, 1, 1).unwrap();
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped exactly once");
    // The extra Release found the count at zero: pinned, not a second Last.
    assert_eq!(answer.load(Ordering::SeqCst), 0xC000_0000);
}

/// A store whose work panics with a message of `len` characters.
struct Verbose {
    len: usize,
}

impl SyncProvider for Verbose {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        // A two-unit character at every position, so that any cut could split a pair.
        let message = "📬".repeat(self.len);
        SyncWorker::spawn(request, move |_| panic!("{message}"))
    }
}

#[test]
fn a_panic_message_longer_than_the_bound_reaches_error_cut_to_fit() {
    let len = if cfg!(miri) {
        20_000
    } else {
        mapisync::MAX_TEXT_LEN
    };
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let callback = ProgressCallback::new(recorder);
    let store = MapiSync::new(Verbose { len });
    let done = store
        .synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &callback)
        .unwrap();
    Event::from_handle(done).unwrap().wait();
    Event::close_handle(done).unwrap();
    let calls = calls.lock().unwrap();
    let Call::Error(hr, Some(units)) = &calls[0] else {
        panic!("no Error with text first: {calls:?}");
    };
    assert_eq!(*hr, HResult::E_UNEXPECTED);
    assert!(units.len() <= mapisync::MAX_TEXT_LEN, "{}", units.len());
    let text = String::from_utf16(units).expect("no surrogate pair split");
    assert!(
        text.starts_with("the synchronization work panicked: 📬"),
        "{}",
        &text[..60]
    );
    assert!(text.ends_with('…'));
    assert_eq!(calls[1], Call::Done(done, HResult::E_UNEXPECTED));
}
