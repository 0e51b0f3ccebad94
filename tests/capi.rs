//! The C API's sync test driving Rust stores (`MapiSync::new`), called through the exported C
//! functions exactly as a C host calls them. The C-side tests (tests/capi/, run by .ci/capi)
//! drive a store written in C.

#![cfg(not(miri))]

use core::ffi::{c_char, c_int, CStr};
use std::ptr;

use mapisync::abi::{IUnknown, HANDLE, HRESULT, ULONG, WCHAR};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, Result, SyncFlags, SyncProvider, SyncRequest,
    SyncWorker,
};

/// `mapisync_record`, as the header declares it.
#[repr(C)]
struct Record {
    seq: u64,
    slot: c_int,
    refused: c_int,
    index: ULONG,
    index_max: ULONG,
    hr: HRESULT,
    event: HANDLE,
    text: *const WCHAR,
    text_len: usize,
    answer: HRESULT,
}

enum Recorder {}
enum Run {}

extern "C" {
    fn mapisync_recorder_new(out: *mut *mut Recorder) -> HRESULT;
    fn mapisync_recorder_free(recorder: *mut Recorder);
    fn mapisync_recorder_cancel_progress_from(recorder: *mut Recorder, n: u64) -> HRESULT;
    fn mapisync_recorder_count(recorder: *const Recorder) -> usize;
    fn mapisync_recorder_get(recorder: *const Recorder, i: usize, out: *mut Record) -> HRESULT;
    fn mapisync_sync_test(
        store: *mut IUnknown,
        flags: ULONG,
        recorder: *mut Recorder,
        timeout_ms: u32,
        out: *mut *mut Run,
    ) -> HRESULT;
    fn mapisync_run_passed(run: *const Run, strict: c_int) -> c_int;
    fn mapisync_run_finding_count(run: *const Run, strict: c_int) -> usize;
    fn mapisync_run_final_status(run: *const Run) -> HRESULT;
    fn mapisync_run_report(run: *const Run) -> *const c_char;
    fn mapisync_run_free(run: *mut Run);
}

/// `steps` Progress calls with text, then Done(S_OK); stops at a failing answer.
struct Store {
    steps: u32,
}

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let steps = self.steps;
        SyncWorker::spawn(request, move |sync| {
            let text = mapisync::U16CString::from_str("Inbox").unwrap();
            for i in 1..=steps {
                sync.progress(Some(&text), i, steps)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

/// What a C host sees of one `mapisync_sync_test` run.
struct Outcome {
    started: HRESULT,
    passed: bool,
    errors: usize,
    final_status: HResult,
    report: String,
    records: Vec<Record>,
}

fn sync_test(store: &MapiSync, flags: u32, cancel_from: Option<u64>) -> Outcome {
    let mut recorder = ptr::null_mut();
    let mut run = ptr::null_mut();
    // SAFETY: every pointer is a live local or comes from the call before; the store is a live
    // Rust-made object this function holds a reference on; each object is freed once.
    unsafe {
        assert_eq!(mapisync_recorder_new(&mut recorder), 0);
        if let Some(n) = cancel_from {
            assert_eq!(mapisync_recorder_cancel_progress_from(recorder, n), 0);
        }
        let started = mapisync_sync_test(store.as_unknown(), flags, recorder, 10_000, &mut run);
        let records = (0..mapisync_recorder_count(recorder))
            .map(|i| {
                let mut record = core::mem::zeroed::<Record>();
                assert_eq!(mapisync_recorder_get(recorder, i, &mut record), 0);
                record
            })
            .collect();
        let outcome = Outcome {
            started,
            passed: mapisync_run_passed(run, 1) != 0,
            errors: mapisync_run_finding_count(run, 0),
            final_status: HResult(mapisync_run_final_status(run)),
            report: CStr::from_ptr(mapisync_run_report(run))
                .to_string_lossy()
                .into_owned(),
            records,
        };
        mapisync_run_free(run);
        // The records' text lives as long as the recorder: not read past here.
        mapisync_recorder_free(recorder);
        outcome
    }
}

const FLAGS: u32 = SyncFlags::DOWNLOAD_HIERARCHY.bits() | SyncFlags::DOWNLOAD_CONTENTS.bits();

#[test]
fn a_rust_store_passes_the_c_sync_test() {
    let outcome = sync_test(&MapiSync::new(Store { steps: 4 }), FLAGS, None);
    assert_eq!(outcome.started, 0);
    assert!(outcome.passed, "{}", outcome.report);
    assert_eq!(outcome.final_status, HResult::S_OK);
    assert_eq!(outcome.records.len(), 5);
    let first = &outcome.records[0];
    assert_eq!(
        (first.seq, first.slot, first.index, first.index_max),
        (0, 0, 1, 4)
    );
    assert_eq!((first.refused, first.text_len), (0, 5));
    let done = &outcome.records[4];
    assert_eq!((done.slot, done.hr, done.answer), (2, 0, 0));
    assert!(!done.event.is_null() && !first.text.is_null());
}

#[test]
fn cancel_reaches_a_rust_store_through_the_c_recorder() {
    let outcome = sync_test(&MapiSync::new(Store { steps: 10 }), FLAGS, Some(2));
    assert!(outcome.passed, "{}", outcome.report);
    assert_eq!(outcome.final_status, HResult::MAPI_E_USER_CANCEL);
    assert_eq!(outcome.records.len(), 3);
    assert_eq!(outcome.records[1].answer, HResult::MAPI_E_USER_CANCEL.0);
}

#[test]
fn unknown_flags_reach_the_store_which_refuses_them() {
    let outcome = sync_test(&MapiSync::new(Store { steps: 1 }), FLAGS | 0x4, None);
    assert_eq!(outcome.started, 0, "the run took place");
    assert!(!outcome.passed);
    assert_eq!(
        outcome.errors, 1,
        "the failed start, counted once: {}",
        outcome.report
    );
    assert!(
        outcome.report.contains("MAPI_E_UNKNOWN_FLAGS"),
        "{}",
        outcome.report
    );
    assert_eq!(outcome.final_status, HResult::E_UNEXPECTED);
    assert!(outcome.records.is_empty());
}

/// A provider that passes `Done(NULL)` and then closes the event it kept, as the reference allows.
struct NullDone;

impl SyncProvider for NullDone {
    fn synchronize_in_background(&self, request: SyncRequest) -> mapisync::Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        std::thread::spawn(move || {
            let _ = request.callback.done(Handle::NULL, HResult::S_OK);
            drop(request);
            event.set();
            Event::close_handle(handle).expect("the provider's own event is still open");
        });
        Ok(handle)
    }
}

#[test]
fn a_run_with_only_warnings_says_it_passes_leniently_and_not_strictly() {
    let outcome = sync_test(&MapiSync::new(NullDone), FLAGS, None);
    assert_eq!(outcome.errors, 0, "{}", outcome.report);
    assert!(!outcome.passed, "strict: the Done(NULL) warning fails it");
    assert!(
        outcome
            .report
            .starts_with("sync test passed leniently; a strict check fails on the warnings"),
        "{}",
        outcome.report
    );
}
