//! The protocol checker: readable findings about a recorded call sequence.

mod rules;

use std::thread::ThreadId;

use self::rules::{
    call_after_failed_start, done_handle_problem, done_never_called, log_full, plain_success,
    sound_progress, At, RULES,
};
use super::record::{Answers, CallLog, CallRef, Kind, Logged, Record};
use super::verdict::Verdict;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::finding::Finding;

/// Checks a recorded sequence against the protocol of `IMAPISyncProgressCallback`:
///
/// - `Done` exactly once, and last; nothing after it;
/// - `ulIndex <= ulIndexMax` on every `Progress`;
/// - the index not moving backwards under the same maximum before reaching it (a warning; after
///   reaching the maximum a new pass may start over);
/// - `Done` bringing back the handle the provider handed out (when told which); NULL is a
///   warning, since the reference allows it: the provider then keeps the event and must close it;
/// - `Error` not called with a plain success code (`S_OK`, `S_FALSE`);
/// - no call refused for text over the bound;
/// - after an answer of `MAPI_E_USER_CANCEL`, no more `Progress` and a failing `Done` from the
///   thread that was told; from a thread that was not (yet) told, a warning: its call may have
///   been under way when another thread heard of the Cancel;
/// - no record lost to a full log;
/// - no call at all when `SynchronizeInBackground` failed.
///
/// A lenient check (the default) fails on errors only; a [`strict`](Checker::strict) one on
/// warnings too. Each finding is an occurrence of a catalog entry
/// ([`CatalogEntry`](crate::testing::CatalogEntry)), whose code `docs/findings.md` explains.
///
/// ```
/// use mapisync::testing::{Checker, RecordingCallback, Script};
/// use mapisync::{HResult, Handle};
///
/// let recorder = RecordingCallback::new(Script::new());
/// let callback = recorder.callback();
/// callback.progress(None, 11, 10).unwrap();
/// let verdict = recorder.check();
/// assert!(!verdict.passed());
/// let text = verdict.to_string();
/// assert!(text.contains("error[index_past_max] at #0: ulIndex 11 is past ulIndexMax 10"), "{text}");
/// assert!(text.contains("error[done_missing]: Done was never called"), "{text}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checker {
    strict: bool,
    done_event: Option<Handle>,
    start_failed: bool,
}

impl Checker {
    /// A lenient checker that does not know the done event.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Warnings fail the check too.
    pub fn strict(mut self) -> Checker {
        self.strict = true;
        self
    }

    /// The handle the provider wrote through `phSyncDoneEvent`: `Done` must bring back this one.
    pub fn done_event(mut self, handle: Handle) -> Checker {
        self.done_event = Some(handle);
        self
    }

    /// `SynchronizeInBackground` failed: the provider must not call the callback at all.
    pub fn start_failed(mut self) -> Checker {
        self.start_failed = true;
        self
    }

    /// Checks `records`; `lost` counts calls a bounded log could not keep.
    pub fn check(&self, records: &[Record], lost: u64) -> Verdict {
        Verdict::new(self.findings(records, lost), self.strict, records.to_vec())
    }

    /// The findings of [`check`](Self::check) alone, without a copy of the log.
    pub(crate) fn findings<L: CallLog + ?Sized>(&self, log: &L, lost: u64) -> Vec<Finding> {
        let mut findings = Vec::new();
        if lost > 0 {
            findings.push(log_full(lost));
        }
        if self.start_failed {
            if log.len() > 0 {
                findings.push(call_after_failed_start(&log.at(0), log.call(0)));
            }
            return findings;
        }
        let mut walk = Walk::default();
        let start = walk.quiet_stretch(log);
        for i in start..log.len() {
            let record = log.at(i);
            // A plain loop: the rules find nothing almost always, and `extend` would reserve
            // for every record; a record no rule can fault skips them.
            if !self.quiet(&walk, &record) {
                self.judge(&walk, &record, log.call(i), log.thread_of(i), &mut findings);
            }
            walk.step(&record, || log.thread_of(i));
        }
        if walk.first_done.is_none() {
            findings.push(done_never_called(log.len()));
        }
        findings
    }

    /// Runs every rule on `record`, whose whole call is `call`. Out of line, so that the walk
    /// over the records no rule can fault stays a short loop.
    #[inline(never)]
    fn judge(
        &self,
        walk: &Walk,
        record: &Logged,
        call: CallRef<'_>,
        thread: ThreadId,
        findings: &mut Vec<Finding>,
    ) {
        let at = At {
            checker: self,
            walk,
            r: record,
            call,
            thread,
        };
        for rule in RULES {
            if let Some(finding) = rule(&at) {
                findings.push(finding);
            }
        }
    }

    /// True when no rule of [`RULES`] can find anything in `r` after `walk`: the rules'
    /// conditions (their predicates in `rules`), tested cheaply together.
    #[inline(always)]
    fn quiet(&self, walk: &Walk, r: &Logged) -> bool {
        if walk.first_done.is_some() || walk.cancelled_at.is_some() {
            return false;
        }
        match r.kind {
            Kind::Progress { index, max, .. } => sound_progress(walk.last_progress, index, max),
            Kind::Error { hr, .. } => !plain_success(hr),
            Kind::Done { event, .. } => done_handle_problem(self, event).is_none(),
            Kind::Refused { .. } => false,
        }
    }

