//! The crate seen from elsewhere: thin skins over the layers below, never a second
//! implementation.

#[cfg(feature = "capi")]
mod capi;

#[cfg(feature = "windows-core")]
pub mod windows;
