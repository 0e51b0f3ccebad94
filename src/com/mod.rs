//! The core every interface is built on: the object block and its reference count, the panic
//! guard for thunks, and bounded reading of wide strings.

pub(crate) mod object;
pub(crate) mod ptr;
pub(crate) mod refcount;
pub(crate) mod sync;
pub(crate) mod text;
pub(crate) mod unwind;

#[cfg(all(test, loom))]
mod loom_tests;
