//! Random sequences of clone / drop / QueryInterface / Release / calls, checked against a model.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::c_void;
use std::sync::atomic::Ordering;

use common::{count, query, release, Recorder};
use mapisync::abi::{IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown, GUID};
use mapisync::{HResult, Handle, ProgressCallback};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Clone,
    DropClone(usize),
    Query(u8),
    ReleaseRaw(usize),
    Progress(u32, u32),
    Error(i32),
    Done(i32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Clone),
        any::<usize>().prop_map(Op::DropClone),
        (0u8..4).prop_map(Op::Query),
        any::<usize>().prop_map(Op::ReleaseRaw),
        (any::<u32>(), any::<u32>()).prop_map(|(i, m)| Op::Progress(i, m)),
        any::<i32>().prop_map(Op::Error),
        any::<i32>().prop_map(Op::Done),
    ]
}

fn iid(which: u8) -> (GUID, bool) {
    match which {
        0 => (IID_IUnknown, true),
        1 => (IID_IMAPISyncProgressCallback, true),
        2 => (IID_IMAPISync, false),
        _ => (GUID::from_u128(0x1234), false),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]

    #[test]
    fn the_count_follows_the_model(ops in prop::collection::vec(op(), 0..64)) {
        let recorder = Recorder::default();
        let drops = recorder.drops.clone();
        let calls = recorder.calls.clone();
        let cb = ProgressCallback::new(recorder);
        let mut clones: Vec<ProgressCallback> = Vec::new();
        let mut raws: Vec<*mut c_void> = Vec::new();
        let mut expected_calls = 0;

        for op in ops {
            match op {
                Op::Clone => clones.push(cb.clone()),
                Op::DropClone(i) if !clones.is_empty() => {
                    clones.swap_remove(i % clones.len());
                }
                Op::Query(which) => {
                    let (iid, answers) = iid(which);
                    let (hr, out) = query(&cb, &iid);
                    if answers {
                        prop_assert_eq!(hr, HResult::S_OK);
                        prop_assert_eq!(out, cb.as_raw().cast());
                        raws.push(out);
                    } else {
                        prop_assert_eq!(hr, HResult::E_NOINTERFACE);
                        prop_assert!(out.is_null());
                    }
                }
                Op::ReleaseRaw(i) if !raws.is_empty() => {
                    let p = raws.swap_remove(i % raws.len());
                    let model_after = (1 + clones.len() + raws.len()) as u32;
                    // SAFETY: `p` carries a reference from a successful QueryInterface.
                    prop_assert_eq!(unsafe { release(p.cast()) }, model_after);
                }
                Op::Progress(i, m) => {
                    cb.progress(None, i, m).unwrap();
                    expected_calls += 1;
                }
                Op::Error(hr) => {
                    cb.error(HResult(hr), None).unwrap();
                    expected_calls += 1;
                }
                Op::Done(hr) => {
                    cb.done(Handle::NULL, HResult(hr)).unwrap();
                    expected_calls += 1;
                }
                Op::DropClone(_) | Op::ReleaseRaw(_) => {}
            }
            prop_assert_eq!(count(&cb), (1 + clones.len() + raws.len()) as u32);
            prop_assert_eq!(drops.load(Ordering::SeqCst), 0);
        }
        prop_assert_eq!(calls.lock().unwrap().len(), expected_calls);

        drop(cb);
        drop(clones);
        prop_assert_eq!(drops.load(Ordering::SeqCst), usize::from(raws.is_empty()));
        for p in raws {
            // SAFETY: each carries a reference from a successful QueryInterface.
            unsafe { release(p.cast()) };
        }
        prop_assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}
