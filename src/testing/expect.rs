//! Assertions that read like the protocol, with the call log as a diff on failure.

use std::fmt;
use std::ops::RangeInclusive;

use super::record::{Call, Record};
use crate::core::hresult::HResult;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Progress {
        indices: RangeInclusive<u32>,
        max: u32,
    },
    Error(HResult),
    Done(HResult),
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

    /// The expected calls, one line each, in the form `shape` gives actual calls.
    fn lines(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|step| match step {
                Step::Progress { indices, max } => indices
                    .clone()
                    .map(|i| format!("Progress {i}/{max}"))
                    .collect::<Vec<_>>(),
                Step::Error(hr) => vec![format!("Error {hr}")],
                Step::Done(hr) => vec![format!("Done {hr}")],
            })
            .collect()
    }

    /// True if `records` are exactly the expected calls.
    pub fn matches(&self, records: &[Record]) -> bool {
        let actual: Vec<String> = records.iter().map(|r| shape(&r.call)).collect();
        actual == self.lines()
    }

    /// Panics unless `records` are exactly the expected calls; the message is a diff of the two
    /// sequences and then the full call log.
    #[track_caller]
    pub fn assert_matches(&self, records: &[Record]) {
        if self.matches(records) {
            return;
        }
        let actual: Vec<String> = records.iter().map(|r| shape(&r.call)).collect();
        let mut message = format!(
            "the calls do not match the expectation\n  expected: {self}\n\
             diff (- expected, + actual):\n"
        );
        for line in diff(&self.lines(), &actual) {
            message.push_str("  ");
            message.push_str(&line);
            message.push('\n');
        }
        message.push_str(&format!("call log ({} calls):\n", records.len()));
        for record in records {
            message.push_str(&format!("  {record}\n"));
        }
        panic!("{message}");
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
fn shape(call: &Call) -> String {
    match call {
        Call::Progress { index, max, .. } => format!("Progress {index}/{max}"),
        Call::Error { hr, .. } => format!("Error {hr}"),
        Call::Done { hr, .. } => format!("Done {hr}"),
        Call::Refused { slot, error } => format!("{slot} refused ({})", error.hresult()),
    }
}

/// A line diff by longest common subsequence: `  ` both, `- ` only expected, `+ ` only actual.
fn diff(expected: &[String], actual: &[String]) -> Vec<String> {
    let (n, m) = (expected.len(), actual.len());
    // lcs[i][j]: the longest common subsequence of expected[i..] and actual[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            out.push(format!("  {}", expected[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", expected[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", actual[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn diff_marks_missing_and_extra_lines() {
        let d = diff(&lines(&["a", "b", "c"]), &lines(&["a", "c", "d"]));
        assert_eq!(d, lines(&["  a", "- b", "  c", "+ d"]));
        assert_eq!(diff(&lines(&["x"]), &lines(&["y"])), lines(&["- x", "+ y"]));
        assert_eq!(diff(&[], &lines(&["x"])), lines(&["+ x"]));
        assert_eq!(diff(&lines(&["x"]), &[]), lines(&["- x"]));
    }
}
