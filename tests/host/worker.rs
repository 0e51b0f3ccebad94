//! `SyncWorker`'s settings and its `SyncContext`: Rust text is made to fit the ABI, never refused,
//! and the stack size can be raised for work that needs it.

#[path = "../common/mod.rs"]
mod common;

use common::{Call, Recorder};
use mapisync::{
    Event, HResult, Handle, MapiSync, ProgressCallback, Result, SyncContext, SyncFlags,
    SyncProvider, SyncRequest, SyncWorker, MAX_TEXT_LEN,
};

/// A store that runs `work` on a worker, with `stack_size` if given.
struct Store<F> {
    work: F,
    stack_size: Option<usize>,
}

impl<F> SyncProvider for Store<F>
where
    F: Fn(&SyncContext) -> Result<HResult> + Clone + Send + Sync + 'static,
{
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let work = self.work.clone();
        match self.stack_size {
            None => SyncWorker::spawn(request, move |sync| work(sync)),
            Some(bytes) => SyncWorker::builder()
                .stack_size(bytes)
                .spawn(request, move |sync| work(sync)),
        }
    }
}

/// Runs one sync of `store` to its end and returns the calls it made.
fn run(store: impl SyncProvider) -> Vec<Call> {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let callback = ProgressCallback::new(recorder);
    let store = MapiSync::new(store);
    let done = store
        .synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &callback)
        .unwrap();
    Event::from_handle(done).unwrap().wait();
    Event::close_handle(done).unwrap();
    let calls = calls.lock().unwrap().clone();
    calls
}

#[test]
fn rust_text_longer_than_the_bound_is_cut_to_fit_not_refused() {
    let calls = run(Store {
        work: |sync: &SyncContext| {
            let long = format!("{}📬📬", "a".repeat(MAX_TEXT_LEN - 2));
            sync.progress_str(&long, 1, 1)?;
            sync.error_str(HResult::MAPI_W_ERRORS_RETURNED, &long)?;
            sync.progress_str("short\0cut at the NUL", 1, 1)?;
            Ok(HResult::S_OK)
        },
        stack_size: None,
    });
    let cut: Vec<u16> = format!("{}…", "a".repeat(MAX_TEXT_LEN - 2))
        .encode_utf16()
        .collect();
    assert_eq!(
        cut.len(),
        MAX_TEXT_LEN - 1,
        "the pair that would not fit is left out whole"
    );
    assert_eq!(
        calls[..3],
        [
            Call::Progress(Some(cut.clone()), 1, 1),
            Call::Error(HResult::MAPI_W_ERRORS_RETURNED, Some(cut)),
            Call::Progress(Some("short".encode_utf16().collect()), 1, 1),
        ]
    );
    assert!(
        matches!(calls[3..], [Call::Done(_, HResult::S_OK)]),
        "{calls:?}"
    );
}

/// Uses at least `depth` × 8 KiB of stack (more in a debug build).
#[inline(never)]
fn deep(depth: u32) -> u64 {
    let frame = std::hint::black_box([depth as u8; 8 * 1024]);
    if depth == 0 {
        return frame[0] as u64;
    }
    deep(depth - 1) + std::hint::black_box(frame)[100] as u64
}

#[test]
fn work_that_needs_a_deep_stack_asks_for_one() {
    assert_eq!(SyncWorker::DEFAULT_STACK_SIZE, 256 * 1024);
    // At least 512 KiB of frames: more than the default stack holds, within the 4 MiB asked for.
    let depth = if cfg!(miri) { 4 } else { 64 };
    let calls = run(Store {
        work: move |_: &SyncContext| {
            std::hint::black_box(deep(depth));
            Ok(HResult::S_OK)
        },
        stack_size: Some(4 * 1024 * 1024),
    });
    assert!(
        matches!(calls[..], [Call::Done(_, HResult::S_OK)]),
        "{calls:?}"
    );
}
