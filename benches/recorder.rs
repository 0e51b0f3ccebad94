//! Group 5: the recording callback's throughput, against a `Mutex<Vec<_>>` behind the same COM
//! object and against the bare push. Each sample starts from fresh, empty logs, so no log grows
//! without bound and every sample pays the same amortized cost of growing its `Vec`s.

#[macro_use]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{record_ops, Recorders};
use criterion::{criterion_group, criterion_main, Criterion};

/// Times `iters` calls of `op` on fresh logs; dropping the logs is not timed.
fn sample<R>(iters: u64, op: impl Fn(&Recorders) -> R) -> Duration {
    let logs = Recorders::new();
    let start = Instant::now();
    for _ in 0..iters {
        black_box(op(&logs));
    }
    let elapsed = start.elapsed();
    drop(logs);
    elapsed
}

macro_rules! recorder_group {
    ($c:expr, $group:literal, [$($name:literal => $op:path),* $(,)?]) => {{
        let mut group = $c.benchmark_group($group);
        $(group.bench_function($name, |b| b.iter_custom(|iters| sample(iters, $op)));)*
        group.finish();
    }};
}

fn recorder_null(c: &mut Criterion) {
    recorder_group!(c, "recorder_null", [
        "recording-callback" => record_ops::recorder_null_recording_callback,
        "mutex-vec-callback" => record_ops::recorder_null_mutex_vec_callback,
        "mutex-vec-push" => record_ops::recorder_null_mutex_vec_push,
    ]);
}

fn recorder_text40(c: &mut Criterion) {
    recorder_group!(c, "recorder_text40", [
        "recording-callback" => record_ops::recorder_text40_recording_callback,
        "mutex-vec-callback" => record_ops::recorder_text40_mutex_vec_callback,
        "mutex-vec-push" => record_ops::recorder_text40_mutex_vec_push,
    ]);
}

criterion_group! {
    name = recorder;
    config = common::criterion();
    targets = recorder_null, recorder_text40
}
criterion_main!(recorder);