    /// True when this checker is strict.
    pub(crate) fn is_strict(&self) -> bool {
        self.strict
    }
}

/// What the walk through the records has seen so far.
#[derive(Default)]
pub(super) struct Walk {
    /// The first `Done`.
    pub(super) first_done: Option<u64>,
    /// The last `Progress`: index and maximum.
    pub(super) last_progress: Option<(u32, u32)>,
    /// The first call answered `MAPI_E_USER_CANCEL`.
    cancelled_at: Option<u64>,
    /// Every thread a call of which was answered `MAPI_E_USER_CANCEL`: the threads told.
    told_cancel: Vec<ThreadId>,
}

impl Walk {
    /// Walks the records from the first on for as long as no rule can fault them (no `Done`, no
    /// Cancel, every `Progress` within its maximum and not stepping back, every `Error` with a
    /// failure or warning code): one tight loop for what a run is made of almost entirely, which
    /// passes over a count of `Progress` calls in one step. Returns where the rules must take
    /// over.
    fn quiet_stretch<L: CallLog + ?Sized>(&mut self, log: &L) -> usize {
        let mut last = self.last_progress;
        let mut i = 0;
        while i < log.len() {
            let r = log.at(i);
            if r.answer == HResult::MAPI_E_USER_CANCEL {
                break;
            }
            match r.kind {
                Kind::Progress { index, max } if sound_progress(last, index, max) => {
                    // The calls counting on from here to the maximum are as quiet: passed over
                    // at once, however many.
                    let run = if index < max {
                        log.counted_progress(i + 1, index + 1..=max, max, Answers::BeforeCancel)
                    } else {
                        0
                    };
                    // At most `max - index` calls: one per index.
                    last = Some((index + run as u32, max));
                    i += run;
                }
                Kind::Error { hr } if !plain_success(hr) => {}
                _ => break,
            }
            i += 1;
        }
        self.last_progress = last;
        i
    }

    /// Takes `r` into account; `thread` is asked for the thread that made it only when it was
    /// answered Cancel.
    fn step(&mut self, r: &Logged, thread: impl FnOnce() -> ThreadId) {
        match r.kind {
            Kind::Progress { index, max, .. } => self.last_progress = Some((index, max)),
            Kind::Done { .. } => {
                self.first_done.get_or_insert(r.seq);
            }
            _ => {}
        }
        if r.answer == HResult::MAPI_E_USER_CANCEL {
            self.cancelled_at.get_or_insert(r.seq);
            let thread = thread();
            if !self.told_cancel.contains(&thread) {
                self.told_cancel.push(thread);
            }
        }
    }

    /// The first Cancel, and whether `thread` had been told of a Cancel itself.
    pub(super) fn cancel_seen_by(&self, thread: ThreadId) -> Option<(u64, bool)> {
        let cancel = self.cancelled_at?;
        Some((cancel, self.told_cancel.contains(&thread)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::log::samples::{log, EVENT};

    /// The findings with every rule run on every call: no quiet stretch, no quiet test.
    fn every_rule_on_every_call(checker: &Checker, log: &[Record], lost: u64) -> Vec<Finding> {
        let mut findings = Vec::new();
        if lost > 0 {
            findings.push(log_full(lost));
        }
        if checker.start_failed {
            if !log.is_empty() {
                findings.push(call_after_failed_start(&log.at(0), log.call(0)));
            }
            return findings;
        }
        let mut walk = Walk::default();
        for i in 0..log.len() {
            let record = log.at(i);
            checker.judge(&walk, &record, log.call(i), log.thread_of(i), &mut findings);
            walk.step(&record, || log.thread_of(i));
        }
        if walk.first_done.is_none() {
            findings.push(done_never_called(log.len()));
        }
        findings
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]

        /// Passing over what no rule can fault finds what running every rule finds, in the same
        /// order, in the recorder's log and in records alike.
        #[test]
        fn the_quick_walk_finds_what_every_rule_finds(
            log in log(),
            done_event in proptest::option::of(proptest::prop_oneof![
                proptest::strategy::Just(EVENT),
                proptest::strategy::Just(Handle::NULL),
            ]),
            start_failed in proptest::bool::weighted(0.1),
            lost in proptest::prop_oneof![proptest::strategy::Just(0u64), 1u64..4],
        ) {
            let mut checker = Checker::new();
            if let Some(event) = done_event {
                checker = checker.done_event(event);
            }
            if start_failed {
                checker = checker.start_failed();
            }
            let records = log.to_records();
            let expected = every_rule_on_every_call(&checker, &records, lost);
            proptest::prop_assert_eq!(&checker.findings(&log, lost), &expected);
            proptest::prop_assert_eq!(&checker.findings(&records[..], lost), &expected);
        }
    }
}
