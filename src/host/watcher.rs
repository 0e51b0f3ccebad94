//! The callback a `SimulatedHost` hands the provider: a raw-forwarding COM object in front of the
//! host's own callback, which notes `Done` (and calls refused for their text) on the way.
//!
//! Every argument goes on unchanged, raw pointers included: the host reads no text on the way in
//! and refuses nothing, so the callback behind it sees every call exactly as the provider made it
//! (a recording callback records a refused call itself, in its place in the order).

use core::sync::atomic::{AtomicPtr, Ordering};
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::abi::{
    IMAPISyncProgressCallback, IMAPISyncProgressCallbackVtbl, HANDLE, HRESULT, ULONG, WCHAR,
};
use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::text::read_text;
use crate::core::unwind::{catch_or, guard};
use crate::host::event::Event;
use crate::host::spared::{Spared, SPARES};
use crate::host::worker::panic_being_reported;
use crate::interfaces::progress_callback::raw::{raw_value, reference_count, RawProgress};
use crate::interfaces::progress_callback::{ProgressCallback, Slot};

/// Who closed the done event's handle in a [`SimulatedHost`](crate::SimulatedHost) run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventCloser {
    /// No handle was written, or it is still open.
    Nobody,
    /// The host, after `Done` brought the handle back (or after the wait, if it never did).
    Host,
    /// The callback the host runs, inside `Done`: under a host the host owns the event, so this
    /// is reported as a warning about the callback, never as the provider's fault.
    Callback,
    /// The provider: `Done` brought back NULL, so the handle stayed the provider's to close.
    Provider,
}

/// What the host learns on the way through, read by the host's `run` through [`Watched`].
pub(crate) struct DoneWatch {
    seen: Mutex<Noted>,
    arrived: Condvar,
}

/// The notes themselves.
pub(crate) struct Noted {
    /// Every `Done`: the handle and the status.
    pub(crate) calls: Vec<(Handle, HResult)>,
    /// Calls whose text was over the bound, and the refusal the callback behind answered with.
    pub(crate) refused: Vec<(Slot, Error)>,
    /// The events `Done` brought back while their handles were open: the host's own references,
    /// taken before the callback behind could close them. The first in place (a run has one
    /// `Done`, which then allocates nothing for it), any others after it.
    held_first: Option<Event>,
    held_more: Vec<Event>,
    /// Handles that were open when `Done` reached the callback behind and closed when it returned.
    pub(crate) closed_by_callback: Vec<Handle>,
    /// The message of a panic of the provider's `SyncWorker` work, reported with this `Done`.
    pub(crate) work_panicked: Option<String>,
    /// Calls made after `SynchronizeInBackground` returned while the provider held no reference
    /// on the watcher: the first call's slot, and how many.
    pub(crate) after_release: Option<(Slot, u32)>,
}

impl Noted {
    /// The host's latest reference to the event `handle` named, if it took one.
    pub(crate) fn held(&self, handle: Handle) -> Option<&Event> {
        let newer = self.held_more.iter().rev().find(|e| e.handle() == handle);
        newer.or(self.held_first.as_ref().filter(|e| e.handle() == handle))
    }

    /// Keeps a reference of the host's to the done event.
    fn hold(&mut self, event: Event) {
        match self.held_first {
            None => self.held_first = Some(event),
            Some(_) => self.held_more.push(event),
        }
    }
}

impl DoneWatch {
    /// No notes yet, with room for the one `Done` of a run made here, on the host's thread: the
    /// note the provider's `Done` writes then allocates nothing, and is moved into the report.
    fn new() -> DoneWatch {
        DoneWatch {
            seen: Mutex::new(Noted {
                calls: Vec::with_capacity(1),
                refused: Vec::new(),
                held_first: None,
                held_more: Vec::new(),
                closed_by_callback: Vec::new(),
                work_panicked: None,
                after_release: None,
            }),
            arrived: Condvar::new(),
        }
    }

    /// The notes so far.
    pub(crate) fn seen(&self) -> parking_lot::MutexGuard<'_, Noted> {
        self.seen.lock()
    }

    /// The host's own reference to the done event `handle`: the one `Done` took on its way
    /// through, if it came first (on Windows the value may since name another event), or else a
    /// new one, kept in the notes too, so that a `Done` coming after finds it there. Taken under
    /// the notes' lock, which `Done` holds while it takes its own, so no callback can close the
    /// handle in between.
    pub(crate) fn event_for(&self, handle: Handle) -> Option<Event> {
        let mut seen = self.seen.lock();
        if let Some(event) = seen.held(handle) {
            return Some(event.clone());
        }
        let event = Event::from_handle(handle).ok()?;
        seen.hold(event.clone());
        Some(event)
    }

    /// Waits until a `Done` has arrived or `deadline` has passed.
    pub(crate) fn wait_for_done(&self, deadline: Instant) {
        let mut seen = self.seen.lock();
        while seen.calls.is_empty() {
            if self.arrived.wait_until(&mut seen, deadline).timed_out() {
                return;
            }
        }
    }
}

