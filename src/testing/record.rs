//! What the recording callback keeps of each call.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::thread::ThreadId;

use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use widestring::U16CStr;

/// Text as it arrived: the UTF-16 code units, unchanged (unpaired surrogates kept).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Text(Vec<u16>);

impl Text {
    /// Copies the code units of `text`.
    pub fn new(text: &U16CStr) -> Text {
        Text(text.as_slice().to_vec())
    }

    /// The code units, exactly as they arrived.
    pub fn units(&self) -> &[u16] {
        &self.0
    }

    /// A display form: unpaired surrogates become U+FFFD. For reading, not for comparing.
    pub fn lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.lossy(), f)
    }
}

/// One call, with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `Progress(text, index, max)`.
    Progress {
        /// The step's text; `None` when the provider passed NULL.
        text: Option<Text>,
        /// `ulIndex`.
        index: u32,
        /// `ulIndexMax`.
        max: u32,
    },
    /// `Error(hr, text)`.
    Error {
        /// The error's (or warning's) HRESULT.
        hr: HResult,
        /// The text; `None` when the provider passed NULL.
        text: Option<Text>,
    },
    /// `Done(event, hr)`.
    Done {
        /// The done event's handle.
        event: Handle,
        /// The final status.
        hr: HResult,
    },
    /// A call to `slot` refused before it reached the recorder (its text was over the bound).
    Refused {
        /// The slot the provider called.
        slot: Slot,
        /// Why it was refused; the provider got `error.hresult()`.
        error: Error,
    },
}

impl Call {
    /// The slot called.
    pub fn slot(&self) -> Slot {
        match self {
            Call::Progress { .. } => Slot::Progress,
            Call::Error { .. } => Slot::Error,
            Call::Done { .. } => Slot::Done,
            Call::Refused { slot, .. } => *slot,
        }
    }
}

impl fmt::Display for Call {
    /// One line, as the call log and the assertion diffs print it:
    /// `Progress 3/10 "Inbox"`, `Error MAPI_E_NETWORK_ERROR (0x80040115) "..."`, `Done S_OK (0x00000000)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&CallRef::of(self), f)
    }
}

/// A call as the checker and [`Expect`](super::Expect) read it, borrowed from wherever it is
/// kept: a [`Record`], or the recorder's own log.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CallRef<'a> {
    Progress {
        text: Option<&'a [u16]>,
        index: u32,
        max: u32,
    },
    Error {
        hr: HResult,
        text: Option<&'a [u16]>,
    },
    Done {
        event: Handle,
        hr: HResult,
    },
    Refused {
        slot: Slot,
        error: &'a Error,
    },
}

impl<'a> CallRef<'a> {
    /// The view of `call`.
    pub(crate) fn of(call: &'a Call) -> CallRef<'a> {
        match call {
            Call::Progress { text, index, max } => CallRef::Progress {
                text: text.as_ref().map(Text::units),
                index: *index,
                max: *max,
            },
            Call::Error { hr, text } => CallRef::Error {
                hr: *hr,
                text: text.as_ref().map(Text::units),
            },
            Call::Done { event, hr } => CallRef::Done {
                event: *event,
                hr: *hr,
            },
            Call::Refused { slot, error } => CallRef::Refused { slot: *slot, error },
        }
    }

    /// The call itself, its text copied.
    pub(crate) fn to_call(self) -> Call {
        let text = |t: Option<&[u16]>| t.map(|units| Text(units.to_vec()));
        match self {
            CallRef::Progress {
                text: t,
                index,
                max,
            } => Call::Progress {
                text: text(t),
                index,
                max,
            },
            CallRef::Error { hr, text: t } => Call::Error { hr, text: text(t) },
            CallRef::Done { event, hr } => Call::Done { event, hr },
            CallRef::Refused { slot, error } => Call::Refused {
                slot,
                error: error.clone(),
            },
        }
    }
}

impl fmt::Display for CallRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |text: Option<&[u16]>| match text {
            Some(units) => format!(" {:?}", String::from_utf16_lossy(units)),
            None => String::new(),
        };
        match *self {
            CallRef::Progress { text, index, max } => {
                write!(f, "Progress {index}/{max}{}", quoted(text))
            }
            CallRef::Error { hr, text } => write!(f, "Error {hr}{}", quoted(text)),
            CallRef::Done { event, hr } => write!(f, "Done {hr} event {:#x}", event.0 as usize),
            CallRef::Refused { slot, error } => write!(f, "{slot} refused: {error}"),
        }
    }
}

