//! The speed guard, run by `.ci/benches`: callgrind instruction counts of the operations placed
//! for speed, each against a baseline counted in the same run, and a failure, with a table of the
//! numbers, when one of them is over its limit (docs/performance.md, "The speed guard").
//!
//! - `Progress(NULL)`, `Progress(40-unit text)`, AddRef + Release and create + destroy of a
//!   callback object made by `ProgressCallback::new`: at most [`CALL_LIMIT`] times the
//!   hand-written vtable floor (`Floor`, benches/common/mod.rs) doing the same, with the same
//!   body. The operations and the counting loop are those of `benches/instructions.rs`.
//! - The SyncTest cycle and the host round trip (benches/kit_ops.rs): their ratios to their own
//!   floors at most [`KIT_SLACK`] times the ratios pinned below ([`SYNC_TEST_CYCLE_PINNED`],
//!   [`ROUND_TRIP_PINNED`]).
//!
//! Each count is `(Ir(2N) - Ir(N)) / N`, as in `benches/instructions.rs`: start-up, set-up and
//! first-call costs cancel out. A call's count is the same on every run; a kit operation's moves
//! by a few hundred instructions from run to run (valgrind runs one thread at a time, and the
//! host's and the worker's waits take one path or another), so each of those is counted
//! [`KIT_SAMPLES`] times and the guard takes the median.
//!
//! ```text
//! cargo bench -p mapisync-benches --bench guard              # the guard: a table, exit 1 on a regression
//! cargo bench -p mapisync-benches --bench guard -- --ratios  # the kit's ratios to pin, never fails
//! ```
//!
//! Under `cargo bench -- --test` (and `cargo test --benches`) every operation runs a few times as
//! a smoke test and nothing is counted.

mod callgrind;
mod common;
mod kit_ops;

use callgrind::{count, valgrind_works};
use common::{ops, repeat, Contenders};

/// The most a call may cost, in instructions, over the hand-written floor's same call.
const CALL_LIMIT: f64 = 1.15;

/// The SyncTest cycle's ratio to its floor (a bare thread pushing 100 records), pinned when the
/// guard landed: the median of `--ratios` (15 samples), 2026-12-07, with `SynchronizeInBackground`
/// called on the host's starter thread (src/host/starter.rs: a hung start cannot stall a test;
/// the hand-over costs the cycle about 3 700 instructions). The cycle's count moves by a
/// few hundred instructions between runs, so the guard does not hold it to a fixed target but to
/// this ratio with [`KIT_SLACK`]: a change that costs more than that fails. When a change is
/// meant to make the kit slower (or has made it faster, and the slack should follow), re-measure
/// with `cargo bench -p mapisync-benches --bench guard -- --ratios` and pin what it prints.
const SYNC_TEST_CYCLE_PINNED: f64 = 2.50;

/// The host round trip's ratio to its floor (a thread signalling a condition variable), pinned
/// as [`SYNC_TEST_CYCLE_PINNED`] was, the same day.
const ROUND_TRIP_PINNED: f64 = 1.52;

/// The room over a pinned ratio: 10 %.
const KIT_SLACK: f64 = 1.10;

/// Repetitions of a call in the smaller of the two counted runs (the count is exact: a smaller
/// `N` is as good as a larger one, and faster).
const CALL_N: u64 = 10_000;

/// Repetitions of a kit operation in the smaller of the two counted runs.
const KIT_N: u64 = 200;

/// How many times the guard counts each kit operation (and its floor); it takes the median.
const KIT_SAMPLES: usize = 5;

/// How many times `--ratios` counts each kit operation, for a ratio to pin.
const PIN_SAMPLES: usize = 15;

