//! [`ComPtr`]: the one owning interface pointer. [`Unknown`](crate::Unknown),
//! [`ProgressCallback`](crate::ProgressCallback) and [`MapiSync`](crate::MapiSync) are `ComPtr`s of
//! their interfaces, so adopting, borrowing, querying, comparing and releasing are written once.

use core::ffi::c_void;
use core::hash::{Hash, Hasher};
use core::ptr::{self, NonNull};

use crate::abi::{self, GUID};
use crate::core::error::{Error, Result};
use crate::core::hresult::HResult;

/// A COM interface as laid out in [`abi`]: a `#[repr(C)]` struct holding only a pointer to its
/// vtable, whose first three slots are IUnknown's. What [`ComPtr`] needs to know of it.
///
/// Implemented for `abi::IUnknown`, `abi::IMAPISyncProgressCallback` and `abi::IMAPISync`; a user
/// may implement it for another interface laid out the same way, to
/// [`cast`](ComPtr::cast) to it.
///
/// # Safety
///
/// The implementing type is exactly such a struct; `Vtbl` is its vtable type (the three IUnknown
/// slots first, `extern "system"`), and `IID` its interface's IID.
pub unsafe trait Interface: Sized + 'static {
    /// The vtable the struct points to.
    type Vtbl: 'static;
    /// The interface's IID.
    const IID: GUID;
    /// The interface's name, for messages: `IMAPISync`.
    const NAME: &'static str;
}

// SAFETY: each is the abi struct of the named interface, holding only its vtable pointer; every
// vtable begins with QueryInterface, AddRef, Release.
unsafe impl Interface for abi::IUnknown {
    type Vtbl = abi::IUnknownVtbl;
    const IID: GUID = abi::IID_IUnknown;
    const NAME: &'static str = "IUnknown";
}
// SAFETY: as above.
unsafe impl Interface for abi::IMAPISyncProgressCallback {
    type Vtbl = abi::IMAPISyncProgressCallbackVtbl;
    const IID: GUID = abi::IID_IMAPISyncProgressCallback;
    const NAME: &'static str = "IMAPISyncProgressCallback";
}
// SAFETY: as above.
unsafe impl Interface for abi::IMAPISync {
    type Vtbl = abi::IMAPISyncVtbl;
    const IID: GUID = abi::IID_IMAPISync;
    const NAME: &'static str = "IMAPISync";
}

/// One owned reference to a COM object, seen through interface `I`: Rust-made or foreign (C,
/// C++, Outlook), called through its vtable either way. `Clone` is `AddRef`, `Drop` is `Release`;
/// it is `Send + Sync` and the size of a pointer (`Option<ComPtr<I>>` too).
///
/// One null contract for every constructor that takes a raw pointer: [`from_raw`](Self::from_raw)
/// and [`from_borrowed`](Self::from_borrowed) panic on null (a null there is the caller's bug);
/// [`from_unknown`](Self::from_unknown) and [`cast`](Self::cast), which ask the object, answer
/// `Err` (`E_POINTER`) for null.
///
/// Two `ComPtr`s are equal when they reach the same COM object, whatever interfaces they are seen
/// through: each is asked for `IID_IUnknown`, and the answers compared (COM's rule of identity).
///
/// ```
/// use mapisync::{abi, HResult, MapiSync, ProgressCallback, Result, SyncProvider, SyncRequest};
/// use mapisync::{Handle, Unknown};
///
/// struct Store;
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
///         Err(HResult::E_NOTIMPL.into())
///     }
/// }
///
/// let store = MapiSync::new(Store);
/// // A pointer we are handed but do not own: borrowed, which takes a reference of our own.
/// // SAFETY: `store` keeps the object alive for the call.
/// let unknown = unsafe { Unknown::from_borrowed(store.as_unknown()) };
/// assert!(unknown == store);
/// let again: MapiSync = unknown.cast()?;
/// assert!(again == store);
/// let err = unknown.cast::<abi::IMAPISyncProgressCallback>().unwrap_err();
/// assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
/// # Ok::<(), mapisync::Error>(())
/// ```
#[repr(transparent)]
pub struct ComPtr<I: Interface>(NonNull<I>);

