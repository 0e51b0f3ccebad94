//! A script in its fewest rules, and printed as the Rust expression that builds it.

use std::fmt;

use super::{Calls, Rule, Script, SLOTS};
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;

impl Script {
    /// The same answers to every call in the fewest rules: per slot, the calls that answer a
    /// failure split into stretches of one answer each, and each run of neighbouring stretches
    /// painted with as few (possibly overlapping, first match wins) rules as it takes.
    pub(crate) fn canonical(&self) -> Script {
        let mut rules = Vec::new();
        for slot in SLOTS {
            for run in runs(&stretches(self, slot)) {
                let colors: Vec<HResult> = run.iter().map(|s| s.answer).collect();
                rules.extend(strokes(&colors).into_iter().map(|(lo, hi)| Rule {
                    calls: Calls {
                        first: run[lo].calls.first,
                        last: run[hi].calls.last,
                    },
                    ..run[lo]
                }));
            }
        }
        Script::from_rules(rules)
    }
}

/// The calls of `slot` that `script` answers with a failure, as maximal stretches of one answer,
/// in call order: each a rule that no other overlaps.
fn stretches(script: &Script, slot: Slot) -> Vec<Rule> {
    // Every place an answer can change: where a rule starts, and just after it ends.
    let mut cuts: Vec<u64> = vec![1];
    for r in script.rules().iter().filter(|r| r.slot == slot) {
        cuts.push(r.calls.first.max(1));
        if !r.calls.is_open() {
            cuts.push(r.calls.last + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Rule> = Vec::new();
    for (i, &first) in cuts.iter().enumerate() {
        let calls = Calls {
            first,
            last: cuts.get(i + 1).map_or(u64::MAX, |next| next - 1),
        };
        let answer = script.answer_for(slot, first);
        if answer == HResult::S_OK {
            continue;
        }
        match out.last_mut() {
            Some(prev) if prev.answer == answer && prev.calls.meets(calls) => {
                prev.calls.last = calls.last;
            }
            _ => out.push(Rule {
                slot,
                calls,
                answer,
            }),
        }
    }
    out
}

/// `stretches` split where calls answered `S_OK` come between them: no rule can span those.
fn runs(stretches: &[Rule]) -> Vec<&[Rule]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=stretches.len() {
        let ends = i == stretches.len() || !stretches[i - 1].calls.meets(stretches[i].calls);
        if ends {
            runs.push(&stretches[start..i]);
            start = i;
        }
    }
    runs
}

/// The fewest rules that give each position of `colors` its answer, first match first, as
/// `(lo, hi)` index ranges (each answering `colors[lo]`). The "strange printer" recurrence: a
/// rule for `colors[i]` either covers `i` alone or reaches on to the next position `m` of the
/// same answer, with the positions between covered by rules placed before it. Ties go to the
/// rules that do not overlap.
fn strokes(colors: &[HResult]) -> Vec<(usize, usize)> {
    let k = colors.len();
    let mut cost = vec![vec![0usize; k + 1]; k + 1];
    let mut reach: Vec<Vec<Option<usize>>> = vec![vec![None; k + 1]; k + 1];
    // cost[i][j]: rules needed for positions i..j (exclusive end).
    for i in (0..k).rev() {
        for j in i + 1..=k {
            cost[i][j] = cost[i + 1][j] + 1;
            for m in i + 1..j {
                if colors[m] == colors[i] && cost[i + 1][m] + cost[m][j] < cost[i][j] {
                    cost[i][j] = cost[i + 1][m] + cost[m][j];
                    reach[i][j] = Some(m);
                }
            }
        }
    }
    build(&reach, 0, k)
}

/// The rules for positions `i..j` as `strokes` chose them, first match first; the rule covering
/// `i` starts at `i`.
fn build(reach: &[Vec<Option<usize>>], i: usize, j: usize) -> Vec<(usize, usize)> {
    if i >= j {
        return Vec::new();
    }
    match reach[i][j] {
        None => {
            let mut rules = build(reach, i + 1, j);
            rules.push((i, i));
            rules
        }
        Some(m) => {
            let mut rules = build(reach, i + 1, m);
            let mut rest = build(reach, m, j);
            if let Some(rule) = rest.iter_mut().find(|(lo, _)| *lo == m) {
                rule.0 = i;
            }
            rules.extend(rest);
            rules
        }
    }
}

impl fmt::Display for Script {
    /// `Script::new().cancel_progress_from(7)`, `Script::new().answer(Slot::Error, 1..=1,
    /// HResult::E_FAIL)`: the Rust expression that builds this script, in its fewest rules.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Script::new()")?;
        for rule in self.canonical().rules() {
            write_rule(f, rule)?;
        }
        Ok(())
    }
}

fn write_rule(f: &mut fmt::Formatter<'_>, rule: &Rule) -> fmt::Result {
    if rule.slot == Slot::Progress
        && rule.answer == HResult::MAPI_E_USER_CANCEL
        && rule.calls.is_open()
    {
        return write!(f, ".cancel_progress_from({})", rule.calls.first);
    }
    write!(f, ".answer(Slot::{}, {}", rule.slot, rule.calls)?;
    match rule.answer.name() {
        Some(name) => write!(f, ", HResult::{name})"),
        None => write!(f, ", HResult(0x{:08X}_u32 as i32))", rule.answer.as_u32()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(script: Script) -> String {
        script.to_string()
    }

    #[test]
    fn the_systematic_forms_print_as_written() {
        assert_eq!(printed(Script::new()), "Script::new()");
        assert_eq!(
            printed(Script::new().cancel_progress_from(7)),
            "Script::new().cancel_progress_from(7)"
        );
        assert_eq!(
            printed(Script::new().answer(Slot::Error, 1..=1, HResult::E_FAIL)),
            "Script::new().answer(Slot::Error, 1..=1, HResult::E_FAIL)"
        );
        assert_eq!(
            printed(Script::new().answer(Slot::Done, .., HResult::E_ABORT)),
            "Script::new().answer(Slot::Done, .., HResult::E_ABORT)"
        );
        assert_eq!(
            printed(Script::new().answer(Slot::Progress, 3.., HResult::E_FAIL)),
            "Script::new().answer(Slot::Progress, 3.., HResult::E_FAIL)"
        );
        assert_eq!(
            printed(Script::new().answer(Slot::Error, 2..=2, HResult(0x8004_0999_u32 as i32))),
            "Script::new().answer(Slot::Error, 2..=2, HResult(0x80040999_u32 as i32))"
        );
    }

    #[test]
    fn shadowed_and_adjacent_rules_fold_into_the_fewest() {
        let script = Script::new()
            .answer(Slot::Progress, 4..=5, HResult::MAPI_E_USER_CANCEL)
            .answer(Slot::Progress, 5..=6, HResult::E_FAIL) // 5 is shadowed
            .answer(Slot::Progress, 6.., HResult::MAPI_E_USER_CANCEL)
            .answer(Slot::Error, 9..9, HResult::E_FAIL); // empty

        // 4..=5 cancel, 6 E_FAIL, 7.. cancel: an E_FAIL on top of one cancel rule.
        assert_eq!(
            printed(script.clone()),
            "Script::new().answer(Slot::Progress, 6..=6, HResult::E_FAIL).cancel_progress_from(4)"
        );
        let canonical = script.canonical();
        assert_eq!(canonical.rules().len(), 2);
        for n in 1..20 {
            assert_eq!(
                canonical.answer_for(Slot::Progress, n),
                script.answer_for(Slot::Progress, n),
                "call {n}"
            );
        }
    }

    #[test]
    fn calls_answered_s_ok_split_the_rules() {
        let script = Script::new()
            .answer(Slot::Error, 1..=2, HResult::E_FAIL)
            .answer(Slot::Error, 4..=4, HResult::E_FAIL);
        assert_eq!(script.canonical(), script);
        let merged = Script::new()
            .answer(Slot::Error, 1..=2, HResult::E_FAIL)
            .answer(Slot::Error, 3..=3, HResult::E_FAIL);
        assert_eq!(
            printed(merged),
            "Script::new().answer(Slot::Error, 1..=3, HResult::E_FAIL)"
        );
    }
}
