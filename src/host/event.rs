//! Emulated event handles: the `HANDLE` a provider hands out through `MAPISIB.phSyncDoneEvent`.
//!
//! Off Windows there is no kernel event object, so mapisync keeps its own: each [`Event`] is
//! registered under a process-unique, never-reused, non-null `HANDLE` value (a multiple of 4, like
//! kernel handles). The value crosses the ABI as an opaque `HANDLE` and turns back into the event
//! with [`Event::from_handle`] anywhere in the same process. Closing the handle
//! ([`Event::close_handle`]) removes it; closing it again, or using a handle that was never
//! created, is `E_HANDLE` with an [`Error`] that says so, never a crash.
//!
//! Ownership follows the reference: the provider creates the event, signals it when its
//! synchronization thread completes, passes the handle to `Done`, and the host closes it.
//!
//! On Windows these handles are emulated too: they are not kernel handles, and must not be passed
//! to `CloseHandle` or `WaitForSingleObject`. A provider and host that both use mapisync agree on
//! them; a real Outlook would not.
//!
//! ```
//! use std::time::Duration;
//! use mapisync::{Event, EventReset, HResult};
//!
//! let event = Event::new(EventReset::Manual);
//! let handle = event.handle(); // what goes through *phSyncDoneEvent
//!
//! let worker = std::thread::spawn(move || Event::from_handle(handle).unwrap().set());
//! assert!(event.wait_timeout(Duration::from_secs(5)));
//! worker.join().unwrap();
//!
//! Event::close_handle(handle)?;
//! assert_eq!(Event::close_handle(handle).unwrap_err().hresult(), HResult::E_HANDLE);
//! # Ok::<(), mapisync::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::core::error::{Error, Result};
use crate::core::handle::Handle;
use crate::core::hresult::HResult;

/// Whether a successful wait resets the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventReset {
    /// Stays signalled until [`Event::reset`]: every waiter wakes. Right for "the thread is done".
    Manual,
    /// A successful wait resets it: one waiter wakes per [`Event::set`].
    Auto,
}

#[derive(Debug)]
struct State {
    signalled: Mutex<bool>,
    changed: Condvar,
    reset: EventReset,
}

/// Open handles, by value. The map holds a reference on each event while its handle is open.
static OPEN: Mutex<BTreeMap<usize, Arc<State>>> = Mutex::new(BTreeMap::new());
/// The next handle value / 4. Never reused, so a stale handle is never mistaken for a new one.
static NEXT: AtomicUsize = AtomicUsize::new(0x100);

/// An emulated event object and the handle it is registered under.
///
/// An `Event` value keeps the event itself alive, whether or not its handle is still open: a
/// provider's worker can always signal the event it created, even after the host has closed the
/// handle. `Clone` gives another reference to the same event.
#[derive(Clone, Debug)]
pub struct Event {
    handle: Handle,
    state: Arc<State>,
}

impl Event {
    /// Creates an unsignalled event and opens a new handle for it.
    pub fn new(reset: EventReset) -> Event {
        let state = Arc::new(State {
            signalled: Mutex::new(false),
            changed: Condvar::new(),
            reset,
        });
        // Relaxed: the counter only has to hand out distinct values.
        let value = NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(4);
        OPEN.lock().insert(value, Arc::clone(&state));
        Event {
            handle: Handle(value as *mut core::ffi::c_void),
            state,
        }
    }

    /// The event an open handle names. `E_HANDLE` if the handle is null, was never created by
    /// [`Event::new`], or has been closed.
    pub fn from_handle(handle: Handle) -> Result<Event> {
        let state = OPEN
            .lock()
            .get(&(handle.0 as usize))
            .cloned()
            .ok_or_else(|| bad_handle(handle))?;
        Ok(Event { handle, state })
    }

    /// Closes an open handle. The event lives on for the `Event` values still held.
    /// `E_HANDLE` if the handle is null, unknown, or already closed.
    pub fn close_handle(handle: Handle) -> Result<()> {
        match OPEN.lock().remove(&(handle.0 as usize)) {
            Some(_) => Ok(()),
            None => Err(bad_handle(handle)),
        }
    }

    /// True while `handle` is open.
    pub fn is_open(handle: Handle) -> bool {
        OPEN.lock().contains_key(&(handle.0 as usize))
    }

    /// How many handles are open in the whole process, for leak accounting.
    pub fn open_handles() -> usize {
        OPEN.lock().len()
    }

    /// The handle this event was registered under (it may have been closed since).
    pub fn handle(&self) -> Handle {
        self.handle
    }

