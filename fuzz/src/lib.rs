//! Shared pieces of the fuzz targets: a "foreign" COM object laid out by hand the way C would lay
//! it out (so mapisync sees it only through its vtable), whose QueryInterface and slots answer
//! whatever the fuzzer chooses, misbehaving in the ways real providers and hosts do.

use core::ffi::c_void;
use core::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use arbitrary::Arbitrary;
use mapisync::abi::{
    self, IID_IMAPISyncProgressCallback, IID_IUnknown, IMAPISyncProgressCallback,
    IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, REFIID, ULONG, WCHAR,
};
use mapisync::HResult;

/// How a foreign object answers QueryInterface for `IID_IMAPISyncProgressCallback`.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum QiMode {
    /// By the COM rules: `S_OK`, itself, AddRef'd.
    Normal,
    /// A failure (the severity bit is forced on), `*ppv = NULL`.
    Refuse(i32),
    /// Broken: `S_OK` with `*ppv = NULL` and no AddRef.
    NullSuccess,
    /// A success code other than `S_OK` (`S_FALSE`, a warning), itself, AddRef'd.
    OddSuccess(u16),
    /// Broken: a failure code, yet `*ppv` left pointing at itself, and no AddRef.
    FailureWithPointer,
}

impl QiMode {
    /// The HRESULT this mode returns for the callback IID.
    pub fn hresult(self) -> HResult {
        match self {
            QiMode::Normal | QiMode::NullSuccess => HResult::S_OK,
            QiMode::Refuse(hr) => HResult(hr | i32::MIN),
            QiMode::OddSuccess(code) => HResult(i32::from(code.max(1))),
            QiMode::FailureWithPointer => HResult::E_NOINTERFACE,
        }
    }

    /// Whether a successful QueryInterface hands out a usable reference.
    pub fn hands_out_a_reference(self) -> bool {
        matches!(self, QiMode::Normal | QiMode::OddSuccess(_))
    }
}

/// A foreign `IMAPISyncProgressCallback`: the vtable pointer first, then what C would keep.
#[repr(C)]
pub struct Foreign {
    vtbl: *const IMAPISyncProgressCallbackVtbl,
    count: AtomicU32,
    qi: QiMode,
    answer: HRESULT,
    calls: AtomicU32,
}

static FOREIGN_VTBL: IMAPISyncProgressCallbackVtbl = IMAPISyncProgressCallbackVtbl {
    QueryInterface: foreign_query_interface,
    AddRef: foreign_add_ref,
    Release: foreign_release,
    Progress: foreign_progress,
    Error: foreign_error,
    Done: foreign_done,
};

/// Objects made and not yet freed, to check that every reference mapisync took came back.
static LIVE: AtomicU32 = AtomicU32::new(0);

impl Foreign {
    /// A new foreign object with a count of one, owned by the caller; its Progress, Error and Done
    /// answer `answer`.
    pub fn create(qi: QiMode, answer: HRESULT) -> *mut IMAPISyncProgressCallback {
        LIVE.fetch_add(1, Ordering::Relaxed);
        Box::into_raw(Box::new(Foreign {
            vtbl: &FOREIGN_VTBL,
            count: AtomicU32::new(1),
            qi,
            answer,
            calls: AtomicU32::new(0),
        }))
        .cast()
    }

    /// Foreign objects alive in the process.
    pub fn live() -> u32 {
        LIVE.load(Ordering::Relaxed)
    }

    /// The count of a live foreign object.
    ///
    /// # Safety
    ///
    /// `p` is a live object made by [`Foreign::create`].
    pub unsafe fn count(p: *mut IMAPISyncProgressCallback) -> u32 {
        // SAFETY: the caller's guarantee.
        unsafe { (*p.cast::<Foreign>()).count.load(Ordering::Acquire) }
    }

    /// How many Progress / Error / Done calls a live foreign object received.
    ///
    /// # Safety
    ///
    /// As for [`Foreign::count`].
    pub unsafe fn calls(p: *mut IMAPISyncProgressCallback) -> u32 {
        // SAFETY: the caller's guarantee.
        unsafe { (*p.cast::<Foreign>()).calls.load(Ordering::Acquire) }
    }
}

