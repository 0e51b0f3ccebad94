//! The C API's sync test driving Rust stores (`MapiSync::new`), called through the exported C
//! functions exactly as a C host calls them. The C-side tests (tests/capi/, run by .ci/capi)
//! drive a store written in C.

#![cfg(not(miri))]

#[path = "../common/mod.rs"]
mod common;

use core::ffi::{c_char, c_int, c_void, CStr};
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
enum Expect {}
enum Exploration {}

/// `mapisync_finding`, as the header declares it.
#[repr(C)]
struct Finding {
    severity: c_int,
    code: *const c_char,
    seq: i64,
    what: *const c_char,
    expected: *const c_char,
}

/// `mapisync_explore_options`, as the header declares it.
#[repr(C)]
#[derive(Clone, Copy)]
struct ExploreOptions {
    size: usize,
    flags: ULONG,
    strict: c_int,
    cases: u32,
    seed: u64,
    timeout_ms: u32,
    jobs: u32,
    all_failures: c_int,
}

type Factory = unsafe extern "C" fn(context: *mut c_void, out: *mut *mut IUnknown) -> HRESULT;

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
    fn mapisync_run_start_status(run: *const Run) -> HRESULT;
    fn mapisync_run_finding(run: *const Run, strict: c_int, i: usize, out: *mut Finding)
        -> HRESULT;
    fn mapisync_expect_new(out: *mut *mut Expect) -> HRESULT;
    fn mapisync_expect_progress(e: *mut Expect, first: ULONG, last: ULONG, max: ULONG) -> HRESULT;
    fn mapisync_expect_error(e: *mut Expect, hr: HRESULT) -> HRESULT;
    fn mapisync_expect_done(e: *mut Expect, hr: HRESULT) -> HRESULT;
    fn mapisync_expect_text(e: *mut Expect, text: *const WCHAR) -> HRESULT;
    fn mapisync_expect_free(e: *mut Expect);
    fn mapisync_run_matches(run: *const Run, e: *const Expect, diff: *mut *const c_char) -> c_int;
    fn mapisync_explore(
        options: *const ExploreOptions,
        make_store: Option<Factory>,
        context: *mut c_void,
        out: *mut *mut Exploration,
    ) -> HRESULT;
    fn mapisync_exploration_passed(x: *const Exploration) -> c_int;
    fn mapisync_exploration_scenarios(x: *const Exploration) -> usize;
    fn mapisync_exploration_seed(x: *const Exploration) -> u64;
    fn mapisync_exploration_failure_count(x: *const Exploration) -> usize;
    fn mapisync_exploration_failure_script(x: *const Exploration, i: usize) -> *const c_char;
    fn mapisync_exploration_failure_run(x: *const Exploration, i: usize) -> *const Run;
    fn mapisync_exploration_report(x: *const Exploration) -> *const c_char;
    fn mapisync_exploration_free(x: *mut Exploration);
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

/// Progress 1..=steps, then Done; from Progress `from` on it ignores a Cancel (a planted bug).
struct IgnoresCancel {
    steps: u32,
    from: u32,
}

