//! How `Expect` shows a mismatch: the calls as it compares them, the diff, the call log.

use std::fmt;
use std::sync::Arc;

use crate::core::hresult::HResult;
use crate::host::timing::count;
use crate::interfaces::progress_callback::Slot;
use crate::testing::diff::{Edit, EditRun};
use crate::testing::record::{Call, Record, Text};

/// A call's text as `Expect` compares it.
#[derive(Clone, Debug)]
pub(super) enum TextCheck {
    /// Not compared (and not shown).
    Any,
    /// This text (`None`: NULL).
    Is(Option<Arc<[u16]>>),
}

impl TextCheck {
    /// The check of a step's text: `Any` where none was given.
    pub(super) fn of(text: &Option<Arc<[u16]>>) -> TextCheck {
        match text {
            Some(text) => TextCheck::Is(Some(Arc::clone(text))),
            None => TextCheck::Any,
        }
    }

    /// A call's text, kept when `compared`.
    fn of_call(text: Option<&Text>, compared: bool) -> TextCheck {
        match compared {
            true => TextCheck::Is(text.map(|t| Arc::from(t.units()))),
            false => TextCheck::Any,
        }
    }

    /// True unless both sides name a text and the texts differ.
    fn agrees(&self, other: &TextCheck) -> bool {
        match (self, other) {
            (TextCheck::Is(a), TextCheck::Is(b)) => a == b,
            _ => true,
        }
    }
}

impl fmt::Display for TextCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextCheck::Any => Ok(()),
            TextCheck::Is(Some(text)) => write!(f, " {:?}", String::from_utf16_lossy(text)),
            TextCheck::Is(None) => f.write_str(" (no text)"),
        }
    }
}

/// A call as `Expect` compares it: without its handle, with its text only where it is compared
/// (a text on one side only matches any).
#[derive(Clone, Debug)]
pub(super) enum Shape {
    Progress {
        index: u32,
        max: u32,
        text: TextCheck,
    },
    Error(HResult, TextCheck),
    Done(HResult),
    Refused(Slot, HResult),
}

impl Shape {
    /// The shape of `call`, with its text when `texts`.
    pub(super) fn of(call: &Call, texts: bool) -> Shape {
        match call {
            Call::Progress { index, max, text } => Shape::Progress {
                index: *index,
                max: *max,
                text: TextCheck::of_call(text.as_ref(), texts),
            },
            Call::Error { hr, text } => Shape::Error(*hr, TextCheck::of_call(text.as_ref(), texts)),
            Call::Done { hr, .. } => Shape::Done(*hr),
            Call::Refused { slot, error } => Shape::Refused(*slot, error.hresult()),
        }
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        match (self, other) {
            (
                Shape::Progress { index, max, text },
                Shape::Progress {
                    index: i,
                    max: m,
                    text: t,
                },
            ) => index == i && max == m && text.agrees(t),
            (Shape::Error(hr, text), Shape::Error(h, t)) => hr == h && text.agrees(t),
            (Shape::Done(hr), Shape::Done(h)) => hr == h,
            (Shape::Refused(slot, hr), Shape::Refused(s, h)) => slot == s && hr == h,
            _ => false,
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Progress { index, max, text } => write!(f, "Progress {index}/{max}{text}"),
            Shape::Error(hr, text) => write!(f, "Error {hr}{text}"),
            Shape::Done(hr) => write!(f, "Done {hr}"),
            Shape::Refused(slot, hr) => write!(f, "{slot} refused ({hr})"),
        }
    }
}

/// Matching calls shown on each side of a difference; longer matching runs are collapsed.
const CONTEXT: usize = 3;
/// A call log up to this long is printed in full.
const FULL_LOG: usize = 100;
/// The most lines a diff prints; the rest is counted.
const MAX_DIFF_LINES: usize = 200;

