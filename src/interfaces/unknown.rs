//! `Unknown`: an owned reference to any COM object, seen through IUnknown.

use crate::abi;
use crate::core::ptr::ComPtr;

/// An owned reference to any COM object, seen through `IUnknown`: the MAPI session of a
/// `MAPISIB` (`psesSync`), which this crate passes along without calling, or a store object
/// before it is asked for `IMAPISync`. `Clone` is `AddRef`, `Drop` is `Release`; the methods are
/// [`ComPtr`]'s.
///
/// ```
/// use mapisync::testing::Silent;
/// use mapisync::{ProgressCallback, Unknown};
///
/// let callback = ProgressCallback::new(Silent);
/// // SAFETY: `callback` is a live COM object that holds a reference for the call.
/// let unknown = unsafe { Unknown::from_borrowed(callback.as_unknown()) };
/// assert_eq!(unknown.as_raw(), callback.as_unknown());
/// assert!(unknown == callback);
/// ```
pub type Unknown = ComPtr<abi::IUnknown>;
