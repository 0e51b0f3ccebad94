//! Calls through the vtable into a Rust implementation: arguments arrive unchanged, answers come
//! back unchanged, and panics stay on the Rust side.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::{count, Call, DropHook, Recorder};
use mapisync::{
    Error, HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, U16CString,
};

#[test]
fn text_arrives_as_the_same_code_units() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);
    // An unpaired high surrogate, an unpaired low one, and a proper pair.
    let units = vec![0x49, 0x6E, 0xD800, 0x62, 0xDC00, 0xD83D, 0xDCEC];
    let text = U16CString::from_vec(units.clone()).unwrap();
    cb.progress(Some(&text), 3, 7).unwrap();
    cb.progress(None, 4, 7).unwrap();
    cb.error(HResult::MAPI_E_NETWORK_ERROR, Some(&text))
        .unwrap();
    cb.error(HResult::E_FAIL, None).unwrap();
    let empty = U16CString::new();
    cb.progress(Some(&empty), 5, 7).unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            Call::Progress(Some(units.clone()), 3, 7),
            Call::Progress(None, 4, 7),
            Call::Error(HResult::MAPI_E_NETWORK_ERROR, Some(units)),
            Call::Error(HResult::E_FAIL, None),
            Call::Progress(Some(vec![]), 5, 7),
        ]
    );
}

#[test]
fn hresult_arguments_pass_unchanged_success_and_warning_codes_included() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);
    let codes = [
        HResult::S_OK,
        HResult::S_FALSE,
        HResult::MAPI_W_ERRORS_RETURNED,
        HResult::MAPI_W_PARTIAL_COMPLETION,
        HResult::SYNC_W_PROGRESS,
        HResult::MAPI_E_USER_CANCEL,
        HResult(0x7ABC_DEF0),
        HResult(-1),
    ];
    for hr in codes {
        cb.error(hr, None).unwrap();
        cb.done(Handle(0x1234 as *mut _), hr).unwrap();
    }
    let expected: Vec<Call> = codes
        .iter()
        .flat_map(|&hr| {
            [
                Call::Error(hr, None),
                Call::Done(Handle(0x1234 as *mut _), hr),
            ]
        })
        .collect();
    assert_eq!(*calls.lock().unwrap(), expected);
}

#[test]
fn failure_answers_come_back_unchanged_from_every_slot() {
    for hr in [
        HResult::MAPI_E_USER_CANCEL,
        HResult::E_FAIL,
        HResult::SYNC_E_CONFLICT,
        HResult(0x8123_4567_u32 as i32),
    ] {
        let cb = ProgressCallback::new(Recorder::answering(hr));
        assert_eq!(cb.progress(None, 0, 1).unwrap_err().hresult(), hr);
        assert_eq!(cb.error(HResult::E_FAIL, None).unwrap_err().hresult(), hr);
        assert_eq!(
            cb.done(Handle::NULL, HResult::S_OK).unwrap_err(),
            Error::from(hr)
        );
    }
}

/// Panics in the slot named by `slot` (0 = Progress, 1 = Error, 2 = Done) while `armed` is set.
struct Panicky {
    slot: u32,
    armed: AtomicU32,
}

impl Panicky {
    fn maybe_panic(&self, slot: u32) -> Result<()> {
        if slot == self.slot && self.armed.load(Ordering::SeqCst) != 0 {
            panic!("deliberate panic in slot {slot}");
        }
        Ok(())
    }
}

impl SyncProgress for Panicky {
    fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
        self.maybe_panic(0)
    }
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        self.maybe_panic(1)
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        self.maybe_panic(2)
    }
}

fn call(cb: &ProgressCallback, slot: u32) -> Result<()> {
    match slot {
        0 => cb.progress(None, 1, 2),
        1 => cb.error(HResult::E_FAIL, None),
        _ => cb.done(Handle::NULL, HResult::S_OK),
    }
}

#[test]
fn a_panic_in_any_slot_is_e_unexpected_and_the_object_stays_usable() {
    for slot in 0..3 {
        let cb = ProgressCallback::new(Panicky {
            slot,
            armed: AtomicU32::new(1),
        });
        for _ in 0..3 {
            assert_eq!(
                call(&cb, slot).unwrap_err(),
                Error::from(HResult::E_UNEXPECTED),
                "slot {slot}"
            );
            // The other slots are unaffected, and the count is intact.
            for other in (0..3).filter(|&o| o != slot) {
                call(&cb, other).unwrap();
            }
            assert_eq!(count(&cb), 1);
        }
    }
}

#[test]
fn a_panicking_destructor_does_not_cross_release() {
    // The last Release must not unwind into its caller.
    let cb = ProgressCallback::new(DropHook(|| panic!("deliberate panic in Drop")));
    let raw = cb.into_raw();
    // SAFETY: `raw` carries the one reference; this is the last Release.
    let left = unsafe { common::release(raw.cast()) };
    assert_eq!(left, 0);
}
