//! Emulated events, off Windows: a registry of handle values, each naming a flag and a condition
//! variable; values inside this copy's own handle space ([`space`]), and handles of another copy
//! of mapisync in the process operated on through that copy's own functions.

mod foreign;
mod space;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{bad_handle, EventReset};
use crate::core::error::Result;
use crate::core::handle::Handle;
use foreign::Foreign;

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

/// Every handle this copy made: the open ones and the counter new values come from.
static TABLE: Mutex<Table> = Mutex::new(Table {
    next: space::FIRST_SLOT,
    open: Vec::new(),
});

/// The handles, under one lock.
struct Table {
    /// The slot of the next handle value (value = the space's base + 4 × slot).
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

    /// The open handle `value`'s event.
    fn find(&self, value: usize) -> Option<&Arc<State>> {
        self.position(value).ok().map(|at| &self.open[at].1)
    }

    /// Closes the open handle at `at`.
    fn close_at(&mut self, at: usize) {
        let (_, state) = self.open.remove(at);
        // Release: whoever sees the flag cleared sees the handle gone from the table.
        state.open.store(false, Ordering::Release);
    }

    /// Closes `value` if it is open: false if it is not.
    fn close(&mut self, value: usize) -> bool {
        self.position(value).map(|at| self.close_at(at)).is_ok()
    }

    /// Closes `value` if it is open and names `state`.
    fn close_if(&mut self, value: usize, state: &Arc<State>) -> bool {
        match self.position(value) {
            Ok(at) if Arc::ptr_eq(&self.open[at].1, state) => {
                self.close_at(at);
                true
            }
            _ => false,
        }
    }

    /// Opens a new handle for `state` in the space at `base` and returns its value: the next
    /// slot's, past any value still open. Values go up from the first slot past the space's
    /// header and none is handed out twice before the counter wraps, after
    /// [`space::HANDLE_SLOTS`] − [`space::FIRST_SLOT`] events; after that a value comes back only once
    /// its handle is closed, so a value never names two events at once.
    fn open_new(&mut self, base: usize, state: Arc<State>) -> usize {
        let (value, at) = loop {
            let slot = self.next;
            self.next = if slot + 1 >= space::HANDLE_SLOTS {
                space::FIRST_SLOT
            } else {
                slot + 1
            };
            let value = base + 4 * slot;
            match self.open.last() {
                // The counter wrapped: the place is searched for, and a value still open is
                // passed over.
                Some(&(last, _)) if last >= value => {
                    if let Err(at) = self.position(value) {
                        break (value, at);
                    }
                }
                _ => break (value, self.open.len()),
            }
        };
        self.open.insert(at, (value, state));
        value
    }
}

/// The event behind an [`Event`] value: this copy's own, or another copy's.
#[derive(Clone, Debug)]
enum EventObject {
    Own(Arc<State>),
    Foreign(Foreign),
}

