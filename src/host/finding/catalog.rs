//! The catalog itself: one line per problem the kit can report.

use std::fmt;

use super::Severity;

/// Who can see a problem: where a run's findings about it come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// In the calls the provider made: the protocol checker judges the call log (the host, which
    /// sees the same calls, reports it too when it runs alone).
    Calls,
    /// Only by the host (or the kit around it): the start, the done event, what the provider's
    /// work did beyond its calls.
    Host,
    /// Only after the run, when what the provider left behind is counted (with a grace).
    AfterRun,
}

/// Writes the catalog: the enum, its list, and each entry's code, severity, summary, expectation
/// and who sees it, from one table.
macro_rules! catalog_table {
    ($($name:ident: $code:literal, $severity:ident, $seen:ident, $summary:literal, $expected:literal;)*) => {
        /// One entry of the catalog of everything the kit can report: a stable code, a
        /// severity, a summary and what the protocol expects instead. Every
        /// [`Finding`](super::Finding) is an occurrence of one; [`catalog`] lists them all.
        ///
        /// ```
        /// use mapisync::testing::{catalog, CatalogEntry, Severity};
        ///
        /// let entry = CatalogEntry::from_code("progress_after_cancel").unwrap();
        /// assert_eq!(entry.severity(), Severity::Error);
        /// assert!(catalog().contains(&entry));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CatalogEntry {
            $(#[doc = $summary] $name,)*
        }

        /// Every entry, in the order of the table.
        const ENTRIES: &[CatalogEntry] = &[$(CatalogEntry::$name,)*];

        impl CatalogEntry {
            /// The entry's code: snake_case, stable across releases, the heading of its section
            /// in `docs/findings.md`.
            pub fn code(self) -> &'static str {
                match self {
                    $(CatalogEntry::$name => $code,)*
                }
            }

            /// How much an occurrence matters.
            pub fn severity(self) -> Severity {
                match self {
                    $(CatalogEntry::$name => Severity::$severity,)*
                }
            }

            /// What the entry is about, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(CatalogEntry::$name => $summary,)*
                }
            }

            /// What the protocol expects instead.
            pub fn expected(self) -> &'static str {
                match self {
                    $(CatalogEntry::$name => $expected,)*
                }
            }

            /// Who can see an occurrence.
            pub(crate) fn seen(self) -> Seen {
                match self {
                    $(CatalogEntry::$name => Seen::$seen,)*
                }
            }
        }
    };
}

