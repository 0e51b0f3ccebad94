//! Group 3: AddRef + Release, QueryInterface(own IID) + Release, and create + destroy, on one
//! thread. Every contender of a group runs in this one process, so their ratios are same-run.

#[macro_use]
mod common;

use common::{ops, Contenders};
use criterion::{criterion_group, criterion_main, Criterion};

fn add_ref_release(c: &mut Criterion) {
    bench_group!(c, &Contenders::new(), "add_ref_release", [
        "mapisync" => ops::add_ref_release_mapisync,
        "windows-core" => ops::add_ref_release_windows_core,
        "com" => ops::add_ref_release_com,
        "arc" => ops::add_ref_release_arc,
        "floor" => ops::add_ref_release_floor,
    ]);
}

fn query_interface_release(c: &mut Criterion) {
    bench_group!(c, &Contenders::new(), "query_interface_release", [
        "mapisync" => ops::query_interface_release_mapisync,
        "windows-core" => ops::query_interface_release_windows_core,
        "com" => ops::query_interface_release_com,
        "arc" => ops::query_interface_release_arc,
        "floor" => ops::query_interface_release_floor,
    ]);
}

fn create_destroy(c: &mut Criterion) {
    bench_group!(c, &Contenders::new(), "create_destroy", [
        "mapisync" => ops::create_destroy_mapisync,
        "windows-core" => ops::create_destroy_windows_core,
        "com" => ops::create_destroy_com,
        "arc" => ops::create_destroy_arc,
        "floor" => ops::create_destroy_floor,
    ]);
}

criterion_group! {
    name = lifetime;
    config = common::criterion();
    targets = add_ref_release, query_interface_release, create_destroy
}
criterion_main!(lifetime);
