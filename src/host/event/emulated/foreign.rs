//! The operations a copy of mapisync offers the other copies on its events ([`Ops`], through the
//! header of its handle space), and a reference on another copy's event ([`Foreign`]) that uses
//! them. The design is in [`super::space`].

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::space::{foreign_ops, Ops};
use super::{State, TABLE};

/// This copy's operations.
pub(super) static OPS: Ops = Ops {
    find: op_find,
    close: op_close,
    is_open: op_is_open,
    retain: op_retain,
    release: op_release,
    set: op_set,
    reset: op_reset,
    is_set: op_is_set,
    wait: op_wait,
    still_open: op_still_open,
    close_own: op_close_own,
};

/// A reference on another copy's event, operated on through that copy's functions.
pub(super) struct Foreign {
    ops: &'static Ops,
    object: NonNull<c_void>,
}

// SAFETY: the object is the owning copy's `Arc<State>`, whose state is a mutex, a condition
// variable and atomics (Send and Sync), and every operation goes through that copy's functions,
// which take its own locks; the reference count is atomic.
unsafe impl Send for Foreign {}
// SAFETY: as for Send: no operation needs exclusive access.
unsafe impl Sync for Foreign {}

impl Foreign {
    /// The event another copy has open under `value`.
    pub(super) fn find(value: usize) -> Option<Foreign> {
        let ops = foreign_ops(value)?;
        let object = NonNull::new((ops.find)(value).cast_mut())?;
        Some(Foreign { ops, object })
    }

    /// The object, for the owner's functions.
    fn object(&self) -> *const c_void {
        self.object.as_ptr()
    }

    pub(super) fn close_own(&self, value: usize) -> bool {
        // SAFETY: (for this and every call below) the object came from the same copy's `find`
        // and this value holds a reference on it until it drops.
        unsafe { (self.ops.close_own)(self.object(), value) }
    }
    pub(super) fn still_open(&self) -> bool {
        // SAFETY: as in `close_own`.
        unsafe { (self.ops.still_open)(self.object()) }
    }
    pub(super) fn set(&self) {
        // SAFETY: as in `close_own`.
        unsafe { (self.ops.set)(self.object()) }
    }
    pub(super) fn reset(&self) {
        // SAFETY: as in `close_own`.
        unsafe { (self.ops.reset)(self.object()) }
    }
    pub(super) fn is_set(&self) -> bool {
        // SAFETY: as in `close_own`.
        unsafe { (self.ops.is_set)(self.object()) }
    }
    pub(super) fn wait_until(&self, deadline: Option<Instant>) -> bool {
        let nanos = deadline.map_or(u64::MAX, |d| {
            let left = d.saturating_duration_since(Instant::now()).as_nanos();
            u64::try_from(left).unwrap_or(u64::MAX - 1)
        });
        // SAFETY: as in `close_own`.
        unsafe { (self.ops.wait)(self.object(), nanos) }
    }
}

impl Clone for Foreign {
    fn clone(&self) -> Foreign {
        // SAFETY: as in `close_own`; the new reference is released by the clone's drop.
        unsafe { (self.ops.retain)(self.object()) };
        Foreign {
            ops: self.ops,
            object: self.object,
        }
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        // SAFETY: as in `close_own`; this value's reference, released once.
        unsafe { (self.ops.release)(self.object()) }
    }
}

impl core::fmt::Debug for Foreign {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Foreign")
            .field("object", &self.object)
            .finish()
    }
}

/// The state behind an object this copy's `op_find` handed out.
///
/// # Safety
///
/// `object` came from `op_find` of this copy, and a reference on it is held for `'a`.
unsafe fn state<'a>(object: *const c_void) -> &'a State {
    // SAFETY: the caller's guarantee: a live `Arc<State>`'s data pointer.
    unsafe { &*object.cast::<State>() }
}

extern "C" fn op_find(value: usize) -> *const c_void {
    match TABLE.lock().find(value) {
        Some(state) => Arc::into_raw(Arc::clone(state)).cast(),
        None => core::ptr::null(),
    }
}
extern "C" fn op_close(value: usize) -> bool {
    TABLE.lock().close(value)
}
extern "C" fn op_is_open(value: usize) -> bool {
    TABLE.lock().position(value).is_ok()
}
/// # Safety
///
/// `object` came from `op_find`, with a reference held.
unsafe extern "C" fn op_retain(object: *const c_void) {
    // SAFETY: the caller's guarantee: `Arc::into_raw`'s pointer with a reference held.
    unsafe { Arc::increment_strong_count(object.cast::<State>()) }
}
/// # Safety
///
/// `object` came from `op_find`; the caller gives up one reference it holds.
unsafe extern "C" fn op_release(object: *const c_void) {
    // SAFETY: the caller's guarantee.
    unsafe { Arc::decrement_strong_count(object.cast::<State>()) }
}
/// # Safety
///
/// As for `state`.
unsafe extern "C" fn op_set(object: *const c_void) {
    // SAFETY: the caller's guarantee.
    unsafe { state(object) }.set();
}
/// # Safety
///
/// As for `state`.
unsafe extern "C" fn op_reset(object: *const c_void) {
    // SAFETY: the caller's guarantee.
    unsafe { state(object) }.reset();
}
/// # Safety
///
/// As for `state`.
unsafe extern "C" fn op_is_set(object: *const c_void) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { state(object) }.is_set()
}
/// # Safety
///
/// As for `state`.
unsafe extern "C" fn op_wait(object: *const c_void, nanos: u64) -> bool {
    let deadline = match nanos {
        u64::MAX => None,
        n => Instant::now().checked_add(Duration::from_nanos(n)),
    };
    // SAFETY: the caller's guarantee.
    unsafe { state(object) }.wait_until(deadline)
}
/// # Safety
///
/// As for `state`.
unsafe extern "C" fn op_still_open(object: *const c_void) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { state(object) }.still_open()
}
/// # Safety
///
/// `object` came from `op_find`, with a reference held.
unsafe extern "C" fn op_close_own(object: *const c_void, value: usize) -> bool {
    // SAFETY: the caller's guarantee; the reference borrowed is not released here.
    let state = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(object.cast::<State>()) });
    TABLE.lock().close_if(value, &state)
}
