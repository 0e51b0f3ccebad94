//! `IMAPISync`: the [`SyncProvider`] trait (a store's implementing side), its thunk, which
//! validates the `MAPISIB` before the trait sees it, and the [`MapiSync`] smart pointer (the
//! host's calling side).

use core::marker::PhantomData;
use core::mem::size_of;
use core::ptr::{self, NonNull};

use crate::abi::{IMAPISync, IMAPISyncVtbl, HANDLE, HRESULT, MAPISIB};
use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::object::{class_vtbl, Class, Object};
use crate::core::ptr::ComPtr;
use crate::core::sync_flags::SyncFlags;
use crate::core::unwind::guard;
use crate::interfaces::progress_callback::ProgressCallback;
use crate::interfaces::unknown::Unknown;

/// A validated `SynchronizeInBackground` request, as a [`SyncProvider`] receives it.
#[derive(Debug)]
pub struct SyncRequest {
    /// `MAPISIB.ulFlags`, every bit known.
    pub flags: SyncFlags,
    /// `MAPISIB.psesSync`: the MAPI session, with a reference of its own, or `None` if null.
    pub session: Option<Unknown>,
    /// `MAPISIB.punkCallBack`, already asked for `IMAPISyncProgressCallback`.
    pub callback: ProgressCallback,
}

/// What a Rust store provider implements to expose `IMAPISync` on its message store object.
/// Wrap it with [`MapiSync::new`].
///
/// `synchronize_in_background` receives a request that has already passed every check of the
/// reference (see [`MapiSync`]); it starts the synchronization on a thread of its own and returns
/// the done event's handle at once, which goes to the host through `*phSyncDoneEvent`. The event
/// must be signalled when that thread completes, and the same handle passed to `Done`.
/// [`SyncWorker`](crate::SyncWorker) does all of that.
///
/// A returned `Err` goes back to the host as its HRESULT, and nothing is written through
/// `phSyncDoneEvent`; a panic goes back as `E_UNEXPECTED`.
///
/// ```
/// use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};
///
/// struct Store;
///
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         SyncWorker::spawn(request, |sync| {
///             sync.progress(None, 1, 1)?;
///             Ok(HResult::S_OK)
///         })
///     }
/// }
///
/// let store = MapiSync::new(Store);
/// ```
pub trait SyncProvider: Send + Sync + 'static {
    /// `SynchronizeInBackground`: start synchronizing, return the done event's handle.
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle>;
}

/// The class of Rust-made `IMAPISync` objects holding a `T`.
struct SyncClass<T>(PhantomData<fn() -> T>);

// SAFETY: `class_vtbl!` puts the three generic IUnknown slots of this class first, and the other
// slot reaches the object through `Object::value` only.
unsafe impl<T: SyncProvider> Class for SyncClass<T> {
    type Value = T;
    type Interface = IMAPISync;
    const VTBL: &'static IMAPISyncVtbl = class_vtbl!(IMAPISyncVtbl {
        SynchronizeInBackground: synchronize_thunk::<T>,
    });
}

/// Slot 3 of a Rust-made store: validates the MAPISIB, calls the provider, writes the handle.
///
/// # Safety
///
/// `this` is a live `SyncClass<T>` object the caller holds a reference on; `psib` is null or points
/// to `psib.ulSize` readable bytes of a MAPISIB whose pointers are null or valid as the reference
/// describes them.
unsafe extern "system" fn synchronize_thunk<T: SyncProvider>(
    this: *mut IMAPISync,
    psib: *mut MAPISIB,
) -> HRESULT {
    guard(|| {
        // SAFETY: the caller's guarantee on `psib` is `read_request`'s.
        let (request, out) = unsafe { read_request(psib) }?;
        // SAFETY: the caller holds a reference on `this` for the duration of the call.
        let provider = unsafe { Object::<SyncClass<T>>::value(this) };
        let handle = provider.synchronize_in_background(request)?;
        // SAFETY: `out` is the non-null `phSyncDoneEvent`, writable (at any alignment) by the
        // caller's guarantee.
        unsafe { out.as_ptr().write_unaligned(handle.0) };
        Ok(())
    })
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(HResult::MAPI_E_INVALID_PARAMETER, message)
}

