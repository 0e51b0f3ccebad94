//! The "Send/Receive" dialog: Outlook's side of a background synchronization, drawn live to a
//! terminal or written as a readable log, and [`run_demo`], which runs the fake IMAP store of
//! `fake_imap.rs` under a simulated Outlook with that dialog as the callback.
//!
//! Expects its includer to include `fake_imap.rs` and `ctrl_c.rs` as the modules `fake_imap` and
//! `ctrl_c` at the crate root:
//!
//! ```ignore
//! #[path = "support/fake_imap.rs"]
//! mod fake_imap;
//! #[path = "support/ctrl_c.rs"]
//! mod ctrl_c;
//! #[path = "support/dialog.rs"]
//! mod dialog;
//! ```
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mapisync::testing::{Call, Checker, Record, Script, SyncTest, Verdict};
use mapisync::{
    Error, HResult, Handle, MapiSync, ProgressCallback, Result, Slot, SyncFlags, SyncProgress,
    SyncReport, U16CStr,
};

use crate::ctrl_c::CancelButton;
use crate::fake_imap::{FakeImapStore, ProgressStep};

/// Characters in a progress bar, between the brackets.
const BAR_WIDTH: usize = 24;
/// Characters of the folder name or text shown on a bar line: with the rest, a bar line fits in
/// 80 columns, so that it never wraps (which would throw the redraw off).
const LABEL_WIDTH: usize = 32;
/// In terminal mode, the least time between two redraws that nothing forces.
const REDRAW_EVERY: Duration = Duration::from_millis(40);
/// In log mode, bars of this many steps or more also get a line at 25, 50 and 75 %.
const QUARTILES_FROM: u32 = 20;
/// The terminal's width: no line the dialog writes is longer.
pub const COLUMNS: usize = 80;
/// Where a line's text starts after its label (`Contents   `), and where a wrapped line goes on.
const INDENT: usize = 11;

/// The Send/Receive dialog: renders every `Progress`, `Error` and `Done` a store provider
/// reports, as it arrives (on the provider's worker thread).
///
/// Two modes:
///
/// - **terminal** (`tty = true`): one live bar per phase, redrawn in place with ANSI escape
///   codes (cursor up, clear to the end of the screen), at most every 40 ms unless something
///   important happened; errors, Cancel and `Done` are printed above the bars and stay:
///
///   ```text
///   Hierarchy  [########################]     6/6  done
///   Contents   [#########---------------]   15/40  Inbox (folder 1/6)
///   ```
///
/// - **log** (`tty = false`, for CI logs and pipes): plain lines, no escape code, and never a line
///   per message: a line when a phase or a folder starts and ends, and at 25, 50 and 75 % of bars
///   of [`QUARTILES_FROM`] steps or more. Errors, Cancel and `Done` always get their line.
///
/// The phase and folder come from the `Progress` text as [`ProgressStep`] writes it; any other
/// text gets a generic `Progress` bar.
///
/// The dialog is a handle (cheap to clone) on the shared screen; [`callback`](Self::callback)
/// and [`callback_forwarding_to`](Self::callback_forwarding_to) make the COM object that the host
/// passes to the provider. Writing errors (a closed pipe) are ignored: drawing never fails a
/// synchronization. The dialog never closes the done event `Done` brings: the host does.
///
/// ```ignore
/// let tty = std::io::stdout().is_terminal();
/// let dialog = Dialog::new(Box::new(std::io::stdout()), tty, tty);
/// let recorder = RecordingCallback::new(Script::new().cancel_progress_from(20));
/// let report = SimulatedHost::new().run(
///     &MapiSync::new(FakeImapStore::demo(6)),
///     SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS,
///     dialog.callback_forwarding_to(recorder.callback()),
/// );
/// ```
#[derive(Clone)]
pub struct Dialog {
    screen: Arc<Mutex<Screen>>,
    cancel: CancelButton,
}

