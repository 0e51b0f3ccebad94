//! A host problem's one wording: its `Display`, which the test kit's checker and harness reuse
//! for the same rule.

use std::fmt;

use super::HostProblem;
use crate::host::timing::Span;

impl fmt::Display for HostProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostProblem::StartFailed(hr) => write!(f, "SynchronizeInBackground failed with {hr}"),
            HostProblem::NoDoneEvent => {
                f.write_str("SynchronizeInBackground succeeded but wrote no done event")
            }
            HostProblem::DoneEventNotOpen(h) => write!(
                f,
                "the done event {:#x} was not an open event handle when the host took it",
                h.0 as usize
            ),
            HostProblem::StartBlocked { took, timeout } => write!(
                f,
                "SynchronizeInBackground took {} to return, longer than the {} timeout",
                Span(*took),
                Span(*timeout)
            ),
            HostProblem::StartHung { waited, timeout } => write!(
                f,
                "SynchronizeInBackground did not return within {} (the {} timeout and the \
                 grace): the call hung, and the host went on without it",
                Span(*waited),
                Span(*timeout)
            ),
            HostProblem::NotSignalled { timeout, .. } if timeout.is_zero() => f.write_str(
                "the done event was not signalled when SynchronizeInBackground returned (the \
                 timeout is 0: no wait)",
            ),
            HostProblem::NotSignalled { timeout, waited } => write!(
                f,
                "the done event was not signalled within the {} timeout (waited {} from \
                 SynchronizeInBackground's return)",
                Span(*timeout),
                Span(*waited)
            ),
            HostProblem::DoneNeverCalled => f.write_str("Done was never called"),
            HostProblem::DoneCalledTimes(n) => write!(f, "Done was called {n} times, not once"),
            HostProblem::WrongHandle { got, expected } => write!(
                f,
                "Done brought back handle {:#x}, not the done event {:#x}",
                got.0 as usize, expected.0 as usize
            ),
            HostProblem::NullHandleToDone => f.write_str(
                "Done brought back a NULL handle: the provider keeps the done event and must \
                 close it itself",
            ),
            HostProblem::KeptEventNotClosed(h) => write!(
                f,
                "Done brought back NULL, and the provider never closed the done event {:#x} it \
                 kept",
                h.0 as usize
            ),
            HostProblem::Refused { slot, error } => {
                write!(f, "{slot} was refused with {}: {error}", error.hresult())
            }
            HostProblem::CloseFailed(hr) => write!(
                f,
                "closing the done event failed with {hr}: the provider closed a handle it had \
                 handed over"
            ),
            HostProblem::OverReleased(n) => write!(
                f,
                "the provider released the callback {n} time(s) more than it took it (a Release \
                 without its AddRef)"
            ),
            HostProblem::CallbackClosedEvent => f.write_str(
                "the callback closed the done event inside Done; under a host the host closes it",
            ),
            HostProblem::WorkPanicked(message) => write!(
                f,
                "{message}; the worker caught it and reported E_UNEXPECTED through Error and Done"
            ),
            HostProblem::CallAfterRelease { first, calls } => write!(
                f,
                "{calls} call(s) through the callback after the provider had released its last \
                 reference on it (the first a {first}); only the host's own reference kept it alive"
            ),
        }
    }
}