/// The COM object's value: the host's callback, and the notes, in the object's one heap block.
struct Watcher {
    inner: ProgressCallback,
    watch: DoneWatch,
    /// The watcher's own object once `SynchronizeInBackground` has returned (null before): from
    /// then on the provider must hold a reference of its own for every call.
    own: AtomicPtr<IMAPISyncProgressCallback>,
}

impl Watcher {
    /// True when the provider holds no reference on the watcher after `SynchronizeInBackground`
    /// returned: a call now is one through a callback it no longer holds. Two loads on the way of
    /// every call: the count is exact (a Rust-made object), and a Release that happened before
    /// the call is seen by it.
    #[inline(always)]
    fn released(&self) -> bool {
        let own = self.own.load(Ordering::Relaxed);
        // SAFETY: `own` is this very object (`Watched::started`), alive during its own call.
        !own.is_null() && unsafe { reference_count::<Watcher>(own) } <= 1 + SPARES
    }

    /// Notes a call made while [`released`](Self::released), if it is.
    #[inline(always)]
    fn check_held(&self, slot: Slot) {
        if self.released() {
            self.note_after_release(slot);
        }
    }

    /// `Progress` forwarded unchanged; a refusal of over-long text is noted.
    ///
    /// # Safety
    ///
    /// As for [`RawProgress::progress`].
    #[inline(always)]
    unsafe fn forward_progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        // SAFETY: `inner` holds a reference; every argument is the provider's, passed on
        // unchanged under the same contract.
        let hr = unsafe { (self.inner_vtbl().Progress)(self.inner.as_raw(), text, index, max) };
        if HResult(hr).is_failure() && !text.is_null() {
            // SAFETY: the provider's guarantee on `text` stands for this call.
            unsafe { self.note_refusal(Slot::Progress, text, "pwcszProgress") };
        }
        hr
    }

    /// `Progress` while [`released`](Self::released): noted, then forwarded. Out of line, so
    /// that the held path keeps its forward a jump.
    ///
    /// # Safety
    ///
    /// As for [`RawProgress::progress`].
    #[cold]
    #[inline(never)]
    unsafe fn progress_after_release(
        &self,
        text: *const WCHAR,
        index: ULONG,
        max: ULONG,
    ) -> HRESULT {
        self.note_after_release(Slot::Progress);
        // SAFETY: the caller's guarantee.
        unsafe { self.forward_progress(text, index, max) }
    }

    /// Notes a call through a callback the provider no longer held: out of line.
    #[cold]
    #[inline(never)]
    fn note_after_release(&self, slot: Slot) {
        guard(|| {
            let mut seen = self.watch.seen.lock();
            let (_, calls) = seen.after_release.get_or_insert((slot, 0));
            *calls = calls.saturating_add(1);
            Ok(())
        });
    }

    /// The vtable of the callback behind.
    fn inner_vtbl(&self) -> &IMAPISyncProgressCallbackVtbl {
        let p = self.inner.as_raw();
        // SAFETY: `inner` owns a reference on a live callback object, whose first field is its
        // vtable pointer (the abi layout); vtables are never written after the object is made.
        unsafe { &*(*p).lpVtbl }
    }

    /// Notes a call the callback behind failed, if its text was over the bound: out of line,
    /// and only on a failure, so the forwarded success path reads nothing.
    ///
    /// # Safety
    ///
    /// `text` is the provider's argument, readable as the callback's contract requires.
    #[cold]
    #[inline(never)]
    unsafe fn note_refusal(&self, slot: Slot, text: *const WCHAR, what: &'static str) {
        // SAFETY: the provider's guarantee on `text` is the one `read_text` asks for.
        if let Err(error) = unsafe { read_text(text, what) } {
            guard(|| {
                self.watch.seen.lock().refused.push((slot, error));
                Ok(())
            });
        }
    }
}

/// The host's hold on the watcher it puts in front of its callback: the watcher's object, held
/// with spare references (see [`Spared`]), and the notes inside it.
#[derive(Debug)]
pub(crate) struct Watched {
    spared: Spared,
}

impl Watched {
    /// A new watcher in front of `inner`, with no notes yet: one allocation for the object and
    /// the notes together.
    pub(crate) fn new(inner: ProgressCallback) -> Watched {
        Watched {
            spared: Spared::new(Watcher {
                inner,
                watch: DoneWatch::new(),
                own: AtomicPtr::new(core::ptr::null_mut()),
            }),
        }
    }

