//! The checker's rules: each one's condition written once, as a predicate that both the rule and
//! the checker's quick walk over what no rule can fault use.

use std::thread::ThreadId;

use super::{Checker, Walk};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::finding::{CatalogEntry, Finding};
use crate::host::report::HostProblem;
use crate::host::timing::count;
use crate::testing::record::{CallRef, Kind, Logged};

/// `index_past_max`: a `Progress` index past its maximum.
#[inline(always)]
pub(super) fn past_max(index: u32, max: u32) -> bool {
    index > max
}

/// `index_backwards`: the index the last `Progress` reached, when this one steps back from it
/// under the same maximum before the maximum was reached (after it, a new pass may start over:
/// the next folder, say).
#[inline(always)]
pub(super) fn steps_back(last: Option<(u32, u32)>, index: u32, max: u32) -> Option<u32> {
    let (last_index, last_max) = last?;
    (last_max == max && index < last_index && last_index < last_max).then_some(last_index)
}

/// A `Progress` no rule about the call itself faults, after `last`: within its maximum, not
/// stepping back.
#[inline(always)]
pub(super) fn sound_progress(last: Option<(u32, u32)>, index: u32, max: u32) -> bool {
    !past_max(index, max) && steps_back(last, index, max).is_none()
}

/// `error_with_success_code`: `Error` with a plain success code (a warning code is allowed).
#[inline(always)]
pub(super) fn plain_success(hr: HResult) -> bool {
    hr.is_success() && !hr.is_warning()
}

/// `done_wrong_handle`, `done_null_handle`: `Done` bringing back another handle than the done
/// event, when the checker knows it (the host's rule, shared).
#[inline(always)]
pub(super) fn done_handle_problem(checker: &Checker, event: Handle) -> Option<HostProblem> {
    HostProblem::done_handle(event, checker.done_event?)
}

/// What a rule sees: one record, its whole call, its thread, and what came before it.
pub(super) struct At<'a> {
    pub(super) checker: &'a Checker,
    pub(super) walk: &'a Walk,
    pub(super) r: &'a Logged,
    pub(super) call: CallRef<'a>,
    pub(super) thread: ThreadId,
}

impl At<'_> {
    /// An occurrence of `entry` about this record.
    fn finding(&self, entry: CatalogEntry, what: String) -> Finding {
        Finding::new(entry, Some(self.r.seq), what)
    }
}

