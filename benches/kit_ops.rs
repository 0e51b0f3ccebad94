//! The test kit's counted operations and their floors, shared by `benches/kit.rs` (the figures of
//! docs/performance.md) and `benches/guard.rs` (the speed guard of CI), so that both count
//! exactly the same code.
//!
//! - [`sync_test_cycle`]: `SyncTest::run`, `assert_protocol`, `assert_calls`, `assert_released`
//!   of a provider making 100 calls (99 `Progress`, `Done`); its floor [`sync_test_cycle_floor`]
//!   is a bare thread that pushes 100 records into a `Vec`, joined.
//! - [`round_trip`]: one `SimulatedHost::run` of a provider that calls `Done` at once (the worker
//!   thread, the done event, the wait, the close); its floor [`round_trip_floor`] is a thread
//!   spawned to signal a condition variable the caller waits on.

use std::hint::black_box;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use mapisync::testing::{Expect, Silent, SyncTest};
use mapisync::{
    HResult, Handle, MapiSync, ProgressCallback, Result, SimulatedHost, SyncFlags, SyncProvider,
    SyncRequest, SyncWorker,
};

/// A provider making `progress` `Progress` calls, then `Done(S_OK)`.
pub struct Calls {
    /// How many `Progress` calls the worker makes before `Done`.
    pub progress: u32,
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

/// What the floor of the SyncTest cycle pushes: about a record's size.
#[derive(Clone, Copy)]
#[allow(dead_code)] // written, never read: the floor is the writing
struct Pushed {
    seq: u64,
    index: u32,
    max: u32,
    answer: i32,
}

/// `n` SyncTest cycles of a 100-call provider, each asserted as a test would.
pub fn sync_test_cycle(n: u64) {
    let store = MapiSync::new(Calls { progress: 99 });
    let test = SyncTest::new();
    let expect = Expect::new().progress(1..=99, 99).done(HResult::S_OK);
    for _ in 0..n {
        let run = test.run(black_box(&store));
        run.assert_protocol();
        run.assert_calls(&expect);
        run.assert_released();
        black_box(run);
    }
}

/// The SyncTest cycle's floor, `n` times: a thread pushing 100 records into a `Vec`, joined.
pub fn sync_test_cycle_floor(n: u64) {
    for _ in 0..n {
        let worker = thread::spawn(|| {
            let mut log = Vec::new();
            for i in 0..100u32 {
                log.push(black_box(Pushed {
                    seq: u64::from(i),
                    index: i,
                    max: 100,
                    answer: 0,
                }));
            }
            log
        });
        black_box(worker.join().unwrap());
    }
}

/// `n` host round trips of a provider that calls `Done` at once.
pub fn round_trip(n: u64) {
    let store = MapiSync::new(Calls { progress: 0 });
    let host = SimulatedHost::new();
    let callback = ProgressCallback::new(Silent);
    for _ in 0..n {
        let report = host.run(
            black_box(&store),
            SyncFlags::DOWNLOAD_CONTENTS,
            callback.clone(),
        );
        black_box(report);
    }
}

/// The round trip's floor, `n` times: a thread spawned to signal a condition variable the caller
/// waits on.
pub fn round_trip_floor(n: u64) {
    for _ in 0..n {
        let signal = Arc::new((Mutex::new(false), Condvar::new()));
        let theirs = Arc::clone(&signal);
        thread::spawn(move || {
            *theirs.0.lock().unwrap() = true;
            theirs.1.notify_all();
        });
        let mut done = signal.0.lock().unwrap();
        while !*done {
            done = signal.1.wait(done).unwrap();
        }
    }
}
