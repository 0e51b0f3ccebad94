//! Emulated events, off Windows: a registry of handle values, each naming a flag and a condition
//! variable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{bad_handle, EventReset};
use crate::core::error::Result;
use crate::core::handle::Handle;

/// An event's own state. Its flag and condition variable are std's: on Linux a futex each, so a
/// wait and a wake-up go straight to the kernel, without the parking lot's shared table.
#[derive(Debug)]
struct State {
    signalled: std::sync::Mutex<bool>,
    changed: Condvar,
    reset: EventReset,
    /// True while the one handle the event was registered under is open: set with the handle's
    /// entry in [`TABLE`], cleared when it leaves, under the table's lock.
    open: AtomicBool,
}

/// Every handle of the process: the open ones and the counter new values come from.
static TABLE: Mutex<Table> = Mutex::new(Table {
    next: 0x100,
    open: Vec::new(),
});

/// The handles, under one lock.
struct Table {
    /// The next handle value / 4.
    next: usize,
    /// Open handles, by value, in ascending order, each with a reference on its event. Values
    /// are handed out in ascending order, so a new handle goes at the end (until the counter
    /// wraps), and a lookup is a binary search over the handles open right now: a few steps,
    /// where a tree would allocate and rebalance nodes.
    open: Vec<(usize, Arc<State>)>,
}

impl Table {
    /// Where `value` is, or would go, in the open handles.
    fn position(&self, value: usize) -> core::result::Result<usize, usize> {
        self.open.binary_search_by_key(&value, |&(v, _)| v)
    }

    /// Closes the open handle at `at`.
    fn close_at(&mut self, at: usize) {
        let (_, state) = self.open.remove(at);
        // Release: whoever sees the flag cleared sees the handle gone from the table.
        state.open.store(false, Ordering::Release);
    }

    /// Opens a new handle for `state` and returns its value: the counter times 4, past NULL and
    /// past any value still open. Values go up from 0x400 and none is handed out twice before
    /// the counter wraps, after 2^62 events on a 64-bit target and 2^30 on a 32-bit one; after
    /// that a value comes back only once its handle is closed, so a value never names two events
    /// at once. (All values open at once would need more memory than such a target has.)
    fn open_new(&mut self, state: Arc<State>) -> usize {
        let (value, at) = loop {
            let value = self.next.wrapping_mul(4);
            self.next = self.next.wrapping_add(1);
            match self.open.last() {
                // The counter wrapped: the place is searched for, and a value still open is
                // passed over.
                Some(&(last, _)) if last >= value => match self.position(value) {
                    Err(at) if value != 0 => break (value, at),
                    _ => {}
                },
                _ if value != 0 => break (value, self.open.len()),
                _ => {}
            }
        };
        self.open.insert(at, (value, state));
        value
    }
}

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
            signalled: std::sync::Mutex::new(false),
            changed: Condvar::new(),
            reset,
            open: AtomicBool::new(true),
        });
        let value = TABLE.lock().open_new(Arc::clone(&state));
        Event {
            handle: Handle(value as *mut core::ffi::c_void),
            state,
        }
    }

    /// The event an open handle names. `E_HANDLE` if the handle is null, was never created by
    /// [`Event::new`], or has been closed.
    pub fn from_handle(handle: Handle) -> Result<Event> {
        let table = TABLE.lock();
        match table.position(handle.0 as usize) {
            Ok(at) => Ok(Event {
                handle,
                state: Arc::clone(&table.open[at].1),
            }),
            Err(_) => Err(bad_handle(handle)),
        }
    }

    /// Closes an open handle. The event lives on for the `Event` values still held.
    /// `E_HANDLE` if the handle is null, unknown, or already closed.
    pub fn close_handle(handle: Handle) -> Result<()> {
        let mut table = TABLE.lock();
        match table.position(handle.0 as usize) {
            Ok(at) => {
                table.close_at(at);
                Ok(())
            }
            Err(_) => Err(bad_handle(handle)),
        }
    }

    /// Closes the handle this event was created or found under, if that handle is still open: not
    /// when it was closed and its value, after the counter wrapped, given to a newer event. Then
    /// it is `E_HANDLE` and nothing is closed, where [`Event::close_handle`] on the bare value
    /// would close the newer event.
    pub(crate) fn close_own_handle(&self) -> Result<()> {
        let mut table = TABLE.lock();
        match table.position(self.handle.0 as usize) {
            Ok(at) if Arc::ptr_eq(&table.open[at].1, &self.state) => {
                table.close_at(at);
                Ok(())
            }
            _ => Err(bad_handle(self.handle)),
        }
    }

    /// True while `handle` is open.
    pub fn is_open(handle: Handle) -> bool {
        TABLE.lock().position(handle.0 as usize).is_ok()
    }

    /// True while the handle this event was created or found under is still open: read from the
    /// event itself rather than from the table (a value names one event at a time, but may name a
    /// newer one after the counter wraps).
    pub(crate) fn handle_still_open(&self) -> bool {
        // Acquire: pairs with the Release in `close_at`.
        self.state.open.load(Ordering::Acquire)
    }

    /// How many handles are open in the whole process, for leak accounting.
    pub fn open_handles() -> usize {
        TABLE.lock().open.len()
    }

    /// The handle this event was registered under (it may have been closed since).
    pub fn handle(&self) -> Handle {
        self.handle
    }

    /// Signals the event, waking the waiters (all of them for a manual-reset event, one for an
    /// auto-reset event).
    pub fn set(&self) {
        let mut signalled = self.state.signalled();
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
        *self.state.signalled() = false;
    }

    /// True while the event is signalled.
    pub fn is_set(&self) -> bool {
        *self.state.signalled()
    }

    /// Waits until the event is signalled.
    pub fn wait(&self) {
        let signalled = self.state.signalled();
        let mut signalled = self
            .state
            .changed
            .wait_while(signalled, |signalled| !*signalled)
            .unwrap_or_else(PoisonError::into_inner);
        self.consume(&mut signalled);
    }

    /// Waits until the event is signalled or `timeout` has passed; true if it was signalled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// Waits until the event is signalled or `deadline` has passed (`None`: for ever); true if it
    /// was signalled. Reads no clock when the event is signalled already.
    pub(crate) fn wait_until(&self, deadline: Option<Instant>) -> bool {
        let mut signalled = self.state.signalled();
        while !*signalled {
            signalled = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    let (guard, _) = self
                        .state
                        .changed
                        .wait_timeout(signalled, left)
                        .unwrap_or_else(PoisonError::into_inner);
                    guard
                }
                // A timeout too long to represent is a wait without one.
                None => self
                    .state
                    .changed
                    .wait(signalled)
                    .unwrap_or_else(PoisonError::into_inner),
            };
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