impl Dialog {
    /// A dialog drawing to `out`, in terminal mode if `tty`, in log mode otherwise; in colour
    /// when `color` too.
    pub fn new(out: Box<dyn Write + Send>, tty: bool, color: bool) -> Dialog {
        Dialog {
            cancel: CancelButton::default(),
            screen: Arc::new(Mutex::new(Screen {
                out,
                tty,
                color,
                hierarchy: None,
                contents: None,
                overall: None,
                other: None,
                progress_calls: 0,
                cancel_from: None,
                errors: 0,
                cancelled: false,
                done: None,
                live_lines: 0,
                dirty: false,
                last_draw: None,
            })),
        }
    }

    /// The dialog with `button` as its Cancel button: once it is pressed, every `Progress` is
    /// answered `MAPI_E_USER_CANCEL`.
    pub fn with_cancel_button(mut self, button: CancelButton) -> Dialog {
        self.cancel = button;
        self
    }

    /// A callback object that draws each call and answers `S_OK` (`MAPI_E_USER_CANCEL` to a
    /// `Progress` once the Cancel button is pressed).
    pub fn callback(&self) -> ProgressCallback {
        ProgressCallback::new(DialogCallback {
            dialog: self.clone(),
            next: None,
        })
    }

    /// A callback object that forwards each call to `next`, draws it, and returns `next`'s
    /// answer: with a [`RecordingCallback`] as `next`, every call is recorded for the protocol
    /// check and answered as its [`Script`] says (the user pressing Cancel).
    pub fn callback_forwarding_to(&self, next: ProgressCallback) -> ProgressCallback {
        ProgressCallback::new(DialogCallback {
            dialog: self.clone(),
            next: Some(next),
        })
    }

    /// Prints `text` as a line of its own, above the live bars in terminal mode.
    pub fn line(&self, text: &str) {
        let mut screen = self.lock();
        screen.permanent(text);
    }

    /// How many `Error` calls the dialog has shown.
    pub fn errors_shown(&self) -> usize {
        self.lock().errors
    }

    /// Whether a `Progress` was answered `MAPI_E_USER_CANCEL`.
    pub fn cancelled(&self) -> bool {
        self.lock().cancelled
    }

    /// The `Progress` call (counted from 1) from which the Cancel button answered
    /// `MAPI_E_USER_CANCEL`, if it was pressed during the synchronization.
    pub fn cancel_button_from(&self) -> Option<u64> {
        self.lock().cancel_from
    }

    /// The status `Done` brought, once it came.
    pub fn final_status(&self) -> Option<HResult> {
        self.lock().done
    }

    fn lock(&self) -> MutexGuard<'_, Screen> {
        // A panic while drawing leaves a screen that is still fine to draw on.
        self.screen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The COM object's value: draws, and forwards to `next` when there is one.
struct DialogCallback {
    dialog: Dialog,
    next: Option<ProgressCallback>,
}

fn lossy(text: Option<&U16CStr>) -> Option<String> {
    text.map(|t| t.to_string_lossy())
}

impl SyncProgress for DialogCallback {
    fn progress(&self, text: Option<&U16CStr>, index: u32, max: u32) -> Result<()> {
        let mut answer = match &self.next {
            Some(next) => next.progress(text, index, max),
            None => Ok(()),
        };
        let mut screen = self.dialog.lock();
        screen.progress_calls += 1;
        if answer.is_ok() && self.dialog.cancel.pressed() {
            // The user pressed Cancel: from this call on, the provider hears it.
            let call = screen.progress_calls;
            screen.cancel_from.get_or_insert(call);
            answer = Err(HResult::MAPI_E_USER_CANCEL.into());
        }
        let answered = answer.as_ref().err().map(Error::hresult);
        screen.progress(lossy(text), index, max, answered);
        answer
    }

    fn error(&self, hr: HResult, text: Option<&U16CStr>) -> Result<()> {
        let answer = match &self.next {
            Some(next) => next.error(hr, text),
            None => Ok(()),
        };
        self.dialog.lock().error(hr, lossy(text));
        answer
    }

