//! Both sides of `IMAPISync::SynchronizeInBackground` across the C boundary, with the C fixture
//! (`c_fixture/c/fixture.h`):
//!
//! - a **C host** (`fixture_sync_host`) drives a Rust store (`MapiSync::new`): good and bad
//!   `MAPISIB`s built in C, the documented HRESULTs, the sentinel left alone on failure; the done
//!   event is waited on and closed in Rust, since events are emulated in-process. The callback is
//!   a Rust `RecordingCallback` or the C callback object of the fixture;
//! - a **C store** (`fixture_store_new`) driven by the Rust host (`SimulatedHost`, `SyncTest`):
//!   a clean run synchronously and on a thread, cancel, the misbehaviours each check catches, its
//!   IUnknown rules and its one destruction.

// Miri cannot call into the C fixture (foreign functions): the whole file is skipped there.
#![cfg(not(miri))]
#![warn(clippy::undocumented_unsafe_blocks)]

use core::ffi::c_void;
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use mapisync::abi::{HANDLE, MAPISIB};
use mapisync::testing::{Call, Checker, Expect, RecordingCallback, Script, SyncTest};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, ProgressCallback, Result, SimulatedHost,
    SyncFlags, SyncProvider, SyncRequest, SyncWorker, Unknown,
};
use mapisync_c_fixture as fx;

#[path = "../common/c.rs"]
mod c_common;
use c_common::{c_iid, c_release, c_text, callback_count, garbage, hr, units};

// ---- Helpers --------------------------------------------------------------------------------

/// How long anything here waits for a done event that should come.
/// The thread a `SimulatedHost` calls `SynchronizeInBackground` on.
const HOST_START: &str = "mapisync-host-start";

const WAIT: Duration = Duration::from_secs(10);

/// The flags of a good request.
const FLAGS: SyncFlags = SyncFlags::DOWNLOAD_HIERARCHY.union(SyncFlags::DOWNLOAD_CONTENTS);

/// `FLAGS` with one bit no `SYNC_*` flag defines.
const BAD_FLAGS: u32 = FLAGS.bits() | 0x4;

/// The name of the threads the Rust test lends the C store.
const C_WORKER: &str = "c-store-worker";

/// The thread name of `SyncWorker`.
const RUST_WORKER: &str = "mapisync-sync";

/// A later version of `MAPISIB`, as the C host lays out `FixtureMapisibV2`.
#[allow(dead_code)] // only measured
#[repr(C)]
struct MapisibV2 {
    sib: MAPISIB,
    ul_extra: u32,
    h_extra: HANDLE,
    ull_extra: u64,
}

use fx::Probe;

/// A new C store from `probe` with a count of one, owned by the caller, configured with `config`,
/// the Rust signal function and the Rust thread spawner.
fn new_store(probe: &Probe, config: fx::FixtureStoreConfig) -> *mut c_void {
    let store = probe.new_store();
    // SAFETY: `store` is live and ours; `config` is read during the call only; the functions
    // are `'static`.
    unsafe {
        fx::fixture_store_configure(store, &config);
        fx::fixture_store_set_signal(store, Some(signal_event as fx::FixtureSignalFn));
        fx::fixture_store_set_spawn(store, Some(spawn_thread as fx::FixtureSpawnFn));
    }
    store
}

/// The C store's signal function: sets the emulated event the handle names.
extern "C" fn signal_event(event: *mut c_void) {
    // Never panics across the C frames: an unknown handle is simply not signalled, which the
    // host then reports.
    if let Ok(event) = Event::from_handle(Handle(event)) {
        event.set();
    }
}

/// The C store's spawn function: a detached Rust thread named `C_WORKER`.
extern "C" fn spawn_thread(run: fx::FixtureRunFn, arg: *mut c_void) -> i32 {
    let arg = arg as usize;
    let started = thread::Builder::new().name(C_WORKER.into()).spawn(move || {
        // SAFETY: the C store handed `arg`, its work, over to this thread for `run`.
        unsafe { run(arg as *mut c_void) }
    });
    if started.is_ok() {
        0
    } else {
        -1
    }
}

/// A spawn function that never starts a thread.
extern "C" fn refuse_spawn(_run: fx::FixtureRunFn, _arg: *mut c_void) -> i32 {
    -1
}

/// Adopts the caller's one reference on a C store.
fn adopt_store(raw: *mut c_void) -> MapiSync {
    // SAFETY: `raw` is a live C store (free-threaded, IMAPISync's layout) whose reference the
    // caller hands over.
    unsafe { MapiSync::from_raw(raw.cast()) }
}

/// A C store from `probe`, configured with `config`, the Rust signal function and the Rust
/// thread spawner, its one reference adopted by Rust.
fn c_store(probe: &Probe, config: fx::FixtureStoreConfig) -> MapiSync {
    adopt_store(new_store(probe, config))
}

/// The count of a C store held by `store`.
fn store_count(store: &MapiSync) -> u32 {
    // SAFETY: `store` holds a reference on a live C store.
    unsafe { fx::fixture_store_ref_count(store.as_raw().cast()) }
}

/// Gives the C store its next done event: a new manual-reset emulated event.
fn arm(store: &MapiSync) -> Event {
    let event = Event::new(EventReset::Manual);
    // SAFETY: `store` holds a reference on a live C store.
    unsafe { fx::fixture_store_set_next_event(store.as_raw().cast(), event.handle().0) };
    event
}

/// Runs the C host on `store` (an `IUnknown*` the caller holds a reference on).
fn c_host(
    store: *mut c_void,
    variant: u32,
    flags: u32,
    session: *mut c_void,
    callback: *mut c_void,
) -> fx::FixtureHostReport {
    let mut report = fx::FixtureHostReport::default();
    // SAFETY: `store`, and `session` and `callback` when not null, are live objects the caller
    // holds for the call; `report` is writable.
    let size =
        unsafe { fx::fixture_sync_host(store, variant, flags, session, callback, &mut report) };
    assert_eq!(
        size,
        size_of::<fx::FixtureHostReport>(),
        "FixtureHostReport layout"
    );
    report
}

