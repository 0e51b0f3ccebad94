//! Helpers shared by the C interop tests (`tests/c/c_interop.rs`, `tests/c/c_sync.rs`): the
//! fixture's IIDs, texts and counts seen from C. Included as `#[path = "../common/c.rs"] mod
//! c_common;` by those files only: it needs the workspace's C fixture crate, which the published crate does
//! not carry.
#![allow(dead_code)]

use core::ffi::c_void;

use mapisync::abi::GUID;
use mapisync::HResult;
use mapisync_c_fixture as fx;

/// `value` as an `HResult`, for codes the C fixture writes as plain integers.
pub fn hr(value: i32) -> HResult {
    HResult(value)
}

/// A pointer no object lives at, to check that something is left untouched.
pub fn garbage() -> *mut c_void {
    0xBAAD_F00D_usize as *mut c_void
}

/// The C definition of one of the fixture's IIDs (`FIXTURE_IID_*`).
pub fn c_iid(which: u32) -> *const GUID {
    // SAFETY: no precondition; the result is a static or null.
    let iid = unsafe { fx::fixture_iid(which) };
    assert!(!iid.is_null(), "the fixture has no IID number {which}");
    iid.cast()
}

/// `s` as UTF-16 code units, without a NUL.
pub fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// One of the fixture's static texts, as code units.
pub fn c_text(f: unsafe extern "C" fn(*mut usize) -> *const u16) -> Vec<u16> {
    let mut len = 0;
    // SAFETY: `len` is writable; the text is a static array of `len` units and a NUL.
    unsafe {
        let text = f(&mut len);
        std::slice::from_raw_parts(text, len).to_vec()
    }
}

/// The count of a live C callback object, as the C side holds it.
pub fn callback_count<T>(cb: *mut T) -> u32 {
    // SAFETY: the callers pass a live C object made by `fixture_callback_new`.
    unsafe { fx::fixture_callback_ref_count(cb.cast()) }
}

/// Gives up a reference on any C or Rust object, from C; the count C's Release returned.
pub fn c_release<T>(unknown: *mut T) -> u32 {
    // SAFETY: the callers pass a live object on which they give up one reference they own.
    unsafe { fx::fixture_release(unknown.cast()) }
}
