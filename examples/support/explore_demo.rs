//! `send_receive --explore`: the fake IMAP account under every host behaviour the test kit's
//! `Explore` tries, with a progress line while it works and a summary at the end.
//!
//! Shared between the `send_receive` example and its tests through `#[path]` includes.

use std::io::Write;
use std::time::Duration;

use mapisync::testing::{Exploration, Explore, ExploreProgress};
use mapisync::{MapiSync, SyncFlags};

use crate::fake_imap::FakeImapStore;

/// Random scripts after the systematic pass.
pub const EXPLORE_CASES: u32 = 256;

/// Explores `store` (without its delay: a scenario should take microseconds, not seconds) with
/// `flags`, strictly, writing a progress line to `out` while it works — redrawn in place on a
/// terminal, a line per quarter otherwise — and a summary at the end: the rate, and the smallest
/// failing script with its findings and call log if one failed. True when every scenario passed.
pub fn run_exploration(
    store: &FakeImapStore,
    flags: SyncFlags,
    out: &mut dyn Write,
    tty: bool,
) -> bool {
    let store = store.clone().with_delay(Duration::ZERO);
    let _ = writeln!(
        out,
        "Exploring  {} folders, {} messages: Cancel at each Progress, Cancel and\n           \
         E_FAIL at each Error, E_FAIL at Done, then {EXPLORE_CASES} random scripts\n\
         Flags      {flags}",
        store.folders().len(),
        store.total_messages()
    );
    let mut shown = 0;
    let exploration = Explore::new()
        .strict()
        .flags(flags)
        .cases(EXPLORE_CASES)
        .run_observed(
            || MapiSync::new(store.clone()),
            |progress| {
                // On a terminal, redraw about every 1%; otherwise a line at each quarter.
                let step = if tty {
                    progress.planned / 100
                } else {
                    progress.planned / 4
                }
                .max(1);
                if progress.scenarios >= shown + step {
                    shown = progress.scenarios;
                    let _ = if tty {
                        write!(out, "\r{}", progress_line(progress))
                    } else {
                        writeln!(out, "{}", progress_line(progress))
                    };
                    let _ = out.flush();
                }
            },
        );
    if tty {
        let _ = writeln!(out);
    }
    let _ = write!(out, "{}", summary(&exploration));
    exploration.passed()
}

/// `Progress   412/525 scenarios, 0 failing, 0.3 s`: under 80 columns.
fn progress_line(progress: &ExploreProgress) -> String {
    format!(
        "Progress   {}/{} scenarios, {} failing, {:.1} s",
        progress.scenarios,
        progress.planned,
        progress.failures,
        progress.elapsed.as_secs_f64()
    )
}

/// The closing lines: how many scenarios ran, how fast, and the smallest failure if any.
fn summary(exploration: &Exploration) -> String {
    let seconds = exploration.elapsed().as_secs_f64();
    let rate = exploration.scenarios() as f64 / seconds.max(1e-9);
    let mut text = format!(
        "Explored   {} scenarios in {seconds:.2} s ({rate:.0}/s), seed {}\n",
        exploration.scenarios(),
        exploration.seed()
    );
    match exploration.failures().first() {
        None => {
            text.push_str("Verdict    every scenario kept the protocol and released everything\n")
        }
        Some(smallest) => {
            text.push_str(&format!(
                "Verdict    {} failing script(s); the smallest replays with\n  {}\n{}",
                exploration.failures().len(),
                exploration.replay(&smallest.script),
                smallest.verdict
            ));
        }
    }
    text
}
