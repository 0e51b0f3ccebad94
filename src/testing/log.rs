//! The recording callback's own log: one small, plain entry per call, every text in one shared
//! buffer, every thread once in a table. [`Record`]s are made from it only when asked for; the
//! checker and `Expect` read the entries where they are.

#[cfg(test)]
pub(crate) mod samples;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::thread::ThreadId;

use super::clock::{self, Anchor, Tick};
use super::record::{CallLog, CallRef, Kind, Logged, Record};
use crate::core::error::Error;
use crate::core::hresult::HResult;

/// Where a call's text lies in the shared buffer, or which refusal a refused call's error is.
#[derive(Clone, Copy, Debug)]
struct TextSpan {
    start: u32,
    /// [`NO_TEXT`]: the provider passed NULL (or the call has no text).
    len: u32,
}

/// One `Progress` call in this many reads the clock.
const STAMP_EVERY: usize = 16;

/// The length of a [`TextSpan`] that stands for no text at all.
const NO_TEXT: u32 = u32::MAX;

/// The extra of a call without text.
const NONE: TextSpan = TextSpan {
    start: 0,
    len: NO_TEXT,
};

/// One call: its [`Kind`] as the checker reads it, its text (or error), its thread (its place in
/// the thread table), the answer and when it arrived. 40 bytes on 64-bit targets, nothing to
/// drop.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LogEntry {
    kind: Kind,
    /// The text of `Progress` and `Error`; for `Refused`, `start` is the error's place among the
    /// refusals.
    extra: TextSpan,
    thread: u32,
    answer: HResult,
    /// When the call was logged, on the recorder's clock ([`Tick::NONE`] for most `Progress`
    /// calls: see [`CompactLog::stamp`]).
    at: Tick,
}

/// The calls, in the order they arrived.
#[derive(Debug, Default)]
pub(crate) struct CompactLog {
    entries: Vec<LogEntry>,
    /// Every call's text, one after the other.
    texts: Vec<u16>,
    /// The errors of refused calls.
    refusals: Vec<Error>,
    /// Every thread that made a call, with its name, once.
    threads: Vec<(ThreadId, Option<Arc<str>>)>,
    /// The thread of the latest call and its place in `threads`: a run's calls come from one
    /// worker thread, found here without a search.
    last_thread: Option<(ThreadId, u32)>,
    /// When the log began: what ties its ticks to time.
    began: Option<Anchor>,
}

impl CompactLog {
    /// An empty log with room for `calls` calls.
    pub(crate) fn with_capacity(calls: usize) -> CompactLog {
        CompactLog {
            entries: Vec::with_capacity(calls),
            began: Some(Anchor::now()),
            ..CompactLog::default()
        }
    }

    /// The moment for the next entry, a call of `kind` from the thread at `thread` answered
    /// `answer`. The clock costs as much as the rest of appending a `Progress`: of the `Progress`
    /// calls answered `S_OK` that follow a call of the same thread, one in [`STAMP_EVERY`] reads
    /// it, and a timeline places the others evenly between the calls that did. Every other call
    /// reads it.
    #[inline(always)]
    fn stamp(&self, kind: Kind, thread: u32, answer: HResult) -> Tick {
        if matches!(kind, Kind::Progress { .. })
            && answer == HResult::S_OK
            && self.entries.len() % STAMP_EVERY != 0
            && self.entries.last().is_some_and(|e| e.thread == thread)
        {
            Tick::NONE
        } else {
            clock::now()
        }
    }

    /// When the log began (its first anchor).
    pub(crate) fn began(&self) -> Anchor {
        self.began.unwrap_or_else(Anchor::now)
    }

    /// When the call at `index` (below [`len`](CallLog::len)) was logged; `None` for a
    /// `Progress` that did not read the clock (see [`stamp`](Self::stamp)).
    pub(crate) fn tick(&self, index: usize) -> Option<Tick> {
        self.entries[index].at.get()
    }

    /// The place of `thread` in the thread table, added with `name()` the first time; `None` if
    /// the table cannot hold another thread.
    pub(crate) fn thread(
        &mut self,
        thread: ThreadId,
        name: impl FnOnce() -> Option<Arc<str>>,
    ) -> Option<u32> {
        if let Some((last, at)) = self.last_thread {
            if last == thread {
                return Some(at);
            }
        }
        self.other_thread(thread, name)
    }

    /// [`thread`](Self::thread) for a thread other than the latest one's.
    #[cold]
    fn other_thread(
        &mut self,
        thread: ThreadId,
        name: impl FnOnce() -> Option<Arc<str>>,
    ) -> Option<u32> {
        let at = match self.threads.iter().rposition(|(id, _)| *id == thread) {
            Some(at) => u32::try_from(at).ok()?,
            None => {
                let at = u32::try_from(self.threads.len()).ok()?;
                self.threads.push((thread, name()));
                at
            }
        };
        self.last_thread = Some((thread, at));
        Some(at)
    }

