//! The worker: the same binary, started by the supervising process with a hidden first argument,
//! that loads the provider and runs the exploration, reporting as it goes on its standard output,
//! one marked line per message (the provider's own output may share the stream).
//!
//! Messages: `ready` (the factory made a store that answers IMAPISync), `plan P E` (Progress
//! and Error calls in the plain run), `progress S PLANNED F` (at most every 50 ms), `alive` (at
//! most every second, with a store made), `found N`, `failure ...`, `replay I`, `timeline I SVG`,
//! `done S MS SEED`, and `fatal MESSAGE` when the check cannot run. Which store it is on goes to
//! the position file ([`crate::position`]).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mapisync::testing::{ExploreFailure, SyncTest, Verdict};
use mapisync::{Error, HResult, Handle, MapiSync, Result, Slot, SyncProvider, SyncRequest};

use crate::options::Settings;
use crate::outcome::{crash_finding, encode, Class, Failure, FindingLine, CRASH_CALL_LOG};
use crate::position;
use crate::provider::Provider;

/// The first argument that makes the binary a worker.
pub const WORKER: &str = "__worker";

/// What starts each protocol line: the supervisor ignores lines without it.
pub const MARK: &str = "\u{1e}mapisync-check\u{1e}";

/// Sends one message.
fn send(kind: &str, fields: &[&str]) {
    let mut out = std::io::stdout().lock();
    // A supervisor gone is a worker with nobody to report to: writes that fail are dropped.
    let _ = writeln!(out, "\n{MARK}{}", encode(kind, fields));
    let _ = out.flush();
}

/// The worker's `main`: `__worker LIBRARY ENTRY POSITION SKIP SETTINGS...`, where SKIP lists
/// the stores (by number, comma-separated) that crashed a worker before.
pub fn main(args: &[String]) -> ExitCode {
    let [library, entry, position, skip, settings @ ..] = args else {
        send("fatal", &["the worker's arguments are incomplete"]);
        return ExitCode::from(2);
    };
    let Some(settings) = Settings::from_args(settings) else {
        send("fatal", &["the worker's settings do not parse"]);
        return ExitCode::from(2);
    };
    let skip: Vec<u64> = skip.split(',').filter_map(|n| n.parse().ok()).collect();
    let provider = match Provider::load(Path::new(library), entry).and_then(|p| {
        p.make()?;
        Ok(p)
    }) {
        Ok(provider) => provider,
        Err(e) => {
            send("fatal", &[&e.0]);
            return ExitCode::from(2);
        }
    };
    send("ready", &[]);
    let stores = Stores {
        provider,
        skip,
        position: position::Writer::open(Path::new(position)),
        alive: std::cell::Cell::new(Instant::now()),
    };
    explore(&stores, &settings);
    ExitCode::SUCCESS
}

/// What the stand-in for a store that crashed a worker answers `SynchronizeInBackground`: a
/// value of its own, so that the scenario fails (and a random one is shrunk, every smaller
/// script that crashes failing the same way) and its failure is known for a crash.
const CRASHED: HResult = HResult(0xE0DE_DEAD_u32 as i32);

/// Where the stores come from.
struct Stores {
    provider: Provider,
    /// The stores that crashed a worker before.
    skip: Vec<u64>,
    position: position::Writer,
    /// When the worker last said it is alive, with a store made.
    alive: std::cell::Cell<Instant>,
}

impl Stores {
    /// The store for the `n`th scenario: the provider's, or a stand-in for one that crashed a
    /// worker before (it fails with [`CRASHED`]).
    fn make(&self, n: u64) -> MapiSync {
        self.position.at(n);
        // Shrinking runs scenarios without progress messages: the supervisor still hears from
        // the worker every second, and does not take a long shrink for a hang.
        if self.alive.get().elapsed() >= Duration::from_secs(1) {
            self.alive.set(Instant::now());
            send("alive", &[]);
        }
        if self.skip.contains(&n) {
            return MapiSync::new(StandIn(CRASHED, String::new()));
        }
        let store = self.provider.make();
        store.unwrap_or_else(|e| MapiSync::new(StandIn(HResult::E_FAIL, e.0)))
    }
}

