//! Runs an exploration's scenarios, one or `jobs` at a time, on stores the caller's factory
//! builds on the driving thread; re-checks a timeout under an adaptive deadline before it counts.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;

use super::deadline::{Deadline, Recheck};
use super::scenario::{self, Outcome, Settings};
use super::ExploreProgress;
use crate::interfaces::sync::MapiSync;
use crate::testing::script::Script;

/// The scenarios' runner: settings, deadline, the store factory and the progress observer.
pub(super) struct Driver<M, O> {
    pub(super) settings: Settings,
    pub(super) deadline: Deadline,
    pub(super) progress: ExploreProgress,
    /// How many calls the plain run made: a scenario that made more was not hung.
    pub(super) plain_calls: u64,
    jobs: usize,
    make_store: M,
    observe: O,
    started: Instant,
}

impl<M, O> Driver<M, O>
where
    M: FnMut() -> MapiSync,
    O: FnMut(&ExploreProgress),
{
    pub(super) fn new(settings: Settings, jobs: usize, make_store: M, observe: O) -> Self {
        Driver {
            settings,
            deadline: Deadline::first(settings.timeout),
            progress: ExploreProgress {
                scenarios: 0,
                planned: 0,
                failures: 0,
                elapsed: std::time::Duration::ZERO,
            },
            plain_calls: 0,
            jobs: jobs.max(1),
            make_store,
            observe,
            started: Instant::now(),
        }
    }

    /// Runs `scripts`, counted, `jobs` at a time, and gives back their outcomes in order. With
    /// `stop_at_first`, the outcomes end at the first failing script's: no script after it
    /// starts once it is known, and those already running are left out.
    pub(super) fn batch(&mut self, scripts: &[Script], stop_at_first: bool) -> Vec<Outcome> {
        let mut outcomes: Vec<Option<Outcome>> = scripts.iter().map(|_| None).collect();
        let mut end = scripts.len();
        if self.jobs == 1 {
            for (i, script) in scripts.iter().enumerate() {
                let outcome = self.one(script);
                let failed = self.note(i, outcome, &mut outcomes);
                if failed && stop_at_first {
                    end = i + 1;
                    break;
                }
            }
        } else {
            end = self.in_parallel(scripts, stop_at_first, &mut outcomes);
        }
        outcomes.truncate(end);
        outcomes
            .into_iter()
            .map(|o| o.expect("every scenario before the end ran"))
            .collect()
    }

    /// One scenario on this thread, its timeout re-checked; not counted (a shrinking step).
    pub(super) fn one(&mut self, script: &Script) -> Outcome {
        let store = (self.make_store)();
        let outcome = scenario::run_one(&self.settings, &self.deadline, &store, script);
        self.settle(script, outcome)
    }

    /// `Some` outcome when `script` fails: for shrinking.
    pub(super) fn fails(&mut self, script: &Script) -> Option<Outcome> {
        Some(self.one(script)).filter(Outcome::failed)
    }

    /// A scenario that ran past an adaptive deadline is blamed only when that deadline was a
    /// fair measure of it: it had made no more calls than the whole plain run, and the plain
    /// run, run again now, still fits the deadline. Otherwise it runs again under the default.
    fn settle(&mut self, script: &Script, outcome: Outcome) -> Outcome {
        if !outcome.timed_out || !self.deadline.is_shortened() {
            return outcome;
        }
        let calls = outcome.counts.total();
        let reason = if calls > self.plain_calls {
            Recheck::Busier {
                calls,
                plain: self.plain_calls,
            }
        } else {
            let plain = scenario::run_one(
                &self.settings,
                &Deadline::first(None),
                &(self.make_store)(),
                &Script::new(),
            );
            if plain.failed() {
                Recheck::PlainFailed
            } else if self.deadline.still_fits(plain.elapsed) {
                return outcome;
            } else {
                Recheck::Slower {
                    plain_again: plain.elapsed,
                }
            }
        };
        let rechecked = self.deadline.rechecked(reason);
        scenario::run_one(&self.settings, &rechecked, &(self.make_store)(), script)
    }

    /// Records outcome `i` and tells the observer; true when it failed.
    fn note(&mut self, i: usize, outcome: Outcome, outcomes: &mut [Option<Outcome>]) -> bool {
        let failed = outcome.failed();
        outcomes[i] = Some(outcome);
        self.progress.scenarios += 1;
        self.progress.failures += usize::from(failed);
        self.progress.elapsed = self.started.elapsed();
        (self.observe)(&self.progress);
        failed
    }

    /// [`batch`](Self::batch) on `jobs` threads; gives back where the outcomes end.
    fn in_parallel(
        &mut self,
        scripts: &[Script],
        stop_at_first: bool,
        outcomes: &mut [Option<Outcome>],
    ) -> usize {
        let (settings, deadline) = (self.settings, self.deadline);
        let mut end = scripts.len();
        let (to_workers, work) = mpsc::channel::<(usize, MapiSync)>();
        let work = Mutex::new(work);
        thread::scope(|scope| {
            // Owned here, so that a panic below ends the workers' wait before the scope joins.
            let to_workers = to_workers;
            let (results, from_workers) = mpsc::channel::<(usize, thread::Result<Outcome>)>();
            for _ in 0..self.jobs.min(scripts.len()) {
                let (work, results) = (&work, results.clone());
                scope.spawn(move || loop {
                    // Whoever holds the lock waits for the next job; no one holds it while
                    // running one.
                    let job = work.lock().map_or(Err(mpsc::RecvError), |w| w.recv());
                    let Ok((i, store)) = job else { return };
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                        scenario::run_one(&settings, &deadline, &store, &scripts[i])
                    }));
                    drop(store);
                    if results.send((i, outcome)).is_err() {
                        return;
                    }
                });
            }
            drop(results);
            let (mut next, mut running) = (0, 0);
            loop {
                while next < end && running < self.jobs {
                    let store = (self.make_store)();
                    to_workers
                        .send((next, store))
                        .expect("the workers wait for work until it ends");
                    next += 1;
                    running += 1;
                }
                if running == 0 {
                    break;
                }
                let (i, outcome) = from_workers.recv().expect("a worker answers every job");
                // A panic in a scenario is the caller's, as it would be with one job.
                let outcome = outcome.unwrap_or_else(|payload| panic::resume_unwind(payload));
                running -= 1;
                if i >= end {
                    continue; // after the first failure: left out
                }
                let outcome = self.settle(&scripts[i], outcome);
                if self.note(i, outcome, outcomes) && stop_at_first {
                    end = i + 1;
                }
            }
        });
        end
    }
}