/// What the Rust store saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    flags: Mutex<Vec<SyncFlags>>,
    sessions: Mutex<Vec<usize>>,
    /// The thread each `Progress`/`Error` call was made on.
    call_threads: Mutex<Vec<ThreadId>>,
}

/// A Rust store: `steps` Progress calls ("step i"), an optional Error ("network down"), then
/// `status`, all on the `SyncWorker` thread. Counts its own drops.
struct RustStore {
    steps: u32,
    error: Option<HResult>,
    status: HResult,
    seen: Arc<Seen>,
    drops: Arc<AtomicUsize>,
}

impl Drop for RustStore {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

impl SyncProvider for RustStore {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let seen = Arc::clone(&self.seen);
        seen.requests.fetch_add(1, Ordering::SeqCst);
        seen.flags.lock().unwrap().push(request.flags);
        seen.sessions
            .lock()
            .unwrap()
            .push(request.session.as_ref().map_or(0, |s| s.as_raw() as usize));
        let (steps, error, status) = (self.steps, self.error, self.status);
        SyncWorker::spawn(request, move |sync| {
            for i in 1..=steps {
                seen.call_threads
                    .lock()
                    .unwrap()
                    .push(thread::current().id());
                sync.progress_str(&format!("step {i}"), i, steps)?;
            }
            if let Some(e) = error {
                seen.call_threads
                    .lock()
                    .unwrap()
                    .push(thread::current().id());
                sync.error_str(e, "network down")?;
            }
            Ok(status)
        })
    }
}

fn rust_store(
    steps: u32,
    error: Option<HResult>,
    status: HResult,
) -> (MapiSync, Arc<Seen>, Arc<AtomicUsize>) {
    let seen = Arc::new(Seen::default());
    let drops = Arc::new(AtomicUsize::new(0));
    let store = MapiSync::new(RustStore {
        steps,
        error,
        status,
        seen: Arc::clone(&seen),
        drops: Arc::clone(&drops),
    });
    (store, seen, drops)
}

/// Waits for the done event a store handed out and closes it, as the host must.
fn wait_and_close(done_event: Handle) {
    let event = Event::from_handle(done_event).expect("the done event is an open handle");
    assert!(event.wait_timeout(WAIT), "the done event was not signalled");
    Event::close_handle(done_event).unwrap();
    // Off Windows a closed value is never handed out again. On Windows it is a kernel handle,
    // which the system may give to the next event made, by a test running beside this one.
    if cfg!(not(windows)) {
        assert_eq!(
            Event::close_handle(done_event).unwrap_err().hresult(),
            HResult::E_HANDLE,
            "a closed handle stays closed"
        );
    }
}

// ---- The bad MAPISIBs -----------------------------------------------------------------------

/// What the C host passes as `punkCallBack`.
#[derive(Clone, Copy, Debug)]
enum CallbackKind {
    /// A Rust `RecordingCallback`: must see no call and keep no reference.
    Recording,
    /// The store itself: it does not answer `IID_IMAPISyncProgressCallback`.
    TheStore,
    /// The C callback in one of the `FIXTURE_QI_*` modes.
    C(u32),
}

struct BadCase {
    what: &'static str,
    variant: u32,
    flags: u32,
    callback: CallbackKind,
    expected: HResult,
}