    fn done(&self, event: Handle, hr: HResult) -> Result<()> {
        // The host that passed this callback closes the event; the dialog only shows the status.
        let answer = match &self.next {
            Some(next) => next.done(event, hr),
            None => Ok(()),
        };
        self.dialog.lock().done(hr);
        answer
    }

    fn refused(&self, slot: Slot, error: &Error) {
        self.dialog
            .lock()
            .permanent(&format!("Refused    {slot}: {error}"));
    }
}

/// One bar: a phase, or a folder of the contents phase.
struct Bar {
    /// What is shown next to the bar: the current folder, or the text.
    label: String,
    /// Shown after the label, e.g. `folder 2/6`.
    detail: String,
    index: u32,
    max: u32,
    /// Log mode: the last quarter a line was written for (0 to 3).
    quarter: u32,
    /// What is shown in place of `index/max`, if not that.
    shown: Option<String>,
}

/// The contents phase as a whole: which folder it is at, and how far into it.
struct Overall {
    /// The folder now being synchronized, from 1.
    position: u32,
    folders: u32,
    /// Messages of the folders before this one, and of this one so far.
    messages_before: u64,
    index: u32,
    max: u32,
}

impl Overall {
    /// Messages synchronized so far, all folders together.
    fn messages(&self) -> u64 {
        self.messages_before + u64::from(self.index.min(self.max))
    }

    /// The phase as a bar: each folder an equal share, filled as its messages arrive.
    fn bar(&self) -> Bar {
        const SHARE: u32 = 1000;
        let within = if self.max == 0 {
            0
        } else {
            (u64::from(self.index.min(self.max)) * u64::from(SHARE) / u64::from(self.max)) as u32
        };
        let done = self.position.saturating_sub(1) * SHARE + within;
        let mut bar = Bar::new(
            format!(
                "{} message{} so far",
                self.messages(),
                plural64(self.messages())
            ),
            String::new(),
            done,
            self.folders.max(1) * SHARE,
        );
        bar.shown = Some(format!("{}/{}", self.position, self.folders));
        bar
    }
}

impl Bar {
    fn new(label: String, detail: String, index: u32, max: u32) -> Bar {
        Bar {
            label,
            detail,
            index,
            max,
            quarter: 0,
            shown: None,
        }
    }

    fn complete(&self) -> bool {
        self.index >= self.max
    }

    /// Log mode: the quarter (1 to 3) this step newly crossed, if a line is due for it.
    fn crossed_quarter(&mut self) -> Option<u32> {
        if self.max < QUARTILES_FROM || self.complete() {
            return None;
        }
        let quarter = (u64::from(self.index) * 4 / u64::from(self.max)) as u32;
        if quarter > self.quarter {
            self.quarter = quarter;
            Some(quarter)
        } else {
            None
        }
    }

    /// `[#######-----------------]`
    fn drawn(&self) -> String {
        let filled = if self.max == 0 {
            0
        } else {
            (u64::from(self.index.min(self.max)) * BAR_WIDTH as u64 / u64::from(self.max)) as usize
        };
        format!("[{}{}]", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled))
    }
}

/// Everything drawn so far, and where the live area is.
struct Screen {
    out: Box<dyn Write + Send>,
    tty: bool,
    /// Terminal mode: colours (off when `NO_COLOR` is set).
    color: bool,
    hierarchy: Option<Bar>,
    contents: Option<Bar>,
    /// The contents phase as a whole, once it has started.
    overall: Option<Overall>,
    /// Progress whose text is not a [`ProgressStep`].
    other: Option<Bar>,
    /// `Progress` calls so far.
    progress_calls: u64,
    /// The `Progress` call from which the Cancel button answered `MAPI_E_USER_CANCEL`.
    cancel_from: Option<u64>,
    errors: usize,
    cancelled: bool,
    done: Option<HResult>,
    /// Terminal mode: how many lines of live bars are on screen below the permanent lines.
    live_lines: usize,
    /// Terminal mode: the bars changed since they were last drawn.
    dirty: bool,
    last_draw: Option<Instant>,
}

