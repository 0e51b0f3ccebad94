//! Exploration through the C API against the Rust kit, in the same run: the 10-call provider of
//! `benches/kit.rs` (9 `Progress`, `Done`) written in C (benches/capi/explore_store.c) and
//! explored through `mapisync_explore`, beside the same provider in Rust explored through
//! `Explore::run`. Both with 5 000 random cases, best of 5 rounds each, rounds interleaved;
//! prints scenarios per second and the C figure as a share of the Rust one (goal: 80 % or
//! more). Under `cargo test --benches` each runs once with a few cases.

use core::ffi::{c_int, c_void};
use std::ptr;
use std::time::{Duration, Instant};

use mapisync::abi::{IUnknown, HRESULT, ULONG};
use mapisync::testing::Explore;
use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};

/// The Rust provider: `progress` `Progress` calls, then `Done(S_OK)`.
struct Calls {
    progress: u32,
}

impl SyncProvider for Calls {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let n = self.progress;
        SyncWorker::spawn(request, move |sync| {
            for i in 1..=n {
                sync.progress(None, i, n)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

/// `mapisync_explore_options`, as the header declares it.
#[repr(C)]
struct ExploreOptions {
    size: usize,
    flags: ULONG,
    strict: c_int,
    cases: u32,
    seed: u64,
    timeout_ms: u32,
    jobs: u32,
    all_failures: c_int,
}

enum Exploration {}

type Factory = unsafe extern "C" fn(*mut c_void, *mut *mut IUnknown) -> HRESULT;

extern "C" {
    fn bench_make_store(context: *mut c_void, out: *mut *mut IUnknown) -> HRESULT;
    fn mapisync_explore(
        options: *const ExploreOptions,
        make_store: Option<Factory>,
        context: *mut c_void,
        out: *mut *mut Exploration,
    ) -> HRESULT;
    fn mapisync_exploration_passed(x: *const Exploration) -> c_int;
    fn mapisync_exploration_scenarios(x: *const Exploration) -> usize;
    fn mapisync_exploration_free(x: *mut Exploration);
}

/// Scenarios per second of one Rust exploration.
fn rust_round(cases: u32) -> (usize, f64) {
    let explore = Explore::new().cases(cases).timeout(Duration::from_secs(5));
    let started = Instant::now();
    let exploration = explore.run(|| MapiSync::new(Calls { progress: 9 }));
    let seconds = started.elapsed().as_secs_f64();
    exploration.assert_passed();
    (
        exploration.scenarios(),
        exploration.scenarios() as f64 / seconds,
    )
}

/// Scenarios per second of one exploration of the C provider through the C API.
fn c_round(cases: u32) -> (usize, f64) {
    let options = ExploreOptions {
        size: size_of::<ExploreOptions>(),
        flags: 0,
        strict: 0,
        cases,
        seed: 0,
        timeout_ms: 5_000,
        jobs: 1,
        all_failures: 0,
    };
    let mut x = ptr::null_mut();
    let started = Instant::now();
    // SAFETY: live options and out-pointer; the factory keeps the factory contract.
    let hr = unsafe { mapisync_explore(&options, Some(bench_make_store), ptr::null_mut(), &mut x) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(hr, 0, "mapisync_explore failed");
    // SAFETY: a live exploration, freed once.
    unsafe {
        assert_eq!(mapisync_exploration_passed(x), 1, "the C provider fails");
        let scenarios = mapisync_exploration_scenarios(x);
        mapisync_exploration_free(x);
        (scenarios, scenarios as f64 / seconds)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let (cases, rounds) = if benching { (5_000, 5) } else { (10, 1) };
    let (mut rust, mut c) = ((0, 0.0_f64), (0, 0.0_f64));
    for _ in 0..rounds {
        let r = rust_round(cases);
        let k = c_round(cases);
        if r.1 > rust.1 {
            rust = r;
        }
        if k.1 > c.1 {
            c = k;
        }
    }
    if !benching {
        println!(
            "capi_explore: {} + {} scenarios ran (not timed)",
            rust.0, c.0
        );
        return;
    }
    println!(
        "explore/10-call provider, Rust (Explore::run): {:.0} scenarios/s",
        rust.1
    );
    println!(
        "explore/10-call provider, C (mapisync_explore): {:.0} scenarios/s",
        c.1
    );
    println!(
        "C API / Rust: {:.0} % (goal: 80 % or more; best of {rounds} runs of {} scenarios each)",
        100.0 * c.1 / rust.1,
        rust.0
    );
}
