//! One file per COM interface: the Rust trait that implements it, the `extern "system"` thunks
//! that enter that trait safely, and the owning smart pointer that calls any object exposing it.

pub(crate) mod progress_callback;
pub(crate) mod sync;
pub(crate) mod unknown;

#[cfg(all(test, loom))]
mod loom_tests;
