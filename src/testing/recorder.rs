//! `RecordingCallback`: an Outlook-side callback that records every call and answers by script.

use core::ptr;
use std::cell::Cell;
use std::sync::Arc;
use std::thread::{self, ThreadId};

use parking_lot::{Mutex, MutexGuard};

use super::checker::Checker;
use super::log::CompactLog;
use super::record::{Call, CallLog, CallRef, Record};
use super::script::Script;
use super::verdict::Verdict;
use crate::abi::{HANDLE, HRESULT, ULONG, WCHAR};
use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::spared::Spared;
use crate::interfaces::progress_callback::raw::{RawProgress, Safe};
use crate::interfaces::progress_callback::{ProgressCallback, Slot, SyncProgress};
use widestring::U16CStr;

/// The log and what decides the answers, shared by the COM object and the test's handle.
#[derive(Debug)]
struct Shared {
    log: Mutex<Log>,
}

/// Records a log has room for from the start.
const INITIAL_RECORDS: usize = 128;

#[derive(Debug)]
struct Log {
    /// What decides the answers; replaceable while calls arrive.
    script: Script,
    /// The calls kept, compact: `Record`s are made only when asked for.
    calls: CompactLog,
    /// Calls per slot so far (Progress, Error, Done), refused calls not counted.
    counts: [u64; 3],
    /// Calls that arrived after the log was full: counted, reported, never silently lost.
    lost: u64,
    /// How many calls the log may hold: the bound, or `usize::MAX`; zero once a call could not
    /// be kept, so that every later call is counted as lost too and the records stay the calls
    /// in order with nothing missing in between.
    room: usize,
}

/// An `IMAPISyncProgressCallback` for tests: every `Progress`, `Error` and `Done` lands in an
/// ordered, thread-safe log with its sequence number, its thread and the text as code units,
/// and each call is answered as a [`Script`] says.
///
/// Hand [`callback`](Self::callback) to the provider; afterwards read
/// [`records`](Self::records), run the protocol [`check`](Self::check), and count the
/// references the provider still holds with [`outstanding_references`](Self::outstanding_references).
///
/// ```
/// use mapisync::{HResult, Handle};
/// use mapisync::testing::{Call, RecordingCallback, Script};
///
/// let recorder = RecordingCallback::new(Script::new().cancel_progress_from(2));
/// let callback = recorder.callback(); // what the provider calls
/// assert!(callback.progress(None, 1, 3).is_ok());
/// assert_eq!(callback.progress(None, 2, 3).unwrap_err().hresult(), HResult::MAPI_E_USER_CANCEL);
/// callback.done(Handle::NULL, HResult::MAPI_E_USER_CANCEL).unwrap();
/// drop(callback);
///
/// assert_eq!(recorder.records().len(), 3);
/// assert!(matches!(recorder.records()[2].call, Call::Done { hr: HResult::MAPI_E_USER_CANCEL, .. }));
/// assert_eq!(recorder.outstanding_references(), 0);
/// recorder.check().assert_passed();
/// ```
#[derive(Debug, Clone)]
pub struct RecordingCallback {
    shared: Arc<Shared>,
    /// The kit's own reference on the recording object, and its spares: a provider that releases
    /// the callback too often frees nothing, and is reported.
    keeper: Arc<Spared>,
}

impl Default for RecordingCallback {
    fn default() -> Self {
        RecordingCallback::new(Script::new())
    }
}

impl RecordingCallback {
    /// A recorder answering as `script` says, with an unbounded log.
    pub fn new(script: Script) -> RecordingCallback {
        RecordingCallback::build(script, None)
    }

    /// A recorder whose log keeps at most `limit` records. Calls past it are still answered and
    /// counted; the protocol check reports them as a finding, so nothing is lost unnoticed.
    pub fn bounded(script: Script, limit: usize) -> RecordingCallback {
        RecordingCallback::build(script, Some(limit))
    }

    fn build(script: Script, limit: Option<usize>) -> RecordingCallback {
        let shared = Arc::new(Shared {
            log: Mutex::new(Log {
                script,
                // A synchronization makes dozens to thousands of calls: start past the first
                // few doublings.
                calls: CompactLog::with_capacity(INITIAL_RECORDS.min(limit.unwrap_or(usize::MAX))),
                counts: [0; 3],
                lost: 0,
                room: limit.unwrap_or(usize::MAX),
            }),
        });
        let keeper = Arc::new(Spared::new(Slots(Safe(LogWriter {
            shared: Arc::clone(&shared),
        }))));
        RecordingCallback { shared, keeper }
    }

    /// A new reference (AddRef) to the recording COM object, to hand to the provider.
    pub fn callback(&self) -> ProgressCallback {
        self.keeper.callback().clone()
    }

