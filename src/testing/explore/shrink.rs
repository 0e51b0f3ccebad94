//! "Smallest": the fewest rules, and among those the simplest to read. Ranks scripts, and
//! simplifies a failing one rule by rule while it still fails.

use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::script::{Calls, Rule, Script};

/// How many more scenarios one simplification may run at most.
const MAX_TRIES: usize = 64;

/// How hard a rule is to read: the systematic pass's forms first.
fn rule_cost(rule: &Rule) -> u32 {
    let from = rule.calls.is_open();
    if rule.slot == Slot::Progress && from && rule.answer == HResult::MAPI_E_USER_CANCEL {
        0 // cancel_progress_from(n)
    } else if rule.calls.first == rule.calls.last {
        1 // one call
    } else if from {
        2 // n..
    } else {
        3 // an arbitrary range
    }
}

/// A key that sorts smaller scripts first: the fewest rules, then the simplest to read, then
/// the earliest calls. Compares the canonical form, so two scripts that answer alike rank alike.
pub(super) fn rank(script: &Script) -> (usize, u32, Vec<u64>) {
    let canonical = script.canonical();
    let rules = canonical.rules();
    (
        rules.len(),
        rules.iter().map(rule_cost).sum(),
        rules
            .iter()
            .flat_map(|r| [r.calls.first, r.calls.last])
            .collect(),
    )
}

/// Simpler neighbours of `script`: each rule left out, or rewritten in a simpler form.
fn candidates(script: &Script) -> Vec<Script> {
    let rules = script.rules();
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let mut replacements = vec![None];
        let one = |calls, answer| {
            Some(Rule {
                slot: rule.slot,
                calls,
                answer,
            })
        };
        let Calls { first, last } = rule.calls;
        if rule.slot == Slot::Progress {
            replacements.push(one(Calls::from(first), HResult::MAPI_E_USER_CANCEL));
        }
        replacements.push(one(Calls::new(first..=first), rule.answer));
        replacements.push(one(Calls::new(first..=first), HResult::E_FAIL));
        if first < last && !rule.calls.is_open() {
            replacements.push(one(Calls::new(first..last), rule.answer));
        }
        for replacement in replacements {
            let mut changed = rules.to_vec();
            match replacement {
                Some(r) => changed[i] = r,
                None => {
                    changed.remove(i);
                }
            }
            out.push(Script::from_rules(changed).canonical());
        }
    }
    out
}

/// From `script`, which failed, the smallest script reachable by leaving out rules or rewriting
/// them in simpler forms that still fails, with what `fails` said of it. `fails` runs one
/// scenario and gives back its outcome when it failed.
pub(super) fn simplify<O>(
    script: Script,
    outcome: O,
    mut fails: impl FnMut(&Script) -> Option<O>,
) -> (Script, O) {
    let mut best = (script.canonical(), outcome);
    let mut tries = 0;
    'better: loop {
        let current = rank(&best.0);
        let mut next: Vec<Script> = candidates(&best.0)
            .into_iter()
            .filter(|c| rank(c) < current)
            .collect();
        next.sort_by_key(rank);
        next.dedup();
        for candidate in next {
            if tries == MAX_TRIES {
                break 'better;
            }
            tries += 1;
            if let Some(outcome) = fails(&candidate) {
                best = (candidate, outcome);
                continue 'better;
            }
        }
        break;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_rules_rank_first_then_the_systematic_forms() {
        let none = Script::new();
        let cancel = Script::new().cancel_progress_from(7);
        let one_call = Script::new().answer(Slot::Error, 1..=1, HResult::E_FAIL);
        let range = Script::new().answer(Slot::Progress, 2..=5, HResult::E_FAIL);
        let two = cancel.clone().answer(Slot::Done, 1..=1, HResult::E_FAIL);
        let mut scripts = vec![
            two.clone(),
            range.clone(),
            one_call.clone(),
            cancel.clone(),
            none.clone(),
        ];
        scripts.sort_by_key(rank);
        assert_eq!(scripts, [none, cancel, one_call, range, two]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
    fn simplifying_keeps_only_what_makes_it_fail() {
        // Fails whenever Progress 3 is answered MAPI_E_USER_CANCEL.
        let fails = |s: &Script| {
            (s.answer_for(Slot::Progress, 3) == HResult::MAPI_E_USER_CANCEL).then_some(())
        };
        let noisy = Script::new()
            .answer(Slot::Error, 2..=4, HResult::E_UNEXPECTED)
            .answer(Slot::Progress, 3..=6, HResult::MAPI_E_USER_CANCEL)
            .answer(Slot::Done, 1..=1, HResult::MAPI_E_NETWORK_ERROR);
        let (smallest, ()) = simplify(noisy, (), fails);
        assert_eq!(smallest, Script::new().cancel_progress_from(3));
    }
}
