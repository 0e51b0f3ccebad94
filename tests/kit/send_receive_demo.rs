//! The `send_receive` example's demo (`examples/support/dialog.rs`), run into a buffer: the log
//! mode stays readable (no escape code, no line per message), the terminal mode redraws in place,
//! and every run ends with the final status, the protocol verdict and the leak check. Ctrl-C is
//! the user pressing Cancel, lines fit 80 columns, and `NO_COLOR` means no colour.

#[path = "../../examples/support/fake_imap.rs"]
mod fake_imap;

#[path = "../../examples/support/ctrl_c.rs"]
mod ctrl_c;

#[path = "../../examples/support/dialog.rs"]
mod dialog;

#[path = "../../examples/support/explore_demo.rs"]
mod explore_demo;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ctrl_c::CancelButton;
use dialog::{run_demo, DemoOptions, DemoOutcome, Dialog, Flaky, COLUMNS};
use mapisync::{HResult, SyncFlags, U16CString};

/// What a [`Shared`] writer calls with each write (the user reacting to what the dialog shows).
type OnWrite = Arc<dyn Fn(&str) + Send + Sync>;

/// A writer whose bytes the test can read afterwards; it calls its [`OnWrite`] with each write.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>, Option<OnWrite>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        if let Some(on_write) = &self.1 {
            on_write(&String::from_utf8_lossy(buf));
        }
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
        "Contents   Inbox: done, 40/40 (40 messages so far, folder 1/6)",
        "Contents   Junk Email (folder 5/6): empty",
        "Contents   Deleted Items: done, 17/17 (111 messages so far, folder 6/6)",
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
    assert!(text.contains("\x1b[3A\r\x1b[J"), "no redraw:\n{text:?}");
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
    let dialog = Dialog::new(Box::new(out.clone()), false, false);
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

/// The lines as a terminal shows them: the text after the last cursor movement of each line,
/// colour codes removed.
fn screen_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.rsplit("\x1b[J").next().unwrap_or(line);
            let mut shown = String::new();
            let mut escape = false;
            for c in line.chars() {
                match (escape, c) {
                    (false, '\x1b') => escape = true,
                    (true, c) if c.is_ascii_alphabetic() => escape = false,
                    (true, _) => {}
                    (false, c) => shown.push(c),
                }
            }
            shown
        })
        .collect()
}