/// A counted operation: its name (the `group/contender` of `benches/instructions.rs` and
/// `benches/kit.rs`), and what runs it `n` times.
type Operation = (&'static str, fn(u64));

/// Every operation the guard counts.
const OPERATIONS: &[Operation] = &[
    ("progress_null/mapisync", |n| {
        repeat(&Contenders::new(), n, ops::progress_null_mapisync)
    }),
    ("progress_null/floor", |n| {
        repeat(&Contenders::new(), n, ops::progress_null_floor)
    }),
    ("progress_text40/mapisync", |n| {
        repeat(&Contenders::new(), n, ops::progress_text40_mapisync)
    }),
    ("progress_text40/floor", |n| {
        repeat(&Contenders::new(), n, ops::progress_text40_floor)
    }),
    ("add_ref_release/mapisync", |n| {
        repeat(&Contenders::new(), n, ops::add_ref_release_mapisync)
    }),
    ("add_ref_release/floor", |n| {
        repeat(&Contenders::new(), n, ops::add_ref_release_floor)
    }),
    ("create_destroy/mapisync", |n| {
        repeat(&Contenders::new(), n, ops::create_destroy_mapisync)
    }),
    ("create_destroy/floor", |n| {
        repeat(&Contenders::new(), n, ops::create_destroy_floor)
    }),
    ("sync_test_cycle/mapisync", kit_ops::sync_test_cycle),
    ("sync_test_cycle/floor", kit_ops::sync_test_cycle_floor),
    ("round_trip/mapisync", kit_ops::round_trip),
    ("round_trip/floor", kit_ops::round_trip_floor),
];

/// What an operation is held to.
#[derive(Clone, Copy)]
enum Limit {
    /// At most this many times its floor's count.
    Floor(f64),
    /// Its ratio to its floor at most [`KIT_SLACK`] times this pinned ratio, the value of the
    /// constant named.
    Pinned(f64, &'static str),
}

impl Limit {
    fn ratio(self) -> f64 {
        match self {
            Limit::Floor(limit) => limit,
            Limit::Pinned(pinned, _) => pinned * KIT_SLACK,
        }
    }
}

/// One guarded operation: the table's name for it, the operation and its baseline (names in
/// [`OPERATIONS`]), the limit, and how many counts to take the median of.
struct Check {
    label: &'static str,
    ours: &'static str,
    baseline: &'static str,
    limit: Limit,
    samples: usize,
}

/// Everything the guard asserts.
const CHECKS: &[Check] = &[
    Check {
        label: "Progress(NULL)",
        ours: "progress_null/mapisync",
        baseline: "progress_null/floor",
        limit: Limit::Floor(CALL_LIMIT),
        samples: 1,
    },
    Check {
        label: "Progress(40-unit text)",
        ours: "progress_text40/mapisync",
        baseline: "progress_text40/floor",
        limit: Limit::Floor(CALL_LIMIT),
        samples: 1,
    },
    Check {
        label: "AddRef + Release",
        ours: "add_ref_release/mapisync",
        baseline: "add_ref_release/floor",
        limit: Limit::Floor(CALL_LIMIT),
        samples: 1,
    },
    Check {
        label: "create + destroy",
        ours: "create_destroy/mapisync",
        baseline: "create_destroy/floor",
        limit: Limit::Floor(CALL_LIMIT),
        samples: 1,
    },
    Check {
        label: "SyncTest cycle",
        ours: "sync_test_cycle/mapisync",
        baseline: "sync_test_cycle/floor",
        limit: Limit::Pinned(SYNC_TEST_CYCLE_PINNED, "SYNC_TEST_CYCLE_PINNED"),
        samples: KIT_SAMPLES,
    },
    Check {
        label: "host round trip",
        ours: "round_trip/mapisync",
        baseline: "round_trip/floor",
        limit: Limit::Pinned(ROUND_TRIP_PINNED, "ROUND_TRIP_PINNED"),
        samples: KIT_SAMPLES,
    },
];

/// What one check measured.
struct Measured {
    ours: f64,
    baseline: f64,
    /// The smallest and largest ratio of a sample's counts, when there are several samples.
    spread: Option<(f64, f64)>,
}

impl Measured {
    fn ratio(&self) -> f64 {
        self.ours / self.baseline
    }
}

/// The instructions of one run of `name`, from `samples` counts of `(Ir(2N) - Ir(N)) / N`: each
/// count, in the order taken. Panics, with valgrind's reason, if valgrind fails.
fn counts(name: &str, n: u64, samples: usize) -> Vec<f64> {
    (0..samples)
        .map(|_| {
            let once = count(name, n);
            let twice = count(name, 2 * n);
            match (once, twice) {
                (Some(once), Some(twice)) => (twice as f64 - once as f64) / n as f64,
                _ => panic!("speed guard: valgrind failed to count {name}"),
            }
        })
        .collect()
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn measure(check: &Check, samples: usize) -> Measured {
    let n = if samples == 1 { CALL_N } else { KIT_N };
    let ours = counts(check.ours, n, samples);
    let baseline = counts(check.baseline, n, samples);
    let spread = (samples > 1).then(|| {
        let ratios: Vec<f64> = ours.iter().zip(&baseline).map(|(o, b)| o / b).collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        (low, high)
    });
    Measured {
        ours: median(&ours),
        baseline: median(&baseline),
        spread,
    }
}

/// An instruction count for the table: a call's with its tenth, a kit operation's whole.
fn instructions(count: f64) -> String {
    if count < 1000.0 {
        format!("{count:.1}")
    } else {
        format!("{count:.0}")
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();

    // The child: `guard run NAME N`.
    if args.first().map(String::as_str) == Some("run") {
        let n = args[2].parse().expect("repetitions");
        let (_, op) = OPERATIONS
            .iter()
            .find(|(name, _)| *name == args[1])
            .expect("a known operation");
        op(n);
        return;
    }

    // `cargo bench` passes `--bench`; `cargo bench -- --test` and `cargo test --benches` ask for
    // a smoke run only.
    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    if !benching {
        for (_, op) in OPERATIONS {
            op(2);
        }
        println!("guard: {} operations ran (not counted)", OPERATIONS.len());
        return;
    }
    if !valgrind_works() {
        eprintln!("speed guard: valgrind is not installed or does not run; it counts the instructions (apt-get install valgrind)");
        std::process::exit(2);
    }
    let pinning = args.iter().any(|a| a == "--ratios");

    println!(
        "speed guard: instructions per operation (callgrind, (Ir(2N) - Ir(N)) / N), each against a baseline counted in this run"
    );
    println!(
        "{:<24} {:>12} {:>10} {:>7} {:>7}",
        "operation", "instructions", "baseline", "ratio", "limit"
    );
    let mut failures = Vec::new();
    let mut pins = Vec::new();
    for check in CHECKS {
        let samples = match check.limit {
            Limit::Pinned(..) if pinning => PIN_SAMPLES,
            _ => check.samples,
        };
        let measured = measure(check, samples);
        let (ratio, limit) = (measured.ratio(), check.limit.ratio());
        let over = ratio > limit;
        let note = match (check.limit, measured.spread) {
            (Limit::Pinned(pinned, _), Some((low, high))) => format!(
                "pinned {pinned:.2} + 10 %; median of {samples}, ratios {low:.2}..{high:.2}"
            ),
            _ => format!("{limit:.2}x the floor, fixed"),
        };
        println!(
            "{:<24} {:>12} {:>10} {:>7.3} {:>7.3}  {:<4}  ({note})",
            check.label,
            instructions(measured.ours),
            instructions(measured.baseline),
            ratio,
            limit,
            if over { "OVER" } else { "ok" },
        );
        if over {
            let (ours, baseline) = (instructions(measured.ours), instructions(measured.baseline));
            let line = format!(
                "{}: {ours} instructions, {ratio:.3}x its baseline's {baseline}, over the limit {limit:.3}x",
                check.label
            );
            failures.push((check, line));
        }
        if let Limit::Pinned(pinned, constant) = check.limit {
            pins.push((check.label, constant, pinned, ratio));
        }
    }
    println!("baselines: the hand-written vtable floor (benches/common/mod.rs, `Floor`) for the calls; for the kit, a bare thread (benches/kit_ops.rs)");

    if pinning {
        println!("the kit's ratios now, to pin in benches/guard.rs after an intended change:");
        for (label, constant, pinned, ratio) in pins {
            println!("  const {constant}: f64 = {ratio:.2};  // {label}; pinned now: {pinned:.2}");
        }
        return;
    }
    if !failures.is_empty() {
        eprintln!("speed guard FAILED: what was placed for speed costs more than its limit");
        for (check, line) in &failures {
            eprintln!("  {line}");
            match check.limit {
                Limit::Floor(_) => eprintln!(
                    "    a call's limit is fixed: at most {CALL_LIMIT}x the hand-written floor's same call (docs/performance.md)"
                ),
                Limit::Pinned(..) => eprintln!(
                    "    if the change is meant, pin the new ratio in benches/guard.rs: `cargo bench -p mapisync-benches --bench guard -- --ratios` prints it"
                ),
            }
        }
        eprintln!("(docs/performance.md, \"The speed guard\")");
        std::process::exit(1);
    }
    println!(
        "speed guard passed: {} operations within their limits",
        CHECKS.len()
    );
}
