//! The windows-core interop (feature `windows-core`): windows-core objects and mapisync objects
//! calling each other in both directions, on every target.
#![cfg(feature = "windows-core")]
#![allow(non_snake_case)] // the `_Impl` methods carry Microsoft's names

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use mapisync::testing::{Expect, Script, Silent, SyncTest};
use mapisync::windows::{
    IMAPISync, IMAPISyncProgressCallback, IMAPISyncProgressCallback_Impl, IMAPISync_Impl,
};
use mapisync::{
    abi, Event, HResult, Handle, MapiSync, ProgressCallback, Result, SimulatedHost, SyncFlags,
    SyncProvider, SyncRequest, SyncWorker, U16CStr, U16CString, Unknown,
};
use windows_core::{implement, IUnknown, Interface, HRESULT};

const S_FALSE: HRESULT = HRESULT(1);

/// The count of any COM object, by an AddRef/Release pair.
fn count(object: &impl Interface) -> u32 {
    let raw = object.as_raw();
    // SAFETY: `object` holds a reference on a live COM object; the pair leaves the count as it was.
    unsafe {
        let vtbl = &**(raw as *mut *const windows_core::IUnknown_Vtbl);
        (vtbl.AddRef)(raw);
        (vtbl.Release)(raw)
    }
}

/// A Rust provider: ten folders, then Done.
struct Folders;

impl SyncProvider for Folders {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=10 {
                sync.progress_str(&format!("folder {i}"), i, 10)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

/// A host's callback written with windows-core: records what arrives; answers `Progress` with
/// `S_FALSE` at index 2 and `MAPI_E_USER_CANCEL` from `cancel_at` on, and `Error` with
/// `MAPI_W_PARTIAL_COMPLETION`.
#[implement(IMAPISyncProgressCallback)]
struct WcHost {
    calls: Mutex<Vec<String>>,
    cancel_at: u32,
    done: AtomicU32,
}

impl WcHost {
    fn new(cancel_at: u32) -> WcHost {
        WcHost {
            calls: Mutex::new(Vec::new()),
            cancel_at,
            done: AtomicU32::new(0),
        }
    }
}

/// Text from a WCHAR pointer, for the record.
///
/// # Safety
///
/// `text` is null or NUL-terminated.
unsafe fn text(text: *const u16) -> String {
    if text.is_null() {
        return "NULL".into();
    }
    // SAFETY: the caller's guarantee.
    unsafe { U16CStr::from_ptr_str(text) }.to_string_lossy()
}

impl IMAPISyncProgressCallback_Impl for WcHost_Impl {
    unsafe fn Progress(&self, pwcszProgress: *const u16, ulIndex: u32, ulIndexMax: u32) -> HRESULT {
        // SAFETY: the provider passes null or a NUL-terminated string.
        let t = unsafe { text(pwcszProgress) };
        self.calls
            .lock()
            .unwrap()
            .push(format!("Progress({t}, {ulIndex}, {ulIndexMax})"));
        if ulIndex >= self.cancel_at {
            HResult::MAPI_E_USER_CANCEL.into()
        } else if ulIndex == 2 {
            S_FALSE
        } else {
            HRESULT(0)
        }
    }

    unsafe fn Error(&self, hResult: HRESULT, pwcszErrorStr: *const u16) -> HRESULT {
        // SAFETY: as in Progress.
        let t = unsafe { text(pwcszErrorStr) };
        self.calls
            .lock()
            .unwrap()
            .push(format!("Error({}, {t})", HResult::from(hResult)));
        HResult::MAPI_W_PARTIAL_COMPLETION.into()
    }