fn assert_fits_80_columns(text: &str) {
    for line in screen_lines(text) {
        assert!(
            line.chars().count() <= COLUMNS,
            "a line of {} columns:\n{line}\nin:\n{text}",
            line.chars().count()
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "too many calls for the host's timeout under Miri")]
fn every_line_fits_80_columns_in_both_modes() {
    // 30 folders: long Projects/... names, and a header naming the flags and the flaky folder.
    let options = DemoOptions {
        folders: 30,
        cancel_after: Some(400),
        ..instant()
    };
    for tty in [false, true] {
        let (_, text) = demo(&options, tty);
        assert_fits_80_columns(&text);
    }
    // The header is wrapped, not cut: its second line goes on under the text.
    let (_, text) = demo(&options, false);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Send/Receive: 30 folders, "), "{text}");
    assert!(lines[1].starts_with("           "), "{text}");
    assert!(text.contains("Cancel at Progress #400"), "{text}");
}

#[test]
#[cfg_attr(miri, ignore = "too many calls for the host's timeout under Miri")]
fn no_color_keeps_the_redraw_and_drops_the_colours() {
    let options = DemoOptions {
        color: false,
        ..instant()
    };
    let (_, text) = demo(&options, true);
    assert!(text.contains("\x1b[3A\r\x1b[J"), "no redraw:\n{text:?}");
    for colour in ["\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"] {
        assert!(!text.contains(colour), "{colour:?} in:\n{text:?}");
    }
    // With colours (the default) the same run has them.
    let (_, text) = demo(&instant(), true);
    assert!(text.contains("\x1b[33m"), "{text:?}");
}

#[test]
#[cfg_attr(miri, ignore = "too many calls for the host's timeout under Miri")]
fn the_contents_phase_shows_overall_progress() {
    let (_, text) = demo(&instant(), true);
    let screen = screen_lines(&text);
    assert!(
        screen.iter().any(|l| l.starts_with("Overall    [")
            && l.contains("6/6")
            && l.ends_with("111 messages so far")),
        "{text:?}"
    );
    // Halfway: Archive is the 4th of 6 folders.
    assert!(
        screen
            .iter()
            .any(|l| l.starts_with("Overall    [") && l.contains("4/6")),
        "{text:?}"
    );
}

#[test]
fn counts_read_right_in_the_singular() {
    // One folder of 40 messages, the user cancelling at the first call: one folder, one call.
    let options = DemoOptions {
        folders: 1,
        cancel_after: Some(1),
        ..instant()
    };
    let (outcome, text) = demo(&options, false);
    assert_eq!(outcome.progress_calls, 1);
    assert!(
        text.starts_with("Send/Receive: 1 folder, 40 messages,"),
        "{text}"
    );
    assert!(text.contains("Hierarchy  1 folder to list"), "{text}");
    assert!(
        text.contains("Protocol   passed: strict check of 2 calls, no findings"),
        "{text}"
    );
    for wrong in ["1 folders", "1 messages", "1 calls", "(s)"] {
        assert!(!text.contains(wrong), "{wrong:?} in:\n{text}");
    }
}

#[test]
fn the_cancel_button_is_heard_by_the_provider_and_checked() {
    let button = CancelButton::default();
    let options = DemoOptions {
        cancel: button.clone(),
        ..instant()
    };
    // The user presses Cancel when the Inbox opens.
    let pressed = button.clone();
    let out = Shared(
        Arc::default(),
        Some(Arc::new(move |written: &str| {
            if written.contains("Contents   Inbox (folder 1/6)") {
                pressed.press();
            }
        })),
    );
    let outcome = run_demo(&options, Box::new(out.clone()), false);
    let text = out.text();
    assert!(outcome.passed(), "{text}");
    assert_eq!(outcome.final_status, Some(HResult::MAPI_E_USER_CANCEL));
    assert!(outcome.cancelled);
    // 6 hierarchy steps and the Inbox's opening went by; the first message heard Cancel.
    assert_eq!(outcome.cancel_button_from, Some(8));
    assert_eq!(outcome.progress_calls, 8);
    assert!(text.contains("Cancel     pressed at Inbox 1/40"), "{text}");
    assert!(
        text.contains("Done       MAPI_E_USER_CANCEL (0x80040113): cancelled by the user"),
        "{text}"
    );
    assert!(text.contains("Protocol   passed"), "{text}");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot call C's signal and raise")]
fn ctrl_c_is_the_user_pressing_cancel() {
    ctrl_c::install().unwrap();
    let options = DemoOptions {
        cancel: CancelButton::ctrl_c(),
        ..instant()
    };
    // Ctrl-C when the Sent Items open.
    let out = Shared(
        Arc::default(),
        Some(Arc::new(|written: &str| {
            if written.contains("Contents   Sent Items (folder 2/6)") {
                ctrl_c::press_ctrl_c();
            }
        })),
    );
    let outcome = run_demo(&options, Box::new(out.clone()), false);
    let text = out.text();
    assert!(outcome.passed(), "{text}");
    assert_eq!(outcome.final_status, Some(HResult::MAPI_E_USER_CANCEL));
    // 6 hierarchy steps, the Inbox (opening and 40 messages), the Sent Items' opening.
    assert_eq!(outcome.cancel_button_from, Some(6 + 41 + 2));
    assert!(
        text.contains("Cancel     pressed at Sent Items 1/25"),
        "{text}"
    );
    assert!(text.contains("Protocol   passed"), "{text}");
}

#[test]
fn a_pressed_cancel_button_answers_every_later_progress_with_cancel() {
    let button = CancelButton::default();
    let out = Shared::default();
    let dialog =
        Dialog::new(Box::new(out.clone()), false, false).with_cancel_button(button.clone());
    let callback = dialog.callback();
    callback.progress(None, 1, 3).unwrap();
    button.press();
    for index in 2..=3 {
        let answer = callback.progress(None, index, 3).unwrap_err();
        assert_eq!(answer.hresult(), HResult::MAPI_E_USER_CANCEL);
    }
    assert_eq!(dialog.cancel_button_from(), Some(2));
    assert!(dialog.cancelled());
    // Error and Done are not Progress: the button does not answer them.
    callback.error(HResult::MAPI_E_USER_CANCEL, None).unwrap();
    callback
        .done(mapisync::Handle::NULL, HResult::MAPI_E_USER_CANCEL)
        .unwrap();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "hundreds of host runs: beyond Miri's pace (tests/kit/explore.rs says more)"
)]
fn explore_prints_progress_then_a_summary_under_80_columns() {
    let store = instant().store().unwrap();
    let mut log = Vec::new();
    let flags = SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS;
    assert!(explore_demo::run_exploration(
        &store, flags, &mut log, false
    ));
    let text = String::from_utf8(log).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\r'), "{text}");
    assert!(text.lines().count() <= 10, "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "over 80 columns: {line:?}");
    }
    let progress = text.lines().filter(|l| l.starts_with("Progress ")).count();
    assert_eq!(progress, 4, "a line per quarter:\n{text}");
    assert!(text.contains("Explored   "), "{text}");
    assert!(
        text.contains("every scenario kept the protocol and released everything"),
        "{text}"
    );

    let mut screen = Vec::new();
    assert!(explore_demo::run_exploration(
        &store,
        flags,
        &mut screen,
        true
    ));
    let screen = String::from_utf8(screen).unwrap();
    assert!(
        screen.matches('\r').count() >= 50,
        "redrawn in place:\n{screen}"
    );
}