impl Screen {
    fn progress(&mut self, text: Option<String>, index: u32, max: u32, answer: Option<HResult>) {
        let step = text.as_deref().and_then(ProgressStep::parse);
        let mut force = false;
        self.dirty = true;
        // Where the provider is, for a line about the answer.
        let at = match &step {
            Some(ProgressStep::Hierarchy { folder, .. }) => {
                format!("listing folder {index}/{max} ({folder})")
            }
            Some(ProgressStep::OpenFolder { folder, .. }) => format!("opening {folder}"),
            Some(ProgressStep::Message { folder, .. }) => format!("{folder} {index}/{max}"),
            None => format!("Progress {index}/{max}"),
        };
        match step {
            Some(ProgressStep::Hierarchy { folder, .. }) => {
                let restarted = match &self.hierarchy {
                    Some(bar) => bar.max != max || bar.index >= index,
                    None => true,
                };
                if restarted {
                    self.log(&format!("Hierarchy  {max} folder{} to list", plural(max)));
                    self.hierarchy = Some(Bar::new(folder.clone(), String::new(), index, max));
                    force = true;
                }
                let bar = self.hierarchy.as_mut().expect("set above");
                bar.label = folder;
                bar.index = index;
                let quarter = bar.crossed_quarter();
                let complete = bar.complete();
                if complete {
                    bar.label = "done".to_owned();
                }
                if let Some(q) = quarter {
                    self.log(&format!(
                        "Hierarchy  {index}/{max} folder{} ({}%)",
                        plural(max),
                        q * 25
                    ));
                }
                if complete {
                    self.log(&format!(
                        "Hierarchy  done: {index}/{max} folder{}",
                        plural(max)
                    ));
                    force = true;
                }
            }
            Some(ProgressStep::OpenFolder {
                folder,
                position,
                folders,
                messages,
            }) => {
                let detail = format!("folder {position}/{folders}");
                let size = match messages {
                    0 => "empty".to_owned(),
                    n => format!("{n} message{}", plural(n)),
                };
                self.overall = Some(match self.overall.take() {
                    // The next folder: what the last one got through is done.
                    Some(o) if position > o.position => Overall {
                        position,
                        folders,
                        messages_before: o.messages(),
                        index: 0,
                        max: messages,
                    },
                    Some(o) => Overall {
                        position,
                        folders,
                        index: 0,
                        max: messages,
                        ..o
                    },
                    None => Overall {
                        position,
                        folders,
                        messages_before: 0,
                        index: 0,
                        max: messages,
                    },
                });
                self.log(&format!("Contents   {folder} ({detail}): {size}"));
                self.contents = Some(Bar::new(folder, detail, 0, messages));
                force = true;
            }
            Some(ProgressStep::Message {
                folder, messages, ..
            }) => {
                let same = self
                    .contents
                    .as_ref()
                    .is_some_and(|bar| bar.label == folder && bar.max == messages);
                if !same {
                    // A folder that was not opened first: start its bar here.
                    self.log(&format!(
                        "Contents   {folder}: {messages} message{}",
                        plural(messages)
                    ));
                    self.contents = Some(Bar::new(folder.clone(), String::new(), 0, messages));
                    force = true;
                }
                let bar = self.contents.as_mut().expect("set above");
                bar.index = index;
                let quarter = bar.crossed_quarter();
                let complete = bar.complete();
                if let Some(overall) = &mut self.overall {
                    overall.index = index;
                    overall.max = messages;
                }
                if let Some(q) = quarter {
                    self.log(&format!("Contents   {folder}: {index}/{max} ({}%)", q * 25));
                }
                if complete {
                    let so_far = match &self.overall {
                        Some(o) => format!(
                            " ({} message{} so far, folder {}/{})",
                            o.messages(),
                            plural64(o.messages()),
                            o.position,
                            o.folders
                        ),
                        None => String::new(),
                    };
                    self.log(&format!("Contents   {folder}: done, {index}/{max}{so_far}"));
                    force = true;
                }
            }
            None => {
                let label = text.unwrap_or_else(|| "(no text)".to_owned());
                let restarted = match &self.other {
                    Some(bar) => bar.max != max || bar.index > index,
                    None => true,
                };
                if restarted {
                    self.log(&format!("Progress   {index}/{max} {label}"));
                    self.other = Some(Bar::new(label.clone(), String::new(), index, max));
                    force = true;
                }
                let bar = self.other.as_mut().expect("set above");
                bar.label = label.clone();
                bar.index = index;
                let quarter = bar.crossed_quarter();
                let complete = bar.complete();
                if let Some(q) = quarter {
                    self.log(&format!("Progress   {index}/{max} ({}%) {label}", q * 25));
                }
                if complete && !restarted {
                    self.log(&format!("Progress   {index}/{max} {label}"));
                    force = true;
                }
            }
        }
        match answer {
            None => {}
            Some(HResult::MAPI_E_USER_CANCEL) if !self.cancelled => {
                self.cancelled = true;
                self.permanent(&format!(
                    "{}Cancel{}     pressed at {at}: waiting for the provider to stop",
                    self.style(YELLOW),
                    self.style(RESET)
                ));
            }
            // A provider that goes on after Cancel: the protocol check says so, once.
            Some(HResult::MAPI_E_USER_CANCEL) => {}
            Some(hr) => {
                self.permanent(&format!("Answered   {at} with {hr}"));
            }
        }
        self.draw(force);
    }

