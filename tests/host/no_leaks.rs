//! The only test in its process, so that the process-wide count of open event handles is ours:
//! after syncs that succeed, fail and panic, no handle and no reference is left.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;

use common::Recorder;
use mapisync::{
    Event, HResult, MapiSync, ProgressCallback, SimulatedHost, SyncFlags, SyncProvider,
    SyncRequest, SyncWorker,
};

struct Store;

impl SyncProvider for Store {
    fn synchronize_in_background(
        &self,
        request: SyncRequest,
    ) -> mapisync::Result<mapisync::Handle> {
        let how = request.flags;
        SyncWorker::spawn(request, move |sync| {
            sync.progress(None, 1, 2)?;
            if how.contains(SyncFlags::UPLOAD_HIERARCHY) {
                return Err(HResult::MAPI_E_NETWORK_ERROR.into());
            }
            if how.contains(SyncFlags::UPLOAD_CONTENTS) {
                panic!("deliberate panic in the sync work");
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn nothing_is_left_open_or_referenced() {
    assert_eq!(Event::open_handles(), 0);
    let store = MapiSync::new(Store);
    let host = SimulatedHost::new();
    let mut recorders = Vec::new();
    for flags in [
        SyncFlags::DOWNLOAD_CONTENTS,
        SyncFlags::UPLOAD_HIERARCHY,
        SyncFlags::UPLOAD_CONTENTS,
    ] {
        for _ in 0..10 {
            let recorder = Recorder::default();
            recorders.push(recorder.drops.clone());
            let report = host.run(&store, flags, ProgressCallback::new(recorder));
            // The panic is a finding of its own; nothing else is.
            let panicked = flags == SyncFlags::UPLOAD_CONTENTS;
            let codes: Vec<_> = report.host_problems().iter().map(|p| p.code()).collect();
            let expected: &[&str] = if panicked { &["work_panicked"] } else { &[] };
            assert_eq!(codes, expected, "{report}");
        }
    }
    // A handle the host never closes is counted.
    let stray = Event::new(mapisync::EventReset::Manual);
    assert_eq!(Event::open_handles(), 1);
    Event::close_handle(stray.handle()).unwrap();

    assert_eq!(Event::open_handles(), 0, "every done event was closed");
    assert!(
        recorders.iter().all(|d| d.load(Ordering::SeqCst) == 1),
        "every callback was released"
    );
    assert_eq!(common::count_sync(&store), 1);
}
