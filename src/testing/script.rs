//! Scripted answers: what each slot of the recording callback returns, call by call.

mod print;

use std::fmt;
use std::ops::{Bound, RangeBounds};

use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;

/// The slots a script answers, in the order a printed script names them.
pub(crate) const SLOTS: [Slot; 3] = [Slot::Progress, Slot::Error, Slot::Done];

/// One rule: `calls` of `slot` answer `answer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) slot: Slot,
    pub(crate) calls: Calls,
    pub(crate) answer: HResult,
}

/// Calls `first..=last` of one slot, counted from 1; `last` is `u64::MAX` for "from `first` on".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Calls {
    pub(crate) first: u64,
    pub(crate) last: u64,
}

impl Calls {
    /// Every call from `first` on.
    pub(crate) const fn from(first: u64) -> Calls {
        Calls {
            first,
            last: u64::MAX,
        }
    }

    /// The calls a range of call numbers names (`..`: all of them).
    pub(crate) fn new(range: impl RangeBounds<u64>) -> Calls {
        let first = match range.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n.saturating_add(1),
            Bound::Unbounded => 1,
        };
        let last = match range.end_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n.saturating_sub(1),
            Bound::Unbounded => u64::MAX,
        };
        Calls { first, last }
    }

    /// Whether every call from `first` on is in.
    pub(crate) fn is_open(self) -> bool {
        self.last == u64::MAX
    }

    /// Whether call number `ordinal` is in.
    pub(crate) fn contains(self, ordinal: u64) -> bool {
        (self.first..=self.last).contains(&ordinal)
    }

    /// Whether `next` starts right after these end, with no call between.
    pub(crate) fn meets(self, next: Calls) -> bool {
        self.last.checked_add(1) == Some(next.first)
    }
}

/// As the range expression that names them: `..`, `3..`, `2..=4`.
impl fmt::Display for Calls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.first, self.last) {
            (1, u64::MAX) => f.write_str(".."),
            (first, u64::MAX) => write!(f, "{first}.."),
            (first, last) => write!(f, "{first}..={last}"),
        }
    }
}

/// What each slot of a [`RecordingCallback`](super::RecordingCallback) answers, to play the user
/// pressing Cancel or a host refusing a call. Calls are counted per slot, from 1; the first rule
/// that covers a call decides, and a call no rule covers is answered `S_OK`.
///
/// ```
/// use mapisync::{HResult, Slot};
/// use mapisync::testing::Script;
///
/// let script = Script::new()
///     .cancel_progress_from(3) // the user presses Cancel during the 3rd Progress
///     .answer(Slot::Error, 1..=1, HResult::E_FAIL); // the first Error is refused
/// assert_eq!(script.answer_for(Slot::Progress, 2), HResult::S_OK);
/// assert_eq!(script.answer_for(Slot::Progress, 3), HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(script.answer_for(Slot::Progress, 30), HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(script.answer_for(Slot::Error, 1), HResult::E_FAIL);
/// assert_eq!(script.answer_for(Slot::Error, 2), HResult::S_OK);
/// ```
///
/// A script prints as the Rust expression that builds it, in the fewest rules that answer every
/// call the same way, so a failing script found by [`Explore`](super::Explore) pastes straight
/// into a test:
///
/// ```
/// use mapisync::{HResult, Slot};
/// use mapisync::testing::Script;
///
/// let script = Script::new()
///     .answer(Slot::Progress, 7..=9, HResult::MAPI_E_USER_CANCEL)
///     .answer(Slot::Progress, 10.., HResult::MAPI_E_USER_CANCEL)
///     .answer(Slot::Error, 1..=1, HResult::E_FAIL);
/// assert_eq!(
///     script.to_string(),
///     "Script::new().cancel_progress_from(7).answer(Slot::Error, 1..=1, HResult::E_FAIL)"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    rules: Vec<Rule>,
}

impl Script {
    /// A script that answers every call `S_OK`.
    pub fn new() -> Script {
        Script::default()
    }

    /// Calls `calls` of `slot` (counted from 1) answer `answer`.
    ///
    /// # Panics
    ///
    /// If `answer` is a success code: an implementation answers `S_OK` or a failure, so any
    /// other success code could not be delivered as scripted.
    pub fn answer(mut self, slot: Slot, calls: impl RangeBounds<u64>, answer: HResult) -> Script {
        assert!(
            answer.is_failure(),
            "a scripted answer must be a failure code, not {answer}: calls not covered by a rule \
             already answer S_OK"
        );
        self.rules.push(Rule {
            slot,
            calls: Calls::new(calls),
            answer,
        });
        self
    }

    /// `MAPI_E_USER_CANCEL` from the `n`th `Progress` on: the user pressed Cancel.
    pub fn cancel_progress_from(self, n: u64) -> Script {
        self.answer(Slot::Progress, n.., HResult::MAPI_E_USER_CANCEL)
    }

    /// The rules, first match first.
    pub(crate) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A script of exactly `rules` (each answer a failure code).
    pub(crate) fn from_rules(rules: Vec<Rule>) -> Script {
        debug_assert!(rules.iter().all(|r| r.answer.is_failure()));
        Script { rules }
    }

    /// What call number `ordinal` (from 1) of `slot` answers.
    pub fn answer_for(&self, slot: Slot, ordinal: u64) -> HResult {
        self.rules
            .iter()
            .find(|r| r.slot == slot && r.calls.contains(ordinal))
            .map_or(HResult::S_OK, |r| r.answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_read_every_range_form_and_print_as_written() {
        let calls = |first, last| Calls { first, last };
        assert_eq!(Calls::new(..), calls(1, u64::MAX));
        assert_eq!(Calls::new(3..), Calls::from(3));
        assert_eq!(Calls::new(2..5), calls(2, 4));
        assert_eq!(Calls::new(2..=5), calls(2, 5));
        assert!(Calls::from(3).is_open() && !Calls::new(3..=3).is_open());
        assert!(Calls::new(2..=4).contains(4) && !Calls::new(2..=4).contains(5));
        assert!(Calls::new(2..=4).meets(Calls::from(5)));
        assert!(!Calls::new(2..=4).meets(Calls::from(6)) && !Calls::from(2).meets(Calls::from(3)));
        let printed: Vec<String> = [Calls::new(..), Calls::from(3), Calls::new(2..=4)]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(printed, ["..", "3..", "2..=4"]);
    }

    #[test]
    fn the_first_matching_rule_wins_and_ranges_are_per_slot() {
        let script = Script::new()
            .answer(Slot::Progress, 2..4, HResult::E_FAIL)
            .answer(Slot::Progress, .., HResult::MAPI_E_BUSY)
            .answer(Slot::Done, 1..=1, HResult::E_ABORT);
        assert_eq!(script.answer_for(Slot::Progress, 1), HResult::MAPI_E_BUSY);
        assert_eq!(script.answer_for(Slot::Progress, 2), HResult::E_FAIL);
        assert_eq!(script.answer_for(Slot::Progress, 3), HResult::E_FAIL);
        assert_eq!(script.answer_for(Slot::Progress, 4), HResult::MAPI_E_BUSY);
        assert_eq!(script.answer_for(Slot::Error, 1), HResult::S_OK);
        assert_eq!(script.answer_for(Slot::Done, 1), HResult::E_ABORT);
        assert_eq!(script.answer_for(Slot::Done, 2), HResult::S_OK);
    }

    #[test]
    #[should_panic(expected = "must be a failure code")]
    fn success_codes_cannot_be_scripted() {
        let _ = Script::new().answer(Slot::Progress, .., HResult::S_FALSE);
    }
}
