//! Assertions that read like the protocol, with the call log as a diff on failure.

mod render;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use self::render::{render_diff, render_log, Shape, TextCheck};
use super::diff::diff;
use super::record::{run_len, Answers, CallLog, CallRef, Kind, Record};
use crate::core::hresult::HResult;

/// The text every call of a step carries, as UTF-16 code units; `None`: not compared.
type StepText = Option<Arc<[u16]>>;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Progress {
        indices: RangeInclusive<u32>,
        max: u32,
        text: StepText,
    },
    Error(HResult, StepText),
    Done(HResult),
}

impl Step {
    /// Where this step's calls end in `log`, if it has them from `at` on.
    fn take<L: CallLog + ?Sized>(&self, log: &L, at: usize) -> Option<usize> {
        match self {
            Step::Progress {
                indices,
                max,
                text: None,
            } => {
                let len = run_len(indices);
                (log.counted_progress(at, indices.clone(), *max, Answers::Any) == len)
                    .then(|| at + len)
            }
            Step::Progress {
                indices,
                max,
                text: Some(text),
            } => {
                let end = at.checked_add(run_len(indices)).filter(|&end| end <= log.len())?;
                indices
                    .clone()
                    .zip(at..end)
                    .all(|(index, i)| {
                        matches!(log.call(i), CallRef::Progress { text: Some(t), index: x, max: m }
                            if x == index && m == *max && t == &text[..])
                    })
                    .then_some(end)
            }
            Step::Error(hr, text) => (at < log.len()
                && matches!(log.at(at).kind, Kind::Error { hr: h } if h == *hr)
                && text.as_ref().map_or(true, |text| {
                    matches!(log.call(at), CallRef::Error { text: Some(t), .. } if t == &text[..])
                }))
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
/// Slots, indices, maxima and HRESULTs are compared; texts only where
/// [`with_text`](Self::with_text) gives one. On a mismatch, [`assert_matches`](Self::assert_matches) panics with the expected and the
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
        self.steps.push(Step::Progress {
            indices,
            max,
            text: None,
        });
        self
    }

    /// One `Error` call with `hr`.
    pub fn error(mut self, hr: HResult) -> Expect {
        self.steps.push(Step::Error(hr, None));
        self
    }

    /// Every call of the last entry (each `Progress` of a range, or the `Error`) carries exactly
    /// this text; where no text is given, text is not compared. On a mismatch the diff shows the
    /// texts.
    ///
    /// Panics when the last entry carries no text (a `done`, or no entry yet) or `text` holds a
    /// NUL, which no call's text can.
    ///
    /// ```
    /// use mapisync::{HResult, Handle, U16CString};
    /// use mapisync::testing::{Expect, RecordingCallback};
    ///
    /// let recorder = RecordingCallback::default();
    /// let callback = recorder.callback();
    /// let inbox = U16CString::from_str("Inbox").unwrap();
    /// callback.progress(Some(&inbox), 1, 2).unwrap();
    /// callback.progress(Some(&inbox), 2, 2).unwrap();
    /// callback.done(Handle::NULL, HResult::S_OK).unwrap();
    ///
    /// let expected = Expect::new().progress(1..=2, 2).with_text("Inbox").done(HResult::S_OK);
    /// expected.assert_matches(&recorder.records());
    /// assert!(!Expect::new()
    ///     .progress(1..=2, 2)
    ///     .with_text("Sent Items")
    ///     .done(HResult::S_OK)
    ///     .matches(&recorder.records()));
    /// ```
    #[track_caller]
    pub fn with_text(mut self, text: &str) -> Expect {
        assert!(
            !text.contains('\0'),
            "Expect::with_text: {text:?} holds a NUL, which no call's text can"
        );
        let units: Arc<[u16]> = text.encode_utf16().collect();
        match self.steps.last_mut() {
            Some(Step::Progress { text, .. } | Step::Error(_, text)) => *text = Some(units),
            Some(Step::Done(_)) => panic!(
                "Expect::with_text: the last entry is a done, which carries no text; with_text \
                 follows a progress or an error"
            ),
            None => panic!(
                "Expect::with_text: there is no entry yet; with_text follows a progress or an \
                 error"
            ),
        }
        self
    }

    /// True when some step compares text: then the diff shows the calls' texts.
    fn compares_text(&self) -> bool {
        self.steps.iter().any(|step| {
            matches!(
                step,
                Step::Progress { text: Some(_), .. } | Step::Error(_, Some(_))
            )
        })
    }

    /// One `Done` call with final status `hr`.
    pub fn done(mut self, hr: HResult) -> Expect {
        self.steps.push(Step::Done(hr));
        self
    }

    /// The expected calls, one by one.
    fn shapes(&self) -> impl Iterator<Item = Shape> + '_ {
        self.steps.iter().flat_map(|step| {
            let (progress, single) = match step {
                Step::Progress { indices, max, text } => {
                    (Some((indices.clone(), *max, TextCheck::of(text))), None)
                }
                Step::Error(hr, text) => (None, Some(Shape::Error(*hr, TextCheck::of(text)))),
                Step::Done(hr) => (None, Some(Shape::Done(*hr))),
            };
            progress
                .into_iter()
                .flat_map(|(indices, max, text)| {
                    indices.map(move |index| Shape::Progress {
                        index,
                        max,
                        text: text.clone(),
                    })
                })
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
        let texts = self.compares_text();
        let actual: Vec<Shape> = records.iter().map(|r| Shape::of(&r.call, texts)).collect();
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
            let text = match step {
                Step::Progress { indices, max, text } => {
                    write!(
                        f,
                        "progress {}..={} of {max}",
                        indices.start(),
                        indices.end()
                    )?;
                    text
                }
                Step::Error(hr, text) => {
                    write!(f, "error {hr}")?;
                    text
                }
                Step::Done(hr) => {
                    write!(f, "done {hr}")?;
                    &None
                }
            };
            if let Some(text) = text {
                write!(f, " with text {:?}", String::from_utf16_lossy(text))?;
            }
        }
        Ok(())
    }
}
