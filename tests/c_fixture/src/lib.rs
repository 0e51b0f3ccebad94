//! The C test fixture of `mapisync`: Rust declarations of the functions in `c/fixture.h`.
//!
//! Written against the library's C header `include/mapisync.h`, a C declaration of the interfaces
//! made from the reference independently of `mapisync::abi`, the fixture has five parts:
//!
//! - **layout**: what a C compiler makes of every declaration ([`fixture_layout`]);
//! - **a C caller** that drives an `IMAPISyncProgressCallback` made elsewhere (in the tests, by
//!   `mapisync::ProgressCallback::new`): [`fixture_check_identity`], [`fixture_drive_calls`],
//!   [`fixture_call_with_text_of`] and one function per slot;
//! - **a C implementation** of `IMAPISyncProgressCallback` ([`fixture_callback_new`]) whose calls
//!   and destruction are recorded in a [`FixtureProbe`] that outlives it;
//! - **a C host** that calls `IMAPISync::SynchronizeInBackground` on a store made elsewhere, with
//!   a correct `MAPISIB` or one of the bad ones ([`fixture_sync_host`], `FIXTURE_SIB_*`);
//! - **a C store** implementing `IMAPISync` ([`fixture_store_new`]), configurable
//!   ([`FixtureStoreConfig`]) down to misbehaviours (`FIXTURE_STORE_*`), whose runs are recorded
//!   in the probe ([`fixture_probe_store_record`]).
//!
//! This crate deliberately does not depend on `mapisync` (it is one of its dev-dependencies):
//! interface pointers are `*mut c_void` here and the tests cast them to the `mapisync::abi`
//! types; HRESULTs are `i32`, ULONGs `u32`, WCHARs `u16`. The fixture's own functions use the C
//! calling convention (`extern "C"`); only the COM slots are `extern "system"`.
#![warn(missing_docs)]

use core::ffi::c_void;
use core::marker::{PhantomData, PhantomPinned};

mod probe;
pub use probe::Probe;

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

/// `FIXTURE_SENTINEL`: what [`fixture_sync_host`] pre-fills its `HANDLE` variable with. Still
/// there after the call means the store wrote nothing through `phSyncDoneEvent`.
pub const FIXTURE_SENTINEL: usize = 0x5A5A_5A50;

/// `FIXTURE_SYNC_ALL_FLAGS`: every `SYNC_*` bit `mapisync.h` defines.
pub const FIXTURE_SYNC_ALL_FLAGS: u32 = 0x2202_12C3;

/// `FIXTURE_SIB_GOOD`: [`fixture_sync_host`] sends a correct `MAPISIB`
/// (`ulSize = sizeof(MAPISIB)`).
pub const FIXTURE_SIB_GOOD: u32 = 0;
/// `FIXTURE_SIB_NULL`: `psibpb = NULL`.
pub const FIXTURE_SIB_NULL: u32 = 1;
/// `FIXTURE_SIB_SIZE_ZERO`: `ulSize = 0`.
pub const FIXTURE_SIB_SIZE_ZERO: u32 = 2;
/// `FIXTURE_SIB_SIZE_SMALL`: `ulSize = sizeof(MAPISIB) - 1`.
pub const FIXTURE_SIB_SIZE_SMALL: u32 = 3;
/// `FIXTURE_SIB_NULL_DONE_EVENT`: `phSyncDoneEvent = NULL`.
pub const FIXTURE_SIB_NULL_DONE_EVENT: u32 = 4;
/// `FIXTURE_SIB_NULL_CALLBACK`: `punkCallBack = NULL`, whatever callback is passed.
pub const FIXTURE_SIB_NULL_CALLBACK: u32 = 5;
/// `FIXTURE_SIB_EXTENDED`: a `FixtureMapisibV2` (`MAPISIB` then three more fields), with
/// `ulSize = sizeof(FixtureMapisibV2)`.
pub const FIXTURE_SIB_EXTENDED: u32 = 6;

/// `FIXTURE_STORE_DONE_TWICE`: the C store calls `Done` twice.
pub const FIXTURE_STORE_DONE_TWICE: u32 = 0x01;
/// `FIXTURE_STORE_SKIP_DONE`: the C store never calls `Done`.
pub const FIXTURE_STORE_SKIP_DONE: u32 = 0x02;
/// `FIXTURE_STORE_LEAK_CALLBACK`: the C store keeps its callback reference (released when the
/// store is destroyed, or by [`fixture_store_release_leaked`]).
pub const FIXTURE_STORE_LEAK_CALLBACK: u32 = 0x04;
/// `FIXTURE_STORE_WRONG_HANDLE`: `Done` brings back [`FIXTURE_WRONG_HANDLE`].
pub const FIXTURE_STORE_WRONG_HANDLE: u32 = 0x08;
/// `FIXTURE_STORE_SKIP_SIGNAL`: the signal function is never called.
pub const FIXTURE_STORE_SKIP_SIGNAL: u32 = 0x10;
/// `FIXTURE_STORE_NO_HANDLE`: `S_OK` without writing `*phSyncDoneEvent`.
pub const FIXTURE_STORE_NO_HANDLE: u32 = 0x20;
/// `FIXTURE_STORE_PROGRESS_AFTER_DONE`: `Progress(NULL, steps, steps)` after `Done`.
pub const FIXTURE_STORE_PROGRESS_AFTER_DONE: u32 = 0x40;
/// `FIXTURE_STORE_IGNORE_CANCEL`: carries on after a failed `Progress`, and ends with the
/// configured status.
pub const FIXTURE_STORE_IGNORE_CANCEL: u32 = 0x80;

