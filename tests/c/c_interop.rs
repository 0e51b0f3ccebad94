//! Interop with C: the layout a C compiler gives `include/mapisync.h` (the library's C header,
//! written from the reference independently of `mapisync::abi`), a C caller driving Rust-made objects, and Rust
//! driving a C implementation through `ProgressCallback::from_raw` / `from_unknown`.

// Miri cannot call into the C fixture (foreign functions): the whole file is skipped there.
#![cfg(not(miri))]
#![warn(clippy::undocumented_unsafe_blocks)]

use core::ffi::c_void;
use core::mem::{align_of, offset_of, size_of};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use mapisync::abi::{
    self, IMAPISync, IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, IMAPISyncVtbl,
    IUnknown, IUnknownVtbl, GUID, HANDLE, HRESULT, MAPISIB, ULONG, WCHAR,
};
use mapisync::{
    Error, HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, U16CString,
    MAX_TEXT_LEN,
};
use mapisync_c_fixture as fx;

#[path = "../common/c.rs"]
mod c_common;
use c_common::{c_iid, c_text, callback_count as c_count, garbage, hr};

// ---- Helpers --------------------------------------------------------------------------------

/// One call as a Rust implementation saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Progress(Option<Vec<u16>>, u32, u32),
    Error(HResult, Option<Vec<u16>>),
    Done(Handle, HResult),
}

/// A Rust implementation that records every call, answers with the configured result per slot,
/// panics on trigger values, and counts its own drops.
#[derive(Default)]
struct Recorder {
    calls: Arc<Mutex<Vec<Call>>>,
    drops: DropCounter,
    /// `None`: `Ok(())`; `Some(hr)`: `Err(hr.into())`.
    answers: [Option<HResult>; 3],
    /// Panic instead of answering on these trigger values.
    panics: bool,
}

/// `progress` panics on this index when `panics` is set.
const PANIC_INDEX: u32 = 666;
/// `error` panics on this HRESULT when `panics` is set.
const PANIC_ERROR: HResult = HResult::SYNC_E_CONFLICT;
/// `done` panics on this HRESULT when `panics` is set.
const PANIC_DONE: HResult = HResult::E_ABORT;

impl Recorder {
    fn reply(&self, slot: usize, call: Call) -> Result<()> {
        self.calls.lock().unwrap().push(call);
        match self.answers[slot] {
            Some(hr) => Err(hr.into()),
            None => Ok(()),
        }
    }
}

/// Counts, in the shared counter, how many times the value holding it was dropped.
#[derive(Default)]
struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    fn shared(&self) -> Arc<AtomicUsize> {
        self.0.clone()
    }
}

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn units(text: Option<&U16CStr>) -> Option<Vec<u16>> {
    text.map(|t| t.as_slice().to_vec())
}

impl SyncProgress for Recorder {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        assert!(
            !(self.panics && index == PANIC_INDEX),
            "progress panics on purpose"
        );
        self.reply(0, Call::Progress(units(text), index, max))
    }
    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        assert!(
            !(self.panics && hr == PANIC_ERROR),
            "error panics on purpose"
        );
        self.reply(1, Call::Error(hr, units(text)))
    }
    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        assert!(!(self.panics && hr == PANIC_DONE), "done panics on purpose");
        self.reply(2, Call::Done(event, hr))
    }
}

use fx::Probe;

// ---- Layout ---------------------------------------------------------------------------------

