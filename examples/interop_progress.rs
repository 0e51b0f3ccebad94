//! One `Progress(NULL)` call, `N` times, through mapisync's `ProgressCallback` or through the
//! windows-core interface on the same object: what `scripts/interop-instructions.sh` counts with
//! callgrind (docs/performance.md, "windows-core interop").
//!
//! ```text
//! cargo run --release --example interop_progress --features windows-core -- windows-core 1000
//! ```

use std::hint::black_box;

use mapisync::testing::Silent;
use mapisync::windows::IMAPISyncProgressCallback;
use mapisync::ProgressCallback;

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

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let n: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let callback = ProgressCallback::new(Silent);
    match mode.as_str() {
        "mapisync" => through_mapisync(&callback, n),
        "windows-core" => through_windows_core(&callback.into(), n),
        _ => eprintln!("usage: interop_progress mapisync|windows-core [N]"),
    }
}
