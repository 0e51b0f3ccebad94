//! Emulated events, off Windows: a registry of handle values, each naming a flag and a condition
//! variable.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::{bad_handle, EventReset};
use crate::core::error::Result;
use crate::core::handle::Handle;

#[derive(Debug)]
struct State {
    signalled: Mutex<bool>,
    changed: Condvar,
    reset: EventReset,
    /// True while the one handle the event was registered under is open: set with the handle's
    /// entry in [`OPEN`], cleared when it leaves, under the table's lock.
    open: AtomicBool,
}

/// Open handles, by value, in ascending order, each with a reference on its event. Values are
/// handed out in ascending order, so a new handle goes at (or next to) the end, and a lookup is a
/// binary search over the handles open right now: a few steps, where a tree would allocate and
/// rebalance nodes.
static OPEN: Mutex<Vec<(usize, Arc<State>)>> = Mutex::new(Vec::new());

/// Where `value` is, or would go, in the open handles.
fn position(open: &[(usize, Arc<State>)], value: usize) -> core::result::Result<usize, usize> {
    open.binary_search_by_key(&value, |&(v, _)| v)
}
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
            open: AtomicBool::new(true),
        });
        // Relaxed: the counter only has to hand out distinct values.
        let value = NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(4);
        let mut open = OPEN.lock();
        // Another thread may have taken a smaller value and not registered it yet: the place is
        // found from the end, where it almost always is.
        let at = match open.last() {
            Some(&(last, _)) if last > value => position(&open, value).unwrap_or_else(|at| at),
            _ => open.len(),
        };
        open.insert(at, (value, Arc::clone(&state)));
        drop(open);
        Event {
            handle: Handle(value as *mut core::ffi::c_void),
            state,
        }
    }

    /// The event an open handle names. `E_HANDLE` if the handle is null, was never created by
    /// [`Event::new`], or has been closed.
    pub fn from_handle(handle: Handle) -> Result<Event> {
        let open = OPEN.lock();
        match position(&open, handle.0 as usize) {
            Ok(at) => Ok(Event {
                handle,
                state: Arc::clone(&open[at].1),
            }),
            Err(_) => Err(bad_handle(handle)),
        }
    }

    /// Closes an open handle. The event lives on for the `Event` values still held.
    /// `E_HANDLE` if the handle is null, unknown, or already closed.
    pub fn close_handle(handle: Handle) -> Result<()> {
        let mut open = OPEN.lock();
        match position(&open, handle.0 as usize) {
            Ok(at) => {
                let (_, state) = open.remove(at);
                // Release: whoever sees the flag cleared sees the handle gone from the table.
                state.open.store(false, Ordering::Release);
                drop(open);
                Ok(())
            }
            Err(_) => Err(bad_handle(handle)),
        }
    }

    /// Closes the handle this event was registered under ([`Event::close_handle`]: values are
    /// never reused here).
    pub(crate) fn close_own_handle(&self) -> Result<()> {
        Event::close_handle(self.handle)
    }

    /// True while `handle` is open.
    pub fn is_open(handle: Handle) -> bool {
        position(&OPEN.lock(), handle.0 as usize).is_ok()
    }

    /// True while the handle this event was created or found under is still open. (Off Windows a
    /// value is never reused and names one event, so this is [`Event::is_open`] of that handle,
    /// read from the event itself rather than from the table.)
    pub(crate) fn handle_still_open(&self) -> bool {
        // Acquire: pairs with the Release in `close_handle`.
        self.state.open.load(Ordering::Acquire)
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
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// Waits until the event is signalled or `deadline` has passed (`None`: for ever); true if it
    /// was signalled. Reads no clock when the event is signalled already.
    pub(crate) fn wait_until(&self, deadline: Option<Instant>) -> bool {
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
