//! The random pass: seeded scripts built and shrunk by proptest.

use std::cell::RefCell;

use proptest::collection::vec;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::script::{Calls, Rule, Script};

/// The answers random scripts give: the user's Cancel, and the failures a host answers with.
pub(super) const ANSWERS: [HResult; 5] = [
    HResult::MAPI_E_USER_CANCEL,
    HResult::E_FAIL,
    HResult::MAPI_E_NETWORK_ERROR,
    HResult::E_UNEXPECTED,
    HResult::E_ABORT,
];

const SLOTS: [Slot; 3] = [Slot::Progress, Slot::Error, Slot::Done];

/// Most rules in one random script.
const MAX_RULES: usize = 3;

/// Most steps proptest may take to shrink one failure.
const MAX_SHRINK_ITERS: u32 = 512;

/// One rule as proptest draws it (and shrinks it, towards the first of each): the slot, the
/// first call, the shape (one call, from there on, or a range), the range's length, the answer.
type Raw = (usize, u64, usize, u64, usize);

fn strategy(bound: u64) -> impl Strategy<Value = Vec<Raw>> {
    let rule = (
        0..SLOTS.len(),
        1..=bound,
        0..3usize,
        0..bound,
        0..ANSWERS.len(),
    );
    vec(rule, 1..=MAX_RULES)
}

fn script(raw: &[Raw]) -> Script {
    let rules = raw
        .iter()
        .map(|&(slot, first, shape, len, answer)| Rule {
            slot: SLOTS[slot],
            calls: match shape {
                0 => Calls::new(first..=first),
                1 => Calls::from(first),
                _ => Calls::new(first..=first + len),
            },
            answer: ANSWERS[answer],
        })
        .collect();
    Script::from_rules(rules)
}

struct State<O, F> {
    run: F,
    shrinking: bool,
    last_failure: Option<(Script, O)>,
}

/// Runs up to `cases` random scripts whose call numbers go up to `bound`, drawn from `seed`
/// alone, and stops at the first that `run` says failed (`Some` outcome): gives it back shrunk by
/// proptest, with its outcome.
/// `run` is told whether it runs for shrinking (a run not to be counted).
pub(super) fn explore<O>(
    seed: u64,
    cases: u32,
    bound: u64,
    run: impl FnMut(&Script, bool) -> Option<O>,
) -> Option<(Script, O)> {
    if cases == 0 {
        return None;
    }
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: MAX_SHRINK_ITERS,
        ..Config::default()
    };
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let state = RefCell::new(State {
        run,
        shrinking: false,
        last_failure: None,
    });
    let result = runner.run(&strategy(bound.max(1)), |raw| {
        let script = script(&raw);
        let mut state = state.borrow_mut();
        let shrinking = state.shrinking;
        match (state.run)(&script, shrinking) {
            None => Ok(()),
            Some(outcome) => {
                state.shrinking = true;
                state.last_failure = Some((script, outcome));
                Err(TestCaseError::fail("the scenario failed"))
            }
        }
    });
    let mut state = state.into_inner();
    match result {
        Ok(()) => None,
        Err(TestError::Fail(_, raw)) => {
            let smallest = script(&raw);
            match state.last_failure.take() {
                Some((last, outcome)) if last == smallest => Some((smallest, outcome)),
                // The smallest was not the last run: run it once more for its outcome (a
                // provider that does not fail the same way twice keeps the last failure).
                last => match (state.run)(&smallest, true) {
                    Some(outcome) => Some((smallest, outcome)),
                    None => last,
                },
            }
        }
        Err(TestError::Abort(_)) => state.last_failure.take(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn the_same_seed_draws_the_same_scripts() {
        let draw = |seed| {
            let mut seen = Vec::new();
            let failure = explore(seed, 20, 8, |s: &Script, _| {
                seen.push(s.clone());
                None::<()>
            });
            assert!(failure.is_none());
            assert_eq!(seen.len(), 20);
            seen
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn a_failure_is_shrunk_and_shrinking_is_not_counted() {
        let (mut counted, mut shrinking) = (0, 0);
        let failure = explore(1, 500, 10, |s: &Script, shrunk| {
            let failed = s.answer_for(Slot::Error, 2) == HResult::E_UNEXPECTED;
            if shrunk {
                shrinking += 1;
            } else {
                counted += 1;
                // Only the first failure is drawn; what follows is shrinking.
                assert_eq!(shrinking, 0);
            }
            failed.then_some(())
        });
        let (script, ()) = failure.expect("some script answers Error 2 with E_UNEXPECTED");
        assert_eq!(script.rules().len(), 1, "{script}");
        assert_eq!(script.answer_for(Slot::Error, 2), HResult::E_UNEXPECTED);
        assert!(counted < 500 && shrinking > 0, "{counted} {shrinking}");
    }
}
