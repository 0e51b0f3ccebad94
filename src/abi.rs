//! The hand-laid C layout of the interfaces, exactly as a C compiler lays them out.
//!
//! Nothing in this module has behaviour: it is the binary contract, written field by field in the
//! order of MIDL's flattened C output so that it can be read side by side with the C declaration.
//! The names are Microsoft's, which is why this module alone allows non-Rust naming.
//!
//! Every slot is `extern "system"`: `__stdcall` on 32-bit x86 Windows, the platform C convention
//! everywhere else. The compile-time assertions at the end of the file pin every size and offset
//! for 32- and 64-bit targets; the test suite checks the same numbers against a C compiler.
//!
//! ```
//! use mapisync::abi::{MAPISIB, IID_IMAPISyncProgressCallback};
//!
//! // 32 bytes on 64-bit targets, 20 on 32-bit ones.
//! assert_eq!(core::mem::size_of::<MAPISIB>(), 8 + 3 * core::mem::size_of::<usize>());
//! assert_eq!(IID_IMAPISyncProgressCallback.Data1, 0x5024_A386);
//! ```
#![allow(non_snake_case, non_camel_case_types, non_upper_case_globals)]

use core::ffi::c_void;

/// A COM status code: 32-bit signed, negative for failure.
pub type HRESULT = i32;
/// A 32-bit unsigned integer on every target (also on LP64 Linux, where C's `unsigned long` is not).
pub type ULONG = u32;
/// One UTF-16 code unit, whatever the platform's `wchar_t` is.
pub type WCHAR = u16;
/// An opaque, pointer-sized handle (an event handle in this API).
pub type HANDLE = *mut c_void;

/// A globally unique identifier, stored in native (little-endian) order.
///
/// Displays and parses in registry form, `{5024A386-2D44-486A-81A8-8F0ECB6071DD}`.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GUID {
    /// The first 8 hex digits.
    pub Data1: u32,
    /// The next 4 hex digits.
    pub Data2: u16,
    /// The next 4 hex digits.
    pub Data3: u16,
    /// The last 16 hex digits, as bytes in the order they are written.
    pub Data4: [u8; 8],
}

/// An interface identifier.
pub type IID = GUID;
/// A pointer to an interface identifier, as QueryInterface takes it.
pub type REFIID = *const IID;

/// `{00000000-0000-0000-C000-000000000046}`: the identity interface every COM object answers.
pub const IID_IUnknown: IID = GUID {
    Data1: 0x0000_0000,
    Data2: 0x0000,
    Data3: 0x0000,
    Data4: [0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46],
};

/// `{5024A386-2D44-486A-81A8-8F0ECB6071DD}`: Outlook's Send/Receive progress callback.
pub const IID_IMAPISyncProgressCallback: IID = GUID {
    Data1: 0x5024_A386,
    Data2: 0x2D44,
    Data3: 0x486A,
    Data4: [0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71, 0xDD],
};

/// `{5024A385-2D44-486A-81A8-8F0ECB6071DD}`: background synchronization on a store object.
pub const IID_IMAPISync: IID = GUID {
    Data1: 0x5024_A385,
    Data2: 0x2D44,
    Data3: 0x486A,
    Data4: [0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71, 0xDD],
};

/// Any COM object, seen through its first interface pointer.
#[repr(C)]
pub struct IUnknown {
    /// The object's virtual function table.
    pub lpVtbl: *const IUnknownVtbl,
}

/// The three slots every COM interface begins with.
#[repr(C)]
pub struct IUnknownVtbl {
    /// Slot 0: asks the object for another interface; AddRefs what it returns.
    pub QueryInterface:
        unsafe extern "system" fn(*mut IUnknown, REFIID, *mut *mut c_void) -> HRESULT,
    /// Slot 1: adds a reference; returns the new count.
    pub AddRef: unsafe extern "system" fn(*mut IUnknown) -> ULONG,
    /// Slot 2: drops a reference; returns the new count (0: the object is gone).
    pub Release: unsafe extern "system" fn(*mut IUnknown) -> ULONG,
}

/// `IMAPISyncProgressCallback`, the object Outlook hands a store provider to report through.
#[repr(C)]
pub struct IMAPISyncProgressCallback {
    /// The object's virtual function table.
    pub lpVtbl: *const IMAPISyncProgressCallbackVtbl,
}

/// The six slots of `IMAPISyncProgressCallback`, flattened as MIDL writes them in C.
#[repr(C)]
pub struct IMAPISyncProgressCallbackVtbl {
    /// Slot 0: `QueryInterface(REFIID riid, void **ppvObject)`.
    pub QueryInterface: unsafe extern "system" fn(
        *mut IMAPISyncProgressCallback,
        REFIID,
        *mut *mut c_void,
    ) -> HRESULT,
    /// Slot 1: `AddRef()`.
    pub AddRef: unsafe extern "system" fn(*mut IMAPISyncProgressCallback) -> ULONG,
    /// Slot 2: `Release()`.
    pub Release: unsafe extern "system" fn(*mut IMAPISyncProgressCallback) -> ULONG,
    /// Slot 3: `Progress(const WCHAR *pwcszProgress, ULONG ulIndex, ULONG ulIndexMax)`.
    pub Progress: unsafe extern "system" fn(
        *mut IMAPISyncProgressCallback,
        *const WCHAR,
        ULONG,
        ULONG,
    ) -> HRESULT,
    /// Slot 4: `Error(HRESULT hResult, const WCHAR *pwcszErrorStr)`.
    pub Error:
        unsafe extern "system" fn(*mut IMAPISyncProgressCallback, HRESULT, *const WCHAR) -> HRESULT,
    /// Slot 5: `Done(HANDLE hThreadDoneEvent, HRESULT hResult)`.
    pub Done: unsafe extern "system" fn(*mut IMAPISyncProgressCallback, HANDLE, HRESULT) -> HRESULT,
}

