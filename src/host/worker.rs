//! `SyncWorker`: runs a provider's synchronization on its own thread and keeps the protocol.

use std::cell::Cell;
use std::thread;

use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::core::text::fit_text;
use crate::core::unwind::catch;
use crate::host::event::{Event, EventReset};
use crate::interfaces::sync::SyncRequest;
use crate::interfaces::unknown::Unknown;
use widestring::U16CStr;

/// What the work of a [`SyncWorker`] reports through: the [`SyncRequest`] it was started for (its
/// flags and session), and the `Progress` and `Error` slots of the request's callback. There is no
/// `Done` here: the worker calls it, exactly once, when the work returns.
#[derive(Debug)]
pub struct SyncContext {
    request: SyncRequest,
}

impl SyncContext {
    /// The request the work was started for.
    pub fn request(&self) -> &SyncRequest {
        &self.request
    }

    /// The flags the host asked for.
    pub fn flags(&self) -> SyncFlags {
        self.request.flags
    }

    /// The MAPI session the host passed, if any.
    pub fn session(&self) -> Option<&Unknown> {
        self.request.session.as_ref()
    }

    /// `Progress(text, index, max)` on the host's callback. An `Err` is the host's answer, e.g.
    /// `MAPI_E_USER_CANCEL` when the user pressed Cancel: return it from the work with `?`.
    /// Text longer than [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) is refused with [`Error::TextTooLong`].
    #[inline]
    pub fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.request.callback.progress(text, index, max)
    }

    /// `Error(hr, text)` on the host's callback: report an error or a warning and go on. An `Err`
    /// is the host's answer: `MAPI_E_USER_CANCEL` (the user pressed Cancel while the error was
    /// shown) ends the work exactly as it does when answered to [`progress`](Self::progress):
    /// return it from the work with `?`, and no more `Progress` may follow. Other failures
    /// answered to `Error` are the host's to give; the work may go on.
    /// Text longer than [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) is refused with [`Error::TextTooLong`].
    #[inline]
    pub fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.request.callback.error(hr, text)
    }

    /// [`progress`](Self::progress) with Rust text, converted to UTF-16. Text the ABI cannot
    /// carry is made to fit rather than refused: an interior NUL ends it, and text longer than
    /// [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) code units is cut on a character boundary, ending in `…`.
    pub fn progress_str(&self, text: &str, index: u32, max: u32) -> Result<()> {
        self.progress(Some(&fit_text(text)), index, max)
    }

    /// [`error`](Self::error) with Rust text, converted and made to fit as for
    /// [`progress_str`](Self::progress_str).
    pub fn error_str(&self, hr: HResult, text: &str) -> Result<()> {
        self.error(hr, Some(&fit_text(text)))
    }
}

/// Runs a synchronization the way the reference asks a provider to: on a thread of its own, with
/// a done event that the host can wait on.
///
/// [`SyncWorker::spawn`] creates a manual-reset [`Event`], starts a thread running the work, and
/// returns the event's handle at once, for [`SyncProvider::synchronize_in_background`] to return.
/// The thread's stack is [`SyncWorker::DEFAULT_STACK_SIZE`] (256 KiB), so that a thousand syncs
/// held open reserve about 256 MB of address space, not the 2 GB that std's default 2 MiB stacks
/// would (a 32-bit process has 2 to 4 GB in all); work that needs a deeper stack asks for one with
/// [`SyncWorker::builder`].
/// When the work ends, however it ends, the thread
///
/// 1. calls `Done(handle, final HRESULT)` exactly once: the work's `Ok(hr)`, or its error's
///    HRESULT, or `E_UNEXPECTED` after a panic (first reported through `Error` with the panic
///    message, cut to fit [`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) if it is longer);
/// 2. releases its references on the callback and the session;
/// 3. signals the event.
///
/// So by the time the host sees the event signalled, `Done` has been called and the provider
/// holds nothing of the host's. The host closes the handle after `Done`, as the reference says.
///
/// Once returned, the handle is the host's: the thread signals the event through an [`Event`] of
/// its own (on Windows a duplicate handle, `DuplicateHandle`), never through the handed-out value,
/// so a host that closes the handle early never makes the worker signal a closed handle, nor one
/// whose value Windows has since given to another object. On Windows the handle is a kernel event
/// that any Win32 host, Outlook included, waits on with `WaitForSingleObject` and closes with
/// `CloseHandle`.
///
/// [`SyncProvider::synchronize_in_background`]: crate::SyncProvider::synchronize_in_background
///
/// ```
/// use mapisync::{HResult, Handle, Result, SyncProvider, SyncRequest, SyncWorker, U16CString};
///
/// struct Store { folders: Vec<String> }
///
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         let folders = self.folders.clone();
///         SyncWorker::spawn(request, move |sync| {
///             let max = folders.len() as u32;
///             for (i, name) in folders.iter().enumerate() {
///                 let text = U16CString::from_str(name).unwrap();
///                 sync.progress(Some(&text), i as u32 + 1, max)?; // Cancel ends the work here
///             }
///             Ok(HResult::S_OK)
///         })
///     }
/// }
/// ```
#[derive(Debug)]
pub struct SyncWorker;

impl SyncWorker {
    /// The stack size of a worker thread unless [`SyncWorkerBuilder::stack_size`] says otherwise:
    /// 256 KiB.
    pub const DEFAULT_STACK_SIZE: usize = 256 * 1024;

