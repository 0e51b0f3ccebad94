//! The contenders every benchmark compares, with the same interface and the same trivial body.
//!
//! - [`Body`]: mapisync — a [`SyncProgress`] implementation made into a COM object by
//!   [`ProgressCallback::new`], called through its vtable by [`ProgressCallback`].
//! - [`WcPeer`]: windows-core 0.100 — the same six-slot interface declared with
//!   `#[interface]` and implemented with `#[implement]`, called through `IWcProgress`.
//! - [`ComPeer`]: com 0.6 (`production`) — `com::interfaces!` and `com::class!`.
//! - [`Floor`]: the least a correct free-threaded COM object can be: a hand-written vtable, an
//!   `Arc`-style count with no range checks, no panic guard, no bound on text. The hardware's
//!   floor for a call through a vtable.
//! - `&dyn SyncProgress` and `Arc`: what plain Rust pays for the same work.
//!
//! The body is the same everywhere and has no atomic read-modify-write in it: a Relaxed *store*
//! of the arguments (plus the sum of the text's code units, read in full) into the payload, a
//! 4-byte `AtomicU32`.
#![allow(dead_code, non_snake_case)]

use core::ffi::c_void;
use core::ptr::{self, NonNull};
use std::sync::atomic::{fence, AtomicU32, Ordering};

use mapisync::abi::{self, IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, GUID};
use std::any::Any;
use std::hint::black_box;
use std::sync::{Arc, Mutex};

use mapisync::testing::RecordingCallback;
use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, U16CString};

/// The text of the text benchmarks: 40 UTF-16 code units.
pub const TEXT: &str = "Inbox/Projects/2026/Quarterly reports ok";

/// [`TEXT`] as a NUL-terminated UTF-16 string.
pub fn text40() -> U16CString {
    let text = U16CString::from_str(TEXT).unwrap();
    assert_eq!(text.len(), 40);
    text
}

/// Reads every code unit: the "implementation reads the text in full" of every contender.
#[inline]
pub fn sum_units(units: &[u16]) -> u32 {
    units
        .iter()
        .fold(0u32, |sum, &unit| sum.wrapping_add(u32::from(unit)))
}

/// A correct UTF-16 length count (windows-core's `PCWSTR::len` calls the platform `wcslen`, which
/// counts 32-bit units on Linux): what the peers' implementations use to find the end of the text.
///
/// # Safety
///
/// `text` is non-null and readable up to and including its NUL code unit.
#[inline]
pub unsafe fn utf16_len(text: *const u16) -> usize {
    let mut len = 0;
    // SAFETY: the caller guarantees every unit up to the NUL is readable; we stop at the NUL.
    while unsafe { text.add(len).read() } != 0 {
        len += 1;
    }
    len
}

/// The text a peer was handed, read in full, or 0 for NULL.
///
/// # Safety
///
/// As for [`utf16_len`], or `text` is null.
#[inline]
unsafe fn sum_text(text: *const u16) -> u32 {
    if text.is_null() {
        return 0;
    }
    // SAFETY: non-null, and NUL-terminated by the caller's guarantee.
    let len = unsafe { utf16_len(text) };
    // SAFETY: the `len` units before the NUL were just read, so they are readable.
    sum_units(unsafe { core::slice::from_raw_parts(text, len) })
}

/// The payload and the trivial body every contender shares.
#[derive(Default)]
pub struct Body {
    /// The last call's arguments, folded: a plain store, no read-modify-write.
    pub last: AtomicU32,
}

impl Body {
    #[inline]
    pub fn note(&self, text_sum: u32, a: u32, b: u32) {
        self.last
            .store(text_sum.wrapping_add(a).wrapping_add(b), Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------------------------
// mapisync

impl SyncProgress for Body {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.note(text.map_or(0, |t| sum_units(t.as_slice())), index, max);
        Ok(())
    }
    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.note(text.map_or(0, |t| sum_units(t.as_slice())), hr.0 as u32, 0);
        Ok(())
    }
    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        self.note(0, event.0 as usize as u32, hr.0 as u32);
        Ok(())
    }
}