    unsafe fn Done(&self, hThreadDoneEvent: abi::HANDLE, hResult: HRESULT) -> HRESULT {
        self.done.fetch_add(1, Ordering::SeqCst);
        self.calls.lock().unwrap().push(format!(
            "Done({}, {})",
            !hThreadDoneEvent.is_null(),
            HResult::from(hResult)
        ));
        HRESULT(0)
    }
}

#[test]
fn a_windows_core_callback_driven_by_a_rust_provider() {
    let host: IMAPISyncProgressCallback = WcHost::new(4).into();
    let start = count(&host);
    // SAFETY: `WcHost` is Send + Sync (a Mutex and an atomic).
    let callback = unsafe { ProgressCallback::from_windows(host.clone()) };
    assert_eq!(count(&host), start + 1, "from_windows took no reference");

    let report = SimulatedHost::new().run(
        &MapiSync::new(Folders),
        SyncFlags::DOWNLOAD_CONTENTS,
        callback,
    );
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.final_status(), Some(HResult::MAPI_E_USER_CANCEL));

    let object = host.cast_object_ref::<WcHost>().unwrap();
    let calls = object.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "Progress(folder 1, 1, 10)",
            "Progress(folder 2, 2, 10)",
            "Progress(folder 3, 3, 10)",
            "Progress(folder 4, 4, 10)",
            "Done(true, MAPI_E_USER_CANCEL (0x80040113))",
        ]
    );
    assert_eq!(object.done.load(Ordering::SeqCst), 1);
    assert_eq!(
        count(&host),
        start,
        "every reference the provider took is back"
    );
}

#[test]
fn the_exact_success_code_of_a_foreign_callback_is_visible() {
    let host: IMAPISyncProgressCallback = WcHost::new(100).into();
    // SAFETY: `WcHost` is Send + Sync.
    let callback = unsafe { ProgressCallback::from_windows(host) };
    // The Result<()> methods see success...
    callback.progress(None, 2, 3).unwrap();
    callback.error(HResult::E_FAIL, None).unwrap();
    // ...and the _hr ones see which.
    assert_eq!(callback.progress_hr(None, 2, 3).unwrap(), HResult::S_FALSE);
    assert_eq!(callback.progress_hr(None, 1, 3).unwrap(), HResult::S_OK);
    assert_eq!(
        callback.error_hr(HResult::E_FAIL, None).unwrap(),
        HResult::MAPI_W_PARTIAL_COMPLETION
    );
    assert_eq!(
        callback.progress_hr(None, 100, 3).unwrap_err().hresult(),
        HResult::MAPI_E_USER_CANCEL
    );
    assert_eq!(
        callback.done_hr(Handle::NULL, HResult::S_OK).unwrap(),
        HResult::S_OK
    );
}

#[test]
fn conversions_keep_the_pointer_and_the_count() {
    let callback = ProgressCallback::new(Silent);
    let raw = callback.as_raw();
    let wc: IMAPISyncProgressCallback = callback.into();
    assert_eq!(wc.as_raw(), raw.cast());
    assert_eq!(count(&wc), 1, "into windows-core: no AddRef, no Release");
    // SAFETY: a mapisync object is free-threaded.
    let back = unsafe { ProgressCallback::from_windows(wc) };
    assert_eq!(back.as_raw(), raw);
    let wc: IMAPISyncProgressCallback = back.clone().into();
    assert_eq!(count(&wc), 2, "one for `back`, one for `wc`");
    drop(back);
    assert_eq!(count(&wc), 1);

    let store = MapiSync::new(Folders);
    let raw = store.as_raw();
    let wc: IMAPISync = store.into();
    assert_eq!((wc.as_raw(), count(&wc)), (raw.cast(), 1));
    // SAFETY: a mapisync object is free-threaded.
    let back = unsafe { MapiSync::from_windows(wc) };
    assert_eq!(back.as_raw(), raw);

    // The small types, both ways.
    let hr: HRESULT = HResult::MAPI_E_USER_CANCEL.into();
    assert_eq!(hr.0 as u32, 0x8004_0113);
    assert_eq!(HResult::from(hr), HResult::MAPI_E_USER_CANCEL);
    let iid: windows_core::GUID = abi::IID_IMAPISync.into();
    assert_eq!(iid, IMAPISync::IID);
    assert_eq!(
        abi::GUID::from(IMAPISyncProgressCallback::IID),
        abi::IID_IMAPISyncProgressCallback
    );
}

/// A store written with windows-core, exposing `IMAPISync` by forwarding to a mapisync provider,
/// which checks the MAPISIB and runs the synchronization on a `SyncWorker`.
#[implement(IMAPISync)]
struct WcStore {
    sync: IMAPISync,
    calls: Arc<AtomicU32>,
}

