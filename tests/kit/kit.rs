//! The test kit against correct and deliberately broken providers: each breakage is caught with a
//! message that says what happened.

#[path = "../common/mod.rs"]
mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::failure_of;
use mapisync::testing::{
    Call, Checker, Expect, RecordingCallback, Script, Severity, SyncRun, SyncTest,
};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, ProgressCallback, Result, Slot, SyncProvider,
    SyncRequest, SyncWorker, U16CString, MAX_TEXT_LEN,
};

/// A provider whose worker thread does whatever `body` says, with none of SyncWorker's
/// guarantees: `body` gets the callback and the event, and the event is set when it returns.
struct Hand<F>(F);

impl<F> SyncProvider for Hand<F>
where
    F: Fn(ProgressCallback, &Event) + Clone + Send + Sync + 'static,
{
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let body = self.0.clone();
        std::thread::spawn(move || {
            body(request.callback, &event);
            event.set();
        });
        Ok(handle)
    }
}

fn run_hand<F>(body: F) -> SyncRun
where
    F: Fn(ProgressCallback, &Event) + Clone + Send + Sync + 'static,
{
    // Miri runs a provider that reads 32 768 code units of text far slower than its clock moves.
    let timeout = Duration::from_secs(if cfg!(miri) { 300 } else { 10 });
    SyncTest::new()
        .timeout(timeout)
        .run(&MapiSync::new(Hand(body)))
}

fn assert_protocol_fails_with(run: &SyncRun, needles: &[&str]) {
    let message = failure_of(|| run.assert_protocol());
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in:\n{message}");
    }
    assert!(
        message.contains("call log"),
        "the message carries the log:\n{message}"
    );
}

#[test]
fn a_correct_provider_passes_everything() {
    let store = MapiSync::new(Hand(|cb: ProgressCallback, e: &Event| {
        for i in 1..=5 {
            cb.progress(None, i, 5).unwrap();
        }
        cb.done(e.handle(), HResult::S_OK).unwrap();
    }));
    let run = SyncTest::new().strict().run(&store);
    run.assert_protocol();
    run.assert_calls(&Expect::new().progress(1..=5, 5).done(HResult::S_OK));
    run.assert_released();
    assert!(run.verdict().findings().is_empty(), "{}", run.verdict());
}

#[test]
fn double_done_is_caught() {
    let run = run_hand(|cb, e| {
        cb.done(e.handle(), HResult::S_OK).unwrap();
        cb.done(e.handle(), HResult::S_OK).unwrap();
    });
    assert_protocol_fails_with(
        &run,
        &[
            "error[done_repeated] at #1",
            "Done called again (the first Done was #0)",
        ],
    );
}

#[test]
fn no_done_is_caught() {
    let run = run_hand(|cb, _| cb.progress(None, 1, 1).unwrap());
    assert_protocol_fails_with(
        &run,
        &[
            "Done was never called (1 call recorded)",
            "exactly one Done",
        ],
    );
}

#[test]
fn progress_after_done_is_caught() {
    let run = run_hand(|cb, e| {
        cb.done(e.handle(), HResult::S_OK).unwrap();
        cb.progress(None, 2, 2).unwrap();
    });
    assert_protocol_fails_with(
        &run,
        &["error[call_after_done] at #1: Progress 2/2 after Done (Done was #0)"],
    );
}

#[test]
fn a_leaked_reference_is_caught() {
    static LEAKED: Mutex<Vec<ProgressCallback>> = Mutex::new(Vec::new());
    let run = run_hand(|cb, e| {
        cb.done(e.handle(), HResult::S_OK).unwrap();
        LEAKED.lock().unwrap().push(cb.clone()); // kept past the end of the sync
    });
    run.assert_protocol();
    assert_eq!(run.outstanding_references(), 1);
    let message = failure_of(|| run.assert_released());
    assert!(
        message.contains("still holds 1 reference(s) on the callback"),
        "{message}"
    );
    LEAKED.lock().unwrap().clear();
    run.assert_released();
}