/// `FIXTURE_WRONG_HANDLE`: what `FIXTURE_STORE_WRONG_HANDLE` passes to `Done`; odd, so never an
/// emulated event handle.
pub const FIXTURE_WRONG_HANDLE: usize = 0x4321;

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

/// `FixtureHostReport`: what [`fixture_sync_host`] did and saw. Pointers are given as integers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixtureHostReport {
    /// `QueryInterface(IID_IMAPISync)` on the store; nothing else ran if it failed.
    pub qi_hr: i32,
    /// The `IMAPISync*` it gave (0 if it failed).
    pub sync: usize,
    /// 1 if `SynchronizeInBackground` was called.
    pub called: u32,
    /// The `ulSize` sent (0 with [`FIXTURE_SIB_NULL`]).
    pub size: u32,
    /// What `SynchronizeInBackground` returned.
    pub hr: i32,
    /// The host's `HANDLE` variable afterwards: [`FIXTURE_SENTINEL`] if untouched.
    pub done_event: usize,
    /// 1 if the `MAPISIB` sent (`[in]` only) was left as it was.
    pub sib_intact: u32,
    /// With [`FIXTURE_SIB_EXTENDED`]: 1 if the fields after `MAPISIB` were left alone.
    pub tail_intact: u32,
    /// The host's `Release` of its `IMAPISync` reference: the count left.
    pub release: u32,
}

/// `FixtureStoreConfig`: what a synchronization of the C store does.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixtureStoreConfig {
    /// `Progress(fixture_progress_text(), i, steps)` for `i` in `1..=steps`; a failed answer
    /// ends the loop and becomes the final status.
    pub steps: u32,
    /// Nonzero: then `Error(error_hr, fixture_error_text())` (unless cancelled).
    pub call_error: u32,
    /// The HRESULT of that `Error`.
    pub error_hr: i32,
    /// The status passed to `Done`.
    pub final_hr: i32,
    /// `FIXTURE_STORE_*` bits; 0 for a store that keeps the protocol.
    pub misbehaviours: u32,
    /// Nonzero, with a spawn function set: run on a thread it starts.
    pub threaded: u32,
}

impl Default for FixtureStoreConfig {
    /// What [`fixture_store_new`] starts with: 3 steps, no `Error` (`MAPI_E_NETWORK_ERROR` if
    /// enabled), final `S_OK`, no misbehaviour, synchronous.
    fn default() -> Self {
        FixtureStoreConfig {
            steps: 3,
            call_error: 0,
            error_hr: 0x8004_0115_u32 as i32,
            final_hr: 0,
            misbehaviours: 0,
            threaded: 0,
        }
    }
}

/// `FixtureStoreRecord`: what the C stores of one probe did.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixtureStoreRecord {
    /// `SynchronizeInBackground` calls.
    pub sync_calls: u32,
    /// What the last one returned.
    pub last_sync_hr: i32,
    /// Its `MAPISIB.ulSize` (0 if `psibpb` was null).
    pub last_size: u32,
    /// Its `MAPISIB.ulFlags` (0 if it got no further than `ulSize`).
    pub last_flags: u32,
    /// Its `psesSync` (0 if it got no further than `ulSize`).
    pub last_session: usize,
    /// The done event the last started run handed out.
    pub last_event: usize,
    /// Synchronizations started, synchronously or on a thread.
    pub runs_started: u32,
    /// Those that got to the end, just before the signal.
    pub runs_finished: u32,
    /// Calls of the signal function.
    pub signals: u32,
    /// `Done` calls the stores made.
    pub done_calls: u32,
    /// The status of the last `Done`.
    pub last_done_status: i32,
    /// `Progress`/`Error`/`Done` calls the host answered with a failure.
    pub failed_answers: u32,
    /// The last such answer.
    pub last_failed_answer: i32,
}

/// `FixtureSignalFn`: sets the done event `event` for the C store (which cannot: events are
/// emulated by whoever creates them).
pub type FixtureSignalFn = unsafe extern "C" fn(event: *mut c_void);

