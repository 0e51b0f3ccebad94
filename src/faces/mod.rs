//! The faces: the crate seen from other ecosystems.

#[cfg(feature = "windows-core")]
pub mod windows;