/// `IMAPISync`, exposed on a store provider's message store object.
#[repr(C)]
pub struct IMAPISync {
    /// The object's virtual function table.
    pub lpVtbl: *const IMAPISyncVtbl,
}

/// The four slots of `IMAPISync`, flattened as MIDL writes them in C.
#[repr(C)]
pub struct IMAPISyncVtbl {
    /// Slot 0: `QueryInterface(REFIID riid, void **ppvObject)`.
    pub QueryInterface:
        unsafe extern "system" fn(*mut IMAPISync, REFIID, *mut *mut c_void) -> HRESULT,
    /// Slot 1: `AddRef()`.
    pub AddRef: unsafe extern "system" fn(*mut IMAPISync) -> ULONG,
    /// Slot 2: `Release()`.
    pub Release: unsafe extern "system" fn(*mut IMAPISync) -> ULONG,
    /// Slot 3: `SynchronizeInBackground(PMAPISIB psibpb)`.
    pub SynchronizeInBackground: unsafe extern "system" fn(*mut IMAPISync, *mut MAPISIB) -> HRESULT,
}

/// The synchronization information block passed to `SynchronizeInBackground`.
#[repr(C)]
#[derive(Debug)]
pub struct MAPISIB {
    /// Size of the structure in bytes; a later, larger version of the struct is allowed.
    pub ulSize: ULONG,
    /// `SYNC_*` bits.
    pub ulFlags: ULONG,
    /// `LPMAPISESSION`: the MAPI session, opaque here, IUnknown-derived. May be null.
    pub psesSync: *mut IUnknown,
    /// QueryInterface it for `IMAPISyncProgressCallback`.
    pub punkCallBack: *mut IUnknown,
    /// Out: must be valid; receives the event that is signalled when the sync thread completes.
    pub phSyncDoneEvent: *mut HANDLE,
}

// The layout, pinned at compile time. A C compiler confirms the same numbers in the test suite.
const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    const PTR: usize = size_of::<*const c_void>();
    assert!(PTR == 4 || PTR == 8);
    assert!(size_of::<HRESULT>() == 4 && size_of::<ULONG>() == 4 && size_of::<WCHAR>() == 2);
    assert!(size_of::<HANDLE>() == PTR);

    assert!(size_of::<GUID>() == 16 && align_of::<GUID>() == 4);
    assert!(offset_of!(GUID, Data1) == 0);
    assert!(offset_of!(GUID, Data2) == 4);
    assert!(offset_of!(GUID, Data3) == 6);
    assert!(offset_of!(GUID, Data4) == 8);

    assert!(size_of::<IUnknown>() == PTR);
    assert!(size_of::<IMAPISyncProgressCallback>() == PTR);
    assert!(size_of::<IMAPISync>() == PTR);

    assert!(size_of::<IUnknownVtbl>() == 3 * PTR);
    assert!(offset_of!(IUnknownVtbl, QueryInterface) == 0);
    assert!(offset_of!(IUnknownVtbl, AddRef) == PTR);
    assert!(offset_of!(IUnknownVtbl, Release) == 2 * PTR);

    assert!(size_of::<IMAPISyncProgressCallbackVtbl>() == 6 * PTR);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, QueryInterface) == 0);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, AddRef) == PTR);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, Release) == 2 * PTR);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, Progress) == 3 * PTR);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, Error) == 4 * PTR);
    assert!(offset_of!(IMAPISyncProgressCallbackVtbl, Done) == 5 * PTR);

    assert!(size_of::<IMAPISyncVtbl>() == 4 * PTR);
    assert!(offset_of!(IMAPISyncVtbl, QueryInterface) == 0);
    assert!(offset_of!(IMAPISyncVtbl, AddRef) == PTR);
    assert!(offset_of!(IMAPISyncVtbl, Release) == 2 * PTR);
    assert!(offset_of!(IMAPISyncVtbl, SynchronizeInBackground) == 3 * PTR);

    // 32 bytes on 64-bit targets, 20 on 32-bit ones; pointers start right after the two ULONGs.
    assert!(size_of::<MAPISIB>() == 8 + 3 * PTR);
    assert!(align_of::<MAPISIB>() == PTR);
    assert!(offset_of!(MAPISIB, ulSize) == 0);
    assert!(offset_of!(MAPISIB, ulFlags) == 4);
    assert!(offset_of!(MAPISIB, psesSync) == 8);
    assert!(offset_of!(MAPISIB, punkCallBack) == 8 + PTR);
    assert!(offset_of!(MAPISIB, phSyncDoneEvent) == 8 + 2 * PTR);
};
