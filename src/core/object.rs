//! The one heap block every Rust-implemented COM object lives in, and its IUnknown slots.

use core::ffi::c_void;
use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};

use super::refcount::{RefCount, Released};
use crate::abi::{IID_IUnknown, GUID, HRESULT, REFIID, ULONG};
use crate::core::hresult::HResult;
use crate::core::ptr::{ComPtr, Interface};
use crate::core::unwind::guard_drop;

/// A COM class implemented in Rust: the value an object holds, and the one interface it exposes,
/// whose IID and vtable type come with the [`Interface`].
///
/// # Safety
///
/// `VTBL`'s first three slots are [`query_interface::<Self>`](query_interface),
/// [`add_ref::<Self>`](add_ref) and [`release::<Self>`](release) (made so by writing it with
/// [`class_vtbl!`]), and its other slots only reach the object through [`Object::value`].
pub(crate) unsafe trait Class: Sized + 'static {
    /// The Rust value each object holds.
    type Value: Send + Sync + 'static;
    /// The interface an object exposes (along with IUnknown).
    type Interface: Interface;
    /// The one vtable all objects of the class share.
    const VTBL: &'static Vtbl<Self>;
}

/// The vtable of the class whose `impl Class` this is written in, for its `VTBL`: the interface's
/// flattened vtable struct, named first, with its three IUnknown slots this module's generic ones
/// for the class (as [`Class`] requires), then the interface's own slots as given in braces, by
/// the struct's field names (`class_vtbl!(IMAPISyncVtbl { SynchronizeInBackground: thunk })`).
macro_rules! class_vtbl {
    ($vtbl:ident { $($slot:ident: $thunk:expr),+ $(,)? }) => {
        &$vtbl {
            QueryInterface: $crate::core::object::query_interface::<Self>,
            AddRef: $crate::core::object::add_ref::<Self>,
            Release: $crate::core::object::release::<Self>,
            $($slot: $thunk,)+
        }
    };
}
pub(crate) use class_vtbl;

/// The vtable type of a class's interface.
pub(crate) type Vtbl<C> = <<C as Class>::Interface as Interface>::Vtbl;

/// The heap block: the vtable pointer first (so a pointer to the block *is* the interface
/// pointer), then the count, then the value. One allocation per object, none per call.
///
/// On 64-bit targets the overhead over the value is 12 bytes plus padding: an object holding a
/// `u32` is 16 bytes.
#[repr(C)]
pub(crate) struct Object<C: Class> {
    vtbl: *const Vtbl<C>,
    count: RefCount,
    value: C::Value,
}

impl<C: Class> Object<C> {
    /// Moves `value` into a new object with a count of one and returns the interface pointer that
    /// owns that one reference.
    pub(crate) fn create(value: C::Value) -> ComPtr<C::Interface> {
        let block = Box::new(Object::<C> {
            vtbl: C::VTBL,
            count: RefCount::new(),
            value,
        });
        let ptr = NonNull::from(Box::leak(block)).cast();
        // SAFETY: a new object of a Rust class: live, laid out as `C::Interface` (vtable pointer
        // first), free-threaded (`C::Value: Send + Sync`), and its one reference is the result's.
        unsafe { ComPtr::adopt(ptr) }
    }

    /// The value inside the object `this` points to.
    ///
    /// # Safety
    ///
    /// `this` is an interface pointer returned by [`Object::<C>::create`] (or a QueryInterface of
    /// it) on which the caller holds a reference for all of `'a`.
    #[inline]
    pub(crate) unsafe fn value<'a>(this: *mut C::Interface) -> &'a C::Value {
        // SAFETY: the interface pointer is the address of the `Object<C>` block (vtable pointer
        // first, `#[repr(C)]`), which stays allocated while the caller's reference lives; the value
        // is only ever accessed through shared references.
        unsafe { &(*this.cast::<Object<C>>()).value }
    }

    /// The object's reference count, for a holder that takes or gives back several references
    /// at once.
    ///
    /// # Safety
    ///
    /// As for [`Object::value`].
    #[inline]
    pub(crate) unsafe fn refcount<'a>(this: *mut C::Interface) -> &'a RefCount {
        // SAFETY: as in `value`: the block is alive while the caller holds a reference, and the
        // count is only ever accessed through shared references (it is atomic).
        unsafe { &(*this.cast::<Object<C>>()).count }
    }

    /// The object's reference count at this instant.
    ///
    /// # Safety
    ///
    /// As for [`Object::value`].
    #[cfg(test)]
    pub(crate) unsafe fn count(this: *mut C::Interface) -> u32 {
        // SAFETY: the caller's guarantee is `refcount`'s.
        unsafe { Self::refcount(this) }.get()
    }
}