/// A 64-byte payload (eight `u64`s), for the object-size comparison.
#[derive(Default)]
pub struct Body64 {
    pub bytes: [u64; 8],
}

impl SyncProgress for Body64 {
    fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
        Ok(())
    }
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        Ok(())
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// windows-core

use windows_core::Interface;
use windows_core::{implement, interface, IUnknown, HRESULT, PCWSTR};

/// IMAPISyncProgressCallback as windows-core declares it.
#[interface("5024A386-2D44-486A-81A8-8F0ECB6071DD")]
pub unsafe trait IWcProgress: IUnknown {
    fn Progress(&self, text: PCWSTR, index: u32, max: u32) -> HRESULT;
    fn Error(&self, hr: HRESULT, text: PCWSTR) -> HRESULT;
    fn Done(&self, event: *mut c_void, hr: HRESULT) -> HRESULT;
}

// SAFETY: the only objects behind these pointers are `WcPeer`s, which are free-threaded: an atomic
// count and a `Sync` payload. (windows-core leaves the choice to the interface's author.)
unsafe impl Send for IWcProgress {}
// SAFETY: as above.
unsafe impl Sync for IWcProgress {}

/// The windows-core peer.
#[implement(IWcProgress)]
#[derive(Default)]
pub struct WcPeer {
    pub body: Body,
}

impl IWcProgress_Impl for WcPeer_Impl {
    unsafe fn Progress(&self, text: PCWSTR, index: u32, max: u32) -> HRESULT {
        // SAFETY: the caller passes NULL or a NUL-terminated string (the interface's contract).
        self.body.note(unsafe { sum_text(text.0) }, index, max);
        HRESULT(0)
    }
    unsafe fn Error(&self, hr: HRESULT, text: PCWSTR) -> HRESULT {
        // SAFETY: as above.
        self.body.note(unsafe { sum_text(text.0) }, hr.0 as u32, 0);
        HRESULT(0)
    }
    unsafe fn Done(&self, event: *mut c_void, hr: HRESULT) -> HRESULT {
        self.body.note(0, event as usize as u32, hr.0 as u32);
        HRESULT(0)
    }
}

/// The windows-core peer with a 64-byte payload, for the object-size comparison.
#[implement(IWcProgress)]
#[derive(Default)]
pub struct WcPeer64 {
    pub bytes: [u64; 8],
}

impl IWcProgress_Impl for WcPeer64_Impl {
    unsafe fn Progress(&self, _: PCWSTR, _: u32, _: u32) -> HRESULT {
        HRESULT(0)
    }
    unsafe fn Error(&self, _: HRESULT, _: PCWSTR) -> HRESULT {
        HRESULT(0)
    }
    unsafe fn Done(&self, _: *mut c_void, _: HRESULT) -> HRESULT {
        HRESULT(0)
    }
}

/// A new windows-core object, as `IWcProgress` (one reference).
pub fn wc_new() -> IWcProgress {
    WcPeer::default().into()
}

/// `Progress` through windows-core's generated caller method, turned into a `Result` as a
/// windows-core caller would.
#[inline]
pub fn wc_progress(
    p: &IWcProgress,
    text: *const u16,
    index: u32,
    max: u32,
) -> windows_core::Result<()> {
    // SAFETY: `p` owns a reference; `text` is null or NUL-terminated and outlives the call.
    unsafe { p.Progress(PCWSTR(text), index, max) }.ok()
}

// ---------------------------------------------------------------------------------------------
// com 0.6

