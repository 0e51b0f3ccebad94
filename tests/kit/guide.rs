//! The failures docs/testing-store-providers.md shows are what the kit prints: each is made here
//! by the provider the guide describes and compared with the guide's text block, line by line,
//! with only the values that differ from run to run (a time, a handle) left out.

// Text, not memory: the kit these runs drive is under Miri in host_truth.rs, kit.rs and
// sync_handshake.rs.
#![cfg(not(miri))]

#[path = "../common/mod.rs"]
mod common;

use common::failure_of;
use mapisync::testing::{Expect, Explore, Script, SyncTest};
use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};

const GUIDE: &str = include_str!("../../docs/testing-store-providers.md");

/// The first text block of the guide after `intro` (with either line ending: a Windows checkout
/// may have turned the guide's into CRLF).
fn shown_after(intro: &str) -> &'static str {
    GUIDE
        .split(intro)
        .nth(1)
        .and_then(|rest| rest.split("```text").nth(1))
        .and_then(|block| block.split("```").next())
        .map(|block| block.trim_start_matches(['\r', '\n']))
        .unwrap_or_else(|| panic!("the guide shows a text block after {intro:?}"))
}

/// `text` with what differs from run to run written as `<...>`: an exploration's count and time
/// (the count of random scripts drawn before the first failure differs between 32- and 64-bit
/// targets), its seed and deadline (the environment may set the seed; the deadline adapts to the
/// machine), the test named in its replay line, a done event's handle value (after "event 0x")
/// and where the run's picture was written.
fn without_run_values(text: &str) -> String {
    common::masked(
        text,
        &[
            ("exploration: ", Some(" (seed")),
            ("(seed ", Some(")")),
            ("MAPISYNC_EXPLORE_SEED=", None),
            (" event 0x", None),
            ("the run as a picture: ", None),
        ],
    )
}

/// Asserts that `printed` is the guide's block after `intro`.
fn assert_shown(intro: &str, printed: &str) {
    assert_eq!(
        without_run_values(printed),
        without_run_values(shown_after(intro)),
        "the guide's block after {intro:?} (right) is not what the kit prints (left)"
    );
}

/// A provider reporting `Progress` 1 to `max` of `max` (leaving out `skip`), then `Done(status)`,
/// Cancel or not.
struct Plain {
    max: u32,
    skip: Option<u32>,
    status: HResult,
}

impl SyncProvider for Plain {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let (max, skip, status) = (self.max, self.skip, self.status);
        SyncWorker::spawn(request, move |sync| {
            for i in (1..=max).filter(|&i| Some(i) != skip) {
                let _ = sync.progress(None, i, max); // Cancel or not, the bug goes on
            }
            Ok(status)
        })
    }
}

#[test]
fn a_provider_ignoring_cancel_fails_as_the_guide_shows() {
    let store = MapiSync::new(Plain {
        max: 5,
        skip: None,
        status: HResult::S_OK,
    });
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(3))
        .run(&store);
    let printed = failure_of(|| run.assert_protocol());
    assert_shown("A provider that ignores Cancel fails", &printed);
}

#[test]
fn a_wrong_expectation_prints_the_guides_diff() {
    let store = MapiSync::new(Plain {
        max: 3,
        skip: Some(2),
        status: HResult::E_FAIL,
    });
    let run = SyncTest::new().run(&store);
    let expect = Expect::new().progress(1..=3, 3).done(HResult::S_OK);
    let printed = failure_of(|| run.assert_calls(&expect));
    assert_shown("a wrong expectation prints a diff", &printed);
}

/// The guide's example of a bug `Explore` finds: when the user cancels while the folders are
/// listed, it reports `Done(S_OK)`.
struct GivesUpQuietly;

impl SyncProvider for GivesUpQuietly {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for folder in 1..=2 {
                if sync.progress(None, folder, 2).is_err() {
                    return Ok(HResult::S_OK);
                }
            }
            for message in 1..=3 {
                sync.progress(None, message, 3)?;
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn the_bug_explore_finds_fails_as_the_guide_shows() {
    let printed = failure_of(|| {
        Explore::new()
            .run(|| MapiSync::new(GivesUpQuietly))
            .assert_passed()
    });
    assert_shown(
        "`assert_passed` fails with the smallest failing script",
        &printed,
    );
}
