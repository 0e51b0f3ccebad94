//! Group 4: two threads hammering one object's AddRef/Release. Both threads run the same number of
//! AddRef+Release pairs on the same object; the time reported is the wall time for both divided by
//! that number, i.e. per pair on each thread. Flat sampling: every sample has the same (large)
//! iteration count, so starting the second thread weighs the same, and little, in each.

#[macro_use]
mod common;

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use common::{ops, Contenders};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

/// Both threads run `op` `iters` times, started together; the wall time until both are done.
fn hammer(x: &Contenders, iters: u64, op: impl Fn(&Contenders) + Sync) -> Duration {
    let start_line = Barrier::new(2);
    thread::scope(|s| {
        let other = s.spawn(|| {
            start_line.wait();
            for _ in 0..iters {
                op(black_box(x));
            }
        });
        start_line.wait();
        let start = Instant::now();
        for _ in 0..iters {
            op(black_box(x));
        }
        other.join().unwrap();
        start.elapsed()
    })
}

macro_rules! contention_group {
    ($c:expr, $group:literal, [$($name:literal => $op:path),* $(,)?]) => {{
        let x = &Contenders::new();
        let mut group = $c.benchmark_group($group);
        group.sampling_mode(SamplingMode::Flat);
        $(group.bench_function($name, |b| b.iter_custom(|iters| hammer(x, iters, $op)));)*
        group.finish();
    }};
}

fn add_ref_release_2threads(c: &mut Criterion) {
    contention_group!(c, "add_ref_release_2threads", [
        "mapisync" => ops::add_ref_release_mapisync,
        "windows-core" => ops::add_ref_release_windows_core,
        "com" => ops::add_ref_release_com,
        "arc" => ops::add_ref_release_arc,
        "floor" => ops::add_ref_release_floor,
    ]);
}

criterion_group! {
    name = contention;
    config = common::criterion().sample_size(100);
    targets = add_ref_release_2threads
}
criterion_main!(contention);
