//! Kernel events, on Windows: `CreateEventW`, `SetEvent`, `WaitForSingleObject`, `CloseHandle`.
//!
//! Each [`Event`] value signals and waits through a duplicate handle of its own
//! (`DuplicateHandle`), closed when the last clone goes: the handle it was created under belongs
//! to whoever it was handed to, who may close it at any time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use windows_sys::Win32::Foundation::{
    CloseHandle, DuplicateHandle, DUPLICATE_SAME_ACCESS, FALSE, HANDLE, WAIT_OBJECT_0,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, GetCurrentProcess, ResetEvent, SetEvent, WaitForSingleObject, INFINITE,
};

use super::{bad_handle, EventReset};
use crate::core::error::Result;
use crate::core::handle::Handle;

/// The handles [`Event::new`] created and [`Event::close_handle`] has not closed, by value, each
/// with the generation of the event it names (Windows reuses a closed handle's value).
static OPEN: Mutex<BTreeMap<usize, u64>> = Mutex::new(BTreeMap::new());
/// The next generation; 0 is "not made by `Event::new`".
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// A handle this process owns, closed on drop.
#[derive(Debug)]
struct Owned(HANDLE);

// SAFETY: a kernel handle is a process-wide value; any thread may wait on, signal or close it.
unsafe impl Send for Owned {}
// SAFETY: as above; the operations used (`SetEvent`, `WaitForSingleObject`...) are thread-safe.
unsafe impl Sync for Owned {}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the handle is ours (made by `duplicate`) and closed once, here.
        unsafe { CloseHandle(self.0) };
    }
}

/// A kernel event and the handle it was created or found under.
///
/// An `Event` value keeps the event itself alive, whether or not its handle is still open: a
/// provider's worker can always signal the event it created, even after the host has closed the
/// handle. `Clone` gives another reference to the same event.
#[derive(Clone, Debug)]
pub struct Event {
    handle: Handle,
    own: Arc<Owned>,
    /// `None` for an event found by [`Event::from_handle`], whose kind the handle does not tell.
    reset: Option<EventReset>,
    /// The registry's generation of `handle` when this value was made; 0 if not registered.
    generation: u64,
}

impl Event {
    /// Creates an unsignalled event and opens a new handle for it.
    ///
    /// # Panics
    ///
    /// If the system cannot create an event or duplicate its handle (it is out of handles).
    pub fn new(reset: EventReset) -> Event {
        let manual = i32::from(reset == EventReset::Manual);
        // SAFETY: no security attributes, no name: a new anonymous event; both pointers may be null.
        let raw = unsafe { CreateEventW(core::ptr::null(), manual, FALSE, core::ptr::null()) };
        assert!(
            !raw.is_null(),
            "CreateEventW failed: {}",
            std::io::Error::last_os_error()
        );
        let own = match duplicate(raw) {
            Some(own) => own,
            None => {
                let error = std::io::Error::last_os_error();
                // SAFETY: `raw` was just created and never handed out.
                unsafe { CloseHandle(raw) };
                panic!("DuplicateHandle failed on a new event: {error}");
            }
        };
        // Relaxed: the counter only has to hand out distinct values. A value already present
        // was closed with a bare CloseHandle and has been reused: the new event replaces it.
        let generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        OPEN.lock().insert(raw as usize, generation);
        Event {
            handle: Handle(raw),
            own: Arc::new(own),
            reset: Some(reset),
            generation,
        }
    }

    /// The event an open handle names: one [`Event::new`] created, or any other event handle of
    /// the process (one a C or C++ provider made with `CreateEventW`). `E_HANDLE` if the handle is
    /// null, a pseudo-handle, or not open.
    pub fn from_handle(handle: Handle) -> Result<Event> {
        if !plausible(handle) {
            return Err(bad_handle(handle));
        }
        let own = duplicate(handle.0).ok_or_else(|| bad_handle(handle))?;
        let generation = OPEN.lock().get(&(handle.0 as usize)).copied().unwrap_or(0);
        Ok(Event {
            handle,
            own: Arc::new(own),
            reset: None,
            generation,
        })
    }

    /// Closes an open handle (`CloseHandle`), whoever made the event. The event lives on for the
    /// `Event` values still held. `E_HANDLE` if the handle is null, a pseudo-handle, or not open.
    pub fn close_handle(handle: Handle) -> Result<()> {
        close(&mut OPEN.lock(), handle)
    }

    /// Closes the handle this event was created or found under, unless mapisync's records show
    /// it was closed since: through [`Event::close_handle`], or closed and its value given to a
    /// newer event of [`Event::new`]. Then it is `E_HANDLE` and nothing is closed, where
    /// [`Event::close_handle`] on the bare value would close the newer event.
    pub(crate) fn close_own_handle(&self) -> Result<()> {
        let mut open = OPEN.lock();
        let recorded = open.get(&(self.handle.0 as usize)).copied();
        match recorded {
            Some(generation) if generation != self.generation => Err(bad_handle(self.handle)),
            None if self.generation != 0 => Err(bad_handle(self.handle)),
            _ => close(&mut open, self.handle),
        }
    }

