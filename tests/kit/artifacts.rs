//! A failing assertion of a run leaves the run's picture in `$MAPISYNC_ARTIFACTS` (by default the
//! temp folder's `mapisync/`) as `<test name>.svg`, names it, and never fails differently for it.
//! One test: it sets the variable, which every test of the process would see.

// Writes files, which Miri's isolation refuses.
#![cfg(not(miri))]

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;

use common::failure_of;
use mapisync::testing::{Expect, Explore, SyncTest};
use mapisync::{HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker};

struct Two;

impl SyncProvider for Two {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            sync.progress(None, 1, 2)?;
            sync.progress(None, 2, 2)?;
            Ok(HResult::S_OK)
        })
    }
}

/// Goes on after Cancel as if nothing happened: `Progress` 1 and 2 of 2 whatever they answer.
struct GoesOnAfterCancel;

impl SyncProvider for GoesOnAfterCancel {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=2 {
                let _ = sync.progress(None, i, 2); // the bug: a Cancel is not heeded
            }
            Ok(HResult::S_OK)
        })
    }
}

/// The file the message names.
fn named(message: &str) -> PathBuf {
    let line = message
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("the run as a picture: "))
        .unwrap_or_else(|| panic!("no picture named in:\n{message}"));
    PathBuf::from(line)
}

#[test]
fn a_failing_assertion_leaves_the_runs_picture_and_names_it() {
    let run = SyncTest::new().run(&MapiSync::new(Two));
    let wrong = Expect::new().progress(1..=3, 3).done(HResult::S_OK);
    let folder = std::env::temp_dir().join(format!("mapisync-artifacts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);

    std::env::set_var("MAPISYNC_ARTIFACTS", &folder);
    let message = failure_of(|| run.assert_calls(&wrong));
    assert!(
        message.starts_with("the calls do not match the expectation"),
        "{message}"
    );
    let file = named(&message);
    assert_eq!(
        file,
        folder.join("a_failing_assertion_leaves_the_runs_picture_and_names_it.svg")
    );
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.contains("<title>#1 Progress 2/2</title>"), "{svg}");

    // Every assertion of the run does it.
    std::fs::remove_file(&file).unwrap();
    let message = failure_of(|| run.assert_start_failed(HResult::E_FAIL));
    assert!(named(&message).exists(), "{message}");

    // A picture that cannot be written is said so, after the same failure.
    let blocked = folder.join("a file");
    std::fs::write(&blocked, "").unwrap();
    std::env::set_var("MAPISYNC_ARTIFACTS", blocked.join("below"));
    let message = failure_of(|| run.assert_calls(&wrong));
    assert!(
        message.starts_with("the calls do not match the expectation"),
        "{message}"
    );
    let last = message.lines().last().unwrap();
    assert!(
        last.starts_with("the run as a picture could not be written to ")
            && last.contains("a file"),
        "{message}"
    );

    // A failing exploration leaves the picture of its smallest failing script's run.
    let explored = folder.join("explored");
    std::env::set_var("MAPISYNC_ARTIFACTS", &explored);
    let exploration = Explore::new()
        .cases(0)
        .run(|| MapiSync::new(GoesOnAfterCancel));
    let message = failure_of(|| exploration.assert_passed());
    assert!(
        message.contains("the smallest failing script replays with")
            && message.contains(".cancel_progress_from(1)"),
        "{message}"
    );
    let file = named(&message);
    assert_eq!(
        file,
        explored.join("a_failing_assertion_leaves_the_runs_picture_and_names_it.svg")
    );
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("<title>#1 Progress 2/2 -&gt; MAPI_E_USER_CANCEL"),
        "{svg}"
    );

    // Without the variable: the temp folder's mapisync/, and a name of its own off a test thread.
    std::env::remove_var("MAPISYNC_ARTIFACTS");
    let message = std::thread::spawn(move || failure_of(|| run.assert_calls(&wrong)))
        .join()
        .unwrap();
    let file = named(&message);
    assert_eq!(file.parent(), Some(&*std::env::temp_dir().join("mapisync")));
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("run-") && name.ends_with(".svg"), "{name}");
    assert!(file.exists());
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
}