impl State {
    /// The flag, locked. A panic under the lock cannot leave a `bool` half written: a poisoned
    /// lock is taken as it is.
    fn signalled(&self) -> MutexGuard<'_, bool> {
        self.signalled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hresult::HResult;

    /// An event's shared state, not registered anywhere.
    fn state() -> Arc<State> {
        Arc::new(State {
            signalled: std::sync::Mutex::new(false),
            changed: Condvar::new(),
            reset: EventReset::Manual,
            open: AtomicBool::new(true),
        })
    }

    #[test]
    fn after_the_counter_wraps_values_pass_over_null_and_every_handle_still_open() {
        // The counter's last value before four times it wraps, on any pointer width.
        let top = usize::MAX / 4;
        let mut table = Table {
            next: top - 1,
            open: vec![(4, state()), (8, state())],
        };
        let values = |table: &Table| table.open.iter().map(|&(v, _)| v).collect::<Vec<_>>();
        assert_eq!(table.open_new(state()), 4 * (top - 1));
        assert_eq!(table.open_new(state()), 4 * top);
        assert_eq!(values(&table), [4, 8, 4 * (top - 1), 4 * top]);
        // Wrapped: 0 is NULL, 4 and 8 are still open; 12 goes between 8 and the high values.
        assert_eq!(table.open_new(state()), 12);
        assert_eq!(values(&table), [4, 8, 12, 4 * (top - 1), 4 * top]);
        assert_eq!(table.next, top + 5, "0, 4 and 8 passed over");
    }

    #[test]
    fn an_event_whose_value_now_names_another_closes_nothing() {
        let newer = Event::new(EventReset::Manual);
        // What an event keeps after its handle was closed and, past a wrap, the value handed to
        // `newer`.
        let stale = Event {
            handle: newer.handle(),
            state: state(),
        };
        assert_eq!(
            stale.close_own_handle().unwrap_err().hresult(),
            HResult::E_HANDLE
        );
        assert!(Event::is_open(newer.handle()) && newer.handle_still_open());
        newer.close_own_handle().unwrap();
        assert!(!Event::is_open(newer.handle()) && !newer.handle_still_open());
    }
}
