//! A test kit for store-provider logic: run a provider off Windows and find out whether it reports
//! progress sensibly, honours Cancel, reports errors, calls `Done` exactly once and releases
//! everything it took.
//!
//! - [`RecordingCallback`]: an Outlook-side callback that logs every call (order, thread, text as
//!   code units) and answers by [`Script`] — `MAPI_E_USER_CANCEL` from the 3rd `Progress` on, say.
//! - [`Checker`]: the protocol rules, with [`Finding`]s that say what happened, where, and what
//!   was expected; [`Verdict::assert_passed`] turns them into a test failure. Every finding is
//!   an occurrence of one entry of the [`catalog`], with a stable code explained in
//!   `docs/findings.md`.
//! - [`Expect`]: "progress 1..=10 of 10, then done S_OK", with a diff on failure.
//! - [`Silent`]: a callback that answers `S_OK` to everything and records nothing.
//! - [`SyncTest`]: all of it around a [`SimulatedHost`](crate::SimulatedHost) in one call, and
//!   [`SyncRun::assert_released`] for the references and handles left behind.
//! - [`Explore`]: the provider under every host behaviour that matters (Cancel at each
//!   `Progress`, Cancel and a failure at each `Error`, a failure at `Done`, seeded random
//!   scripts), each failure shrunk to the smallest [`Script`], printed as the code that replays
//!   it.
//!
//! The guide in `docs/testing-store-providers.md` walks through a first test;
//! `docs/architecture.md` ("The kit by stage") says where each stage lives.

mod artifact;
mod checker;
mod clock;
mod diff;
mod expect;
mod explore;
mod harness;
mod leak;
mod log;
mod record;
mod recorder;
mod script;
mod silent;
mod timeline;
mod verdict;

pub use checker::Checker;
pub use expect::Expect;
pub use explore::{Exploration, Explore, ExploreFailure, ExploreProgress};
pub use harness::{SyncRun, SyncTest};
pub use leak::Leak;
pub use record::{Call, Record, Text};
pub use recorder::RecordingCallback;
pub use script::Script;
pub use silent::Silent;
pub use verdict::Verdict;

pub use crate::host::finding::{catalog, CatalogEntry, Finding, Severity};