/// One recorded call: its place in the log, who made it, and what the recorder answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Position in the log, from 0, in the order the calls arrived.
    pub seq: u64,
    /// The thread that made the call.
    pub thread: ThreadId,
    /// That thread's name, if it has one (shared by every record of the thread).
    pub thread_name: Option<Arc<str>>,
    /// The call and its arguments.
    pub call: Call,
    /// What went back to the provider (`S_OK`, or the scripted failure).
    pub answer: HResult,
}

impl fmt::Display for Record {
    /// `#3 Progress 4/10 "Inbox"`, with `-> MAPI_E_USER_CANCEL (0x80040113)` when the answer was
    /// not `S_OK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.seq, self.call)?;
        if self.answer != HResult::S_OK {
            write!(f, " -> {}", self.answer)?;
        }
        Ok(())
    }
}

/// What the checker and [`Expect`](super::Expect) compare of a call: its slot and numbers, without
/// its text, its error or its thread. Small and plain, read straight from the recorder's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Progress { index: u32, max: u32 },
    Error { hr: HResult },
    Done { event: Handle, hr: HResult },
    Refused { slot: Slot },
}

impl Kind {
    /// The kind of `call`.
    pub(crate) fn of(call: &Call) -> Kind {
        match *call {
            Call::Progress { index, max, .. } => Kind::Progress { index, max },
            Call::Error { hr, .. } => Kind::Error { hr },
            Call::Done { event, hr } => Kind::Done { event, hr },
            Call::Refused { slot, .. } => Kind::Refused { slot },
        }
    }

    /// True when this is the `Progress` call whose [`progress_number`] is `number`. Compares index
    /// and maximum as one number, which an optimizer may read from a log entry in one load.
    #[inline]
    pub(crate) fn is_progress_number(self, number: u64) -> bool {
        matches!(self, Kind::Progress { index, max } if progress_number(index, max) == number)
    }
}

/// `Progress(index, max)` as one number, the maximum above the index: the calls of a count
/// through the indices under one maximum have consecutive numbers.
#[inline]
pub(crate) fn progress_number(index: u32, max: u32) -> u64 {
    u64::from(max) << 32 | u64::from(index)
}

/// Which answers a run of counted `Progress` calls may hold (see
/// [`CallLog::counted_progress`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answers {
    /// Any answer: only the calls count.
    Any,
    /// Any but `MAPI_E_USER_CANCEL`: the run ends before the first call answered so.
    BeforeCancel,
}

impl Answers {
    /// True when a call answered `answer` may be part of the run.
    #[inline]
    pub(crate) fn allow(self, answer: HResult) -> bool {
        self == Answers::Any || answer != HResult::MAPI_E_USER_CANCEL
    }
}

/// How many calls a run counting through `indices` can hold: one for each index.
#[inline]
pub(crate) fn run_len(indices: &RangeInclusive<u32>) -> usize {
    if indices.is_empty() {
        return 0;
    }
    // Saturating where `usize` has 32 bits or fewer: no log holds that many calls there.
    usize::try_from(indices.end() - indices.start())
        .map_or(usize::MAX, |steps| steps.saturating_add(1))
}

/// One logged call as the checker walks it: its place in the log, its kind, and its answer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Logged {
    pub(crate) seq: u64,
    pub(crate) kind: Kind,
    pub(crate) answer: HResult,
}