/// An emulated event object and the handle it is registered under.
///
/// An `Event` value keeps the event itself alive, whether or not its handle is still open: a
/// provider's worker can always signal the event it created, even after the host has closed the
/// handle. `Clone` gives another reference to the same event.
#[derive(Clone, Debug)]
pub struct Event {
    handle: Handle,
    object: EventObject,
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
        let base = space::own_base(&foreign::OPS);
        let value = TABLE.lock().open_new(base, Arc::clone(&state));
        Event {
            handle: Handle(value as *mut core::ffi::c_void),
            object: EventObject::Own(state),
        }
    }

    /// The event an open handle names, made by this copy of mapisync or by another one in the
    /// process. `E_HANDLE` if the handle is null, was never created by [`Event::new`], or has been
    /// closed.
    pub fn from_handle(handle: Handle) -> Result<Event> {
        let value = handle.0 as usize;
        if let Some(state) = TABLE.lock().find(value) {
            let object = EventObject::Own(Arc::clone(state));
            return Ok(Event { handle, object });
        }
        match Foreign::find(value) {
            Some(foreign) => Ok(Event {
                handle,
                object: EventObject::Foreign(foreign),
            }),
            None => Err(bad_handle(handle)),
        }
    }

    /// Closes an open handle. The event lives on for the `Event` values still held.
    /// `E_HANDLE` if the handle is null, unknown, or already closed.
    pub fn close_handle(handle: Handle) -> Result<()> {
        let value = handle.0 as usize;
        let closed = TABLE.lock().close(value);
        if closed || space::close_foreign(value) {
            Ok(())
        } else {
            Err(bad_handle(handle))
        }
    }

    /// Closes the handle this event was created or found under, if that handle is still open: not
    /// when it was closed and its value, after the counter wrapped, given to a newer event. Then
    /// it is `E_HANDLE` and nothing is closed, where [`Event::close_handle`] on the bare value
    /// would close the newer event.
    pub(crate) fn close_own_handle(&self) -> Result<()> {
        let value = self.handle.0 as usize;
        let closed = match &self.object {
            EventObject::Own(state) => TABLE.lock().close_if(value, state),
            EventObject::Foreign(foreign) => foreign.close_own(value),
        };
        if closed {
            Ok(())
        } else {
            Err(bad_handle(self.handle))
        }
    }

    /// True while `handle` is open.
    pub fn is_open(handle: Handle) -> bool {
        let value = handle.0 as usize;
        // The table's lock is let go before another copy is asked: that copy may be asking this
        // one at the same time.
        let own = TABLE.lock().position(value).is_ok();
        own || space::is_open_foreign(value)
    }

    /// True while the handle this event was created or found under is still open: read from the
    /// event itself rather than from the table (a value names one event at a time, but may name a
    /// newer one after the counter wraps).
    pub(crate) fn handle_still_open(&self) -> bool {
        match &self.object {
            EventObject::Own(state) => state.still_open(),
            EventObject::Foreign(foreign) => foreign.still_open(),
        }
    }

    /// How many handles this copy of mapisync made that are open, for leak accounting. (Another
    /// copy in the process, such as a provider library's own, counts its own.)
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
        match &self.object {
            EventObject::Own(state) => state.set(),
            EventObject::Foreign(foreign) => foreign.set(),
        }
    }

    /// Returns the event to the unsignalled state.
    pub fn reset(&self) {
        match &self.object {
            EventObject::Own(state) => state.reset(),
            EventObject::Foreign(foreign) => foreign.reset(),
        }
    }

    /// True while the event is signalled.
    pub fn is_set(&self) -> bool {
        match &self.object {
            EventObject::Own(state) => state.is_set(),
            EventObject::Foreign(foreign) => foreign.is_set(),
        }
    }

    /// Waits until the event is signalled.
    pub fn wait(&self) {
        self.wait_until(None);
    }

    /// Waits until the event is signalled or `timeout` has passed; true if it was signalled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(Instant::now().checked_add(timeout))
    }

    /// Waits until the event is signalled or `deadline` has passed (`None`: for ever); true if it
    /// was signalled. Reads no clock when the event is signalled already.
    pub(crate) fn wait_until(&self, deadline: Option<Instant>) -> bool {
        match &self.object {
            EventObject::Own(state) => state.wait_until(deadline),
            EventObject::Foreign(foreign) => foreign.wait_until(deadline),
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

    /// [`Event::handle_still_open`] of this copy's events.
    fn still_open(&self) -> bool {
        // Acquire: pairs with the Release in `close_at`.
        self.open.load(Ordering::Acquire)
    }

    /// [`Event::set`].
    fn set(&self) {
        let mut signalled = self.signalled();
        *signalled = true;
        match self.reset {
            EventReset::Manual => self.changed.notify_all(),
            EventReset::Auto => self.changed.notify_one(),
        }
    }

    /// [`Event::reset`].
    fn reset(&self) {
        *self.signalled() = false;
    }

    /// [`Event::is_set`].
    fn is_set(&self) -> bool {
        *self.signalled()
    }

    /// [`Event::wait_until`].
    fn wait_until(&self, deadline: Option<Instant>) -> bool {
        let mut signalled = self.signalled();
        while !*signalled {
            signalled = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    let (guard, _) = self
                        .changed
                        .wait_timeout(signalled, left)
                        .unwrap_or_else(PoisonError::into_inner);
                    guard
                }
                // A timeout too long to represent is a wait without one.
                None => self
                    .changed
                    .wait(signalled)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
        // What a successful wait does to the state.
        if self.reset == EventReset::Auto {
            *signalled = false;
        }
        true
    }
}
