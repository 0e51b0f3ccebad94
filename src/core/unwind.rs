//! The panic boundary: the one place Rust code that may panic is entered from across the ABI (a
//! thunk, the last Release's destructor, a worker's work), and where a caught panic's payload is
//! read and disposed of.
//!
//! A payload is any `Box<dyn Any + Send>`, and its destructor is user code that may itself panic,
//! even with a payload that panics in turn. Dropping it carelessly in an `extern "system"` frame
//! aborts the process, so every payload goes through [`dispose`]: dropped inside a boundary of its
//! own, and so is a payload thrown by that drop, a few levels deep; past that, the payload is
//! leaked, never dropped. A few bytes leaked is better than an abort.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::abi::HRESULT;
use crate::core::error::{Error, Result};
use crate::core::hresult::HResult;

/// A caught panic's payload.
type Payload = Box<dyn Any + Send>;

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
        Err(payload) => panicked(payload),
    }
}

/// The HRESULT for an `Err`, out of line: the success path of every thunk stays a test and a
/// return, with no room taken by the error's conversion and drop.
#[cold]
#[inline(never)]
fn failed(error: Error) -> HRESULT {
    error.hresult().0
}

/// The HRESULT for a panic, after disposing of its payload; out of line, as for [`failed`].
#[cold]
#[inline(never)]
fn panicked(payload: Payload) -> HRESULT {
    dispose(payload);
    HResult::E_UNEXPECTED.0
}

/// Runs `body`, a destructor on its way out of a Release: a panic is swallowed (its payload
/// disposed of), since there is nobody to tell but the panic hook, which already has.
pub(crate) fn guard_drop(body: impl FnOnce()) {
    // After a panic nothing `body` touched is used again: the caller frees it.
    catch_or((), body);
}

/// Runs `body` and returns its value, or `on_panic` when it panicked (the payload disposed of):
/// the boundary of an exported C function.
#[inline]
pub(crate) fn catch_or<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: as in `guard`; state is reached through shared references or locks.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            dispose(payload);
            on_panic
        }
    }
}

/// Runs `body`; a panic becomes [`Error::Panicked`], naming `method` and keeping the payload's
/// text, and the payload is disposed of.
pub(crate) fn catch<R>(method: &'static str, body: impl FnOnce() -> R) -> Result<R> {
    // AssertUnwindSafe: the caller only reports the panic afterwards; it reads no state the body
    // may have left half-updated.
    catch_unwind(AssertUnwindSafe(body)).map_err(|payload| {
        let message = message(payload.as_ref());
        dispose(payload);
        Error::Panicked { method, message }
    })
}

/// The text of a payload: what `panic!` with a message carries (`&str` or `String`).
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic payload that is not text".to_owned()
    }
}

/// Drops a payload without letting its destructor's panic escape. A destructor that panics
/// throws a new payload, which is disposed of in turn, up to [`DISPOSE_DEPTH`] deep; one still
/// panicking after that is leaked, never dropped, so nothing unwinds out of here.
#[cold]
#[inline(never)]
fn dispose(mut payload: Payload) {
    for _ in 0..DISPOSE_DEPTH {
        match catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            Ok(()) => return,
            Err(again) => payload = again,
        }
    }
    core::mem::forget(payload);
}

/// How many payloads thrown by payloads' destructors [`dispose`] drops before it leaks one.
const DISPOSE_DEPTH: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::panic_any;

    /// A payload whose destructor panics with another of its kind, `.0` more times, then with text.
    struct Bomb(u32);

    impl Drop for Bomb {
        fn drop(&mut self) {
            if self.0 > 0 {
                panic_any(Bomb(self.0 - 1));
            }
            panic!("dropped");
        }
    }

    #[test]
    fn every_boundary_survives_a_payload_that_panics_when_dropped() {
        assert_eq!(
            guard(|| panic_any(Bomb(2))),
            HResult::E_UNEXPECTED.0,
            "thunks"
        );
        guard_drop(|| panic_any(Bomb(2)));
        assert_eq!(catch_or(7, || panic_any(Bomb(2))), 7);
        let err = catch("work", || -> () { panic_any(Bomb(2)) }).unwrap_err();
        assert_eq!(err.hresult(), HResult::E_UNEXPECTED);
    }

    /// A payload whose destructor always throws another.
    struct Endless;

    impl Drop for Endless {
        fn drop(&mut self) {
            panic_any(Endless);
        }
    }

    #[test]
    // By design it leaks the last payload of the chain, which Miri's leak check reports.
    #[cfg_attr(miri, ignore)]
    fn an_endless_chain_of_payloads_is_cut_short() {
        assert_eq!(guard(|| panic_any(Endless)), HResult::E_UNEXPECTED.0);
        guard_drop(|| panic_any(Endless));
    }

    #[test]
    fn the_message_is_kept() {
        let err = catch("the work", || -> () { panic!("no route to {}", "host") }).unwrap_err();
        assert_eq!(err.to_string(), "the work panicked: no route to host");
        let err = catch("the work", || -> () { panic!("static") }).unwrap_err();
        assert_eq!(err.to_string(), "the work panicked: static");
        let err = catch("the work", || -> () { panic_any(7_u8) }).unwrap_err();
        assert!(err.to_string().contains("not text"), "{err}");
        assert_eq!(catch("the work", || 5), Ok(5));
    }
}