/// Every bad MAPISIB of the table in docs/sync-handshake.md, and the order of the checks.
fn bad_cases() -> Vec<BadCase> {
    use CallbackKind::*;
    let good = FLAGS.bits();
    let case = |what, variant, flags, callback, expected| BadCase {
        what,
        variant,
        flags,
        callback,
        expected,
    };
    vec![
        case(
            "null psibpb",
            fx::FIXTURE_SIB_NULL,
            good,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "ulSize 0",
            fx::FIXTURE_SIB_SIZE_ZERO,
            good,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "ulSize one byte short",
            fx::FIXTURE_SIB_SIZE_SMALL,
            good,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "null phSyncDoneEvent",
            fx::FIXTURE_SIB_NULL_DONE_EVENT,
            good,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "unknown flag 0x4",
            fx::FIXTURE_SIB_GOOD,
            BAD_FLAGS,
            Recording,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
        case(
            "unknown flag 0x80000000",
            fx::FIXTURE_SIB_GOOD,
            0x8000_0000,
            Recording,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
        case(
            "null punkCallBack",
            fx::FIXTURE_SIB_NULL_CALLBACK,
            good,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "the store as its own callback",
            fx::FIXTURE_SIB_GOOD,
            good,
            TheStore,
            HResult::E_NOINTERFACE,
        ),
        case(
            "a C callback refusing the IID",
            fx::FIXTURE_SIB_GOOD,
            good,
            C(fx::FIXTURE_QI_REFUSE_CALLBACK),
            HResult::E_NOINTERFACE,
        ),
        case(
            "a C callback answering S_OK with NULL",
            fx::FIXTURE_SIB_GOOD,
            good,
            C(fx::FIXTURE_QI_NULL_SUCCESS),
            HResult::E_NOINTERFACE,
        ),
        // The order of the checks: psibpb, ulSize, phSyncDoneEvent, ulFlags, punkCallBack, its QI.
        case(
            "ulSize is checked before the flags",
            fx::FIXTURE_SIB_SIZE_SMALL,
            BAD_FLAGS,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "phSyncDoneEvent is checked before the flags",
            fx::FIXTURE_SIB_NULL_DONE_EVENT,
            BAD_FLAGS,
            Recording,
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        case(
            "the flags are checked before punkCallBack",
            fx::FIXTURE_SIB_NULL_CALLBACK,
            BAD_FLAGS,
            Recording,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
        case(
            "the flags are checked before the callback's QueryInterface",
            fx::FIXTURE_SIB_GOOD,
            BAD_FLAGS,
            TheStore,
            HResult::MAPI_E_UNKNOWN_FLAGS,
        ),
    ]
}

/// Sends one bad MAPISIB from the C host to `store` (an `IUnknown*` on which the caller holds
/// exactly one reference) and checks what every bad case must leave: the documented HRESULT, the
/// sentinel in place, the MAPISIB untouched, the store's count and the callback's as they were,
/// no callback call.
fn send_bad(store: *mut c_void, case: &BadCase) -> fx::FixtureHostReport {
    let what = case.what;
    let report = match case.callback {
        CallbackKind::Recording => {
            let recorder = RecordingCallback::default();
            let callback = recorder.callback();
            let report = c_host(
                store,
                case.variant,
                case.flags,
                ptr::null_mut(),
                callback.as_unknown().cast(),
            );
            drop(callback);
            assert_eq!(recorder.records(), vec![], "{what}: no call");
            assert_eq!(
                recorder.outstanding_references(),
                0,
                "{what}: no reference kept"
            );
            report
        }
        CallbackKind::TheStore => c_host(store, case.variant, case.flags, ptr::null_mut(), store),
        CallbackKind::C(mode) => {
            let probe = Probe::new();
            probe.set_query_mode(mode);
            let cb = probe.new_callback();
            let report = c_host(store, case.variant, case.flags, ptr::null_mut(), cb);
            let r = probe.record();
            assert_eq!(r.query_interface_calls, 1, "{what}");
            assert_eq!((r.add_ref_calls, r.release_calls), (0, 0), "{what}");
            assert_eq!(
                (r.progress_calls, r.error_calls, r.done_calls),
                (0, 0, 0),
                "{what}"
            );
            assert_eq!(callback_count(cb), 1, "{what}");
            assert_eq!(c_release(cb), 0);
            assert_eq!(probe.record().objects_destroyed, 1);
            report
        }
    };
    assert_eq!(hr(report.qi_hr), HResult::S_OK, "{what}");
    assert_eq!(report.called, 1, "{what}");
    assert_eq!(hr(report.hr), case.expected, "{what}");
    assert_eq!(
        report.done_event,
        fx::FIXTURE_SENTINEL,
        "{what}: nothing may be written through phSyncDoneEvent on failure"
    );
    assert_eq!(report.sib_intact, 1, "{what}: the MAPISIB is [in]");
    assert_eq!(
        report.release, 1,
        "{what}: the store's count is back to ours"
    );
    report
}

// ---- A C host drives a Rust store -----------------------------------------------------------

#[test]
fn a_c_host_starts_a_rust_store_and_rust_waits_for_the_done_event() {
    let (store, seen, drops) = rust_store(5, None, HResult::S_OK);
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();

    let r = c_host(
        store.as_unknown().cast(),
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        ptr::null_mut(),
        callback.as_unknown().cast(),
    );
    drop(callback);
    assert_eq!(hr(r.qi_hr), HResult::S_OK);
    assert_eq!(
        r.sync,
        store.as_raw() as usize,
        "one interface pointer per object"
    );
    assert_eq!((r.called, r.size as usize), (1, size_of::<MAPISIB>()));
    assert_eq!(hr(r.hr), HResult::S_OK);
    assert_eq!((r.sib_intact, r.release), (1, 1));
    assert_ne!(
        r.done_event,
        fx::FIXTURE_SENTINEL,
        "S_OK must write the done event"
    );
    let done_event = Handle(r.done_event as HANDLE);
    assert!(!done_event.is_null() && r.done_event % 4 == 0);
    assert!(Event::is_open(done_event));

    let event = Event::from_handle(done_event).unwrap();
    assert!(event.wait_timeout(WAIT), "the done event was not signalled");
    // The worker released the callback before it signalled.
    assert_eq!(recorder.outstanding_references(), 0);

    Expect::new()
        .progress(1..=5, 5)
        .done(HResult::S_OK)
        .assert_matches(&recorder.records());
    assert_eq!(
        recorder.calls().last(),
        Some(&Call::Done {
            event: done_event,
            hr: HResult::S_OK
        }),
        "Done brings back the handle C received"
    );
    recorder
        .check_with(&Checker::new().strict().done_event(done_event))
        .assert_passed();
    for (i, record) in recorder.records().iter().enumerate() {
        assert_ne!(record.thread, thread::current().id(), "{record}");
        assert_eq!(record.thread_name.as_deref(), Some(RUST_WORKER), "{record}");
        if let Call::Progress { text, .. } = &record.call {
            let text = text.as_ref().expect("a text");
            assert_eq!(text.units(), &units(&format!("step {}", i + 1))[..]);
        }
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
    assert_eq!(*seen.flags.lock().unwrap(), vec![FLAGS]);
    assert_eq!(*seen.sessions.lock().unwrap(), vec![0]);

    wait_and_close(done_event);
    drop(store);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn a_c_host_passes_its_session_to_the_rust_store() {
    let session_probe = Probe::new();
    let session = session_probe.new_callback();
    let (store, seen, _) = rust_store(2, None, HResult::S_OK);
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();

    let r = c_host(
        store.as_unknown().cast(),
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        session,
        callback.as_unknown().cast(),
    );
    drop(callback);
    assert_eq!(hr(r.hr), HResult::S_OK);
    wait_and_close(Handle(r.done_event as HANDLE));

    assert_eq!(*seen.sessions.lock().unwrap(), vec![session as usize]);
    let s = session_probe.record();
    assert_eq!(
        (s.add_ref_calls, s.release_calls),
        (1, 1),
        "the provider took a reference of its own on the session and gave it back"
    );
    assert_eq!(
        (s.progress_calls, s.error_calls, s.done_calls),
        (0, 0, 0),
        "the session is passed along, never called"
    );
    assert_eq!(callback_count(session), 1);
    assert_eq!(recorder.outstanding_references(), 0);
    assert_eq!(c_release(session), 0);
}

#[test]
fn a_c_host_sending_a_later_larger_mapisib_is_accepted_by_a_rust_store() {
    let (store, _, _) = rust_store(3, None, HResult::S_OK);
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();

    let r = c_host(
        store.as_unknown().cast(),
        fx::FIXTURE_SIB_EXTENDED,
        FLAGS.bits(),
        ptr::null_mut(),
        callback.as_unknown().cast(),
    );
    drop(callback);
    assert_eq!(r.size as usize, size_of::<MapisibV2>());
    assert!(r.size as usize > size_of::<MAPISIB>());
    assert_eq!(hr(r.hr), HResult::S_OK);
    assert_eq!(
        (r.sib_intact, r.tail_intact),
        (1, 1),
        "the fields after MAPISIB are not the store's to write"
    );
    let done_event = Handle(r.done_event as HANDLE);
    wait_and_close(done_event);
    Expect::new()
        .progress(1..=3, 3)
        .done(HResult::S_OK)
        .assert_matches(&recorder.records());
    recorder
        .check_with(&Checker::new().done_event(done_event))
        .assert_passed();
}

#[test]
fn a_c_host_gets_the_documented_hresult_for_each_bad_mapisib_from_a_rust_store() {
    let (store, seen, _) = rust_store(3, None, HResult::S_OK);
    for case in bad_cases() {
        send_bad(store.as_unknown().cast(), &case);
    }
    assert_eq!(
        seen.requests.load(Ordering::SeqCst),
        0,
        "no bad MAPISIB may reach the provider"
    );
}

#[test]
fn a_c_host_and_a_c_callback_drive_a_rust_store_from_its_worker_thread() {
    let probe = Probe::new();
    let cb = probe.new_callback();
    let (store, seen, _) = rust_store(
        4,
        Some(HResult::MAPI_E_NETWORK_ERROR),
        HResult::MAPI_W_PARTIAL_COMPLETION,
    );

    let r = c_host(
        store.as_unknown().cast(),
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        ptr::null_mut(),
        cb,
    );
    assert_eq!(hr(r.hr), HResult::S_OK);
    let done_event = Handle(r.done_event as HANDLE);
    assert!(Event::from_handle(done_event).unwrap().wait_timeout(WAIT));

    let rec = probe.record();
    assert_eq!(
        (rec.progress_calls, rec.error_calls, rec.done_calls),
        (4, 1, 1)
    );
    assert_eq!((rec.last_index, rec.last_index_max), (4, 4));
    assert_eq!(hr(rec.last_error_hr), HResult::MAPI_E_NETWORK_ERROR);
    assert_eq!(rec.text(), Some(&units("network down")[..]));
    assert_eq!(hr(rec.last_done_hr), HResult::MAPI_W_PARTIAL_COMPLETION);
    assert_eq!(
        rec.last_handle, r.done_event,
        "Done brings back the same handle"
    );
    assert_eq!(
        (
            rec.query_interface_calls,
            rec.add_ref_calls,
            rec.release_calls
        ),
        (1, 1, 1),
        "one QueryInterface by the store, its reference released before the signal"
    );
    assert_eq!(callback_count(cb), 1);

    // Every call was made on the one worker thread, not on this one.
    let threads = seen.call_threads.lock().unwrap().clone();
    assert_eq!(threads.len(), 5);
    assert!(threads.iter().all(|t| *t == threads[0]));
    assert_ne!(threads[0], thread::current().id());

    wait_and_close(done_event);
    assert_eq!(c_release(cb), 0);
    assert_eq!(probe.record().objects_destroyed, 1);
}

#[test]
fn a_c_callback_cancelling_stops_the_rust_store() {
    let probe = Probe::new();
    probe.set_answers(
        HResult::MAPI_E_USER_CANCEL.0,
        HResult::S_OK.0,
        HResult::S_OK.0,
    );
    let cb = probe.new_callback();
    let (store, _, _) = rust_store(10, Some(HResult::MAPI_E_NETWORK_ERROR), HResult::S_OK);

    let r = c_host(
        store.as_unknown().cast(),
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        ptr::null_mut(),
        cb,
    );
    assert_eq!(hr(r.hr), HResult::S_OK);
    wait_and_close(Handle(r.done_event as HANDLE));
    let rec = probe.record();
    assert_eq!(
        (rec.progress_calls, rec.error_calls, rec.done_calls),
        (1, 0, 1),
        "the first Progress was answered Cancel: straight to Done"
    );
    assert_eq!(hr(rec.last_done_hr), HResult::MAPI_E_USER_CANCEL);
    assert_eq!(rec.last_handle, r.done_event);
    assert_eq!(callback_count(cb), 1);
    assert_eq!(c_release(cb), 0);
}

#[test]
fn a_c_host_on_an_object_without_imapisync_gets_e_nointerface() {
    let probe = Probe::new();
    let not_a_store = probe.new_callback();
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    let r = c_host(
        not_a_store,
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        ptr::null_mut(),
        callback.as_unknown().cast(),
    );
    assert_eq!(hr(r.qi_hr), HResult::E_NOINTERFACE);
    assert_eq!((r.sync, r.called), (0, 0));
    assert_eq!(r.done_event, fx::FIXTURE_SENTINEL);
    assert_eq!(callback_count(not_a_store), 1);
    drop(callback);
    assert!(recorder.records().is_empty());
    assert_eq!(c_release(not_a_store), 0);

    // And the same object through the Rust host.
    let not_a_store = probe.new_callback();
    // SAFETY: a live C object whose one reference we hand over.
    let unknown = unsafe { Unknown::from_raw(not_a_store.cast()) };
    let err = SimulatedHost::new()
        .run_on_store(&unknown, FLAGS, recorder.callback())
        .unwrap_err();
    assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
    drop(unknown);
    assert_eq!(probe.record().objects_destroyed, 2);
}

// ---- The Rust host drives a C store ---------------------------------------------------------

#[test]
fn the_c_store_answers_iunknown_and_imapisync_only() {
    let probe = Probe::new();
    let raw = new_store(&probe, fx::FixtureStoreConfig::default());
    let count = || {
        // SAFETY: `raw` is live while this test holds its reference.
        unsafe { fx::fixture_store_ref_count(raw) }
    };

    for which in [fx::FIXTURE_IID_IUNKNOWN, fx::FIXTURE_IID_SYNC] {
        let mut ppv = ptr::null_mut();
        // SAFETY: `raw` is live; `ppv` is writable.
        let code = unsafe { fx::fixture_query_interface(raw, c_iid(which).cast(), &mut ppv) };
        assert_eq!(hr(code), HResult::S_OK, "IID {which}");
        assert_eq!(ppv, raw, "IID {which}: the same pointer");
        assert_eq!(count(), 2, "IID {which}: AddRef'd");
        assert_eq!(c_release(ppv), 1);
    }
    for which in [fx::FIXTURE_IID_CALLBACK, fx::FIXTURE_IID_OTHER] {
        let mut ppv = garbage();
        // SAFETY: as above.
        let code = unsafe { fx::fixture_query_interface(raw, c_iid(which).cast(), &mut ppv) };
        assert_eq!(hr(code), HResult::E_NOINTERFACE, "IID {which}");
        assert!(
            ppv.is_null(),
            "IID {which}: *ppv must be NULL after E_NOINTERFACE"
        );
    }
    // SAFETY: as above; a null ppv is the case under test.
    let code = unsafe {
        fx::fixture_query_interface(raw, c_iid(fx::FIXTURE_IID_SYNC).cast(), ptr::null_mut())
    };
    assert_eq!(hr(code), HResult::E_POINTER);
    let mut ppv = garbage();
    // SAFETY: as above; a null riid is the case under test.
    let code = unsafe { fx::fixture_query_interface(raw, ptr::null(), &mut ppv) };
    assert_eq!(hr(code), HResult::E_INVALIDARG);
    assert!(ppv.is_null());
    let r = probe.record();
    assert_eq!(
        (r.query_interface_calls, r.add_ref_calls, r.release_calls),
        (6, 2, 2)
    );
    assert_eq!(count(), 1, "no failure AddRef'd");

    // From Rust.
    // SAFETY: `raw` is live and we hold our own reference on it.
    let sync = unsafe { MapiSync::from_unknown(raw.cast()) }.unwrap();
    assert_eq!(sync.as_raw().cast::<c_void>(), raw);
    assert_eq!(count(), 2);
    // SAFETY: as above.
    let err = unsafe { ProgressCallback::from_unknown(raw.cast()) }.unwrap_err();
    assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
    assert_eq!(count(), 2);
    drop(sync);
    assert_eq!(count(), 1);

    assert_eq!(c_release(raw), 0);
    let r = probe.record();
    assert_eq!((r.objects_created, r.objects_destroyed), (1, 1));
    assert_eq!(probe.store_record().sync_calls, 0);
}

#[test]
fn the_simulated_host_drives_the_c_store_cleanly() {
    let probe = Probe::new();
    let store = c_store(
        &probe,
        fx::FixtureStoreConfig {
            steps: 4,
            ..Default::default()
        },
    );
    let event = arm(&store);
    let recorder = RecordingCallback::default();

    let report = SimulatedHost::new()
        .timeout(WAIT)
        .run_on_store(&store.to_unknown(), FLAGS, recorder.callback())
        .unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.started(), HResult::S_OK);
    assert_eq!(report.done_event(), event.handle());
    assert!(report.signalled());
    assert_eq!(report.done_calls(), vec![(event.handle(), HResult::S_OK)]);
    assert_eq!(report.closed(), Ok(()));
    assert_eq!(report.final_status(), Some(HResult::S_OK));
    assert!(event.is_set());
    assert!(!Event::is_open(event.handle()), "the host closed it");

    Expect::new()
        .progress(1..=4, 4)
        .done(HResult::S_OK)
        .assert_matches(&recorder.records());
    let progress_text = c_text(fx::fixture_progress_text);
    assert!(progress_text.contains(&0xD800));
    for record in recorder.records() {
        // Synchronous: every call on the thread that called SynchronizeInBackground, the
        // host's own.
        assert_ne!(record.thread, thread::current().id(), "{record}");
        assert_eq!(record.thread_name.as_deref(), Some(HOST_START), "{record}");
        if let Call::Progress { text, .. } = &record.call {
            assert_eq!(
                text.as_ref().map(|t| t.units()),
                Some(&progress_text[..]),
                "the C text, unpaired surrogates and all"
            );
        }
    }
    assert_eq!(recorder.outstanding_references(), 0);

    let s = probe.store_record();
    assert_eq!(
        s,
        fx::FixtureStoreRecord {
            sync_calls: 1,
            last_sync_hr: 0,
            last_size: size_of::<MAPISIB>() as u32,
            last_flags: FLAGS.bits(),
            last_session: 0,
            last_event: event.handle().0 as usize,
            runs_started: 1,
            runs_finished: 1,
            signals: 1,
            done_calls: 1,
            last_done_status: 0,
            failed_answers: 0,
            last_failed_answer: 0,
        }
    );
    assert_eq!(store_count(&store), 1);
    drop(store);
    assert_eq!(probe.record().objects_destroyed, 1);
}

/// A C store that reports an Error and ends with `status`, synchronously or on a thread.
fn check_kit_run(threaded: bool, status: HResult) {
    let what = format!("threaded {threaded}, {status}");
    let probe = Probe::new();
    let store = c_store(
        &probe,
        fx::FixtureStoreConfig {
            steps: 6,
            call_error: 1,
            error_hr: HResult::MAPI_E_NETWORK_ERROR.0,
            final_hr: status.0,
            threaded: threaded.into(),
            ..Default::default()
        },
    );
    let event = arm(&store);
    let run = SyncTest::new().timeout(WAIT).strict().run(&store);
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=6, 6)
            .error(HResult::MAPI_E_NETWORK_ERROR)
            .done(status),
    );
    run.assert_released();
    assert!(run.report().is_clean(), "{what}: {}", run.report());
    assert_eq!(run.report().done_event(), event.handle(), "{what}");
    assert_eq!(run.report().final_status(), Some(status), "{what}");

    let records = run.records();
    let error_text = c_text(fx::fixture_error_text);
    assert!(records.iter().any(|r| matches!(
        &r.call,
        Call::Error { text: Some(t), .. } if t.units() == &error_text[..]
    )));
    for record in &records {
        if threaded {
            assert_ne!(record.thread, thread::current().id(), "{what}: {record}");
            assert_eq!(
                record.thread_name.as_deref(),
                Some(C_WORKER),
                "{what}: {record}"
            );
        } else {
            assert_eq!(
                record.thread_name.as_deref(),
                Some(HOST_START),
                "{what}: {record}"
            );
        }
    }
    let s = probe.store_record();
    assert_eq!(
        (s.runs_started, s.runs_finished, s.signals, s.done_calls),
        (1, 1, 1, 1),
        "{what}"
    );
    assert_eq!(hr(s.last_done_status), status, "{what}");
    assert_eq!(s.last_flags, FLAGS.bits(), "{what}");
    drop(store);
    assert_eq!(probe.record().objects_destroyed, 1, "{what}");
}

#[test]
fn the_test_kit_passes_the_c_store_synchronously_and_on_a_thread() {
    for threaded in [false, true] {
        for status in [
            HResult::S_OK,
            HResult::MAPI_W_PARTIAL_COMPLETION,
            HResult::MAPI_E_NETWORK_ERROR,
        ] {
            check_kit_run(threaded, status);
        }
    }
}

#[test]
fn the_c_store_stops_at_cancel_and_one_that_ignores_it_is_caught() {
    for threaded in [false, true] {
        let probe = Probe::new();
        let store = c_store(
            &probe,
            fx::FixtureStoreConfig {
                steps: 10,
                call_error: 1,
                threaded: threaded.into(),
                ..Default::default()
            },
        );
        arm(&store);
        let run = SyncTest::new()
            .timeout(WAIT)
            .script(Script::new().cancel_progress_from(3))
            .run(&store);
        run.assert_protocol();
        run.assert_calls(
            &Expect::new()
                .progress(1..=3, 10)
                .done(HResult::MAPI_E_USER_CANCEL),
        );
        run.assert_released();
        let s = probe.store_record();
        assert_eq!(s.failed_answers, 1);
        assert_eq!(hr(s.last_failed_answer), HResult::MAPI_E_USER_CANCEL);
        assert_eq!(hr(s.last_done_status), HResult::MAPI_E_USER_CANCEL);

        // The same store, now ignoring Cancel.
        // SAFETY: `store` holds a reference; the config is read during the call.
        unsafe {
            fx::fixture_store_configure(
                store.as_raw().cast(),
                &fx::FixtureStoreConfig {
                    steps: 10,
                    misbehaviours: fx::FIXTURE_STORE_IGNORE_CANCEL,
                    threaded: threaded.into(),
                    ..Default::default()
                },
            )
        };
        arm(&store);
        let run = SyncTest::new()
            .timeout(WAIT)
            .script(Script::new().cancel_progress_from(3))
            .run(&store);
        let verdict = run.verdict();
        assert!(!verdict.passed());
        let summary = verdict.to_string();
        assert!(
            summary.contains(
                "Progress after the user pressed Cancel (#2 was answered MAPI_E_USER_CANCEL)"
            ),
            "{summary}"
        );
        assert!(
            summary.contains("Done with S_OK (0x00000000) after the user pressed Cancel at #2"),
            "{summary}"
        );
        assert!(
            run.report().is_clean(),
            "the host alone cannot see this: {}",
            run.report()
        );
        run.assert_released();
    }
}

/// One misbehaviour and what must catch it.
struct Misbehaviour {
    what: &'static str,
    config: fx::FixtureStoreConfig,
    timeout: Duration,
    /// Substrings of `SyncReport::problems`, each in some problem; none means a clean report.
    problems: &'static [&'static str],
    /// Substrings of the verdict's findings; none means the protocol check passes.
    findings: &'static [&'static str],
    /// Substrings of `SyncRun::leaks`; none means nothing left behind.
    leaks: &'static [&'static str],
}