    fn error(&mut self, hr: HResult, text: Option<String>) {
        self.errors += 1;
        let kind = if hr.is_failure() { "Error" } else { "Warning" };
        let text = text.map(|t| format!(": {t}")).unwrap_or_default();
        self.permanent(&format!(
            "{}{kind:<10}{} {hr}{text}",
            self.style(RED),
            self.style(RESET)
        ));
    }

    fn done(&mut self, hr: HResult) {
        let errors = match self.errors {
            0 => String::new(),
            1 => ", 1 error".to_owned(),
            n => format!(", {n} errors"),
        };
        let (color, summary) = if hr == HResult::MAPI_E_USER_CANCEL {
            (YELLOW, format!("cancelled by the user{errors}"))
        } else if hr.is_failure() {
            (RED, format!("failed{errors}"))
        } else if hr.is_warning() || self.errors > 0 {
            (YELLOW, format!("partly synchronized{errors}"))
        } else {
            (GREEN, "synchronized".to_owned())
        };
        // The bars as they ended stay on screen, above the final status.
        self.draw(true);
        self.live_lines = 0;
        self.done = Some(hr);
        self.permanent(&format!(
            "{}Done{}       {hr}: {summary}",
            self.style(color),
            self.style(RESET)
        ));
    }

    /// Log mode only: a line of its own.
    fn log(&mut self, line: &str) {
        if !self.tty {
            self.permanent(line);
        }
    }

    /// A line that stays: in terminal mode above the live bars, which are drawn again below it.
    fn permanent(&mut self, line: &str) {
        let mut text = self.erase_live();
        for part in wrapped(line, COLUMNS) {
            text.push_str(&part);
            text.push('\n');
        }
        if self.tty && self.live_lines > 0 {
            self.live_lines = 0;
            text.push_str(&self.live());
            self.last_draw = Some(Instant::now());
        }
        self.write(&text);
    }