/// A call log the checker and [`Expect`](super::Expect) walk without copying it: a slice of
/// [`Record`]s, or the recorder's own log.
pub(crate) trait CallLog {
    /// How many calls the log holds.
    fn len(&self) -> usize;
    /// The call at `index` (below [`len`](Self::len)), without its text.
    fn at(&self, index: usize) -> Logged;
    /// The whole call at `index`, text included, to describe it.
    fn call(&self, index: usize) -> CallRef<'_>;
    /// The thread that made the call at `index`.
    fn thread_of(&self, index: usize) -> ThreadId;
    /// The log as [`Record`]s, to keep or print: only a failure needs them.
    fn to_records(&self) -> Vec<Record>;

    /// One call as the log keeps it: what [`counted_progress`](Self::counted_progress) walks.
    type Entry;
    /// The calls as the log keeps them, in order.
    fn entries(&self) -> &[Self::Entry];
    /// What the checker compares of a kept call.
    fn kind_of(entry: &Self::Entry) -> Kind;
    /// The answer a kept call had.
    fn answer_of(entry: &Self::Entry) -> HResult;

    /// How many calls from `from` on count through `indices` in order: `Progress` calls with the
    /// next index each, all with maximum `max`, each answered as `answers` allows. At most one
    /// call per index; fewer where a call breaks the count or the log ends.
    ///
    /// Most of a run's calls are such a count: the checker and [`Expect`](super::Expect) pass
    /// over it in one step, a plain walk over the kept entries with no test of `answers` per
    /// entry.
    #[inline]
    fn counted_progress(
        &self,
        from: usize,
        indices: RangeInclusive<u32>,
        max: u32,
        answers: Answers,
    ) -> usize {
        let entries = self.entries().get(from..).unwrap_or_default();
        let entries = &entries[..run_len(&indices).min(entries.len())];
        let first = progress_number(*indices.start(), max);
        let numbered = |e: &Self::Entry, n: u64| Self::kind_of(e).is_progress_number(n);
        match answers {
            Answers::Any => counted(entries, first, numbered),
            Answers::BeforeCancel => counted(entries, first, |e, n| {
                numbered(e, n) && Answers::BeforeCancel.allow(Self::answer_of(e))
            }),
        }
    }
}

/// How many of `entries` from the first on count: `counts(entry, number)` for the numbers
/// `first`, `first + 1`, ... (see [`progress_number`]).
#[inline]
fn counted<E>(entries: &[E], first: u64, counts: impl Fn(&E, u64) -> bool) -> usize {
    // Wrapping: past the last index only after the last entry, where it is not read.
    let mut number = first;
    // Four at a time while all four count: one test of the end for every four entries.
    for four in entries.chunks_exact(4) {
        if !(0..4).all(|k| counts(&four[k], number.wrapping_add(k as u64))) {
            break;
        }
        number = number.wrapping_add(4);
    }
    // Then one at a time: the four that broke the count, or the last few.
    let done = number.wrapping_sub(first) as usize;
    let rest = entries[done..]
        .iter()
        .zip(0..)
        .take_while(|&(entry, k)| counts(entry, number.wrapping_add(k)))
        .count();
    done + rest
}

impl CallLog for [Record] {
    type Entry = Record;

    fn entries(&self) -> &[Record] {
        self
    }

    fn kind_of(entry: &Record) -> Kind {
        Kind::of(&entry.call)
    }

    fn answer_of(entry: &Record) -> HResult {
        entry.answer
    }

    fn len(&self) -> usize {
        <[Record]>::len(self)
    }

    fn at(&self, index: usize) -> Logged {
        let r = &self[index];
        Logged {
            seq: r.seq,
            kind: Kind::of(&r.call),
            answer: r.answer,
        }
    }

    fn call(&self, index: usize) -> CallRef<'_> {
        CallRef::of(&self[index].call)
    }

    fn thread_of(&self, index: usize) -> ThreadId {
        self[index].thread
    }

    fn to_records(&self) -> Vec<Record> {
        self.to_vec()
    }
}
