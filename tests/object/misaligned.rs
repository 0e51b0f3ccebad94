//! Pointers that cross the ABI at odd addresses, as C allows on x86 and packed buffers make them:
//! text, QueryInterface's IID and out-pointer, and the MAPISIB with its done-event slot. Each is
//! read and written unaligned; the implementation sees an aligned copy of the text.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::c_void;
use std::mem::size_of;
use std::ptr;

use common::{count, Call, Recorder};
use mapisync::abi::{self, IID_IMAPISyncProgressCallback, HANDLE, MAPISIB, WCHAR};
use mapisync::{
    Event, HResult, Handle, MapiSync, ProgressCallback, Result, SyncFlags, SyncProvider,
    SyncRequest, SyncWorker, MAX_TEXT_LEN,
};

/// A buffer of bytes whose `at(1)` is an odd address.
struct Packed(Vec<u64>);

impl Packed {
    fn new(bytes: usize) -> Packed {
        Packed(vec![0; bytes / 8 + 2])
    }
    /// The address `offset` bytes in (the buffer itself is 8-aligned).
    fn at(&mut self, offset: usize) -> *mut u8 {
        // SAFETY: `offset` stays within the buffer in every use below.
        unsafe { self.0.as_mut_ptr().cast::<u8>().add(offset) }
    }
    /// Writes UTF-16 `units` and a NUL at `offset`, unaligned; returns the text pointer.
    fn text(&mut self, offset: usize, units: &[u16]) -> *const WCHAR {
        let p = self.at(offset).cast::<u16>();
        for (i, &u) in units.iter().chain([&0]).enumerate() {
            // SAFETY: within the buffer; unaligned write.
            unsafe { p.add(i).write_unaligned(u) };
        }
        p
    }
}

#[test]
fn text_at_an_odd_address_arrives_whole() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let cb = ProgressCallback::new(recorder);
    let units: Vec<u16> = "Inbox 📬".encode_utf16().collect();
    let mut buffer = Packed::new(64);
    let text = buffer.text(1, &units);
    assert_eq!(text as usize % 2, 1);
    let this = cb.as_raw();
    // SAFETY: `cb` holds a reference; `text` is NUL-terminated within `buffer`.
    let (progress, error) = unsafe {
        let vtbl = &*(*this).lpVtbl;
        (
            (vtbl.Progress)(this, text, 1, 2),
            (vtbl.Error)(this, HResult::MAPI_W_ERRORS_RETURNED.0, text),
        )
    };
    assert_eq!(
        (HResult(progress), HResult(error)),
        (HResult::S_OK, HResult::S_OK)
    );
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            Call::Progress(Some(units.clone()), 1, 2),
            Call::Error(HResult::MAPI_W_ERRORS_RETURNED, Some(units)),
        ]
    );
}

#[test]
fn unterminated_text_at_an_odd_address_is_refused_within_the_bound() {
    let cb = ProgressCallback::new(Recorder::default());
    // Exactly MAX_TEXT_LEN + 1 units, none a NUL: all the thunk may read.
    let mut buffer = Packed::new(1 + 2 * (MAX_TEXT_LEN + 1));
    let p = buffer.at(1).cast::<u16>();
    for i in 0..=MAX_TEXT_LEN {
        // SAFETY: within the buffer; unaligned write.
        unsafe { p.add(i).write_unaligned(0x61) };
    }
    let this = cb.as_raw();
    // SAFETY: `cb` holds a reference; the text is readable up to the bound.
    let hr = unsafe { ((*(*this).lpVtbl).Progress)(this, p, 0, 1) };
    assert_eq!(HResult(hr), HResult::E_INVALIDARG);
}

#[test]
fn query_interface_reads_and_writes_at_odd_addresses() {
    let cb = ProgressCallback::new(Recorder::default());
    let mut buffer = Packed::new(64);
    let iid = buffer.at(1).cast::<abi::IID>();
    let out = buffer.at(17 + 8).cast::<*mut c_void>();
    // SAFETY: both within the buffer; unaligned writes.
    unsafe {
        iid.write_unaligned(IID_IMAPISyncProgressCallback);
        out.write_unaligned(ptr::null_mut());
    }
    let p = cb.as_unknown();
    // SAFETY: `cb` holds a reference; `iid` and `out` are readable and writable at any alignment.
    let hr = unsafe { ((*(*p).lpVtbl).QueryInterface)(p, iid, out) };
    assert_eq!(HResult(hr), HResult::S_OK);
    // SAFETY: written by QueryInterface above.
    let got = unsafe { out.read_unaligned() };
    assert_eq!(got, cb.as_raw().cast());
    assert_eq!(count(&cb), 2);
    // SAFETY: gives back the reference QueryInterface took.
    unsafe { common::release(got.cast()) };
}

struct Store;

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |_| Ok(HResult::S_OK))
    }
}

#[test]
fn a_mapisib_at_an_odd_address_is_read_and_its_handle_written() {
    let store = MapiSync::new(Store);
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let callback = ProgressCallback::new(recorder);
    let mut buffer = Packed::new(1 + size_of::<MAPISIB>() + 1 + size_of::<HANDLE>());
    let sib = buffer.at(1).cast::<MAPISIB>();
    let slot = buffer.at(1 + size_of::<MAPISIB>() + 1).cast::<HANDLE>();
    // SAFETY: both within the buffer; unaligned writes.
    unsafe {
        slot.write_unaligned(ptr::null_mut());
        sib.write_unaligned(MAPISIB {
            ulSize: size_of::<MAPISIB>() as u32,
            ulFlags: SyncFlags::DOWNLOAD_CONTENTS.bits(),
            psesSync: ptr::null_mut(),
            punkCallBack: callback.as_unknown(),
            phSyncDoneEvent: slot,
        });
    }
    let this = store.as_raw();
    // SAFETY: `store` and `callback` hold references for the call; the MAPISIB and the handle
    // slot are readable and writable at any alignment.
    let hr = unsafe { ((*(*this).lpVtbl).SynchronizeInBackground)(this, sib) };
    assert_eq!(HResult(hr), HResult::S_OK);
    // SAFETY: written by the store above.
    let done = Handle(unsafe { slot.read_unaligned() });
    Event::from_handle(done).unwrap().wait();
    Event::close_handle(done).unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        vec![Call::Done(done, HResult::S_OK)]
    );
}
