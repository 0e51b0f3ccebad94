//! The atomics the reference count is built on, named in one place so that the loom model checker
//! can stand in for them.
//!
//! A normal build uses `core`'s atomics. Under `RUSTFLAGS="--cfg loom"` the same names come from
//! [loom](https://docs.rs/loom), which runs the models in `loom_tests.rs` under every interleaving
//! and memory ordering the C++11 memory model allows, so a wrong `Ordering` in the count (a
//! Relaxed `Release`, a missing Acquire fence) fails a test instead of corrupting memory one run
//! in a million.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicU32, Ordering};

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{fence, AtomicU32, Ordering};