impl SyncProvider for IgnoresCancel {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let (steps, from) = (self.steps, self.from);
        SyncWorker::spawn(request, move |sync| {
            for i in 1..=steps {
                if let Err(e) = sync.progress(None, i, steps) {
                    if i < from {
                        return Err(e);
                    }
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

/// A C string owned elsewhere, as a Rust one ("" for NULL).
///
/// # Safety
///
/// `s` is null or a live NUL-terminated string.
unsafe fn text(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: the caller's guarantee.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// Runs `store` through `mapisync_sync_test` with a fresh recorder and hands the run to `f`.
fn with_run<T>(store: &MapiSync, flags: u32, f: impl FnOnce(*const Run) -> T) -> T {
    let mut recorder = ptr::null_mut();
    let mut run = ptr::null_mut();
    // SAFETY: live locals; the store is held by the caller; each object is freed once.
    unsafe {
        assert_eq!(mapisync_recorder_new(&mut recorder), 0);
        assert_eq!(
            mapisync_sync_test(store.as_unknown(), flags, recorder, 10_000, &mut run),
            0
        );
        let answer = f(run);
        mapisync_run_free(run);
        mapisync_recorder_free(recorder);
        answer
    }
}

#[test]
fn the_start_status_is_what_synchronize_in_background_returned() {
    let good = with_run(&MapiSync::new(Store { steps: 1 }), FLAGS, |run| {
        // SAFETY: a live run.
        unsafe { mapisync_run_start_status(run) }
    });
    assert_eq!(good, 0);
    let refused = with_run(&MapiSync::new(Store { steps: 1 }), FLAGS | 0x4, |run| {
        // SAFETY: a live run.
        unsafe { mapisync_run_start_status(run) }
    });
    assert_eq!(HResult(refused), HResult::MAPI_E_UNKNOWN_FLAGS);
    // SAFETY: NULL is answered, not read.
    let null = unsafe { mapisync_run_start_status(ptr::null()) };
    assert_eq!(HResult(null), HResult::E_POINTER);
}

#[test]
fn findings_are_structured_in_report_order_and_bad_indices_write_nothing() {
    let store = MapiSync::new(IgnoresCancel { steps: 5, from: 1 });
    let mut recorder = ptr::null_mut();
    let mut run = ptr::null_mut();
    // SAFETY: live locals; each object is freed once; strings read while the run lives.
    unsafe {
        assert_eq!(mapisync_recorder_new(&mut recorder), 0);
        assert_eq!(mapisync_recorder_cancel_progress_from(recorder, 2), 0);
        assert_eq!(
            mapisync_sync_test(store.as_unknown(), FLAGS, recorder, 10_000, &mut run),
            0
        );
        let count = mapisync_run_finding_count(run, 1);
        assert!(count >= 1, "{}", text(mapisync_run_report(run)));
        let report = text(mapisync_run_report(run));
        let mut last_at = 0;
        for i in 0..count {
            let mut finding = core::mem::zeroed::<Finding>();
            assert_eq!(mapisync_run_finding(run, 1, i, &mut finding), 0);
            let what = text(finding.what);
            assert!(!what.is_empty() && !text(finding.expected).is_empty());
            assert!(!text(finding.code).is_empty());
            assert!(finding.severity == 0 || finding.severity == 1);
            let at = report[last_at..]
                .find(&what)
                .expect("every finding is in the report");
            last_at += at;
        }
        let mut first = core::mem::zeroed::<Finding>();
        assert_eq!(mapisync_run_finding(run, 0, 0, &mut first), 0);
        assert_eq!(first.severity, 1, "an error: Progress after Cancel");
        assert_eq!(first.seq, 2, "the Progress after the Cancel answer at #1");
        assert_eq!(text(first.code), "progress_after_cancel");
        let mut untouched = Finding { seq: 77, ..first };
        let past = HResult(mapisync_run_finding(run, 1, count, &mut untouched));
        assert_eq!((past, untouched.seq), (HResult::E_INVALIDARG, 77));
        let null_out = mapisync_run_finding(run, 1, 0, ptr::null_mut());
        assert_eq!(HResult(null_out), HResult::E_POINTER);
        let null_run = mapisync_run_finding(ptr::null(), 1, 0, &mut untouched);
        assert_eq!((HResult(null_run), untouched.seq), (HResult::E_POINTER, 77));
        mapisync_run_free(run);
        mapisync_recorder_free(recorder);
    }
}

#[test]
fn expected_calls_match_or_give_the_rust_diff() {
    let store = MapiSync::new(Store { steps: 3 });
    let mut exact = ptr::null_mut();
    let mut wrong = ptr::null_mut();
    // SAFETY: live locals; each object is freed once; the diff read while the run lives.
    unsafe {
        assert_eq!(mapisync_expect_new(&mut exact), 0);
        assert_eq!(mapisync_expect_progress(exact, 1, 3, 3), 0);
        assert_eq!(mapisync_expect_done(exact, 0), 0);
        assert_eq!(mapisync_expect_new(&mut wrong), 0);
        assert_eq!(mapisync_expect_progress(wrong, 1, 4, 4), 0);
        assert_eq!(mapisync_expect_error(wrong, HResult::E_FAIL.0), 0);
        let hi: Vec<u16> = "hi\0".encode_utf16().collect();
        let text_after_error = mapisync_expect_text(wrong, hi.as_ptr());
        assert_eq!(HResult(text_after_error), HResult::S_OK);
        assert_eq!(mapisync_expect_done(wrong, 0), 0);
        let bad = mapisync_expect_progress(wrong, 3, 2, 4);
        assert_eq!(HResult(bad), HResult::E_INVALIDARG);
        let after_done = mapisync_expect_text(wrong, hi.as_ptr());
        assert_eq!(
            HResult(after_done),
            HResult::E_INVALIDARG,
            "a done carries no text"
        );
        let null_text = mapisync_expect_text(wrong, ptr::null());
        assert_eq!(HResult(null_text), HResult::E_POINTER);
        let null_e = mapisync_expect_done(ptr::null_mut(), 0);
        assert_eq!(HResult(null_e), HResult::E_POINTER);
        with_run(&store, FLAGS, |run| {
            let mut diff: *const c_char = c"stale".as_ptr();
            assert_eq!(mapisync_run_matches(run, exact, &mut diff), 1);
            assert!(diff.is_null());
            assert_eq!(mapisync_run_matches(run, wrong, &mut diff), 0);
            let shown = text(diff);
            assert!(
                shown.starts_with(
                    "the calls do not match the expectation\n  expected: progress 1..=4 of 4, \
                     then error E_FAIL (0x80004005) with text \"hi\", then done S_OK (0x00000000)\n\
                     diff (- expected, + actual):\n"
                ),
                "{shown}"
            );
            assert!(shown.contains("- Progress 4/4") && shown.contains("- Error E_FAIL"));
            let mut again: *const c_char = ptr::null();
            assert_eq!(mapisync_run_matches(run, wrong, &mut again), 0);
            assert_eq!(again, diff, "the same diff, not another copy");
            assert_eq!(mapisync_run_matches(run, wrong, ptr::null_mut()), 0);
            assert_eq!(mapisync_run_matches(ptr::null(), exact, &mut diff), 0);
            assert!(diff.is_null());
        });
        mapisync_expect_free(exact);
        mapisync_expect_free(wrong);
        mapisync_expect_free(ptr::null_mut());
    }
}

/// A store factory over a Rust closure's `MapiSync`: `context` is a `&dyn Fn() -> MapiSync`.
unsafe extern "C" fn rust_factory(context: *mut c_void, out: *mut *mut IUnknown) -> HRESULT {
    // SAFETY: the tests pass a live `&dyn Fn() -> MapiSync` as the context.
    let make = unsafe { &*context.cast::<&dyn Fn() -> MapiSync>() };
    // SAFETY: `out` is a valid slot by the factory contract; the reference passes to the caller.
    unsafe { out.write(make().into_raw().cast()) };
    0
}

/// A factory that fails.
unsafe extern "C" fn failing_factory(_: *mut c_void, out: *mut *mut IUnknown) -> HRESULT {
    // SAFETY: a valid slot by the factory contract.
    unsafe { out.write(ptr::null_mut()) };
    HResult::E_OUTOFMEMORY.0
}

fn options(cases: u32) -> ExploreOptions {
    ExploreOptions {
        size: core::mem::size_of::<ExploreOptions>(),
        flags: 0,
        strict: 1,
        cases,
        seed: 3,
        timeout_ms: 0,
        jobs: 1,
        all_failures: 0,
    }
}

fn explore(
    options: Option<&ExploreOptions>,
    make: &dyn Fn() -> MapiSync,
) -> (HRESULT, *mut Exploration) {
    let mut make = make;
    let mut out = ptr::null_mut();
    let options = options.map_or(ptr::null(), ptr::from_ref);
    // SAFETY: the context is a live `&dyn Fn` for the factory; `out` a live local.
    let hr = unsafe {
        mapisync_explore(
            options,
            Some(rust_factory),
            ptr::from_mut(&mut make).cast(),
            &mut out,
        )
    };
    (hr, out)
}

#[test]
fn exploration_finds_the_planted_bug_and_prints_its_c_replay() {
    let (hr, x) = explore(Some(&options(20)), &|| {
        MapiSync::new(IgnoresCancel { steps: 6, from: 4 })
    });
    assert_eq!(hr, 0);
    // SAFETY: a live exploration, freed once at the end; strings read while it lives.
    unsafe {
        let report = text(mapisync_exploration_report(x));
        assert_eq!(mapisync_exploration_passed(x), 0, "{report}");
        // The options' seed, unless the environment sets one (CI does).
        let seed = std::env::var("MAPISYNC_EXPLORE_SEED")
            .ok()
            .filter(|v| !v.is_empty())
            .map_or(3, |v| v.parse().unwrap());
        assert_eq!(mapisync_exploration_seed(x), seed);
        assert!(
            mapisync_exploration_scenarios(x) > 4,
            "the plain run and Cancel from 1 to 4"
        );
        assert!(mapisync_exploration_failure_count(x) >= 1);
        let script = text(mapisync_exploration_failure_script(x, 0));
        assert_eq!(
            script, "mapisync_recorder_cancel_progress_from(recorder, 4);",
            "{report}"
        );
        assert!(report.contains(&format!("    {script}\n")), "{report}");
        let run = mapisync_exploration_failure_run(x, 0);
        assert!(!run.is_null());
        assert_eq!(mapisync_run_passed(run, 0), 0);
        assert_eq!(mapisync_run_start_status(run), 0);
        assert_eq!(
            HResult(mapisync_run_final_status(run)),
            HResult::S_OK,
            "Done(S_OK) after Cancel"
        );
        let mut finding = core::mem::zeroed::<Finding>();
        assert_eq!(mapisync_run_finding(run, 0, 0, &mut finding), 0);
        assert!(report.contains(&text(finding.what)), "{report}");
        let past = mapisync_exploration_failure_count(x);
        assert!(mapisync_exploration_failure_script(x, past).is_null());
        assert!(mapisync_exploration_failure_run(x, past).is_null());
        mapisync_exploration_free(x);
    }
}

#[test]
fn a_good_store_passes_the_systematic_pass_and_the_random_cases() {
    let (hr, x) = explore(Some(&options(10)), &|| MapiSync::new(Store { steps: 4 }));
    assert_eq!(hr, 0);
    // SAFETY: a live exploration, freed once.
    unsafe {
        let report = text(mapisync_exploration_report(x));
        assert_eq!(mapisync_exploration_passed(x), 1, "{report}");
        if std::env::var_os("MAPISYNC_EXPLORE_CASES").is_none() {
            assert_eq!(
                mapisync_exploration_scenarios(x),
                1 + 4 + 1 + 10,
                "{report}"
            );
        }
        assert_eq!(mapisync_exploration_failure_count(x), 0);
        assert!(report.starts_with("exploration: "), "{report}");
        mapisync_exploration_free(x);
    }
}

#[test]
fn explore_answers_bad_inputs_and_writes_only_null() {
    let good = || MapiSync::new(Store { steps: 1 });
    for size in [
        0,
        core::mem::size_of::<ExploreOptions>() - 1,
        core::mem::size_of::<ExploreOptions>() + 8,
    ] {
        let (hr, x) = explore(Some(&ExploreOptions { size, ..options(0) }), &good);
        assert_eq!(
            (HResult(hr), x.is_null()),
            (HResult::E_INVALIDARG, true),
            "size {size}"
        );
    }
    let mut out: *mut Exploration = ptr::NonNull::dangling().as_ptr();
    // SAFETY: live locals; NULLs are answered, not called.
    unsafe {
        let no_factory = mapisync_explore(ptr::null(), None, ptr::null_mut(), &mut out);
        assert_eq!(
            (HResult(no_factory), out.is_null()),
            (HResult::E_POINTER, true)
        );
        let no_out = mapisync_explore(
            ptr::null(),
            Some(failing_factory),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        assert_eq!(HResult(no_out), HResult::E_POINTER);
        let failed = mapisync_explore(
            &options(0),
            Some(failing_factory),
            ptr::null_mut(),
            &mut out,
        );
        assert_eq!(
            (HResult(failed), out.is_null()),
            (HResult::E_OUTOFMEMORY, true)
        );
        assert_eq!(mapisync_exploration_passed(ptr::null()), 0);
        assert_eq!(mapisync_exploration_failure_count(ptr::null()), 0);
        assert!(mapisync_exploration_report(ptr::null()).is_null());
        assert!(mapisync_exploration_failure_script(ptr::null(), 0).is_null());
        mapisync_exploration_free(ptr::null_mut());
    }
}

const GUIDE: &str = include_str!("../../docs/c-and-cpp.md");

/// The first text block of the C guide after `intro` (either line ending).
fn shown_after(intro: &str) -> String {
    GUIDE
        .split(intro)
        .nth(1)
        .and_then(|rest| rest.split("```text").nth(1))
        .and_then(|block| block.split("```").next())
        .map(|block| block.trim_start_matches(['\r', '\n']).replace("\r\n", "\n"))
        .unwrap_or_else(|| panic!("the guide shows a text block after {intro:?}"))
}

/// `text` with what differs from run to run written as `<...>`: an exploration's time, its seed
/// (the environment may set it) and a done event's handle value.
fn without_run_values(text: &str) -> String {
    common::masked(
        text,
        &[
            (" scenarios in ", Some("), ")),
            (" event 0x", None),
            // The seed too: CI sets MAPISYNC_EXPLORE_SEED, which the C API honours.
            ("MAPISYNC_EXPLORE_SEED=", Some(" ")),
        ],
    )
}

/// The C store of tests/capi/store.c with `steps` and `ignore_cancel_from`, in Rust: Progress
/// "step" 1..=steps of steps, a failing answer ignored from `from` on, then Done.
struct CStoreTwin {
    steps: u32,
    from: u32,
}

impl SyncProvider for CStoreTwin {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let (steps, from) = (self.steps, self.from);
        SyncWorker::spawn(request, move |sync| {
            let text = mapisync::U16CString::from_str("step").unwrap();
            for i in 1..=steps {
                if let Err(e) = sync.progress(Some(&text), i, steps) {
                    if i < from {
                        return Err(e);
                    }
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn the_guide_shows_the_exploration_report_the_c_api_prints() {
    let (hr, x) = explore(Some(&options(0)), &|| {
        MapiSync::new(CStoreTwin { steps: 4, from: 3 })
    });
    assert_eq!(hr, 0);
    // SAFETY: a live exploration, freed once; the report read while it lives.
    let printed = unsafe {
        let report = text(mapisync_exploration_report(x));
        mapisync_exploration_free(x);
        report
    };
    assert_eq!(
        without_run_values(&printed),
        without_run_values(&shown_after("prints this report")),
        "the guide's report (right) is not what the C API prints (left)"
    );
}

/// A store that never starts.
struct Offline;

impl SyncProvider for Offline {
    fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
        Err(HResult::MAPI_E_NETWORK_ERROR.into())
    }
}

#[test]
fn an_explored_failure_to_start_keeps_its_start_status() {
    let (hr, x) = explore(Some(&options(0)), &|| MapiSync::new(Offline));
    assert_eq!(hr, 0);
    // SAFETY: a live exploration, freed once; its run read while it lives.
    unsafe {
        assert_eq!(mapisync_exploration_failure_count(x), 1);
        assert_eq!(
            text(mapisync_exploration_failure_script(x, 0)),
            "/* no rule: every call answered S_OK */"
        );
        let run = mapisync_exploration_failure_run(x, 0);
        let started = HResult(mapisync_run_start_status(run));
        assert_eq!(started, HResult::MAPI_E_NETWORK_ERROR);
        assert_eq!(
            HResult(mapisync_run_final_status(run)),
            HResult::E_UNEXPECTED
        );
        mapisync_exploration_free(x);
    }
}
