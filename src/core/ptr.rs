//! `ComPtr`: the owning interface pointer behind every public smart pointer of the crate.

use core::ffi::c_void;
use core::ptr::{self, NonNull};

use crate::abi::{self, GUID};
use crate::core::error::{Error, Result};
use crate::core::hresult::HResult;

/// An abi interface struct: `#[repr(C)]`, holding only a pointer to its vtable, whose first three
/// slots are IUnknown's.
///
/// # Safety
///
/// Implementors are exactly such structs, `Vtbl` is their vtable type, and `IID` their IID.
pub(crate) unsafe trait Interface {
    /// The vtable the struct points to.
    type Vtbl;
    /// The interface's IID.
    const IID: GUID;
}

// SAFETY: each is the abi struct of the named interface, holding only its vtable pointer; every
// vtable begins with QueryInterface, AddRef, Release.
unsafe impl Interface for abi::IUnknown {
    type Vtbl = abi::IUnknownVtbl;
    const IID: GUID = abi::IID_IUnknown;
}
// SAFETY: as above.
unsafe impl Interface for abi::IMAPISyncProgressCallback {
    type Vtbl = abi::IMAPISyncProgressCallbackVtbl;
    const IID: GUID = abi::IID_IMAPISyncProgressCallback;
}
// SAFETY: as above.
unsafe impl Interface for abi::IMAPISync {
    type Vtbl = abi::IMAPISyncVtbl;
    const IID: GUID = abi::IID_IMAPISync;
}

/// One owned reference to a COM object seen through interface `I`. Clone = AddRef, Drop = Release.
pub(crate) struct ComPtr<I: Interface>(NonNull<I>);

// SAFETY: every interface this crate handles must be callable from any thread (the reference
// requires it of IMAPISyncProgressCallback, and the adopting constructors make it part of their
// contract for every interface); the count is the object's own, thread-safe by the COM rules.
unsafe impl<I: Interface> Send for ComPtr<I> {}
// SAFETY: as above; shared access only calls the object's thread-safe slots.
unsafe impl<I: Interface> Sync for ComPtr<I> {}

impl<I: Interface> ComPtr<I> {
    /// Wraps a reference the caller already owns.
    ///
    /// # Safety
    ///
    /// `ptr` points to a live object exposing `I`, callable from any thread, and the caller owns
    /// one reference on it, which passes to the result.
    pub(crate) unsafe fn adopt(ptr: NonNull<I>) -> Self {
        ComPtr(ptr)
    }

    /// QueryInterface `unk` for `I`, owning the reference it returns; `unk`'s own reference is
    /// left alone. `what` names the pointer in errors.
    ///
    /// # Safety
    ///
    /// `unk` is null or a live COM object on which the caller holds a reference, and what it
    /// returns for `I` is callable from any thread.
    pub(crate) unsafe fn query(unk: *mut abi::IUnknown, what: &'static str) -> Result<Self> {
        if unk.is_null() {
            return Err(Error::NullPointer { what });
        }
        let mut out: *mut c_void = ptr::null_mut();
        // SAFETY: `unk` is a live COM object by the caller's guarantee; `out` is a valid slot.
        let hr = unsafe { ((*(*unk).lpVtbl).QueryInterface)(unk, &I::IID, &mut out) };
        HResult(hr).ok()?;
        match NonNull::new(out.cast::<I>()) {
            // SAFETY: a successful QueryInterface handed us one reference on an object exposing
            // `I`; thread-safety is the caller's guarantee.
            Some(ptr) => Ok(unsafe { ComPtr::adopt(ptr) }),
            None => Err(Error::NullPointer {
                what: "interface returned by a successful QueryInterface",
            }),
        }
    }

    /// The interface pointer, still owned by `self`.
    pub(crate) fn as_raw(&self) -> *mut I {
        self.0.as_ptr()
    }

    /// The same object seen as IUnknown (the first slots of every interface), still owned.
    pub(crate) fn as_unknown(&self) -> *mut abi::IUnknown {
        self.0.as_ptr().cast()
    }

    /// Gives the reference away without releasing it.
    pub(crate) fn into_raw(self) -> *mut I {
        core::mem::ManuallyDrop::new(self).0.as_ptr()
    }

    /// The object's vtable.
    pub(crate) fn vtbl(&self) -> &I::Vtbl {
        // SAFETY: `I` is a `#[repr(C)]` struct whose only field is the vtable pointer (the
        // `Interface` contract); `self` owns a reference, so the object and its vtable are alive,
        // and vtables are never written after the object is made.
        unsafe { &**self.0.as_ptr().cast::<*const I::Vtbl>() }
    }

    fn unknown_vtbl(&self) -> &abi::IUnknownVtbl {
        // SAFETY: as in `vtbl`; every vtable begins with IUnknown's three slots, laid out exactly
        // as `IUnknownVtbl`.
        unsafe { &**self.0.as_ptr().cast::<*const abi::IUnknownVtbl>() }
    }
}

impl<I: Interface> Clone for ComPtr<I> {
    /// `AddRef`.
    fn clone(&self) -> Self {
        // SAFETY: `self` owns a reference, so the object is alive; the new reference is owned by
        // the returned value.
        unsafe { (self.unknown_vtbl().AddRef)(self.as_unknown()) };
        ComPtr(self.0)
    }
}

impl<I: Interface> Drop for ComPtr<I> {
    /// `Release`.
    fn drop(&mut self) {
        // SAFETY: `self` owns exactly one reference and gives it up; the pointer is not used again.
        unsafe { (self.unknown_vtbl().Release)(self.as_unknown()) };
    }
}

impl<I: Interface> core::fmt::Debug for ComPtr<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:p}", self.0)
    }
}