    /// `SynchronizeInBackground` has returned: from now on a call made while the provider holds
    /// no reference on the watcher is noted (`CallAfterRelease`). Calls made during the start,
    /// on the pointer the host lent, are the provider's right; so, as a benefit of the doubt, are
    /// the calls another thread made between the provider's return and this mark.
    pub(crate) fn started(&self) {
        let own = self.spared.callback().as_raw();
        // SAFETY: as in `watch`.
        let watcher = unsafe { raw_value::<Watcher>(own) };
        watcher.own.store(own, Ordering::Relaxed);
    }

    /// The watcher, to hand the provider (the holder's own reference, not the spare).
    pub(crate) fn callback(&self) -> &ProgressCallback {
        self.spared.callback()
    }

    /// As [`Spared::others`].
    pub(crate) fn others(&self) -> core::result::Result<u32, u32> {
        self.spared.others()
    }

    /// The notes the watcher has taken.
    pub(crate) fn watch(&self) -> &DoneWatch {
        // SAFETY: `new` made the object with `raw_callback` of a `Watcher`, and `spared` holds a
        // reference on it for as long as `self` is borrowed: its own and its spares, all of
        // which a provider would have to release too often to free the object (see `SPARES`).
        let watcher = unsafe { raw_value::<Watcher>(self.spared.callback().as_raw()) };
        &watcher.watch
    }
}

// SAFETY: nothing here unwinds: the forwarded calls are the callback's own (a Rust-made one
// catches its panics, a foreign one must not unwind by the ABI's rules), and the notes are taken
// inside the panic boundary; `Watcher` is `Send + Sync`.
unsafe impl RawProgress for Watcher {
    /// Forwarded unchanged; a refusal of over-long text is noted, and a call through a callback
    /// the provider no longer holds. Inlined into the thunk, where NULL text (nothing to note)
    /// makes the forward a jump.
    #[inline(always)]
    unsafe fn progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        if self.released() {
            // SAFETY: the caller's guarantee.
            return unsafe { self.progress_after_release(text, index, max) };
        }
        // SAFETY: the caller's guarantee.
        unsafe { self.forward_progress(text, index, max) }
    }

    /// Forwarded unchanged; a refusal of over-long text is noted.
    unsafe fn error(&self, hr: HRESULT, text: *const WCHAR) -> HRESULT {
        self.check_held(Slot::Error);
        // SAFETY: as in `progress`.
        let answer = unsafe { (self.inner_vtbl().Error)(self.inner.as_raw(), hr, text) };
        if HResult(answer).is_failure() && !text.is_null() {
            // SAFETY: as in `progress`.
            unsafe { self.note_refusal(Slot::Error, text, "pwcszErrorStr") };
        }
        answer
    }

    /// The host takes its own reference to the event, and keeps it in the notes, before the
    /// callback behind sees the handle (unless it holds one already, taken when
    /// `SynchronizeInBackground` returned, and the handle still names that event); then the call
    /// is forwarded unchanged, and noted.
    unsafe fn done(&self, event: HANDLE, hr: HRESULT) -> HRESULT {
        self.check_held(Slot::Done);
        let handle = Handle(event);
        // Kept under the notes' lock before forwarding: the host, which looks for it under the
        // same lock (`DoneWatch::event_for`), can never find the handle closed by the callback
        // and the reference not yet noted. A reference whose handle was closed before this `Done`
        // (by the provider) does not count as held: the callback cannot be blamed for that close.
        let held = catch_or(false, || {
            let mut seen = self.watch.seen.lock();
            if seen.held(handle).is_some_and(Event::handle_still_open) {
                return true;
            }
            match Event::from_handle(handle) {
                Ok(event) => {
                    seen.hold(event);
                    true
                }
                Err(_) => false,
            }
        });
        // SAFETY: as in `progress`; the handle is an opaque value to the call.
        let answer = unsafe { (self.inner_vtbl().Done)(self.inner.as_raw(), event, hr) };
        guard(|| {
            let mut seen = self.watch.seen.lock();
            // Closed inside the callback: the host held the event before, and its handle no
            // longer names it after (on Windows, also when the provider's event is its own
            // `CreateEventW`, or the value was closed and given to a newer event).
            let closed_inside = held && seen.held(handle).is_some_and(|e| !e.handle_still_open());
            seen.calls.push((handle, HResult(hr)));
            if let Some(message) = panic_being_reported() {
                seen.work_panicked.get_or_insert(message);
            }
            if closed_inside {
                seen.closed_by_callback.push(handle);
            }
            drop(seen);
            self.watch.arrived.notify_all();
            Ok(())
        });
        answer
    }

    const NULL_TEXT_FIRST: bool = true;
}