pub mod com_peer {
    //! The com 0.6 peer, in a module of its own (its macros generate items of fixed names).
    #![allow(
        clippy::undocumented_unsafe_blocks,
        clippy::missing_safety_doc,
        missing_docs
    )]

    use core::ffi::c_void;
    use std::sync::atomic::AtomicU32;

    use com::sys::HRESULT;

    com::interfaces! {
        #[uuid("5024A386-2D44-486A-81A8-8F0ECB6071DD")]
        pub unsafe interface IComProgress: com::interfaces::IUnknown {
            pub fn Progress(&self, text: *const u16, index: u32, max: u32) -> HRESULT;
            pub fn Error(&self, hr: HRESULT, text: *const u16) -> HRESULT;
            pub fn Done(&self, event: *mut c_void, hr: HRESULT) -> HRESULT;
        }
    }

    // SAFETY: the only objects behind these pointers are `ComPeer`s: an atomic count and a
    // `Sync` payload.
    unsafe impl Send for IComProgress {}
    // SAFETY: as above.
    unsafe impl Sync for IComProgress {}

    com::class! {
        pub class ComPeer: IComProgress {
            last: AtomicU32,
        }

        impl IComProgress for ComPeer {
            fn Progress(&self, text: *const u16, index: u32, max: u32) -> HRESULT {
                let sum = unsafe { super::sum_text(text) };
                super::store(&self.last, sum, index, max);
                0
            }
            fn Error(&self, hr: HRESULT, text: *const u16) -> HRESULT {
                let sum = unsafe { super::sum_text(text) };
                super::store(&self.last, sum, hr as u32, 0);
                0
            }
            fn Done(&self, event: *mut c_void, hr: HRESULT) -> HRESULT {
                super::store(&self.last, 0, event as usize as u32, hr as u32);
                0
            }
        }
    }

    com::class! {
        pub class ComPeer64: IComProgress {
            bytes: [u64; 8],
        }

        impl IComProgress for ComPeer64 {
            fn Progress(&self, _text: *const u16, _index: u32, _max: u32) -> HRESULT {
                0
            }
            fn Error(&self, _hr: HRESULT, _text: *const u16) -> HRESULT {
                0
            }
            fn Done(&self, _event: *mut c_void, _hr: HRESULT) -> HRESULT {
                0
            }
        }
    }

    /// A new com 0.6 object seen as `IComProgress` (one reference).
    pub fn com_new() -> IComProgress {
        ComPeer::allocate(AtomicU32::new(0))
            .query_interface::<IComProgress>()
            .unwrap()
    }

    /// `Progress` through com's generated caller method, turned into a `Result`.
    #[inline]
    pub fn com_progress(
        p: &IComProgress,
        text: *const u16,
        index: u32,
        max: u32,
    ) -> Result<(), HRESULT> {
        match unsafe { p.Progress(text, index, max) } {
            hr if hr < 0 => Err(hr),
            _ => Ok(()),
        }
    }
}

/// The same store as [`Body::note`], for the com peer whose field is the bare atomic.
#[inline]
fn store(last: &AtomicU32, text_sum: u32, a: u32, b: u32) {
    last.store(text_sum.wrapping_add(a).wrapping_add(b), Ordering::Relaxed);
}

// ---------------------------------------------------------------------------------------------
// The floor: a minimal hand-written COM object

/// A minimal free-threaded COM object: vtable pointer, count, payload; the least any correct
/// implementation can do in each slot (an `Arc`'s orderings, nothing else).
#[repr(C)]
pub struct Floor {
    vtbl: &'static IMAPISyncProgressCallbackVtbl,
    count: AtomicU32,
    body: Body,
}

static FLOOR_VTBL: IMAPISyncProgressCallbackVtbl = IMAPISyncProgressCallbackVtbl {
    QueryInterface: floor_query_interface,
    AddRef: floor_add_ref,
    Release: floor_release,
    Progress: floor_progress,
    Error: floor_error,
    Done: floor_done,
};

/// # Safety
///
/// `this` is a live `Floor` the caller holds a reference on.
unsafe fn floor<'a>(this: *mut IMAPISyncProgressCallback) -> &'a Floor {
    // SAFETY: a `Floor` pointer is its interface pointer (vtable first, `#[repr(C)]`).
    unsafe { &*this.cast::<Floor>() }
}

