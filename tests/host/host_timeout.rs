//! The host's timeout tells the truth: it is the wait for the done event, counted from
//! `SynchronizeInBackground`'s return; a start that blocks is a warning of its own, one that
//! hangs is one error, and the test goes on after it.

// Timing, not memory: under Miri the host calls SynchronizeInBackground on its own thread (see
// src/host/starter.rs), and the same host paths run in host_truth.rs and kit.rs.
#![cfg(not(miri))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use mapisync::testing::{Severity, SyncTest};
use mapisync::{
    Event, EventReset, HResult, Handle, HostProblem, MapiSync, Result, SyncProvider, SyncRequest,
};

/// A provider whose `SynchronizeInBackground` blocks `start`, then returns an event its thread
/// signals `then` later, after calling `Done`.
struct Slow {
    start: Duration,
    then: Duration,
}

impl SyncProvider for Slow {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        std::thread::sleep(self.start);
        let event = Event::new(EventReset::Manual);
        let handle = event.handle();
        let then = self.then;
        std::thread::spawn(move || {
            std::thread::sleep(then);
            let _ = request.callback.progress(None, 1, 1);
            let _ = request.callback.done(event.handle(), HResult::S_OK);
            event.set();
        });
        Ok(handle)
    }
}

#[test]
fn a_start_that_blocks_past_the_timeout_is_a_warning_not_an_event_never_signalled() {
    let timeout = Duration::from_millis(200);
    let run = SyncTest::new().timeout(timeout).run(&MapiSync::new(Slow {
        start: Duration::from_millis(350),
        then: Duration::from_millis(100),
    }));
    let report = run.report();
    let problems = report.host_problems();
    assert!(
        matches!(
            problems[..],
            [HostProblem::StartBlocked { took, timeout: t }]
                if took >= Duration::from_millis(350) && t == timeout
        ),
        "{report}"
    );
    assert!(report.signalled(), "{report}");
    assert!(report.is_clean(), "{report}");
    let text = problems[0].to_string();
    assert!(text.contains("longer than the 200 ms timeout"), "{text}");
    assert!(report.waited() < timeout, "{report:?}");
    run.assert_protocol();
    run.assert_released();
    let verdict = run.verdict();
    assert_eq!(verdict.findings().len(), 1, "{verdict}");
    assert_eq!(verdict.findings()[0].severity, Severity::Warning);
}

/// A provider whose `SynchronizeInBackground` waits for the test to let it go: a hang while the
/// test wants one. Counts its `Drop`s, to see the references the hung call held come back.
struct Stuck {
    release: Mutex<mpsc::Receiver<()>>,
    dropped: Arc<AtomicUsize>,
}

impl SyncProvider for Stuck {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let _ = request.callback.progress(None, 1, 2);
        let _ = self.release.lock().unwrap().recv();
        Err(HResult::E_FAIL.into())
    }
}

impl Drop for Stuck {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_start_that_never_returns_is_one_error_and_the_test_goes_on() {
    let (release, receiver) = mpsc::channel();
    let dropped = Arc::new(AtomicUsize::new(0));
    let store = MapiSync::new(Stuck {
        release: Mutex::new(receiver),
        dropped: Arc::clone(&dropped),
    });
    let timeout = Duration::from_millis(100);
    let began = Instant::now();
    let run = SyncTest::new().timeout(timeout).run(&store);
    let took = began.elapsed();
    // The timeout and the one-second grace, and a little for a busy machine.
    assert!(took < Duration::from_secs(3), "the run took {took:?}");

    let report = run.report();
    assert_eq!(report.start_took(), None, "{report}");
    let problems = report.host_problems();
    assert!(
        matches!(problems[..], [HostProblem::StartHung { waited, timeout: t }]
            if t == timeout && waited >= Duration::from_millis(1100)),
        "{report}"
    );
    let text = problems[0].to_string();
    assert!(
        text.contains("(the 100 ms timeout and the grace)"),
        "{text}"
    );
    let verdict = run.verdict();
    let errors: Vec<_> = verdict
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "one cause, one finding: {verdict}");
    assert_eq!(errors[0].what, text);
    let left = run.left_behind();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        run.records().len(),
        1,
        "the call made inside the hung start"
    );

    // Let the hung call return: the references it was given come back, and the store goes.
    release.send(()).unwrap();
    drop(run);
    drop(store);
    let deadline = Instant::now() + Duration::from_secs(5);
    while dropped.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(dropped.load(Ordering::SeqCst), 1, "the store was freed");
}

