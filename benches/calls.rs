//! Groups 1 and 2: one `Progress` call through the vtable into a Rust implementation, with NULL
//! text and with a 40-unit text the implementation reads in full. Every contender of a group runs
//! in this one process, so their ratios come from the same run.

#[macro_use]
mod common;

use common::{ops, Contenders};
use criterion::{criterion_group, criterion_main, Criterion};

fn progress_null(c: &mut Criterion) {
    bench_group!(c, &Contenders::new(), "progress_null", [
        "mapisync" => ops::progress_null_mapisync,
        "windows-core" => ops::progress_null_windows_core,
        "com" => ops::progress_null_com,
        "dyn-trait" => ops::progress_null_dyn_trait,
        "floor" => ops::progress_null_floor,
    ]);
}

fn progress_text40(c: &mut Criterion) {
    bench_group!(c, &Contenders::new(), "progress_text40", [
        "mapisync" => ops::progress_text40_mapisync,
        "windows-core" => ops::progress_text40_windows_core,
        "com" => ops::progress_text40_com,
        "dyn-trait" => ops::progress_text40_dyn_trait,
        "floor" => ops::progress_text40_floor,
    ]);
}

criterion_group! {
    name = calls;
    config = common::criterion();
    targets = progress_null, progress_text40
}
criterion_main!(calls);