/// The host's errors (warnings left out), in words.
fn errors_in_words(report: &mapisync::SyncReport) -> Vec<String> {
    report
        .host_problems()
        .iter()
        .filter(|p| !p.is_warning())
        .map(ToString::to_string)
        .collect()
}

/// What the provider left behind, in words.
fn leaks_in_words(run: &mapisync::testing::SyncRun) -> Vec<String> {
    run.left_behind().iter().map(ToString::to_string).collect()
}

fn assert_caught(what: &str, kind: &str, found: &[String], expected: &[&str]) {
    assert_eq!(
        found.is_empty(),
        expected.is_empty(),
        "{what}: {kind}: {found:#?}"
    );
    for e in expected {
        assert!(
            found.iter().any(|f| f.contains(e)),
            "{what}: {kind} should mention {e:?}: {found:#?}"
        );
    }
}

fn misbehaviours() -> Vec<Misbehaviour> {
    let misbehave = |misbehaviours| fx::FixtureStoreConfig {
        misbehaviours,
        ..Default::default()
    };
    let case = |what, config, problems, findings, leaks| Misbehaviour {
        what,
        config,
        timeout: WAIT,
        problems,
        findings,
        leaks,
    };
    vec![
        case(
            "Done twice",
            misbehave(fx::FIXTURE_STORE_DONE_TWICE),
            &["Done was called 2 times, not once"],
            &["Done called again (the first Done was #3)"],
            &[],
        ),
        case(
            "no Done",
            misbehave(fx::FIXTURE_STORE_SKIP_DONE),
            &["Done was never called"],
            &["Done was never called (3 calls recorded)"],
            &[],
        ),
        case(
            "a leaked callback reference",
            misbehave(fx::FIXTURE_STORE_LEAK_CALLBACK),
            &[],
            &[],
            &["the provider still holds 1 reference(s) on the callback"],
        ),
        case(
            "Done with another handle",
            misbehave(fx::FIXTURE_STORE_WRONG_HANDLE),
            &["Done brought back handle 0x4321, not the done event"],
            &["Done brought back handle 0x4321, not the done event"],
            &[],
        ),
        Misbehaviour {
            timeout: Duration::from_millis(200),
            ..case(
                "the done event never signalled",
                misbehave(fx::FIXTURE_STORE_SKIP_SIGNAL),
                &["the done event was not signalled within"],
                &["the done event was not signalled"],
                &[],
            )
        },
        case(
            "no handle written",
            misbehave(fx::FIXTURE_STORE_NO_HANDLE),
            &[
                "SynchronizeInBackground succeeded but wrote no done event",
                "Done brought back handle",
            ],
            &[
                "SynchronizeInBackground succeeded but wrote no done event",
                "not the done event 0x0",
            ],
            &["passed to Done, is still open: nobody owns it any more"],
        ),
        case(
            "Progress after Done",
            misbehave(fx::FIXTURE_STORE_PROGRESS_AFTER_DONE),
            &[],
            &["Progress 3/3 after Done (Done was #3)"],
            &[],
        ),
        case(
            "Error with S_OK",
            fx::FixtureStoreConfig {
                call_error: 1,
                error_hr: 0,
                ..Default::default()
            },
            &[],
            &["Error called with S_OK (0x00000000), a plain success code"],
            &[],
        ),
    ]
}