    /// Replaces the script: calls from now on are answered as `script` says. The per-slot call
    /// counts go on (a rule for calls `3..` still means the third call since the recorder was
    /// made), so rules can be added while a provider runs.
    ///
    /// ```
    /// use mapisync::{HResult, Slot};
    /// use mapisync::testing::{RecordingCallback, Script};
    ///
    /// let recorder = RecordingCallback::new(Script::new());
    /// let callback = recorder.callback();
    /// callback.progress(None, 1, 3).unwrap();
    /// recorder.set_script(Script::new().answer(Slot::Progress, 2..=2, HResult::MAPI_E_BUSY));
    /// assert_eq!(callback.progress(None, 2, 3).unwrap_err().hresult(), HResult::MAPI_E_BUSY);
    /// callback.progress(None, 3, 3).unwrap();
    /// assert_eq!(recorder.len(), 3);
    /// assert_eq!(recorder.records()[1].answer, HResult::MAPI_E_BUSY);
    /// ```
    pub fn set_script(&self, script: Script) {
        self.shared.log.lock().script = script;
    }

    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.shared.log.lock().calls.len()
    }

    /// True when no call has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every recorded call so far, in order.
    pub fn records(&self) -> Vec<Record> {
        self.shared.log.lock().calls.to_records()
    }

    /// Just the calls, in order.
    pub fn calls(&self) -> Vec<Call> {
        let log = self.shared.log.lock();
        (0..log.calls.len())
            .map(|i| log.calls.call(i).to_call())
            .collect()
    }

    /// Calls that arrived after a bounded log was full.
    pub fn lost(&self) -> u64 {
        self.shared.log.lock().lost
    }

    /// References on the recording object held by anyone but this `RecordingCallback` (and its
    /// clones): after a provider is finished, anything above zero is a leak.
    pub fn outstanding_references(&self) -> u32 {
        self.keeper.others().unwrap_or(0)
    }

    /// How many more times the recording object was released than it was taken: 0 for a
    /// provider that gives back what it takes. The kit holds 2^20 spare references, so extra
    /// Releases free nothing and are counted here (only more than 2^20 of them would free the
    /// object under the kit, as the first would under a real host).
    pub fn over_released(&self) -> u32 {
        self.keeper.others().err().unwrap_or(0)
    }

    /// The protocol check of the log so far (lenient: only errors fail).
    pub fn check(&self) -> Verdict {
        self.check_with(&Checker::new())
    }

    /// The protocol check of the log so far, with `checker`'s settings.
    pub fn check_with(&self, checker: &Checker) -> Verdict {
        self.with_log(|log, lost| {
            let findings = checker.findings(log, lost);
            Verdict::new(findings, checker.is_strict(), log.to_records())
        })
    }

    /// `f` of the calls so far and the calls lost, under the log's lock: no copy.
    pub(crate) fn with_log<R>(&self, f: impl FnOnce(&CompactLog, u64) -> R) -> R {
        let log = self.shared.log.lock();
        f(&log.calls, log.lost)
    }
}

thread_local! {
    /// The calling thread's id, cached on its first call. A `Copy` value with no destructor, so it
    /// is still readable while the thread's other thread-locals are torn down (a `Done` made by a
    /// provider's thread-local guard as its thread exits).
    static THREAD_ID: Cell<Option<ThreadId>> = const { Cell::new(None) };
    /// The calling thread's name, made once per thread rather than once per call. It has a
    /// destructor, so it may be gone when a thread-local guard calls in during thread exit.
    static THREAD_NAME: Option<Arc<str>> = thread::current().name().map(Arc::from);
}

/// The calling thread's id.
fn thread_id() -> ThreadId {
    THREAD_ID.with(|cached| {
        cached.get().unwrap_or_else(|| {
            let id = thread::current().id();
            cached.set(Some(id));
            id
        })
    })
}

/// The COM object's value: `Progress` with NULL text, the innermost loop of a sync, is recorded
/// right in the slot when [`Slots::position`] can take it; every other call, and that one when
/// it cannot, takes [`LogWriter`]'s safe path (text read within its bound, refusals recorded,
/// panics caught).
struct Slots(Safe<LogWriter>);

// SAFETY: every call goes through `Safe`, which guards each call into `LogWriter`, except
// `Slots::position`, which cannot panic: it reads a thread-local that has no destructor with
// `try_with` and `Cell::get` (where thread-locals are the platform's keys, one may be gone during
// thread exit: the call then takes the safe path), tries the lock (which neither panics nor
// waits), counts, walks the script's rules, and appends within the entries' capacity, checked
// first. `LogWriter` is `Send + Sync + 'static`.
unsafe impl RawProgress for Slots {
    #[inline(always)]
    unsafe fn progress(&self, text: *const WCHAR, index: ULONG, max: ULONG) -> HRESULT {
        if text.is_null() {
            return self.position(index, max);
        }
        // SAFETY: the caller's guarantee on `text` is the one `Safe::progress` asks for.
        unsafe { self.0.progress(text, index, max) }
    }

