//! The protocol checker: readable findings about a recorded call sequence.

use std::thread::ThreadId;

use super::record::{Answers, CallLog, CallRef, Kind, Logged, Record};
use super::verdict::{Finding, Severity, Verdict};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::report::HostProblem;
use crate::host::timing::count;

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
/// warnings too.
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
/// assert!(text.contains("ulIndex 11 is past ulIndexMax 10"), "{text}");
/// assert!(text.contains("Done was never called"), "{text}");
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

    /// True when no rule of [`RULES`] can find anything in `r` after `walk`: a cheap test that
    /// errs only towards running the rules.
    fn quiet(&self, walk: &Walk, r: &Logged) -> bool {
        if walk.first_done.is_some() || walk.cancelled_at.is_some() {
            return false;
        }
        match r.kind {
            Kind::Progress { index, max, .. } => {
                index <= max
                    && walk.last_progress.map_or(true, |(last_index, last_max)| {
                        last_max != max || index >= last_index
                    })
            }
            Kind::Error { hr, .. } => !hr.is_success() || hr.is_warning(),
            Kind::Done { event, .. } => self.done_event.map_or(true, |expected| event == expected),
            Kind::Refused { .. } => false,
        }
    }

    /// True when this checker is strict.
    pub(crate) fn is_strict(&self) -> bool {
        self.strict
    }
}

impl Finding {
    fn new(severity: Severity, seq: Option<u64>, what: String, expected: &str) -> Finding {
        Finding {
            severity,
            seq,
            what,
            expected: expected.to_owned(),
        }
    }

    /// The finding for a problem the host reports, in the host's wording.
    pub(crate) fn host(problem: &HostProblem, seq: Option<u64>) -> Finding {
        let severity = if problem.is_warning() {
            Severity::Warning
        } else {
            Severity::Error
        };
        Finding::new(severity, seq, problem.to_string(), problem.expected())
    }
}

/// What the walk through the records has seen so far.
#[derive(Default)]
struct Walk {
    /// The first `Done`.
    first_done: Option<u64>,
    /// The last `Progress`: index and maximum.
    last_progress: Option<(u32, u32)>,
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
                Kind::Progress { index, max }
                    if index <= max
                        && last.map_or(true, |(last_index, last_max)| {
                            last_max != max || index >= last_index
                        }) =>
                {
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
                Kind::Error { hr } if !hr.is_success() || hr.is_warning() => {}
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
    fn cancel_seen_by(&self, thread: ThreadId) -> Option<(u64, bool)> {
        let cancel = self.cancelled_at?;
        Some((cancel, self.told_cancel.contains(&thread)))
    }
}

/// What a rule sees: one record, its whole call, its thread, and what came before it.
struct At<'a> {
    checker: &'a Checker,
    walk: &'a Walk,
    r: &'a Logged,
    call: CallRef<'a>,
    thread: ThreadId,
}

impl At<'_> {
    /// A finding about this record.
    fn finding(&self, severity: Severity, what: String, expected: &'static str) -> Finding {
        Finding::new(severity, Some(self.r.seq), what, expected)
    }
}

