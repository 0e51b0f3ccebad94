//! A message store written as a mapi-rs user writes it, `#[implement(IMsgStore, IMAPISync)]`, that
//! takes part in Outlook's Send/Receive through mapisync (docs/windows.md). The store object
//! ([`Store`]) is for Windows targets only: outlook-mapi builds only there. Its synchronization
//! ([`Folders`]) is plain mapisync and builds everywhere.
//!
//! With the `factory` feature the library, built as a shared library (`cargo build -p
//! mapisync-outlook-store --features factory`), exports the factory `mapisync-check` loads
//! (docs/check.md): `HRESULT mapisync_make_store(IUnknown **out)`, one new store per call. The
//! `planted-bug` feature plants a known bug in it, for the checker's own CI: the worker goes on
//! after the user pressed Cancel; `planted-crash` one that crashes the process or hangs (docs/check.md).

use mapisync::{HResult, Handle, Result, SyncProvider, SyncRequest, SyncWorker};

#[cfg(windows)]
mod store;
#[cfg(windows)]
pub use store::Store;

#[cfg(feature = "factory")]
mod factory;

/// The synchronization itself: one `Progress` per folder, on a `SyncWorker` thread, which calls
/// `Done`, signals the done event and lets go of Outlook's callback whatever happens. Cancel
/// arrives as `MAPI_E_USER_CANCEL` from `progress` and ends the work at the `?`.
pub struct Folders(Vec<String>);

impl Folders {
    /// The synchronization of `folders`, in order.
    pub fn new(folders: &[&str]) -> Folders {
        Folders(folders.iter().map(|f| f.to_string()).collect())
    }
}

impl SyncProvider for Folders {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let folders = self.0.clone();
        SyncWorker::spawn(request, move |sync| {
            let max = folders.len() as u32;
            for (i, folder) in folders.iter().enumerate() {
                let answer = sync.progress_str(folder, i as u32 + 1, max);
                // The planted crash: Cancel at the second folder aborts the process.
                if cfg!(feature = "planted-crash") && i == 1 && answer.is_err() {
                    std::process::abort();
                }
                // And Cancel at the third hangs the worker for ever.
                if cfg!(feature = "planted-crash") && i == 2 && answer.is_err() {
                    loop {
                        std::thread::park();
                    }
                }
                // The planted bug: Cancel is not heeded, the walk goes on.
                if cfg!(feature = "planted-bug") {
                    continue;
                }
                answer?;
            }
            Ok(HResult::S_OK)
        })
    }
}
