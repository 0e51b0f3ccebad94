//! How long things took in a `SimulatedHost` run, and when they happened: what the host's report
//! quotes and the timeline draws; and counts as the reports print them.

use std::fmt;
use std::time::{Duration, Instant};

/// When the host saw what it reports, for the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moments {
    /// The host called `SynchronizeInBackground`.
    pub(crate) began: Instant,
    /// The call returned (`None`: it hung).
    pub(crate) returned: Option<Instant>,
    /// The host stopped waiting: it saw the done event signalled, or the timeout passed, or it
    /// gave up on the start.
    pub(crate) wait_ended: Instant,
}

/// A duration as the reports print it: `0 s`; microseconds under a millisecond (`35 µs`);
/// milliseconds under a second (`200 ms`); else seconds to a tenth (`1.5 s`, `30 s`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span(pub(crate) Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if self.0.is_zero() {
            return f.write_str("0 s");
        }
        if ms == 0 {
            return write!(f, "{} µs", self.0.as_micros());
        }
        if ms < 1000 {
            return write!(f, "{ms} ms");
        }
        let tenths = (ms + 50) / 100;
        match tenths % 10 {
            0 => write!(f, "{} s", tenths / 10),
            t => write!(f, "{}.{t} s", tenths / 10),
        }
    }
}

/// `n thing(s)`, with the plural only where it belongs: `1 call`, `2 calls`.
pub(crate) fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_people_write_them() {
        let cases = [
            (Duration::ZERO, "0 s"),
            (Duration::from_micros(35), "35 µs"),
            (Duration::from_millis(200), "200 ms"),
            (Duration::from_micros(999_999), "999 ms"),
            (Duration::from_millis(1000), "1 s"),
            (Duration::from_millis(1040), "1 s"),
            (Duration::from_millis(1500), "1.5 s"),
            (Duration::from_secs(30), "30 s"),
            (Duration::from_millis(30_020), "30 s"),
        ];
        for (span, text) in cases {
            assert_eq!(Span(span).to_string(), text, "{span:?}");
        }
    }

    #[test]
    fn counts_take_the_plural_only_where_it_belongs() {
        assert_eq!(count(0, "call"), "0 calls");
        assert_eq!(count(1, "call"), "1 call");
        assert_eq!(count(2, "finding"), "2 findings");
    }
}
