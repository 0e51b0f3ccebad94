//! A thousand synchronizations held open at once fit in a modest address space: each worker
//! thread reserves `SyncWorker::DEFAULT_STACK_SIZE`, not std's 2 MiB. Linux only (it reads
//! `/proc/self/status`); not under Miri (a thousand threads). Under AddressSanitizer, whose shadow
//! memory alone reserves terabytes of address space, there is nothing to measure against, and the
//! test says so and stops.
#![cfg(all(target_os = "linux", not(miri)))]

use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};

use mapisync::testing::Silent;
use mapisync::{
    Event, HResult, Handle, MapiSync, ProgressCallback, Result, SyncFlags, SyncProvider,
    SyncRequest, SyncWorker,
};

const SYNCS: usize = 1000;
/// The bound on the whole test process's virtual size with every sync open: 300 MB.
const LIMIT_KB: u64 = 300_000;
/// Set in the child process that measures.
const CHILD: &str = "MAPISYNC_OPEN_SYNCS_CHILD";

/// A gate every worker waits at until the test opens it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

struct Store(Arc<Gate>);

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let gate = self.0.clone();
        SyncWorker::spawn(request, move |_| {
            gate.wait();
            Ok(HResult::S_OK)
        })
    }
}

/// This process's virtual size, in kB, from `/proc/self/status`.
fn vm_size_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmSize:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_thousand_open_syncs_stay_under_300_mb_of_address_space() {
    if std::env::var_os(CHILD).is_none() {
        // Measured in a process of its own, with one malloc arena: glibc's per-thread arenas
        // reserve about 1 GB on their own, and that is the process's choice, not the library's.
        let output = Command::new(std::env::current_exe().unwrap())
            .args([
                "a_thousand_open_syncs_stay_under_300_mb_of_address_space",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("MALLOC_ARENA_MAX", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        println!("{stdout}");
        eprintln!("{stderr}");
        assert!(output.status.success(), "the measuring process failed");
        assert!(
            stdout.contains("1 passed"),
            "the measuring process ran no test"
        );
        return;
    }

    let gate = Arc::new(Gate::default());
    let store = MapiSync::new(Store(gate.clone()));
    let callback = ProgressCallback::new(Silent);
    let before = vm_size_kb();
    if before > LIMIT_KB {
        println!(
            "VmSize is {before} kB before any sync (a sanitizer's shadow memory): not measured"
        );
        return;
    }
    let handles: Vec<Handle> = (0..SYNCS)
        .map(|_| {
            store
                .synchronize_in_background(SyncFlags::DOWNLOAD_CONTENTS, None, &callback)
                .unwrap()
        })
        .collect();
    let open = vm_size_kb();
    gate.open();
    for &handle in &handles {
        Event::from_handle(handle).unwrap().wait();
        Event::close_handle(handle).unwrap();
    }
    println!(
        "VmSize: {before} kB before, {open} kB with {SYNCS} syncs open ({} kB each)",
        (open - before) / SYNCS as u64
    );
    assert!(
        open < LIMIT_KB,
        "{SYNCS} open syncs take the process to {open} kB of address space (limit {LIMIT_KB} kB)"
    );
}
