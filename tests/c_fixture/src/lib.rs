//! The C test fixture of `mapisync`: Rust declarations of the functions in `c/fixture.h`.
//!
//! Written against `c/mapisync.h`, a C declaration of the interfaces made from the reference
//! independently of `mapisync::abi`, the fixture has three parts:
//!
//! - **layout**: what a C compiler makes of every declaration ([`fixture_layout`]);
//! - **a C caller** that drives an `IMAPISyncProgressCallback` made elsewhere (in the tests, by
//!   `mapisync::ProgressCallback::new`): [`fixture_check_identity`], [`fixture_drive_calls`],
//!   [`fixture_call_with_text_of`] and one function per slot;
//! - **a C implementation** of `IMAPISyncProgressCallback` ([`fixture_callback_new`]) whose calls
//!   and destruction are recorded in a [`FixtureProbe`] that outlives it.
//!
//! This crate deliberately does not depend on `mapisync` (it is one of its dev-dependencies):
//! interface pointers are `*mut c_void` here and the tests cast them to the `mapisync::abi`
//! types; HRESULTs are `i32`, ULONGs `u32`, WCHARs `u16`. The fixture's own functions use the C
//! calling convention (`extern "C"`); only the COM slots are `extern "system"`.
#![warn(missing_docs)]

use core::ffi::c_void;
use core::marker::{PhantomData, PhantomPinned};

/// `FIXTURE_IID_IUNKNOWN`: [`fixture_iid`] returns the C definition of `IID_IUnknown`.
pub const FIXTURE_IID_IUNKNOWN: u32 = 0;
/// `FIXTURE_IID_CALLBACK`: [`fixture_iid`] returns `IID_IMAPISyncProgressCallback`.
pub const FIXTURE_IID_CALLBACK: u32 = 1;
/// `FIXTURE_IID_SYNC`: [`fixture_iid`] returns `IID_IMAPISync`.
pub const FIXTURE_IID_SYNC: u32 = 2;
/// `FIXTURE_IID_OTHER`: [`fixture_iid`] returns a made-up IID that no object answers.
pub const FIXTURE_IID_OTHER: u32 = 3;

/// `FIXTURE_QI_NORMAL`: the C object's QueryInterface follows the COM rules.
pub const FIXTURE_QI_NORMAL: u32 = 0;
/// `FIXTURE_QI_REFUSE_CALLBACK`: `E_NOINTERFACE` for `IID_IMAPISyncProgressCallback`
/// (`IID_IUnknown` still works).
pub const FIXTURE_QI_REFUSE_CALLBACK: u32 = 1;
/// `FIXTURE_QI_NULL_SUCCESS`: broken on purpose: `S_OK` with `*ppv = NULL` and no AddRef for
/// `IID_IMAPISyncProgressCallback`.
pub const FIXTURE_QI_NULL_SUCCESS: u32 = 2;

/// `FIXTURE_TEXT_CAP`: how many code units of the last text a probe keeps.
pub const FIXTURE_TEXT_CAP: usize = 64;