unsafe extern "system" fn floor_query_interface(
    this: *mut IMAPISyncProgressCallback,
    riid: *const GUID,
    ppv: *mut *mut c_void,
) -> i32 {
    // SAFETY: COM's contract: `riid` points to a GUID, `ppv` is writable, `this` is alive.
    unsafe {
        if *riid == abi::IID_IUnknown || *riid == abi::IID_IMAPISyncProgressCallback {
            floor(this).count.fetch_add(1, Ordering::Relaxed);
            *ppv = this.cast();
            0
        } else {
            *ppv = ptr::null_mut();
            HResult::E_NOINTERFACE.0
        }
    }
}

unsafe extern "system" fn floor_add_ref(this: *mut IMAPISyncProgressCallback) -> u32 {
    // SAFETY: the caller holds a reference.
    unsafe { floor(this) }.count.fetch_add(1, Ordering::Relaxed) + 1
}

unsafe extern "system" fn floor_release(this: *mut IMAPISyncProgressCallback) -> u32 {
    // SAFETY: the caller holds the reference it gives up here.
    let left = unsafe { floor(this) }.count.fetch_sub(1, Ordering::Release) - 1;
    if left == 0 {
        fence(Ordering::Acquire);
        // SAFETY: the last reference is gone; the block was made by `Box` in `FloorPtr::new`.
        drop(unsafe { Box::from_raw(this.cast::<Floor>()) });
    }
    left
}

unsafe extern "system" fn floor_progress(
    this: *mut IMAPISyncProgressCallback,
    text: *const u16,
    index: u32,
    max: u32,
) -> i32 {
    // SAFETY: the caller holds a reference; `text` is NULL or NUL-terminated.
    unsafe { floor(this).body.note(sum_text(text), index, max) };
    0
}

unsafe extern "system" fn floor_error(
    this: *mut IMAPISyncProgressCallback,
    hr: i32,
    text: *const u16,
) -> i32 {
    // SAFETY: as in `floor_progress`.
    unsafe { floor(this).body.note(sum_text(text), hr as u32, 0) };
    0
}

unsafe extern "system" fn floor_done(
    this: *mut IMAPISyncProgressCallback,
    event: *mut c_void,
    hr: i32,
) -> i32 {
    // SAFETY: the caller holds a reference.
    unsafe { floor(this) }
        .body
        .note(0, event as usize as u32, hr as u32);
    0
}

/// An owning pointer to a [`Floor`]: `Clone` is AddRef, `Drop` is Release, both through the
/// vtable.
pub struct FloorPtr(NonNull<IMAPISyncProgressCallback>);

// SAFETY: `Floor` is free-threaded (atomic count, `Sync` payload).
unsafe impl Send for FloorPtr {}
// SAFETY: as above.
unsafe impl Sync for FloorPtr {}

impl FloorPtr {
    pub fn new() -> FloorPtr {
        let block = Box::new(Floor {
            vtbl: &FLOOR_VTBL,
            count: AtomicU32::new(1),
            body: Body::default(),
        });
        FloorPtr(NonNull::from(Box::leak(block)).cast())
    }

    fn vtbl(&self) -> &IMAPISyncProgressCallbackVtbl {
        // SAFETY: `self` holds a reference; the vtable pointer is the block's first field.
        unsafe { &*(*self.0.as_ptr()).lpVtbl }
    }

    pub fn as_raw(&self) -> *mut IMAPISyncProgressCallback {
        self.0.as_ptr()
    }

    /// `Progress` through the vtable; the raw HRESULT.
    #[inline]
    pub fn progress(&self, text: *const u16, index: u32, max: u32) -> i32 {
        // SAFETY: `self` holds a reference; `text` is null or NUL-terminated.
        unsafe { (self.vtbl().Progress)(self.as_raw(), text, index, max) }
    }

    /// QueryInterface for the object's own IID through the vtable; the new reference, owned.
    #[inline]
    pub fn query(&self) -> Option<FloorPtr> {
        let mut out = ptr::null_mut();
        // SAFETY: `self` holds a reference; `out` is a valid slot.
        let hr = unsafe {
            (self.vtbl().QueryInterface)(
                self.as_raw(),
                &abi::IID_IMAPISyncProgressCallback,
                &mut out,
            )
        };
        (hr >= 0).then(|| FloorPtr(NonNull::new(out.cast()).unwrap()))
    }
}

