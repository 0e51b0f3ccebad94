//! The one place a call from across the ABI enters Rust code that may fail or panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::abi::HRESULT;
use crate::core::error::{Error, Result};
use crate::core::hresult::HResult;

/// Runs `body` for a thunk and turns its outcome into the HRESULT that goes back across the ABI:
/// `Ok` is `S_OK`, `Err(e)` is `e.hresult()`, and a panic is `E_UNEXPECTED`.
///
/// A panic never unwinds into a foreign frame (which would abort the process). The panic hook has
/// already reported it on stderr by the time this returns.
#[inline]
pub(crate) fn guard(body: impl FnOnce() -> Result<()>) -> HRESULT {
    // AssertUnwindSafe: implementations are reached through `&self` only (they are Sync), so a
    // panic can leave no `&mut` state half-updated that this frame would observe afterwards; any
    // lock an implementation holds is its own to poison or not.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => HResult::S_OK.0,
        Ok(Err(error)) => failed(error),
        Err(_) => HResult::E_UNEXPECTED.0,
    }
}

/// The HRESULT for an `Err`, out of line: the success path of every thunk stays a test and a
/// return, with no room taken by the error's conversion and drop.
#[cold]
#[inline(never)]
fn failed(error: Error) -> HRESULT {
    error.hresult().0
}