/// `FixtureLayout`: every size, alignment and offset of `mapisync.h` as the C compiler laid it
/// out. Field names follow the C declarations (`<struct>_<field>` for offsets).
#[allow(non_snake_case)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixtureLayout {
    /// `sizeof(ULONG)`.
    pub ulong_size: usize,
    /// `sizeof(HRESULT)`.
    pub hresult_size: usize,
    /// `sizeof(WCHAR)`.
    pub wchar_size: usize,
    /// `sizeof(HANDLE)`.
    pub handle_size: usize,

    /// `sizeof(GUID)`.
    pub guid_size: usize,
    /// `_Alignof(GUID)`.
    pub guid_align: usize,
    /// `offsetof(GUID, Data1)`.
    pub guid_Data1: usize,
    /// `offsetof(GUID, Data2)`.
    pub guid_Data2: usize,
    /// `offsetof(GUID, Data3)`.
    pub guid_Data3: usize,
    /// `offsetof(GUID, Data4)`.
    pub guid_Data4: usize,

    /// `sizeof(IUnknown)`.
    pub iunknown_size: usize,
    /// `sizeof(IUnknownVtbl)`.
    pub iunknown_vtbl_size: usize,
    /// `_Alignof(IUnknownVtbl)`.
    pub iunknown_vtbl_align: usize,
    /// `offsetof(IUnknownVtbl, QueryInterface)`.
    pub iunknown_vtbl_QueryInterface: usize,
    /// `offsetof(IUnknownVtbl, AddRef)`.
    pub iunknown_vtbl_AddRef: usize,
    /// `offsetof(IUnknownVtbl, Release)`.
    pub iunknown_vtbl_Release: usize,

    /// `sizeof(IMAPISyncProgressCallback)`.
    pub callback_size: usize,
    /// `sizeof(IMAPISyncProgressCallbackVtbl)`.
    pub callback_vtbl_size: usize,
    /// `_Alignof(IMAPISyncProgressCallbackVtbl)`.
    pub callback_vtbl_align: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, QueryInterface)`.
    pub callback_vtbl_QueryInterface: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, AddRef)`.
    pub callback_vtbl_AddRef: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, Release)`.
    pub callback_vtbl_Release: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, Progress)`.
    pub callback_vtbl_Progress: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, Error)`.
    pub callback_vtbl_Error: usize,
    /// `offsetof(IMAPISyncProgressCallbackVtbl, Done)`.
    pub callback_vtbl_Done: usize,

    /// `sizeof(IMAPISync)`.
    pub sync_size: usize,
    /// `sizeof(IMAPISyncVtbl)`.
    pub sync_vtbl_size: usize,
    /// `_Alignof(IMAPISyncVtbl)`.
    pub sync_vtbl_align: usize,
    /// `offsetof(IMAPISyncVtbl, QueryInterface)`.
    pub sync_vtbl_QueryInterface: usize,
    /// `offsetof(IMAPISyncVtbl, AddRef)`.
    pub sync_vtbl_AddRef: usize,
    /// `offsetof(IMAPISyncVtbl, Release)`.
    pub sync_vtbl_Release: usize,
    /// `offsetof(IMAPISyncVtbl, SynchronizeInBackground)`.
    pub sync_vtbl_SynchronizeInBackground: usize,

    /// `sizeof(MAPISIB)`.
    pub mapisib_size: usize,
    /// `_Alignof(MAPISIB)`.
    pub mapisib_align: usize,
    /// `offsetof(MAPISIB, ulSize)`.
    pub mapisib_ulSize: usize,
    /// `offsetof(MAPISIB, ulFlags)`.
    pub mapisib_ulFlags: usize,
    /// `offsetof(MAPISIB, psesSync)`.
    pub mapisib_psesSync: usize,
    /// `offsetof(MAPISIB, punkCallBack)`.
    pub mapisib_punkCallBack: usize,
    /// `offsetof(MAPISIB, phSyncDoneEvent)`.
    pub mapisib_phSyncDoneEvent: usize,
}

/// `FixtureIdentityReport`: what [`fixture_check_identity`] saw, in the order it did it.
///
/// The object starts with a count of N (the caller's references); every count is what
/// AddRef/Release returned. Pointers are given as integers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixtureIdentityReport {
    /// The pointer passed in.
    pub unknown: usize,

    /// `QueryInterface(IID_IMAPISync, &ppv)`, `ppv` pre-filled with garbage.
    pub qi_sync_hr: i32,
    /// `ppv` after it.
    pub qi_sync_ppv: usize,
    /// `QueryInterface(a made-up IID, &ppv)`, `ppv` pre-filled with garbage.
    pub qi_other_hr: i32,
    /// `ppv` after it.
    pub qi_other_ppv: usize,
    /// `QueryInterface(IID_IUnknown, NULL)`.
    pub qi_null_ppv_hr: i32,
    /// `QueryInterface(NULL, &ppv)`, `ppv` pre-filled with garbage.
    pub qi_null_riid_hr: i32,
    /// `ppv` after it.
    pub qi_null_riid_ppv: usize,
    /// `AddRef` after the failures: N + 1 if none of them AddRef'd.
    pub add_ref_after_failures: u32,
    /// The matching `Release`: N.
    pub release_after_failures: u32,

    /// `QueryInterface(IID_IMAPISyncProgressCallback)` on the pointer passed in.
    pub qi_callback_hr: i32,
    /// What it returned.
    pub callback: usize,
    /// `QueryInterface(IID_IUnknown)` on the pointer passed in.
    pub qi_unknown1_hr: i32,
    /// What it returned.
    pub unknown1: usize,
    /// `QueryInterface(IID_IUnknown)` on the pointer passed in, again.
    pub qi_unknown2_hr: i32,
    /// What it returned.
    pub unknown2: usize,
    /// `QueryInterface(IID_IUnknown)` on the callback pointer.
    pub qi_unknown_via_callback_hr: i32,
    /// What it returned.
    pub unknown_via_callback: usize,
    /// `QueryInterface(IID_IMAPISyncProgressCallback)` on the callback pointer.
    pub qi_callback_via_callback_hr: i32,
    /// What it returned.
    pub callback_via_callback: usize,
    /// `AddRef` after the five: N + 6.
    pub add_ref: u32,
    /// The matching `Release`: N + 5.
    pub release: u32,
    /// Releasing the five references, last obtained first: N + 4 down to N.
    pub releases: [u32; 5],
}

/// `FixtureCallsReport`: what each call of [`fixture_drive_calls`] returned, in call order.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixtureCallsReport {
    /// `QueryInterface(IID_IMAPISyncProgressCallback)`; nothing else ran if it failed.
    pub qi_hr: i32,
    /// `Progress(fixture_progress_text(), 1, 10)`.
    pub progress_text_hr: i32,
    /// `Progress(NULL, 2, 10)`.
    pub progress_null_hr: i32,
    /// `Error(S_FALSE, fixture_error_text())`.
    pub error_s_false_hr: i32,
    /// `Error(MAPI_W_PARTIAL_COMPLETION, fixture_error_text())`.
    pub error_warning_hr: i32,
    /// `Error(E_FAIL, fixture_error_text())`.
    pub error_fail_hr: i32,
    /// `Error(MAPI_E_NETWORK_ERROR, NULL)`.
    pub error_null_hr: i32,
    /// `Done(fixture_done_handle(), S_OK)`.
    pub done_hr: i32,
    /// `Done(NULL, MAPI_E_USER_CANCEL)`.
    pub done_null_hr: i32,
    /// `Release` of the QueryInterface'd pointer.
    pub release: u32,
}

/// `FixtureRecord`: a snapshot of what the C objects of one probe were asked.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixtureRecord {
    /// Objects made with this probe.
    pub objects_created: u32,
    /// Objects destroyed (count reached zero).
    pub objects_destroyed: u32,
    /// QueryInterface calls.
    pub query_interface_calls: u32,
    /// AddRef calls, including those QueryInterface made.
    pub add_ref_calls: u32,
    /// Release calls.
    pub release_calls: u32,
    /// Progress calls.
    pub progress_calls: u32,
    /// Error calls.
    pub error_calls: u32,
    /// Done calls.
    pub done_calls: u32,
    /// `ulIndex` of the last Progress.
    pub last_index: u32,
    /// `ulIndexMax` of the last Progress.
    pub last_index_max: u32,
    /// `hResult` of the last Error.
    pub last_error_hr: i32,
    /// `hResult` of the last Done.
    pub last_done_hr: i32,
    /// `hThreadDoneEvent` of the last Done.
    pub last_handle: usize,
    /// 1 if the last text (of Progress or Error) was NULL.
    pub last_text_null: u32,
    /// Its length in code units, before the NUL.
    pub last_text_len: u32,
    /// Its first [`FIXTURE_TEXT_CAP`] code units, zero-padded.
    pub last_text: [u16; FIXTURE_TEXT_CAP],
}

impl Default for FixtureRecord {
    /// All zero, as C's `memset` leaves it.
    fn default() -> Self {
        FixtureRecord {
            objects_created: 0,
            objects_destroyed: 0,
            query_interface_calls: 0,
            add_ref_calls: 0,
            release_calls: 0,
            progress_calls: 0,
            error_calls: 0,
            done_calls: 0,
            last_index: 0,
            last_index_max: 0,
            last_error_hr: 0,
            last_done_hr: 0,
            last_handle: 0,
            last_text_null: 0,
            last_text_len: 0,
            last_text: [0; FIXTURE_TEXT_CAP],
        }
    }
}

impl FixtureRecord {
    /// The recorded last text, as far as it was kept (`None` if it was NULL).
    pub fn text(&self) -> Option<&[u16]> {
        if self.last_text_null != 0 {
            return None;
        }
        let kept = (self.last_text_len as usize).min(FIXTURE_TEXT_CAP);
        Some(&self.last_text[..kept])
    }
}

/// `FixtureProbe`: owns the answers and the record of the C objects made with it; outlives them.
/// Opaque: only ever behind a pointer.
#[repr(C)]
pub struct FixtureProbe {
    _opaque: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

extern "C" {
    /// Fills `*out` with the C layout; returns `sizeof(FixtureLayout)`.
    pub fn fixture_layout(out: *mut FixtureLayout) -> usize;

    /// The C definition of an IID (a `*const GUID`), one of the `FIXTURE_IID_*`; null for
    /// another value.
    pub fn fixture_iid(which: u32) -> *const c_void;

    /// Runs the IUnknown rules against `unknown`, a live object (an `IUnknown*`) the caller holds
    /// a reference on, and reports what it saw; leaves the count as it found it.
    /// Returns `sizeof(FixtureIdentityReport)`.
    pub fn fixture_check_identity(unknown: *mut c_void, out: *mut FixtureIdentityReport) -> usize;

    /// QueryInterfaces `unknown` (an `IUnknown*`) for `IMAPISyncProgressCallback` and makes the
    /// eight calls of [`FixtureCallsReport`] in order, then releases.
    /// Returns `sizeof(FixtureCallsReport)`.
    pub fn fixture_drive_calls(unknown: *mut c_void, out: *mut FixtureCallsReport) -> usize;

    /// The static `const WCHAR[]` that [`fixture_drive_calls`] passes to Progress; `*len` (if
    /// not null) receives its length before the NUL. Holds an unpaired surrogate 0xD800.
    pub fn fixture_progress_text(len: *mut usize) -> *const u16;

    /// The static `const WCHAR[]` that [`fixture_drive_calls`] passes to Error; as
    /// [`fixture_progress_text`].
    pub fn fixture_error_text(len: *mut usize) -> *const u16;

    /// The handle [`fixture_drive_calls`] passes to Done: `(HANDLE)0x1234`.
    pub fn fixture_done_handle() -> *mut c_void;

    /// `unknown->lpVtbl->QueryInterface(unknown, riid, ppv)`, from C.
    pub fn fixture_query_interface(
        unknown: *mut c_void,
        riid: *const c_void,
        ppv: *mut *mut c_void,
    ) -> i32;

    /// `unknown->lpVtbl->AddRef(unknown)`, from C.
    pub fn fixture_add_ref(unknown: *mut c_void) -> u32;

    /// `unknown->lpVtbl->Release(unknown)`, from C.
    pub fn fixture_release(unknown: *mut c_void) -> u32;

    /// `cb->lpVtbl->Progress(cb, text, index, index_max)`, from C.
    pub fn fixture_progress(cb: *mut c_void, text: *const u16, index: u32, index_max: u32) -> i32;

    /// `cb->lpVtbl->Error(cb, hr, text)`, from C.
    pub fn fixture_error(cb: *mut c_void, hr: i32, text: *const u16) -> i32;

    /// `cb->lpVtbl->Done(cb, event, hr)`, from C.
    pub fn fixture_done(cb: *mut c_void, event: *mut c_void, hr: i32) -> i32;

    /// QueryInterfaces `unknown` for `IMAPISyncProgressCallback`, mallocs exactly `units` code
    /// units of `'a'` plus, if `nul_terminated != 0`, one NUL, and passes the buffer to
    /// `Progress(buf, units, 0)` (`slot` 3) or `Error(E_FAIL, buf)` (`slot` 4). Returns that
    /// call's HRESULT (or QueryInterface's failure, `E_OUTOFMEMORY`, `E_NOTIMPL` for another slot).
    pub fn fixture_call_with_text_of(
        unknown: *mut c_void,
        slot: u32,
        units: usize,
        nul_terminated: i32,
    ) -> i32;

    /// A new probe: answers `S_OK` everywhere, [`FIXTURE_QI_NORMAL`], an empty record. Null if
    /// out of memory.
    pub fn fixture_probe_new() -> *mut FixtureProbe;

    /// Frees a probe once none of its objects is alive.
    pub fn fixture_probe_free(probe: *mut FixtureProbe);

    /// What the probe's objects return from Progress, Error and Done from now on.
    pub fn fixture_probe_set_answers(
        probe: *mut FixtureProbe,
        progress: i32,
        error: i32,
        done: i32,
    );

    /// One of the `FIXTURE_QI_*` modes for the probe's objects.
    pub fn fixture_probe_set_query_mode(probe: *mut FixtureProbe, mode: u32);

    /// Copies the probe's record into `*out`; returns `sizeof(FixtureRecord)`.
    pub fn fixture_probe_record(probe: *mut FixtureProbe, out: *mut FixtureRecord) -> usize;

    /// A new C `IMAPISyncProgressCallback*` reporting to `probe`, with a count of 1 owned by the
    /// caller. Null if out of memory.
    pub fn fixture_callback_new(probe: *mut FixtureProbe) -> *mut c_void;

    /// The count of a live C object made by [`fixture_callback_new`], read without changing it.
    pub fn fixture_callback_ref_count(cb: *mut c_void) -> u32;
}
