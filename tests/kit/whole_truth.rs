//! The kit tells the whole truth: a panic in the provider's work and a call through a callback
//! the provider no longer holds are findings of their own, and neither is blamed on a provider
//! that did nothing wrong.

#[path = "../common/mod.rs"]
mod common;

use common::failure_of;
use std::time::Duration;

use mapisync::testing::{Severity, SyncRun, SyncTest};
use mapisync::{
    abi, Event, EventReset, HResult, Handle, MapiSync, ProgressCallback, Result, SyncProvider,
    SyncRequest, SyncWorker,
};

/// The codes of a run's verdict.
fn codes(run: &SyncRun) -> Vec<&'static str> {
    run.verdict().findings().iter().map(|f| f.code()).collect()
}

/// `Done(event, S_OK)` through a raw pointer, holding no reference of its own.
///
/// # Safety
///
/// `callback` is alive (someone holds a reference on it).
unsafe fn raw_done(callback: *mut abi::IMAPISyncProgressCallback, event: Handle) -> HResult {
    // SAFETY: the caller's guarantee; `Done` takes an opaque handle.
    HResult(unsafe { ((*(*callback).lpVtbl).Done)(callback, event.0, HResult::S_OK.0) })
}

/// Work that panics midway.
struct Panicking;
impl SyncProvider for Panicking {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            sync.progress(None, 1, 2)?;
            panic!("the parser met a folder it did not expect");
        })
    }
}

/// Work that reports `E_UNEXPECTED` itself, as a provider may.
struct Unexpected;
impl SyncProvider for Unexpected {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            sync.error_str(HResult::E_UNEXPECTED, "the server said something odd")?;
            Err(HResult::E_UNEXPECTED.into())
        })
    }
}

#[test]
fn a_panic_in_the_work_is_an_error_finding() {
    let run = SyncTest::new().run(&MapiSync::new(Panicking));
    assert_eq!(codes(&run), ["work_panicked"], "{}", run.verdict());
    let verdict = run.verdict();
    let finding = &verdict.findings()[0];
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding
            .what
            .contains("the parser met a folder it did not expect"),
        "{finding}"
    );
    let message = failure_of(|| run.assert_protocol());
    assert!(message.contains("error[work_panicked]: "), "{message}");
    run.assert_released();
}

#[test]
fn e_unexpected_reported_by_the_work_itself_is_no_panic() {
    let run = SyncTest::new().strict().run(&MapiSync::new(Unexpected));
    run.assert_protocol();
    run.assert_released();
    assert_eq!(run.report().final_status(), Some(HResult::E_UNEXPECTED));
}

/// A provider whose thread reports one Progress through its reference, then, if `release_first`,
/// lets go of it and calls `Done` through the raw pointer it kept aside.
struct ReleasesEarly {
    release_first: bool,
}

impl SyncProvider for ReleasesEarly {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let release_first = self.release_first;
        let callback: ProgressCallback = request.callback;
        std::thread::spawn(move || {
            // After SynchronizeInBackground has returned (before it, a call on the lent pointer
            // would be legal): the host marks its return a moment after the provider's.
            std::thread::sleep(Duration::from_millis(20));
            let _ = callback.progress(None, 1, 1);
            let raw = callback.as_raw();
            if release_first {
                drop(callback);
                // SAFETY: the host still holds its own reference: only the provider's is gone.
                unsafe { raw_done(raw, handle) };
            } else {
                // SAFETY: `callback` holds a reference until after the call.
                unsafe { raw_done(raw, handle) };
                drop(callback);
            }
            event.set();
        });
        Ok(handle)
    }
}

#[test]
fn a_call_after_the_last_release_is_an_error_finding() {
    let store = MapiSync::new(ReleasesEarly {
        release_first: true,
    });
    // A thread the machine's load kept from running for 20 ms could call before the host saw
    // the start return, which is legal: a few tries make the test independent of the load.
    let run = (0..5)
        .map(|_| SyncTest::new().run(&store))
        .find(|run| !codes(run).is_empty())
        .expect("a call after the last Release is found");
    assert_eq!(codes(&run), ["call_after_release"], "{}", run.verdict());
    let message = failure_of(|| run.assert_protocol());
    assert!(
        message.contains("error[call_after_release]: 1 call(s)"),
        "{message}"
    );
    assert!(message.contains("the first a Done"), "{message}");
    run.assert_released();
}

#[test]
fn the_same_calls_holding_a_reference_pass() {
    let run = SyncTest::new().strict().run(&MapiSync::new(ReleasesEarly {
        release_first: false,
    }));
    run.assert_protocol();
    run.assert_released();
}

/// A provider that does all its work inside `SynchronizeInBackground`, on the pointer the host
/// lent it, after letting go of the reference the request took.
struct AllDuringTheStart;
impl SyncProvider for AllDuringTheStart {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let raw = request.callback.as_raw();
        drop(request);
        // SAFETY: the host's pointer is valid for the whole call.
        unsafe { raw_done(raw, handle) };
        event.set();
        Ok(handle)
    }
}

#[test]
fn calls_during_the_start_on_the_lent_pointer_are_legal() {
    let run = SyncTest::new()
        .strict()
        .run(&MapiSync::new(AllDuringTheStart));
    run.assert_protocol();
    run.assert_released();
}

/// The calls a provider's thread makes, given the callback and the done event's handle.
type Body = fn(&ProgressCallback, Handle);

/// A provider whose thread makes the calls its [`Body`] makes, then signals its event.
struct Hand(Body);

impl SyncProvider for Hand {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let body = self.0;
        std::thread::spawn(move || {
            body(&request.callback, handle);
            drop(request);
            event.set();
        });
        Ok(handle)
    }
}

#[test]
fn what_the_checker_and_the_host_both_see_is_one_finding() {
    let cases: [(Body, &[&str]); 4] = [
        (
            |cb, event| {
                let _ = cb.done(event, HResult::S_OK);
                let _ = cb.done(event, HResult::S_OK);
            },
            &["done_repeated"],
        ),
        (|cb, _| drop(cb.progress(None, 1, 1)), &["done_missing"]),
        (
            |cb, _| drop(cb.done(Handle(0x4000 as *mut _), HResult::S_OK)),
            &["done_wrong_handle"],
        ),
        (
            |cb, event| {
                let _ = cb.done(event, HResult::S_OK);
                let _ = cb.progress(None, 1, 1);
            },
            &["call_after_done"],
        ),
    ];
    for (body, expected) in cases {
        let run = SyncTest::new().run(&MapiSync::new(Hand(body)));
        assert_eq!(codes(&run), expected, "{}", run.verdict());
    }
}
