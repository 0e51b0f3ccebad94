//! `testing::Explore` on providers with bugs planted where a hand-written test would not look:
//! the exploration finds them, and its smallest script is exactly the host behaviour that
//! breaks them.

// Each exploration runs hundreds of scenarios, each a host run with its own worker thread: far
// beyond Miri's pace. The kit they drive runs under Miri in host_truth.rs, kit.rs and
// sync_handshake.rs, and Explore itself holds no unsafe code.
#![cfg(not(miri))]

mod common;

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::failure_of;
use mapisync::testing::{Exploration, Explore, Script, SyncTest};
use mapisync::{
    HResult, Handle, MapiSync, ProgressCallback, Result, Slot, SyncContext, SyncFlags,
    SyncProvider, SyncRequest, SyncWorker,
};

/// What the planted bug does when the user cancels while the folder list is downloading.
#[derive(Clone, Copy, Debug)]
enum Bug {
    /// Keeps a reference on the callback "for a retry" and never lets go of it.
    KeepsTheCallback,
    /// Waits for a retry that never comes: no Done, no event, for longer than the timeout.
    Hangs,
}

/// Three folders in the hierarchy, then two folders of three messages; the second loses its
/// connection after its first message (an `Error`), and the run ends with a partial completion:
/// 9 `Progress`, 1 `Error`, `Done`.
/// Keeps the protocol everywhere except after a Cancel in the hierarchy phase.
struct Planted {
    bug: Bug,
    retries: Arc<Mutex<Vec<ProgressCallback>>>,
}

impl Planted {
    fn store(bug: Bug) -> MapiSync {
        MapiSync::new(Planted {
            bug,
            retries: Arc::default(),
        })
    }
}

fn work(sync: &SyncContext, bug: Bug, retry: impl FnOnce()) -> Result<HResult> {
    let hierarchy = sync.flags().contains(SyncFlags::DOWNLOAD_HIERARCHY);
    for i in (1..=3).filter(|_| hierarchy) {
        if let Err(e) = sync.progress_str("Hierarchy", i, 3) {
            if e.hresult() == HResult::MAPI_E_USER_CANCEL {
                match bug {
                    Bug::KeepsTheCallback => retry(),
                    Bug::Hangs => thread::sleep(Duration::from_secs(2)),
                }
            }
            return Err(e);
        }
    }
    if !sync.flags().contains(SyncFlags::DOWNLOAD_CONTENTS) {
        return Ok(HResult::S_OK);
    }
    for folder in 1..=2 {
        sync.progress_str("Opening", 0, 0)?;
        for message in 1..=3 {
            sync.progress_str("Message", message, 3)?;
            if folder == 2 {
                sync.error_str(HResult::MAPI_E_NETWORK_ERROR, "connection reset")?;
                break;
            }
        }
    }
    Ok(HResult::MAPI_W_PARTIAL_COMPLETION)
}

impl SyncProvider for Planted {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let callback = request.callback.clone();
        let retries = Arc::clone(&self.retries);
        let bug = self.bug;
        SyncWorker::spawn(request, move |sync| {
            work(sync, bug, || retries.lock().unwrap().push(callback))
        })
    }
}

/// The grace a provider gets after signalling: every scenario that leaks waits it out, and these
/// providers release nothing late.
const GRACE: Duration = Duration::from_millis(50);

#[test]
fn a_reference_kept_after_cancel_in_the_hierarchy_is_caught_as_exactly_that_cancel() {
    let exploration = Explore::new()
        .cases(200)
        .seed(11)
        .grace(GRACE)
        .run(|| Planted::store(Bug::KeepsTheCallback));
    assert!(!exploration.passed());
    let smallest = &exploration.failures()[0];
    assert_eq!(smallest.script, Script::new().cancel_progress_from(1));
    assert_eq!(
        smallest.script.to_string(),
        "Script::new().cancel_progress_from(1)"
    );
    assert!(!smallest.timed_out());
    let findings = smallest.verdict.to_string();
    assert!(
        findings.contains("still holds 1 reference(s)"),
        "{findings}"
    );
    // Only a Cancel in the hierarchy (Progress 1 to 3) breaks it.
    for failure in exploration.failures() {
        let hierarchy_cancel = (1..=3)
            .any(|n| failure.script.answer_for(Slot::Progress, n) == HResult::MAPI_E_USER_CANCEL);
        assert!(hierarchy_cancel, "{}", failure.script);
    }
    // The plain run, 9 Cancels, 1 Error and Done refused, then random cases up to the first
    // failure.
    assert!(exploration.scenarios() > 12, "{exploration}");
    assert!(exploration.scenarios() <= 12 + 200, "{exploration}");

    let message = failure_of(|| exploration.assert_passed());
    assert!(
        message.contains("SyncTest::new().script(Script::new().cancel_progress_from(1))"),
        "{message}"
    );
    assert!(message.contains("still holds 1 reference(s)"), "{message}");
    assert!(message.contains("call log (2 calls)"), "{message}");
    assert!(
        message.contains("#0 Progress 1/3 \"Hierarchy\" -> MAPI_E_USER_CANCEL"),
        "{message}"
    );
}