/// Checks a MAPISIB the way the reference asks, in this order: the pointer, `ulSize` (smaller
/// than the structure is refused, larger is a later version and accepted), `phSyncDoneEvent`,
/// `ulFlags`, `punkCallBack` and its `IMAPISyncProgressCallback`. Returns the request and where
/// the handle goes; nothing is written anywhere.
///
/// # Safety
///
/// As for `synchronize_thunk`.
unsafe fn read_request(psib: *const MAPISIB) -> Result<(SyncRequest, NonNull<HANDLE>)> {
    if psib.is_null() {
        return Err(invalid("the MAPISIB pointer is null"));
    }
    // The structure may sit at any address (packed buffers make that happen): it is read, and
    // the handle written, unaligned.
    // SAFETY: non-null, and the caller guarantees at least `ulSize`, the first field, is readable.
    let size = unsafe { ptr::addr_of!((*psib).ulSize).read_unaligned() };
    if (size as usize) < size_of::<MAPISIB>() {
        return Err(invalid(format!(
            "MAPISIB.ulSize is {size}, smaller than the {}-byte structure",
            size_of::<MAPISIB>()
        )));
    }
    // SAFETY: `ulSize` covers the whole structure, which the caller guarantees is readable.
    let sib = unsafe { psib.read_unaligned() };
    let out = NonNull::new(sib.phSyncDoneEvent).ok_or_else(|| {
        invalid("MAPISIB.phSyncDoneEvent is null: the done event has nowhere to go")
    })?;
    let flags = SyncFlags::from_raw(sib.ulFlags)?;
    if sib.punkCallBack.is_null() {
        return Err(invalid("MAPISIB.punkCallBack is null"));
    }
    // SAFETY: a non-null punkCallBack is a live COM object for the duration of the call.
    let callback = unsafe { ProgressCallback::from_unknown(sib.punkCallBack) }.map_err(|e| {
        Error::new(
            HResult::E_NOINTERFACE,
            format!("MAPISIB.punkCallBack does not answer IID_IMAPISyncProgressCallback ({e})"),
        )
    })?;
    // SAFETY: a non-null psesSync is a live COM object the caller holds for the call; we take a
    // reference of our own.
    let session =
        (!sib.psesSync.is_null()).then(|| unsafe { Unknown::from_borrowed(sib.psesSync) });
    Ok((
        SyncRequest {
            flags,
            session,
            callback,
        },
        out,
    ))
}

/// An owned reference to any `IMAPISync` object: a store made from Rust by [`new`](Self::new),
/// or a foreign one adopted with [`from_raw`](Self::from_raw) or
/// [`from_unknown`](Self::from_unknown). `Clone` is `AddRef`, `Drop` is `Release`; adopting,
/// borrowing, querying and comparing are [`ComPtr`]'s methods.
///
/// A Rust-made store answers `IID_IUnknown` and `IID_IMAPISync` only, and checks every
/// `MAPISIB` before its [`SyncProvider`] sees it; on any failure nothing is written through
/// `phSyncDoneEvent`:
///
/// | input | HRESULT |
/// |---|---|
/// | null `psibpb` | `MAPI_E_INVALID_PARAMETER` |
/// | `ulSize` smaller than `MAPISIB` (a larger one is accepted) | `MAPI_E_INVALID_PARAMETER` |
/// | null `phSyncDoneEvent` | `MAPI_E_INVALID_PARAMETER` |
/// | a bit outside [`SyncFlags`] | `MAPI_E_UNKNOWN_FLAGS` |
/// | null `punkCallBack` | `MAPI_E_INVALID_PARAMETER` |
/// | `punkCallBack` without `IMAPISyncProgressCallback` | `E_NOINTERFACE` |
/// | the provider returns `Err(e)` / panics | `e.hresult()` / `E_UNEXPECTED` |
///
/// ```
/// use mapisync::testing::Silent;
/// use mapisync::{Event, HResult, Handle, MapiSync, ProgressCallback, Result, SyncFlags};
/// use mapisync::{SyncProvider, SyncRequest, SyncWorker};
///
/// struct Store;
/// impl SyncProvider for Store {
///     fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
///         SyncWorker::spawn(request, |_| Ok(HResult::S_OK))
///     }
/// }
///
/// let store = MapiSync::new(Store);
/// let callback = ProgressCallback::new(Silent);
/// let done = store.synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &callback)?;
/// Event::from_handle(done)?.wait();
/// Event::close_handle(done)?; // the host closes the done event
/// # Ok::<(), mapisync::Error>(())
/// ```
pub type MapiSync = ComPtr<IMAPISync>;

impl MapiSync {
    /// Makes a new store object exposing `IMAPISync` from `provider`: one heap block holding the
    /// vtable pointer, the reference count (1, owned by the returned value) and `provider`.
    pub fn new<T: SyncProvider>(provider: T) -> Self {
        Object::<SyncClass<T>>::create(provider)
    }

    /// Calls `SynchronizeInBackground` with a correctly built `MAPISIB` (`ulSize` the size of the
    /// structure on this target) and returns the done event's handle the store wrote.
    ///
    /// The handle is then the caller's to wait on and, after `Done`, to close. A failure the store
    /// returns comes back unchanged; a store that succeeds without writing a handle leaves
    /// [`Handle::NULL`].
    pub fn synchronize_in_background(
        &self,
        flags: SyncFlags,
        session: Option<&Unknown>,
        callback: &ProgressCallback,
    ) -> Result<Handle> {
        let mut done_event: HANDLE = ptr::null_mut();
        let mut sib = MAPISIB {
            ulSize: size_of::<MAPISIB>() as u32,
            ulFlags: flags.bits(),
            psesSync: session.map_or(ptr::null_mut(), Unknown::as_raw),
            punkCallBack: callback.as_unknown(),
            phSyncDoneEvent: &mut done_event,
        };
        // SAFETY: `self` owns a reference; `sib` and everything it points to outlive the call,
        // and the session and callback are held by the caller for its duration.
        let hr = unsafe { (self.vtbl().SynchronizeInBackground)(self.as_raw(), &mut sib) };
        HResult(hr).ok()?;
        Ok(Handle(done_event))
    }
}