// SAFETY: every object a ComPtr reaches must be callable from any thread (the reference requires
// it of these interfaces, and the constructors make it part of their contract); the count is the
// object's own, thread-safe by the COM rules.
unsafe impl<I: Interface> Send for ComPtr<I> {}
// SAFETY: as above; shared access only calls the object's thread-safe slots.
unsafe impl<I: Interface> Sync for ComPtr<I> {}

impl<I: Interface> ComPtr<I> {
    /// Wraps a reference the caller already owns (a Rust-made object's first reference).
    ///
    /// # Safety
    ///
    /// As for [`from_raw`](Self::from_raw).
    #[inline]
    pub(crate) unsafe fn adopt(ptr: NonNull<I>) -> Self {
        ComPtr(ptr)
    }

    /// Adopts one reference that the caller owned: `Drop` will release it.
    ///
    /// # Safety
    ///
    /// `ptr` points to a live object that implements `I` with the layout and calling convention of
    /// [`abi`], whose every interface may be called from any thread, and on which the caller owns
    /// one reference, which passes to the returned value.
    ///
    /// # Panics
    ///
    /// If `ptr` is null.
    #[inline]
    pub unsafe fn from_raw(ptr: *mut I) -> Self {
        match NonNull::new(ptr) {
            // SAFETY: the caller's guarantee is `adopt`'s.
            Some(ptr) => unsafe { ComPtr::adopt(ptr) },
            None => null_pointer(I::NAME, "from_raw"),
        }
    }

    /// Takes a reference of its own (`AddRef`) on an object the caller only borrows: a pointer
    /// handed to it that it does not own, such as a callee's argument. The caller's reference is
    /// left alone.
    ///
    /// # Safety
    ///
    /// As for [`from_raw`](Self::from_raw), except that the caller holds a reference only for the
    /// duration of the call, and keeps it.
    ///
    /// # Panics
    ///
    /// If `ptr` is null.
    #[inline]
    pub unsafe fn from_borrowed(ptr: *mut I) -> Self {
        // SAFETY: the caller holds a reference, so the object is alive while we borrow it as
        // ours; the clone is an AddRef that the result owns, and the borrowed copy is never
        // released.
        let borrowed = core::mem::ManuallyDrop::new(unsafe { ComPtr::from_raw(ptr) });
        ComPtr::clone(&borrowed)
    }

