//! `testing::Explore` on providers with bugs planted where a hand-written test would not look:
//! the exploration finds them, and its smallest script is exactly the host behaviour that
//! breaks them.

// Each exploration runs hundreds of scenarios, each a host run with its own worker thread: far
// beyond Miri's pace. The kit they drive runs under Miri in host_truth.rs, kit.rs and
// sync_handshake.rs, and Explore itself holds no unsafe code.
#![cfg(not(miri))]

#[path = "../common/mod.rs"]
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
    // It stops at the first failing scenario: the plain run, then Cancel from Progress 1.
    assert_eq!(exploration.scenarios(), 2, "{exploration}");
    assert_eq!(exploration.failures().len(), 1, "{exploration}");
    let smallest = &exploration.failures()[0];
    assert_eq!(smallest.script, Script::new().cancel_progress_from(1));
    assert_eq!(
        smallest.script.to_string(),
        "Script::new().cancel_progress_from(1)"
    );
    assert!(!smallest.timed_out());
    assert_eq!(smallest.report().started(), HResult::S_OK);
    assert_eq!(smallest.report().done_calls().len(), 1);
    let findings = smallest.verdict.to_string();
    assert!(
        findings.contains("still holds 1 reference(s)"),
        "{findings}"
    );
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
    // The shell line that replays it names the seed (and the count of cases, when the
    // environment set it) and this test, as libtest names its thread.
    let replay = exploration.replay_command();
    assert!(message.contains(&format!("\n    {replay}\n")), "{message}");
    let seed = format!("MAPISYNC_EXPLORE_SEED={} ", exploration.seed());
    let cases = match std::env::var("MAPISYNC_EXPLORE_CASES") {
        Ok(cases) if !cases.is_empty() => format!("MAPISYNC_EXPLORE_CASES={cases} "),
        _ => String::new(),
    };
    let test = thread::current().name().unwrap().to_owned();
    assert_eq!(replay, format!("{seed}{cases}cargo test {test} -- --exact"));
}

#[test]
fn all_failures_goes_on_and_collects_every_failure_smallest_first() {
    let exploration = Explore::new()
        .cases(100)
        .all_failures()
        .grace(GRACE)
        .run(|| Planted::store(Bug::KeepsTheCallback));
    // Every scenario ran: the plain run, 9 Cancels, Cancel and E_FAIL to the Error, Done
    // refused, 100 random (or as many as MAPISYNC_EXPLORE_CASES says).
    assert_eq!(
        exploration.scenarios(),
        1 + 9 + 2 + 1 + exploration.cases() as usize,
        "{exploration}"
    );
    let scripts: Vec<Script> = exploration
        .failures()
        .iter()
        .map(|f| f.script.clone())
        .collect();
    assert_eq!(
        scripts[..3],
        (1..=3)
            .map(|n| Script::new().cancel_progress_from(n))
            .collect::<Vec<_>>()[..],
        "{exploration}"
    );
    // Only a Cancel in the hierarchy (Progress 1 to 3) breaks it.
    for failure in exploration.failures() {
        let hierarchy_cancel = (1..=3)
            .any(|n| failure.script.answer_for(Slot::Progress, n) == HResult::MAPI_E_USER_CANCEL);
        assert!(hierarchy_cancel, "{}", failure.script);
    }
    let message = failure_of(|| exploration.assert_passed());
    assert!(message.contains("failing script 3 of"), "{message}");
    assert!(!message.contains("stopped at the first"), "{message}");
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
        .all_failures()
        .run(|| Planted::store(Bug::Hangs));
    let smallest = &exploration.failures()[0];
    assert_eq!(smallest.script, Script::new().cancel_progress_from(1));
    assert!(smallest.timed_out());
    let findings = smallest.verdict.to_string();
    assert!(
        findings.contains(
            "timed out: the synchronization did not finish within 100ms (set with timeout())"
        ),
        "{findings}"
    );
    assert_eq!(exploration.deadline(), timeout);
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
    // Plain run, 9 Progress, Cancel and E_FAIL to the Error, Done, 100 random (or as many as
    // MAPISYNC_EXPLORE_CASES says).
    let scenarios = 1 + 9 + 2 + 1 + exploration.cases() as usize;
    assert_eq!(exploration.scenarios(), scenarios);
    assert!(
        exploration
            .to_string()
            .contains(&format!("{scenarios} scenarios")),
        "{exploration}"
    );
    assert!(
        exploration.to_string().ends_with("all passed"),
        "{exploration}"
    );
}

/// A correct provider that writes down, for each scenario, the answers it got: what the
/// exploration ran, as the provider saw it.
struct Witness {
    seen: Arc<Mutex<Vec<String>>>,
}

