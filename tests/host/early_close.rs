//! The done event a worker hands out is the host's: a host that closes it before the work ends
//! never makes the worker signal the closed handle, nor a new event that got the same value
//! (Windows reuses handle values at once).

use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

use mapisync::testing::{RecordingCallback, Script};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, Result, SyncFlags, SyncProvider, SyncRequest,
    SyncWorker,
};

/// A provider whose work waits for the test's word before it ends.
struct Gated(Mutex<Option<mpsc::Receiver<()>>>);

impl SyncProvider for Gated {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let gate = self.0.lock().unwrap().take().expect("one run");
        SyncWorker::spawn(request, move |_| {
            gate.recv().unwrap();
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn a_host_that_closes_early_never_has_another_event_signalled() {
    let (open_gate, gate) = mpsc::channel();
    let store = MapiSync::new(Gated(Mutex::new(Some(gate))));
    let dialog = RecordingCallback::new(Script::new());
    let handed_out = store
        .synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &dialog.callback())
        .unwrap();
    // The host keeps an event of its own to wait on, then closes the handle at once.
    let watched = Event::from_handle(handed_out).unwrap();
    Event::close_handle(handed_out).unwrap();
    // New events, one of which gets the closed value on Windows.
    let others: Vec<Event> = (0..8).map(|_| Event::new(EventReset::Manual)).collect();

    // Under Wine one of them does get `handed_out`'s value: a worker that signalled that value
    // would signal it.
    open_gate.send(()).unwrap();
    assert!(
        watched.wait_timeout(Duration::from_secs(30)),
        "the worker signalled its event"
    );
    for other in &others {
        assert!(
            !other.is_set(),
            "event {:?} (handed-out value {:?}) was signalled by someone else's worker",
            other.handle(),
            handed_out
        );
        Event::close_handle(other.handle()).unwrap();
    }
}