#[test]
fn misbehaving_c_stores_are_caught_by_the_host_and_the_test_kit() {
    for threaded in [false, true] {
        for mut m in misbehaviours() {
            // On a thread, only what ends with the signal: the rest would outlive the run.
            let ends_with_signal = m.config.misbehaviours
                & (fx::FIXTURE_STORE_SKIP_SIGNAL | fx::FIXTURE_STORE_NO_HANDLE)
                == 0;
            if threaded && !ends_with_signal {
                continue;
            }
            m.config.threaded = threaded.into();
            let what = format!("{} (threaded {threaded})", m.what);
            let probe = Probe::new();
            let store = c_store(&probe, m.config);
            let event = arm(&store);
            let run = SyncTest::new().timeout(m.timeout).run(&store);

            assert_caught(
                &what,
                "report problems",
                &errors_in_words(run.report()),
                m.problems,
            );
            let findings: Vec<String> = run
                .verdict()
                .findings()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_caught(&what, "verdict findings", &findings, m.findings);
            assert_eq!(run.verdict().passed(), m.findings.is_empty(), "{what}");
            assert_caught(&what, "leaks", &leaks_in_words(&run), m.leaks);
            assert_eq!(probe.store_record().runs_finished, 1, "{what}");

            // Clean up after the misbehaviour, checking each repair.
            if m.config.misbehaviours & fx::FIXTURE_STORE_LEAK_CALLBACK != 0 {
                assert_eq!(run.outstanding_references(), 1, "{what}");
                // SAFETY: `store` holds a reference.
                let released = unsafe { fx::fixture_store_release_leaked(store.as_raw().cast()) };
                assert_eq!(released, 1, "{what}");
                assert!(
                    run.left_behind().is_empty(),
                    "{what}: {:?}",
                    run.left_behind()
                );
            }
            if m.config.misbehaviours & fx::FIXTURE_STORE_NO_HANDLE != 0 {
                assert!(event.is_set(), "{what}: the store did signal its event");
                Event::close_handle(event.handle()).unwrap();
                assert!(
                    run.left_behind().is_empty(),
                    "{what}: {:?}",
                    run.left_behind()
                );
            }
            assert!(!Event::is_open(event.handle()), "{what}");
            drop(store);
            assert_eq!(probe.record().objects_destroyed, 1, "{what}");
        }
    }
}