#[test]
fn an_unclosed_event_is_caught() {
    // Done brings back a second event the provider made, not the one it handed out: the host
    // closes the first, and the second stays open for ever.
    let run = run_hand(|cb, _| {
        let other = Event::new(EventReset::Manual);
        cb.done(other.handle(), HResult::S_OK).unwrap();
    });
    assert_protocol_fails_with(&run, &["Done brought back handle", "not the done event"]);
    let message = failure_of(|| run.assert_released());
    assert!(
        message.contains("passed to Done, is still open"),
        "{message}"
    );
    let (other, _) = run.report().done_calls()[0];
    Event::close_handle(other).unwrap();
}

#[test]
fn a_handle_closed_by_the_provider_is_caught() {
    let run = run_hand(|cb, e| {
        cb.done(e.handle(), HResult::S_OK).unwrap();
        Event::close_handle(e.handle()).unwrap(); // not the provider's to close any more
    });
    let message = failure_of(|| run.assert_released());
    assert!(
        message.contains("the provider closed a handle it had handed over"),
        "{message}"
    );
}

#[test]
fn ignoring_cancel_is_caught() {
    let store = MapiSync::new(Hand(|cb: ProgressCallback, e: &Event| {
        for i in 1..=5 {
            let _ = cb.progress(None, i, 5); // the answer is thrown away
        }
        cb.done(e.handle(), HResult::S_OK).unwrap();
    }));
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(3))
        .run(&store);
    assert_protocol_fails_with(
        &run,
        &[
            "error[progress_after_cancel] at #3: Progress after the user pressed Cancel (#2 was answered MAPI_E_USER_CANCEL)",
            "Done with S_OK (0x00000000) after the user pressed Cancel at #2",
            "-> MAPI_E_USER_CANCEL (0x80040113)",
        ],
    );
}

#[test]
fn a_call_that_may_have_crossed_cancel_on_another_thread_is_a_warning_and_a_told_thread_an_error() {
    // The second Progress, made by a helper thread, is answered Cancel. The worker's own calls
    // after it may have been under way before the provider could pass the Cancel on; the
    // helper's next call comes after it was told.
    let recorder = RecordingCallback::new(Script::new().answer(
        Slot::Progress,
        2..=2,
        HResult::MAPI_E_USER_CANCEL,
    ));
    let callback = recorder.callback();
    let turn = std::sync::Barrier::new(2);
    callback.progress(None, 1, 4).unwrap();
    std::thread::scope(|s| {
        s.spawn(|| {
            let told = callback.progress(None, 2, 4).unwrap_err();
            assert_eq!(told.hresult(), HResult::MAPI_E_USER_CANCEL);
            turn.wait();
            turn.wait();
            let _ = callback.progress(None, 4, 4);
        });
        turn.wait();
        callback.progress(None, 3, 4).unwrap();
        turn.wait();
    });
    callback.done(Handle::NULL, HResult::S_OK).unwrap();

    let verdict = recorder.check();
    let findings: Vec<_> = verdict
        .findings()
        .iter()
        .map(|f| (f.severity, f.seq, f.what.as_str()))
        .collect();
    assert_eq!(
        findings,
        [
            (
                Severity::Warning,
                Some(2),
                "Progress after the user pressed Cancel on another thread (#1 was answered \
                 MAPI_E_USER_CANCEL; this thread had not been told)"
            ),
            (
                Severity::Error,
                Some(3),
                "Progress after the user pressed Cancel (#1 was answered MAPI_E_USER_CANCEL)"
            ),
            (
                Severity::Warning,
                Some(4),
                "Done with S_OK (0x00000000) after the user pressed Cancel on another thread \
                 at #1 (the thread calling Done had not been told)"
            ),
        ],
        "{verdict}"
    );
    assert!(!verdict.passed());
}

#[test]
fn only_calls_that_may_have_crossed_cancel_pass_a_lenient_check_and_fail_a_strict_one() {
    let recorder = RecordingCallback::new(Script::new().cancel_progress_from(2));
    let callback = recorder.callback();
    callback.progress(None, 1, 3).unwrap();
    std::thread::scope(|s| {
        s.spawn(|| callback.progress(None, 2, 3).unwrap_err());
    });
    // Under way on the worker when the helper heard of the Cancel: a warning. Told in turn, the
    // worker stops with a failing Done: nothing more to say.
    let told = callback.progress(None, 3, 3).unwrap_err();
    assert_eq!(told.hresult(), HResult::MAPI_E_USER_CANCEL);
    callback.done(Handle::NULL, told.hresult()).unwrap();
    let lenient = recorder.check();
    assert!(lenient.passed(), "{lenient}");
    let seqs: Vec<_> = lenient
        .findings()
        .iter()
        .map(|f| (f.severity, f.seq))
        .collect();
    assert_eq!(seqs, [(Severity::Warning, Some(2))], "{lenient}");
    assert!(!recorder.check_with(&Checker::new().strict()).passed());
}

