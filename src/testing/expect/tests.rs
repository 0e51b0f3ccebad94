//! `Expect` against the call-by-call comparison it stands for.

use super::render::grouped;
use super::*;
use crate::testing::log::samples::log;
use crate::testing::log::CompactLog;
use proptest::prelude::*;

/// An expectation the calls of `log` meet: counts as `progress` steps, each other call as
/// itself; `None` if a call has no step (a refusal).
fn expectation_of(log: &CompactLog) -> Option<Expect> {
    let mut expect = Expect::new();
    for i in 0..log.len() {
        let step = match log.at(i).kind {
            Kind::Progress { index, max } => match expect.steps.last_mut() {
                Some(Step::Progress {
                    indices, max: m, ..
                }) if *m == max && indices.end().checked_add(1) == Some(index) => {
                    *indices = *indices.start()..=index;
                    continue;
                }
                _ => Step::Progress {
                    indices: index..=index,
                    max,
                    text: None,
                },
            },
            Kind::Error { hr } => Step::Error(hr, None),
            Kind::Done { hr, .. } => Step::Done(hr),
            Kind::Refused { .. } => return None,
        };
        expect.steps.push(step);
    }
    Some(expect)
}

/// One change to an expectation the calls meet, at a step (counted round the steps), so
/// that the calls may no longer meet it.
#[derive(Clone, Debug)]
enum Change {
    None,
    /// A `progress` step's first index one on.
    Later(usize),
    /// A `progress` step's last index one on.
    Longer(usize),
    /// A `progress` step's maximum one less.
    Lower(usize),
    /// A step left out.
    Drop(usize),
    /// A `progress` step of no calls added.
    Empty(usize),
    /// An `error` step added.
    Extra(usize),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::None),
        (0usize..8).prop_map(Change::Later),
        (0usize..8).prop_map(Change::Longer),
        (0usize..8).prop_map(Change::Lower),
        (0usize..8).prop_map(Change::Drop),
        (0usize..8).prop_map(Change::Empty),
        (0usize..8).prop_map(Change::Extra),
    ]
}

fn changed(mut expect: Expect, change: &Change) -> Expect {
    let steps = &mut expect.steps;
    let len = steps.len();
    match *change {
        Change::None => {}
        Change::Later(n) | Change::Longer(n) | Change::Lower(n) if len > 0 => {
            if let Step::Progress { indices, max, .. } = &mut steps[n % len] {
                let (first, last) = (*indices.start(), *indices.end());
                match change {
                    Change::Later(_) => *indices = first.wrapping_add(1)..=last,
                    Change::Longer(_) => *indices = first..=last.wrapping_add(1),
                    _ => *max = max.wrapping_sub(1),
                }
            }
        }
        Change::Drop(n) if len > 0 => {
            steps.remove(n % len);
        }
        Change::Empty(n) => {
            let indices = RangeInclusive::new(5, 4);
            steps.insert(
                n % (len + 1),
                Step::Progress {
                    indices,
                    max: 3,
                    text: None,
                },
            );
        }
        Change::Extra(n) => {
            steps.insert(
                n % (len + 1),
                Step::Error(HResult::MAPI_E_NETWORK_ERROR, None),
            );
        }
        _ => {}
    }
    expect
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]

    /// An expectation meets the calls exactly when its calls, one by one, are theirs: in the
    /// recorder's log and in records alike.
    #[test]
    fn matching_agrees_with_comparing_call_by_call(log in log(), change in change()) {
        let Some(expect) = expectation_of(&log) else {
            return Ok(());
        };
        let expect = changed(expect, &change);
        let records = log.to_records();
        let one_by_one = expect.shapes().eq(records.iter().map(|r| Shape::of(&r.call, false)));
        prop_assert_eq!(expect.matches_log(&log), one_by_one);
        prop_assert_eq!(expect.matches(&records), one_by_one);
        if matches!(change, Change::None) {
            prop_assert!(one_by_one);
        }
    }
}

#[test]
fn numbers_are_grouped_by_three() {
    assert_eq!(grouped(7), "7");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(1000), "1 000");
    assert_eq!(grouped(99_990), "99 990");
    assert_eq!(grouped(1_234_567), "1 234 567");
}
