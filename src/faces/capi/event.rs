//! `mapisync_event_*`: the crate's [`Event`] handles, seen from C.

use std::time::Duration;

use super::boundary::{boundary, clear_out, hresult};
use crate::abi::{HANDLE, HRESULT};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::host::event::{Event, EventReset};

/// The `timeout_ms` that waits for ever (Win32's `INFINITE`).
const INFINITE: u32 = u32::MAX;

/// The open event `handle` names, or `E_HANDLE` (NULL, never made, or closed).
fn open(handle: HANDLE) -> Result<Event, HResult> {
    Event::from_handle(Handle(handle)).map_err(|e| e.hresult())
}

/// Makes an event: manual-reset when `manual_reset` is nonzero (auto-reset otherwise), set from
/// the start when `initially_set` is nonzero. On success `*out` holds its handle, which the
/// caller (or whoever it hands the handle to, as `Done` does) closes with
/// `mapisync_event_close`.
///
/// # Safety
///
/// `out` is null or valid for a pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_event_create(
    manual_reset: i32,
    initially_set: i32,
    out: *mut HANDLE,
) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        let reset = if manual_reset != 0 {
            EventReset::Manual
        } else {
            EventReset::Auto
        };
        let event = Event::new(reset);
        if initially_set != 0 {
            event.set();
        }
        // SAFETY: checked non-null and writable above.
        unsafe { out.write(event.handle().0) };
        Ok(HResult::S_OK)
    })
}

/// Sets the event: waiters wake (all of them for a manual-reset event, one for an auto-reset
/// one). `E_HANDLE` for a handle that is not an open event.
#[no_mangle]
pub extern "C" fn mapisync_event_set(event: HANDLE) -> HRESULT {
    hresult(|| {
        open(event)?.set();
        Ok(HResult::S_OK)
    })
}

/// Resets the event. `E_HANDLE` for a handle that is not an open event.
#[no_mangle]
pub extern "C" fn mapisync_event_reset(event: HANDLE) -> HRESULT {
    hresult(|| {
        open(event)?.reset();
        Ok(HResult::S_OK)
    })
}

/// Waits until the event is set (`S_OK`; an auto-reset event is reset again) or `timeout_ms`
/// passed (`MAPI_E_TIMEOUT`); `0xFFFFFFFF` waits for ever. `E_HANDLE` for a handle that is not an
/// open event.
#[no_mangle]
pub extern "C" fn mapisync_event_wait(event: HANDLE, timeout_ms: u32) -> HRESULT {
    hresult(|| {
        let event = open(event)?;
        if timeout_ms == INFINITE {
            event.wait();
            return Ok(HResult::S_OK);
        }
        if event.wait_timeout(Duration::from_millis(timeout_ms.into())) {
            Ok(HResult::S_OK)
        } else {
            Err(HResult::MAPI_E_TIMEOUT)
        }
    })
}

/// Closes the handle. `E_HANDLE` when it is unknown or already closed.
#[no_mangle]
pub extern "C" fn mapisync_event_close(event: HANDLE) -> HRESULT {
    hresult(|| {
        Event::close_handle(Handle(event)).map_err(|e| e.hresult())?;
        Ok(HResult::S_OK)
    })
}

/// How many events mapisync made that are not closed yet.
#[no_mangle]
pub extern "C" fn mapisync_event_open_count() -> usize {
    boundary(0, Event::open_handles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_wait_close_and_bad_handles() {
        let mut h: HANDLE = core::ptr::null_mut();
        // SAFETY: `h` is a live local.
        assert_eq!(unsafe { mapisync_event_create(0, 1, &mut h) }, 0);
        assert_eq!(mapisync_event_wait(h, 0), 0);
        // Auto-reset: the wait consumed it.
        assert_eq!(mapisync_event_wait(h, 1), HResult::MAPI_E_TIMEOUT.0);
        assert_eq!(mapisync_event_set(h), 0);
        assert_eq!(mapisync_event_wait(h, INFINITE), 0);
        assert_eq!(mapisync_event_close(h), 0);
        for bad in [h, core::ptr::null_mut()] {
            assert_eq!(mapisync_event_set(bad), HResult::E_HANDLE.0);
            assert_eq!(mapisync_event_reset(bad), HResult::E_HANDLE.0);
            assert_eq!(mapisync_event_wait(bad, 0), HResult::E_HANDLE.0);
            assert_eq!(mapisync_event_close(bad), HResult::E_HANDLE.0);
        }
        // SAFETY: null is allowed.
        let null_out = unsafe { mapisync_event_create(1, 0, core::ptr::null_mut()) };
        assert_eq!(null_out, HResult::E_POINTER.0);
    }
}