#[test]
fn honouring_cancel_passes() {
    let store = MapiSync::new(Hand(|cb: ProgressCallback, e: &Event| {
        let mut status = HResult::S_OK;
        for i in 1..=5 {
            if let Err(err) = cb.progress(None, i, 5) {
                status = err.hresult();
                break;
            }
        }
        cb.done(e.handle(), status).unwrap();
    }));
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(3))
        .run(&store);
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=3, 5)
            .done(HResult::MAPI_E_USER_CANCEL),
    );
}

#[test]
fn index_past_max_is_caught() {
    let run = run_hand(|cb, e| {
        cb.progress(None, 11, 10).unwrap();
        cb.done(e.handle(), HResult::S_OK).unwrap();
    });
    assert_protocol_fails_with(
        &run,
        &[
            "error[index_past_max] at #0: ulIndex 11 is past ulIndexMax 10",
            "ulIndex <= ulIndexMax",
        ],
    );
}

#[test]
fn an_index_going_backwards_is_a_warning_that_only_strict_mode_fails() {
    let body = |cb: ProgressCallback, e: &Event| {
        cb.progress(None, 5, 10).unwrap();
        cb.progress(None, 3, 10).unwrap();
        cb.progress(None, 1, 4).unwrap(); // a new maximum: a new phase, not a step back
        cb.done(e.handle(), HResult::S_OK).unwrap();
    };
    let lenient = run_hand(body);
    lenient.assert_protocol();
    let findings = lenient.verdict().findings().to_vec();
    assert_eq!(findings.len(), 1, "{}", lenient.verdict());
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(findings[0].seq, Some(1));

    let strict = SyncTest::new().strict().run(&MapiSync::new(Hand(body)));
    assert_protocol_fails_with(
        &strict,
        &["warning[index_backwards] at #1: ulIndex went back from 5 to 3 under the same ulIndexMax 10"],
    );
}

#[test]
fn error_with_a_plain_success_code_is_caught_but_warnings_are_fine() {
    let run = run_hand(|cb, e| {
        cb.error(HResult::MAPI_W_PARTIAL_COMPLETION, None).unwrap();
        cb.error(HResult::S_FALSE, None).unwrap();
        cb.done(e.handle(), HResult::S_OK).unwrap();
    });
    let verdict = run.verdict();
    assert_eq!(verdict.findings().len(), 1, "{verdict}");
    assert_protocol_fails_with(
        &run,
        &["error[error_with_success_code] at #1: Error called with S_FALSE (0x00000001), a plain success code"],
    );
}

#[test]
fn text_over_the_bound_is_recorded_as_refused_and_caught() {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    let long: Vec<u16> = vec![0x61; MAX_TEXT_LEN + 1]
        .into_iter()
        .chain([0])
        .collect();
    // SAFETY: `long` is NUL-terminated and outlives the call; the object is live.
    let hr = unsafe {
        let p = callback.as_raw();
        ((*(*p).lpVtbl).Progress)(p, long.as_ptr(), 1, 2)
    };
    assert_eq!(HResult(hr), HResult::E_INVALIDARG);
    callback.done(Handle::NULL, HResult::S_OK).unwrap();
    let records = recorder.records();
    assert!(
        matches!(
            &records[0].call,
            Call::Refused {
                slot: Slot::Progress,
                ..
            }
        ),
        "{records:?}"
    );
    assert_eq!(records[0].answer, HResult::E_INVALIDARG);
    let verdict = recorder.check();
    assert!(!verdict.passed());
    assert!(
        verdict
            .to_string()
            .contains("Progress was refused with E_INVALIDARG"),
        "{verdict}"
    );
}

