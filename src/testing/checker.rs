//! The protocol checker: readable findings about a recorded call sequence.

use std::fmt;

use super::record::{Call, Record};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Suspicious but allowed: fails only a strict check.
    Warning,
    /// Against the protocol: fails every check.
    Error,
}

/// One thing the checker noticed: what happened, where in the sequence, what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The record it is about (`None` for the sequence as a whole).
    pub seq: Option<u64>,
    /// What happened.
    pub what: String,
    /// What the protocol expects instead.
    pub expected: String,
}

impl fmt::Display for Finding {
    /// `error at #5: Progress after Done (Done was #3); expected: nothing after Done`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.seq {
            Some(seq) => write!(f, "{severity} at #{seq}: ")?,
            None => write!(f, "{severity}: ")?,
        }
        write!(f, "{}; expected: {}", self.what, self.expected)
    }
}

/// Checks a recorded sequence against the protocol of `IMAPISyncProgressCallback`:
///
/// - `Done` exactly once, and last; nothing after it;
/// - `ulIndex <= ulIndexMax` on every `Progress`;
/// - the index not moving backwards under the same maximum before reaching it (a warning; after
///   reaching the maximum a new pass may start over);
/// - `Done` bringing back the handle the provider handed out (when told which);
/// - `Error` not called with a plain success code (`S_OK`, `S_FALSE`);
/// - no call refused for text over the bound;
/// - after an answer of `MAPI_E_USER_CANCEL`, no more `Progress` and a failing `Done`;
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
        let mut findings = Vec::new();
        let mut add = |severity, seq: Option<u64>, what: String, expected: &str| {
            findings.push(Finding {
                severity,
                seq,
                what,
                expected: expected.to_owned(),
            })
        };
        use Severity::{Error, Warning};

        if lost > 0 {
            add(
                Error,
                None,
                format!("the log was full: {lost} later calls were answered but not recorded"),
                "a log large enough for every call (RecordingCallback::new is unbounded)",
            );
        }
        if self.start_failed {
            if let Some(first) = records.first() {
                add(
                    Error,
                    Some(first.seq),
                    format!("{} after SynchronizeInBackground failed", first.call),
                    "no call at all: a failed start has no synchronization to report",
                );
            }
            return Verdict::new(findings, self.strict, records);
        }

        let mut first_done: Option<u64> = None;
        let mut last_progress: Option<(u32, u32)> = None;
        let mut cancelled_at: Option<u64> = None;
        for r in records {
            if let Some(done) = first_done {
                let what = match r.call {
                    Call::Done { .. } => format!("Done called again (the first Done was #{done})"),
                    _ => format!("{} after Done (Done was #{done})", r.call),
                };
                add(
                    Error,
                    Some(r.seq),
                    what,
                    "exactly one Done, as the last call",
                );
            }
            match &r.call {
                Call::Progress { index, max, .. } => {
                    if index > max {
                        add(
                            Error,
                            Some(r.seq),
                            format!("ulIndex {index} is past ulIndexMax {max}"),
                            "ulIndex <= ulIndexMax",
                        );
                    }
                    if let Some((last_index, last_max)) = last_progress {
                        // A step back after the maximum was reached starts a new pass (the
                        // next folder, say): only a step back mid-pass is suspicious.
                        if last_max == *max && index < &last_index && last_index < last_max {
                            add(
                                Warning,
                                Some(r.seq),
                                format!("ulIndex went back from {last_index} to {index} under the same ulIndexMax {max}"),
                                "an index that only moves forward while the maximum stays",
                            );
                        }
                    }
                    last_progress = Some((*index, *max));
                    if let Some(cancel) = cancelled_at {
                        add(
                            Error,
                            Some(r.seq),
                            format!("Progress after the user pressed Cancel (#{cancel} was answered MAPI_E_USER_CANCEL)"),
                            "stop at Cancel: call Done with a failure status",
                        );
                    }
                }
                Call::Error { hr, .. } => {
                    if hr.is_success() && !hr.is_warning() {
                        add(
                            Error,
                            Some(r.seq),
                            format!("Error called with {hr}, a plain success code"),
                            "an error code, or a warning code such as MAPI_W_PARTIAL_COMPLETION",
                        );
                    }
                }
                Call::Done { event, hr } => {
                    if let Some(expected) = self.done_event {
                        if *event != expected {
                            add(
                                Error,
                                Some(r.seq),
                                format!(
                                    "Done brought back handle {:#x}, not the done event {:#x}",
                                    event.0 as usize, expected.0 as usize
                                ),
                                "Done passes back the handle written through phSyncDoneEvent",
                            );
                        }
                    }
                    if let (Some(cancel), true) = (cancelled_at, hr.is_success()) {
                        add(
                            Error,
                            Some(r.seq),
                            format!("Done with {hr} after the user pressed Cancel at #{cancel}"),
                            "a failure status such as MAPI_E_USER_CANCEL",
                        );
                    }
                    first_done.get_or_insert(r.seq);
                }
                Call::Refused { slot, error } => add(
                    Error,
                    Some(r.seq),
                    format!("{slot} was refused with {}: {error}", error.hresult()),
                    "text within MAX_TEXT_LEN UTF-16 code units",
                ),
            }
            if r.answer == HResult::MAPI_E_USER_CANCEL && cancelled_at.is_none() {
                cancelled_at = Some(r.seq);
            }
        }
        if first_done.is_none() {
            add(
                Error,
                None,
                format!("Done was never called ({} calls recorded)", records.len()),
                "exactly one Done, as the last call",
            );
        }
        Verdict::new(findings, self.strict, records)
    }
}

/// The outcome of a protocol check: the findings, and the call log they are about.
#[derive(Clone, Debug)]
pub struct Verdict {
    findings: Vec<Finding>,
    strict: bool,
    log: Vec<Record>,
}

impl Verdict {
    fn new(findings: Vec<Finding>, strict: bool, log: &[Record]) -> Verdict {
        Verdict {
            findings,
            strict,
            log: log.to_vec(),
        }
    }

    /// Adds a finding only the caller could see (the host's, say).
    pub(crate) fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Every finding, in the order the checker met them.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// True if nothing fails the check: no error, and in strict mode no warning either.
    pub fn passed(&self) -> bool {
        let bar = if self.strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.findings.iter().all(|f| f.severity < bar)
    }

    /// True for a strict check (warnings fail it too).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The findings alone, one per line, without the call log; `no findings` when there are none.
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            return "no findings".to_owned();
        }
        let lines: Vec<String> = self.findings.iter().map(ToString::to_string).collect();
        lines.join("\n")
    }

    /// Panics unless the check [`passed`](Self::passed), with a message that lists each finding
    /// (what happened, where, what was expected) and the whole call log.
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.strict { "strict" } else { "lenient" };
        if self.findings.is_empty() {
            writeln!(f, "protocol check ({mode}): no findings")?;
        } else {
            writeln!(
                f,
                "protocol check ({mode}): {} finding(s)",
                self.findings.len()
            )?;
            for finding in &self.findings {
                writeln!(f, "  {finding}")?;
            }
        }
        writeln!(f, "call log ({} calls):", self.log.len())?;
        for record in &self.log {
            writeln!(f, "  {record}")?;
        }
        Ok(())
    }
}
