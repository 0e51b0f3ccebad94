//! Same-moment ratios, for a shared and noisy machine.
//!
//! Criterion measures one contender after another: on a machine whose load changes from one
//! second to the next, two medians taken a few seconds apart can differ by more than the effect
//! being measured. Here the contenders of a group take turns instead: round after round, each runs
//! one short burst (about 50 µs) in rotating order, so every round sees all of them under the same
//! load, and each contender's ratio to the baseline is taken round by round.
//!
//! A call that costs four or five cycles is also at the mercy of where its code lands: one build
//! can put a contender's loop where it runs a whole cycle faster or slower than in another build,
//! and a process can settle into a faster or slower state for its life (branch-predictor
//! aliasing depends on addresses). So the measurement is repeated in several processes
//! (`PROCESSES`), and what is reported is, per contender, the median over processes of its median
//! burst (ns per operation) and of its median per-round ratio, with the smallest and largest
//! per-process ratio beside it. Differences between builds are not covered: docs/performance.md
//! shows the same table for several code layouts.
//!
//! `cargo bench --bench ratios` prints the table; `cargo bench -- --test` runs it briefly.

#[macro_use]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{ops, Contenders};

/// One contender's operation, run `n` times; the time it took.
type Burst = fn(&Contenders, u64) -> Duration;

/// The burst function for an operation: a monomorphized loop around the inlined operation.
macro_rules! burst {
    ($op:path) => {{
        fn burst(x: &Contenders, n: u64) -> Duration {
            let start = Instant::now();
            for _ in 0..n {
                black_box($op(black_box(x)));
            }
            start.elapsed()
        }
        burst as Burst
    }};
}

