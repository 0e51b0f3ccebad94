//! Arbitrary HRESULTs, both ways across the ABI: returned by a foreign callback's slots, passed as
//! arguments to a Rust-made one, returned by a Rust store's provider and a worker's work, and as
//! raw `ulFlags` bits.
//!
//! Checked on every value: success and failure are told apart by the severity bit alone; a
//! failure comes back to the Rust caller as an `Err` carrying exactly that code, and any success
//! code (warnings, `S_FALSE`) as `Ok`; an HRESULT argument reaches the implementation unchanged;
//! an `Error` never carries a success code across the ABI (it becomes `E_UNEXPECTED`); names and
//! display never panic.

#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mapisync::testing::{Call, RecordingCallback, Script};
use mapisync::{
    Error, Event, HResult, Handle, MapiSync, ProgressCallback, Result, Slot, SyncFlags,
    SyncProvider, SyncRequest, SyncWorker,
};
use mapisync_fuzz::{Foreign, QiMode};

#[derive(Arbitrary, Debug)]
struct Input {
    codes: Vec<i32>,
    /// Also run one synchronization whose work ends with the first code.
    sync: bool,
}

/// A store whose `SynchronizeInBackground` fails with `start` if that is a failure, and otherwise
/// runs work that finishes with `Ok(end)`.
struct Store {
    start: HResult,
    end: HResult,
}

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        self.start.ok()?;
        let end = self.end;
        SyncWorker::spawn(request, move |_| Ok(end))
    }
}

fn check_code(hr: HResult) {
    // Classification by the severity bit.
    assert_eq!(hr.is_success(), hr.0 >= 0);
    assert_eq!(hr.is_failure(), hr.0 < 0);
    assert!(!hr.is_warning() || hr.is_success());
    assert_eq!(hr.as_u32(), hr.0 as u32);
    let shown = hr.to_string();
    assert!(shown.contains(&format!("{:08X}", hr.as_u32())), "{shown}");
    if let Some(name) = hr.name() {
        assert!(shown.starts_with(name));
    }
    assert_eq!(format!("{hr:?}"), shown);

    // `ok()` and `Error` never let a success code pose as a failure.
    assert_eq!(hr.ok().is_ok(), hr.is_success());
    let from = Error::from(hr);
    let described = Error::new(hr, "fuzz");
    for e in [&from, &described] {
        assert!(e.hresult().is_failure(), "{e}");
        if hr.is_failure() {
            assert_eq!(e.hresult(), hr);
        } else {
            assert_eq!(e.hresult(), HResult::E_UNEXPECTED);
            assert!(e.to_string().contains(&shown), "{e}");
        }
        let _ = e.to_string();
    }

    // As raw MAPISIB flags: accepted exactly when every bit is a known SYNC_* bit.
    let bits = hr.as_u32();
    match SyncFlags::from_raw(bits) {
        Ok(flags) => {
            assert_eq!(flags.bits(), bits);
            let _ = flags.to_string();
        }
        Err(e) => {
            assert_ne!(bits & !SyncFlags::all().bits(), 0);
            assert_eq!(e.hresult(), HResult::MAPI_E_UNKNOWN_FLAGS);
        }
    }

    // Returned by a foreign object's slots: Ok for success codes, Err with the same code else.
    let foreign = Foreign::create(QiMode::Normal, hr.0);
    // SAFETY: a live foreign object; its one reference passes to `callback`.
    let callback = unsafe { ProgressCallback::from_raw(foreign) };
    for result in [
        callback.progress(None, 1, 2),
        callback.error(HResult::E_FAIL, None),
        callback.done(Handle::NULL, HResult::S_OK),
    ] {
        match result {
            Ok(()) => assert!(hr.is_success()),
            Err(e) => assert_eq!(e.hresult(), hr),
        }
    }
    drop(callback);

    // Passed as arguments to a Rust-made callback: unchanged, success codes included; and a
    // scripted failure answer comes back as exactly that code.
    let script = if hr.is_failure() {
        Script::new().answer(Slot::Error, 1..=1, hr)
    } else {
        Script::new()
    };
    let recorder = RecordingCallback::new(script);
    let callback = recorder.callback();
    let answered = callback.error(hr, None);
    if hr.is_failure() {
        assert_eq!(answered.unwrap_err().hresult(), hr);
    } else {
        answered.unwrap();
    }
    callback.done(Handle::NULL, hr).unwrap();
    let calls = recorder.calls();
    assert_eq!(calls[0], Call::Error { hr, text: None });
    assert_eq!(
        calls[1],
        Call::Done {
            event: Handle::NULL,
            hr
        }
    );
    let _ = recorder.check().to_string();
}

fuzz_target!(|input: Input| {
    for &code in input.codes.iter().take(64) {
        check_code(HResult(code));
    }

    if let (true, Some(&first)) = (input.sync, input.codes.first()) {
        // A provider failing at the start, or work ending with any status.
        let code = HResult(first);
        let store = MapiSync::new(Store {
            start: code,
            end: code,
        });
        let recorder = RecordingCallback::new(Script::new());
        let started =
            store.synchronize_in_background(SyncFlags::empty(), None, &recorder.callback());
        if code.is_failure() {
            assert_eq!(started.unwrap_err().hresult(), code);
            assert!(recorder.calls().is_empty());
        } else {
            let done = started.unwrap();
            let event = Event::from_handle(done).unwrap();
            assert!(event.wait_timeout(Duration::from_secs(30)));
            // Done brings the work's status unchanged, warnings and S_FALSE included.
            assert_eq!(
                recorder.calls(),
                vec![Call::Done {
                    event: done,
                    hr: code
                }]
            );
            Event::close_handle(done).unwrap();
            mapisync_fuzz::wait_for_workers_to_exit();
        }
        assert_eq!(recorder.outstanding_references(), 0);
        assert_eq!(Event::open_handles(), 0);
    }
});
