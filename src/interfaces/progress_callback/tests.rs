//! The object block's layout and the smart pointer's counting and refusals.
use super::*;
use crate::core::object::Object;
use raw::{RawClass, Safe};

/// An implementation holding `N` bytes, which accepts `Progress` and implements nothing else.
struct Payload<const N: usize>([u8; N]);

impl<const N: usize> SyncProgress for Payload<N> {
    fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
        Ok(())
    }
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        Err(HResult::E_NOTIMPL.into())
    }
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        Err(HResult::E_NOTIMPL.into())
    }
}

type Nop = Payload<0>;

/// The current reference count of a Rust-made callback holding a `T`.
///
/// # Safety
///
/// `callback` was made by `ProgressCallback::new::<T>`.
unsafe fn rust_ref_count<T: SyncProgress>(callback: &ProgressCallback) -> u32 {
    // SAFETY: the caller guarantees the class; `callback` holds a reference.
    unsafe { Object::<RawClass<Safe<T>>>::count(callback.as_raw()) }
}

#[test]
fn one_block_with_the_vtable_first() {
    assert_eq!(
        core::mem::size_of::<Object<RawClass<Safe<Payload<4>>>>>(),
        // vtable pointer, 4-byte count, 4-byte value, padded to pointer alignment.
        if cfg!(target_pointer_width = "64") {
            16
        } else {
            12
        }
    );
    assert_eq!(
        core::mem::size_of::<ProgressCallback>(),
        core::mem::size_of::<usize>()
    );
    assert_eq!(
        core::mem::size_of::<Option<ProgressCallback>>(),
        core::mem::size_of::<usize>()
    );
}

#[test]
fn the_overhead_is_the_vtable_pointer_and_the_count() {
    // A 64-byte payload: the vtable pointer and the 4-byte count come first, and the block is
    // padded to pointer alignment: 16 bytes of overhead on 64-bit targets, 8 on 32-bit ones.
    assert_eq!(
        core::mem::size_of::<Object<RawClass<Safe<Payload<64>>>>>(),
        if cfg!(target_pointer_width = "64") {
            64 + 16
        } else {
            64 + 8
        }
    );
}

#[test]
fn clone_and_drop_move_the_count() {
    let a = ProgressCallback::new(Payload::<0>([]));
    // SAFETY: made from `Nop`.
    let count = |cb: &ProgressCallback| unsafe { rust_ref_count::<Nop>(cb) };
    assert_eq!(count(&a), 1);
    let b = a.clone();
    assert_eq!(count(&a), 2);
    drop(b);
    assert_eq!(count(&a), 1);
    let raw = a.into_raw();
    // SAFETY: `raw` carries the one reference `into_raw` gave away.
    let a = unsafe { ProgressCallback::from_raw(raw) };
    assert_eq!(count(&a), 1);
}

#[test]
fn long_text_is_refused_before_the_call() {
    let cb = ProgressCallback::new(Payload::<0>([]));
    let long = widestring::U16CString::from_vec(vec![0x61; MAX_TEXT_LEN + 1]).unwrap();
    let err = cb.progress(Some(&long), 0, 1).unwrap_err();
    assert!(matches!(err, Error::TextTooLong { .. }), "{err}");
    assert_eq!(err.hresult(), HResult::E_INVALIDARG);
    let err = cb.error(HResult::E_FAIL, Some(&long)).unwrap_err();
    assert!(err.to_string().contains("pwcszErrorStr"), "{err}");
    let exact = widestring::U16CString::from_vec(vec![0x61; MAX_TEXT_LEN]).unwrap();
    cb.progress(Some(&exact), 0, 1).unwrap();
}
