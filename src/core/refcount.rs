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

    /// Adds `n` references at once (a holder's spares, see `Spared`); pins the object if that
    /// takes the count out of range, as [`add_ref`](Self::add_ref) does.
    pub(crate) fn add_many(&self, n: u32) {
        // Relaxed, as in `add_ref`: made through a reference the caller holds.
        let old = self.0.fetch_add(n, Ordering::Relaxed);
        let in_range = old != 0 && old.checked_add(n).is_some_and(|new| new <= MAX_COUNT);
        if !in_range {
            self.pin();
        }
    }

    /// Gives back up to `n` references at once and never the last one: the count stops at one.
    /// For a holder giving back its spares, some of which a caller that released too often may
    /// have given back already; the holder's own last reference goes through `Release`, which
    /// frees. A pinned count stays pinned.
    pub(crate) fn release_spares(&self, n: u32) {
        let mut count = self.0.load(Ordering::Relaxed);
        while (1..=MAX_COUNT).contains(&count) {
            // Release, as in `release`, though never the last: the holder's own `Release`, which
            // follows on the same thread, orders its uses before the free on its own.
            match self.0.compare_exchange_weak(
                count,
                count - n.min(count - 1),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(now) => count = now,
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
    #[inline(always)]
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
    fn many_at_once_within_range_and_pinned_past_it() {
        let c = RefCount::new();
        c.add_many(1 << 20);
        assert_eq!(c.get(), 1 + (1 << 20));
        c.release_spares(1 << 20);
        assert_eq!(c.get(), 1);
        assert_eq!(c.release(), Released::Last);

        let c = RefCount::at(MAX_COUNT - 3);
        c.add_many(3);
        assert_eq!(c.get(), MAX_COUNT);
        c.add_many(1);
        assert_eq!(c.get(), PINNED);
        let c = RefCount::at(0);
        c.add_many(2);
        assert_eq!(
            c.get(),
            PINNED,
            "an object being destroyed is never revived"
        );
    }

    #[test]
    fn spares_given_back_stop_at_the_last_reference_and_leave_a_pin() {
        // Two of five spares were given back already by a caller that released too often.
        let c = RefCount::at(1 + 3);
        c.release_spares(5);
        assert_eq!(c.get(), 1);
        assert_eq!(c.release(), Released::Last);
        // Others still hold two: they keep the object.
        let c = RefCount::at(1 + 5 + 2);
        c.release_spares(5);
        assert_eq!(c.get(), 3);
        let c = RefCount::at(PINNED);
        c.release_spares(5);
        assert_eq!(c.get(), PINNED);
    }

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