unsafe extern "system" fn foreign_query_interface(
    this: *mut IMAPISyncProgressCallback,
    riid: REFIID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    if ppv.is_null() {
        return HResult::E_POINTER.0;
    }
    // SAFETY: callers pass a live object, and a null or valid IID.
    let (object, iid) = unsafe { (&*this.cast::<Foreign>(), riid.as_ref()) };
    let Some(iid) = iid else {
        // SAFETY: `ppv` is writable.
        unsafe { ppv.write(ptr::null_mut()) };
        return HResult::E_INVALIDARG.0;
    };
    let give_self = |ppv: *mut *mut c_void| {
        object.count.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ppv` is writable.
        unsafe { ppv.write(this.cast()) };
    };
    if *iid == IID_IUnknown {
        give_self(ppv);
        return HResult::S_OK.0;
    }
    if *iid != IID_IMAPISyncProgressCallback {
        // SAFETY: `ppv` is writable.
        unsafe { ppv.write(ptr::null_mut()) };
        return HResult::E_NOINTERFACE.0;
    }
    match object.qi {
        QiMode::Normal | QiMode::OddSuccess(_) => give_self(ppv),
        QiMode::Refuse(_) | QiMode::NullSuccess => {
            // SAFETY: `ppv` is writable.
            unsafe { ppv.write(ptr::null_mut()) }
        }
        QiMode::FailureWithPointer => {
            // SAFETY: `ppv` is writable.
            unsafe { ppv.write(this.cast()) }
        }
    }
    object.qi.hresult().0
}

unsafe extern "system" fn foreign_add_ref(this: *mut IMAPISyncProgressCallback) -> ULONG {
    // SAFETY: callers hold a reference.
    unsafe {
        (*this.cast::<Foreign>())
            .count
            .fetch_add(1, Ordering::Relaxed)
            + 1
    }
}

unsafe extern "system" fn foreign_release(this: *mut IMAPISyncProgressCallback) -> ULONG {
    // SAFETY: callers give up a reference they hold.
    let left = unsafe {
        (*this.cast::<Foreign>())
            .count
            .fetch_sub(1, Ordering::AcqRel)
    } - 1;
    if left == 0 {
        // SAFETY: the last reference: the block `create` boxed is ours alone.
        drop(unsafe { Box::from_raw(this.cast::<Foreign>()) });
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
    left
}

fn answer(this: *mut IMAPISyncProgressCallback) -> HRESULT {
    // SAFETY: callers hold a reference.
    let object = unsafe { &*this.cast::<Foreign>() };
    object.calls.fetch_add(1, Ordering::AcqRel);
    object.answer
}

unsafe extern "system" fn foreign_progress(
    this: *mut IMAPISyncProgressCallback,
    _text: *const WCHAR,
    _index: ULONG,
    _max: ULONG,
) -> HRESULT {
    answer(this)
}

unsafe extern "system" fn foreign_error(
    this: *mut IMAPISyncProgressCallback,
    _hr: HRESULT,
    _text: *const WCHAR,
) -> HRESULT {
    answer(this)
}

unsafe extern "system" fn foreign_done(
    this: *mut IMAPISyncProgressCallback,
    _event: HANDLE,
    _hr: HRESULT,
) -> HRESULT {
    answer(this)
}

/// The IUnknown slots of any live interface pointer.
///
/// # Safety
///
/// `p` is a live COM interface pointer.
pub unsafe fn unknown_vtbl<'a>(p: *mut abi::IUnknown) -> &'a abi::IUnknownVtbl {
    // SAFETY: a live COM object starts with its vtable pointer; vtables are never written.
    unsafe { &*(*p).lpVtbl }
}

/// The count of any live object, read as AddRef's answer minus one (then given back).
///
/// # Safety
///
/// `p` is a live COM interface pointer whose AddRef returns the exact new count.
pub unsafe fn count_of(p: *mut abi::IUnknown) -> u32 {
    // SAFETY: the caller's guarantee; the reference taken is given straight back.
    unsafe {
        let vtbl = unknown_vtbl(p);
        let n = (vtbl.AddRef)(p) - 1;
        (vtbl.Release)(p);
        n
    }
}

/// Lets the panics a target provokes on purpose (their message starts with `fuzz:`) be caught by
/// mapisync as they would be in production, while any other panic still aborts the process, as
/// libFuzzer's hook has it, and is reported as a crash. Call at the top of every input.
pub fn allow_deliberate_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|m| m.starts_with("fuzz:")) {
                abort_hook(info);
            }
        }));
    });
}

/// Waits until no `SyncWorker` thread (named `mapisync-sync`) is left in the process.
///
/// A worker signals the done event as its last act, then its thread winds down: std frees the
/// thread's handle and runs its thread-local destructors. Were the next input to start at once,
/// LeakSanitizer, which libFuzzer runs when an input ends with more allocations than frees, would
/// report that bookkeeping of a thread still exiting as a leak. Panics if a worker is still there
/// after 10 s: a thread that never ends is a finding.
pub fn wait_for_workers_to_exit() {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let workers = std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                tasks
                    .filter_map(|t| t.ok())
                    .filter(|t| {
                        std::fs::read_to_string(t.path().join("comm"))
                            .is_ok_and(|name| name.trim_end() == "mapisync-sync")
                    })
                    .count()
            })
            .unwrap_or(0);
        if workers == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{workers} SyncWorker thread(s) still running 10 s after their done event"
        );
        std::thread::yield_now();
    }
}
