//! The supervising process: runs the exploration in a long-lived worker process (this binary,
//! [`WORKER`]), so that a provider that crashes takes a worker down and not the check. A worker
//! that dies in a scenario is a failure with its own finding, `provider_crashed`
//! ([`CRASH`](crate::outcome::CRASH)); a new worker takes over, runs the same deterministic
//! exploration with a stand-in store for every scenario that crashed one before, and so goes on
//! at the next scenario.
//!
//! Which scenario crashed is known from the store the worker was making (its position file),
//! exactly when scenarios run one at a time. With `--jobs N`, up to N scenarios run when the
//! process dies and any of them may be the one: the first crash then makes the check start again
//! one scenario at a time (the same scenarios, from the same seed), which finds the crashing
//! store and goes on from there; the scenarios before it run twice.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mapisync::testing::Script;

use crate::options::Settings;
use crate::outcome::{
    crash_finding, decode, done_script, error_script, Class, Failure, Outcome, CRASH_CALL_LOG,
};
use crate::position::Position;
use crate::provider::Unusable;
use crate::worker::{MARK, WORKER};

/// Workers replaced before the check gives up on a provider that crashes in every scenario.
const MAX_CRASHES: usize = 64;

/// Where an exploration is, for the progress line.
pub trait Observer {
    /// `scenarios` of `planned` done, `failures` found so far.
    fn progress(&mut self, scenarios: usize, planned: usize, failures: usize);
}

/// Checks the provider at `library` in workers until one finishes.
pub fn check(
    library: &Path,
    entry: &str,
    settings: &Settings,
    observer: &mut dyn Observer,
) -> Result<Outcome, Unusable> {
    let started = Instant::now();
    let mut skip: Vec<u64> = Vec::new();
    // How the first worker the provider crashed ended.
    let mut first_how: Option<String> = None;
    let mut plan: Option<(u64, u64)> = None;
    // The settings of the workers: one scenario at a time after a crash with several.
    let mut settings_now = settings.clone();
    // Workers crashed with several scenarios at a time (then started again from the start).
    let mut parallel_crashes = 0;
    let mut workers = 0;
    loop {
        workers += 1;
        let position = Position::new(workers)
            .map_err(|e| Unusable(format!("cannot make the worker's position file: {e}")))?;
        let mut worker = Worker::start(library, entry, &position, &skip, &settings_now)?;
        let watchdog =
            Duration::from_millis(settings.timeout_ms.saturating_mul(4)) + Duration::from_secs(30);
        let mut state = State::default();
        while let Ok(Some(line)) = worker.next(watchdog) {
            let (kind, fields) = decode(&line);
            let number = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            match kind.as_str() {
                "fatal" => {
                    worker.finish();
                    return Err(Unusable(fields.first().cloned().unwrap_or_default()));
                }
                "ready" => state.ready = true,
                "plan" => plan = Some((number(0), number(1))),
                "progress" => {
                    state.scenarios = number(0) as usize;
                    state.planned = number(1) as usize;
                    observer.progress(state.scenarios, state.planned, number(2) as usize);
                }
                "found" => state.found = number(0) as usize,
                "failure" => state
                    .failures
                    .extend(Failure::from_fields(&fields).map(|mut f| {
                        if f.crashed {
                            let how = first_how.as_deref().unwrap_or("it ended abnormally");
                            f.findings = vec![crash_finding(None, how)];
                        }
                        f
                    })),
                "replay" => state.replaying = true,
                "timeline" => {
                    if let Some(f) = state.failures.get_mut(number(0) as usize) {
                        f.timeline = fields.get(1).cloned();
                    }
                }
                "done" => {
                    state.done = Some((number(0) as usize, number(2)));
                }
                _ => {}
            }
        }
        let status = worker.finish();
        state.call = position.read();
        if let Some((scenarios, seed)) = state.done {
            let (found, failures) = (state.found, state.failures);
            return Ok(Outcome {
                scenarios,
                elapsed: started.elapsed(),
                seed,
                failures,
                found,
                crashes: skip.len() + parallel_crashes,
            });
        }
        let how = describe(status);
        first_how.get_or_insert_with(|| how.clone());
        if !state.ready {
            return Err(Unusable(format!(
                "the factory `{entry}` crashed ({how}) making the first store: run it under a \
                 debugger, or make it return a failure HRESULT instead"
            )));
        }
        match state.call {
            // Any of the scenarios running may have crashed: one at a time tells which.
            Some(_) if !state.replaying && settings_now.jobs > 1 => {
                settings_now.jobs = 1;
                parallel_crashes += 1;
            }
            Some(call) if !state.replaying && skip.len() < MAX_CRASHES => skip.push(call),
            _ => {
                // A crash in a failure's replay, or too many crashes: what is known is reported.
                let found = state.found.max(state.failures.len()).max(1);
                let scenarios = state.scenarios;
                let failures = if state.failures.is_empty() {
                    let call = state.call.unwrap_or(0);
                    vec![crash_failure(&state, plan, call, &how, settings.cases)]
                } else {
                    state.failures
                };
                return Ok(Outcome {
                    scenarios,
                    elapsed: started.elapsed(),
                    seed: settings.seed,
                    failures,
                    found,
                    crashes: skip.len() + parallel_crashes + 1,
                });
            }
        }
    }
}

