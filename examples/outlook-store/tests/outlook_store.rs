//! A mapi-rs message store (`#[implement(IMsgStore, IMAPISync)]`, outlook-mapi) driven from its
//! IUnknown as Outlook drives it: QueryInterface, `SynchronizeInBackground`, `WaitForSingleObject`
//! on the done event, `CloseHandle`. Windows targets only (outlook-mapi builds only there).
#![cfg(windows)]

use std::ptr;

use mapisync::testing::{Expect, Script, SyncTest};
use mapisync::windows::IMAPISync;
use mapisync::{abi, Event, HResult, MapiSync, SyncFlags};
use outlook_mapi::sys::IMsgStore;
use windows_core::{IUnknown, Interface};
use windows_sys::Win32::Foundation::{CloseHandle, WAIT_OBJECT_0};
use windows_sys::Win32::System::Threading::WaitForSingleObject;

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

#[test]
fn outlook_drives_the_store_from_its_iunknown() {
    let store: IUnknown = mapisync_outlook_store::Store::new(&["Inbox", "Sent Items"]).into();
    let start = count(&store);
    let msg_store: IMsgStore = store.cast().expect("a message store");
    // Outlook: QueryInterface the store for IMAPISync.
    let sync: IMAPISync = msg_store.cast().expect("the store exposes IMAPISync");

    let dialog = mapisync::testing::RecordingCallback::new(Script::new());
    let callback = dialog.callback();
    let mut done_event: abi::HANDLE = ptr::null_mut();
    let mut sib = abi::MAPISIB {
        ulSize: size_of::<abi::MAPISIB>() as u32,
        ulFlags: SyncFlags::DOWNLOAD_CONTENTS.bits(),
        psesSync: ptr::null_mut(),
        punkCallBack: callback.as_unknown(),
        phSyncDoneEvent: &mut done_event,
    };
    // SAFETY: `sib` and what it points to outlive the call.
    let hr = unsafe { sync.SynchronizeInBackground(&mut sib) };
    assert_eq!(HResult::from(hr), HResult::S_OK);
    assert!(!done_event.is_null());
    // Outlook waits on the kernel event and closes it, with nothing of mapisync's.
    // SAFETY: the store handed the handle over; it is ours to wait on and close.
    unsafe {
        assert_eq!(WaitForSingleObject(done_event, 30_000), WAIT_OBJECT_0);
        assert_ne!(CloseHandle(done_event), 0, "a real, open kernel handle");
    }
    drop(callback);
    Expect::new()
        .progress(1..=2, 2)
        .done(HResult::S_OK)
        .assert_matches(&dialog.records());
    assert_eq!(dialog.outstanding_references(), 0);
    dialog.check().assert_passed();
    drop((sync, msg_store));
    assert_eq!(count(&store), start);
}

#[test]
fn the_store_under_sync_test_with_cancel() {
    let store: IUnknown =
        mapisync_outlook_store::Store::new(&["Inbox", "Sent Items", "Calendar"]).into();
    // SAFETY: `store` holds a reference on a free-threaded object for the call.
    let sync = unsafe { MapiSync::from_unknown(store.as_raw().cast()) }.unwrap();
    let run = SyncTest::new().strict().run(&sync);
    run.assert_protocol();
    run.assert_calls(&Expect::new().progress(1..=3, 3).done(HResult::S_OK));
    run.assert_released();
    assert!(!Event::is_open(run.report().done_event()));

    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(2))
        .run(&sync);
    run.assert_calls(
        &Expect::new()
            .progress(1..=2, 3)
            .done(HResult::MAPI_E_USER_CANCEL),
    );
    run.assert_released();
}