impl Default for FloorPtr {
    fn default() -> Self {
        FloorPtr::new()
    }
}

impl Clone for FloorPtr {
    fn clone(&self) -> Self {
        // SAFETY: `self` holds a reference; the new one is owned by the result.
        unsafe { (self.vtbl().AddRef)(self.as_raw()) };
        FloorPtr(self.0)
    }
}

impl Drop for FloorPtr {
    fn drop(&mut self) {
        // SAFETY: gives up the reference `self` owns.
        unsafe { (self.vtbl().Release)(self.as_raw()) };
    }
}

// ---------------------------------------------------------------------------------------------
// The contenders, made once, and the measured operations

/// One object of each contender, each behind `black_box` so that no call is devirtualized.
pub struct Contenders {
    pub ours: ProgressCallback,
    pub wc: IWcProgress,
    pub com: com_peer::IComProgress,
    pub floor: FloorPtr,
    pub body: Body,
    pub arc: Arc<Body>,
    pub any: Arc<dyn Any + Send + Sync>,
    pub text: U16CString,
}

impl Contenders {
    pub fn new() -> Contenders {
        Contenders {
            ours: black_box(ProgressCallback::new(Body::default())),
            wc: black_box(wc_new()),
            com: black_box(com_peer::com_new()),
            floor: black_box(FloorPtr::new()),
            body: black_box(Body::default()),
            arc: black_box(Arc::new(Body::default())),
            any: black_box(Arc::new(Body::default())),
            text: black_box(text40()),
        }
    }
}

impl Default for Contenders {
    fn default() -> Self {
        Contenders::new()
    }
}

/// The operations measured, one function each, shared by the criterion benches and the
/// instruction counts so that both measure exactly the same code. Each returns what a caller
/// looks at — for a call, whether it succeeded — and criterion and the counting loop `black_box`
/// that: a `bool` for every contender alike, rather than result types of different sizes, some
/// with drop glue, that `black_box` would force through memory.
pub mod ops {
    use super::*;

    const MAX: u32 = 100_000;

    /// A `(group, contender)` name and the operation.
    pub type Op = (&'static str, &'static str);

    // 1. Progress(NULL, i, n)

    #[inline(always)]
    pub fn progress_null_mapisync(x: &Contenders) -> bool {
        x.ours.progress(None, black_box(7), black_box(MAX)).is_ok()
    }
    #[inline(always)]
    pub fn progress_null_windows_core(x: &Contenders) -> bool {
        wc_progress(&x.wc, ptr::null(), black_box(7), black_box(MAX)).is_ok()
    }
    #[inline(always)]
    pub fn progress_null_com(x: &Contenders) -> bool {
        com_peer::com_progress(&x.com, ptr::null(), black_box(7), black_box(MAX)).is_ok()
    }
    #[inline(always)]
    pub fn progress_null_dyn_trait(x: &Contenders) -> bool {
        let imp: &dyn SyncProgress = black_box(&x.body);
        imp.progress(None, black_box(7), black_box(MAX)).is_ok()
    }
    #[inline(always)]
    pub fn progress_null_floor(x: &Contenders) -> bool {
        x.floor.progress(ptr::null(), black_box(7), black_box(MAX)) >= 0
    }

    // 2. Progress(40-unit text, i, n), the implementation reading the text in full

    #[inline(always)]
    pub fn progress_text40_mapisync(x: &Contenders) -> bool {
        x.ours
            .progress(Some(black_box(&*x.text)), black_box(7), black_box(MAX))
            .is_ok()
    }
    #[inline(always)]
    pub fn progress_text40_windows_core(x: &Contenders) -> bool {
        let text = black_box(x.text.as_ptr());
        wc_progress(&x.wc, text, black_box(7), black_box(MAX)).is_ok()
    }
    #[inline(always)]
    pub fn progress_text40_com(x: &Contenders) -> bool {
        let text = black_box(x.text.as_ptr());
        com_peer::com_progress(&x.com, text, black_box(7), black_box(MAX)).is_ok()
    }
    /// The trait call is handed the length with the slice: it counts nothing.
    #[inline(always)]
    pub fn progress_text40_dyn_trait(x: &Contenders) -> bool {
        let imp: &dyn SyncProgress = black_box(&x.body);
        imp.progress(Some(black_box(&*x.text)), black_box(7), black_box(MAX))
            .is_ok()
    }
    #[inline(always)]
    pub fn progress_text40_floor(x: &Contenders) -> bool {
        x.floor
            .progress(black_box(x.text.as_ptr()), black_box(7), black_box(MAX))
            >= 0
    }

