//! `Expect` on a 100 000-call run: linear memory, and a diff a person can read.

#[path = "../common/mod.rs"]
mod common;

use std::ops::RangeInclusive;

use common::failure_of;
use mapisync::testing::{Expect, RecordingCallback};
use mapisync::{HResult, Handle};

/// 100 000 calls natively; fewer under Miri, whose clock is far slower.
const CALLS: u32 = if cfg!(miri) { 300 } else { 100_000 };

/// A recorder that saw `Progress 1..=CALLS of CALLS`, with `wrong(i)` in place of index `i`
/// where given, then `Done(S_OK)`.
fn run(wrong: impl Fn(u32) -> Option<u32>) -> RecordingCallback {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    for i in 1..=CALLS {
        callback
            .progress(None, wrong(i).unwrap_or(i), CALLS)
            .unwrap();
    }
    callback.done(Handle::NULL, HResult::S_OK).unwrap();
    recorder
}

#[test]
fn a_long_run_that_matches_passes() {
    let recorder = run(|_| None);
    let expected = Expect::new().progress(1..=CALLS, CALLS).done(HResult::S_OK);
    assert!(expected.matches(&recorder.records()));
    expected.assert_matches(&recorder.records());
}

#[test]
#[cfg_attr(miri, ignore = "its expected text is for 100 000 calls")]
fn one_wrong_call_in_a_hundred_thousand_gives_a_short_diff() {
    let recorder = run(|i| (i == 50_000).then_some(7));
    let message = failure_of(|| {
        Expect::new()
            .progress(1..=CALLS, CALLS)
            .done(HResult::S_OK)
            .assert_matches(&recorder.records())
    });
    for needle in [
        "  ... 49 996 matching calls ...\n",
        "    Progress 49999/100000\n",
        "  - Progress 50000/100000\n",
        "  + Progress 7/100000\n",
        "    Progress 50001/100000\n",
        "  ... 49 998 matching calls ...\n",
        "call log (100001 calls):\n",
        "  ... 49 996 calls ...\n",
        "  #49999 Progress 7/100000\n",
    ] {
        assert!(message.contains(needle), "{needle:?} not in:\n{message}");
    }
    assert!(message.lines().count() < 40, "{message}");
}

#[test]
#[cfg_attr(miri, ignore = "safe code only, and long on Miri's clock")]
fn a_long_run_differing_everywhere_is_cut_short() {
    // Every call has another maximum: nothing matches.
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    for i in 1..=CALLS {
        callback.progress(None, i, CALLS + 1).unwrap();
    }
    let message = failure_of(|| {
        Expect::new()
            .progress(1..=CALLS, CALLS)
            .assert_matches(&recorder.records())
    });
    assert!(
        message.contains("more lines of diff ..."),
        "{}",
        &message[..2000]
    );
    assert!(
        message.lines().count() < 420,
        "{} lines",
        message.lines().count()
    );
}

/// The records of `calls`: `(0, i, max)` is `Progress i/max`, `(1, _, _)` `Done(S_OK)`,
/// `(2, _, _)` `Error(E_FAIL)`.
fn log_of(calls: &[(u8, u32, u32)]) -> Vec<mapisync::testing::Record> {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    for &(kind, index, max) in calls {
        let _ = match kind {
            0 => callback.progress(None, index, max),
            1 => callback.done(Handle::NULL, HResult::S_OK),
            _ => callback.error(HResult::E_FAIL, None),
        };
    }
    recorder.records()
}

#[test]
fn every_step_must_be_met_in_order_and_nothing_may_follow() {
    let ok = HResult::S_OK;
    let two = Expect::new().progress(1..=2, 2);
    let cases = [
        (Expect::new(), vec![], true),
        (Expect::new(), vec![(1, 0, 0)], false),
        // An empty range on purpose: a step of no calls.
        (
            Expect::new()
                .progress(RangeInclusive::new(1, 0), 3)
                .done(ok),
            vec![(1, 0, 0)],
            true,
        ),
        (
            two.clone().done(ok),
            vec![(0, 1, 2), (0, 2, 2), (1, 0, 0)],
            true,
        ),
        (
            two.clone().done(ok),
            vec![(0, 1, 2), (0, 2, 3), (1, 0, 0)],
            false,
        ),
        (two.clone().done(ok), vec![(0, 1, 2), (0, 2, 2)], false),
        (
            two.clone().done(ok),
            vec![(0, 1, 2), (0, 2, 2), (1, 0, 0), (1, 0, 0)],
            false,
        ),
        (
            Expect::new().progress(1..=3, 2).done(ok),
            vec![(0, 1, 2), (0, 2, 2), (1, 0, 0)],
            false,
        ),
        (
            two.clone().error(HResult::E_FAIL),
            vec![(0, 1, 2), (0, 2, 2), (2, 0, 0)],
            true,
        ),
        (
            two.clone().error(HResult::E_FAIL),
            vec![(0, 1, 2), (0, 2, 2), (1, 0, 0)],
            false,
        ),
        (
            Expect::new().progress(0..=u32::MAX, 2),
            vec![(0, 0, 2)],
            false,
        ),
    ];
    for (n, (expect, calls, matches)) in cases.iter().enumerate() {
        assert_eq!(
            expect.matches(&log_of(calls)),
            *matches,
            "case {n}: {expect}"
        );
    }
}
