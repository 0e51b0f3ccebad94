//! One `Progress(NULL)` call, `N` times, through mapisync's `ProgressCallback` or through the
//! windows-core 0.62 interface on the same object (`mapisync::windows`), counted by callgrind as
//! `benches/instructions.rs` counts: `(Ir(2N) - Ir(N)) / N`, so start-up and set-up cancel out
//! (docs/performance.md, "windows-core interop").
//!
//! ```text
//! cargo bench -p mapisync-benches --features windows-core --bench interop_progress
//! ```
//!
//! `scripts/interop-instructions.sh` runs it (as `.ci/windows` does). Without valgrind, or under
//! `cargo bench -- --test`, both paths run a few times as a smoke test and nothing is counted.

mod callgrind;

use std::hint::black_box;

use callgrind::{count, valgrind_works};
use mapisync::testing::Silent;
use mapisync::windows::IMAPISyncProgressCallback;
use mapisync::ProgressCallback;

/// Repetitions in the smaller of the two counted runs.
const N: u64 = 50_000;

/// The two paths, by the names the counts print.
const PATHS: [&str; 2] = ["mapisync", "windows-core"];

#[inline(never)]
fn through_mapisync(callback: &ProgressCallback, n: u64) {
    for i in 0..n {
        let _ = black_box(black_box(callback).progress(None, i as u32, 0));
    }
}

#[inline(never)]
fn through_windows_core(callback: &IMAPISyncProgressCallback, n: u64) {
    for i in 0..n {
        // SAFETY: `callback` holds a reference; a null text is allowed.
        let _ = black_box(unsafe { black_box(callback).Progress(core::ptr::null(), i as u32, 0) });
    }
}

/// Runs `n` calls along the named path.
fn run(path: &str, n: u64) {
    let callback = ProgressCallback::new(Silent);
    match path {
        "mapisync" => through_mapisync(&callback, n),
        "windows-core" => through_windows_core(&callback.into(), n),
        _ => panic!("unknown path {path}: mapisync or windows-core"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();

    // The child: `interop_progress run PATH N`.
    if args.first().map(String::as_str) == Some("run") {
        run(&args[1], args[2].parse().expect("repetitions"));
        return;
    }

    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    if !benching || !valgrind_works() {
        for path in PATHS {
            run(path, 3);
        }
        println!("interop_progress: both paths ran (not counted)");
        return;
    }
    for path in PATHS {
        let (Some(once), Some(twice)) = (count(path, N), count(path, 2 * N)) else {
            panic!("valgrind failed to count {path}");
        };
        println!(
            "{path}: {} instructions per Progress(NULL) call",
            (twice - once) / N
        );
    }
}
