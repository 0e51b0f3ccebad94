//! One object shared by 8 threads that clone, call and release it.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::Ordering;
use std::thread;

use common::{count, Call, Recorder};
use mapisync::{HResult, Handle, ProgressCallback, U16CString};

const THREADS: u32 = 8;
const ROUNDS: u32 = if cfg!(miri) { 20 } else { 2_000 };

#[test]
fn eight_threads_clone_call_and_release_one_object() {
    let recorder = Recorder::default();
    let calls = recorder.calls.clone();
    let drops = recorder.drops.clone();
    let cb = ProgressCallback::new(recorder);

    thread::scope(|scope| {
        for t in 0..THREADS {
            let mine = cb.clone();
            scope.spawn(move || {
                let text = U16CString::from_str(format!("thread {t}")).unwrap();
                let mut held = Vec::new();
                for i in 0..ROUNDS {
                    held.push(mine.clone());
                    mine.progress(Some(&text), i, ROUNDS).unwrap();
                    if i % 3 == 0 {
                        held.clear();
                    }
                }
                mine.error(HResult::MAPI_W_PARTIAL_COMPLETION, None)
                    .unwrap();
                mine.done(Handle::NULL, HResult::S_OK).unwrap();
            });
        }
    });

    assert_eq!(count(&cb), 1, "every thread gave back every reference");
    let calls = calls.lock().unwrap();
    assert_eq!(
        calls.len() as u32,
        THREADS * (ROUNDS + 2),
        "no call was lost"
    );
    for t in 0..THREADS {
        let text: Vec<u16> = format!("thread {t}").encode_utf16().collect();
        let indices: Vec<u32> = calls
            .iter()
            .filter_map(|c| match c {
                Call::Progress(Some(units), i, _) if *units == text => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(
            indices,
            (0..ROUNDS).collect::<Vec<_>>(),
            "thread {t} in order"
        );
    }
    drop(calls);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(cb);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn the_last_release_may_happen_on_any_thread() {
    for _ in 0..if cfg!(miri) { 5 } else { 200 } {
        let recorder = Recorder::default();
        let drops = recorder.drops.clone();
        let cb = ProgressCallback::new(recorder);
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let mine = cb.clone();
                thread::spawn(move || mine.progress(None, 0, 1).unwrap())
            })
            .collect();
        drop(cb);
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}
