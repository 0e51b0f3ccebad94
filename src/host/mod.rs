//! What a provider and a host build on, over the interfaces: event handles, the worker that runs a
//! provider's synchronization and keeps the protocol, and the simulated Outlook that drives
//! `SynchronizeInBackground`.

pub(crate) mod event;
pub(crate) mod finding;
pub(crate) mod report;
pub(crate) mod simulated;
pub(crate) mod spared;
pub(crate) mod starter;
pub(crate) mod timing;
pub(crate) mod watcher;
pub(crate) mod worker;
