//! Assertions that read like the protocol, with the call log as a diff on failure.

use std::fmt;
use std::ops::RangeInclusive;

use super::diff::{diff, Edit, Run};
use super::record::{run_len, Answers, Call, CallLog, Kind, Record};
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
    /// Where this step's calls end in `log`, if it has them from `at` on.
    fn take<L: CallLog + ?Sized>(&self, log: &L, at: usize) -> Option<usize> {
        match self {
            Step::Progress { indices, max } => {
                let len = run_len(indices);
                (log.counted_progress(at, indices.clone(), *max, Answers::Any) == len)
                    .then(|| at + len)
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
    pub(crate) fn mismatch(&self, records: &[Record]) -> String {
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
    use crate::testing::log::samples::log;
    use crate::testing::log::CompactLog;
    use proptest::prelude::*;

    /// An expectation the calls of `log` meet: counts as `progress` steps, each other call as
    /// itself; `None` if a call has no step (a refusal).
    fn expectation_of(log: &CompactLog) -> Option<Expect> {
        let mut expect = Expect::new();
        for i in 0..log.len() {
            let step = match log.at(i).kind {
                Kind::Progress { index, max } => match expect.steps.last_mut() {
                    Some(Step::Progress { indices, max: m })
                        if *m == max && indices.end().checked_add(1) == Some(index) =>
                    {
                        *indices = *indices.start()..=index;
                        continue;
                    }
                    _ => Step::Progress {
                        indices: index..=index,
                        max,
                    },
                },
                Kind::Error { hr } => Step::Error(hr),
                Kind::Done { hr, .. } => Step::Done(hr),
                Kind::Refused { .. } => return None,
            };
            expect.steps.push(step);
        }
        Some(expect)
    }

    /// One change to an expectation the calls meet, at a step (counted round the steps), so
    /// that the calls may no longer meet it.
    #[derive(Clone, Debug)]
    enum Change {
        None,
        /// A `progress` step's first index one on.
        Later(usize),
        /// A `progress` step's last index one on.
        Longer(usize),
        /// A `progress` step's maximum one less.
        Lower(usize),
        /// A step left out.
        Drop(usize),
        /// A `progress` step of no calls added.
        Empty(usize),
        /// An `error` step added.
        Extra(usize),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            Just(Change::None),
            (0usize..8).prop_map(Change::Later),
            (0usize..8).prop_map(Change::Longer),
            (0usize..8).prop_map(Change::Lower),
            (0usize..8).prop_map(Change::Drop),
            (0usize..8).prop_map(Change::Empty),
            (0usize..8).prop_map(Change::Extra),
        ]
    }

    fn changed(mut expect: Expect, change: &Change) -> Expect {
        let steps = &mut expect.steps;
        let len = steps.len();
        match *change {
            Change::None => {}
            Change::Later(n) | Change::Longer(n) | Change::Lower(n) if len > 0 => {
                if let Step::Progress { indices, max } = &mut steps[n % len] {
                    let (first, last) = (*indices.start(), *indices.end());
                    match change {
                        Change::Later(_) => *indices = first.wrapping_add(1)..=last,
                        Change::Longer(_) => *indices = first..=last.wrapping_add(1),
                        _ => *max = max.wrapping_sub(1),
                    }
                }
            }
            Change::Drop(n) if len > 0 => {
                steps.remove(n % len);
            }
            Change::Empty(n) => {
                let indices = RangeInclusive::new(5, 4);
                steps.insert(n % (len + 1), Step::Progress { indices, max: 3 });
            }
            Change::Extra(n) => {
                steps.insert(n % (len + 1), Step::Error(HResult::MAPI_E_NETWORK_ERROR));
            }
            _ => {}
        }
        expect
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]

        /// An expectation meets the calls exactly when its calls, one by one, are theirs: in the
        /// recorder's log and in records alike.
        #[test]
        fn matching_agrees_with_comparing_call_by_call(log in log(), change in change()) {
            let Some(expect) = expectation_of(&log) else {
                return Ok(());
            };
            let expect = changed(expect, &change);
            let records = log.to_records();
            let one_by_one = expect.shapes().eq(records.iter().map(|r| Shape::of(&r.call)));
            prop_assert_eq!(expect.matches_log(&log), one_by_one);
            prop_assert_eq!(expect.matches(&records), one_by_one);
            if matches!(change, Change::None) {
                prop_assert!(one_by_one);
            }
        }
    }

    #[test]
    fn numbers_are_grouped_by_three() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1 000");
        assert_eq!(grouped(99_990), "99 990");
        assert_eq!(grouped(1_234_567), "1 234 567");
    }
}