    /// Terminal mode: draws the live bars again, unless one was drawn less than
    /// [`REDRAW_EVERY`] ago and nothing forces it.
    fn draw(&mut self, force: bool) {
        if !self.tty || self.done.is_some() || !self.dirty {
            return;
        }
        let recent = self.last_draw.is_some_and(|at| at.elapsed() < REDRAW_EVERY);
        if recent && !force {
            return;
        }
        let mut text = self.erase_live();
        self.live_lines = 0;
        text.push_str(&self.live());
        self.last_draw = Some(Instant::now());
        self.write(&text);
    }

    /// Terminal mode: the escape codes that move the cursor to the first live line and clear
    /// from there to the end of the screen.
    fn erase_live(&self) -> String {
        if self.tty && self.live_lines > 0 {
            format!("\x1b[{}A\r\x1b[J", self.live_lines)
        } else {
            String::new()
        }
    }

    /// Terminal mode: the live bars, one line each; sets `live_lines`.
    fn live(&mut self) -> String {
        self.dirty = false;
        let mut text = String::new();
        let overall = self.overall.as_ref().map(Overall::bar);
        let bars = [
            ("Hierarchy", self.hierarchy.as_ref()),
            ("Contents", self.contents.as_ref()),
            ("Overall", overall.as_ref()),
            ("Progress", self.other.as_ref()),
        ];
        let mut lines = 0;
        for (phase, bar) in bars {
            let Some(bar) = bar else { continue };
            let count = match &bar.shown {
                Some(shown) => shown.clone(),
                None if bar.max == 0 => "empty".to_owned(),
                None => format!("{}/{}", bar.index, bar.max),
            };
            let label = if bar.detail.is_empty() {
                truncated(&bar.label, LABEL_WIDTH)
            } else {
                truncated(&format!("{} ({})", bar.label, bar.detail), LABEL_WIDTH)
            };
            let _ = writeln!(text, "{phase:<10} {} {count:>7}  {label}", bar.drawn());
            lines += 1;
        }
        self.live_lines = lines;
        text
    }