/// Runs the plain run for the plan, the exploration, and a replay of each failure reported.
fn explore(stores: &Stores, settings: &Settings) {
    let test = || {
        let test = SyncTest::new()
            .flags(settings.flags)
            .timeout(Duration::from_millis(settings.timeout_ms));
        if settings.strict {
            test.strict()
        } else {
            test
        }
    };
    if !stores.skip.contains(&0) {
        let run = test().run(&stores.make(0));
        let count = |slot: Slot| {
            run.records()
                .iter()
                .filter(|r| r.call.slot() == slot)
                .count()
        };
        let (p, e) = (count(Slot::Progress), count(Slot::Error));
        send("plan", &[&p.to_string(), &e.to_string()]);
    }
    let mut n = 0;
    let mut shown: Option<Instant> = None;
    let exploration = settings.explore().run_observed(
        || {
            n += 1;
            stores.make(n)
        },
        |p| {
            let due = shown.is_none_or(|t| t.elapsed() >= Duration::from_millis(50));
            if due || p.scenarios == p.planned {
                shown = Some(Instant::now());
                let fields = [p.scenarios, p.planned, p.failures].map(|v| v.to_string());
                send("progress", &fields.each_ref().map(String::as_str));
            }
        },
    );
    let reported = exploration.failures();
    send("found", &[&reported.len().to_string()]);
    let crashed: Vec<bool> = reported.iter().map(is_crash).collect();
    for (failure, &crashed) in reported.iter().zip(&crashed) {
        let script = failure.script.to_string();
        let (findings, call_log) = if crashed {
            // The supervisor words it: it knows how the worker ended.
            (vec![crash_finding(None, "")], CRASH_CALL_LOG.to_owned())
        } else {
            let findings = failure.verdict.findings().iter();
            let findings = findings
                .map(|f| FindingLine {
                    code: f.code().to_owned(),
                    text: f.to_string(),
                })
                .collect();
            (findings, call_log(&failure.verdict))
        };
        let failure = Failure {
            class: Class::of(&script),
            replay: exploration.replay(&failure.script),
            script,
            findings,
            call_log,
            timeline: None,
            crashed,
        };
        let fields = failure.to_fields();
        send(
            "failure",
            &fields.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    for (i, failure) in reported.iter().enumerate() {
        if crashed[i] {
            // Replayed, it would crash this worker too.
            continue;
        }
        let i = i.to_string();
        send("replay", &[&i]);
        n += 1;
        let run = test().script(failure.script.clone()).run(&stores.make(n));
        send("timeline", &[&i, &run.timeline_svg()]);
    }
    let ms = exploration.elapsed().as_millis().to_string();
    let scenarios = exploration.scenarios().to_string();
    send("done", &[&scenarios, &ms, &exploration.seed().to_string()]);
}

/// True when `failure` is a stand-in's for a store that crashed a worker before: its start
/// failed with [`CRASHED`].
fn is_crash(failure: &ExploreFailure) -> bool {
    failure.report().started() == CRASHED
}

/// The call log of a verdict, as its `Display` ends: `call log (N calls):` and a line per call.
fn call_log(verdict: &Verdict) -> String {
    use std::fmt::Write;
    let records = verdict.records();
    let plural = if records.len() == 1 { "" } else { "s" };
    let mut log = format!("call log ({} call{plural}):\n", records.len());
    for record in records {
        let _ = writeln!(log, "  {record}");
    }
    log
}

/// A store that stands in for the provider's and fails to start: for a scenario that crashed a
/// worker before ([`CRASHED`]), for a factory that failed mid-run (`E_FAIL`, saying why).
struct StandIn(HResult, String);

impl SyncProvider for StandIn {
    fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
        Err(Error::new(self.0, self.1.clone()))
    }
}