#[test]
fn a_failed_start_must_not_call_the_callback() {
    struct Refuses;
    impl SyncProvider for Refuses {
        fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
            request.callback.done(Handle::NULL, HResult::MAPI_E_BUSY)?;
            Err(HResult::MAPI_E_BUSY.into())
        }
    }
    let run = SyncTest::new().run(&MapiSync::new(Refuses));
    assert_eq!(run.report().started(), HResult::MAPI_E_BUSY);
    assert_protocol_fails_with(&run, &["after SynchronizeInBackground failed"]);
    let message = failure_of(|| run.assert_start_failed(HResult::MAPI_E_BUSY));
    assert!(
        message.contains("after SynchronizeInBackground failed"),
        "the call after the refusal still fails a test that expects the refusal:\n{message}"
    );
}

struct Offline;
impl SyncProvider for Offline {
    fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
        Err(HResult::MAPI_E_NETWORK_ERROR.into())
    }
}

#[test]
fn a_failed_start_is_an_error_unless_the_test_expects_it() {
    let run = SyncTest::new().run(&MapiSync::new(Offline));
    assert_protocol_fails_with(
        &run,
        &["error[start_failed]: SynchronizeInBackground failed with MAPI_E_NETWORK_ERROR"],
    );
    let errors = run
        .verdict()
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(errors, 1, "{}", run.verdict());
    run.assert_start_failed(HResult::MAPI_E_NETWORK_ERROR);
    run.assert_released();
    let message = failure_of(|| run.assert_start_failed(HResult::MAPI_E_BUSY));
    assert!(
        message.contains("expected SynchronizeInBackground to fail with MAPI_E_BUSY"),
        "{message}"
    );
}

#[test]
fn a_store_that_starts_fails_a_test_expecting_a_refusal() {
    let run = run_hand(|cb: ProgressCallback, e: &Event| {
        cb.done(e.handle(), HResult::S_OK).unwrap();
    });
    run.assert_protocol();
    let message = failure_of(|| run.assert_start_failed(HResult::E_FAIL));
    assert!(message.contains("it answered S_OK"), "{message}");
}

#[test]
fn a_bounded_log_reports_its_overflow() {
    let recorder = RecordingCallback::bounded(Script::new(), 3);
    let callback = recorder.callback();
    for i in 1..=5 {
        callback.progress(None, i, 5).unwrap();
    }
    callback.done(Handle::NULL, HResult::S_OK).unwrap();
    assert_eq!(recorder.records().len(), 3);
    assert_eq!(recorder.lost(), 3);
    let verdict = recorder.check();
    assert!(
        verdict
            .to_string()
            .contains("the log was full: 3 later calls were answered but not recorded"),
        "{verdict}"
    );
}

