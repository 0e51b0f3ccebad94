//! The one boundary every exported function enters Rust through, and the out-pointer rules.

use crate::abi::HRESULT;
use crate::core::hresult::HResult;
use crate::core::unwind::catch_or;

/// Runs `body` for an exported function: its value, or `on_panic` when it panicked. A panic
/// never unwinds into the C caller (which would abort the process), whatever its payload; the
/// panic hook has already reported it on stderr.
#[inline]
pub(super) fn boundary<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_or(on_panic, body)
}

/// [`boundary`] for a function that returns an HRESULT: `Ok` is `S_OK` (or the success code it
/// carries), `Err` its code, a panic `E_UNEXPECTED`.
#[inline]
pub(super) fn hresult(body: impl FnOnce() -> Result<HResult, HResult>) -> HRESULT {
    match boundary(Err(HResult::E_UNEXPECTED), body) {
        Ok(hr) | Err(hr) => hr.0,
    }
}

/// `Err(E_POINTER)` for a null required pointer.
#[inline]
pub(super) fn required<T>(ptr: *const T) -> Result<(), HResult> {
    if ptr.is_null() {
        Err(HResult::E_POINTER)
    } else {
        Ok(())
    }
}

/// Checks an out-pointer and clears it: a null `out` is `E_POINTER`; otherwise `*out` is NULL
/// until the function stores its result, so a failure leaves NULL there.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[inline]
pub(super) unsafe fn clear_out<T>(out: *mut *mut T) -> Result<(), HResult> {
    required(out)?;
    // SAFETY: non-null, and writable by the caller's guarantee.
    unsafe { out.write(core::ptr::null_mut()) };
    Ok(())
}

/// Frees what an exported constructor handed out with `Box::into_raw`: its destructor runs inside
/// the boundary (a panic in it is swallowed, the memory still freed). NULL is a no-op.
///
/// # Safety
///
/// `ptr` is null or came from `Box::into_raw` of a `Box<T>` and is not used after this call.
pub(super) unsafe fn free_boxed<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: made by `Box::into_raw`, and given back once, by the caller's guarantee.
    let boxed = unsafe { Box::from_raw(ptr) };
    boundary((), move || drop(boxed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_e_unexpected_and_the_fallback() {
        assert_eq!(hresult(|| panic!("inside")), HResult::E_UNEXPECTED.0);
        assert_eq!(boundary(7usize, || panic!("inside")), 7);
        assert_eq!(hresult(|| Ok(HResult::S_FALSE)), HResult::S_FALSE.0);
        assert_eq!(hresult(|| Err(HResult::E_HANDLE)), HResult::E_HANDLE.0);
    }

    #[test]
    fn out_pointers_are_checked_and_cleared() {
        // SAFETY: null is allowed.
        let null = unsafe { clear_out::<u8>(core::ptr::null_mut()) };
        assert_eq!(null, Err(HResult::E_POINTER));
        let mut out: *mut u8 = 8 as *mut u8;
        // SAFETY: `out` is a live local.
        unsafe { clear_out(&mut out) }.unwrap();
        assert!(out.is_null());
    }

    #[test]
    fn a_boxed_object_is_dropped_once_even_when_its_drop_panics() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static DROPS: AtomicUsize = AtomicUsize::new(0);
        struct Counted(bool);
        impl Drop for Counted {
            fn drop(&mut self) {
                DROPS.fetch_add(1, Ordering::SeqCst);
                assert!(!self.0, "a destructor that panics");
            }
        }
        // SAFETY: null is a no-op.
        unsafe { free_boxed::<Counted>(core::ptr::null_mut()) };
        assert_eq!(DROPS.load(Ordering::SeqCst), 0);
        // SAFETY: each pointer comes from `Box::into_raw` and is not used again.
        unsafe { free_boxed(Box::into_raw(Box::new(Counted(false)))) };
        assert_eq!(DROPS.load(Ordering::SeqCst), 1);
        // SAFETY: as above; the panic stays inside the boundary.
        unsafe { free_boxed(Box::into_raw(Box::new(Counted(true)))) };
        assert_eq!(DROPS.load(Ordering::SeqCst), 2);
    }
}
