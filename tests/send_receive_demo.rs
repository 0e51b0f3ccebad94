//! The `send_receive` example's demo (`examples/support/dialog.rs`), run into a buffer: the log
//! mode stays readable (no escape code, no line per message), the terminal mode redraws in place,
//! and every run ends with the final status, the protocol verdict and the leak check.

#[path = "../examples/support/fake_imap.rs"]
mod fake_imap;

#[path = "../examples/support/dialog.rs"]
mod dialog;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dialog::{run_demo, DemoOptions, DemoOutcome, Dialog, Flaky};
use mapisync::{HResult, SyncFlags, U16CString};

/// A writer whose bytes the test can read afterwards.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("the dialog writes UTF-8")
    }
}

/// The default demo without its delay.
fn instant() -> DemoOptions {
    DemoOptions {
        delay: Duration::ZERO,
        ..DemoOptions::default()
    }
}

fn demo(options: &DemoOptions, tty: bool) -> (DemoOutcome, String) {
    let out = Shared::default();
    let outcome = run_demo(options, Box::new(out.clone()), tty);
    let text = out.text();
    assert!(outcome.passed(), "{text}\n{}", outcome.verdict);
    (outcome, text)
}

/// The checks every log-mode run passes.
fn assert_readable_log(text: &str, max_lines: usize) {
    assert!(
        !text.contains('\x1b'),
        "an escape code in log mode:\n{text}"
    );
    let lines = text.lines().count();
    assert!(
        lines <= max_lines,
        "{lines} lines, more than {max_lines}:\n{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("Done ")), "{text}");
    assert!(
        text.contains("Protocol   passed: strict check of"),
        "{text}"
    );
    assert!(text.contains("Leaks      none"), "{text}");
}

#[test]
fn the_default_demo_logs_phases_folders_the_error_and_the_verdict() {
    let (outcome, text) = demo(&instant(), false);
    assert_readable_log(&text, 40);
    assert_eq!(
        outcome.final_status,
        Some(HResult::MAPI_W_PARTIAL_COMPLETION)
    );
    assert_eq!(outcome.errors_shown, 1);
    assert!(!outcome.cancelled);
    // 6 hierarchy steps, 6 folders opened, all messages but Archive's second half.
    assert_eq!(outcome.progress_calls, 6 + 6 + 137 - 26);

    assert!(
        text.starts_with("Send/Receive: 6 folders, 137 messages"),
        "{text}"
    );
    for line in [
        "Hierarchy  6 folders to list",
        "Hierarchy  done: 6/6 folders",
        "Contents   Inbox (folder 1/6): 40 messages",
        "Contents   Inbox: 20/40 (50%)",
        "Contents   Inbox: done, 40/40",
        "Contents   Junk Email (folder 5/6): empty",
        "Contents   Deleted Items: done, 17/17",
        "Done       MAPI_W_PARTIAL_COMPLETION (0x00040680): partly synchronized, 1 error",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in:\n{text}"
        );
    }
    let error = text
        .lines()
        .find(|l| l.starts_with("Error "))
        .expect("the error is shown");
    assert!(error.contains("MAPI_E_NETWORK_ERROR"), "{error}");
    assert!(error.contains("Archive"), "{error}");
    // Archive never completes.
    assert!(!text.contains("Archive: done"), "{text}");
}

#[test]
fn cancel_after_five_shows_the_cancel_and_stops() {
    let options = DemoOptions {
        cancel_after: Some(5),
        ..instant()
    };
    let (outcome, text) = demo(&options, false);
    assert_readable_log(&text, 10);
    assert_eq!(outcome.final_status, Some(HResult::MAPI_E_USER_CANCEL));
    assert!(outcome.cancelled);
    assert_eq!(outcome.progress_calls, 5);
    assert_eq!(outcome.errors_shown, 0);
    assert!(
        text.contains("Cancel     pressed at listing folder 5/6 (Junk Email)"),
        "{text}"
    );
    assert!(
        text.contains("Done       MAPI_E_USER_CANCEL (0x80040113): cancelled by the user"),
        "{text}"
    );
    assert!(!text.contains("Contents"), "{text}");
}

#[test]
fn with_no_flaky_folder_everything_synchronizes() {
    let options = DemoOptions {
        flaky: Flaky::None,
        ..instant()
    };
    let (outcome, text) = demo(&options, false);
    assert_readable_log(&text, 40);
    assert_eq!(outcome.final_status, Some(HResult::S_OK));
    assert_eq!(outcome.errors_shown, 0);
    assert!(!text.contains("Error"), "{text}");
    assert!(text.contains("Contents   Archive: done, 52/52"), "{text}");
    assert!(
        text.contains("Done       S_OK (0x00000000): synchronized"),
        "{text}"
    );
}

