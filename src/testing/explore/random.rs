//! The random pass: seeded scripts drawn and shrunk with proptest's strategies.

use proptest::collection::vec;
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::core::hresult::HResult;
use crate::testing::script::{Calls, Rule, Script, SLOTS};

/// The answers random scripts give: the user's Cancel, and the failures a host answers with.
pub(super) const ANSWERS: [HResult; 5] = [
    HResult::MAPI_E_USER_CANCEL,
    HResult::E_FAIL,
    HResult::MAPI_E_NETWORK_ERROR,
    HResult::E_UNEXPECTED,
    HResult::E_ABORT,
];

/// Most rules in one random script.
const MAX_RULES: usize = 3;

/// Most steps one failure's shrinking may take.
const MAX_SHRINK_ITERS: u32 = 512;

/// One rule as proptest draws it (and shrinks it, towards the first of each): the slot, the
/// first call, the shape (one call, from there on, or a range), the range's length, the answer.
type Raw = (usize, u64, usize, u64, usize);

fn strategy(bound: u64) -> BoxedStrategy<Vec<Raw>> {
    let rule = (
        0..SLOTS.len(),
        1..=bound,
        0..3usize,
        0..bound,
        0..ANSWERS.len(),
    );
    vec(rule, 1..=MAX_RULES).boxed()
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

/// One random script, with what shrinks it.
pub(super) struct Drawn {
    tree: Box<dyn ValueTree<Value = Vec<Raw>>>,
}

impl Drawn {
    /// The script as drawn.
    pub(super) fn script(&self) -> Script {
        script(&self.tree.current())
    }
}

/// `cases` random scripts whose call numbers go up to `bound`, drawn from `seed` alone: the same
/// seed, the same scripts, on targets of the same pointer width.
pub(super) fn draw(seed: u64, cases: u32, bound: u64) -> Vec<Drawn> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let strategy = strategy(bound.max(1));
    (0..cases)
        .map(|_| Drawn {
            tree: strategy
                .new_tree(&mut runner)
                .expect("these strategies never reject a value"),
        })
        .collect()
}

/// Shrinks `drawn`, which failed with `outcome`, as proptest does: simpler values while it still
/// fails (`fails` runs one scenario and gives back its outcome when it failed), back towards the
/// last failure when it passes. Gives back the simplest failing script with its outcome.
pub(super) fn shrink<O>(
    mut drawn: Drawn,
    outcome: O,
    mut fails: impl FnMut(&Script) -> Option<O>,
) -> (Script, O) {
    let mut smallest = (drawn.script(), outcome);
    if !drawn.tree.simplify() {
        return smallest;
    }
    for _ in 0..MAX_SHRINK_ITERS {
        let candidate = drawn.script();
        let more = match fails(&candidate) {
            Some(outcome) => {
                smallest = (candidate, outcome);
                drawn.tree.simplify()
            }
            None => drawn.tree.complicate(),
        };
        if !more {
            break;
        }
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interfaces::progress_callback::Slot;

    fn scripts(seed: u64) -> Vec<Script> {
        draw(seed, 20, 8).iter().map(Drawn::script).collect()
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn the_same_seed_draws_the_same_scripts() {
        assert_eq!(scripts(7).len(), 20);
        assert_eq!(scripts(7), scripts(7));
        assert_ne!(scripts(7), scripts(8));
        // More cases draw the same first ones: a replay needs the seed, not the count.
        let longer: Vec<Script> = draw(7, 30, 8).iter().map(Drawn::script).collect();
        assert_eq!(longer[..20], scripts(7));
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn a_failure_is_shrunk_to_what_makes_it_fail() {
        let fails =
            |s: &Script| (s.answer_for(Slot::Error, 2) == HResult::E_UNEXPECTED).then_some(());
        let failing = draw(1, 500, 10)
            .into_iter()
            .find(|d| fails(&d.script()).is_some())
            .expect("some script answers Error 2 with E_UNEXPECTED");
        let drawn = failing.script();
        let (script, ()) = shrink(failing, (), fails);
        assert_eq!(script.rules().len(), 1, "{drawn} shrank to {script}");
        assert_eq!(script.answer_for(Slot::Error, 2), HResult::E_UNEXPECTED);
    }
}
