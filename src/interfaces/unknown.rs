//! `Unknown`: an owned reference to any COM object, seen through IUnknown.

use crate::abi;
use crate::core::ptr::ComPtr;

/// An owned reference to any COM object, seen through `IUnknown`: the MAPI session of a
/// `MAPISIB` (`psesSync`), which this crate passes along without calling, or a store object
/// before it is asked for `IMAPISync`. `Clone` is `AddRef`, `Drop` is `Release`; the methods are
/// [`ComPtr`]'s.
///
/// ```
/// use mapisync::{HResult, Handle, ProgressCallback, Result, SyncProgress, U16CStr, Unknown};
/// # struct Nop;
/// # impl SyncProgress for Nop {
/// #     fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> { Ok(()) }
/// #     fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> { Ok(()) }
/// #     fn done(&self, _: Handle, _: HResult) -> Result<()> { Ok(()) }
/// # }
///
/// let callback = ProgressCallback::new(Nop);
/// // SAFETY: `callback` is a live COM object that holds a reference for the call.
/// let unknown = unsafe { Unknown::from_borrowed(callback.as_unknown()) };
/// assert_eq!(unknown.as_raw(), callback.as_unknown());
/// assert!(unknown == callback);
/// ```
pub type Unknown = ComPtr<abi::IUnknown>;
