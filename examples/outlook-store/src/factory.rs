//! `mapisync_make_store`: the factory `mapisync-check` loads from the shared library.

use core::ffi::c_void;

use mapisync::HResult;

/// The folders each store walks: nine `Progress` and a `Done`, ten calls a run.
const FOLDERS: [&str; 9] = [
    "Inbox",
    "Sent Items",
    "Calendar",
    "Contacts",
    "Tasks",
    "Notes",
    "Journal",
    "Drafts",
    "Outbox",
];

/// One new store object per call, one reference in `*out` (the caller releases it): on Windows
/// the whole message store, seen as IUnknown; elsewhere its `IMAPISync`, whose IUnknown it is.
/// `E_POINTER` for a null `out`.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_make_store(out: *mut *mut c_void) -> i32 {
    if out.is_null() {
        return HResult::E_POINTER.0;
    }
    let store = new_store();
    // SAFETY: `out` is not null, and the caller's guarantee makes it writable.
    unsafe { out.write(store) };
    HResult::S_OK.0
}

/// A new store with one reference, as a raw IUnknown pointer.
#[cfg(windows)]
fn new_store() -> *mut c_void {
    let store: windows_core::IUnknown = crate::Store::new(&FOLDERS).into();
    windows_core::Interface::into_raw(store)
}

/// A new store with one reference, as a raw IUnknown pointer.
#[cfg(not(windows))]
fn new_store() -> *mut c_void {
    mapisync::MapiSync::new(crate::Folders::new(&FOLDERS))
        .into_raw()
        .cast()
}

/// Fails: `E_OUTOFMEMORY`, nothing written.
///
/// # Safety
///
/// None: `out` is not touched.
#[cfg(feature = "planted-crash")]
#[no_mangle]
pub unsafe extern "C" fn mapisync_make_store_failing(_out: *mut *mut c_void) -> i32 {
    HResult::E_OUTOFMEMORY.0
}

/// Says `S_OK` and writes NULL.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[cfg(feature = "planted-crash")]
#[no_mangle]
pub unsafe extern "C" fn mapisync_make_store_null(out: *mut *mut c_void) -> i32 {
    if !out.is_null() {
        // SAFETY: the caller's guarantee.
        unsafe { out.write(core::ptr::null_mut()) };
    }
    HResult::S_OK.0
}

/// Crashes the process.
///
/// # Safety
///
/// None: it never returns.
#[cfg(feature = "planted-crash")]
#[no_mangle]
pub unsafe extern "C" fn mapisync_make_store_crashing(_out: *mut *mut c_void) -> i32 {
    std::process::abort()
}
