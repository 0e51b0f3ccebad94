//! `Leak`: what a provider left behind after a run, or let go of once too often.

use std::fmt;

use crate::core::handle::Handle;
use crate::host::finding::{CatalogEntry, Finding};
use crate::host::report::HostProblem;

/// Something a provider left behind, or let go of once too often; `Display` says it in words.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Leak {
    /// References on the callback the provider still holds.
    References(u32),
    /// An event passed to `Done` that is still open: nobody owns it any more.
    EventLeftOpen(Handle),
    /// What the host found: a done event closed by the provider after handing it over, one the
    /// provider kept (`Done(NULL)`) and never closed, or a Release too many.
    Host(HostProblem),
}

impl Leak {
    /// The catalog entry this is an occurrence of (`reference_leaked`, say).
    pub fn entry(&self) -> CatalogEntry {
        match self {
            Leak::References(_) => CatalogEntry::ReferenceLeaked,
            Leak::EventLeftOpen(_) => CatalogEntry::EventLeftOpen,
            Leak::Host(problem) => problem.entry(),
        }
    }

    /// The catalog entry's code.
    pub fn code(&self) -> &'static str {
        self.entry().code()
    }

    /// The finding this leak is: its entry, in its words, about the run as a whole.
    pub fn to_finding(&self) -> Finding {
        Finding::new(self.entry(), None, self.to_string())
    }

    /// True for what a provider may still be letting go of, just after signalling.
    pub(crate) fn may_resolve(&self) -> bool {
        matches!(self, Leak::References(_) | Leak::EventLeftOpen(_))
    }
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Leak::References(n) => write!(
                f,
                "the provider still holds {n} reference(s) on the callback (an AddRef or a clone \
                 without its Release)"
            ),
            Leak::EventLeftOpen(h) => write!(
                f,
                "event {:#x}, passed to Done, is still open: nobody owns it any more",
                h.0 as usize
            ),
            Leak::Host(problem) => problem.fmt(f),
        }
    }
}
