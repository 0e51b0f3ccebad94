//! `Unknown`: an owned reference to any COM object, seen through IUnknown.

use core::ptr::NonNull;

use crate::abi;
use crate::core::ptr::ComPtr;

/// An owned reference to any COM object, seen through `IUnknown`: the MAPI session of a
/// `MAPISIB` (`psesSync`), which this crate passes along without calling. `Clone` is `AddRef`,
/// `Drop` is `Release`.
///
/// ```
/// use mapisync::testing::Silent;
/// use mapisync::{ProgressCallback, Unknown};
///
/// let callback = ProgressCallback::new(Silent);
/// // SAFETY: `callback` is a live COM object that holds a reference for the call.
/// let unknown = unsafe { Unknown::from_borrowed(callback.as_unknown()) }.unwrap();
/// assert_eq!(unknown.as_raw(), callback.as_unknown());
/// ```
#[derive(Clone, Debug)]
pub struct Unknown {
    ptr: ComPtr<abi::IUnknown>,
}

impl Unknown {
    /// Adopts one reference the caller owned; `None` for a null pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is null or a live COM object callable from any thread on which the caller owns one
    /// reference, which passes to the result.
    pub unsafe fn from_raw(ptr: *mut abi::IUnknown) -> Option<Unknown> {
        NonNull::new(ptr).map(|ptr| {
            // SAFETY: the caller's guarantee is `adopt`'s.
            let ptr = unsafe { ComPtr::adopt(ptr) };
            Unknown { ptr }
        })
    }

    /// Takes a reference of its own (`AddRef`) on an object the caller only borrows; `None` for a
    /// null pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is null or a live COM object callable from any thread on which the caller holds a
    /// reference for the duration of the call.
    pub unsafe fn from_borrowed(ptr: *mut abi::IUnknown) -> Option<Unknown> {
        // SAFETY: the caller holds a reference, so borrowing it as ours and cloning is an AddRef
        // on a live object; the borrowed copy is forgotten, never released.
        unsafe { Unknown::from_raw(ptr) }.map(|borrowed| {
            let owned = borrowed.clone();
            core::mem::forget(borrowed);
            owned
        })
    }

    /// The pointer, still owned by `self`.
    pub fn as_raw(&self) -> *mut abi::IUnknown {
        self.ptr.as_raw()
    }

    /// Gives the reference away without releasing it.
    pub fn into_raw(self) -> *mut abi::IUnknown {
        self.ptr.into_raw()
    }
}
