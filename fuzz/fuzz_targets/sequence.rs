//! Arbitrary call sequences into the recording callback, through its vtable, and the protocol
//! checker over what was recorded: Progress, Error and Done with any arguments, AddRef and Release
//! through clones and raw pointers, QueryInterface with any IID, a script answering any failure
//! on any calls, a bounded log, and every checker setting.
//!
//! Checked on every input: each call gets the answer the script gives; the log holds the calls in
//! order, with nothing lost unnoticed; the reference count matches the references held, and
//! QueryInterface answers exactly IID_IUnknown and the callback's IID; the checker never panics,
//! a strict pass implies a lenient pass, and whatever passes has exactly one Done, last, with no
//! index past its maximum and no Error carrying a plain success code.

#![no_main]

use core::ffi::c_void;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mapisync::abi::{IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown, GUID};
use mapisync::testing::{Call, Checker, RecordingCallback, Script, Severity};
use mapisync::{HResult, Handle, ProgressCallback, Slot, U16CString};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum WhichSlot {
    Progress,
    Error,
    Done,
}

impl WhichSlot {
    fn slot(self) -> Slot {
        match self {
            WhichSlot::Progress => Slot::Progress,
            WhichSlot::Error => Slot::Error,
            WhichSlot::Done => Slot::Done,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Rule {
    slot: WhichSlot,
    first: u8,
    last: u8,
    answer: i32,
}

#[derive(Arbitrary, Debug)]
enum Iid {
    Unknown,
    Callback,
    Sync,
    Any([u8; 16]),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Progress {
        text: Option<Vec<u16>>,
        index: u32,
        max: u32,
    },
    Error {
        hr: i32,
        text: Option<Vec<u16>>,
    },
    Done {
        event: u8,
        hr: i32,
    },
    Clone,
    DropClone(u8),
    Query(Iid),
    ReleaseRaw(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    rules: Vec<Rule>,
    ops: Vec<Op>,
    limit: Option<u8>,
    done_event: Option<u8>,
    start_failed: bool,
}

fn handle(n: u8) -> Handle {
    Handle(usize::from(n).wrapping_mul(4) as *mut c_void)
}

fn text(units: &Option<Vec<u16>>) -> Option<U16CString> {
    units
        .as_ref()
        .map(|u| U16CString::from_vec_truncate(u.iter().copied().take(256).collect::<Vec<_>>()))
}

fuzz_target!(|input: Input| {
    let mut script = Script::new();
    for rule in input.rules.iter().take(8) {
        let answer = HResult(rule.answer | i32::MIN); // a scripted answer is a failure
        script = script.answer(
            rule.slot.slot(),
            u64::from(rule.first)..=u64::from(rule.last),
            answer,
        );
    }
    let recorder = match input.limit {
        Some(limit) => RecordingCallback::bounded(script.clone(), usize::from(limit)),
        None => RecordingCallback::new(script.clone()),
    };
    let callback = recorder.callback();
    // The count with `callback` the only reference of ours: the recorder's own references on top.
    let base = {
        let p = callback.as_unknown();
        // SAFETY: `callback` holds a reference; an AddRef and its Release leave it as it was.
        unsafe {
            ((*(*p).lpVtbl).AddRef)(p);
            ((*(*p).lpVtbl).Release)(p) as usize
        }
    };
    let mut clones: Vec<ProgressCallback> = Vec::new();
    let mut raws: Vec<*mut c_void> = Vec::new();
    let mut ordinals = [0u64; 3];
    let mut made = 0usize;

    for op in input.ops.iter().take(256) {
        let (slot, result) = match op {
            Op::Progress {
                text: t,
                index,
                max,
            } => (
                Slot::Progress,
                callback.progress(text(t).as_deref(), *index, *max),
            ),
            Op::Error { hr, text: t } => (
                Slot::Error,
                callback.error(HResult(*hr), text(t).as_deref()),
            ),
            Op::Done { event, hr } => (Slot::Done, callback.done(handle(*event), HResult(*hr))),
            Op::Clone => {
                clones.push(callback.clone());
                continue;
            }
            Op::DropClone(i) => {
                if !clones.is_empty() {
                    clones.swap_remove(usize::from(*i) % clones.len());
                }
                continue;
            }
            Op::Query(iid) => {
                let (iid, answers) = match iid {
                    Iid::Unknown => (IID_IUnknown, true),
                    Iid::Callback => (IID_IMAPISyncProgressCallback, true),
                    Iid::Sync => (IID_IMAPISync, false),
                    Iid::Any(bytes) => {
                        let g = GUID::from_u128(u128::from_le_bytes(*bytes));
                        (g, g == IID_IUnknown || g == IID_IMAPISyncProgressCallback)
                    }
                };
                let p = callback.as_unknown();
                let mut out: *mut c_void = 0xDEAD_BEEF_usize as *mut c_void;
                // SAFETY: `callback` holds a reference; `iid` and `out` are valid for the call.
                let hr = HResult(unsafe { ((*(*p).lpVtbl).QueryInterface)(p, &iid, &mut out) });
                if answers {
                    assert_eq!(hr, HResult::S_OK);
                    assert_eq!(out, p.cast(), "one identity");
                    raws.push(out);
                } else {
                    assert_eq!(hr, HResult::E_NOINTERFACE);
                    assert!(out.is_null());
                }
                continue;
            }
            Op::ReleaseRaw(i) => {
                if !raws.is_empty() {
                    let p = raws.swap_remove(usize::from(*i) % raws.len());
                    // SAFETY: `p` carries a reference from a successful QueryInterface.
                    let left = unsafe {
                        ((*(*p.cast::<mapisync::abi::IUnknown>()).lpVtbl).Release)(p.cast())
                    };
                    // The recorder's own and `callback` (`base`), the clones and the raw ones left.
                    assert_eq!(left as usize, base + clones.len() + raws.len());
                }
                continue;
            }
        };
        let i = slot as usize;
        ordinals[i] += 1;
        made += 1;
        let want = script.answer_for(slot, ordinals[i]);
        match result {
            Ok(()) => assert_eq!(want, HResult::S_OK),
            Err(e) => assert_eq!(e.hresult(), want),
        }
        assert_eq!(
            recorder.outstanding_references() as usize,
            1 + clones.len() + raws.len()
        );
    }

    // The log: every call in order, or counted as lost past the bound.
    let records = recorder.records();
    let kept = input.limit.map_or(made, |l| made.min(usize::from(l)));
    assert_eq!(records.len(), kept);
    assert_eq!(recorder.lost() as usize, made - kept);
    for (n, r) in records.iter().enumerate() {
        assert_eq!(r.seq, n as u64);
        let _ = r.to_string();
    }

    // The checker, with every setting.
    let mut checker = Checker::new();
    if let Some(e) = input.done_event {
        checker = checker.done_event(handle(e));
    }
    if input.start_failed {
        checker = checker.start_failed();
    }
    let lenient = recorder.check_with(&checker);
    let strict = recorder.check_with(&checker.clone().strict());
    let _ = (lenient.to_string(), strict.to_string());
    assert!(!strict.passed() || lenient.passed());
    for f in lenient.findings() {
        if let Some(seq) = f.seq {
            assert!(records.iter().any(|r| r.seq == seq), "{f}");
        }
    }
    if lenient.passed() {
        assert_eq!(recorder.lost(), 0);
        if input.start_failed {
            assert!(records.is_empty());
        } else {
            let dones: Vec<usize> = records
                .iter()
                .enumerate()
                .filter(|(_, r)| matches!(r.call, Call::Done { .. }))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(dones, vec![records.len() - 1], "exactly one Done, last");
            for r in &records {
                match &r.call {
                    Call::Progress { index, max, .. } => assert!(index <= max),
                    Call::Error { hr, .. } => assert!(hr.is_failure() || hr.is_warning()),
                    Call::Done { event, .. } => {
                        if let Some(e) = input.done_event {
                            assert_eq!(*event, handle(e));
                        }
                    }
                    Call::Refused { .. } => panic!("a refused call passed"),
                }
            }
        }
    } else {
        assert!(lenient
            .findings()
            .iter()
            .any(|f| f.severity == Severity::Error));
    }

    // Every reference comes back.
    drop(clones);
    for p in raws {
        // SAFETY: each carries a reference from a successful QueryInterface.
        unsafe { ((*(*p.cast::<mapisync::abi::IUnknown>()).lpVtbl).Release)(p.cast()) };
    }
    drop(callback);
    assert_eq!(recorder.outstanding_references(), 0);
});
