//! Findings: every problem the kit can report, from one catalog.
//!
//! Each problem the protocol checker, the simulated host, the leak accounting, an exploration or
//! the C API can report is one [`CatalogEntry`]: a stable snake_case code, a [`Severity`], a
//! summary, what the protocol expects instead, and who can see it (the calls, the host, or only
//! the accounting after the run). A [`Finding`] is one occurrence of an entry: the entry's code,
//! severity and expectation, the record it is about, and what happened in this run's words.
//! `docs/findings.md` explains every code under a heading of the same name.
//!
//! # Adding an entry
//!
//! One line in the `catalog_table!` table of [`catalog`](self::catalog) makes the entry: its name, code,
//! severity, who sees it, summary and expectation; nothing else needs to know of it. Then:
//!
//! - where the problem is found, make the finding with [`Finding::new`] (or, for what the host
//!   observes, a `HostProblem` variant whose `entry` arm names the new entry: its `Display` is the
//!   finding's wording);
//! - give the code a section in `docs/findings.md` (`tests/kit/findings_catalog.rs` fails until
//!   every code has one and every section is a code).
//!
//! The host reports it, `SyncRun` adds it to the verdict when only the host can see it (or leaves
//! it to the leak accounting), and the C API and every report print its code, with no other
//! change.

mod catalog;

use std::fmt;

pub(crate) use self::catalog::Seen;
pub use self::catalog::{catalog, CatalogEntry};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Suspicious but allowed: fails only a strict check.
    Warning,
    /// Against the protocol: fails every check.
    Error,
}

impl Severity {
    /// `warning` or `error`, as findings print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the kit noticed: which catalog entry, what happened, where in the sequence, what
/// was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters: the entry's severity.
    pub severity: Severity,
    /// The record it is about (`None` for the sequence as a whole).
    pub seq: Option<u64>,
    /// What happened.
    pub what: String,
    /// What the protocol expects instead: the entry's expectation.
    pub expected: String,
    /// The catalog entry this is an occurrence of.
    entry: CatalogEntry,
}

impl Finding {
    /// An occurrence of `entry` about record `seq` (or the run as a whole), saying `what`
    /// happened; severity and expectation are the entry's.
    pub(crate) fn new(entry: CatalogEntry, seq: Option<u64>, what: String) -> Finding {
        Finding {
            severity: entry.severity(),
            seq,
            what,
            expected: entry.expected().to_owned(),
            entry,
        }
    }

    /// The catalog entry's code: snake_case, stable across releases, explained (what it means,
    /// why it matters in a real Outlook, how to fix it) in `docs/findings.md` under a heading of
    /// the same name.
    pub fn code(&self) -> &'static str {
        self.entry.code()
    }

    /// The catalog entry this finding is an occurrence of.
    pub fn entry(&self) -> CatalogEntry {
        self.entry
    }
}

impl fmt::Display for Finding {
    /// `error[call_after_done] at #5: Progress 2/2 after Done (Done was #3); expected: ...`,
    /// without ` at #5` for a finding about the run as a whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code())?;
        if let Some(seq) = self.seq {
            write!(f, " at #{seq}")?;
        }
        write!(f, ": {}; expected: {}", self.what, self.expected)
    }
}
