//! The test kit at the speed of the work it checks, in callgrind instruction counts compared in
//! the same run, and the exploration rate in scenarios per second.
//!
//! - `sync_test_cycle`: `SyncTest::run`, `assert_protocol`, `assert_calls`, `assert_released`
//!   of a provider making 100 calls (99 `Progress`, `Done`), against its floor: a bare thread
//!   that pushes 100 records into a `Vec`, joined.
//! - `round_trip`: one `SimulatedHost::run` of a provider that calls `Done` at once (the worker
//!   thread, the done event, the wait, the close), against its floor: a thread spawned to
//!   signal a condition variable the caller waits on.
//!
//!   Both are in `benches/kit_ops.rs`, shared with the speed guard (`benches/guard.rs`).
//! - `explore`: `Explore::run` of a 10-call provider, timed: scenarios per second.
//!
//! `cargo bench --bench kit` runs this binary under `valgrind --tool=callgrind` once per
//! operation with `N` repetitions and once with `2N`, and reports `(Ir(2N) - Ir(N)) / N`, as
//! `benches/instructions.rs` does. Without valgrind, or under `cargo test --benches`, each
//! operation runs a few times as a smoke test and the exploration runs briefly.

mod callgrind;
mod kit_ops;

use std::time::{Duration, Instant};

use callgrind::{count, valgrind_works};
use kit_ops::{round_trip, round_trip_floor, sync_test_cycle, sync_test_cycle_floor, Calls};
use mapisync::testing::Explore;
use mapisync::MapiSync;

/// Repetitions in the smaller of the two counted runs.
const N: u64 = 200;

/// A counted operation: its `group/contender` name, and what runs it `n` times.
type Operation = (&'static str, fn(u64));

/// Every counted operation.
const OPERATIONS: &[Operation] = &[
    ("sync_test_cycle/mapisync", sync_test_cycle),
    ("sync_test_cycle/floor", sync_test_cycle_floor),
    ("round_trip/mapisync", round_trip),
    ("round_trip/floor", round_trip_floor),
];

/// Scenarios per second of an exploration of a 10-call provider (9 `Progress`, `Done`) with
/// `cases` random scripts: the best of `rounds`.
fn exploration_rate(cases: u32, rounds: u32) -> (usize, f64) {
    let explore = Explore::new().cases(cases).timeout(Duration::from_secs(5));
    let mut best = (0, 0.0);
    for _ in 0..rounds {
        let started = Instant::now();
        let exploration = explore.run(|| MapiSync::new(Calls { progress: 9 }));
        let seconds = started.elapsed().as_secs_f64();
        exploration.assert_passed();
        let rate = exploration.scenarios() as f64 / seconds;
        if rate > best.1 {
            best = (exploration.scenarios(), rate);
        }
    }
    best
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("run") {
        let n = args[2].parse().expect("repetitions");
        let (_, op) = OPERATIONS
            .iter()
            .find(|(name, _)| *name == args[1])
            .expect("a known operation");
        op(n);
        return;
    }
    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    if !benching {
        for (_, op) in OPERATIONS {
            op(2);
        }
        let (scenarios, _) = exploration_rate(10, 1);
        println!(
            "kit: {} operations and {scenarios} scenarios ran (not counted)",
            OPERATIONS.len()
        );
        return;
    }

    let (scenarios, rate) = exploration_rate(5_000, 5);
    println!("explore/10-call provider: {rate:.0} scenarios/s (best of 5 runs of {scenarios})");

    if !valgrind_works() {
        println!("valgrind not found: no instruction counts");
        return;
    }
    println!("instructions per operation (callgrind Ir, (Ir(2N) - Ir(N)) / N, N = {N})");
    let mut per_op = Vec::new();
    for (name, _) in OPERATIONS {
        let (Some(once), Some(twice)) = (count(name, N), count(name, 2 * N)) else {
            println!("{name:32} failed under valgrind");
            continue;
        };
        let ir = (twice as f64 - once as f64) / N as f64;
        println!("{name:32} {ir:12.0}");
        per_op.push((*name, ir));
    }
    let ir = |name: &str| per_op.iter().find(|(n, _)| *n == name).map(|&(_, ir)| ir);
    for group in ["sync_test_cycle", "round_trip"] {
        if let (Some(ours), Some(floor)) = (
            ir(&format!("{group}/mapisync")),
            ir(&format!("{group}/floor")),
        ) {
            println!("{group}: {:.2}x its floor", ours / floor);
        }
    }
}
