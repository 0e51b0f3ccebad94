//! How long one scenario may take before it counts as hung: set with `Explore::timeout`, or at
//! the defaults adapted to how long the plain run took.

use std::fmt;
use std::time::Duration;

/// The deadline of the plain run at the defaults, and the most an adaptive deadline can be.
pub(super) const DEFAULT: Duration = Duration::from_secs(5);

/// An adaptive deadline gives a scenario this many times the plain run's time...
pub(super) const FACTOR: u32 = 20;

/// ...and never less than this: room for real work on a slow or busy machine.
pub(super) const FLOOR: Duration = Duration::from_millis(1500);

/// The per-scenario deadline and why it is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Deadline {
    /// How long a scenario may take.
    pub(super) limit: Duration,
    /// Why.
    pub(super) why: Why,
}

/// Where a [`Deadline`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    /// Set with `Explore::timeout`: used exactly.
    Set,
    /// The default, before anything is known of the provider: the plain run's.
    Default,
    /// Adapted to the plain run's time.
    Adaptive { plain: Duration },
    /// The default, for a scenario that timed out under the adaptive deadline `adaptive` while
    /// the plain run, run again, took `plain_again` (longer than the deadline allows for).
    Rechecked {
        adaptive: Duration,
        plain_again: Duration,
    },
}

impl Deadline {
    /// The deadline set with `Explore::timeout`, or the default when none was.
    pub(super) fn first(set: Option<Duration>) -> Deadline {
        match set {
            Some(limit) => Deadline {
                limit,
                why: Why::Set,
            },
            None => Deadline {
                limit: DEFAULT,
                why: Why::Default,
            },
        }
    }

    /// The deadline of the scenarios after a plain run that took `plain`: `self` when set with
    /// `Explore::timeout`, else [`FACTOR`] times `plain`, at least [`FLOOR`], at most
    /// [`DEFAULT`].
    pub(super) fn after_plain_run(self, plain: Duration) -> Deadline {
        if self.why == Why::Set {
            return self;
        }
        Deadline {
            limit: adaptive(plain),
            why: Why::Adaptive { plain },
        }
    }

    /// True when a scenario that timed out under this deadline is run again under the default
    /// before it is blamed, because the plain run, run again, took `plain_again`: the machine is
    /// now slower than when the deadline was set.
    pub(super) fn needs_recheck(self, plain_again: Option<Duration>) -> bool {
        match (self.why, plain_again) {
            (Why::Adaptive { .. }, None) => self.limit < DEFAULT,
            (Why::Adaptive { .. }, Some(again)) => adaptive(again) > self.limit,
            _ => false,
        }
    }

    /// The default deadline a timed-out scenario is re-checked under.
    pub(super) fn rechecked(self, plain_again: Duration) -> Deadline {
        Deadline {
            limit: DEFAULT,
            why: Why::Rechecked {
                adaptive: self.limit,
                plain_again,
            },
        }
    }
}

/// [`FACTOR`] times `plain`, at least [`FLOOR`], at most [`DEFAULT`].
fn adaptive(plain: Duration) -> Duration {
    plain.saturating_mul(FACTOR).clamp(FLOOR, DEFAULT)
}

impl fmt::Display for Deadline {
    /// `1.5s (adaptive: 20x the plain run's 1.2ms, at least 1.5s, at most 5s; set one with
    /// timeout())`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({})", self.limit, self.why)
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Why::Set => write!(f, "set with timeout()"),
            Why::Default => write!(f, "the default"),
            Why::Adaptive { plain } => write!(
                f,
                "adaptive: {FACTOR}x the plain run's {plain:.1?}, at least {FLOOR:?}, at most \
                 {DEFAULT:?}; set one with timeout()"
            ),
            Why::Rechecked {
                adaptive,
                plain_again,
            } => write!(
                f,
                "the default: it ran past the adaptive {adaptive:?}, and was run again under the \
                 default as the plain run, run again, took {plain_again:.1?}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_set_deadline_is_used_exactly_and_never_rechecked() {
        let set = Deadline::first(Some(MS * 100));
        assert_eq!(set.after_plain_run(MS), set);
        assert!(!set.needs_recheck(None) && !set.needs_recheck(Some(DEFAULT)));
        assert_eq!(set.to_string(), "100ms (set with timeout())");
    }

    #[test]
    fn the_adaptive_deadline_only_shortens_the_default_for_a_fast_plain_run() {
        let first = Deadline::first(None);
        assert_eq!(first.limit, DEFAULT);
        assert_eq!(first.after_plain_run(MS).limit, FLOOR);
        assert_eq!(first.after_plain_run(MS * 150).limit, MS * 3000);
        assert_eq!(first.after_plain_run(DEFAULT).limit, DEFAULT);
        assert_eq!(
            first.after_plain_run(MS * 3 / 2).to_string(),
            "1.5s (adaptive: 20x the plain run's 1.5ms, at least 1.5s, at most 5s; set one with \
             timeout())"
        );
    }

    #[test]
    fn a_timeout_is_rechecked_when_the_machine_got_slower() {
        let adaptive = Deadline::first(None).after_plain_run(MS);
        assert!(adaptive.needs_recheck(None), "no plain run to compare with");
        assert!(!adaptive.needs_recheck(Some(MS * 2)));
        assert!(adaptive.needs_recheck(Some(MS * 101)));
        let full = Deadline::first(None).after_plain_run(DEFAULT);
        assert!(!full.needs_recheck(None), "already the default");
        let again = adaptive.rechecked(MS * 101);
        assert_eq!(again.limit, DEFAULT);
        assert!(!again.needs_recheck(None));
    }
}
