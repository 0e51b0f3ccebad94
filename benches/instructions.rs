//! The deterministic view: instructions per operation, counted by callgrind.
//!
//! `cargo bench --bench instructions` runs this binary under `valgrind --tool=callgrind` once per
//! operation with `N` repetitions and once with `2N`, and reports `(Ir(2N) - Ir(N)) / N`: the
//! instructions one operation costs, with start-up, set-up and first-call effects cancelled out.
//! Instruction counts do not depend on what else the machine is doing, so these ratios hold on a
//! noisy machine where the timings wobble. They are not times: an atomic read-modify-write is one
//! instruction and costs twenty cycles, a cache miss is free here and costly there.
//!
//! Without valgrind (or under `cargo test --benches`), every operation is run a few times as a
//! smoke test and nothing is counted.

#[macro_use]
mod callgrind;
mod common;

use callgrind::{count, valgrind_works};
use common::{ops, record_ops, repeat, Contenders, Recorders};

/// Repetitions in the smaller of the two counted runs.
const N: u64 = 50_000;

macro_rules! operations {
    ($($name:literal => $ctx:ident : $op:path),* $(,)?) => {
        /// Every operation, by its `group/contender` name.
        const NAMES: &[&str] = &[$($name),*];

        /// Runs the named operation `n` times; false for an unknown name.
        fn dispatch(name: &str, n: u64) -> bool {
            match name {
                $($name => { let x = $ctx::new(); repeat(&x, n, $op); })*
                _ => return false,
            }
            true
        }
    };
}

operations! {
    "progress_null/mapisync" => Contenders: ops::progress_null_mapisync,
    "progress_null/windows-core" => Contenders: ops::progress_null_windows_core,
    "progress_null/com" => Contenders: ops::progress_null_com,
    "progress_null/dyn-trait" => Contenders: ops::progress_null_dyn_trait,
    "progress_null/floor" => Contenders: ops::progress_null_floor,
    "progress_text40/mapisync" => Contenders: ops::progress_text40_mapisync,
    "progress_text40/windows-core" => Contenders: ops::progress_text40_windows_core,
    "progress_text40/com" => Contenders: ops::progress_text40_com,
    "progress_text40/dyn-trait" => Contenders: ops::progress_text40_dyn_trait,
    "progress_text40/floor" => Contenders: ops::progress_text40_floor,
    "add_ref_release/mapisync" => Contenders: ops::add_ref_release_mapisync,
    "add_ref_release/windows-core" => Contenders: ops::add_ref_release_windows_core,
    "add_ref_release/com" => Contenders: ops::add_ref_release_com,
    "add_ref_release/arc" => Contenders: ops::add_ref_release_arc,
    "add_ref_release/floor" => Contenders: ops::add_ref_release_floor,
    "query_interface_release/mapisync" => Contenders: ops::query_interface_release_mapisync,
    "query_interface_release/windows-core" => Contenders: ops::query_interface_release_windows_core,
    "query_interface_release/com" => Contenders: ops::query_interface_release_com,
    "query_interface_release/arc" => Contenders: ops::query_interface_release_arc,
    "query_interface_release/floor" => Contenders: ops::query_interface_release_floor,
    "create_destroy/mapisync" => Contenders: ops::create_destroy_mapisync,
    "create_destroy/windows-core" => Contenders: ops::create_destroy_windows_core,
    "create_destroy/com" => Contenders: ops::create_destroy_com,
    "create_destroy/arc" => Contenders: ops::create_destroy_arc,
    "create_destroy/floor" => Contenders: ops::create_destroy_floor,
    "recorder_null/recording-callback" => Recorders: record_ops::recorder_null_recording_callback,
    "recorder_null/mutex-vec-callback" => Recorders: record_ops::recorder_null_mutex_vec_callback,
    "recorder_null/mutex-vec-push" => Recorders: record_ops::recorder_null_mutex_vec_push,
    "recorder_text40/recording-callback" => Recorders: record_ops::recorder_text40_recording_callback,
    "recorder_text40/mutex-vec-callback" => Recorders: record_ops::recorder_text40_mutex_vec_callback,
    "recorder_text40/mutex-vec-push" => Recorders: record_ops::recorder_text40_mutex_vec_push,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();

    // The child: `instructions run NAME N`.
    if args.first().map(String::as_str) == Some("run") {
        let n = args[2].parse().expect("repetitions");
        assert!(dispatch(&args[1], n), "unknown operation {}", args[1]);
        return;
    }

    // `cargo bench` passes `--bench`; `cargo bench -- --test` and `cargo test --benches` ask for
    // a smoke run only.
    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let filter: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let chosen: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|name| filter.is_empty() || filter.iter().any(|f| name.contains(f)))
        .collect();

    if !benching || !valgrind_works() {
        for name in &chosen {
            assert!(dispatch(name, 3));
        }
        println!(
            "instructions: {} operations ran (not counted)",
            chosen.len()
        );
        return;
    }

    println!("instructions per operation (callgrind Ir, (Ir(2N) - Ir(N)) / N, N = {N})");
    let mut lines = Vec::new();
    for name in chosen {
        let (Some(once), Some(twice)) = (count(name, N), count(name, 2 * N)) else {
            println!("{name:40} failed under valgrind");
            continue;
        };
        let per_op = (twice as f64 - once as f64) / N as f64;
        println!("{name:40} {per_op:8.1}");
        lines.push((name, per_op));
    }
    // Beside criterion's results, for benches/report.py; a filtered run updates its own lines.
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()));
    if let Some(dir) = target.map(|t| t.join("criterion")) {
        let file = dir.join("instructions.tsv");
        let mut merged: std::collections::BTreeMap<String, String> = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (name, per_op) in lines {
            merged.insert(name.to_string(), format!("{per_op:.1}"));
        }
        let text: String = merged.iter().map(|(k, v)| format!("{k}\t{v}\n")).collect();
        if std::fs::create_dir_all(&dir).is_ok() {
            let _ = std::fs::write(file, text);
        }
    }
}