    /// Signals the event, waking the waiters (all of them for a manual-reset event, one for an
    /// auto-reset event).
    pub fn set(&self) {
        let mut signalled = self.state.signalled.lock();
        *signalled = true;
        match self.state.reset {
            EventReset::Manual => {
                self.state.changed.notify_all();
            }
            EventReset::Auto => {
                self.state.changed.notify_one();
            }
        }
    }

    /// Returns the event to the unsignalled state.
    pub fn reset(&self) {
        *self.state.signalled.lock() = false;
    }

    /// True while the event is signalled.
    pub fn is_set(&self) -> bool {
        *self.state.signalled.lock()
    }

    /// Waits until the event is signalled.
    pub fn wait(&self) {
        let mut signalled = self.state.signalled.lock();
        while !*signalled {
            self.state.changed.wait(&mut signalled);
        }
        self.consume(&mut signalled);
    }

    /// Waits until the event is signalled or `timeout` has passed; true if it was signalled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut signalled = self.state.signalled.lock();
        while !*signalled {
            let timed_out = match deadline {
                Some(deadline) => self
                    .state
                    .changed
                    .wait_until(&mut signalled, deadline)
                    .timed_out(),
                // A timeout too long to represent is a wait without one.
                None => {
                    self.state.changed.wait(&mut signalled);
                    false
                }
            };
            if timed_out && !*signalled {
                return false;
            }
        }
        self.consume(&mut signalled);
        true
    }

    /// What a successful wait does to the state.
    fn consume(&self, signalled: &mut bool) {
        if self.state.reset == EventReset::Auto {
            *signalled = false;
        }
    }
}

fn bad_handle(handle: Handle) -> Error {
    Error::new(
        HResult::E_HANDLE,
        format!(
            "handle {:#x} is not an open event handle (never created, or already closed)",
            handle.0 as usize
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_distinct_non_null_and_never_reused() {
        let a = Event::new(EventReset::Manual);
        let b = Event::new(EventReset::Manual);
        assert_ne!(a.handle(), b.handle());
        assert!(!a.handle().is_null());
        assert_eq!(a.handle().0 as usize % 4, 0);
        Event::close_handle(a.handle()).unwrap();
        let c = Event::new(EventReset::Manual);
        assert_ne!(c.handle(), a.handle());
        Event::close_handle(b.handle()).unwrap();
        Event::close_handle(c.handle()).unwrap();
    }

    #[test]
    fn unknown_and_closed_handles_are_e_handle() {
        for h in [
            Handle::NULL,
            Handle(12 as *mut _),
            Handle(usize::MAX as *mut _),
        ] {
            let err = Event::from_handle(h).unwrap_err();
            assert_eq!(err.hresult(), HResult::E_HANDLE);
            assert!(
                err.to_string().contains("not an open event handle"),
                "{err}"
            );
            assert_eq!(
                Event::close_handle(h).unwrap_err().hresult(),
                HResult::E_HANDLE
            );
        }
        let e = Event::new(EventReset::Manual);
        let h = e.handle();
        assert!(Event::is_open(h));
        Event::close_handle(h).unwrap();
        assert!(!Event::is_open(h));
        assert_eq!(
            Event::close_handle(h).unwrap_err().hresult(),
            HResult::E_HANDLE
        );
        assert_eq!(
            Event::from_handle(h).unwrap_err().hresult(),
            HResult::E_HANDLE
        );
        // The event itself still works for whoever holds it.
        e.set();
        assert!(e.is_set());
    }

    #[test]
    fn manual_reset_stays_signalled_auto_reset_does_not() {
        let manual = Event::new(EventReset::Manual);
        assert!(!manual.wait_timeout(Duration::from_millis(1)));
        manual.set();
        assert!(manual.wait_timeout(Duration::ZERO));
        assert!(manual.wait_timeout(Duration::ZERO));
        manual.reset();
        assert!(!manual.is_set());

        let auto = Event::new(EventReset::Auto);
        auto.set();
        auto.wait();
        assert!(!auto.is_set());
        assert!(!auto.wait_timeout(Duration::from_millis(1)));
        for e in [manual, auto] {
            Event::close_handle(e.handle()).unwrap();
        }
    }

    #[test]
    fn a_waiter_on_another_thread_wakes() {
        let e = Event::new(EventReset::Manual);
        let h = e.handle();
        let waiter = std::thread::spawn(move || {
            Event::from_handle(h)
                .unwrap()
                .wait_timeout(Duration::from_secs(30))
        });
        e.set();
        assert!(waiter.join().unwrap());
        assert!(
            e.wait_timeout(Duration::MAX),
            "an unrepresentable timeout waits without one"
        );
        Event::close_handle(h).unwrap();
    }
}