#[test]
fn the_c_store_is_destroyed_exactly_once_after_the_last_rust_reference() {
    let probe = Probe::new();
    let raw = new_store(
        &probe,
        fx::FixtureStoreConfig {
            misbehaviours: fx::FIXTURE_STORE_LEAK_CALLBACK,
            threaded: 1,
            ..Default::default()
        },
    );
    let count = || {
        // SAFETY: only called while some reference below keeps `raw` alive.
        unsafe { fx::fixture_store_ref_count(raw) }
    };
    let store = adopt_store(raw);
    let clones: Vec<MapiSync> = (0..3).map(|_| store.clone()).collect();
    let unknown = store.to_unknown();
    // SAFETY: `unknown` holds a reference on a live object.
    let queried = unsafe { MapiSync::from_unknown(unknown.as_raw()) }.unwrap();
    assert_eq!(queried.as_raw(), store.as_raw());
    assert_eq!(count(), 6);

    arm(&store);
    let run = SyncTest::new().timeout(WAIT).run(&queried);
    run.assert_protocol();
    assert_eq!(
        count(),
        6,
        "the run gave back the reference it took on the store"
    );
    assert_eq!(
        run.outstanding_references(),
        1,
        "the leaked callback reference"
    );

    // Drop every reference but one, some on other threads.
    thread::scope(|scope| {
        for clone in clones {
            scope.spawn(move || drop(clone));
        }
    });
    drop(unknown);
    drop(queried);
    assert_eq!(count(), 1);
    let r = probe.record();
    assert_eq!(r.objects_destroyed, 0);

    drop(store);
    let r = probe.record();
    assert_eq!((r.objects_created, r.objects_destroyed), (1, 1));
    assert_eq!(
        r.release_calls,
        r.add_ref_calls + 1,
        "every AddRef released, and the creation's reference"
    );
    assert_eq!(
        run.outstanding_references(),
        0,
        "the destructor released the callback reference the store kept"
    );
    assert!(run.left_behind().is_empty(), "{:?}", run.left_behind());
}

