//! The compact log against the records it stands for.

use super::samples::{log, number};
use super::*;
use crate::core::handle::Handle;
use crate::interfaces::progress_callback::Slot;
use std::ops::RangeInclusive;

use crate::testing::record::{Answers, Call, Text};
use widestring::{u16cstr, U16CStr};

/// What `counted_progress` means, said in the plainest way: the records, one by one, while
/// each is the `Progress` of the next index under `max`, answered as `answers` allows.
fn counted_by_hand(
    records: &[Record],
    indices: RangeInclusive<u32>,
    max: u32,
    answers: Answers,
) -> usize {
    let mut expected = indices;
    let mut counted = 0;
    for record in records {
        let Some(next) = expected.next() else {
            break;
        };
        match record.call {
            Call::Progress { index, max: m, .. }
                if index == next && m == max && answers.allow(record.answer) =>
            {
                counted += 1;
            }
            _ => break,
        }
    }
    counted
}

#[test]
#[cfg(target_pointer_width = "64")]
fn an_entry_is_40_bytes() {
    assert_eq!(std::mem::size_of::<LogEntry>(), 40);
}

#[test]
fn records_come_back_exactly_as_the_calls_were_made() {
    let mut log = CompactLog::with_capacity(1);
    let refusal = Error::from(HResult::E_INVALIDARG);
    let here = std::thread::current().id();
    let there = std::thread::spawn(|| std::thread::current().id())
        .join()
        .unwrap();
    let inbox = u16cstr!("Inbox").as_slice();
    let lone = [0xD800u16]; // an unpaired surrogate, kept as it came
    let a = log.thread(here, || Some(Arc::from("main"))).unwrap();
    assert!(log.push(
        CallRef::Progress {
            text: Some(inbox),
            index: 1,
            max: 2
        },
        a,
        HResult::S_OK
    ));
    let b = log.thread(there, || None).unwrap();
    let err = HResult::MAPI_E_NETWORK_ERROR;
    assert!(log.push(
        CallRef::Error {
            hr: err,
            text: None
        },
        b,
        HResult::S_OK
    ));
    assert_eq!(log.thread(here, || unreachable!("known")), Some(a));
    let refused = CallRef::Refused {
        slot: Slot::Error,
        error: &refusal,
    };
    assert!(log.push(refused, a, refusal.hresult()));
    let cancel = HResult::MAPI_E_USER_CANCEL;
    let text = Some(&lone[..]);
    assert!(log.push(CallRef::Error { hr: err, text }, a, cancel));
    let done = CallRef::Done {
        event: Handle(8 as *mut _),
        hr: cancel,
    };
    assert!(log.push(done, b, HResult::S_OK));

    let main = Some(Arc::<str>::from("main"));
    let record = |seq, thread, thread_name: &Option<Arc<str>>, call, answer| Record {
        seq,
        thread,
        thread_name: thread_name.clone(),
        call,
        answer,
    };
    let expected = vec![
        record(
            0,
            here,
            &main,
            Call::Progress {
                text: Some(Text::new(u16cstr!("Inbox"))),
                index: 1,
                max: 2,
            },
            HResult::S_OK,
        ),
        record(
            1,
            there,
            &None,
            Call::Error {
                hr: err,
                text: None,
            },
            HResult::S_OK,
        ),
        record(
            2,
            here,
            &main,
            Call::Refused {
                slot: Slot::Error,
                error: refusal.clone(),
            },
            HResult::E_INVALIDARG,
        ),
        record(
            3,
            here,
            &main,
            Call::Error {
                hr: err,
                text: Some(Text::new(U16CStr::from_slice(&[0xD800, 0]).unwrap())),
            },
            cancel,
        ),
        record(
            4,
            there,
            &None,
            Call::Done {
                event: Handle(8 as *mut _),
                hr: cancel,
            },
            HResult::S_OK,
        ),
    ];
    assert_eq!(log.to_records(), expected);
    assert_eq!(log.len(), 5);
    for (i, r) in expected.iter().enumerate() {
        let at = log.at(i);
        assert_eq!(
            (at.seq, at.kind, at.answer),
            (r.seq, Kind::of(&r.call), r.answer)
        );
        assert_eq!(log.call(i).to_call(), r.call);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]

    /// The walk over the entries counts what the plain walk over the records counts: from the
    /// call at `from` on, mostly counting on from that call's own index and maximum.
    #[test]
    fn counted_progress_agrees_with_the_records(
        log in log(),
        from in 0usize..64,
        own in proptest::bool::weighted(0.8),
        first in number(),
        last in number(),
        max in number(),
    ) {
        // Mostly a call of the log, sometimes just past it.
        let from = from % (log.len() + 1);
        let (first, max) = match (own, from < log.len()) {
            (true, true) => match log.at(from).kind {
                Kind::Progress { index, max } => (index, max),
                _ => (first, max),
            },
            _ => (first, max),
        };
        let records = log.to_records();
        for answers in [Answers::Any, Answers::BeforeCancel] {
            let by_hand = counted_by_hand(&records[from..], first..=last, max, answers);
            proptest::prop_assert_eq!(
                log.counted_progress(from, first..=last, max, answers),
                by_hand
            );
            proptest::prop_assert_eq!(
                records[..].counted_progress(from, first..=last, max, answers),
                by_hand
            );
        }
    }
}