#[test]
fn c_layout_matches_the_rust_abi() {
    let mut c = fx::FixtureLayout::default();
    // SAFETY: `c` is a writable FixtureLayout.
    let size = unsafe { fx::fixture_layout(&mut c) };
    assert_eq!(size, size_of::<fx::FixtureLayout>(), "FixtureLayout layout");

    let rust = fx::FixtureLayout {
        ulong_size: size_of::<ULONG>(),
        hresult_size: size_of::<HRESULT>(),
        wchar_size: size_of::<WCHAR>(),
        handle_size: size_of::<HANDLE>(),

        guid_size: size_of::<GUID>(),
        guid_align: align_of::<GUID>(),
        guid_Data1: offset_of!(GUID, Data1),
        guid_Data2: offset_of!(GUID, Data2),
        guid_Data3: offset_of!(GUID, Data3),
        guid_Data4: offset_of!(GUID, Data4),

        iunknown_size: size_of::<IUnknown>(),
        iunknown_vtbl_size: size_of::<IUnknownVtbl>(),
        iunknown_vtbl_align: align_of::<IUnknownVtbl>(),
        iunknown_vtbl_QueryInterface: offset_of!(IUnknownVtbl, QueryInterface),
        iunknown_vtbl_AddRef: offset_of!(IUnknownVtbl, AddRef),
        iunknown_vtbl_Release: offset_of!(IUnknownVtbl, Release),

        callback_size: size_of::<IMAPISyncProgressCallback>(),
        callback_vtbl_size: size_of::<IMAPISyncProgressCallbackVtbl>(),
        callback_vtbl_align: align_of::<IMAPISyncProgressCallbackVtbl>(),
        callback_vtbl_QueryInterface: offset_of!(IMAPISyncProgressCallbackVtbl, QueryInterface),
        callback_vtbl_AddRef: offset_of!(IMAPISyncProgressCallbackVtbl, AddRef),
        callback_vtbl_Release: offset_of!(IMAPISyncProgressCallbackVtbl, Release),
        callback_vtbl_Progress: offset_of!(IMAPISyncProgressCallbackVtbl, Progress),
        callback_vtbl_Error: offset_of!(IMAPISyncProgressCallbackVtbl, Error),
        callback_vtbl_Done: offset_of!(IMAPISyncProgressCallbackVtbl, Done),

        sync_size: size_of::<IMAPISync>(),
        sync_vtbl_size: size_of::<IMAPISyncVtbl>(),
        sync_vtbl_align: align_of::<IMAPISyncVtbl>(),
        sync_vtbl_QueryInterface: offset_of!(IMAPISyncVtbl, QueryInterface),
        sync_vtbl_AddRef: offset_of!(IMAPISyncVtbl, AddRef),
        sync_vtbl_Release: offset_of!(IMAPISyncVtbl, Release),
        sync_vtbl_SynchronizeInBackground: offset_of!(IMAPISyncVtbl, SynchronizeInBackground),

        mapisib_size: size_of::<MAPISIB>(),
        mapisib_align: align_of::<MAPISIB>(),
        mapisib_ulSize: offset_of!(MAPISIB, ulSize),
        mapisib_ulFlags: offset_of!(MAPISIB, ulFlags),
        mapisib_psesSync: offset_of!(MAPISIB, psesSync),
        mapisib_punkCallBack: offset_of!(MAPISIB, punkCallBack),
        mapisib_phSyncDoneEvent: offset_of!(MAPISIB, phSyncDoneEvent),
    };
    assert_eq!(c, rust);

    // And the numbers the spec states, from the C side.
    let ptr = size_of::<*const c_void>();
    assert_eq!(c.mapisib_size, if ptr == 8 { 32 } else { 20 });
    assert_eq!(c.callback_vtbl_size, 6 * ptr);
    assert_eq!(c.sync_vtbl_size, 4 * ptr);
    assert_eq!(c.guid_size, 16);
    eprintln!(
        "C layout on this target: MAPISIB {} bytes (align {}), IUnknownVtbl {}, \
         IMAPISyncProgressCallbackVtbl {}, IMAPISyncVtbl {}, GUID {}",
        c.mapisib_size,
        c.mapisib_align,
        c.iunknown_vtbl_size,
        c.callback_vtbl_size,
        c.sync_vtbl_size,
        c.guid_size
    );
}

#[test]
fn c_iids_match_the_rust_abi() {
    // SAFETY: `c_iid` returns pointers to static C GUIDs, laid out as `abi::GUID` (checked above).
    let (unknown, callback, sync, other) = unsafe {
        (
            *c_iid(fx::FIXTURE_IID_IUNKNOWN),
            *c_iid(fx::FIXTURE_IID_CALLBACK),
            *c_iid(fx::FIXTURE_IID_SYNC),
            *c_iid(fx::FIXTURE_IID_OTHER),
        )
    };
    assert_eq!(unknown, abi::IID_IUnknown);
    assert_eq!(callback, abi::IID_IMAPISyncProgressCallback);
    assert_eq!(sync, abi::IID_IMAPISync);
    assert!(![unknown, callback, sync].contains(&other));
    // SAFETY: no precondition.
    assert!(unsafe { fx::fixture_iid(99) }.is_null());
}

// ---- C calls a Rust-made object -------------------------------------------------------------

