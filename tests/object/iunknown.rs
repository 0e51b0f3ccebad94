//! The IUnknown rules of a Rust-made object, exercised through the raw vtable as C would.

#[path = "../common/mod.rs"]
mod common;

use std::ptr;
use std::sync::atomic::Ordering;

use common::{add_ref, count, null_iid, query, release, unknown_vtbl, Recorder};
use mapisync::abi::{self, IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown, GUID};
use mapisync::{Error, HResult, ProgressCallback};

#[test]
fn query_interface_gives_one_identity_through_every_path() {
    let cb = ProgressCallback::new(Recorder::default());
    let (hr, unk1) = query(&cb, &IID_IUnknown);
    assert_eq!(hr, HResult::S_OK);
    let (hr, own) = query(&cb, &IID_IMAPISyncProgressCallback);
    assert_eq!(hr, HResult::S_OK);
    assert_eq!(unk1, cb.as_raw().cast());
    assert_eq!(own, cb.as_raw().cast());

    // Through the pointer QueryInterface returned, IID_IUnknown is still the same pointer.
    let second: *mut abi::IUnknown = own.cast();
    let mut unk2 = ptr::null_mut();
    // SAFETY: `second` carries a reference from the QueryInterface above.
    let hr = unsafe { (unknown_vtbl(second).QueryInterface)(second, &IID_IUnknown, &mut unk2) };
    assert_eq!(HResult(hr), HResult::S_OK);
    assert_eq!(unk2, unk1);

    // Three successful QueryInterface calls: three references to give back.
    assert_eq!(count(&cb), 4);
    for p in [unk1, own, unk2] {
        // SAFETY: each carries a reference of its own.
        unsafe { release(p.cast()) };
    }
    assert_eq!(count(&cb), 1);
}

#[test]
fn query_interface_answers_nothing_else() {
    let cb = ProgressCallback::new(Recorder::default());
    let strangers = [
        IID_IMAPISync,
        // IInspectable and IAgileObject: a plain COM object answers neither.
        "{AF86E2E0-B12D-4C6A-9C5A-D7AA65101E90}"
            .parse::<GUID>()
            .unwrap(),
        "{94EA2B94-E9CC-49E0-C0FF-EE64CA8F5B90}"
            .parse::<GUID>()
            .unwrap(),
        GUID::from_u128(0),
    ];
    for iid in strangers {
        let (hr, out) = query(&cb, &iid);
        assert_eq!(hr, HResult::E_NOINTERFACE, "{iid}");
        assert!(out.is_null(), "{iid}: *ppv must be NULL on failure");
    }
    assert_eq!(count(&cb), 1, "a failed QueryInterface takes no reference");
}

#[test]
fn query_interface_null_arguments() {
    let cb = ProgressCallback::new(Recorder::default());
    let p = cb.as_unknown();
    // SAFETY: `cb` holds a reference; a null `ppv` must not be written.
    let hr = unsafe { (unknown_vtbl(p).QueryInterface)(p, &IID_IUnknown, ptr::null_mut()) };
    assert_eq!(HResult(hr), HResult::E_POINTER);

    let mut out = 0x1_usize as *mut std::ffi::c_void;
    // SAFETY: `cb` holds a reference; a null `riid` must not be read.
    let hr = unsafe { (unknown_vtbl(p).QueryInterface)(p, null_iid(), &mut out) };
    assert_eq!(HResult(hr), HResult::E_INVALIDARG);
    assert!(out.is_null());
    assert_eq!(count(&cb), 1);
}

#[test]
fn add_ref_and_release_return_the_exact_new_count() {
    let cb = ProgressCallback::new(Recorder::default());
    assert_eq!(add_ref(&cb), 2);
    assert_eq!(add_ref(&cb), 3);
    let clone = cb.clone();
    assert_eq!(add_ref(&cb), 5);
    // SAFETY: each gives back one of the raw references taken above.
    unsafe {
        assert_eq!(release(cb.as_unknown()), 4);
        assert_eq!(release(cb.as_unknown()), 3);
        assert_eq!(release(cb.as_unknown()), 2);
    }
    drop(clone);
    assert_eq!(count(&cb), 1);
}