    /// The escape code for `code`, in terminal mode with colours only.
    fn style(&self, code: &'static str) -> &'static str {
        if self.tty && self.color {
            code
        } else {
            ""
        }
    }

    fn write(&mut self, text: &str) {
        // A closed pipe or a full disk must not fail the synchronization: drawing is best effort.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

fn plural(n: u32) -> &'static str {
    plural64(n.into())
}

fn plural64(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The columns `text` takes on a terminal: its characters, less the colour escape codes.
fn width(text: &str) -> usize {
    let mut columns = 0;
    let mut escape = false;
    for c in text.chars() {
        match (escape, c) {
            (false, '\x1b') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, _) => columns += 1,
        }
    }
    columns
}

/// `line` cut at spaces into lines of at most `columns`, each after the first indented by
/// [`INDENT`] so that it lines up with the text after the label; a word longer than a line is
/// cut where the line ends.
fn wrapped(line: &str, columns: usize) -> Vec<String> {
    if width(line) <= columns {
        return vec![line.to_owned()];
    }
    let indent = " ".repeat(INDENT);
    let mut lines = Vec::new();
    let mut current = String::new();
    // Whether `current` holds a word yet, beyond its indent.
    let mut has_words = false;
    for word in line.split(' ') {
        if has_words && width(&current) + 1 + width(word) > columns {
            lines.push(std::mem::replace(&mut current, indent.clone()));
            has_words = false;
        }
        if has_words {
            current.push(' ');
        }
        current.push_str(word);
        has_words = true;
        while width(&current) > columns {
            let head: String = current.chars().take(columns).collect();
            let rest: String = current.chars().skip(columns).collect();
            lines.push(head);
            current = format!("{indent}{rest}");
        }
    }
    lines.push(current);
    lines
}

/// At most `width` characters of `text`, with `…` when cut.
fn truncated(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

/// Which folder of the demo account fails, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flaky {
    /// `Archive` if the account has it, otherwise its last folder (none for an empty account).
    Default,
    /// No folder fails.
    None,
    /// The folder with this name.
    Folder(String),
}

/// What [`run_demo`] runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many folders the demo account has ([`FakeImapStore::demo`]).
    pub folders: usize,
    /// How long each message takes to download.
    pub delay: Duration,
    /// The simulated user presses Cancel during this `Progress` (counted from 1), if any.
    pub cancel_after: Option<u64>,
    /// Which folder fails with `MAPI_E_NETWORK_ERROR`.
    pub flaky: Flaky,
    /// The `SYNC_*` flags the simulated Outlook passes.
    pub flags: SyncFlags,
    /// The dialog's Cancel button: [`CancelButton::ctrl_c`] in the example.
    pub cancel: CancelButton,
    /// Terminal mode: draw in colour (the example turns it off when `NO_COLOR` is set).
    pub color: bool,
}

impl Default for DemoOptions {
    /// Six folders (137 messages), 25 ms a message (about 3.5 s in all), no Cancel, `Archive`
    /// flaky, hierarchy and contents downloaded, a Cancel button of its own, colours.
    fn default() -> Self {
        DemoOptions {
            folders: 6,
            delay: Duration::from_millis(25),
            cancel_after: None,
            flaky: Flaky::Default,
            flags: SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS,
            cancel: CancelButton::default(),
            color: true,
        }
    }
}

impl DemoOptions {
    /// The account these options describe, or why there is none (a flaky folder it does not
    /// have, with the names it does have).
    pub fn store(&self) -> std::result::Result<FakeImapStore, String> {
        let store = FakeImapStore::demo(self.folders).with_delay(self.delay);
        let flaky = match &self.flaky {
            Flaky::None => None,
            Flaky::Default => store
                .folder("Archive")
                .or(store.folders().last())
                .map(|f| f.name.clone()),
            Flaky::Folder(name) => match store.folder(name) {
                Some(folder) => Some(folder.name.clone()),
                None => {
                    let names: Vec<&str> =
                        store.folders().iter().map(|f| f.name.as_str()).collect();
                    return Err(format!(
                        "the account has no folder {name:?}; its {} folders are: {}",
                        names.len(),
                        names.join(", ")
                    ));
                }
            },
        };
        Ok(match flaky {
            Some(name) => store.with_flaky_folder(name),
            None => store,
        })
    }
}

/// What one [`run_demo`] ended with, for tests and for the exit status.
#[derive(Debug, Clone)]
pub struct DemoOutcome {
    /// The status `Done` brought (`None` if it never came).
    pub final_status: Option<HResult>,
    /// The strict protocol check of every call the provider made.
    pub verdict: Verdict,
    /// What the simulated Outlook saw: the start, the done event, `Done`, the close.
    pub report: SyncReport,
    /// What the provider did not let go of (references, done events), in words.
    pub leaks: Vec<String>,
    /// How many `Error` calls the dialog showed.
    pub errors_shown: usize,
    /// Whether the simulated user's Cancel was delivered.
    pub cancelled: bool,
    /// The `Progress` call from which the Cancel button (Ctrl-C) answered `MAPI_E_USER_CANCEL`.
    pub cancel_button_from: Option<u64>,
    /// How many `Progress` calls the provider made.
    pub progress_calls: usize,
}

impl DemoOutcome {
    /// True when the run kept the protocol: the check passed, the host saw nothing wrong, and
    /// nothing leaked. A cancelled or partly failed synchronization passes when it was reported
    /// correctly.
    pub fn passed(&self) -> bool {
        self.verdict.passed() && self.leaks.is_empty() && self.report.is_clean()
    }
}

/// Runs the demo: builds the account `options` describe, runs it with [`SyncTest`] (a simulated
/// Outlook) with a [`Dialog`] drawing to `out` (terminal mode if `tty`) in front of the test kit's
/// recording callback (which records for the protocol check and plays the user's Cancel), then
/// writes the strict protocol check's verdict and the leak check, and returns the outcome.
///
/// Options naming a folder the account does not have are written as an error line and make no
/// folder flaky; check them first with [`DemoOptions::store`].
pub fn run_demo(options: &DemoOptions, out: Box<dyn Write + Send>, tty: bool) -> DemoOutcome {
    let dialog = Dialog::new(out, tty, options.color).with_cancel_button(options.cancel.clone());
    let store = options.store().unwrap_or_else(|problem| {
        dialog.line(&format!("Options    {problem}: no folder will fail"));
        FakeImapStore::demo(options.folders).with_delay(options.delay)
    });

    let mut header = format!(
        "Send/Receive: {} folder{}, {} message{}, {}",
        store.folders().len(),
        plural64(store.folders().len() as u64),
        store.total_messages(),
        plural64(store.total_messages()),
        options.flags
    );
    if let Some(flaky) = store.flaky_folder() {
        let _ = write!(header, "; {flaky} will fail");
    }
    if let Some(n) = options.cancel_after {
        let _ = write!(header, "; Cancel at Progress #{n}");
    }
    dialog.line(&header);

    let script = match options.cancel_after {
        Some(n) => Script::new().cancel_progress_from(n),
        None => Script::new(),
    };
    // Wait as long as the account can take, and then some.
    let steps = store.total_messages() + 4 * store.folders().len() as u64;
    let expected = store
        .delay()
        .saturating_mul(u32::try_from(steps).unwrap_or(u32::MAX));
    let run = SyncTest::new()
        .flags(options.flags)
        .script(script)
        .strict()
        .timeout(Duration::from_secs(30).saturating_add(expected.saturating_mul(2)))
        .run_with(&MapiSync::new(store), |recorder| {
            dialog.callback_forwarding_to(recorder)
        });

    let records = run.records();
    let cancel_button_from = dialog.cancel_button_from();
    let verdict = match cancel_button_from {
        // The recorder answered as its script said; the provider heard the Cancel button.
        Some(from) => {
            let heard = as_heard(records.clone(), from);
            Checker::new()
                .strict()
                .done_event(run.report().done_event())
                .check(&heard, run.recorder().lost())
        }
        None => run.verdict(),
    };
    let progress_calls = records
        .iter()
        .filter(|r| r.call.slot() == Slot::Progress)
        .count();
    let leaks: Vec<String> = run.left_behind().iter().map(ToString::to_string).collect();

    let outcome = if verdict.passed() { "passed" } else { "FAILED" };
    dialog.line(&format!(
        "Protocol   {outcome}: strict check of {} call{}, {}",
        records.len(),
        plural64(records.len() as u64),
        match verdict.findings().len() {
            0 => "no findings".to_owned(),
            1 => "1 finding:".to_owned(),
            n => format!("{n} findings:"),
        }
    ));
    for finding in verdict.findings() {
        dialog.line(&format!("{:INDENT$}{finding}", ""));
    }
    if !run.report().is_clean() {
        dialog.line(&format!("Host       {}", run.report()));
    }
    if leaks.is_empty() {
        dialog.line("Leaks      none: every callback reference released, the done event closed");
    } else {
        for leak in &leaks {
            dialog.line(&format!("Leak       {leak}"));
        }
    }

    DemoOutcome {
        final_status: run.report().final_status(),
        verdict,
        errors_shown: dialog.errors_shown(),
        cancelled: dialog.cancelled(),
        cancel_button_from,
        progress_calls,
        leaks,
        report: run.report().clone(),
    }
}

/// `records` as the provider heard them: every `Progress` from the `from`th on that the recorder
/// answered `S_OK` was answered `MAPI_E_USER_CANCEL` by the Cancel button in front of it.
fn as_heard(mut records: Vec<Record>, from: u64) -> Vec<Record> {
    let mut progress = 0;
    for record in &mut records {
        if let Call::Progress { .. } = record.call {
            progress += 1;
            if progress >= from && record.answer == HResult::S_OK {
                record.answer = HResult::MAPI_E_USER_CANCEL;
            }
        }
    }
    records
}