#[test]
fn the_c_store_takes_the_session_and_gives_it_back() {
    let session_probe = Probe::new();
    let session_raw = session_probe.new_callback();
    // SAFETY: a live C object whose one reference we hand over.
    let session = unsafe { Unknown::from_raw(session_raw.cast()) };
    let probe = Probe::new();
    let store = c_store(
        &probe,
        fx::FixtureStoreConfig {
            threaded: 1,
            ..Default::default()
        },
    );
    arm(&store);

    let recorder = RecordingCallback::default();
    let host = SimulatedHost::new().timeout(WAIT).session(session.clone());
    let report = host.run(&store, FLAGS, recorder.callback());
    assert!(report.is_clean(), "{report}");
    drop(host);
    assert_eq!(probe.store_record().last_session, session_raw as usize);
    let s = session_probe.record();
    assert_eq!(
        s.add_ref_calls, s.release_calls,
        "every reference taken on the session was given back"
    );
    assert!(
        s.add_ref_calls >= 2,
        "the host's clone and the store's own reference"
    );
    assert_eq!((s.progress_calls, s.done_calls), (0, 0));
    assert_eq!(callback_count(session_raw), 1);
    drop(session);
    assert_eq!(session_probe.record().objects_destroyed, 1);
}

#[test]
fn the_c_store_refusing_to_start_leaves_nothing_behind() {
    let session_probe = Probe::new();
    // SAFETY: a live C object whose one reference we hand over.
    let session = unsafe { Unknown::from_raw(session_probe.new_callback().cast()) };
    let probe = Probe::new();
    let store = c_store(
        &probe,
        fx::FixtureStoreConfig {
            threaded: 1,
            ..Default::default()
        },
    );

    // No event to hand out: E_FAIL.
    let run = SyncTest::new().session(session.clone()).run(&store);
    assert_eq!(run.report().started(), HResult::E_FAIL);
    assert_eq!(
        errors_in_words(run.report()),
        vec!["SynchronizeInBackground failed with E_FAIL (0x80004005)".to_owned()]
    );
    run.assert_start_failed(HResult::E_FAIL); // and no call at all after it
    run.assert_released();
    assert!(run.records().is_empty());

    // No thread to run on: E_OUTOFMEMORY, the event consumed but not signalled.
    // SAFETY: `store` holds a reference.
    unsafe {
        fx::fixture_store_set_spawn(
            store.as_raw().cast(),
            Some(refuse_spawn as fx::FixtureSpawnFn),
        )
    };
    let event = arm(&store);
    let run = SyncTest::new().session(session.clone()).run(&store);
    assert_eq!(run.report().started(), HResult::E_OUTOFMEMORY);
    assert_eq!(run.report().done_event(), Handle::NULL);
    run.assert_start_failed(HResult::E_OUTOFMEMORY);
    run.assert_released();
    assert!(!event.is_set());
    Event::close_handle(event.handle()).unwrap();

    let s = probe.store_record();
    assert_eq!((s.sync_calls, s.runs_started, s.signals), (2, 0, 0));
    assert_eq!(hr(s.last_sync_hr), HResult::E_OUTOFMEMORY);
    let r = session_probe.record();
    assert_eq!(
        r.add_ref_calls, r.release_calls,
        "the session's references given back"
    );
    assert_eq!(store_count(&store), 1);
    drop(store);
    assert_eq!(probe.record().objects_destroyed, 1);
}

