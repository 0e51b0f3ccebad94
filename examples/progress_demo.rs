//! A Rust "store provider" reporting a short synchronization to a Rust-implemented
//! `IMAPISyncProgressCallback`, which prints every call it receives.
//!
//! The provider holds only a `ProgressCallback` (an owned COM interface pointer) and calls it from
//! a worker thread, exactly as it would call the object Outlook hands it.
//!
//! Run with `cargo run --example progress_demo`.

use std::thread;

use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, U16CString};

/// The Outlook side: prints what the provider reports.
struct PrintingCallback;

fn shown(text: Option<&U16CStr>) -> String {
    text.map_or_else(|| "(no text)".to_owned(), |t| t.to_string_lossy())
}

impl SyncProgress for PrintingCallback {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        println!("  Progress {index:>2}/{max:<2} {}", shown(text));
        Ok(())
    }

    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        println!("  Error    {hr}: {}", shown(text));
        Ok(())
    }

    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        println!("  Done     {hr} (event {:?})", event.as_raw());
        Ok(())
    }
}

/// The provider side: synchronizes three folders and reports through the callback.
fn synchronize(callback: &ProgressCallback) -> Result<()> {
    let folders = ["Inbox", "Sent Items", "Archive"];
    let max = folders.len() as u32;
    for (i, folder) in folders.iter().enumerate() {
        let text = U16CString::from_str(format!("Synchronizing {folder}"))
            .expect("folder names hold no NUL");
        callback.progress(Some(&text), i as u32 + 1, max)?;
        if *folder == "Archive" {
            let warning = U16CString::from_str("3 items were too large and were skipped")
                .expect("no NUL in the message");
            callback.error(HResult::MAPI_W_PARTIAL_COMPLETION, Some(&warning))?;
        }
    }
    callback.done(Handle::NULL, HResult::S_OK)
}

fn main() -> Result<()> {
    let callback = ProgressCallback::new(PrintingCallback);
    println!(
        "IMAPISyncProgressCallback at {:p}, called from a worker thread:",
        callback.as_raw()
    );
    // The provider keeps its own reference (AddRef) for its worker thread.
    let for_worker = callback.clone();
    thread::spawn(move || synchronize(&for_worker))
        .join()
        .expect("the worker thread does not panic")?;
    println!("Synchronization finished; the worker's reference is released.");
    Ok(())
}
