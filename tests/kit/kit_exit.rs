//! A provider whose `Done` comes from a thread-local destructor, as its thread exits (an RAII
//! "Done on exit" guard, or a C++ provider's TLS cleanup): the kit still records it.

use std::cell::RefCell;
use std::time::Duration;

use mapisync::testing::{Call, Expect, SyncTest};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, ProgressCallback, Result, SyncProvider,
    SyncRequest,
};

/// Calls `Done` when the thread it lives on exits.
struct DoneOnExit {
    callback: ProgressCallback,
    event: Event,
}

impl Drop for DoneOnExit {
    fn drop(&mut self) {
        let _ = self.callback.done(self.event.handle(), HResult::S_OK);
        self.event.set();
    }
}

thread_local! {
    static GUARD: RefCell<Option<DoneOnExit>> = const { RefCell::new(None) };
}

struct ExitStore;

impl SyncProvider for ExitStore {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        std::thread::Builder::new()
            .name("exiting-provider".into())
            .spawn(move || {
                // The guard's thread-local is made first, so it is torn down last: after every
                // thread-local the callback's side made during the calls below.
                let callback = request.callback.clone();
                GUARD.with(|g| *g.borrow_mut() = Some(DoneOnExit { callback, event }));
                for i in 1..=3 {
                    request.callback.progress(None, i, 3).unwrap();
                }
            })
            .unwrap();
        Ok(handle)
    }
}

#[test]
fn a_done_from_a_thread_local_destructor_is_recorded() {
    for _round in 0..if cfg!(miri) { 2 } else { 20 } {
        let run = SyncTest::new()
            .timeout(Duration::from_secs(10))
            .run(&MapiSync::new(ExitStore));
        run.assert_protocol();
        run.assert_calls(&Expect::new().progress(1..=3, 3).done(HResult::S_OK));
        let records = run.records();
        let done = records.last().unwrap();
        assert!(matches!(done.call, Call::Done { .. }), "{records:?}");
        assert_eq!(done.thread, records[0].thread, "the same thread made it");
        assert_eq!(done.thread_name.as_deref(), Some("exiting-provider"));
        run.assert_released();
    }
}
