//! The C API (feature `capi`): the functions `include/mapisync.h` declares, one file per C object.
//!
//! Every function is `extern "C"`, enters Rust through [`boundary`] (a panic becomes
//! `E_UNEXPECTED`, never an unwind into C), checks its arguments before touching anything
//! (`E_POINTER` for a null required pointer, `E_INVALIDARG` for another bad argument, `E_HANDLE`
//! for a handle that is not an open event), and on failure writes nothing but NULL through its
//! out-pointers. Behind them are the crate's own objects: [`Event`](crate::Event), the
//! reference-counted object block, and the test kit's `RecordingCallback` and `SyncTest`.
//!
//! `cargo cinstall --release --prefix P` builds this module into `libmapisync` (static and shared)
//! with `mapisync.pc` and the headers; docs/c-and-cpp.md is the guide.

mod boundary;
mod callback;
mod event;
mod expect;
mod exploration;
mod explore;
mod finding;
mod record;
mod recorder;
mod run;
mod version;
