//! Both sides of SynchronizeInBackground: MAPISIB validation, the worker's guarantees, the
//! simulated host, and the store's IUnknown rules.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Call, Recorder};
use mapisync::abi::{self, HANDLE, MAPISIB};
use mapisync::{
    Event, EventReset, HResult, Handle, HostProblem, MapiSync, ProgressCallback, Result,
    SimulatedHost, SyncFlags, SyncProvider, SyncRequest, SyncWorker, Unknown,
};

/// What a store saw of the requests that reached it.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    flags: Mutex<Vec<SyncFlags>>,
    sessions: Mutex<Vec<Option<*mut abi::IUnknown>>>,
}

// SAFETY: the raw session pointers are only compared, never dereferenced.
unsafe impl Send for Seen {}
// SAFETY: as above.
unsafe impl Sync for Seen {}

/// A store whose work is given by `work`; records what reaches it.
struct Store<W> {
    seen: Arc<Seen>,
    work: W,
}

impl<W> SyncProvider for Store<W>
where
    W: Fn(SyncRequest) -> Result<Handle> + Send + Sync + 'static,
{
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        self.seen.requests.fetch_add(1, Ordering::SeqCst);
        self.seen.flags.lock().unwrap().push(request.flags);
        self.seen
            .sessions
            .lock()
            .unwrap()
            .push(request.session.as_ref().map(Unknown::as_raw));
        (self.work)(request)
    }
}

fn store<W>(work: W) -> (MapiSync, Arc<Seen>)
where
    W: Fn(SyncRequest) -> Result<Handle> + Send + Sync + 'static,
{
    let seen = Arc::new(Seen::default());
    let store = MapiSync::new(Store {
        seen: Arc::clone(&seen),
        work,
    });
    (store, seen)
}

/// A store that reports `steps` progress calls and finishes with S_OK.
fn counting_store(steps: u32) -> (MapiSync, Arc<Seen>) {
    store(move |request| {
        SyncWorker::spawn(request, move |sync| {
            for i in 1..=steps {
                sync.progress(None, i, steps)?;
            }
            Ok(HResult::S_OK)
        })
    })
}

const SENTINEL: HANDLE = 0x5A5A_5A50 as HANDLE;

/// Calls slot 3 directly with `sib` (or a null pointer) and returns the HRESULT.
fn call_raw(store: &MapiSync, sib: *mut MAPISIB) -> HResult {
    let p = store.as_raw();
    // SAFETY: `store` holds a reference; `sib` is null or a valid MAPISIB the test built.
    HResult(unsafe { ((*(*p).lpVtbl).SynchronizeInBackground)(p, sib) })
}

fn good_sib(callback: &ProgressCallback, out: &mut HANDLE) -> MAPISIB {
    MAPISIB {
        ulSize: size_of::<MAPISIB>() as u32,
        ulFlags: SyncFlags::DOWNLOAD_CONTENTS.bits(),
        psesSync: ptr::null_mut(),
        punkCallBack: callback.as_unknown(),
        phSyncDoneEvent: out,
    }
}

