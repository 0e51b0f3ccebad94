//! How long one scenario may take before it counts as hung: set with `Explore::timeout`, or at
//! the defaults adapted to how long the plain run took.

use std::fmt;
use std::time::Duration;

/// The deadline of the plain run at the defaults, and the most an adaptive deadline can be.
pub(super) const DEFAULT: Duration = Duration::from_secs(5);

/// An adaptive deadline gives a scenario this many times the plain run's time...
pub(super) const FACTOR: u32 = 20;

/// ...and never less than this: room for real work on a slow or busy machine.
pub(super) const FLOOR: Duration = Duration::from_millis(2000);

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
    /// The default, for a scenario that ran past the adaptive deadline `adaptive`, for
    /// `reason`.
    Rechecked { adaptive: Duration, reason: Recheck },
}

/// Why a scenario that ran past an adaptive deadline runs again under the default before it is
/// blamed: the adaptive deadline was no fair measure of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Recheck {
    /// It had made more calls than the whole plain run: it was working, on more than the plain
    /// run did.
    Busier { calls: u64, plain: u64 },
    /// The plain run, run again, took this long: the machine is slower than when the deadline
    /// was set.
    Slower { plain_again: Duration },
    /// The plain run, run again, failed: nothing to measure the machine by.
    PlainFailed,
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

    /// True when the deadline is adaptive and shorter than the default: a scenario that runs
    /// past it may be re-checked.
    pub(super) fn is_shortened(self) -> bool {
        matches!(self.why, Why::Adaptive { .. }) && self.limit < DEFAULT
    }

    /// True when a plain run that took `plain_again` would have set no longer a deadline: the
    /// machine is no slower than when this one was set.
    pub(super) fn still_fits(self, plain_again: Duration) -> bool {
        adaptive(plain_again) <= self.limit
    }

    /// The default deadline a scenario that ran past this one runs again under, for `reason`.
    pub(super) fn rechecked(self, reason: Recheck) -> Deadline {
        Deadline {
            limit: DEFAULT,
            why: Why::Rechecked {
                adaptive: self.limit,
                reason,
            },
        }
    }
}

/// [`FACTOR`] times `plain`, at least [`FLOOR`], at most [`DEFAULT`].
fn adaptive(plain: Duration) -> Duration {
    plain.saturating_mul(FACTOR).clamp(FLOOR, DEFAULT)
}

impl fmt::Display for Deadline {
    /// `2s (adaptive: 20x the plain run's 1.2ms, at least 2s, at most 5s; set one with
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
            Why::Rechecked { adaptive, reason } => {
                write!(
                    f,
                    "the default: it ran past the adaptive {adaptive:?} and ran again under the \
                     default, as "
                )?;
                match reason {
                    Recheck::Busier { calls, plain } => write!(
                        f,
                        "it had made {calls} calls, more than the plain run's {plain}"
                    ),
                    Recheck::Slower { plain_again } => {
                        write!(f, "the plain run, run again, took {plain_again:.1?}")
                    }
                    Recheck::PlainFailed => write!(f, "the plain run, run again, failed"),
                }
            }
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
        assert!(!set.is_shortened());
        assert_eq!(set.to_string(), "100ms (set with timeout())");
    }

    #[test]
    fn the_adaptive_deadline_only_shortens_the_default_for_a_fast_plain_run() {
        let first = Deadline::first(None);
        assert_eq!(first.limit, DEFAULT);
        assert!(!first.is_shortened());
        assert_eq!(first.after_plain_run(MS).limit, FLOOR);
        assert_eq!(first.after_plain_run(MS * 150).limit, MS * 3000);
        assert_eq!(first.after_plain_run(DEFAULT).limit, DEFAULT);
        assert!(!first.after_plain_run(DEFAULT).is_shortened());
        assert_eq!(
            first.after_plain_run(MS * 3 / 2).to_string(),
            "2s (adaptive: 20x the plain run's 1.5ms, at least 2s, at most 5s; set one with \
             timeout())"
        );
    }

    #[test]
    fn a_timeout_is_rechecked_when_the_machine_got_slower() {
        let adaptive = Deadline::first(None).after_plain_run(MS);
        assert!(adaptive.is_shortened());
        assert!(adaptive.still_fits(MS * 2) && adaptive.still_fits(MS * 100));
        assert!(!adaptive.still_fits(MS * 101));
        let again = adaptive.rechecked(Recheck::Slower {
            plain_again: MS * 110,
        });
        assert_eq!(again.limit, DEFAULT);
        assert!(!again.is_shortened());
        assert_eq!(
            again.to_string(),
            "5s (the default: it ran past the adaptive 2s and ran again under the default, as \
             the plain run, run again, took 110.0ms)"
        );
        let busier = adaptive.rechecked(Recheck::Busier {
            calls: 14,
            plain: 10,
        });
        assert!(busier
            .to_string()
            .ends_with("as it had made 14 calls, more than the plain run's 10)"));
    }
}