#[test]
fn the_smallest_script_replays_the_failure_as_a_regression_test() {
    // What `assert_passed` printed, pasted into a test.
    let store = Planted::store(Bug::KeepsTheCallback);
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(1))
        .run(&store);
    assert_eq!(run.outstanding_references(), 1);
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(4))
        .run(&store);
    run.assert_protocol();
    run.assert_released();
}

#[test]
fn a_hang_after_cancel_in_the_hierarchy_is_a_finding_and_does_not_stall_the_rest() {
    let timeout = Duration::from_millis(100);
    let exploration = Explore::new()
        .cases(30)
        .timeout(timeout)
        .grace(GRACE)
        .run(|| Planted::store(Bug::Hangs));
    let smallest = &exploration.failures()[0];
    assert_eq!(smallest.script, Script::new().cancel_progress_from(1));
    assert!(smallest.timed_out());
    let findings = smallest.verdict.to_string();
    assert!(
        findings.contains("timed out: the synchronization did not finish within 100ms"),
        "{findings}"
    );
    // Each hung scenario cost the timeout, not the 2 s the worker sleeps.
    assert!(exploration.failures().len() >= 3);
    assert!(
        exploration.elapsed() < Duration::from_secs(2) * exploration.failures().len() as u32,
        "{exploration}"
    );
}

#[test]
fn a_correct_provider_passes_every_scenario_and_the_count_is_exact() {
    struct Fine;
    impl SyncProvider for Fine {
        fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
            SyncWorker::spawn(request, |sync| work(sync, Bug::KeepsTheCallback, || {}))
        }
    }
    let exploration = Explore::new()
        .strict()
        .cases(100)
        .run(|| MapiSync::new(Fine));
    exploration.assert_passed();
    // Plain run, 9 Progress, 1 Error, Done, 100 random.
    assert_eq!(exploration.scenarios(), 1 + 9 + 1 + 1 + 100);
    assert!(
        exploration.to_string().contains("112 scenarios"),
        "{exploration}"
    );
    assert!(
        exploration.to_string().ends_with("all passed"),
        "{exploration}"
    );
}

#[test]
fn the_same_seed_runs_the_same_scenarios_and_finds_the_same_failures() {
    let explore = Explore::new().cases(60).seed(3).grace(GRACE);
    let scripts = |e: &Exploration| -> Vec<String> {
        e.failures().iter().map(|f| f.script.to_string()).collect()
    };
    let first = explore.run(|| Planted::store(Bug::KeepsTheCallback));
    let second = explore.run(|| Planted::store(Bug::KeepsTheCallback));
    assert!(!first.passed());
    assert_eq!(first.scenarios(), second.scenarios());
    assert_eq!(scripts(&first), scripts(&second));
}

#[test]
fn flags_and_strictness_are_part_of_the_replay() {
    let exploration = Explore::new()
        .flags(SyncFlags::DOWNLOAD_HIERARCHY)
        .strict()
        .cases(0)
        .grace(GRACE)
        .run(|| Planted::store(Bug::KeepsTheCallback));
    assert_eq!(exploration.scenarios(), 1 + 3 + 1);
    assert_eq!(
        exploration.replay(&exploration.failures()[0].script),
        "SyncTest::new().flags(SyncFlags::DOWNLOAD_HIERARCHY).strict()\
         .script(Script::new().cancel_progress_from(1))"
    );
}