impl WcStore {
    fn new(calls: Arc<AtomicU32>) -> WcStore {
        WcStore {
            sync: MapiSync::new(Folders).into(),
            calls,
        }
    }
}

impl IMAPISync_Impl for WcStore_Impl {
    unsafe fn SynchronizeInBackground(&self, psibpb: *mut abi::MAPISIB) -> HRESULT {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller's MAPISIB, passed on for the length of the call.
        unsafe { self.sync.SynchronizeInBackground(psibpb) }
    }
}

#[test]
fn a_windows_core_store_driven_by_the_simulated_host_through_its_iunknown() {
    let calls = Arc::new(AtomicU32::new(0));
    let store: IUnknown = WcStore::new(Arc::clone(&calls)).into();
    let start = count(&store);
    // SAFETY: `store` holds a reference on a free-threaded object for the call.
    let unknown = unsafe { Unknown::from_borrowed(store.as_raw().cast()) };
    let recorder = mapisync::testing::RecordingCallback::new(Script::new());
    let report = SimulatedHost::new()
        .run_on_store(&unknown, SyncFlags::DOWNLOAD_CONTENTS, recorder.callback())
        .unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.final_status(), Some(HResult::S_OK));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    Expect::new()
        .progress(1..=10, 10)
        .done(HResult::S_OK)
        .assert_matches(&recorder.records());
    assert!(!Event::is_open(report.done_event()));
    drop(unknown);
    drop(recorder);
    assert_eq!(count(&store), start);
}

#[test]
fn a_windows_core_store_under_sync_test_with_cancel() {
    let calls = Arc::new(AtomicU32::new(0));
    let store: IUnknown = WcStore::new(Arc::clone(&calls)).into();
    let start = count(&store);
    // As Outlook reaches it: QueryInterface on the store's IUnknown, windows-core side...
    let sync: IMAPISync = store.cast().unwrap();
    // SAFETY: `WcStore` is Send + Sync.
    let sync = unsafe { MapiSync::from_windows(sync) };
    // ...and mapisync side.
    // SAFETY: `store` holds a reference on a free-threaded object for the call.
    let again = unsafe { MapiSync::from_unknown(store.as_raw().cast()) }.unwrap();
    assert_eq!(again.as_raw(), sync.as_raw());
    drop(again);

    let run = SyncTest::new().strict().run(&sync);
    run.assert_protocol();
    run.assert_calls(&Expect::new().progress(1..=10, 10).done(HResult::S_OK));
    run.assert_released();

    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(3))
        .run(&sync);
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=3, 10)
            .done(HResult::MAPI_E_USER_CANCEL),
    );
    run.assert_released();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    drop(sync);
    assert_eq!(count(&store), start);
}

#[test]
fn cast_between_the_two_worlds() {
    // A mapisync object answers windows-core's cast, and a windows-core object mapisync's
    // QueryInterface.
    let store: IMAPISync = MapiSync::new(Folders).into();
    let unknown: IUnknown = store.cast().unwrap();
    assert_eq!(
        unknown.as_raw(),
        store.as_raw(),
        "a mapisync object has one identity"
    );
    assert!(unknown.cast::<IMAPISyncProgressCallback>().is_err());
    let again: IMAPISync = unknown.cast().unwrap();
    assert_eq!(count(&again), 3);
    drop((unknown, again));
    assert_eq!(count(&store), 1);

    let host: IMAPISyncProgressCallback = WcHost::new(100).into();
    // SAFETY: `host` holds a reference; `WcHost` is Send + Sync.
    let callback = unsafe { ProgressCallback::from_unknown(host.as_raw().cast()) }.unwrap();
    assert_eq!(count(&host), 2);
    let text = U16CString::from_str("Inbox").unwrap();
    callback.progress(Some(&text), 1, 1).unwrap();
    // SAFETY: as above.
    let err = unsafe { MapiSync::from_unknown(host.as_raw().cast()) }.unwrap_err();
    assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
    drop(callback);
    assert_eq!(count(&host), 1);
}
