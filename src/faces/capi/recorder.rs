//! `mapisync_recorder_*`: the kit's [`RecordingCallback`], seen from C.

use core::ffi::c_int;
use core::ptr;

use parking_lot::Mutex;

use super::boundary::{boundary, clear_out, free_boxed, hresult, required};
use super::record::{mapisync_record, slot_from_c, Kept};
use crate::abi::{IMAPISyncProgressCallback, HRESULT};
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::{RecordingCallback, Script};

/// `mapisync_recorder`: the recording callback, the script as C has built it so far, and the C
/// copies of the records read so far (whose text lives as long as the recorder).
pub struct Recorder {
    pub(super) recording: RecordingCallback,
    script: Mutex<Script>,
    kept: Mutex<Vec<Kept>>,
}

impl Recorder {
    /// Adds a rule to the script and hands the whole script to the recording callback.
    fn answer(&self, slot: Slot, first: u64, last: u64, answer: HResult) {
        let mut script = self.script.lock();
        *script = script.clone().answer(slot, first..=last, answer);
        self.recording.set_script(script.clone());
    }
}

/// Makes a recorder that answers every call `S_OK` until told otherwise. Free it with
/// `mapisync_recorder_free`.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_new(out: *mut *mut Recorder) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        let recorder = Box::new(Recorder {
            recording: RecordingCallback::new(Script::new()),
            script: Mutex::new(Script::new()),
            kept: Mutex::new(Vec::new()),
        });
        // SAFETY: checked non-null and writable above; the box passes to the caller.
        unsafe { out.write(Box::into_raw(recorder)) };
        Ok(HResult::S_OK)
    })
}

/// Frees the recorder and its copies of the records. NULL is a no-op. References a provider
/// still holds on its callback stay valid (the object outlives the recorder).
///
/// # Safety
///
/// `recorder` is null or was made by `mapisync_recorder_new` and is not used after this call.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_free(recorder: *mut Recorder) {
    // SAFETY: made by `Box::into_raw` in `mapisync_recorder_new`, and given back once, by the
    // caller's guarantee.
    unsafe { free_boxed(recorder) }
}

/// Calls `first..=last` of `slot` (counted from 1; `last` = `UINT64_MAX`: from `first` on) answer
/// `answer`, a failure code. The first rule that covers a call decides.
///
/// # Safety
///
/// `recorder` is null or a live recorder.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_answer(
    recorder: *mut Recorder,
    slot: c_int,
    first: u64,
    last: u64,
    answer: HRESULT,
) -> HRESULT {
    hresult(|| {
        required(recorder)?;
        let slot = slot_from_c(slot)?;
        if HResult(answer).is_success() || first == 0 || first > last {
            return Err(HResult::E_INVALIDARG);
        }
        // SAFETY: non-null, and live by the caller's guarantee.
        unsafe { &*recorder }.answer(slot, first, last, HResult(answer));
        Ok(HResult::S_OK)
    })
}

/// The user presses Cancel at the `n`th Progress: `MAPI_E_USER_CANCEL` from the `n`th on.
///
/// # Safety
///
/// `recorder` is null or a live recorder.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_cancel_progress_from(
    recorder: *mut Recorder,
    n: u64,
) -> HRESULT {
    // SAFETY: the caller's guarantee, passed on.
    unsafe {
        mapisync_recorder_answer(
            recorder,
            super::record::SLOT_PROGRESS,
            n,
            u64::MAX,
            HResult::MAPI_E_USER_CANCEL.0,
        )
    }
}

/// The recording callback, borrowed: the recorder keeps its own reference; AddRef what you keep.
/// NULL for NULL.
///
/// # Safety
///
/// `recorder` is null or a live recorder.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_callback(
    recorder: *mut Recorder,
) -> *mut IMAPISyncProgressCallback {
    boundary(ptr::null_mut(), || {
        // SAFETY: null or live, by the caller's guarantee.
        match unsafe { recorder.as_ref() } {
            // The reference `callback()` takes is dropped at once: the pointer stays valid on
            // the recorder's own reference, which lives as long as the recorder.
            Some(recorder) => recorder.recording.callback().as_raw(),
            None => ptr::null_mut(),
        }
    })
}

/// How many calls the recorder has recorded (0 for NULL).
///
/// # Safety
///
/// `recorder` is null or a live recorder.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_count(recorder: *const Recorder) -> usize {
    boundary(0, || {
        // SAFETY: null or live, by the caller's guarantee.
        unsafe { recorder.as_ref() }.map_or(0, |r| r.recording.len())
    })
}

/// Copies the `i`th record (from 0) into `*out`; its text stays valid as long as the recorder.
/// `E_INVALIDARG` when `i` is past the count; nothing is written on failure.
///
/// # Safety
///
/// `recorder` is null or a live recorder; `out` is null or valid for writing a record.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_get(
    recorder: *const Recorder,
    i: usize,
    out: *mut mapisync_record,
) -> HRESULT {
    hresult(|| {
        required(recorder)?;
        required(out)?;
        // SAFETY: non-null, and live by the caller's guarantee.
        let recorder = unsafe { &*recorder };
        let mut kept = recorder.kept.lock();
        if i >= kept.len() {
            // Records only ever append: copy the ones not kept yet.
            let records = recorder.recording.records();
            let have = kept.len();
            kept.extend(records.iter().skip(have).map(Kept::new));
        }
        let record = kept.get(i).ok_or(HResult::E_INVALIDARG)?.record;
        // SAFETY: non-null, and writable by the caller's guarantee.
        unsafe { out.write(record) };
        Ok(HResult::S_OK)
    })
}

/// References the provider still holds on the recorder's callback (0 for NULL).
///
/// # Safety
///
/// `recorder` is null or a live recorder.
#[no_mangle]
pub unsafe extern "C" fn mapisync_recorder_outstanding_references(
    recorder: *const Recorder,
) -> u32 {
    boundary(0, || {
        // SAFETY: null or live, by the caller's guarantee.
        unsafe { recorder.as_ref() }.map_or(0, |r| r.recording.outstanding_references())
    })
}
