//! The recorder's clock: a moment per call, cheap to take, turned into time only when a timeline
//! is drawn.
//!
//! On x86-64 a moment is the time-stamp counter (one `RDTSC`, invariant on every CPU of the last
//! fifteen years), scaled into time by two [`Anchor`]s, each a counter reading taken together with
//! an [`Instant`]: one when the log began, one when the timeline is drawn. Elsewhere, and under
//! Miri, a moment is the nanoseconds since the process first asked, from [`Instant`].

use std::time::{Duration, Instant};

/// A moment, in the clock's own ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Tick(u64);

impl Tick {
    /// No moment: the clock was not read.
    pub(crate) const NONE: Tick = Tick(u64::MAX);

    /// The moment, if the clock was read.
    pub(crate) fn get(self) -> Option<Tick> {
        (self != Tick::NONE).then_some(self)
    }
}

/// The moment now.
#[inline(always)]
pub(crate) fn now() -> Tick {
    Tick(ticks())
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
const TICKS_ARE_NANOS: bool = false;

#[cfg(all(target_arch = "x86_64", not(miri)))]
#[inline(always)]
fn ticks() -> u64 {
    // Safe on newer compilers, `unsafe` on older ones.
    #[allow(unused_unsafe)]
    // SAFETY: RDTSC only reads the time-stamp counter, which every x86-64 CPU has; it touches no
    // memory.
    unsafe {
        core::arch::x86_64::_rdtsc()
    }
}

#[cfg(not(all(target_arch = "x86_64", not(miri))))]
const TICKS_ARE_NANOS: bool = true;

#[cfg(not(all(target_arch = "x86_64", not(miri))))]
fn ticks() -> u64 {
    static BASE: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let base = *BASE.get_or_init(Instant::now);
    u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A tick and an [`Instant`] read together: what ties the ticks to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    tick: Tick,
    at: Instant,
}

impl Anchor {
    /// The anchor now: the tick read on both sides of the `Instant`, and the two averaged.
    pub(crate) fn now() -> Anchor {
        let before = ticks();
        let at = Instant::now();
        let after = ticks();
        Anchor {
            tick: Tick(before / 2 + after / 2 + (before % 2 + after % 2) / 2),
            at,
        }
    }
}

/// Turns ticks into instants, by the rate between two anchors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    from: Anchor,
    nanos_per_tick: f64,
}

impl Scale {
    /// The scale of the ticks between `from` and `to` (taken later).
    pub(crate) fn between(from: Anchor, to: Anchor) -> Scale {
        let ticks = to.tick.0.saturating_sub(from.tick.0);
        let nanos = to.at.saturating_duration_since(from.at).as_nanos() as f64;
        let nanos_per_tick = if TICKS_ARE_NANOS || ticks == 0 {
            1.0
        } else {
            nanos / ticks as f64
        };
        Scale {
            from,
            nanos_per_tick,
        }
    }

    /// The instant of `tick` (the first anchor's for a tick before it).
    pub(crate) fn instant(&self, tick: Tick) -> Instant {
        let nanos = tick.0.saturating_sub(self.from.tick.0) as f64 * self.nanos_per_tick;
        let since = Duration::try_from_secs_f64(nanos / 1e9).unwrap_or(Duration::ZERO);
        self.from.at.checked_add(since).unwrap_or(self.from.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_become_the_time_that_passed() {
        let from = Anchor::now();
        let a = now();
        std::thread::sleep(Duration::from_millis(20));
        let b = now();
        let scale = Scale::between(from, Anchor::now());
        assert!(a <= b);
        let passed = scale.instant(b) - scale.instant(a);
        assert!(
            passed >= Duration::from_millis(19) && passed < Duration::from_millis(500),
            "{passed:?}"
        );
        assert_eq!(scale.instant(Tick(0)), from.at);
    }
}