struct Group {
    name: &'static str,
    /// The contender every ratio is taken against.
    baseline: &'static str,
    contenders: Vec<(&'static str, Burst)>,
}

fn groups() -> Vec<Group> {
    vec![
        Group {
            name: "progress_null",
            baseline: "windows-core",
            contenders: vec![
                ("mapisync", burst!(ops::progress_null_mapisync)),
                ("windows-core", burst!(ops::progress_null_windows_core)),
                ("com", burst!(ops::progress_null_com)),
                ("dyn-trait", burst!(ops::progress_null_dyn_trait)),
                ("floor", burst!(ops::progress_null_floor)),
            ],
        },
        Group {
            name: "progress_text40",
            baseline: "windows-core",
            contenders: vec![
                ("mapisync", burst!(ops::progress_text40_mapisync)),
                ("windows-core", burst!(ops::progress_text40_windows_core)),
                ("com", burst!(ops::progress_text40_com)),
                ("dyn-trait", burst!(ops::progress_text40_dyn_trait)),
                ("floor", burst!(ops::progress_text40_floor)),
            ],
        },
        Group {
            name: "add_ref_release",
            baseline: "windows-core",
            contenders: vec![
                ("mapisync", burst!(ops::add_ref_release_mapisync)),
                ("windows-core", burst!(ops::add_ref_release_windows_core)),
                ("com", burst!(ops::add_ref_release_com)),
                ("arc", burst!(ops::add_ref_release_arc)),
                ("floor", burst!(ops::add_ref_release_floor)),
            ],
        },
        Group {
            name: "query_interface_release",
            baseline: "windows-core",
            contenders: vec![
                ("mapisync", burst!(ops::query_interface_release_mapisync)),
                (
                    "windows-core",
                    burst!(ops::query_interface_release_windows_core),
                ),
                ("com", burst!(ops::query_interface_release_com)),
                ("arc", burst!(ops::query_interface_release_arc)),
                ("floor", burst!(ops::query_interface_release_floor)),
            ],
        },
        Group {
            name: "create_destroy",
            baseline: "windows-core",
            contenders: vec![
                ("mapisync", burst!(ops::create_destroy_mapisync)),
                ("windows-core", burst!(ops::create_destroy_windows_core)),
                ("com", burst!(ops::create_destroy_com)),
                ("arc", burst!(ops::create_destroy_arc)),
                ("floor", burst!(ops::create_destroy_floor)),
            ],
        },
    ]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Iterations that take about `target` for `burst`.
fn calibrate(x: &Contenders, burst: Burst, target: Duration) -> u64 {
    let mut n = 64;
    loop {
        let took = burst(x, n);
        if took >= target / 4 || n >= 1 << 30 {
            let per_op = took.as_secs_f64() / n as f64;
            return ((target.as_secs_f64() / per_op) as u64).max(16);
        }
        n *= 4;
    }
}

fn run(group: &Group, rounds: usize, burst_time: Duration) {
    let x = Contenders::new();
    let sizes: Vec<u64> = group
        .contenders
        .iter()
        .map(|&(_, burst)| {
            burst(&x, 1000); // warm up
            calibrate(&x, burst, burst_time)
        })
        .collect();
    let k = group.contenders.len();
    let mut per_op = vec![Vec::with_capacity(rounds); k];
    for round in 0..rounds {
        for i in 0..k {
            let c = (round + i) % k; // rotate who goes first
            let took = (group.contenders[c].1)(&x, sizes[c]);
            per_op[c].push(took.as_secs_f64() * 1e9 / sizes[c] as f64);
        }
    }
    let base = group
        .contenders
        .iter()
        .position(|&(name, _)| name == group.baseline)
        .unwrap();
    for (c, &(name, _)) in group.contenders.iter().enumerate() {
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|r| per_op[c][r] / per_op[base][r])
            .collect();
        let ratio = median(&mut ratios);
        let ns = median(&mut per_op[c].clone());
        // One line per contender, read by the parent process.
        println!(
            "{}\t{}\t{}\t{ns}\t{ratio}",
            group.name, name, group.baseline
        );
    }
}

/// Processes the measurement is repeated in, each with its own address-space layout.
const PROCESSES: usize = 7;

/// (group, contender, baseline).
type Key = (String, String, String);

/// Runs the child processes and prints, per contender, the medians over them.
fn parent(filter: &[&str]) {
    let exe = std::env::current_exe().expect("own path");
    // (group, contender, baseline) -> per-process (ns, ratio), in first-seen order.
    let mut rows: Vec<(Key, Vec<(f64, f64)>)> = Vec::new();
    for _ in 0..PROCESSES {
        let out = std::process::Command::new(&exe)
            .args(["--child", "--bench"])
            .args(filter)
            .output()
            .expect("child process");
        assert!(out.status.success(), "child failed");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let [group, name, base, ns, ratio] = f[..] else {
                continue;
            };
            let key = (group.to_string(), name.to_string(), base.to_string());
            let value = (ns.parse().unwrap(), ratio.parse().unwrap());
            match rows.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(value),
                None => rows.push((key, vec![value])),
            }
        }
    }
    println!(
        "interleaved bursts, {PROCESSES} processes: median ns per operation, median ratio \
         (smallest..largest per-process ratio)"
    );
    for ((group, name, base), values) in rows {
        let mut ns: Vec<f64> = values.iter().map(|v| v.0).collect();
        let mut ratios: Vec<f64> = values.iter().map(|v| v.1).collect();
        let (lo, hi) = ratios
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        println!(
            "{group:24} {name:14} {:8.2} ns  {:5.2}x {base} ({lo:.2}..{hi:.2})",
            median(&mut ns),
            median(&mut ratios),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let child = args.iter().any(|a| a == "--child");
    let testing = args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench");
    let filter: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    if !child && !testing {
        return parent(&filter);
    }
    let (rounds, burst) = if testing {
        (3, Duration::from_micros(20))
    } else {
        (4000, Duration::from_micros(50))
    };
    for group in groups() {
        if filter.is_empty() || filter.iter().any(|f| group.name.contains(f)) {
            run(&group, rounds, burst);
        }
    }
}