impl SyncProvider for Witness {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let seen = Arc::clone(&self.seen);
        SyncWorker::spawn(request, move |sync| {
            let mut answers = Vec::new();
            let result = (|| {
                for i in 1..=6 {
                    let answer = sync.progress(None, i, 6);
                    answers.push(format!("{answer:?}"));
                    answer?;
                    if i == 3 {
                        let answer = sync.error(HResult::MAPI_E_NETWORK_ERROR, None);
                        answers.push(format!("{answer:?}"));
                        answer?;
                    }
                }
                Ok(HResult::S_OK)
            })();
            seen.lock().unwrap().push(answers.join(" "));
            result
        })
    }
}

#[test]
fn the_same_seed_runs_the_same_scenarios_and_finds_the_same_failures_with_any_jobs() {
    let explore = Explore::new().cases(60).seed(3).grace(GRACE);
    let scenarios = |jobs| {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let exploration = explore.clone().jobs(jobs).run(|| {
            MapiSync::new(Witness {
                seen: Arc::clone(&seen),
            })
        });
        exploration.assert_passed();
        assert_eq!(
            exploration.scenarios(),
            1 + 6 + 2 + 1 + exploration.cases() as usize
        );
        let mut seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), exploration.scenarios());
        seen.sort();
        seen
    };
    assert_eq!(scenarios(1), scenarios(4));

    let scripts = |e: &Exploration| -> Vec<String> {
        e.failures().iter().map(|f| f.script.to_string()).collect()
    };
    let all = explore.clone().all_failures();
    let first = all.run(|| Planted::store(Bug::KeepsTheCallback));
    let second = all
        .clone()
        .jobs(4)
        .run(|| Planted::store(Bug::KeepsTheCallback));
    assert!(!first.passed());
    assert_eq!(first.scenarios(), second.scenarios());
    assert_eq!(scripts(&first), scripts(&second));
    // Stopping at the first failure stops at the same one with any jobs.
    let one = explore.run(|| Planted::store(Bug::KeepsTheCallback));
    let four = explore
        .clone()
        .jobs(4)
        .run(|| Planted::store(Bug::KeepsTheCallback));
    assert_eq!(
        (one.scenarios(), scripts(&one)),
        (four.scenarios(), scripts(&four))
    );
    assert_eq!(scripts(&one), ["Script::new().cancel_progress_from(1)"]);
}

/// Answered Cancel to its `Error`, it goes on as if nothing happened: 3 `Progress`, an `Error`,
/// 3 more `Progress`, `Done(S_OK)`.
struct IgnoresCancelAtError;