#[test]
fn the_value_is_dropped_exactly_once_on_the_last_release() {
    let recorder = Recorder::default();
    let drops = recorder.drops.clone();
    let cb = ProgressCallback::new(recorder);
    let raw = cb.clone().into_raw();
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    // SAFETY: `raw` carries the last reference.
    let last = unsafe { release(raw.cast()) };
    assert_eq!(last, 0);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn from_unknown_adopts_a_new_reference_and_leaves_the_callers_alone() {
    let cb = ProgressCallback::new(Recorder::default());
    // SAFETY: `cb` is live and holds a reference for the call.
    let again = unsafe { ProgressCallback::from_unknown(cb.as_unknown()) }.unwrap();
    assert_eq!(again.as_raw(), cb.as_raw());
    assert_eq!(count(&cb), 2);
    drop(again);
    assert_eq!(count(&cb), 1);
}

#[test]
fn from_unknown_refuses_null() {
    // SAFETY: null is accepted and refused.
    let err = unsafe { ProgressCallback::from_unknown(ptr::null_mut()) }.unwrap_err();
    assert!(matches!(err, Error::NullPointer { .. }), "{err}");
    assert_eq!(err.hresult(), HResult::E_POINTER);
}

#[test]
#[should_panic(expected = "null pointer")]
fn from_raw_panics_on_null() {
    // SAFETY: null is documented to panic, never to be used.
    let _ = unsafe { ProgressCallback::from_raw(ptr::null_mut()) };
}

#[test]
fn progress_callback_is_send_sync_and_pointer_sized() {
    fn check<T: Send + Sync>() {}
    check::<ProgressCallback>();
    check::<mapisync::Handle>();
    assert_eq!(
        std::mem::size_of::<Option<ProgressCallback>>(),
        std::mem::size_of::<*mut ()>()
    );
}

#[test]
#[should_panic(expected = "null pointer")]
fn unknown_from_raw_panics_on_null() {
    // SAFETY: null is documented to panic, never to be used.
    let _ = unsafe { mapisync::Unknown::from_raw(ptr::null_mut()) };
}

#[test]
#[should_panic(expected = "null pointer")]
fn from_borrowed_panics_on_null() {
    // SAFETY: null is documented to panic, never to be used.
    let _ = unsafe { mapisync::MapiSync::from_borrowed(ptr::null_mut()) };
}

#[test]
fn from_borrowed_takes_a_reference_of_its_own() {
    let cb = ProgressCallback::new(Recorder::default());
    // SAFETY: `cb` holds a reference for the call.
    let borrowed = unsafe { ProgressCallback::from_borrowed(cb.as_raw()) };
    assert_eq!(count(&cb), 2, "AddRef'd, not adopted");
    drop(borrowed);
    assert_eq!(count(&cb), 1);
}

#[test]
fn cast_asks_for_another_interface() {
    let cb = ProgressCallback::new(Recorder::default());
    let unknown = cb.cast::<abi::IUnknown>().unwrap();
    assert_eq!(count(&cb), 2);
    let back: ProgressCallback = unknown.cast().unwrap();
    assert_eq!(back.as_raw(), cb.as_raw());
    let err = unknown.cast::<abi::IMAPISync>().unwrap_err();
    assert_eq!(err.hresult(), HResult::E_NOINTERFACE);
    drop((unknown, back));
    assert_eq!(count(&cb), 1);
}

#[test]
fn equality_is_com_identity() {
    let a = ProgressCallback::new(Recorder::default());
    let b = ProgressCallback::new(Recorder::default());
    assert!(a == a.clone());
    assert!(a != b);
    // The same object through another interface is equal; the comparison leaves no reference.
    assert!(a.to_unknown() == a);
    assert!(a == a.cast::<abi::IUnknown>().unwrap());
    assert!(b.to_unknown() != a);
    assert_eq!(count(&a), 1);
    let set: std::collections::HashSet<_> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
}
