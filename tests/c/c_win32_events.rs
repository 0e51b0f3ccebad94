//! Kernel events between C and Rust, on Windows targets: a C host waits on and closes, with
//! `WaitForSingleObject` and `CloseHandle`, the done event of a Rust `SyncWorker`; the simulated
//! host drives a C store whose done event is its own `CreateEventW`.
#![cfg(windows)]

use core::ffi::c_void;

use mapisync::testing::{Expect, RecordingCallback, Script};
use mapisync::{
    Event, EventCloser, HResult, Handle, MapiSync, Result, SimulatedHost, SyncFlags, SyncProvider,
    SyncRequest, SyncWorker,
};
use mapisync_c_fixture::{self as fx, win32, Probe};

struct Three;

impl SyncProvider for Three {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=3 {
                sync.progress(None, i, 3)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn a_c_host_waits_on_and_closes_a_rust_workers_event() {
    let store = MapiSync::new(Three);
    let dialog = RecordingCallback::new(Script::new());
    let callback = dialog.callback();
    let mut report = fx::FixtureHostReport::default();
    // SAFETY: the store and the callback are live objects held for the call; `report` is ours.
    unsafe {
        fx::fixture_sync_host(
            store.as_unknown().cast(),
            fx::FIXTURE_SIB_GOOD,
            SyncFlags::DOWNLOAD_CONTENTS.bits(),
            core::ptr::null_mut(),
            callback.as_unknown().cast(),
            &mut report,
        )
    };
    assert_eq!(HResult(report.hr), HResult::S_OK);
    let event = report.done_event as *mut c_void;
    assert!(
        Event::is_open(Handle(event)),
        "mapisync made it and has not seen it closed"
    );
    // SAFETY: the handle was handed to the host, whose to wait on and close it is.
    let outcome = unsafe { win32::fixture_win32_wait_and_close(event, 30_000) };
    assert_eq!(outcome & 0xFFFF, 0, "WaitForSingleObject: WAIT_OBJECT_0");
    assert_ne!(
        outcome & win32::CLOSED,
        0,
        "CloseHandle succeeded: a kernel handle"
    );
    drop(callback);
    Expect::new()
        .progress(1..=3, 3)
        .done(HResult::S_OK)
        .assert_matches(&dialog.records());
    assert_eq!(dialog.outstanding_references(), 0);
    // A bare CloseHandle is invisible to mapisync's records: the handle still counts as open
    // there (docs/windows.md, "What is emulated where").
    assert!(Event::is_open(Handle(event)));
}

#[test]
fn the_simulated_host_drives_a_c_store_whose_event_is_its_own_create_event_w() {
    let probe = Probe::new();
    let store = probe.new_store();
    // SAFETY: `fixture_win32_event_new` has no preconditions.
    let event = unsafe { win32::fixture_win32_event_new() };
    assert!(!event.is_null());
    // SAFETY: `store` is live and ours; the signal function is `'static`; the event is the
    // store's to hand out.
    unsafe {
        fx::fixture_store_set_next_event(store, event);
        fx::fixture_store_set_signal(
            store,
            Some(win32::fixture_win32_event_set as fx::FixtureSignalFn),
        );
    }
    // SAFETY: a live C store, free-threaded, whose one reference we hand over.
    let store = unsafe { MapiSync::from_raw(store.cast()) };
    let dialog = RecordingCallback::new(Script::new());
    let report = SimulatedHost::new().run(&store, SyncFlags::DOWNLOAD_CONTENTS, dialog.callback());
    assert!(report.is_clean(), "{report}");
    assert_eq!(
        report.host_problems(),
        vec![],
        "no finding at all, warnings included: the event is the provider's own, not mapisync's"
    );
    assert_eq!(report.closer(), EventCloser::Host, "{report}");
    assert_eq!(report.done_event(), Handle(event));
    assert!(
        report.signalled(),
        "the host waited on the C store's own kernel event"
    );
    assert_eq!(report.closed(), Ok(()), "and closed it with CloseHandle");
    assert!(
        !Event::is_open(report.done_event()),
        "never in mapisync's records"
    );
    drop(store);
}