/// `FixtureRunFn`: what the C store gives a [`FixtureSpawnFn`] to run.
pub type FixtureRunFn = unsafe extern "C" fn(arg: *mut c_void);

/// `FixtureSpawnFn`: runs `run(arg)` on a new, detached thread; returns 0 if it started,
/// anything else if not.
pub type FixtureSpawnFn = unsafe extern "C" fn(run: FixtureRunFn, arg: *mut c_void) -> i32;

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

    /// Plays Outlook's part up to the wait: QueryInterfaces `store` (an `IUnknown*` the caller
    /// holds a reference on) for `IID_IMAPISync`, builds the `MAPISIB` that `variant` (one of the
    /// `FIXTURE_SIB_*`) says with `flags`, `session` (may be null) and `callback` (may be null, or
    /// any `IUnknown*`), pre-fills the `HANDLE` variable with [`FIXTURE_SENTINEL`], calls
    /// `SynchronizeInBackground`, releases its `IMAPISync` reference and reports in `*out`. It does
    /// not wait for the done event nor close it: that is the caller's. An unknown `variant` sends
    /// nothing and reports `hr = E_NOTIMPL`. Returns `sizeof(FixtureHostReport)`.
    pub fn fixture_sync_host(
        store: *mut c_void,
        variant: u32,
        flags: u32,
        session: *mut c_void,
        callback: *mut c_void,
        out: *mut FixtureHostReport,
    ) -> usize;

    /// A new C store (an `IMAPISync*`) recording into `probe`, which must outlive it, with a count
    /// of 1 owned by the caller; configured as [`FixtureStoreConfig::default`], without an event,
    /// a signal or a spawn function. Null if out of memory.
    ///
    /// Its QueryInterface answers `IID_IUnknown` and `IID_IMAPISync` only. Its
    /// `SynchronizeInBackground` checks the `MAPISIB` as mapisync's Rust stores do
    /// (`E_INVALIDARG`, `MAPI_E_UNKNOWN_FLAGS`, `E_NOINTERFACE`, in the same order), then needs an
    /// event ([`fixture_store_set_next_event`]; `E_FAIL` without), runs the synchronization
    /// synchronously (or on a thread from the spawn function when configured `threaded`;
    /// `E_OUTOFMEMORY` if it fails to start), releases the callback, the session and itself, calls
    /// the signal function, writes the event through `phSyncDoneEvent` and returns `S_OK`.
    pub fn fixture_store_new(probe: *mut FixtureProbe) -> *mut c_void;

    /// What the next synchronizations of `store` do (copied).
    pub fn fixture_store_configure(store: *mut c_void, config: *const FixtureStoreConfig);

    /// The done event the next `SynchronizeInBackground` of `store` hands out; a started run
    /// consumes it.
    pub fn fixture_store_set_next_event(store: *mut c_void, event: *mut c_void);

    /// The function `store` calls to signal its done event (`None`: it signals nothing).
    pub fn fixture_store_set_signal(store: *mut c_void, signal: Option<FixtureSignalFn>);

    /// The function `store` starts its threads with (`None`: it always runs synchronously).
    pub fn fixture_store_set_spawn(store: *mut c_void, spawn: Option<FixtureSpawnFn>);

    /// Releases a callback reference kept by [`FIXTURE_STORE_LEAK_CALLBACK`] now; 1 if there was
    /// one, 0 if not.
    pub fn fixture_store_release_leaked(store: *mut c_void) -> u32;

    /// The count of a live C store, read without changing it.
    pub fn fixture_store_ref_count(store: *mut c_void) -> u32;

    /// Copies the store part of the probe's record into `*out`; returns
    /// `sizeof(FixtureStoreRecord)`.
    pub fn fixture_probe_store_record(
        probe: *mut FixtureProbe,
        out: *mut FixtureStoreRecord,
    ) -> usize;
}

/// Kernel events from C (`c/win32_events.c`), Windows targets only.
#[cfg(windows)]
pub mod win32 {
    use core::ffi::c_void;

    /// `fixture_win32_wait_and_close`'s bit for a `CloseHandle` that succeeded.
    pub const CLOSED: u32 = 1 << 16;

    extern "C" {
        /// `CreateEventW(NULL, TRUE, FALSE, NULL)`: a C provider's done event; null on failure.
        pub fn fixture_win32_event_new() -> *mut c_void;

        /// `SetEvent(event)`: usable as the C store's signal function.
        pub fn fixture_win32_event_set(event: *mut c_void);

        /// A C host's end of a run: `WaitForSingleObject(event, ms)`, then `CloseHandle(event)`.
        /// The wait's result in the low 16 bits (0: signalled), [`CLOSED`] if the close succeeded.
        pub fn fixture_win32_wait_and_close(event: *mut c_void, ms: u32) -> u32;
    }
}
