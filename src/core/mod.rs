//! The core every interface is built on: status codes and errors, the small value types, the
//! reference-counted object block and its owning pointer, the panic boundary for thunks, and
//! bounded reading of wide strings. It depends on [`abi`](crate::abi) only.

pub(crate) mod atomics;
pub(crate) mod error;
pub(crate) mod guid;
pub(crate) mod handle;
pub(crate) mod hresult;
pub(crate) mod object;
pub(crate) mod ptr;
pub(crate) mod refcount;
pub(crate) mod sync_flags;
pub(crate) mod text;
pub(crate) mod unwind;

#[cfg(all(test, loom))]
pub(crate) mod loom_tests;