/// The IUnknown rules, with the object held by `held` references when C starts.
fn check_identity(held: u32) {
    let recorder = Recorder::default();
    let drops = recorder.drops.shared();
    let cb = ProgressCallback::new(recorder);
    let extra: Vec<_> = (1..held).map(|_| cb.clone()).collect();
    let unknown = cb.as_unknown();

    let mut r = fx::FixtureIdentityReport::default();
    // SAFETY: `unknown` is live and we hold `held` references on it; `r` is writable.
    let size = unsafe { fx::fixture_check_identity(unknown.cast(), &mut r) };
    assert_eq!(
        size,
        size_of::<fx::FixtureIdentityReport>(),
        "report layout"
    );
    let n = held;
    let this = unknown as usize;

    assert_eq!(r.unknown, this);
    assert_eq!(hr(r.qi_sync_hr), HResult::E_NOINTERFACE);
    assert_eq!(r.qi_sync_ppv, 0, "*ppv must be NULL after E_NOINTERFACE");
    assert_eq!(hr(r.qi_other_hr), HResult::E_NOINTERFACE);
    assert_eq!(r.qi_other_ppv, 0);
    assert_eq!(hr(r.qi_null_ppv_hr), HResult::E_POINTER);
    assert_eq!(hr(r.qi_null_riid_hr), HResult::E_INVALIDARG);
    assert_eq!(
        r.qi_null_riid_ppv, 0,
        "*ppv must be NULL after E_INVALIDARG"
    );
    assert_eq!(
        (r.add_ref_after_failures, r.release_after_failures),
        (n + 1, n),
        "a failed QueryInterface must not AddRef"
    );

    for (what, code, ptr) in [
        ("callback", r.qi_callback_hr, r.callback),
        ("unknown 1", r.qi_unknown1_hr, r.unknown1),
        ("unknown 2", r.qi_unknown2_hr, r.unknown2),
        (
            "unknown via callback",
            r.qi_unknown_via_callback_hr,
            r.unknown_via_callback,
        ),
        (
            "callback via callback",
            r.qi_callback_via_callback_hr,
            r.callback_via_callback,
        ),
    ] {
        assert_eq!(hr(code), HResult::S_OK, "{what}");
        assert_eq!(ptr, this, "{what}: one interface pointer per object");
    }
    assert_eq!(
        (r.add_ref, r.release),
        (n + 6, n + 5),
        "each QueryInterface AddRefs"
    );
    assert_eq!(r.releases, [n + 4, n + 3, n + 2, n + 1, n]);

    drop(extra);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn c_sees_the_iunknown_rules_on_a_rust_object() {
    check_identity(1);
}

#[test]
fn c_sees_exact_counts_with_several_rust_references() {
    check_identity(3);
}

#[test]
fn c_calls_arrive_in_rust_unchanged() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);

    let mut r = fx::FixtureCallsReport::default();
    // SAFETY: `cb` holds a reference for the whole call; `r` is writable.
    let size = unsafe { fx::fixture_drive_calls(cb.as_unknown().cast(), &mut r) };
    assert_eq!(size, size_of::<fx::FixtureCallsReport>(), "report layout");
    assert_eq!(
        r,
        fx::FixtureCallsReport {
            release: 1,
            ..Default::default()
        },
        "every call S_OK, and the QueryInterface'd reference released back to ours"
    );

    let progress_text = c_text(fx::fixture_progress_text);
    let error_text = c_text(fx::fixture_error_text);
    assert!(progress_text.contains(&0xD800) && error_text.contains(&0xD800));
    // SAFETY: no precondition.
    let handle = Handle(unsafe { fx::fixture_done_handle() });
    assert_eq!(handle.0 as usize, 0x1234);

    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            Call::Progress(Some(progress_text), 1, 10),
            Call::Progress(None, 2, 10),
            Call::Error(HResult::S_FALSE, Some(error_text.clone())),
            Call::Error(HResult::MAPI_W_PARTIAL_COMPLETION, Some(error_text.clone())),
            Call::Error(HResult::E_FAIL, Some(error_text)),
            Call::Error(HResult::MAPI_E_NETWORK_ERROR, None),
            Call::Done(handle, HResult::S_OK),
            Call::Done(Handle::NULL, HResult::MAPI_E_USER_CANCEL),
        ]
    );
}

#[test]
fn rust_failures_reach_c_unchanged() {
    let recorder = Recorder {
        answers: [
            Some(HResult::MAPI_E_USER_CANCEL),
            Some(HResult::E_FAIL),
            Some(HResult::MAPI_E_NETWORK_ERROR),
        ],
        ..Default::default()
    };
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);

    let mut r = fx::FixtureCallsReport::default();
    // SAFETY: as in `c_calls_arrive_in_rust_unchanged`.
    unsafe { fx::fixture_drive_calls(cb.as_unknown().cast(), &mut r) };
    assert_eq!(hr(r.qi_hr), HResult::S_OK);
    assert_eq!(hr(r.progress_text_hr), HResult::MAPI_E_USER_CANCEL);
    assert_eq!(hr(r.progress_null_hr), HResult::MAPI_E_USER_CANCEL);
    for code in [
        r.error_s_false_hr,
        r.error_warning_hr,
        r.error_fail_hr,
        r.error_null_hr,
    ] {
        assert_eq!(hr(code), HResult::E_FAIL);
    }
    assert_eq!(hr(r.done_hr), HResult::MAPI_E_NETWORK_ERROR);
    assert_eq!(hr(r.done_null_hr), HResult::MAPI_E_NETWORK_ERROR);
    assert_eq!(r.release, 1);
    assert_eq!(
        calls.lock().unwrap().len(),
        8,
        "a failure answer is still a call"
    );
}

