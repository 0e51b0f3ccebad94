//! `mapisync_record`: one recorded call as C reads it, and the copy that keeps its text alive.

use core::ffi::c_int;
use core::ptr;

use crate::abi::{HANDLE, HRESULT, ULONG, WCHAR};
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::{Call, Record, Text};

/// `MAPISYNC_SLOT_PROGRESS`.
pub(super) const SLOT_PROGRESS: c_int = 0;
/// `MAPISYNC_SLOT_ERROR`.
pub(super) const SLOT_ERROR: c_int = 1;
/// `MAPISYNC_SLOT_DONE`.
pub(super) const SLOT_DONE: c_int = 2;

/// The C value of `slot`.
pub(super) fn slot_to_c(slot: Slot) -> c_int {
    match slot {
        Slot::Progress => SLOT_PROGRESS,
        Slot::Error => SLOT_ERROR,
        Slot::Done => SLOT_DONE,
    }
}

/// The slot a C `mapisync_slot` names, or `E_INVALIDARG`.
pub(super) fn slot_from_c(slot: c_int) -> Result<Slot, HResult> {
    match slot {
        SLOT_PROGRESS => Ok(Slot::Progress),
        SLOT_ERROR => Ok(Slot::Error),
        SLOT_DONE => Ok(Slot::Done),
        _ => Err(HResult::E_INVALIDARG),
    }
}

/// `mapisync_record`, field for field as the header declares it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct mapisync_record {
    /// The kit's `Record::seq`.
    pub seq: u64,
    /// A `mapisync_slot`.
    pub slot: c_int,
    /// Nonzero for a call refused before it reached the recorder.
    pub refused: c_int,
    /// Progress's `ulIndex`.
    pub index: ULONG,
    /// Progress's `ulIndexMax`.
    pub index_max: ULONG,
    /// Error's and Done's HRESULT.
    pub hr: HRESULT,
    /// Done's event.
    pub event: HANDLE,
    /// A NUL-terminated copy of the text, or NULL.
    pub text: *const WCHAR,
    /// Code units of `text`, without the NUL.
    pub text_len: usize,
    /// What the recorder answered.
    pub answer: HRESULT,
}

// The layout the header's static asserts pin, asserted on the Rust side too.
const _: () = {
    use core::mem::{offset_of, size_of};
    let p = size_of::<usize>();
    assert!(offset_of!(mapisync_record, seq) == 0);
    assert!(offset_of!(mapisync_record, slot) == 8);
    assert!(offset_of!(mapisync_record, refused) == 12);
    assert!(offset_of!(mapisync_record, index) == 16);
    assert!(offset_of!(mapisync_record, index_max) == 20);
    assert!(offset_of!(mapisync_record, hr) == 24);
    assert!(offset_of!(mapisync_record, event) == if p == 8 { 32 } else { 28 });
    assert!(offset_of!(mapisync_record, text) == offset_of!(mapisync_record, event) + p);
    assert!(offset_of!(mapisync_record, text_len) == offset_of!(mapisync_record, text) + p);
    assert!(offset_of!(mapisync_record, answer) == offset_of!(mapisync_record, text_len) + p);
    assert!(size_of::<c_int>() == 4);
};

/// A record in C form, with the NUL-terminated copy of its text that `record.text` points into
/// (a boxed slice does not move when the list of kept records grows).
pub(super) struct Kept {
    pub(super) record: mapisync_record,
    _text: Option<Box<[WCHAR]>>,
}

// SAFETY: `record.text` points into `_text`, owned by the same value and never written after
// creation; `record.event` is an opaque handle value. Nothing is shared with another owner.
unsafe impl Send for Kept {}

impl Kept {
    /// The C form of `record`.
    pub(super) fn new(record: &Record) -> Kept {
        let mut c = mapisync_record {
            seq: record.seq,
            slot: slot_to_c(record.call.slot()),
            refused: 0,
            index: 0,
            index_max: 0,
            hr: 0,
            event: ptr::null_mut(),
            text: ptr::null(),
            text_len: 0,
            answer: record.answer.0,
        };
        let text = match &record.call {
            Call::Progress { text, index, max } => {
                c.index = *index;
                c.index_max = *max;
                text.as_ref()
            }
            Call::Error { hr, text } => {
                c.hr = hr.0;
                text.as_ref()
            }
            Call::Done { event, hr } => {
                c.event = event.0;
                c.hr = hr.0;
                None
            }
            Call::Refused { .. } => {
                c.refused = 1;
                None
            }
        };
        let text = text.map(nul_terminated);
        if let Some(units) = &text {
            c.text = units.as_ptr();
            c.text_len = units.len() - 1;
        }
        Kept {
            record: c,
            _text: text,
        }
    }
}

/// The code units of `text` with a NUL after them.
fn nul_terminated(text: &Text) -> Box<[WCHAR]> {
    let mut units = Vec::with_capacity(text.units().len() + 1);
    units.extend_from_slice(text.units());
    units.push(0);
    units.into_boxed_slice()
}