/// What one worker said so far.
#[derive(Default)]
struct State {
    ready: bool,
    call: Option<u64>,
    scenarios: usize,
    planned: usize,
    found: usize,
    failures: Vec<Failure>,
    replaying: bool,
    done: Option<(usize, u64)>,
}

/// The failure of a scenario the provider crashed in: store `call` (0: the plain run made for
/// the plan), after `state.scenarios` scenarios. Its script is known for the systematic pass
/// (given the plain run's counts), not for a random case.
fn crash_failure(
    state: &State,
    plan: Option<(u64, u64)>,
    call: u64,
    how: &str,
    cases: u32,
) -> Failure {
    let k = state.scenarios as u64 + 1;
    let script = if call == 0 || k == 1 {
        Some(Script::new())
    } else {
        plan.and_then(|(p, e)| match k - 1 {
            i if i <= p => Some(Script::new().cancel_progress_from(i)),
            i if i <= p + e => Some(error_script(i - p)),
            i if i == p + e + 1 => Some(done_script()),
            _ => None,
        })
    };
    let systematic = state.planned.saturating_sub(cases as usize) as u64;
    let (class, script) = match script {
        Some(s) => (Class::of(&s.to_string()), s.to_string()),
        None if plan.is_none() && k <= systematic => (
            Class::CancelAtProgress,
            format!("(scenario {k} of the systematic pass; its script is not known)"),
        ),
        None => (
            Class::Random,
            format!(
                "(random case {} of seed; its script is not known)",
                k.saturating_sub(systematic)
            ),
        ),
    };
    Failure {
        class,
        replay: format!(
            "mapisync-check LIBRARY  # scenario {k} (store {call}) crashed the process"
        ),
        findings: vec![crash_finding(Some(k), how)],
        script,
        call_log: CRASH_CALL_LOG.to_owned(),
        timeline: None,
        crashed: true,
    }
}

/// How a worker ended.
fn describe(status: Option<ExitStatus>) -> String {
    let Some(status) = status else {
        return "it stopped answering and was stopped".to_owned();
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => "SIGILL",
                6 => "SIGABRT",
                7 => "SIGBUS",
                8 => "SIGFPE",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                _ => "a signal",
            };
            return format!("signal {signal}, {name}");
        }
    }
    match status.code() {
        // Windows' NTSTATUS codes of a crash.
        Some(code) if cfg!(windows) => {
            let name = match code as u32 {
                0xC000_0005 => ", STATUS_ACCESS_VIOLATION",
                0xC000_0409 => ", STATUS_STACK_BUFFER_OVERRUN (a fail-fast abort)",
                0xC000_00FD => ", STATUS_STACK_OVERFLOW",
                0x8000_0003 => ", STATUS_BREAKPOINT",
                _ => "",
            };
            format!("exit status {:#x}{name}", code as u32)
        }
        Some(code) => format!("exit status {code:#x}"),
        None => "it ended abnormally".to_owned(),
    }
}

/// One worker process and its protocol lines.
struct Worker {
    child: Child,
    lines: mpsc::Receiver<String>,
    killed: bool,
}

impl Worker {
    fn start(
        library: &Path,
        entry: &str,
        position: &Position,
        skip: &[u64],
        settings: &Settings,
    ) -> Result<Worker, Unusable> {
        let exe = std::env::current_exe()
            .map_err(|e| Unusable(format!("cannot find this program to start a worker: {e}")))?;
        let skip: Vec<String> = skip.iter().map(u64::to_string).collect();
        let mut child = Command::new(exe)
            .arg(WORKER)
            .arg(library)
            .arg(entry)
            .arg(position.path())
            .arg(skip.join(","))
            .args(settings.to_args())
            // The settings carry the environment's seed and cases already, where the command
            // line gave none: the library's own reading of them would beat the command line.
            .env_remove("MAPISYNC_EXPLORE_SEED")
            .env_remove("MAPISYNC_EXPLORE_CASES")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Unusable(format!("cannot start a worker process: {e}")))?;
        let stdout = child.stdout.take().expect("piped");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The provider's own output is passed through to the user.
                match line.find(MARK) {
                    Some(at) if send.send(line[at + MARK.len()..].to_owned()).is_err() => break,
                    Some(_) => {}
                    None if !line.is_empty() => eprintln!("{line}"),
                    None => {}
                }
            }
        });
        Ok(Worker {
            child,
            lines,
            killed: false,
        })
    }

    /// The next message, `None` at the end; `Err` when the worker said nothing for `watchdog`
    /// (it is then stopped).
    fn next(&mut self, watchdog: Duration) -> Result<Option<String>, ()> {
        match self.lines.recv_timeout(watchdog) {
            Ok(line) => Ok(Some(line)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Ok(None),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                self.killed = true;
                Err(())
            }
        }
    }

    /// Waits for the worker to end: its status, `None` if it was stopped for hanging.
    fn finish(mut self) -> Option<ExitStatus> {
        let status = self.child.wait().ok();
        if self.killed {
            None
        } else {
            status
        }
    }
}