#[test]
fn rust_error_built_from_a_success_code_reaches_c_as_e_unexpected() {
    let recorder = Recorder {
        answers: [Some(HResult::S_FALSE), None, Some(HResult::SYNC_W_PROGRESS)],
        ..Default::default()
    };
    let cb = ProgressCallback::new(recorder);
    let mut r = fx::FixtureCallsReport::default();
    // SAFETY: as in `c_calls_arrive_in_rust_unchanged`.
    unsafe { fx::fixture_drive_calls(cb.as_unknown().cast(), &mut r) };
    assert_eq!(hr(r.progress_text_hr), HResult::E_UNEXPECTED);
    assert_eq!(hr(r.error_fail_hr), HResult::S_OK);
    assert_eq!(hr(r.done_hr), HResult::E_UNEXPECTED);
}

#[test]
fn rust_panics_reach_c_as_e_unexpected_and_the_object_keeps_working() {
    let recorder = Recorder {
        panics: true,
        ..Default::default()
    };
    let calls = recorder.calls.clone();
    let drops = recorder.drops.shared();
    let cb = ProgressCallback::new(recorder);
    let raw: *mut c_void = cb.as_raw().cast();
    let text = U16CString::from_vec(vec![0x41, 0xD800, 0x42]).unwrap();

    for round in 0..3 {
        // SAFETY: `cb` holds a reference across every call; `text` is NUL-terminated.
        unsafe {
            assert_eq!(
                hr(fx::fixture_progress(raw, text.as_ptr(), PANIC_INDEX, 1000)),
                HResult::E_UNEXPECTED
            );
            assert_eq!(
                hr(fx::fixture_error(raw, PANIC_ERROR.0, text.as_ptr())),
                HResult::E_UNEXPECTED
            );
            assert_eq!(
                hr(fx::fixture_done(raw, ptr::null_mut(), PANIC_DONE.0)),
                HResult::E_UNEXPECTED
            );
            // Still working, slot by slot.
            assert_eq!(
                hr(fx::fixture_progress(raw, text.as_ptr(), round, 3)),
                HResult::S_OK
            );
            assert_eq!(
                hr(fx::fixture_error(raw, HResult::E_FAIL.0, ptr::null())),
                HResult::S_OK
            );
            assert_eq!(
                hr(fx::fixture_done(raw, ptr::null_mut(), HResult::S_OK.0)),
                HResult::S_OK
            );
            // And its IUnknown slots.
            assert_eq!(fx::fixture_add_ref(raw), 2);
            assert_eq!(fx::fixture_release(raw), 1);
        }
        assert_eq!(
            calls.lock().unwrap().split_off(0),
            vec![
                Call::Progress(Some(text.as_slice().to_vec()), round, 3),
                Call::Error(HResult::E_FAIL, None),
                Call::Done(Handle::NULL, HResult::S_OK),
            ]
        );
    }
    let mut r = fx::FixtureCallsReport::default();
    // SAFETY: as in `c_calls_arrive_in_rust_unchanged`.
    unsafe { fx::fixture_drive_calls(cb.as_unknown().cast(), &mut r) };
    assert_eq!(hr(r.progress_text_hr), HResult::S_OK);
    assert_eq!(hr(r.done_null_hr), HResult::S_OK);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn c_text_of_max_len_is_accepted_and_one_more_is_refused() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);
    let unknown: *mut c_void = cb.as_unknown().cast();
    let call = |slot: u32, units: usize, terminated: bool| {
        // SAFETY: `cb` holds a reference for the whole call.
        hr(unsafe { fx::fixture_call_with_text_of(unknown, slot, units, i32::from(terminated)) })
    };

    for slot in [3, 4] {
        assert_eq!(call(slot, MAX_TEXT_LEN, true), HResult::S_OK, "slot {slot}");
        let got = calls.lock().unwrap().split_off(0);
        let text = match &got[..] {
            [Call::Progress(Some(text), index, 0)] if slot == 3 => {
                assert_eq!(*index as usize, MAX_TEXT_LEN);
                text.clone()
            }
            [Call::Error(HResult::E_FAIL, Some(text))] if slot == 4 => text.clone(),
            other => panic!("slot {slot}: unexpected calls {other:?}"),
        };
        assert_eq!(text.len(), MAX_TEXT_LEN);
        assert!(text.iter().all(|&u| u == u16::from(b'a')));

        // One unit more, terminated: refused before the implementation sees it.
        assert_eq!(
            call(slot, MAX_TEXT_LEN + 1, true),
            HResult::E_INVALIDARG,
            "slot {slot}"
        );
        // No terminator at all in a buffer of exactly MAX_TEXT_LEN + 1 units: a bounded read.
        assert_eq!(
            call(slot, MAX_TEXT_LEN + 1, false),
            HResult::E_INVALIDARG,
            "slot {slot}"
        );
        assert!(calls.lock().unwrap().is_empty(), "slot {slot}");

        // The empty string is text, not "no text".
        assert_eq!(call(slot, 0, true), HResult::S_OK);
        let got = calls.lock().unwrap().split_off(0);
        assert!(
            matches!(
                &got[..],
                [Call::Progress(Some(t), 0, 0)] | [Call::Error(_, Some(t))] if t.is_empty()
            ),
            "slot {slot}: {got:?}"
        );
    }
    // An unknown slot is refused before anything is called.
    assert_eq!(call(5, 1, true), HResult::E_NOTIMPL);
}