    /// Asks `unk` for `I` (QueryInterface) and owns the reference it returns; the caller's own
    /// reference on `unk` is left alone.
    ///
    /// A null `unk` is `Err` (`E_POINTER`), as is a QueryInterface that says `S_OK` but yields
    /// NULL; a failure from QueryInterface (typically `E_NOINTERFACE`) comes back unchanged.
    ///
    /// # Safety
    ///
    /// `unk` is null or a live COM object (IUnknown layout, `extern "system"` slots) on which the
    /// caller holds a reference, and whose every interface may be called from any thread.
    pub unsafe fn from_unknown(unk: *mut abi::IUnknown) -> Result<Self> {
        if unk.is_null() {
            return Err(Error::NullPointer {
                what: "the IUnknown to query",
            });
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
                what: "the interface returned by a successful QueryInterface",
            }),
        }
    }

    /// The same object seen through interface `J`, asked with QueryInterface: a new reference.
    /// A failure from QueryInterface (`E_NOINTERFACE` when the object does not implement `J`)
    /// comes back unchanged.
    pub fn cast<J: Interface>(&self) -> Result<ComPtr<J>> {
        // SAFETY: `self` holds a reference on a live object, every interface of which may be
        // called from any thread (the constructors' contract).
        unsafe { ComPtr::from_unknown(self.as_unknown()) }
    }

    /// The interface pointer, still owned by `self`.
    #[inline]
    pub fn as_raw(&self) -> *mut I {
        self.0.as_ptr()
    }

    /// The same pointer seen as `IUnknown` (every COM interface begins with IUnknown's slots),
    /// still owned by `self`: what goes into `MAPISIB.punkCallBack`, for instance.
    #[inline]
    pub fn as_unknown(&self) -> *mut abi::IUnknown {
        self.0.as_ptr().cast()
    }

    /// Another reference to the same pointer, seen as `IUnknown` (an `AddRef`, no QueryInterface):
    /// a store object to hand to [`SimulatedHost::run_on_store`](crate::SimulatedHost::run_on_store),
    /// for instance.
    pub fn to_unknown(&self) -> ComPtr<abi::IUnknown> {
        // SAFETY: `self` holds a reference on a live object for the call, and its contract is
        // `from_borrowed`'s.
        unsafe { ComPtr::from_borrowed(self.as_unknown()) }
    }

    /// Gives the reference away without releasing it; [`from_raw`](Self::from_raw) takes it back.
    #[inline]
    pub fn into_raw(self) -> *mut I {
        core::mem::ManuallyDrop::new(self).0.as_ptr()
    }

    /// The object's vtable.
    #[inline]
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

    /// The object's identity: its answer to QueryInterface for `IID_IUnknown`, whose reference is
    /// given straight back (ours keeps the object alive). An object that refuses (a broken one)
    /// is identified by the pointer itself.
    fn identity(&self) -> *mut abi::IUnknown {
        let this = self.as_unknown();
        let mut out: *mut c_void = ptr::null_mut();
        let vtbl = self.unknown_vtbl();
        // SAFETY: `self` owns a reference, so the object is alive; `out` is a valid slot.
        let hr = unsafe { (vtbl.QueryInterface)(this, &abi::IID_IUnknown, &mut out) };
        if HResult(hr).is_failure() || out.is_null() {
            return this;
        }
        let unknown = out.cast::<abi::IUnknown>();
        // SAFETY: the successful QueryInterface gave us a reference on `unknown`, given back here;
        // only its address is used afterwards.
        unsafe { ((*(*unknown).lpVtbl).Release)(unknown) };
        unknown
    }
}

/// The panic for a null pointer given to a constructor that adopts or borrows one.
#[cold]
#[inline(never)]
#[track_caller]
fn null_pointer(interface: &str, constructor: &str) -> ! {
    panic!("ComPtr<{interface}>::{constructor}: null pointer")
}

impl<I: Interface> Clone for ComPtr<I> {
    /// `AddRef`.
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: `self` owns a reference, so the object is alive; the new reference is owned by
        // the returned value.
        unsafe { (self.unknown_vtbl().AddRef)(self.as_unknown()) };
        ComPtr(self.0)
    }
}

impl<I: Interface> Drop for ComPtr<I> {
    /// `Release`.
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `self` owns exactly one reference and gives it up; the pointer is not used again.
        unsafe { (self.unknown_vtbl().Release)(self.as_unknown()) };
    }
}

impl<I: Interface, J: Interface> PartialEq<ComPtr<J>> for ComPtr<I> {
    /// The same COM object (QueryInterface for `IID_IUnknown` gives the same pointer).
    fn eq(&self, other: &ComPtr<J>) -> bool {
        self.0.as_ptr().cast::<()>() == other.0.as_ptr().cast::<()>()
            || self.identity() == other.identity()
    }
}

impl<I: Interface> Eq for ComPtr<I> {}

impl<I: Interface> Hash for ComPtr<I> {
    /// The object's identity, as for equality.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.identity().hash(state);
    }
}

impl<I: Interface> core::fmt::Debug for ComPtr<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}({:p})", I::NAME, self.0)
    }
}
