//! Assertions that read like the protocol, with the call log as a diff on failure.

use std::fmt;
use std::ops::RangeInclusive;

use super::diff::{diff, Edit, Run};
use super::record::{Call, CallLog, Kind, Record};
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Progress {
        indices: RangeInclusive<u32>,
        max: u32,
    },
    Error(HResult),
    Done(HResult),
}

impl Step {
    /// Where this step's calls end in `log`, if it has them from `at` on. A plain walk over the
    /// log: no per-call iterator state.
    fn take<L: CallLog + ?Sized>(&self, log: &L, at: usize) -> Option<usize> {
        match self {
            Step::Progress { indices, .. } if indices.is_empty() => Some(at),
            Step::Progress { indices, max } => {
                let (first, last) = (*indices.start(), *indices.end());
                // A step of more calls than any log holds cannot match.
                let len = usize::try_from(last - first).ok()?.checked_add(1)?;
                let end = at.checked_add(len).filter(|&end| end <= log.len())?;
                let mut expected = first;
                for n in at..end {
                    match log.at(n).kind {
                        Kind::Progress { index, max: m } if index == expected && m == *max => {}
                        _ => return None,
                    }
                    // Past `last` only after the last call of the step, where it is not read.
                    expected = expected.wrapping_add(1);
                }
                Some(end)
            }
            Step::Error(hr) => (at < log.len()
                && matches!(log.at(at).kind, Kind::Error { hr: h } if h == *hr))
            .then_some(at + 1),
            Step::Done(hr) => (at < log.len()
                && matches!(log.at(at).kind, Kind::Done { hr: h, .. } if h == *hr))
            .then_some(at + 1),
        }
    }
}

/// An expected call sequence, written the way the protocol reads:
/// "progress 1..=10 of 10, then done S_OK".
///
/// Texts are not compared (assert on [`Record`]s for that); slots, indices, maxima and HRESULTs
/// are. On a mismatch, [`assert_matches`](Self::assert_matches) panics with the expected and the
/// actual sequence as a diff (`-` expected, `+` actual), followed by the full call log.
///
/// ```
/// use mapisync::{HResult, Handle};
/// use mapisync::testing::{Expect, RecordingCallback};
///
/// let recorder = RecordingCallback::default();
/// let callback = recorder.callback();
/// for i in 1..=3 {
///     callback.progress(None, i, 3).unwrap();
/// }
/// callback.error(HResult::MAPI_E_NETWORK_ERROR, None).unwrap();
/// callback.done(Handle::NULL, HResult::S_OK).unwrap();
///
/// let expected = Expect::new()
///     .progress(1..=3, 3)
///     .error(HResult::MAPI_E_NETWORK_ERROR)
///     .done(HResult::S_OK);
/// assert_eq!(expected.to_string(), "progress 1..=3 of 3, then error MAPI_E_NETWORK_ERROR (0x80040115), then done S_OK (0x00000000)");
/// expected.assert_matches(&recorder.records());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    steps: Vec<Step>,
}

impl Expect {
    /// An empty expectation: no call at all.
    pub fn new() -> Expect {
        Expect::default()
    }

    /// `Progress` calls with the indices of `indices`, in order, each with maximum `max`.
    pub fn progress(mut self, indices: RangeInclusive<u32>, max: u32) -> Expect {
        self.steps.push(Step::Progress { indices, max });
        self
    }

    /// One `Error` call with `hr`.
    pub fn error(mut self, hr: HResult) -> Expect {
        self.steps.push(Step::Error(hr));
        self
    }

    /// One `Done` call with final status `hr`.
    pub fn done(mut self, hr: HResult) -> Expect {
        self.steps.push(Step::Done(hr));
        self
    }

    /// The expected calls, one by one, without allocating.
    fn shapes(&self) -> impl Iterator<Item = Shape> + '_ {
        self.steps.iter().flat_map(|step| {
            let (progress, single) = match *step {
                Step::Progress { ref indices, max } => (Some((indices.clone(), max)), None),
                Step::Error(hr) => (None, Some(Shape::Error(hr))),
                Step::Done(hr) => (None, Some(Shape::Done(hr))),
            };
            progress
                .into_iter()
                .flat_map(|(indices, max)| indices.map(move |index| Shape::Progress { index, max }))
                .chain(single)
        })
    }

    /// True if `records` are exactly the expected calls. Compares values, formats nothing.
    pub fn matches(&self, records: &[Record]) -> bool {
        self.matches_log(records)
    }

    /// [`matches`](Self::matches) of any call log, where it is.
    pub(crate) fn matches_log<L: CallLog + ?Sized>(&self, log: &L) -> bool {
        let mut at = 0;
        for step in &self.steps {
            match step.take(log, at) {
                Some(end) => at = end,
                None => return false,
            }
        }
        at == log.len()
    }

    /// Panics unless `records` are exactly the expected calls; the message is a diff of the two
    /// sequences (long runs of matching calls collapsed to a count) and then the call log (in
    /// full up to 100 calls; beyond that, the calls around each difference).
    #[track_caller]
    pub fn assert_matches(&self, records: &[Record]) {
        if self.matches(records) {
            return;
        }
        panic!("{}", self.mismatch(records));
    }

    /// The failure message for `records`, which do not match.
    #[cold]
    fn mismatch(&self, records: &[Record]) -> String {
        let expected: Vec<Shape> = self.shapes().collect();
        let actual: Vec<Shape> = records.iter().map(|r| Shape::of(&r.call)).collect();
        let runs = diff(&expected, &actual);
        let mut message = format!(
            "the calls do not match the expectation\n  expected: {self}\n\
             diff (- expected, + actual):\n"
        );
        render_diff(&mut message, &runs, &expected, &actual);
        render_log(&mut message, &runs, records);
        message
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("no calls");
        }
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(", then ")?;
            }
            match step {
                Step::Progress { indices, max } => write!(
                    f,
                    "progress {}..={} of {max}",
                    indices.start(),
                    indices.end()
                )?,
                Step::Error(hr) => write!(f, "error {hr}")?,
                Step::Done(hr) => write!(f, "done {hr}")?,
            }
        }
        Ok(())
    }
}

/// A call without its text or handle, as `Expect` compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Progress { index: u32, max: u32 },
    Error(HResult),
    Done(HResult),
    Refused(Slot, HResult),
}

impl Shape {
    fn of(call: &Call) -> Shape {
        match *call {
            Call::Progress { index, max, .. } => Shape::Progress { index, max },
            Call::Error { hr, .. } => Shape::Error(hr),
            Call::Done { hr, .. } => Shape::Done(hr),
            Call::Refused { slot, ref error } => Shape::Refused(slot, error.hresult()),
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Progress { index, max } => write!(f, "Progress {index}/{max}"),
            Shape::Error(hr) => write!(f, "Error {hr}"),
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
fn render_diff(out: &mut String, runs: &[Run], expected: &[Shape], actual: &[Shape]) {
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
fn render_log(out: &mut String, runs: &[Run], records: &[Record]) {
    use std::fmt::Write;
    let _ = writeln!(out, "call log ({} calls):", records.len());
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
fn grouped(n: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_three() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1 000");
        assert_eq!(grouped(99_990), "99 990");
        assert_eq!(grouped(1_234_567), "1 234 567");
    }
}