/// A provider that releases the callback it was lent (a reference it never took), then hangs,
/// then, let go long after the host gave up, still calls the pointer it was lent.
struct OverReleasesThenHangs {
    release: Mutex<mpsc::Receiver<()>>,
    late_call: Arc<Mutex<Option<HResult>>>,
}

impl SyncProvider for OverReleasesThenHangs {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let p = request.callback.as_raw();
        // SAFETY: not safe by COM's rules, on purpose: the provider's bug. The host's watcher
        // holds spare references, so this frees nothing.
        unsafe { ((*(*p).lpVtbl).Release)(p) };
        let _ = self.release.lock().unwrap().recv();
        let answer = request
            .callback
            .progress(None, 1, 1)
            .map_or_else(|e| e.hresult(), |()| HResult::S_OK);
        *self.late_call.lock().unwrap() = Some(answer);
        Err(HResult::E_FAIL.into())
    }
}

#[test]
fn a_hung_start_keeps_the_callback_it_was_lent_alive_until_it_returns() {
    let (release, receiver) = mpsc::channel();
    let late_call = Arc::new(Mutex::new(None));
    let store = MapiSync::new(OverReleasesThenHangs {
        release: Mutex::new(receiver),
        late_call: Arc::clone(&late_call),
    });
    let run = SyncTest::new()
        .timeout(Duration::from_millis(50))
        .run(&store);
    assert!(
        matches!(
            run.report().host_problems()[..],
            [HostProblem::StartHung { .. }]
        ),
        "{}",
        run.report()
    );
    // The host has given up and gone on; the run, its recorder and the host's own references
    // go. The call, let go now, calls the pointer it was lent: still the host's live watcher
    // (AddressSanitizer, in CI, would see a use after free here).
    drop(run);
    release.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while late_call.lock().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(*late_call.lock().unwrap(), Some(HResult::S_OK));
}

/// A provider that hands out an event it never signals, and never calls `Done`.
struct Silent;

impl SyncProvider for Silent {
    fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
        Ok(Event::new(EventReset::Manual).handle())
    }
}

#[test]
fn an_event_never_signalled_is_one_finding_that_quotes_the_timeout_and_the_wait() {
    let run = SyncTest::new()
        .timeout(Duration::from_millis(100))
        .run(&MapiSync::new(Silent));
    let verdict = run.verdict();
    assert_eq!(verdict.findings().len(), 1, "{verdict}");
    let what = &verdict.findings()[0].what;
    assert!(
        what.starts_with("the done event was not signalled within the 100 ms timeout (waited 10"),
        "{what}"
    );
    let left = run.left_behind();
    assert!(left.is_empty(), "{left:?}");
    let report = run.report();
    assert_eq!(report.host_problems().len(), 1, "{report}");
    assert!(report.waited() >= Duration::from_millis(100), "{report:?}");
}

#[test]
fn a_timeout_of_zero_waits_not_at_all_and_says_so() {
    let run = SyncTest::new()
        .timeout(Duration::ZERO)
        .run(&MapiSync::new(Slow {
            start: Duration::ZERO,
            then: Duration::from_millis(50),
        }));
    let text = run.report().to_string();
    assert!(
        text.contains(
            "the done event was not signalled when SynchronizeInBackground returned (the \
             timeout is 0: no wait)"
        ),
        "{text}"
    );
    assert!(!text.contains("1 s"), "{text}");
    assert!(run.report().waited() < Duration::from_millis(50), "{text}");
}

#[test]
fn the_default_timeout_is_the_documented_30_seconds_and_reads_so() {
    let run = SyncTest::new().run(&MapiSync::new(Slow {
        start: Duration::ZERO,
        then: Duration::ZERO,
    }));
    run.assert_protocol();
    assert_eq!(run.report().timeout(), Duration::from_secs(30));
    let problem = HostProblem::NotSignalled {
        timeout: run.report().timeout(),
        waited: Duration::from_millis(30_002),
    };
    assert!(
        problem
            .to_string()
            .contains("within the 30 s timeout (waited 30 s from"),
        "{problem}"
    );
}