    /// The place of `thread` in the thread table when it made the latest call and one more entry
    /// fits without growing: when [`push_position`](Self::push_position) may follow.
    #[inline(always)]
    pub(crate) fn appends_from(&self, thread: ThreadId) -> Option<u32> {
        match self.last_thread {
            Some((last, at)) if last == thread && self.entries.len() < self.entries.capacity() => {
                Some(at)
            }
            _ => None,
        }
    }

    /// Appends `Progress` without text at `index` of `max`, made by the thread at `thread` and
    /// answered `answer`. Only after [`appends_from`](Self::appends_from) gave `thread`: the
    /// entry then fits, so this neither allocates nor panics.
    #[inline(always)]
    pub(crate) fn push_position(&mut self, index: u32, max: u32, thread: u32, answer: HResult) {
        debug_assert!(self.entries.len() < self.entries.capacity());
        let kind = Kind::Progress { index, max };
        self.entries.push(LogEntry {
            kind,
            extra: NONE,
            thread,
            answer,
            at: self.stamp(kind, thread, answer),
        });
    }

    /// Appends `call`, made by the thread at `thread` and answered `answer`; false, keeping
    /// nothing, if the log cannot hold it (more than `u32::MAX` code units of text in all, or as
    /// many refusals).
    #[inline]
    pub(crate) fn push(&mut self, call: CallRef<'_>, thread: u32, answer: HResult) -> bool {
        let (kind, extra) = match call {
            CallRef::Progress {
                text: None,
                index,
                max,
            } => (Kind::Progress { index, max }, NONE),
            CallRef::Done { event, hr } => (Kind::Done { event, hr }, NONE),
            other => match self.keep_extra(other) {
                Some(kept) => kept,
                None => return false,
            },
        };
        self.entries.push(LogEntry {
            kind,
            extra,
            thread,
            answer,
            at: self.stamp(kind, thread, answer),
        });
        true
    }

    /// The kind and the extra of a call with text or an error: its text copied into the shared
    /// buffer, its error among the refusals.
    #[cold]
    fn keep_extra(&mut self, call: CallRef<'_>) -> Option<(Kind, TextSpan)> {
        Some(match call {
            CallRef::Progress { text, index, max } => {
                (Kind::Progress { index, max }, self.keep_text(text)?)
            }
            CallRef::Error { hr, text } => (Kind::Error { hr }, self.keep_text(text)?),
            CallRef::Done { event, hr } => (Kind::Done { event, hr }, NONE),
            CallRef::Refused { slot, error } => {
                let start = u32::try_from(self.refusals.len()).ok()?;
                self.refusals.push(error.clone());
                (Kind::Refused { slot }, TextSpan { start, len: 0 })
            }
        })
    }

    /// Copies `text` into the shared buffer.
    fn keep_text(&mut self, text: Option<&[u16]>) -> Option<TextSpan> {
        let Some(units) = text else {
            return Some(NONE);
        };
        let start = u32::try_from(self.texts.len()).ok()?;
        let len = u32::try_from(units.len()).ok().filter(|&l| l != NO_TEXT)?;
        start.checked_add(len)?;
        self.texts.extend_from_slice(units);
        Some(TextSpan { start, len })
    }

    /// The text a [`TextSpan`] stands for.
    fn text(&self, span: TextSpan) -> Option<&[u16]> {
        (span.len != NO_TEXT)
            .then(|| &self.texts[span.start as usize..(span.start + span.len) as usize])
    }

    /// The record of the call at `index`.
    fn record(&self, index: usize) -> Record {
        let kept = self.entries[index];
        let (thread, name) = &self.threads[kept.thread as usize];
        Record {
            seq: index as u64,
            thread: *thread,
            thread_name: name.clone(),
            call: self.call(index).to_call(),
            answer: kept.answer,
        }
    }
}

impl CallLog for CompactLog {
    type Entry = LogEntry;

    #[inline]
    fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    #[inline]
    fn kind_of(entry: &LogEntry) -> Kind {
        entry.kind
    }

    #[inline]
    fn answer_of(entry: &LogEntry) -> HResult {
        entry.answer
    }

    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn at(&self, index: usize) -> Logged {
        let kept = &self.entries[index];
        Logged {
            seq: index as u64,
            kind: kept.kind,
            answer: kept.answer,
        }
    }

    fn call(&self, index: usize) -> CallRef<'_> {
        let kept = &self.entries[index];
        match kept.kind {
            Kind::Progress { index, max } => CallRef::Progress {
                text: self.text(kept.extra),
                index,
                max,
            },
            Kind::Error { hr } => CallRef::Error {
                hr,
                text: self.text(kept.extra),
            },
            Kind::Done { event, hr } => CallRef::Done { event, hr },
            Kind::Refused { slot } => CallRef::Refused {
                slot,
                error: &self.refusals[kept.extra.start as usize],
            },
        }
    }

    fn thread_of(&self, index: usize) -> ThreadId {
        self.threads[self.entries[index].thread as usize].0
    }

    fn to_records(&self) -> Vec<Record> {
        (0..self.entries.len()).map(|i| self.record(i)).collect()
    }
}