#[test]
fn the_rust_value_is_dropped_once_when_c_releases_last() {
    let recorder = Recorder::default();
    let drops = recorder.drops.shared();
    let calls = recorder.calls.clone();
    let raw: *mut c_void = ProgressCallback::new(recorder).into_raw().cast();

    // SAFETY: `raw` carries the one reference `into_raw` gave away, now C's; each call below
    // holds a reference until the last Release.
    unsafe {
        assert_eq!(fx::fixture_add_ref(raw), 2);
        assert_eq!(fx::fixture_release(raw), 1);
        let mut second = ptr::null_mut();
        assert_eq!(
            hr(fx::fixture_query_interface(
                raw,
                c_iid(fx::FIXTURE_IID_IUNKNOWN).cast(),
                &mut second
            )),
            HResult::S_OK
        );
        assert_eq!(second, raw);
        assert_eq!(fx::fixture_release(raw), 1);
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        assert_eq!(
            hr(fx::fixture_progress(raw, ptr::null(), 1, 1)),
            HResult::S_OK
        );
        assert_eq!(fx::fixture_release(second), 0);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(*calls.lock().unwrap(), vec![Call::Progress(None, 1, 1)]);
}

#[test]
fn a_c_reference_outlives_the_rust_one() {
    let recorder = Recorder::default();
    let drops = recorder.drops.shared();
    let cb = ProgressCallback::new(recorder);
    let mut c_ref = garbage();
    // SAFETY: `cb` holds a reference; `c_ref` is writable.
    let code = unsafe {
        fx::fixture_query_interface(
            cb.as_unknown().cast(),
            c_iid(fx::FIXTURE_IID_CALLBACK).cast(),
            &mut c_ref,
        )
    };
    assert_eq!(hr(code), HResult::S_OK);
    assert_eq!(c_ref, cb.as_raw().cast::<c_void>());
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 0, "C still holds a reference");
    // SAFETY: `c_ref` is C's reference from the QueryInterface above.
    unsafe {
        assert_eq!(
            hr(fx::fixture_done(c_ref, ptr::null_mut(), HResult::S_OK.0)),
            HResult::S_OK
        );
        assert_eq!(fx::fixture_release(c_ref), 0);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

// ---- Rust calls the C implementation --------------------------------------------------------

#[test]
fn the_c_caller_agrees_with_the_c_implementation() {
    // The fixture checked against itself: its caller's expectations are the COM rules.
    let probe = Probe::new();
    let cb = probe.new_callback().cast::<IMAPISyncProgressCallback>();
    let mut r = fx::FixtureIdentityReport::default();
    // SAFETY: `cb` is live and we own its one reference; `r` is writable.
    unsafe { fx::fixture_check_identity(cb.cast(), &mut r) };
    assert_eq!(hr(r.qi_sync_hr), HResult::E_NOINTERFACE);
    assert_eq!(hr(r.qi_null_ppv_hr), HResult::E_POINTER);
    assert_eq!(hr(r.qi_null_riid_hr), HResult::E_INVALIDARG);
    assert_eq!(
        (r.qi_sync_ppv, r.qi_other_ppv, r.qi_null_riid_ppv),
        (0, 0, 0)
    );
    assert_eq!(r.unknown1, cb as usize);
    assert_eq!(r.releases, [5, 4, 3, 2, 1]);
    // SAFETY: as above.
    unsafe { fx::fixture_drive_calls(cb.cast(), &mut fx::FixtureCallsReport::default()) };
    let record = probe.record();
    assert_eq!(
        (record.progress_calls, record.error_calls, record.done_calls),
        (2, 4, 2)
    );
    assert_eq!(c_count(cb), 1);
    // SAFETY: our one reference.
    assert_eq!(unsafe { fx::fixture_release(cb.cast()) }, 0);
    assert_eq!(probe.record().objects_destroyed, 1);
}

#[test]
fn rust_calls_arrive_in_c_unchanged() {
    let probe = Probe::new();
    // SAFETY: a live C object whose one reference we own; it is free-threaded.
    let cb = unsafe {
        ProgressCallback::from_raw(probe.new_callback().cast::<IMAPISyncProgressCallback>())
    };

    let units = vec![0x53, 0xD800, 0x79, 0xD83D, 0xDCEC, 0xDC00];
    let text = U16CString::from_vec(units.clone()).unwrap();

    cb.progress(Some(&text), 7, 9).unwrap();
    let r = probe.record();
    assert_eq!(r.progress_calls, 1);
    assert_eq!((r.last_index, r.last_index_max), (7, 9));
    assert_eq!(r.text(), Some(&units[..]));
    assert_eq!(r.last_text_len as usize, units.len());

    cb.progress(None, 8, 9).unwrap();
    let r = probe.record();
    assert_eq!(
        (r.progress_calls, r.last_index, r.last_index_max),
        (2, 8, 9)
    );
    assert_eq!(r.text(), None);

    for code in [
        HResult::S_FALSE,
        HResult::MAPI_W_PARTIAL_COMPLETION,
        HResult::SYNC_W_PROGRESS,
        HResult::E_FAIL,
        HResult::SYNC_E_CONFLICT,
        HResult(0x8004_1234_u32 as i32),
    ] {
        cb.error(code, Some(&text)).unwrap();
        let r = probe.record();
        assert_eq!(hr(r.last_error_hr), code);
        assert_eq!(r.text(), Some(&units[..]));
    }
    cb.error(HResult::MAPI_E_NETWORK_ERROR, None).unwrap();
    let r = probe.record();
    assert_eq!(hr(r.last_error_hr), HResult::MAPI_E_NETWORK_ERROR);
    assert_eq!(r.text(), None);
    assert_eq!(r.error_calls, 7);

    let event = Handle(0x1234_usize as HANDLE);
    cb.done(event, HResult::S_OK).unwrap();
    let r = probe.record();
    assert_eq!((r.last_handle, hr(r.last_done_hr)), (0x1234, HResult::S_OK));
    cb.done(Handle::NULL, HResult::MAPI_E_USER_CANCEL).unwrap();
    let r = probe.record();
    assert_eq!(
        (r.last_handle, hr(r.last_done_hr)),
        (0, HResult::MAPI_E_USER_CANCEL)
    );
    assert_eq!(r.done_calls, 2);

    let empty = U16CString::new();
    cb.progress(Some(&empty), 0, 0).unwrap();
    assert_eq!(probe.record().text(), Some(&[][..]));

    assert_eq!(probe.record().objects_destroyed, 0);
    drop(cb);
    let r = probe.record();
    assert_eq!((r.objects_created, r.objects_destroyed), (1, 1));
}

#[test]
fn c_failures_come_back_as_err_with_the_same_hresult() {
    let probe = Probe::new();
    // SAFETY: as in `rust_calls_arrive_in_c_unchanged`.
    let cb = unsafe {
        ProgressCallback::from_raw(probe.new_callback().cast::<IMAPISyncProgressCallback>())
    };
    let text = U16CString::from_str("Inbox").unwrap();

    for (progress, error, done) in [
        (
            HResult::MAPI_E_USER_CANCEL,
            HResult::E_FAIL,
            HResult::MAPI_E_NETWORK_ERROR,
        ),
        (HResult::E_ABORT, HResult::SYNC_E_IGNORE, HResult::E_HANDLE),
        (
            HResult::E_UNEXPECTED,
            HResult(0x8004_1234_u32 as i32),
            HResult::MAPI_E_CANCEL,
        ),
    ] {
        probe.set_answers(progress.0, error.0, done.0);
        let e: Error = cb.progress(Some(&text), 1, 2).unwrap_err();
        assert_eq!(e.hresult(), progress);
        assert_eq!(cb.progress(None, 1, 2).unwrap_err().hresult(), progress);
        let e = cb.error(HResult::S_FALSE, Some(&text)).unwrap_err();
        assert_eq!(e.hresult(), error);
        assert_eq!(HResult::from(e), error);
        let e = cb.done(Handle::NULL, HResult::S_OK).unwrap_err();
        assert_eq!(e.hresult(), done);
    }

    for code in [
        HResult::S_FALSE,
        HResult::MAPI_W_PARTIAL_COMPLETION,
        HResult::MAPI_W_ERRORS_RETURNED,
        HResult::SYNC_W_PROGRESS,
    ] {
        probe.set_answers(code.0, code.0, code.0);
        cb.progress(Some(&text), 1, 2).unwrap();
        cb.error(HResult::E_FAIL, Some(&text)).unwrap();
        cb.done(Handle::NULL, HResult::S_OK).unwrap();
    }
    let r = probe.record();
    assert_eq!(
        (r.progress_calls, r.error_calls, r.done_calls),
        (3 * 2 + 4, 3 + 4, 3 + 4)
    );
}

#[test]
fn too_long_text_never_reaches_c() {
    let probe = Probe::new();
    // SAFETY: as in `rust_calls_arrive_in_c_unchanged`.
    let cb = unsafe {
        ProgressCallback::from_raw(probe.new_callback().cast::<IMAPISyncProgressCallback>())
    };
    let exact = U16CString::from_vec(vec![0x62; MAX_TEXT_LEN]).unwrap();
    let long = U16CString::from_vec(vec![0x62; MAX_TEXT_LEN + 1]).unwrap();

    cb.progress(Some(&exact), 1, 1).unwrap();
    let r = probe.record();
    assert_eq!(
        (r.progress_calls, r.last_text_len as usize),
        (1, MAX_TEXT_LEN)
    );
    cb.error(HResult::E_FAIL, Some(&exact)).unwrap();
    assert_eq!(probe.record().error_calls, 1);

    let e = cb.progress(Some(&long), 2, 2).unwrap_err();
    assert_eq!(e.hresult(), HResult::E_INVALIDARG);
    let e = cb.error(HResult::E_FAIL, Some(&long)).unwrap_err();
    assert_eq!(e.hresult(), HResult::E_INVALIDARG);
    let r = probe.record();
    assert_eq!((r.progress_calls, r.error_calls), (1, 1));
}

#[test]
fn clone_and_drop_move_the_c_count_and_destroy_once() {
    let probe = Probe::new();
    let raw = probe.new_callback().cast::<IMAPISyncProgressCallback>();
    // SAFETY: as in `rust_calls_arrive_in_c_unchanged`.
    let cb = unsafe { ProgressCallback::from_raw(raw) };
    assert_eq!(cb.as_raw(), raw);
    assert_eq!(c_count(raw), 1);

    let clones: Vec<_> = (0..4).map(|_| cb.clone()).collect();
    assert_eq!(c_count(raw), 5);
    assert_eq!(probe.record().add_ref_calls, 4);
    assert!(clones.iter().all(|c| c.as_raw() == raw));
    drop(clones);
    assert_eq!(c_count(raw), 1);
    assert_eq!(probe.record().release_calls, 4);

    // into_raw gives the reference away untouched; from_raw takes it back.
    let back = cb.into_raw();
    assert_eq!((back, c_count(raw)), (raw, 1));
    // SAFETY: `back` carries the reference `into_raw` gave away.
    let cb = unsafe { ProgressCallback::from_raw(back) };
    let other = cb.clone();
    drop(cb);
    let r = probe.record();
    assert_eq!((r.objects_destroyed, c_count(raw)), (0, 1));
    other.progress(None, 1, 1).unwrap();
    drop(other);
    let r = probe.record();
    assert_eq!((r.objects_created, r.objects_destroyed), (1, 1));
    assert_eq!((r.add_ref_calls, r.release_calls), (5, 6));
}

#[test]
fn from_unknown_on_a_c_object_owns_its_own_reference() {
    let probe = Probe::new();
    let raw = probe.new_callback().cast::<IMAPISyncProgressCallback>();
    let unknown = raw.cast::<IUnknown>();

    // SAFETY: `unknown` is live and we hold our own reference on it.
    let cb = unsafe { ProgressCallback::from_unknown(unknown) }.unwrap();
    assert_eq!(cb.as_raw(), raw);
    assert_eq!(c_count(raw), 2);
    assert_eq!(probe.record().query_interface_calls, 1);
    cb.done(Handle(0x42_usize as HANDLE), HResult::S_OK)
        .unwrap();
    assert_eq!(probe.record().last_handle, 0x42);
    drop(cb);
    assert_eq!(c_count(raw), 1);
    assert_eq!(probe.record().objects_destroyed, 0);
    // SAFETY: our own reference.
    assert_eq!(unsafe { fx::fixture_release(raw.cast()) }, 0);
    assert_eq!(probe.record().objects_destroyed, 1);
}

#[test]
fn from_unknown_failure_leaves_the_callers_reference_alone() {
    for (mode, expected) in [
        (fx::FIXTURE_QI_REFUSE_CALLBACK, HResult::E_NOINTERFACE),
        (fx::FIXTURE_QI_NULL_SUCCESS, HResult::E_POINTER),
    ] {
        let probe = Probe::new();
        probe.set_query_mode(mode);
        let raw = probe.new_callback().cast::<IMAPISyncProgressCallback>();

        // SAFETY: `raw` is live and we hold our own reference on it.
        let err = unsafe { ProgressCallback::from_unknown(raw.cast()) }.unwrap_err();
        assert_eq!(err.hresult(), expected, "mode {mode}: {err}");
        let r = probe.record();
        assert_eq!(r.query_interface_calls, 1);
        assert_eq!(
            (r.add_ref_calls, r.release_calls, c_count(raw)),
            (0, 0, 1),
            "mode {mode}"
        );
        // SAFETY: our own reference.
        assert_eq!(unsafe { fx::fixture_release(raw.cast()) }, 0);
        assert_eq!(probe.record().objects_destroyed, 1);
    }

    // SAFETY: null is allowed.
    let err = unsafe { ProgressCallback::from_unknown(ptr::null_mut()) }.unwrap_err();
    assert_eq!(err.hresult(), HResult::E_POINTER);
}

#[test]
fn a_c_object_shared_by_rust_threads_is_destroyed_once() {
    const THREADS: u32 = 8;
    const ROUNDS: u32 = 1_000;
    let probe = Probe::new();
    // SAFETY: as in `rust_calls_arrive_in_c_unchanged`; the C object is free-threaded.
    let cb = unsafe {
        ProgressCallback::from_raw(probe.new_callback().cast::<IMAPISyncProgressCallback>())
    };

    thread::scope(|scope| {
        for t in 0..THREADS {
            let mine = cb.clone();
            scope.spawn(move || {
                let text = U16CString::from_str(format!("thread {t}")).unwrap();
                for i in 0..ROUNDS {
                    let held = mine.clone();
                    held.progress(Some(&text), i, ROUNDS).unwrap();
                    if i % 10 == 0 {
                        held.error(HResult::SYNC_W_PROGRESS, None).unwrap();
                    }
                }
                mine.done(Handle::NULL, HResult::S_OK).unwrap();
            });
        }
    });
    let r = probe.record();
    assert_eq!(r.progress_calls, THREADS * ROUNDS);
    assert_eq!(r.error_calls, THREADS * ROUNDS / 10);
    assert_eq!(r.done_calls, THREADS);
    assert_eq!(r.add_ref_calls, r.release_calls);
    assert_eq!(c_count(cb.as_raw()), 1);
    assert_eq!(r.objects_destroyed, 0);
    drop(cb);
    let r = probe.record();
    assert_eq!(
        (r.objects_destroyed, r.release_calls),
        (1, r.add_ref_calls + 1)
    );
}

#[test]
fn rust_threads_drive_a_rust_object_through_c_and_the_last_release_drops_it() {
    const THREADS: usize = 8;
    let recorder = Recorder::default();
    let drops = recorder.drops.shared();
    let calls = recorder.calls.clone();
    let raw: *mut c_void = ProgressCallback::new(recorder).into_raw().cast();
    // Hand one reference to each thread, C-side, then give up ours.
    for n in 0..THREADS {
        // SAFETY: `raw` carries the reference `into_raw` gave away, so the object is alive.
        assert_eq!(unsafe { fx::fixture_add_ref(raw) }, n as u32 + 2);
    }
    // SAFETY: ours is one of THREADS + 1 references.
    assert_eq!(unsafe { fx::fixture_release(raw) }, THREADS as u32);
    let addr = raw as usize;
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(move || {
                let raw = addr as *mut c_void;
                let mut r = fx::FixtureCallsReport::default();
                // SAFETY: this thread owns one reference until its Release below.
                unsafe {
                    fx::fixture_drive_calls(raw, &mut r);
                    assert_eq!(hr(r.progress_text_hr), HResult::S_OK);
                    fx::fixture_release(raw);
                }
            });
        }
    });
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(calls.lock().unwrap().len(), THREADS * 8);
}