    /// Starts `work` on a new thread for `request` and returns the done event's handle; the same
    /// as `SyncWorker::builder().spawn(request, work)`.
    ///
    /// `work` returns the final status: `Ok(hr)` passes `hr` to `Done` (`S_OK`, or a warning such
    /// as `MAPI_W_PARTIAL_COMPLETION`); `Err(e)` passes `e.hresult()`.
    ///
    /// If no thread can be started, the event is closed again and the error returned
    /// (`E_OUTOFMEMORY`), with nothing left behind and no `Done`.
    pub fn spawn<F>(request: SyncRequest, work: F) -> Result<Handle>
    where
        F: FnOnce(&SyncContext) -> Result<HResult> + Send + 'static,
    {
        SyncWorker::builder().spawn(request, work)
    }

    /// A worker with settings other than the defaults.
    ///
    /// ```
    /// use mapisync::{HResult, Handle, Result, SyncProvider, SyncRequest, SyncWorker};
    ///
    /// struct DeepStore;
    /// impl SyncProvider for DeepStore {
    ///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
    ///         SyncWorker::builder()
    ///             .stack_size(1024 * 1024) // a parser that recurses deeply
    ///             .spawn(request, |_| Ok(HResult::S_OK))
    ///     }
    /// }
    /// ```
    pub fn builder() -> SyncWorkerBuilder {
        SyncWorkerBuilder {
            stack_size: SyncWorker::DEFAULT_STACK_SIZE,
        }
    }
}

/// The settings of a [`SyncWorker`]: made by [`SyncWorker::builder`], used by
/// [`spawn`](Self::spawn).
#[derive(Clone, Debug)]
pub struct SyncWorkerBuilder {
    stack_size: usize,
}

impl SyncWorkerBuilder {
    /// The worker thread's stack size in bytes (default [`SyncWorker::DEFAULT_STACK_SIZE`]). The
    /// platform may round it up, to a whole page or to its own minimum.
    pub fn stack_size(mut self, bytes: usize) -> SyncWorkerBuilder {
        self.stack_size = bytes;
        self
    }

    /// [`SyncWorker::spawn`] with these settings.
    pub fn spawn<F>(self, request: SyncRequest, work: F) -> Result<Handle>
    where
        F: FnOnce(&SyncContext) -> Result<HResult> + Send + 'static,
    {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let context = SyncContext { request };
        let spawned = thread::Builder::new()
            .name(worker_name())
            .stack_size(self.stack_size)
            .spawn(move || run(context, work, event));
        match spawned {
            Ok(_) => Ok(handle),
            Err(e) => {
                // The closure, with the event and the references, was dropped by the failed spawn.
                Event::close_handle(handle)?;
                Err(Error::new(
                    HResult::E_OUTOFMEMORY,
                    format!("could not start the synchronization thread: {e}"),
                ))
            }
        }
    }
}

/// The name of every worker thread.
const WORKER_NAME: &str = "mapisync-sync";

/// [`WORKER_NAME`] with room for the NUL the thread's name gets, so that naming the thread takes
/// one allocation rather than an allocation and a reallocation.
fn worker_name() -> String {
    let mut name = String::with_capacity(WORKER_NAME.len() + 1);
    name.push_str(WORKER_NAME);
    name
}

thread_local! {
    /// While a worker thread reports a panic of its work (its `Error` and `Done`), the panic's
    /// message, held by [`run`] on its stack for the whole report; null otherwise. A host in the
    /// same process, called on this thread, learns that the `E_UNEXPECTED` it is told is a
    /// caught panic, not a status the provider chose. A raw pointer: no destructor to register,
    /// so asking costs every other thread's `Done` one thread-local read.
    static PANIC_REPORTED: Cell<*const String> = const { Cell::new(core::ptr::null()) };
}

/// The message of the panic the calling thread's worker is reporting, if it is reporting one
/// (see [`PANIC_REPORTED`]): asked by the host's callback on `Done`.
pub(crate) fn panic_being_reported() -> Option<String> {
    let message = PANIC_REPORTED.try_with(Cell::get).ok()?;
    // SAFETY: non-null only between `run`'s two `report_panic` calls on this thread, while the
    // `String` it points to lives on `run`'s stack, unmoved and unchanged.
    (!message.is_null()).then(|| unsafe { (*message).clone() })
}

/// Sets what [`panic_being_reported`] answers on this thread: `message` until the next call.
fn report_panic(message: *const String) {
    let _ = PANIC_REPORTED.try_with(|reported| reported.set(message));
}

/// The body of the worker thread.
fn run<F>(context: SyncContext, work: F, event: Event)
where
    F: FnOnce(&SyncContext) -> Result<HResult>,
{
    let panicked = match catch("the synchronization work", || work(&context)) {
        Ok(Ok(hr)) => Ok(hr),
        Ok(Err(error)) => Ok(error.hresult()),
        Err(panic) => Err((panic.hresult(), panic.to_string())),
    };
    let status = match &panicked {
        Ok(hr) => *hr,
        Err((hr, message)) => {
            report_panic(message);
            // The host's answer changes nothing: Done follows either way.
            let _ = context.error_str(*hr, message);
            *hr
        }
    };
    // Exactly one Done, whatever the host answers.
    let _ = context.request.callback.done(event.handle(), status);
    if panicked.is_err() {
        report_panic(core::ptr::null());
    }
    drop(context);
    event.set();
}