/// Slot 0 of every Rust-made object.
///
/// A null `ppv` is `E_POINTER`; a null `riid` is `E_INVALIDARG` with `*ppv = NULL`;
/// `IID_IUnknown` and the class's own IID give back `this` itself (one identity), AddRef'd; any
/// other IID is `E_NOINTERFACE` with `*ppv = NULL`.
///
/// # Safety
///
/// `this` is a live object of class `C` on which the caller holds a reference; `riid` is null or
/// points to a GUID; `ppv` is null or valid for a pointer-sized write (neither need be aligned).
pub(crate) unsafe extern "system" fn query_interface<C: Class>(
    this: *mut C::Interface,
    riid: REFIID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    if ppv.is_null() {
        return HResult::E_POINTER.0;
    }
    // Both pointers may sit at any address (C allows it on x86), so they are read and written
    // unaligned: the same instructions there, and no undefined behaviour anywhere.
    let out = if riid.is_null() {
        HResult::E_INVALIDARG
    } else {
        // SAFETY: the caller guarantees a non-null `riid` points to a GUID.
        if unsafe { iid_is(riid, &IID_IUnknown) || iid_is(riid, &<C::Interface as Interface>::IID) }
        {
            // SAFETY: the caller holds a reference on `this`, so the block is alive.
            unsafe { (*this.cast::<Object<C>>()).count.add_ref() };
            // SAFETY: `ppv` is non-null and, by the caller's guarantee, writable.
            unsafe { ppv.write_unaligned(this.cast()) };
            return HResult::S_OK.0;
        }
        HResult::E_NOINTERFACE
    };
    // SAFETY: as above.
    unsafe { ppv.write_unaligned(ptr::null_mut()) };
    out.0
}

/// Whether the GUID at `riid` is `iid`, read field by field and unaligned, each field only if the
/// ones before it matched: the same few compares and branches as comparing through a reference.
///
/// # Safety
///
/// `riid` points to a readable GUID, at any address.
#[inline(always)]
unsafe fn iid_is(riid: REFIID, iid: &GUID) -> bool {
    // SAFETY: each field lies within the GUID the caller guarantees readable.
    unsafe {
        ptr::addr_of!((*riid).Data1).read_unaligned() == iid.Data1
            && ptr::addr_of!((*riid).Data2).read_unaligned() == iid.Data2
            && ptr::addr_of!((*riid).Data3).read_unaligned() == iid.Data3
            && ptr::addr_of!((*riid).Data4).read_unaligned() == iid.Data4
    }
}

/// Slot 1 of every Rust-made object: the new count.
///
/// # Safety
///
/// `this` is a live object of class `C` on which the caller holds a reference.
pub(crate) unsafe extern "system" fn add_ref<C: Class>(this: *mut C::Interface) -> ULONG {
    // SAFETY: the caller's reference keeps the block alive.
    unsafe { (*this.cast::<Object<C>>()).count.add_ref() }
}

/// Slot 2 of every Rust-made object: the new count; at zero the value is dropped and the block
/// freed, on this thread. A panic in the value's destructor is caught (the memory is still freed).
///
/// The value is dropped in place, through a raw pointer to its field, and only then is the block
/// freed: the block is never owned as a whole (no `Box`) while the destructor runs, so a
/// destructor that reaches its own object through the interface pointer (say, to release it once
/// too often, which the count then pins) touches memory that is still allocated and not claimed
/// exclusively by anyone.
///
/// # Safety
///
/// `this` is a live object of class `C`, and the caller gives up one reference it holds.
pub(crate) unsafe extern "system" fn release<C: Class>(this: *mut C::Interface) -> ULONG {
    let block = this.cast::<Object<C>>();
    // SAFETY: the caller's reference keeps the block alive until this decrement.
    match unsafe { (*block).count.release() } {
        Released::Alive(count) => count,
        Released::Pinned => super::refcount::PINNED,
        Released::Last => {
            // SAFETY: the count reached zero with the Acquire fence behind it, so this thread is
            // the last to use the value; the field is initialized and dropped exactly once, here.
            let value = unsafe { ptr::addr_of_mut!((*block).value) };
            // A destructor that panics must not unwind into the foreign caller.
            // SAFETY: as above; nothing reads the value after this.
            guard_drop(|| unsafe { ptr::drop_in_place(value) });
            // SAFETY: `create` allocated the block as a `Box<Object<C>>`; seen as `MaybeUninit`,
            // which has the same layout, the Box frees the memory without dropping anything again.
            drop(unsafe { Box::from_raw(block.cast::<MaybeUninit<Object<C>>>()) });
            0
        }
    }
}