#[test]
fn each_bad_mapisib_gets_its_hresult_and_nothing_is_written() {
    let (store, seen) = counting_store(1);
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let callback = ProgressCallback::new(recorder);
    // An object that does not answer IID_IMAPISyncProgressCallback: the store itself.
    let stranger = store.as_unknown();

    type Spoil = fn(&mut MAPISIB, *mut abi::IUnknown);
    let cases: [(&str, Spoil, HResult); 7] = [
        (
            "ulSize 0",
            |s, _| s.ulSize = 0,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        (
            "ulSize one short",
            |s, _| s.ulSize = size_of::<MAPISIB>() as u32 - 1,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        (
            "unknown flag bit",
            |s, _| s.ulFlags |= 0x4,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
        (
            "high unknown bit",
            |s, _| s.ulFlags = 0x8000_0000,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
        (
            "null punkCallBack",
            |s, _| s.punkCallBack = ptr::null_mut(),
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        (
            "punkCallBack without the interface",
            |s, stranger| s.punkCallBack = stranger,
            HResult::E_NOINTERFACE,
        ),
        (
            "null phSyncDoneEvent",
            |s, _| s.phSyncDoneEvent = ptr::null_mut(),
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
    ];
    for (name, spoil, expected) in cases {
        let mut out = SENTINEL;
        let mut sib = good_sib(&callback, &mut out);
        spoil(&mut sib, stranger);
        assert_eq!(call_raw(&store, &mut sib), expected, "{name}");
        assert_eq!(out, SENTINEL, "{name}: nothing may be written on failure");
    }
    assert_eq!(
        call_raw(&store, ptr::null_mut()),
        HResult::MAPI_E_INVALID_PARAMETER
    );
    assert_eq!(
        seen.requests.load(Ordering::SeqCst),
        0,
        "no bad request reaches the provider"
    );
    assert!(calls.lock().unwrap().is_empty());
}

#[test]
fn a_larger_ulsize_is_a_later_version_and_accepted() {
    #[repr(C)]
    struct Later {
        sib: MAPISIB,
        extension: [u64; 4],
    }
    let (store, seen) = counting_store(2);
    let callback = ProgressCallback::new(Recorder::default());
    let mut out = SENTINEL;
    let mut later = Later {
        sib: good_sib(&callback, &mut out),
        extension: [u64::MAX; 4],
    };
    later.sib.ulSize = size_of::<Later>() as u32;
    assert_eq!(call_raw(&store, &mut later.sib), HResult::S_OK);
    assert_ne!(out, SENTINEL);
    let event = Event::from_handle(Handle(out)).unwrap();
    assert!(event.wait_timeout(Duration::from_secs(30)));
    Event::close_handle(Handle(out)).unwrap();
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn every_flag_combination_of_known_bits_reaches_the_provider() {
    let (store, seen) = counting_store(0);
    let callback = ProgressCallback::new(Recorder::default());
    for flags in [
        SyncFlags::empty(),
        SyncFlags::all(),
        SyncFlags::HEADERS | SyncFlags::ON_DEMAND,
    ] {
        let handle = store
            .synchronize_in_background(flags, None, &callback)
            .unwrap();
        Event::from_handle(handle).unwrap().wait();
        Event::close_handle(handle).unwrap();
    }
    assert_eq!(
        *seen.flags.lock().unwrap(),
        vec![
            SyncFlags::empty(),
            SyncFlags::all(),
            SyncFlags::HEADERS | SyncFlags::ON_DEMAND
        ]
    );
}

#[test]
fn the_session_reaches_the_provider_with_a_reference_of_its_own() {
    let (store, seen) = counting_store(0);
    let session_object = ProgressCallback::new(Recorder::default());
    // SAFETY: the session object is live for the call.
    let session = unsafe { Unknown::from_borrowed(session_object.as_unknown()) };
    let report = SimulatedHost::new().session(session.clone()).run(
        &store,
        SyncFlags::DOWNLOAD_HIERARCHY,
        ProgressCallback::new(Recorder::default()),
    );
    assert!(report.is_clean(), "{report}");
    assert_eq!(*seen.sessions.lock().unwrap(), vec![Some(session.as_raw())]);
    // The provider's reference went away with its worker: ours (callback + `session`) remain.
    drop(session);
    assert_eq!(common::count(&session_object), 1);
}

#[test]
fn a_provider_error_or_panic_at_the_start_writes_nothing() {
    let (failing, _) = store(|_| Err(HResult::MAPI_E_BUSY.into()));
    let (panicking, _) = store(|_| panic!("deliberate panic in SynchronizeInBackground"));
    let callback = ProgressCallback::new(Recorder::default());
    for (store, expected) in [
        (failing, HResult::MAPI_E_BUSY),
        (panicking, HResult::E_UNEXPECTED),
    ] {
        let mut out = SENTINEL;
        let mut sib = good_sib(&callback, &mut out);
        assert_eq!(call_raw(&store, &mut sib), expected);
        assert_eq!(out, SENTINEL);
        let err = store
            .synchronize_in_background(SyncFlags::empty(), None, &callback)
            .unwrap_err();
        assert_eq!(err.hresult(), expected);
    }
    assert_eq!(
        common::count(&callback),
        1,
        "a refused request keeps no reference"
    );
}

#[test]
fn the_store_answers_iunknown_and_imapisync_only() {
    let (store, _) = counting_store(0);
    let p = store.as_unknown();
    for (iid, expected) in [
        (abi::IID_IUnknown, HResult::S_OK),
        (abi::IID_IMAPISync, HResult::S_OK),
        (abi::IID_IMAPISyncProgressCallback, HResult::E_NOINTERFACE),
    ] {
        let mut out: *mut c_void = SENTINEL;
        // SAFETY: `store` holds a reference; `out` is writable.
        let hr = HResult(unsafe { ((*(*p).lpVtbl).QueryInterface)(p, &iid, &mut out) });
        assert_eq!(hr, expected, "{iid}");
        if hr == HResult::S_OK {
            assert_eq!(out, p.cast());
            // SAFETY: gives back the reference QueryInterface took.
            unsafe { common::release(out.cast()) };
        } else {
            assert!(out.is_null());
        }
    }
    let report = SimulatedHost::new()
        .run_on_store(
            &store.to_unknown(),
            SyncFlags::empty(),
            ProgressCallback::new(Recorder::default()),
        )
        .unwrap();
    assert!(report.is_clean(), "{report}");
    // A "store" without IMAPISync is refused by the host with QueryInterface's answer.
    let not_a_store = ProgressCallback::new(Recorder::default());
    // SAFETY: live for the call.
    let not_a_store = unsafe { Unknown::from_borrowed(not_a_store.as_unknown()) };
    let err = SimulatedHost::new()
        .run_on_store(
            &not_a_store,
            SyncFlags::empty(),
            ProgressCallback::new(Recorder::default()),
        )
        .unwrap_err();
    assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
}

/// Runs a store whose work is `work` under the simulated host; returns the report and the calls.
fn run_work<F>(work: F) -> (mapisync::SyncReport, Vec<Call>)
where
    F: Fn(&mapisync::SyncContext) -> Result<HResult> + Send + Sync + Clone + 'static,
{
    let (store, _) = store(move |request| SyncWorker::spawn(request, work.clone()));
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let drops = recorder.drops.clone();
    let report =
        SimulatedHost::new().run(&store, SyncFlags::empty(), ProgressCallback::new(recorder));
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the provider released the callback"
    );
    assert!(
        !Event::is_open(report.done_event()),
        "the host closed the done event"
    );
    let calls = calls.lock().unwrap().clone();
    (report, calls)
}

#[test]
fn work_that_errs_mid_sync_yields_one_done_with_its_hresult() {
    let (report, calls) = run_work(|sync| {
        sync.progress(None, 1, 4)?;
        Err(HResult::MAPI_E_NETWORK_ERROR.into())
    });
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.final_status(), Some(HResult::MAPI_E_NETWORK_ERROR));
    assert_eq!(
        calls,
        vec![
            Call::Progress(None, 1, 4),
            Call::Done(report.done_event(), HResult::MAPI_E_NETWORK_ERROR)
        ]
    );
}

#[test]
fn work_that_reports_e_unexpected_itself_is_not_taken_for_a_panic() {
    let (report, calls) = run_work(|sync| {
        sync.error_str(
            HResult::E_UNEXPECTED,
            "the synchronization work panicked: not really",
        )?;
        Err(HResult::E_UNEXPECTED.into())
    });
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.work_panicked(), None);
    assert_eq!(calls.len(), 2);
}

#[test]
fn work_that_panics_yields_an_error_report_then_one_done() {
    let (report, calls) = run_work(|sync| {
        sync.progress(None, 1, 4)?;
        panic!("deliberate panic in the sync work");
    });
    // The host survived, and the panic is a finding of its own: the provider has a bug.
    let problems = report.host_problems();
    assert!(
        matches!(&problems[..], [HostProblem::WorkPanicked(m)] if m.contains("deliberate panic")),
        "{report}"
    );
    assert_eq!(problems[0].code(), "work_panicked");
    assert_eq!(report.final_status(), Some(HResult::E_UNEXPECTED));
    assert_eq!(calls.len(), 3);
    match &calls[1] {
        Call::Error(HResult::E_UNEXPECTED, Some(text)) => {
            let text = String::from_utf16_lossy(text);
            assert!(text.contains("deliberate panic in the sync work"), "{text}");
        }
        other => panic!("expected an Error report of the panic, got {other:?}"),
    }
    assert_eq!(
        calls[2],
        Call::Done(report.done_event(), HResult::E_UNEXPECTED)
    );
}

#[test]
fn work_that_returns_early_with_a_warning_passes_it_to_done() {
    let (report, calls) = run_work(|_| Ok(HResult::MAPI_W_PARTIAL_COMPLETION));
    assert!(report.is_clean(), "{report}");
    assert_eq!(
        calls,
        vec![Call::Done(
            report.done_event(),
            HResult::MAPI_W_PARTIAL_COMPLETION
        )]
    );
}

#[test]
fn cancel_from_the_host_ends_the_work_with_user_cancel() {
    let (store, _) = counting_store(10);
    let recorder = Recorder::answering(HResult::MAPI_E_USER_CANCEL);
    let calls = recorder.calls.clone();
    let report = SimulatedHost::new().run(
        &store,
        SyncFlags::ON_DEMAND,
        ProgressCallback::new(recorder),
    );
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.final_status(), Some(HResult::MAPI_E_USER_CANCEL));
    let calls = calls.lock().unwrap();
    assert_eq!(
        calls.len(),
        2,
        "one Progress, answered with Cancel, then Done: {calls:?}"
    );
}

#[test]
fn fifty_syncs_in_parallel_leave_no_reference_and_no_handle() {
    let (store, seen) = counting_store(20);
    let host = SimulatedHost::new();
    let outcomes: Vec<(mapisync::SyncReport, Arc<AtomicUsize>)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..50)
            .map(|_| {
                scope.spawn(|| {
                    let recorder = Recorder::default();
                    let drops = recorder.drops.clone();
                    let calls = recorder.calls.clone();
                    let report =
                        host.run(&store, SyncFlags::all(), ProgressCallback::new(recorder));
                    assert_eq!(calls.lock().unwrap().len(), 21);
                    (report, drops)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut handles: Vec<Handle> = Vec::new();
    for (report, drops) in &outcomes {
        assert!(report.is_clean(), "{report}");
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "every callback was released"
        );
        assert!(!Event::is_open(report.done_event()));
        handles.push(report.done_event());
    }
    handles.sort_by_key(|h| h.0 as usize);
    handles.dedup();
    if cfg!(not(windows)) {
        // Kernel handle values are reused once closed: on Windows two runs that did not overlap
        // may have had the same value, each its own event.
        assert_eq!(handles.len(), 50, "every sync had a done event of its own");
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 50);
    assert_eq!(
        common::count_sync(&store),
        1,
        "only our reference on the store is left"
    );
}

#[test]
fn the_host_reports_providers_that_break_the_protocol() {
    let host = SimulatedHost::new().timeout(Duration::from_millis(200));
    let callback = || ProgressCallback::new(Recorder::default());

    // Signals the event but never calls Done.
    let (silent, _) = store(|_| {
        let event = Event::new(EventReset::Manual);
        event.set();
        Ok(event.handle())
    });
    let report = host.run(&silent, SyncFlags::empty(), callback());
    assert!(
        report
            .host_problems()
            .iter()
            .any(|p| p.code() == "done_missing"),
        "{report}"
    );

    // Calls Done twice, the second time with another handle.
    let (twice, _) = store(|request| {
        let event = Event::new(EventReset::Manual);
        request.callback.done(event.handle(), HResult::S_OK)?;
        request
            .callback
            .done(Handle(0x99 as *mut _), HResult::S_OK)?;
        event.set();
        Ok(event.handle())
    });
    let report = host.run(&twice, SyncFlags::empty(), callback());
    let codes: Vec<_> = report.host_problems().iter().map(|p| p.code()).collect();
    assert!(codes.contains(&"done_repeated"), "{report}");
    assert!(codes.contains(&"done_wrong_handle"), "{report}");
    assert!(
        report.to_string().contains("Done was called 2 times"),
        "{report}"
    );

    // Never signals and never calls Done: the host times out, and still closes the handle.
    let (stuck, _) = store(|_| Ok(Event::new(EventReset::Manual).handle()));
    let report = host.run(&stuck, SyncFlags::empty(), callback());
    assert!(!report.signalled());
    assert!(
        report
            .host_problems()
            .iter()
            .any(|p| p.code() == "event_not_signalled"),
        "{report}"
    );
    assert!(!Event::is_open(report.done_event()));

    // Succeeds without writing a handle.
    let (no_handle, _) = store(|_| Ok(Handle::NULL));
    let report = host.run(&no_handle, SyncFlags::empty(), callback());
    assert!(
        report
            .host_problems()
            .iter()
            .any(|p| p.code() == "done_event_missing"),
        "{report}"
    );
    assert_eq!(report.host_problems().len(), 2, "{report}"); // no handle, and so no Done with it
    assert_eq!(report.closed(), Ok(()), "nothing to close");
}