/// The diff, one line per call (`  ` both, `- ` only expected, `+ ` only actual), with matching
/// runs longer than twice the context collapsed to `... N matching calls ...`, and at most
/// [`MAX_DIFF_LINES`] lines.
pub(super) fn render_diff(
    out: &mut String,
    runs: &[EditRun],
    expected: &[Shape],
    actual: &[Shape],
) {
    use std::fmt::Write;
    let mut lines = Lines {
        out,
        written: 0,
        left: 0,
    };
    for (i, run) in runs.iter().enumerate() {
        match run.edit {
            Edit::Equal => {
                let same = &expected[run.old_at..run.old_at + run.len];
                let head = if i == 0 { 0 } else { CONTEXT };
                let tail = if i + 1 == runs.len() { 0 } else { CONTEXT };
                if same.len() > head + tail + 1 {
                    same[..head].iter().for_each(|l| lines.put(' ', l));
                    let hidden = grouped(same.len() - head - tail);
                    lines.note(format_args!("... {hidden} matching calls ..."));
                    same[same.len() - tail..]
                        .iter()
                        .for_each(|l| lines.put(' ', l));
                } else {
                    same.iter().for_each(|l| lines.put(' ', l));
                }
            }
            Edit::Delete => expected[run.old_at..run.old_at + run.len]
                .iter()
                .for_each(|l| lines.put('-', l)),
            Edit::Insert => actual[run.new_at..run.new_at + run.len]
                .iter()
                .for_each(|l| lines.put('+', l)),
        }
    }
    if lines.left > 0 {
        let _ = writeln!(
            lines.out,
            "  ... {} more lines of diff ...",
            grouped(lines.left)
        );
    }
}

/// The diff's lines, up to [`MAX_DIFF_LINES`]; those past it are only counted.
struct Lines<'a> {
    out: &'a mut String,
    written: usize,
    left: usize,
}

impl Lines<'_> {
    fn put(&mut self, mark: char, shape: &Shape) {
        self.note(format_args!("{mark} {shape}"));
    }

    fn note(&mut self, line: fmt::Arguments<'_>) {
        use std::fmt::Write;
        if self.written < MAX_DIFF_LINES {
            let _ = writeln!(self.out, "  {line}");
            self.written += 1;
        } else {
            self.left += 1;
        }
    }
}

/// The call log: whole up to [`FULL_LOG`] calls, else the calls within the context of a
/// difference (at most [`MAX_DIFF_LINES`] of them), with the gaps counted.
pub(super) fn render_log(out: &mut String, runs: &[EditRun], records: &[Record]) {
    use std::fmt::Write;
    let _ = writeln!(out, "call log ({}):", count(records.len(), "call"));
    let mut shown: Vec<std::ops::Range<usize>> = Vec::new();
    if records.len() <= FULL_LOG {
        shown.push(0..records.len());
    } else {
        for run in runs.iter().filter(|r| r.edit != Edit::Equal) {
            let len = if run.edit == Edit::Insert { run.len } else { 0 };
            let from = run.new_at.saturating_sub(CONTEXT);
            let to = (run.new_at + len + CONTEXT).min(records.len());
            match shown.last_mut() {
                Some(last) if last.end >= from => last.end = last.end.max(to),
                _ => shown.push(from..to),
            }
        }
    }
    let (mut at, mut written) = (0, 0);
    for range in shown {
        if written >= MAX_DIFF_LINES {
            break;
        }
        let range = range.start..range.end.min(range.start + MAX_DIFF_LINES - written);
        if range.start > at {
            let _ = writeln!(out, "  ... {} calls ...", grouped(range.start - at));
        }
        for record in &records[range.clone()] {
            let _ = writeln!(out, "  {record}");
        }
        written += range.len();
        at = range.end;
    }
    if at < records.len() {
        let _ = writeln!(out, "  ... {} calls ...", grouped(records.len() - at));
    }
}

/// `99990` as `99 990`: digits in groups of three.
pub(super) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