/// A rule about one record, knowing what came before it.
type RecordRule = fn(&At<'_>) -> Option<Finding>;

/// The per-call rules, in the order their findings are listed.
pub(super) const RULES: [RecordRule; 7] = [
    nothing_after_done,
    arguments_are_sound,
    index_moves_forward,
    no_progress_after_cancel,
    done_brings_back_the_event,
    done_fails_after_cancel,
    text_within_bound,
];

/// The finding for a full log, which could not keep `lost` calls.
#[cold]
pub(super) fn log_full(lost: u64) -> Finding {
    Finding::new(
        CatalogEntry::LogFull,
        None,
        format!("the log was full: {lost} later calls were answered but not recorded"),
    )
}

/// The finding for a call made after `SynchronizeInBackground` failed.
#[cold]
pub(super) fn call_after_failed_start(first: &Logged, call: CallRef<'_>) -> Finding {
    Finding::new(
        CatalogEntry::CallAfterFailedStart,
        Some(first.seq),
        format!("{call} after SynchronizeInBackground failed"),
    )
}

/// The finding for a log of `calls` calls without a `Done`.
#[cold]
pub(super) fn done_never_called(calls: usize) -> Finding {
    let problem = HostProblem::DoneNeverCalled;
    Finding::new(
        problem.entry(),
        None,
        format!("{problem} ({} recorded)", count(calls, "call")),
    )
}

/// `done_repeated`, `call_after_done`: exactly one `Done`, and last.
fn nothing_after_done(at: &At<'_>) -> Option<Finding> {
    let At { walk, r, call, .. } = *at;
    let done = walk.first_done?;
    Some(match r.kind {
        Kind::Done { .. } => at.finding(
            CatalogEntry::DoneRepeated,
            format!("Done called again (the first Done was #{done})"),
        ),
        _ => at.finding(
            CatalogEntry::CallAfterDone,
            format!("{call} after Done (Done was #{done})"),
        ),
    })
}

/// What a call says on its own: a `Progress` index within its maximum, an `Error` with an error or
/// warning code. (A record is one or the other, so the findings keep the order of the rules.)
fn arguments_are_sound(at: &At<'_>) -> Option<Finding> {
    Some(match at.r.kind {
        Kind::Progress { index, max, .. } if past_max(index, max) => at.finding(
            CatalogEntry::IndexPastMax,
            format!("ulIndex {index} is past ulIndexMax {max}"),
        ),
        Kind::Error { hr, .. } if plain_success(hr) => at.finding(
            CatalogEntry::ErrorWithSuccessCode,
            format!("Error called with {hr}, a plain success code"),
        ),
        _ => return None,
    })
}

/// A step back mid-pass is suspicious (a warning).
fn index_moves_forward(at: &At<'_>) -> Option<Finding> {
    let Kind::Progress { index, max, .. } = at.r.kind else {
        return None;
    };
    let last_index = steps_back(at.walk.last_progress, index, max)?;
    Some(at.finding(
        CatalogEntry::IndexBackwards,
        format!("ulIndex went back from {last_index} to {index} under the same ulIndexMax {max}"),
    ))
}

/// A thread told of Cancel must stop. Another thread's `Progress` may have been under way when
/// the Cancel was answered, before the provider could pass it on: a warning, never the error.
fn no_progress_after_cancel(at: &At<'_>) -> Option<Finding> {
    let (cancel, told) = at.walk.cancel_seen_by(at.thread)?;
    if !matches!(at.r.kind, Kind::Progress { .. }) {
        return None;
    }
    Some(if told {
        at.finding(
            CatalogEntry::ProgressAfterCancel,
            format!(
                "Progress after the user pressed Cancel (#{cancel} was answered \
                 MAPI_E_USER_CANCEL)"
            ),
        )
    } else {
        at.finding(
            CatalogEntry::ProgressAfterCancelElsewhere,
            format!(
                "Progress after the user pressed Cancel on another thread (#{cancel} was \
                 answered MAPI_E_USER_CANCEL; this thread had not been told)"
            ),
        )
    })
}

/// `Done` brings back the done event; NULL is allowed (a warning: the provider keeps the event
/// and must close it).
fn done_brings_back_the_event(at: &At<'_>) -> Option<Finding> {
    let Kind::Done { event, .. } = at.r.kind else {
        return None;
    };
    let problem = done_handle_problem(at.checker, event)?;
    Some(problem.to_finding(Some(at.r.seq)))
}

/// `Done` after Cancel fails, when its thread was told; from another thread, the work may have
/// been complete before the Cancel reached it: a warning.
fn done_fails_after_cancel(at: &At<'_>) -> Option<Finding> {
    let (cancel, told) = at.walk.cancel_seen_by(at.thread)?;
    let Kind::Done { hr, .. } = at.r.kind else {
        return None;
    };
    if !hr.is_success() {
        return None;
    }
    Some(if told {
        at.finding(
            CatalogEntry::ProgressAfterCancel,
            format!("Done with {hr} after the user pressed Cancel at #{cancel}"),
        )
    } else {
        at.finding(
            CatalogEntry::ProgressAfterCancelElsewhere,
            format!(
                "Done with {hr} after the user pressed Cancel on another thread at #{cancel} \
                 (the thread calling Done had not been told)"
            ),
        )
    })
}

/// `text_refused`: a call refused for its text (the host's rule, shared).
fn text_within_bound(at: &At<'_>) -> Option<Finding> {
    let CallRef::Refused { slot, error } = at.call else {
        return None;
    };
    let problem = HostProblem::Refused {
        slot,
        error: error.clone(),
    };
    Some(problem.to_finding(Some(at.r.seq)))
}