    #[inline(always)]
    unsafe fn error(&self, hr: HRESULT, text: *const WCHAR) -> HRESULT {
        // SAFETY: as in `progress`.
        unsafe { self.0.error(hr, text) }
    }

    #[inline(always)]
    unsafe fn done(&self, event: HANDLE, hr: HRESULT) -> HRESULT {
        // SAFETY: the handle is an opaque value; nothing else is asked.
        unsafe { self.0.done(event, hr) }
    }

    const NULL_TEXT_FIRST: bool = true;
}

impl Slots {
    /// `Progress` with NULL text, recorded here when that needs nothing but an append: the
    /// calling thread's id is cached, the log's lock is free, the thread made the latest call and
    /// the log has room without growing. Cannot panic, and never waits. Every other case goes
    /// out of line, so that this path keeps nothing live across a call but the answer.
    #[inline(always)]
    fn position(&self, index: ULONG, max: ULONG) -> HRESULT {
        let Some(thread) = THREAD_ID.try_with(Cell::get).ok().flatten() else {
            return self.position_slowly(index, max);
        };
        let Some(mut log) = self.0 .0.shared.log.try_lock() else {
            return self.position_slowly(index, max);
        };
        match log.position(thread, index, max) {
            Some(answer) => answer.0,
            None => self.position_declined(log, index, max),
        }
    }

    /// [`position`](Self::position) after the log declined the call: unlocked, then the safe
    /// path.
    #[cold]
    #[inline(never)]
    fn position_declined(&self, log: MutexGuard<'_, Log>, index: ULONG, max: ULONG) -> HRESULT {
        drop(log);
        self.position_slowly(index, max)
    }

    /// `Progress` with NULL text that [`position`](Self::position) could not take (the thread's
    /// first call, another thread's, a log held by someone else or that must grow): the safe
    /// path, out of line.
    #[inline(never)]
    fn position_slowly(&self, index: ULONG, max: ULONG) -> HRESULT {
        // SAFETY: NULL text is always allowed.
        unsafe { self.0.progress(ptr::null(), index, max) }
    }
}

/// What writes each call into the shared log and answers it by script: the safe path behind
/// the slots.
struct LogWriter {
    shared: Arc<Shared>,
}

impl LogWriter {
    /// Logs `call` and returns the scripted answer (a refused call keeps the answer it got).
    /// Inlined into each slot, where the kind of call is known.
    #[inline(always)]
    fn record(&self, call: CallRef<'_>) -> HResult {
        let thread = thread_id();
        let mut log = self.shared.log.lock();
        let answer = match call {
            CallRef::Refused { error, .. } => error.hresult(),
            CallRef::Progress { .. } => log.answer(Slot::Progress),
            CallRef::Error { .. } => log.answer(Slot::Error),
            CallRef::Done { .. } => log.answer(Slot::Done),
        };
        if log.calls.len() >= log.room || !log.keep(thread, call, answer) {
            log.room = 0;
            log.lost += 1;
        }
        answer
    }
}

impl Log {
    /// The scripted answer to the next call to `slot`, counted.
    #[inline(always)]
    fn answer(&mut self, slot: Slot) -> HResult {
        let count = &mut self.counts[slot.index()];
        *count += 1;
        let count = *count;
        self.script.answer_for(slot, count)
    }

    /// The append of [`Slots::position`], under the lock: the scripted answer, or `None` with
    /// nothing done when the call needs more than an append.
    #[inline(always)]
    fn position(&mut self, thread: ThreadId, index: u32, max: u32) -> Option<HResult> {
        if self.calls.len() >= self.room {
            return None;
        }
        let at = self.calls.appends_from(thread)?;
        let answer = self.answer(Slot::Progress);
        self.calls.push_position(index, max, at, answer);
        Some(answer)
    }

    /// Keeps `call` from `thread`; false if the log cannot hold it.
    #[inline(always)]
    fn keep(&mut self, thread: ThreadId, call: CallRef<'_>, answer: HResult) -> bool {
        // A thread's id is never reused and its name never changes: the name is read once per
        // thread. During thread exit its thread-local may be gone; a thread that calls in only
        // then is recorded without its name.
        let name = || THREAD_NAME.try_with(Clone::clone).unwrap_or(None);
        match self.calls.thread(thread, name) {
            Some(at) => self.calls.push(call, at, answer),
            None => false,
        }
    }
}

impl SyncProgress for LogWriter {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        let text = text.map(U16CStr::as_slice);
        self.record(CallRef::Progress { text, index, max }).ok()
    }

    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        let text = text.map(U16CStr::as_slice);
        self.record(CallRef::Error { hr, text }).ok()
    }

    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        self.record(CallRef::Done { event, hr }).ok()
    }

    fn refused(&self, slot: Slot, error: &Error) {
        self.record(CallRef::Refused { slot, error });
    }
}