/// A rule about one record, knowing what came before it.
type Rule = fn(&At<'_>) -> Option<Finding>;

/// The per-call rules, in the order their findings are listed.
const RULES: [Rule; 7] = [
    nothing_after_done,
    arguments_are_sound,
    index_moves_forward,
    no_progress_after_cancel,
    done_brings_back_the_event,
    done_fails_after_cancel,
    text_within_bound,
];

const ONE_DONE: &str = "exactly one Done, as the last call";

/// The finding for a full log, which could not keep `lost` calls.
#[cold]
fn log_full(lost: u64) -> Finding {
    Finding::new(
        Severity::Error,
        None,
        format!("the log was full: {lost} later calls were answered but not recorded"),
        "a log large enough for every call (RecordingCallback::new is unbounded)",
    )
}

fn call_after_failed_start(first: &Logged, call: CallRef<'_>) -> Finding {
    Finding::new(
        Severity::Error,
        Some(first.seq),
        format!("{call} after SynchronizeInBackground failed"),
        "no call at all: a failed start has no synchronization to report",
    )
}

fn nothing_after_done(at: &At<'_>) -> Option<Finding> {
    let At { walk, r, call, .. } = *at;
    let done = walk.first_done?;
    let what = match r.kind {
        Kind::Done { .. } => format!("Done called again (the first Done was #{done})"),
        _ => format!("{call} after Done (Done was #{done})"),
    };
    Some(at.finding(Severity::Error, what, ONE_DONE))
}

/// What a call says on its own: a `Progress` index within its maximum, an `Error` with an error or
/// warning code. (A record is one or the other, so the findings keep the order of the rules.)
fn arguments_are_sound(at: &At<'_>) -> Option<Finding> {
    let (what, expected) = match at.r.kind {
        Kind::Progress { index, max, .. } if index > max => (
            format!("ulIndex {index} is past ulIndexMax {max}"),
            "ulIndex <= ulIndexMax",
        ),
        Kind::Error { hr, .. } if hr.is_success() && !hr.is_warning() => (
            format!("Error called with {hr}, a plain success code"),
            "an error code, or a warning code such as MAPI_W_PARTIAL_COMPLETION",
        ),
        _ => return None,
    };
    Some(at.finding(Severity::Error, what, expected))
}

/// A step back after the maximum was reached starts a new pass (the next folder, say): only a
/// step back mid-pass is suspicious.
fn index_moves_forward(at: &At<'_>) -> Option<Finding> {
    let At { walk, r, .. } = *at;
    let Kind::Progress { index, max, .. } = r.kind else {
        return None;
    };
    let (last_index, last_max) = walk.last_progress?;
    (last_max == max && index < last_index && last_index < last_max).then(|| {
        at.finding(
            Severity::Warning,
            format!(
                "ulIndex went back from {last_index} to {index} under the same ulIndexMax {max}"
            ),
            "an index that only moves forward while the maximum stays",
        )
    })
}

/// A thread told of Cancel must stop. Another thread's `Progress` may have been under way when
/// the Cancel was answered, before the provider could pass it on: a warning, never the error.
fn no_progress_after_cancel(at: &At<'_>) -> Option<Finding> {
    let At { walk, r, .. } = *at;
    let (cancel, told) = walk.cancel_seen_by(at.thread)?;
    if !matches!(r.kind, Kind::Progress { .. }) {
        return None;
    }
    Some(if told {
        at.finding(
            Severity::Error,
            format!(
                "Progress after the user pressed Cancel (#{cancel} was answered \
                 MAPI_E_USER_CANCEL)"
            ),
            "stop at Cancel: call Done with a failure status",
        )
    } else {
        at.finding(
            Severity::Warning,
            format!(
                "Progress after the user pressed Cancel on another thread (#{cancel} was \
                 answered MAPI_E_USER_CANCEL; this thread had not been told)"
            ),
            "Cancel passed on to every thread (a call already under way may cross it)",
        )
    })
}

/// `Done` brings back the done event; NULL is allowed (a warning: the provider keeps the event
/// and must close it).
fn done_brings_back_the_event(at: &At<'_>) -> Option<Finding> {
    let At { checker, r, .. } = *at;
    let (Kind::Done { event, .. }, Some(expected)) = (r.kind, checker.done_event) else {
        return None;
    };
    let problem = if event == expected {
        return None;
    } else if event.is_null() {
        HostProblem::NullHandleToDone
    } else {
        HostProblem::WrongHandle {
            got: event,
            expected,
        }
    };
    Some(Finding::host(&problem, Some(r.seq)))
}

/// `Done` after Cancel fails, when its thread was told; from another thread, the work may have
/// been complete before the Cancel reached it: a warning.
fn done_fails_after_cancel(at: &At<'_>) -> Option<Finding> {
    let At { walk, r, .. } = *at;
    let (cancel, told) = walk.cancel_seen_by(at.thread)?;
    let Kind::Done { hr, .. } = r.kind else {
        return None;
    };
    if !hr.is_success() {
        return None;
    }
    Some(if told {
        at.finding(
            Severity::Error,
            format!("Done with {hr} after the user pressed Cancel at #{cancel}"),
            "a failure status such as MAPI_E_USER_CANCEL",
        )
    } else {
        at.finding(
            Severity::Warning,
            format!(
                "Done with {hr} after the user pressed Cancel on another thread at #{cancel} \
                 (the thread calling Done had not been told)"
            ),
            "a failure status such as MAPI_E_USER_CANCEL, unless the work was complete \
             before the Cancel reached it",
        )
    })
}

fn text_within_bound(at: &At<'_>) -> Option<Finding> {
    let At { r, call, .. } = *at;
    let CallRef::Refused { slot, error } = call else {
        return None;
    };
    let problem = HostProblem::Refused {
        slot,
        error: error.clone(),
    };
    Some(Finding::host(&problem, Some(r.seq)))
}

/// The finding for a log of `calls` calls without a `Done`.
#[cold]
fn done_never_called(calls: usize) -> Finding {
    let problem = HostProblem::DoneNeverCalled;
    Finding::new(
        Severity::Error,
        None,
        format!("{problem} ({} recorded)", count(calls, "call")),
        problem.expected(),
    )
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
