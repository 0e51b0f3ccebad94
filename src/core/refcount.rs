//! The reference count of every object the crate implements: one `AtomicU32`, `Arc`'s orderings,
//! and saturation instead of wrap-around.

use super::atomics::{fence, AtomicU32, Ordering};

/// The largest count an object reaches in normal use. One more `AddRef` pins the object.
pub(crate) const MAX_COUNT: u32 = i32::MAX as u32;

/// The value a pinned object's count is held at, and what its `AddRef` and `Release` return: half way between `MAX_COUNT` and the wrap to
/// zero, so that even 2^30 racing `AddRef`s or `Release`s between two resets can neither wrap the
/// count nor bring it down to 1.
pub(crate) const PINNED: u32 = 0xC000_0000;

/// What a [`RefCount::release`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Released {
    /// References remain; the new count.
    Alive(u32),
    /// That was the last reference: the caller now owns the object exclusively and must free it.
    /// Every write other threads made through their references happens-before this point.
    Last,
    /// The count was out of range (it had overflowed, or a reference was released that did not
    /// exist): the object is pinned and will never be freed.
    Pinned,
}

/// A thread-safe reference count starting at one.
///
/// Overflow and over-release are caught the way the Linux kernel's `refcount_t` catches them: the
/// count *saturates* and the object is deliberately leaked, so a bug costs memory, never a
/// use-after-free or a double free. A count is out of range when an `AddRef` finds it at zero
/// (the object is already being destroyed) or at `MAX_COUNT` or above, and when a `Release` finds
/// it at zero or above `MAX_COUNT`.
#[derive(Debug)]
pub(crate) struct RefCount(AtomicU32);

impl RefCount {
    /// A count of one: the reference the creator holds. (Not `const`: loom's atomics, which
    /// stand in under `cfg(loom)`, cannot be made in a constant.)
    pub(crate) fn new() -> RefCount {
        RefCount(AtomicU32::new(1))
    }

    /// Adds a reference and returns the new count (`PINNED` once the object is pinned).
    #[inline]
    pub(crate) fn add_ref(&self) -> u32 {
        // Relaxed, as in `Arc::clone`: a new reference can only be made through an existing one,
        // which already keeps the object alive, and no other memory is published by the increment.
        let old = self.0.fetch_add(1, Ordering::Relaxed);
        // `old == 0` (wraps to u32::MAX) or `old >= MAX_COUNT`: out of range.
        if old.wrapping_sub(1) >= MAX_COUNT - 1 {
            self.pin();
            return PINNED;
        }
        old + 1
    }

    /// Drops a reference.
    #[inline]
    pub(crate) fn release(&self) -> Released {
        // Release, as in `Arc::drop`: every use of the object through this reference must happen
        // before whichever thread frees it. That thread synchronizes with all of them through the
        // Acquire fence below, which pairs with this Release on every decrement.
        let old = self.0.fetch_sub(1, Ordering::Release);
        match old {
            1 => {
                fence(Ordering::Acquire);
                Released::Last
            }
            2..=MAX_COUNT => Released::Alive(old - 1),
            _ => {
                self.pin();
                Released::Pinned
            }
        }
    }

    /// Holds the count at `PINNED` for good.
    #[cold]
    fn pin(&self) {
        // Relaxed: a pinned object is never freed, so nothing needs to be ordered against this.
        // A swap rather than a plain store. Under the C++ model the two behave the same here, but
        // loom places a plain store in the count's modification order only partially: with one,
        // it let a later decrement on this thread read past the pin, as if the count had come back
        // to MAX_COUNT - 1 (the model overflow_pins_even_when_racing_releases, loom_tests.rs). As
        // an RMW the pin joins the count's single chain of RMWs, which loom checks exactly. The
        // cold path can afford it.
        self.0.swap(PINNED, Ordering::Relaxed);
    }

    /// The count as it is at this instant (for reports and tests; racing threads may change it).
    #[cfg(test)]
    pub(crate) fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    /// A count that starts at `count`, for tests of the edges (zero, overflow, pinned).
    #[cfg(test)]
    pub(crate) fn at(count: u32) -> RefCount {
        RefCount(AtomicU32::new(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_and_down_to_last() {
        let c = RefCount::new();
        assert_eq!(c.add_ref(), 2);
        assert_eq!(c.add_ref(), 3);
        assert_eq!(c.release(), Released::Alive(2));
        assert_eq!(c.release(), Released::Alive(1));
        assert_eq!(c.release(), Released::Last);
    }

    #[test]
    fn overflow_pins_instead_of_wrapping() {
        let c = RefCount::at(MAX_COUNT - 1);
        assert_eq!(c.add_ref(), MAX_COUNT);
        assert_eq!(c.add_ref(), PINNED);
        assert_eq!(c.get(), PINNED);
        // A pinned object never reaches Last, however often it is released.
        for _ in 0..1000 {
            assert_eq!(c.release(), Released::Pinned);
        }
        assert_eq!(c.add_ref(), PINNED);
    }

    #[test]
    fn over_release_pins_instead_of_freeing_twice() {
        let c = RefCount::at(1);
        assert_eq!(c.release(), Released::Last);
        // The count is zero: a further Release (say, from a destructor that releases its own
        // object) must not report Last a second time.
        assert_eq!(c.release(), Released::Pinned);
        assert_eq!(c.release(), Released::Pinned);
    }

    #[test]
    fn add_ref_at_zero_pins_instead_of_resurrecting() {
        let c = RefCount::at(1);
        assert_eq!(c.release(), Released::Last);
        assert_eq!(c.add_ref(), PINNED);
        assert_eq!(c.release(), Released::Pinned);
    }
}
