//! `SyncWorker`: runs a provider's synchronization on its own thread and keeps the protocol.

use std::thread;

use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::core::unwind::catch;
use crate::host::event::{Event, EventReset};
use crate::interfaces::progress_callback::ProgressCallback;
use crate::interfaces::sync::SyncRequest;
use crate::interfaces::unknown::Unknown;
use widestring::{U16CStr, U16CString};

/// What the work of a [`SyncWorker`] reports through: the request's flags and session, and the
/// `Progress` and `Error` slots of its callback. There is no `Done` here: the worker calls it,
/// exactly once, when the work returns.
#[derive(Debug)]
pub struct SyncContext {
    flags: SyncFlags,
    session: Option<Unknown>,
    callback: ProgressCallback,
}

impl SyncContext {
    /// The flags the host asked for.
    pub fn flags(&self) -> SyncFlags {
        self.flags
    }

    /// The MAPI session the host passed, if any.
    pub fn session(&self) -> Option<&Unknown> {
        self.session.as_ref()
    }

    /// `Progress(text, index, max)` on the host's callback. An `Err` is the host's answer, e.g.
    /// `MAPI_E_USER_CANCEL` when the user pressed Cancel: return it from the work with `?`.
    pub fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        self.callback.progress(text, index, max)
    }

    /// `Error(hr, text)` on the host's callback: report an error or a warning and go on.
    pub fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        self.callback.error(hr, text)
    }

    /// [`progress`](Self::progress) with Rust text, converted to UTF-16 (an interior NUL, which
    /// the ABI cannot carry, ends the text).
    pub fn progress_str(&self, text: &str, index: u32, max: u32) -> Result<()> {
        self.progress(Some(&U16CString::from_str_truncate(text)), index, max)
    }

    /// [`error`](Self::error) with Rust text, converted as for
    /// [`progress_str`](Self::progress_str).
    pub fn error_str(&self, hr: HResult, text: &str) -> Result<()> {
        self.error(hr, Some(&U16CString::from_str_truncate(text)))
    }
}

/// Runs a synchronization the way the reference asks a provider to: on a thread of its own, with
/// a done event that the host can wait on.
///
/// [`SyncWorker::spawn`] creates a manual-reset [`Event`], starts a thread running the work, and
/// returns the event's handle at once, for [`SyncProvider::synchronize_in_background`] to return.
/// When the work ends, however it ends, the thread
///
/// 1. calls `Done(handle, final HRESULT)` exactly once: the work's `Ok(hr)`, or its error's
///    HRESULT, or `E_UNEXPECTED` after a panic (first reported through `Error` with the panic
///    message);
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
    /// Starts `work` on a new thread for `request` and returns the done event's handle.
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
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let context = SyncContext {
            flags: request.flags,
            session: request.session,
            callback: request.callback,
        };
        let spawned = thread::Builder::new()
            .name(worker_name())
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

/// The body of the worker thread.
fn run<F>(context: SyncContext, work: F, event: Event)
where
    F: FnOnce(&SyncContext) -> Result<HResult>,
{
    let status = match catch("the synchronization work", || work(&context)) {
        Ok(Ok(hr)) => hr,
        Ok(Err(error)) => error.hresult(),
        Err(panic) => {
            let text = U16CString::from_str_truncate(panic.to_string());
            // The host's answer changes nothing: Done follows either way.
            let _ = context.callback.error(panic.hresult(), Some(&text));
            panic.hresult()
        }
    };
    // Exactly one Done, whatever the host answers.
    let _ = context.callback.done(event.handle(), status);
    drop(context);
    event.set();
}