catalog_table! {
    // The calls, as the protocol checker judges them.
    ProgressAfterCancel: "progress_after_cancel", Error, Calls,
        "a Progress, or a successful Done, on a thread that was told of the user's Cancel",
        "stop at Cancel: no more Progress, and Done with a failure status such as MAPI_E_USER_CANCEL";
    ProgressAfterCancelElsewhere: "progress_after_cancel_elsewhere", Warning, Calls,
        "a Progress, or a successful Done, after a Cancel answered on another thread",
        "Cancel passed on to every thread (a call already under way may cross it, and work complete before the Cancel reached it may end with S_OK)";
    DoneMissing: "done_missing", Error, Calls,
        "Done never came",
        "exactly one Done, as the last call";
    DoneRepeated: "done_repeated", Error, Calls,
        "Done came more than once",
        "exactly one Done, as the last call";
    CallAfterDone: "call_after_done", Error, Calls,
        "a Progress or Error after Done",
        "nothing after Done: exactly one Done, as the last call";
    IndexPastMax: "index_past_max", Error, Calls,
        "a Progress whose ulIndex is past its ulIndexMax",
        "ulIndex <= ulIndexMax";
    IndexBackwards: "index_backwards", Warning, Calls,
        "ulIndex went back under the same ulIndexMax before reaching it",
        "an index that only moves forward while the maximum stays";
    ErrorWithSuccessCode: "error_with_success_code", Error, Calls,
        "Error called with a plain success code (S_OK, S_FALSE)",
        "an error code, or a warning code such as MAPI_W_PARTIAL_COMPLETION";
    DoneWrongHandle: "done_wrong_handle", Error, Calls,
        "Done brought back another handle than the done event",
        "Done passes back the handle written through phSyncDoneEvent";
    DoneNullHandle: "done_null_handle", Warning, Calls,
        "Done brought back NULL: the provider keeps the done event and must close it itself",
        "the done event's handle passed to Done, so that the host can close it";
    TextRefused: "text_refused", Error, Calls,
        "a call refused before it reached the callback: its text was over MAX_TEXT_LEN",
        "text within MAX_TEXT_LEN UTF-16 code units";
    LogFull: "log_full", Error, Calls,
        "a bounded recording log was full: later calls were answered but not recorded",
        "a log large enough for every call (RecordingCallback::new is unbounded)";
    CallAfterFailedStart: "call_after_failed_start", Error, Calls,
        "a call on the callback after SynchronizeInBackground failed",
        "no call at all: a failed start has no synchronization to report";
    // What only the host, or the kit around it, sees.
    StartFailed: "start_failed", Error, Host,
        "SynchronizeInBackground returned a failure",
        "S_OK, with the done event written";
    DoneEventMissing: "done_event_missing", Error, Host,
        "SynchronizeInBackground succeeded without writing a handle through phSyncDoneEvent",
        "a done event's handle through phSyncDoneEvent";
    DoneEventNotOpen: "done_event_not_open", Error, Host,
        "the handle written through phSyncDoneEvent was not an open event when the host took it",
        "an open event, left open until Done hands it back";
    StartBlocked: "start_blocked", Warning, Host,
        "SynchronizeInBackground returned, but only after the host's timeout",
        "SynchronizeInBackground returns at once and does the work in the background";
    StartHung: "start_hung", Error, Host,
        "SynchronizeInBackground did not return within the host's timeout",
        "SynchronizeInBackground returns at once and does the work in the background";
    EventNotSignalled: "event_not_signalled", Error, Host,
        "the done event was not signalled within the host's timeout",
        "the event signalled when the synchronization thread completes";
    EventClosedByCallback: "event_closed_by_callback", Warning, Host,
        "the callback under the host closed the done event inside Done (about the callback, not the provider)",
        "a callback under a host leaves the done event to the host";
    WorkPanicked: "work_panicked", Error, Host,
        "the provider's SyncWorker work panicked (caught before the ABI, still a bug)",
        "work that returns its failures as Err and never panics";
    CallAfterRelease: "call_after_release", Error, Host,
        "a call through the callback after the provider had released its last reference on it",
        "a reference held (AddRef) for as long as the callback is called, released after the last call";
    ScenarioTimedOut: "scenario_timed_out", Error, Host,
        "an exploration's scenario did not finish within its deadline",
        "Done and the done event signalled within the per-scenario timeout";
    NoSyncInterface: "no_imapisync", Error, Host,
        "the store object does not expose IMAPISync",
        "IMAPISync on the store object";
    ProviderCrashed: "provider_crashed", Error, Host,
        "the provider crashed the process during a scenario",
        "failures returned as HRESULTs through Error and Done: a provider never crashes its host";
    // What the provider left behind, counted after the run.
    ReferenceLeaked: "reference_leaked", Error, AfterRun,
        "the provider still holds references on the callback after the run",
        "every reference taken on the callback released once the synchronization is done";
    OverReleased: "over_released", Error, AfterRun,
        "the provider released the callback more times than it took it",
        "one Release for each reference taken, and no more";
    EventLeftOpen: "event_left_open", Error, AfterRun,
        "an event the provider passed to Done is still open: nobody owns it any more",
        "the done event passed to Done, and closed by the host";
    EventClosedByProvider: "event_closed_by_provider", Error, AfterRun,
        "the host could not close the done event: the provider closed a handle it had handed over",
        "the done event left open for the host once Done has handed it over";
    KeptEventNotClosed: "kept_event_not_closed", Error, AfterRun,
        "Done brought back NULL and the provider never closed the done event it kept",
        "a provider that passes NULL to Done closes the done event itself";
}

/// Every entry of the catalog, each once: what the kit can report.
///
/// ```
/// use mapisync::testing::catalog;
///
/// for entry in catalog() {
///     println!("{:<32} {:<7} {}", entry.code(), entry.severity(), entry.summary());
/// }
/// assert!(catalog().iter().any(|e| e.code() == "done_missing"));
/// ```
pub fn catalog() -> &'static [CatalogEntry] {
    ENTRIES
}

impl CatalogEntry {
    /// The entry with this code, if there is one.
    pub fn from_code(code: &str) -> Option<CatalogEntry> {
        ENTRIES.iter().copied().find(|e| e.code() == code)
    }
}

impl fmt::Display for CatalogEntry {
    /// The code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        for (i, entry) in ENTRIES.iter().enumerate() {
            let code = entry.code();
            assert!(
                !code.is_empty()
                    && code.starts_with(|c: char| c.is_ascii_lowercase())
                    && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            assert!(
                ENTRIES[..i].iter().all(|e| e.code() != code),
                "{code} twice"
            );
            assert_eq!(CatalogEntry::from_code(code), Some(*entry));
        }
    }
}