#[test]
fn a_big_account_still_logs_a_few_lines_per_folder() {
    let options = DemoOptions {
        folders: 60,
        ..instant()
    };
    let (outcome, text) = demo(&options, false);
    // At most 5 lines a folder, and a handful around them.
    assert_readable_log(&text, 60 * 5 + 15);
    assert!(outcome.progress_calls > 1_500, "{}", outcome.progress_calls);
}

#[test]
fn hierarchy_only_shows_one_phase() {
    let options = DemoOptions {
        flags: SyncFlags::DOWNLOAD_HIERARCHY,
        ..instant()
    };
    let (outcome, text) = demo(&options, false);
    assert_readable_log(&text, 10);
    assert_eq!(outcome.final_status, Some(HResult::S_OK));
    assert!(!text.contains("Contents"), "{text}");
}

#[test]
fn an_unknown_flaky_folder_is_refused_with_the_names_there_are() {
    let options = DemoOptions {
        folders: 3,
        flaky: Flaky::Folder("Nope".into()),
        ..instant()
    };
    let problem = options.store().unwrap_err();
    assert!(problem.contains("\"Nope\""), "{problem}");
    assert!(problem.contains("Inbox, Sent Items, Drafts"), "{problem}");
    // run_demo says so and goes on without a flaky folder.
    let (outcome, text) = demo(&options, false);
    assert!(text.starts_with("Options    "), "{text}");
    assert_eq!(outcome.final_status, Some(HResult::S_OK));
}

#[test]
fn the_default_flaky_folder_is_archive_or_else_the_last() {
    let flaky = |folders| {
        let options = DemoOptions {
            folders,
            ..instant()
        };
        options.store().unwrap().flaky_folder().map(str::to_owned)
    };
    assert_eq!(flaky(6).as_deref(), Some("Archive"));
    assert_eq!(flaky(30).as_deref(), Some("Archive"));
    assert_eq!(flaky(2).as_deref(), Some("Sent Items"));
    assert_eq!(flaky(0), None);
}

#[test]
fn terminal_mode_redraws_bars_in_place() {
    let (outcome, text) = demo(&instant(), true);
    assert_eq!(
        outcome.final_status,
        Some(HResult::MAPI_W_PARTIAL_COMPLETION)
    );
    assert!(text.contains("\x1b[2A\r\x1b[J"), "no redraw:\n{text:?}");
    assert!(
        text.contains("Hierarchy  [########################]     6/6  done"),
        "{text:?}"
    );
    assert!(text.contains("Contents   ["), "{text:?}");
    assert!(text.contains("MAPI_E_NETWORK_ERROR"), "{text:?}");
    // Once the escape codes are gone, the end reads like the log.
    let tail: Vec<&str> = text.lines().rev().take(3).collect();
    assert!(tail[0].starts_with("Leaks      none"), "{tail:?}");
    assert!(tail[1].starts_with("Protocol   passed"), "{tail:?}");
    assert!(
        tail[2].contains("Done") && tail[2].contains("MAPI_W_PARTIAL_COMPLETION"),
        "{tail:?}"
    );
}

#[test]
fn the_dialog_draws_text_it_cannot_parse_as_a_generic_bar() {
    let out = Shared::default();
    let dialog = Dialog::new(Box::new(out.clone()), false);
    let callback = dialog.callback();
    for i in 1..=40 {
        let text = U16CString::from_str(format!("item {i}")).unwrap();
        callback.progress(Some(&text), i, 40).unwrap();
    }
    callback.progress(None, 1, 1).unwrap();
    callback
        .error(HResult::MAPI_W_PARTIAL_COMPLETION, None)
        .unwrap();
    callback
        .done(mapisync::Handle::NULL, HResult::MAPI_W_PARTIAL_COMPLETION)
        .unwrap();
    let text = out.text();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "Progress   1/40 item 1",
            "Progress   10/40 (25%) item 10",
            "Progress   20/40 (50%) item 20",
            "Progress   30/40 (75%) item 30",
            "Progress   40/40 item 40",
            "Progress   1/1 (no text)",
            "Warning    MAPI_W_PARTIAL_COMPLETION (0x00040680)",
            "Done       MAPI_W_PARTIAL_COMPLETION (0x00040680): partly synchronized, 1 error",
        ],
        "{text}"
    );
    assert_eq!(dialog.errors_shown(), 1);
    assert_eq!(
        dialog.final_status(),
        Some(HResult::MAPI_W_PARTIAL_COMPLETION)
    );
}
