//! Varied call logs, for the tests that the quick walks over a log (counted `Progress`, the
//! checker's quiet stretch, `Expect`'s steps) find what the plain ones find.

use std::ops::Range;
use std::sync::OnceLock;
use std::thread::ThreadId;

use proptest::prelude::*;

use super::CompactLog;
use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::record::CallRef;

/// The done event the samples' `Done` calls bring back when they bring back the right one.
pub(crate) const EVENT: Handle = Handle(8 as *mut _);

/// One sampled piece of a log.
#[derive(Clone, Debug)]
enum Piece {
    /// `Progress` calls counting `indices` under `max`, answered `S_OK` but for the call at
    /// `odd` (if there is one), answered `answer`.
    Count {
        indices: Range<u32>,
        max: u32,
        odd: usize,
        answer: HResult,
    },
    /// One `Progress` call, with text or without.
    Progress {
        index: u32,
        max: u32,
        text: bool,
        answer: HResult,
    },
    /// One `Error` call.
    Error { hr: HResult, answer: HResult },
    /// One `Done` call: with the right event, NULL, or another one.
    Done {
        event: Handle,
        hr: HResult,
        answer: HResult,
    },
    /// A call refused for its text.
    Refused { slot: Slot },
}

/// Indices and maxima near 0 and near `u32::MAX`, where counting ends.
pub(crate) fn number() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..12, (0u32..12).prop_map(|n| u32::MAX - n)]
}

/// Codes of every kind the rules tell apart.
fn hresult() -> impl Strategy<Value = HResult> {
    prop_oneof![
        Just(HResult::S_OK),
        Just(HResult::S_FALSE),
        Just(HResult::MAPI_W_PARTIAL_COMPLETION),
        Just(HResult::MAPI_E_NETWORK_ERROR),
        Just(HResult::MAPI_E_USER_CANCEL),
    ]
}

/// Answers: mostly `S_OK`, sometimes Cancel or a failure.
fn answer() -> impl Strategy<Value = HResult> {
    prop_oneof![
        6 => Just(HResult::S_OK),
        1 => Just(HResult::MAPI_E_USER_CANCEL),
        1 => Just(HResult::MAPI_E_NETWORK_ERROR),
    ]
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => (number(), 0u32..12, prop_oneof![number(), Just(u32::MAX)], 0usize..16, answer())
            .prop_map(|(first, len, max, odd, answer)| Piece::Count {
                indices: first..first.saturating_add(len),
                max,
                odd,
                answer,
            }),
        2 => (number(), number(), any::<bool>(), answer())
            .prop_map(|(index, max, text, answer)| Piece::Progress { index, max, text, answer }),
        1 => (hresult(), answer()).prop_map(|(hr, answer)| Piece::Error { hr, answer }),
        1 => (
            prop_oneof![Just(EVENT), Just(Handle::NULL), Just(Handle(9 as *mut _))],
            hresult(),
            answer(),
        )
            .prop_map(|(event, hr, answer)| Piece::Done { event, hr, answer }),
        1 => prop_oneof![Just(Slot::Progress), Just(Slot::Error), Just(Slot::Done)]
            .prop_map(|slot| Piece::Refused { slot }),
    ]
}

/// A thread other than the test's own, to make some of the calls (one for every sample).
fn other_thread() -> ThreadId {
    static OTHER: OnceLock<ThreadId> = OnceLock::new();
    *OTHER.get_or_init(|| {
        std::thread::spawn(|| std::thread::current().id())
            .join()
            .unwrap()
    })
}

/// Logs of up to a few dozen calls: counts, single calls of every kind, refusals, each piece made
/// by the test's thread or, now and then, by another one.
pub(crate) fn log() -> impl Strategy<Value = CompactLog> {
    let pieces = (piece(), proptest::bool::weighted(0.2));
    proptest::collection::vec(pieces, 0..8).prop_map(|pieces| {
        let mut log = CompactLog::with_capacity(0);
        let refusal = Error::from(HResult::E_INVALIDARG);
        let text = [u16::from(b'x')];
        for (piece, by_other) in pieces {
            let thread = if by_other {
                log.thread(other_thread(), || Some("other".into()))
            } else {
                log.thread(std::thread::current().id(), || None)
            }
            .unwrap();
            match piece {
                Piece::Count {
                    indices,
                    max,
                    odd,
                    answer,
                } => {
                    for (n, index) in indices.enumerate() {
                        let call = CallRef::Progress {
                            text: None,
                            index,
                            max,
                        };
                        let answer = if n == odd { answer } else { HResult::S_OK };
                        assert!(log.push(call, thread, answer));
                    }
                }
                Piece::Progress {
                    index,
                    max,
                    text: with_text,
                    answer,
                } => {
                    let text = with_text.then_some(&text[..]);
                    assert!(log.push(CallRef::Progress { text, index, max }, thread, answer));
                }
                Piece::Error { hr, answer } => {
                    assert!(log.push(CallRef::Error { hr, text: None }, thread, answer));
                }
                Piece::Done { event, hr, answer } => {
                    assert!(log.push(CallRef::Done { event, hr }, thread, answer));
                }
                Piece::Refused { slot } => {
                    let call = CallRef::Refused {
                        slot,
                        error: &refusal,
                    };
                    assert!(log.push(call, thread, refusal.hresult()));
                }
            }
        }
        log
    })
}