impl SyncProvider for IgnoresCancelAtError {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=6 {
                sync.progress(None, i, 6)?;
                if i == 3 {
                    match sync.error(HResult::MAPI_E_NETWORK_ERROR, None) {
                        Err(e) if e.hresult() == HResult::MAPI_E_USER_CANCEL => {} // the bug
                        other => other?,
                    }
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn the_systematic_pass_alone_finds_a_cancel_ignored_at_an_error() {
    let exploration = Explore::new()
        .cases(0)
        .run(|| MapiSync::new(IgnoresCancelAtError));
    // The plain run, 6 Cancels, then Cancel to the Error: the first failure.
    assert_eq!(exploration.scenarios(), 1 + 6 + 1, "{exploration}");
    let smallest = &exploration.failures()[0];
    assert_eq!(
        smallest.script,
        Script::new().answer(Slot::Error, 1..=1, HResult::MAPI_E_USER_CANCEL)
    );
    assert!(!smallest.verdict.passed(), "{exploration}");
}

/// Hangs for good when the user cancels: no `Done`, no event. Its worker sleeps until the test
/// process ends.
struct HangsOnCancel;

impl SyncProvider for HangsOnCancel {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=3 {
                if let Err(e) = sync.progress(None, i, 3) {
                    thread::sleep(Duration::from_secs(3600));
                    return Err(e);
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn at_the_defaults_a_hang_is_blamed_after_the_adaptive_deadline_and_says_so() {
    let exploration = Explore::new().run(|| MapiSync::new(HangsOnCancel));
    // The plain run takes milliseconds: the deadline is its floor, not the 5 s default.
    assert_eq!(
        exploration.deadline(),
        Duration::from_millis(2000),
        "{exploration}"
    );
    assert_eq!(exploration.scenarios(), 2, "{exploration}");
    let smallest = &exploration.failures()[0];
    assert!(smallest.timed_out());
    let findings = smallest.verdict.to_string();
    assert!(
        findings.contains("did not finish within 2s (adaptive: 20x the plain run's ")
            && findings.contains("at least 2s, at most 5s; set one with timeout())"),
        "{findings}"
    );
    assert!(
        exploration.elapsed() < Duration::from_secs(5),
        "{exploration}"
    );
}

/// Refused at its `Error`, it retries for 3 s, reporting its progress every 100 ms: slow, not
/// hung, and busier than in its plain run (3 `Progress`, an `Error`, `Done`).
struct RetriesSlowly;

impl SyncProvider for RetriesSlowly {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=3 {
                sync.progress(None, i, 3)?;
            }
            if let Err(e) = sync.error(HResult::MAPI_E_NETWORK_ERROR, None) {
                if e.hresult() == HResult::MAPI_E_USER_CANCEL {
                    return Err(e);
                }
                for i in 1..=30 {
                    thread::sleep(Duration::from_millis(100));
                    sync.progress(None, i, 30)?;
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn a_scenario_busier_than_the_plain_run_is_not_blamed_for_the_adaptive_deadline() {
    let exploration = Explore::new().cases(0).run(|| MapiSync::new(RetriesSlowly));
    assert!(
        exploration.deadline() < Duration::from_secs(3),
        "{exploration}"
    );
    // The retry ran past the adaptive deadline, made more calls than the plain run by then, and
    // passed under the default.
    exploration.assert_passed();
    assert_eq!(
        exploration.scenarios(),
        1 + 3 + 2 + 1 + exploration.cases() as usize
    );
}

#[test]
fn the_environment_overrides_the_seed_and_the_cases() {
    let output = child(&[
        ("MAPISYNC_EXPLORE_SEED", "1234"),
        ("MAPISYNC_EXPLORE_CASES", "7"),
    ]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(
        describe(&output).contains("1 passed"),
        "{}",
        describe(&output)
    );
}

#[test]
fn a_malformed_override_is_a_clear_panic() {
    let output = child(&[("MAPISYNC_EXPLORE_CASES", "lots")]);
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        describe(&output).contains(
            "MAPISYNC_EXPLORE_CASES is set to \"lots\": it must be a decimal number from 0 to \
             4294967295"
        ),
        "{}",
        describe(&output)
    );
}

/// This test binary, running only [`explored_under_the_environment`] with `vars` set.
fn child(vars: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args(["--ignored", "--exact", "explored_under_the_environment"]);
    command.env_remove("MAPISYNC_EXPLORE_SEED");
    command.env_remove("MAPISYNC_EXPLORE_CASES");
    command.envs(vars.iter().copied());
    command.output().unwrap()
}

fn describe(output: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
#[ignore = "run by the tests of the environment's overrides, in a process of its own"]
fn explored_under_the_environment() {
    let read = |name: &str, or: u64| std::env::var(name).map_or(or, |v| v.parse().unwrap());
    let exploration = Explore::new()
        .seed(1)
        .cases(100)
        .run(|| MapiSync::new(IgnoresCancelAtError));
    assert_eq!(exploration.seed(), read("MAPISYNC_EXPLORE_SEED", 1));
    let cases = read("MAPISYNC_EXPLORE_CASES", 100) as usize;
    let passing = Explore::new().cases(100).run(|| {
        MapiSync::new(Witness {
            seen: Arc::default(),
        })
    });
    assert_eq!(passing.scenarios(), 1 + 6 + 2 + 1 + cases);
    assert_eq!(passing.cases() as usize, cases);
    // The replay line carries both overrides.
    let test = thread::current().name().unwrap().to_owned();
    assert_eq!(
        exploration.replay_command(),
        format!(
            "MAPISYNC_EXPLORE_SEED={} MAPISYNC_EXPLORE_CASES={cases} cargo test {test} -- --exact",
            exploration.seed()
        )
    );
}

#[test]
fn flags_and_strictness_are_part_of_the_replay() {
    let exploration = Explore::new()
        .flags(SyncFlags::DOWNLOAD_HIERARCHY)
        .strict()
        .cases(0)
        .grace(GRACE)
        .all_failures()
        .run(|| Planted::store(Bug::KeepsTheCallback));
    assert_eq!(
        exploration.scenarios(),
        1 + 3 + 1 + exploration.cases() as usize
    );
    assert_eq!(
        exploration.replay(&exploration.failures()[0].script),
        "SyncTest::new().flags(SyncFlags::DOWNLOAD_HIERARCHY).strict()\
         .script(Script::new().cancel_progress_from(1))"
    );
}

#[test]
fn a_failure_keeps_the_host_report_of_its_run() {
    struct Offline;
    impl SyncProvider for Offline {
        fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
            Err(HResult::MAPI_E_NETWORK_ERROR.into())
        }
    }
    let exploration = Explore::new().cases(10).run(|| MapiSync::new(Offline));
    let failure = &exploration.failures()[0];
    assert_eq!(failure.report().started(), HResult::MAPI_E_NETWORK_ERROR);
    assert!(failure.report().done_event().is_null());
    assert_eq!(failure.report().final_status(), None);
}
