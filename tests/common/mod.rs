//! Helpers shared by the integration tests: a recording implementation, raw vtable calls, a
//! drop counter, the message of a failed assertion, and printed text with its run-to-run values
//! masked.
#![allow(dead_code)]

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mapisync::{abi, HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr};

/// One call as a Rust implementation saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Progress(Option<Vec<u16>>, u32, u32),
    Error(HResult, Option<Vec<u16>>),
    Done(Handle, HResult),
}

/// Records every call, answers with `answer`, and counts its own drops.
#[derive(Default)]
pub struct Recorder {
    pub calls: Arc<Mutex<Vec<Call>>>,
    pub drops: Arc<AtomicUsize>,
    pub answer: Option<HResult>,
}

impl Recorder {
    /// A recorder that answers every call with the failure `hr`.
    pub fn answering(hr: HResult) -> Recorder {
        Recorder {
            calls: Arc::default(),
            drops: Arc::default(),
            answer: Some(hr),
        }
    }

    fn reply(&self, call: Call) -> Result<()> {
        self.calls.lock().unwrap().push(call);
        match self.answer {
            Some(hr) => Err(hr.into()),
            None => Ok(()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

fn units(text: Option<&U16CStr>) -> Option<Vec<u16>> {
    text.map(|t| t.as_slice().to_vec())
}

impl SyncProgress for Recorder {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.reply(Call::Progress(units(text), index, max))
    }
    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.reply(Call::Error(hr, units(text)))
    }
    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        self.reply(Call::Done(event, hr))
    }
}

/// A callback that answers every call with S_OK and runs its closure when the object is destroyed:
/// for tests of what a callback's destructor may do (panic, release its own object).
pub struct DropHook<F: FnMut() + Send + Sync + 'static>(pub F);

impl<F: FnMut() + Send + Sync + 'static> Drop for DropHook<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

impl<F: FnMut() + Send + Sync + 'static> SyncProgress for DropHook<F> {
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

/// The IUnknown slots of any interface pointer.
///
/// # Safety
///
/// `p` is a live COM interface pointer.
pub unsafe fn unknown_vtbl<'a>(p: *mut abi::IUnknown) -> &'a abi::IUnknownVtbl {
    // SAFETY: a live COM object starts with its vtable pointer; vtables are never written.
    unsafe { &*(*p).lpVtbl }
}

/// Raw AddRef through slot 1.
pub fn add_ref(cb: &ProgressCallback) -> u32 {
    let p = cb.as_unknown();
    // SAFETY: `cb` holds a reference, so `p` is live.
    unsafe { (unknown_vtbl(p).AddRef)(p) }
}

/// Raw Release through slot 2.
///
/// # Safety
///
/// The caller gives up a reference it owns on `p`.
pub unsafe fn release(p: *mut abi::IUnknown) -> u32 {
    // SAFETY: the caller gives up a reference it owns on the live object `p`.
    unsafe { (unknown_vtbl(p).Release)(p) }
}

/// Raw QueryInterface through slot 0; returns the HRESULT and what was written to `*ppv`
/// (pre-filled with a non-null sentinel to prove a failure writes NULL).
pub fn query(cb: &ProgressCallback, iid: &abi::IID) -> (HResult, *mut c_void) {
    let p = cb.as_unknown();
    let mut out = 0xDEAD_BEEF_usize as *mut c_void;
    // SAFETY: `cb` holds a reference; `iid` and `out` are valid for the call.
    let hr = unsafe { (unknown_vtbl(p).QueryInterface)(p, iid, &mut out) };
    (HResult(hr), out)
}

/// The current count, read as AddRef's answer minus one (then released again).
pub fn count(cb: &ProgressCallback) -> u32 {
    let n = add_ref(cb) - 1;
    // SAFETY: gives back the reference just taken.
    unsafe { release(cb.as_unknown()) };
    n
}

/// A null IID pointer, for the E_INVALIDARG rule.
pub fn null_iid() -> *const abi::IID {
    ptr::null()
}

/// The current count of a store object, read as AddRef's answer minus one (then released).
pub fn count_sync(store: &mapisync::MapiSync) -> u32 {
    let p = store.as_unknown();
    // SAFETY: `store` holds a reference; the one taken is given straight back.
    unsafe {
        let n = (unknown_vtbl(p).AddRef)(p) - 1;
        release(p);
        n
    }
}

/// The panic message of `f`, which must panic (an assertion of the kit failing).
pub fn failure_of(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast_ref::<&str>().unwrap_or(&"?").to_string(),
    }
}

/// `text` with what differs from run to run written as `<...>`, line by line: on each line, for
/// each `(after, until)`, what follows `after` up to `until` (or to the end of the line), and the
/// line's trailing spaces trimmed.
pub fn masked(text: &str, values: &[(&str, Option<&str>)]) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut line = line.to_string();
        for &(after, until) in values {
            if let Some(start) = line.find(after).map(|i| i + after.len()) {
                let end = until
                    .and_then(|u| line[start..].find(u).map(|i| start + i))
                    .unwrap_or(line.len());
                line.replace_range(start..end, "<...>");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