// ---- The C host drives the C store ----------------------------------------------------------

#[test]
fn the_c_store_and_the_rust_store_give_a_c_host_the_same_hresults() {
    let probe = Probe::new();
    let c_store = c_store(&probe, fx::FixtureStoreConfig::default());
    let (rust_store, seen, _) = rust_store(3, None, HResult::S_OK);
    // Armed once: no bad MAPISIB may consume it.
    let event = arm(&c_store);

    for (n, case) in bad_cases().iter().enumerate() {
        let from_c = send_bad(c_store.as_unknown().cast(), case);
        let from_rust = send_bad(rust_store.as_unknown().cast(), case);
        assert_eq!(from_c.hr, from_rust.hr, "{}", case.what);
        let s = probe.store_record();
        assert_eq!(s.sync_calls as usize, n + 1, "{}", case.what);
        assert_eq!(hr(s.last_sync_hr), case.expected, "{}", case.what);
        assert_eq!(s.last_size, from_c.size, "{}", case.what);
        assert_eq!(s.runs_started, 0, "{}", case.what);
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 0);

    // Then a good one, all in C: C host, C store, C callback. The store runs synchronously, so
    // the event is already set when the host gets it back.
    let cb_probe = Probe::new();
    let cb = cb_probe.new_callback();
    let r = c_host(
        c_store.as_unknown().cast(),
        fx::FIXTURE_SIB_GOOD,
        FLAGS.bits(),
        ptr::null_mut(),
        cb,
    );
    assert_eq!(hr(r.hr), HResult::S_OK);
    assert_eq!(r.done_event, event.handle().0 as usize);
    assert!(event.is_set());
    let rec = cb_probe.record();
    assert_eq!(
        (rec.progress_calls, rec.error_calls, rec.done_calls),
        (3, 0, 1)
    );
    assert_eq!(rec.last_handle, r.done_event);
    assert_eq!(callback_count(cb), 1);
    wait_and_close(event.handle());

    // A later, larger MAPISIB, to the C store.
    let event = arm(&c_store);
    let r = c_host(
        c_store.as_unknown().cast(),
        fx::FIXTURE_SIB_EXTENDED,
        FLAGS.bits(),
        ptr::null_mut(),
        cb,
    );
    assert_eq!(hr(r.hr), HResult::S_OK);
    assert_eq!((r.sib_intact, r.tail_intact), (1, 1));
    assert_eq!(r.done_event, event.handle().0 as usize);
    assert_eq!(
        probe.store_record().last_size as usize,
        size_of::<MapisibV2>()
    );
    assert_eq!(cb_probe.record().done_calls, 2);
    wait_and_close(event.handle());
    assert_eq!(c_release(cb), 0);
}