#[test]
fn records_carry_order_thread_and_exact_text() {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    let text = U16CString::from_vec(vec![0x41, 0xD800, 0x42]).unwrap();
    std::thread::Builder::new()
        .name("provider-worker".into())
        .spawn(move || {
            callback.progress(Some(&text), 1, 2).unwrap();
            callback.error(HResult::E_FAIL, Some(&text)).unwrap();
            callback.done(Handle::NULL, HResult::E_FAIL).unwrap();
        })
        .unwrap()
        .join()
        .unwrap();
    let records = recorder.records();
    assert_eq!(
        records.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(records
        .iter()
        .all(|r| r.thread_name.as_deref() == Some("provider-worker")));
    assert_ne!(records[0].thread, std::thread::current().id());
    match &records[0].call {
        Call::Progress {
            text: Some(t),
            index: 1,
            max: 2,
        } => {
            assert_eq!(t.units(), &[0x41, 0xD800, 0x42]);
            assert_eq!(t.lossy(), "A\u{FFFD}B");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(records[0].to_string(), "#0 Progress 1/2 \"A\u{FFFD}B\"");
    assert_eq!(recorder.outstanding_references(), 0);
}

#[test]
fn a_mismatched_expectation_prints_a_diff_and_the_log() {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    callback.progress(None, 1, 3).unwrap();
    callback.progress(None, 3, 3).unwrap();
    callback.done(Handle::NULL, HResult::E_FAIL).unwrap();
    let message = failure_of(|| {
        Expect::new()
            .progress(1..=3, 3)
            .done(HResult::S_OK)
            .assert_matches(&recorder.records())
    });
    for needle in [
        "expected: progress 1..=3 of 3, then done S_OK (0x00000000)",
        "  Progress 1/3\n",
        "- Progress 2/3\n",
        "- Done S_OK (0x00000000)\n",
        "+ Done E_FAIL (0x80004005)\n",
        "#2 Done E_FAIL (0x80004005) event 0x0",
    ] {
        assert!(message.contains(needle), "{needle:?} not in:\n{message}");
    }
}

#[test]
fn the_checker_can_be_used_without_the_host() {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    let event = Event::new(EventReset::Manual);
    callback
        .done(Handle(0x44 as *mut _), HResult::S_OK)
        .unwrap();
    let verdict = recorder.check_with(&Checker::new().done_event(event.handle()));
    assert!(
        verdict
            .to_string()
            .contains("Done brought back handle 0x44"),
        "{verdict}"
    );
    Event::close_handle(event.handle()).unwrap();
}

#[test]
fn a_sync_worker_provider_passes_strict_checks() {
    struct Store;
    impl SyncProvider for Store {
        fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
            SyncWorker::spawn(request, |sync| {
                for i in 0..=4 {
                    sync.progress(None, i, 4)?;
                }
                sync.error(HResult::MAPI_W_ERRORS_RETURNED, None)?;
                Ok(HResult::MAPI_W_PARTIAL_COMPLETION)
            })
        }
    }
    let run = SyncTest::new().strict().run(&MapiSync::new(Store));
    run.assert_protocol();
    run.assert_released();
    run.assert_calls(
        &Expect::new()
            .progress(0..=4, 4)
            .error(HResult::MAPI_W_ERRORS_RETURNED)
            .done(HResult::MAPI_W_PARTIAL_COMPLETION),
    );
}

#[test]
fn text_over_the_bound_is_caught_through_the_host() {
    let run = run_hand(|cb, e| {
        let long: Vec<u16> = vec![0x61; MAX_TEXT_LEN + 1]
            .into_iter()
            .chain([0])
            .collect();
        // SAFETY: `long` is NUL-terminated and outlives the call; `cb` holds a reference.
        let hr = unsafe {
            let p = cb.as_raw();
            ((*(*p).lpVtbl).Error)(p, HResult::E_FAIL.0, long.as_ptr())
        };
        assert_eq!(HResult(hr), HResult::E_INVALIDARG);
        cb.done(e.handle(), HResult::S_OK).unwrap();
    });
    assert_eq!(run.report().refused().len(), 1);
    assert_protocol_fails_with(&run, &["Error was refused with E_INVALIDARG"]);
}

#[test]
fn starting_over_after_reaching_the_maximum_is_not_a_step_back() {
    let run =
        SyncTest::new()
            .strict()
            .run(&MapiSync::new(Hand(|cb: ProgressCallback, e: &Event| {
                for _folder in 0..2 {
                    for i in 1..=3 {
                        cb.progress(None, i, 3).unwrap();
                    }
                }
                cb.done(e.handle(), HResult::S_OK).unwrap();
            })));
    run.assert_protocol();
    assert!(run.verdict().findings().is_empty(), "{}", run.verdict());
}

#[test]
fn each_record_names_its_own_thread_when_threads_take_turns() {
    let recorder = RecordingCallback::default();
    let here = std::thread::current().name().map(str::to_owned);
    for round in 0..3 {
        recorder.callback().progress(None, round, 3).unwrap();
        let callback = recorder.callback();
        std::thread::Builder::new()
            .name(format!("turn-{round}"))
            .spawn(move || callback.progress(None, round, 3).unwrap())
            .unwrap()
            .join()
            .unwrap();
    }
    let names: Vec<Option<String>> = recorder
        .records()
        .iter()
        .map(|r| r.thread_name.as_deref().map(str::to_owned))
        .collect();
    let expected: Vec<Option<String>> = (0..3)
        .flat_map(|round| [here.clone(), Some(format!("turn-{round}"))])
        .collect();
    assert_eq!(names, expected);
}

/// What one thread of `position_only_progress_is_recorded_like_every_call` made: its id and
/// the `(index, answer)` of each call, in order.
type Made = (std::thread::ThreadId, Vec<(u32, HResult)>);

#[test]
fn position_only_progress_is_recorded_like_every_call() {
    // Progress without text from the thread of the latest call is recorded on a shorter path
    // than other calls; it must keep the same order, count, script and bound. 300 calls on one
    // thread (past the log's first room), a second thread cutting in, a script answering calls
    // 5..=7 and 200.. of Progress, and a bound that cuts the last calls off.
    let script = Script::new()
        .answer(Slot::Progress, 5..=7, HResult::MAPI_E_BUSY)
        .cancel_progress_from(200);
    let limit = 290;
    let recorder = RecordingCallback::bounded(script, limit);
    let answer = |ordinal: u64| match ordinal {
        5..=7 => HResult::MAPI_E_BUSY,
        200.. => HResult::MAPI_E_USER_CANCEL,
        _ => HResult::S_OK,
    };
    let call = |callback: &ProgressCallback, index: u32| {
        let got = callback.progress(None, index, 300);
        (index, got.map_or_else(|e| e.hresult(), |()| HResult::S_OK))
    };
    let mut made: Vec<Made> = Vec::new();
    let mut ordinal = 0u64;
    for stretch in [1..=150u32, 151..=300] {
        let callback = recorder.callback();
        let calls = std::thread::spawn(move || {
            let calls: Vec<_> = stretch.map(|i| call(&callback, i)).collect();
            (std::thread::current().id(), calls)
        })
        .join()
        .unwrap();
        for &(_, got) in &calls.1 {
            ordinal += 1;
            assert_eq!(got, answer(ordinal), "call {ordinal}");
        }
        made.push(calls);
        // Another thread cuts in between the two stretches, and once more at the end.
        let cut_in = call(&recorder.callback(), 0);
        ordinal += 1;
        assert_eq!(cut_in.1, answer(ordinal));
        made.push((std::thread::current().id(), vec![cut_in]));
    }
    let expected: Vec<_> = made
        .iter()
        .flat_map(|(thread, calls)| calls.iter().map(move |&(i, a)| (*thread, i, a)))
        .take(limit)
        .collect();
    let records = recorder.records();
    let got: Vec<_> = records
        .iter()
        .map(|r| match r.call {
            Call::Progress {
                text: None,
                index,
                max: 300,
            } => (r.thread, index, r.answer),
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, expected);
    assert!(records.iter().enumerate().all(|(i, r)| r.seq == i as u64));
    assert_eq!(recorder.lost(), 302 - limit as u64);
    assert_eq!(recorder.outstanding_references(), 0);
}

#[test]
fn position_only_progress_from_racing_threads_keeps_order_answers_and_bound() {
    // Four threads make position-only Progress calls at once while a reader takes the log's lock
    // again and again: calls find the lock taken and go the longer way, in any mix. The records
    // must still be the first `limit` calls in one order, each answered as the script says for
    // its place in that order, each thread's own calls in the order it made them, and every
    // call past the bound counted as lost.
    let (threads, per_thread) = if cfg!(miri) {
        (3u32, 40u32)
    } else {
        (4, 2_000)
    };
    let script = Script::new()
        .answer(Slot::Progress, 10..=20, HResult::MAPI_E_BUSY)
        .answer(Slot::Progress, 500.., HResult::E_FAIL);
    let limit = (threads * per_thread - per_thread / 2) as usize;
    let recorder = RecordingCallback::bounded(script.clone(), limit);
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut reads = 0u32;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                assert!(recorder.len() <= limit);
                reads += 1;
            }
            reads
        });
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let callback = recorder.callback();
                s.spawn(move || {
                    for i in 0..per_thread {
                        let _ = callback.progress(None, i, t);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
    let records = recorder.records();
    assert_eq!(records.len(), limit);
    assert_eq!(
        recorder.lost(),
        u64::from(threads * per_thread) - limit as u64
    );
    let mut next = vec![0u32; threads as usize];
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.seq, i as u64);
        assert_eq!(r.answer, script.answer_for(Slot::Progress, i as u64 + 1));
        let Call::Progress {
            text: None,
            index,
            max,
        } = r.call
        else {
            panic!("{:?}", r.call)
        };
        assert_eq!(index, next[max as usize], "thread {max} out of order");
        next[max as usize] += 1;
    }
    assert_eq!(recorder.outstanding_references(), 0);
}