    // 3a. AddRef + Release

    #[inline(always)]
    pub fn add_ref_release_mapisync(x: &Contenders) {
        drop(black_box(x.ours.clone()));
    }
    #[inline(always)]
    pub fn add_ref_release_windows_core(x: &Contenders) {
        drop(black_box(x.wc.clone()));
    }
    #[inline(always)]
    pub fn add_ref_release_com(x: &Contenders) {
        drop(black_box(x.com.clone()));
    }
    #[inline(always)]
    pub fn add_ref_release_floor(x: &Contenders) {
        drop(black_box(x.floor.clone()));
    }
    #[inline(always)]
    pub fn add_ref_release_arc(x: &Contenders) {
        drop(black_box(Arc::clone(&x.arc)));
    }

    // 3b. QueryInterface(own IID) + Release

    #[inline(always)]
    pub fn query_interface_release_mapisync(x: &Contenders) -> bool {
        // SAFETY: `x.ours` holds a reference on the object, which is free-threaded.
        unsafe { ProgressCallback::from_unknown(x.ours.as_unknown()) }.is_ok()
    }
    #[inline(always)]
    pub fn query_interface_release_windows_core(x: &Contenders) -> bool {
        x.wc.cast::<IWcProgress>().is_ok()
    }
    #[inline(always)]
    pub fn query_interface_release_com(x: &Contenders) -> bool {
        x.com.query_interface::<com_peer::IComProgress>().is_some()
    }
    #[inline(always)]
    pub fn query_interface_release_floor(x: &Contenders) -> bool {
        x.floor.query().is_some()
    }
    /// Plain Rust's nearest thing: a new reference and a type check by a 128-bit id.
    #[inline(always)]
    pub fn query_interface_release_arc(x: &Contenders) -> bool {
        Arc::clone(&x.any).downcast::<Body>().is_ok()
    }

    // 3c. Create + destroy

    #[inline(always)]
    pub fn create_destroy_mapisync(_: &Contenders) {
        drop(black_box(ProgressCallback::new(Body::default())));
    }
    #[inline(always)]
    pub fn create_destroy_windows_core(_: &Contenders) {
        drop(black_box(wc_new()));
    }
    #[inline(always)]
    pub fn create_destroy_com(_: &Contenders) {
        drop(black_box(com_peer::ComPeer::allocate(AtomicU32::new(0))));
    }
    #[inline(always)]
    pub fn create_destroy_floor(_: &Contenders) {
        drop(black_box(FloorPtr::new()));
    }
    #[inline(always)]
    pub fn create_destroy_arc(_: &Contenders) {
        drop(black_box(Arc::new(Body::default())));
    }
}

// ---------------------------------------------------------------------------------------------
// Group 5: recording calls

/// What a test author writes by hand instead of the recording callback: each call pushed onto a
/// `Mutex<Vec<_>>`.
#[derive(Default)]
pub struct PushLog {
    pub calls: Mutex<Vec<PushedCall>>,
}

/// One call as [`PushLog`] keeps it: the text's code units, the index and the maximum.
pub type PushedCall = (Option<Vec<u16>>, u32, u32);

impl PushLog {
    #[inline]
    pub fn push(&self, text: Option<&U16CStr>, index: u32, max: u32) {
        let text = text.map(|t| t.as_slice().to_vec());
        self.calls.lock().unwrap().push((text, index, max));
    }
}

/// The COM object's value: a shared [`PushLog`].
pub struct PushCallback(pub Arc<PushLog>);