    /// True while `handle`, created by [`Event::new`], has not been closed through
    /// [`Event::close_handle`].
    pub fn is_open(handle: Handle) -> bool {
        OPEN.lock().contains_key(&(handle.0 as usize))
    }

    /// True while the handle this event was created or found under is still open and still names
    /// this event. For an event of [`Event::new`] mapisync's records say so exactly, a value
    /// closed and given to a newer event included (a bare `CloseHandle` they cannot see). For an
    /// event mapisync did not make (a provider's own `CreateEventW`) the handle itself is asked:
    /// open if it can be duplicated.
    pub(crate) fn handle_still_open(&self) -> bool {
        if self.generation != 0 {
            return OPEN.lock().get(&(self.handle.0 as usize)) == Some(&self.generation);
        }
        plausible(self.handle) && duplicate(self.handle.0).is_some()
    }

    /// How many handles created by [`Event::new`] are still open, for leak accounting.
    pub fn open_handles() -> usize {
        OPEN.lock().len()
    }

    /// The handle this event was created or found under (it may have been closed since).
    pub fn handle(&self) -> Handle {
        self.handle
    }

    /// Signals the event (`SetEvent`), waking the waiters (all of them for a manual-reset event,
    /// one for an auto-reset event).
    pub fn set(&self) {
        // SAFETY: `own` is an open event handle for as long as `self` lives.
        unsafe { SetEvent(self.own.0) };
    }

    /// Returns the event to the unsignalled state (`ResetEvent`).
    pub fn reset(&self) {
        // SAFETY: as in `set`.
        unsafe { ResetEvent(self.own.0) };
    }

    /// True while the event is signalled. For an auto-reset event (or one found by
    /// [`Event::from_handle`]) looking is a zero-timeout wait followed, when it succeeded, by
    /// `SetEvent` to put the signal back.
    pub fn is_set(&self) -> bool {
        let set = self.wait_ms(0);
        if set && self.reset != Some(EventReset::Manual) {
            self.set();
        }
        set
    }

    /// Waits until the event is signalled.
    pub fn wait(&self) {
        while !self.wait_ms(INFINITE) {}
    }

    /// Waits until the event is signalled or `timeout` has passed; true if it was signalled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            // A timeout too long to represent is a wait without one.
            self.wait();
            return true;
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            // Rounded up, so a wait never ends before its deadline; INFINITE itself is excluded.
            let ms = left
                .as_nanos()
                .div_ceil(1_000_000)
                .min(u128::from(INFINITE - 1)) as u32;
            if self.wait_ms(ms) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
        }
    }

    /// Waits until the event is signalled or `deadline` has passed (`None`: for ever); true if it
    /// was signalled.
    pub(crate) fn wait_until(&self, deadline: Option<Instant>) -> bool {
        match deadline {
            Some(deadline) => self.wait_timeout(deadline.saturating_duration_since(Instant::now())),
            None => {
                self.wait();
                true
            }
        }
    }

    /// One `WaitForSingleObject`; true if the event was signalled.
    fn wait_ms(&self, ms: u32) -> bool {
        // SAFETY: as in `set`.
        unsafe { WaitForSingleObject(self.own.0, ms) == WAIT_OBJECT_0 }
    }
}

/// Closes `handle` and forgets it, under the registry's lock, so that no `Event::new` can record
/// the value again in between.
fn close(open: &mut BTreeMap<usize, u64>, handle: Handle) -> Result<()> {
    if !plausible(handle) {
        return Err(bad_handle(handle));
    }
    open.remove(&(handle.0 as usize));
    // SAFETY: closing a value that is not an open handle only fails; the caller hands the handle
    // over, as `CloseHandle`'s caller does.
    if unsafe { CloseHandle(handle.0) } == FALSE {
        return Err(bad_handle(handle));
    }
    Ok(())
}

/// Not null and not a pseudo-handle (`GetCurrentProcess()` and its kind are small negative
/// values, which `CloseHandle` accepts without closing anything).
fn plausible(handle: Handle) -> bool {
    (handle.0 as isize) > 0
}

/// A handle of our own to the object `handle` names; `None` if `handle` is not open.
fn duplicate(handle: HANDLE) -> Option<Owned> {
    let mut out: HANDLE = core::ptr::null_mut();
    // SAFETY: both processes are this one (the pseudo-handle needs no closing); `out` is a valid
    // slot; a `handle` that is not open only makes the call fail.
    let ok = unsafe {
        DuplicateHandle(
            GetCurrentProcess(),
            handle,
            GetCurrentProcess(),
            &mut out,
            0,
            FALSE,
            DUPLICATE_SAME_ACCESS,
        )
    };
    (ok != FALSE && !out.is_null()).then_some(Owned(out))
}
