//! A mapi-rs message store with Send/Receive through mapisync, driven the way Outlook drives it.
//!
//! ```text
//! cargo run -p mapisync-outlook-store --target x86_64-pc-windows-gnu
//! ```
//!
//! (on Linux the Windows target runs under Wine: see docs/platforms.md). outlook-mapi builds only
//! for Windows targets, so elsewhere this example says so and stops.

#[cfg(windows)]
fn main() {
    use mapisync::testing::RecordingCallback;
    use mapisync::testing::Script;
    use mapisync::{SimulatedHost, SyncFlags, Unknown};
    use windows_core::{IUnknown, Interface};

    // What the provider's logon hands Outlook: the store object, seen as IUnknown.
    let store: IUnknown =
        mapisync_outlook_store::Store::new(&["Inbox", "Sent Items", "Calendar"]).into();
    // Outlook's part: QueryInterface for IMAPISync, SynchronizeInBackground, wait on the done
    // event, Done, close the event. The recorder plays the Send/Receive dialog.
    let dialog = RecordingCallback::new(Script::new());
    // SAFETY: `store` holds a reference on a free-threaded object for the call.
    let unknown = unsafe { Unknown::from_borrowed(store.as_raw().cast()) };
    let report = SimulatedHost::new()
        .run_on_store(&unknown, SyncFlags::DOWNLOAD_CONTENTS, dialog.callback())
        .expect("the store answers IMAPISync");
    for record in dialog.records() {
        println!("{record}");
    }
    println!("{report}");
    assert!(report.is_clean());
}

#[cfg(not(windows))]
fn main() {
    eprintln!(
        "mapisync-outlook-store needs a Windows target (outlook-mapi builds only for Windows): \
         cargo run -p mapisync-outlook-store --target x86_64-pc-windows-gnu \
         (under Wine on Linux, see docs/platforms.md)"
    );
}
