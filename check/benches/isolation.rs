//! What the worker process costs: scenarios per second of `Explore` on the outlook-store
//! library (ten calls a run) in this process, and of `mapisync-check` on the same library, its
//! exploration in a worker process, start-up and reports included.
//!
//! `cargo bench -p mapisync-check --bench isolation` (the figures are in docs/check.md).

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::ffi::c_void;
use std::process::Command;
use std::time::Instant;

use libloading::Library;
use mapisync::testing::Explore;
use mapisync::MapiSync;

/// Random cases after the systematic pass, in both.
const CASES: u32 = 2000;

fn main() {
    let library = fixtures::provider("factory");
    // SAFETY: the example's library, built for this machine.
    let lib = unsafe { Library::new(&library) }.expect("loads");
    // SAFETY: the factory's documented signature.
    let factory = *unsafe {
        lib.get::<unsafe extern "C" fn(*mut *mut c_void) -> i32>(b"mapisync_make_store")
    }
    .expect("the factory");
    let make = || {
        let mut out = std::ptr::null_mut();
        // SAFETY: `out` is a live local; the factory writes one reference there.
        assert_eq!(unsafe { factory(&mut out) }, 0);
        // SAFETY: one reference on a store, adopted: it answers IMAPISync itself.
        unsafe { MapiSync::from_raw(out.cast()) }
    };
    let started = Instant::now();
    let exploration = Explore::new().cases(CASES).run(make);
    let seconds = started.elapsed().as_secs_f64();
    exploration.assert_passed();
    let in_process = exploration.scenarios() as f64 / seconds;
    println!(
        "in process: {} scenarios in {seconds:.2} s: {in_process:.0}/s",
        exploration.scenarios()
    );

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_mapisync-check"))
        .arg(&library)
        .args(["--cases", &CASES.to_string()])
        .output()
        .expect("the tool runs");
    let seconds = started.elapsed().as_secs_f64();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let scenarios: f64 = text
        .split("Explored   ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the summary's count");
    let isolated = scenarios / seconds;
    println!("isolated (mapisync-check, whole process): {scenarios} scenarios in {seconds:.2} s: {isolated:.0}/s");
    println!("cost of isolation: {:.2}x", in_process / isolated);
}