impl SyncProgress for PushCallback {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.0.push(text, index, max);
        Ok(())
    }
    fn error(&self, _: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.0.push(text, 0, 0);
        Ok(())
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        self.0.push(None, 0, 0);
        Ok(())
    }
}

/// A fresh set of logs (the benches make one per sample, so that no log grows without bound).
pub struct Recorders {
    /// mapisync's `RecordingCallback`, and the callback a provider would be handed.
    pub recorder: RecordingCallback,
    pub recorder_cb: ProgressCallback,
    /// A hand-written `Mutex<Vec<_>>` implementation behind the same COM object.
    pub push_cb: ProgressCallback,
    /// The bare push, no COM call.
    pub push: Arc<PushLog>,
    pub text: U16CString,
}

impl Recorders {
    pub fn new() -> Recorders {
        let recorder = RecordingCallback::default();
        let recorder_cb = black_box(recorder.callback());
        let push = Arc::new(PushLog::default());
        Recorders {
            recorder,
            recorder_cb,
            push_cb: black_box(ProgressCallback::new(PushCallback(Arc::clone(&push)))),
            push: black_box(push),
            text: text40(),
        }
    }

    /// Calls recorded so far, for the sanity checks.
    pub fn recorded(&self) -> (usize, usize) {
        (
            self.recorder.records().len(),
            self.push.calls.lock().unwrap().len(),
        )
    }
}

impl Default for Recorders {
    fn default() -> Self {
        Recorders::new()
    }
}

pub mod record_ops {
    use super::*;

    #[inline(always)]
    pub fn recorder_null_recording_callback(x: &Recorders) -> Result<()> {
        x.recorder_cb
            .progress(None, black_box(7), black_box(100_000))
    }
    #[inline(always)]
    pub fn recorder_null_mutex_vec_callback(x: &Recorders) -> Result<()> {
        x.push_cb.progress(None, black_box(7), black_box(100_000))
    }
    #[inline(always)]
    pub fn recorder_null_mutex_vec_push(x: &Recorders) {
        x.push.push(None, black_box(7), black_box(100_000));
    }
    #[inline(always)]
    pub fn recorder_text40_recording_callback(x: &Recorders) -> Result<()> {
        x.recorder_cb
            .progress(Some(black_box(&*x.text)), black_box(7), black_box(100_000))
    }
    #[inline(always)]
    pub fn recorder_text40_mutex_vec_callback(x: &Recorders) -> Result<()> {
        x.push_cb
            .progress(Some(black_box(&*x.text)), black_box(7), black_box(100_000))
    }
    #[inline(always)]
    pub fn recorder_text40_mutex_vec_push(x: &Recorders) {
        x.push
            .push(Some(black_box(&*x.text)), black_box(7), black_box(100_000));
    }
}

// ---------------------------------------------------------------------------------------------
// The counting loop

/// Runs `op` on `x` `n` times, the argument and each result behind `black_box`: the loop whose
/// instructions callgrind counts (benches/instructions.rs, benches/guard.rs), the same code for
/// every contender, so its own handful of instructions is the same in every count.
#[inline(never)]
pub fn repeat<X, R>(x: &X, n: u64, op: impl Fn(&X) -> R) {
    for _ in 0..n {
        black_box(op(black_box(x)));
    }
}

// ---------------------------------------------------------------------------------------------
// Shared bench settings

/// Registers one criterion group: every contender's operation, in one process, one after another.
#[allow(unused_macros)]
macro_rules! bench_group {
    ($c:expr, $x:expr, $group:literal, [$($name:literal => $op:path),* $(,)?]) => {{
        let x = $x;
        let mut group = $c.benchmark_group($group);
        $(group.bench_function($name, |b| b.iter(|| $op(x)));)*
        group.finish();
    }};
}

/// Criterion with enough samples for a shared, noisy 2-core machine.
pub fn criterion() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(200)
        .warm_up_time(std::time::Duration::from_secs(2))
        .measurement_time(std::time::Duration::from_secs(6))
        .noise_threshold(0.03)
        .configure_from_args()
}
