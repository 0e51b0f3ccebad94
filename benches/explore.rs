//! How long `Explore::run` takes at its defaults, in wall time beside the count of scenarios:
//!
//! - `correct`: a correct 10-call provider (9 `Progress`, `Done`);
//! - `leaks`: one that keeps a reference on the callback when the user cancels while it lists
//!   the folders (3 `Progress` of hierarchy, 6 of contents, 1 `Error`, `Done`);
//! - `hangs`: the same, hanging for good instead (no `Done`, no event);
//! - `jobs(1)` against `jobs(8)`: a correct provider whose every scenario sleeps 20 ms.
//!
//! `cargo bench -p mapisync-benches --bench explore` measures each once (about 10 s); under
//! `cargo test --benches` (or with `--test`) a short exploration of the correct provider runs as
//! a smoke test. A hung worker is left sleeping until the process exits.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use mapisync::testing::{Exploration, Explore};
use mapisync::{
    HResult, Handle, MapiSync, ProgressCallback, Result, SyncContext, SyncProvider, SyncRequest,
    SyncWorker,
};

/// A provider making `progress` `Progress` calls, then `Done(S_OK)`, after sleeping `sleep`.
struct Calls {
    progress: u32,
    sleep: Duration,
}

impl SyncProvider for Calls {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let (n, sleep) = (self.progress, self.sleep);
        SyncWorker::spawn(request, move |sync| {
            thread::sleep(sleep);
            for i in 1..=n {
                sync.progress(None, i, n)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

/// What the planted bug does when the user cancels in the hierarchy phase.
#[derive(Clone, Copy)]
enum Bug {
    /// Keeps a reference on the callback and never lets go of it.
    Leaks,
    /// Never calls `Done` nor signals.
    Hangs,
}

struct Planted {
    bug: Bug,
    kept: Arc<Mutex<Vec<ProgressCallback>>>,
}

fn planted(sync: &SyncContext, bug: Bug, keep: impl FnOnce()) -> Result<HResult> {
    for i in 1..=3 {
        if let Err(e) = sync.progress(None, i, 3) {
            match bug {
                Bug::Leaks => keep(),
                Bug::Hangs => thread::sleep(Duration::from_secs(3600)),
            }
            return Err(e);
        }
    }
    for folder in 1..=2 {
        for message in 1..=3 {
            sync.progress(None, message, 3)?;
            if folder == 2 {
                sync.error(HResult::MAPI_E_NETWORK_ERROR, None)?;
                break;
            }
        }
    }
    Ok(HResult::MAPI_W_PARTIAL_COMPLETION)
}

impl SyncProvider for Planted {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let callback = request.callback.clone();
        let kept = Arc::clone(&self.kept);
        let bug = self.bug;
        SyncWorker::spawn(request, move |sync| {
            planted(sync, bug, || kept.lock().unwrap().push(callback))
        })
    }
}

fn store(bug: Bug) -> MapiSync {
    MapiSync::new(Planted {
        bug,
        kept: Arc::default(),
    })
}

/// Runs `explore` on the stores `make` builds; prints its wall time and count under `name`.
fn measure(
    name: &str,
    explore: &Explore,
    make: impl FnMut() -> MapiSync,
) -> (Duration, Exploration) {
    let started = Instant::now();
    let exploration = explore.run(make);
    let took = started.elapsed();
    println!(
        "{name:28} {:>9.3} s  {:>4} scenarios  {}",
        took.as_secs_f64(),
        exploration.scenarios(),
        if exploration.passed() {
            "passed".to_owned()
        } else {
            format!("{} failing", exploration.failures().len())
        }
    );
    (took, exploration)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let correct = || {
        MapiSync::new(Calls {
            progress: 9,
            sleep: Duration::ZERO,
        })
    };
    if !benching {
        let (_, exploration) = measure(
            "explore/correct (10 cases)",
            &Explore::new().cases(10),
            correct,
        );
        exploration.assert_passed();
        return;
    }
    let defaults = Explore::new();
    let (_, exploration) = measure("explore/correct", &defaults, correct);
    exploration.assert_passed();
    let (_, exploration) = measure("explore/leaks on Cancel", &defaults, || store(Bug::Leaks));
    assert!(!exploration.passed(), "{exploration}");
    let (_, exploration) = measure("explore/hangs on Cancel", &defaults, || store(Bug::Hangs));
    assert!(!exploration.passed(), "{exploration}");
    let sleepy = || {
        MapiSync::new(Calls {
            progress: 9,
            sleep: Duration::from_millis(20),
        })
    };
    let (one, _) = measure("explore/20 ms each, jobs(1)", &defaults, sleepy);
    let (eight, _) = measure(
        "explore/20 ms each, jobs(8)",
        &defaults.clone().jobs(8),
        sleepy,
    );
    println!(
        "jobs(8) is {:.1}x as fast as jobs(1)",
        one.as_secs_f64() / eight.as_secs_f64()
    );
}
