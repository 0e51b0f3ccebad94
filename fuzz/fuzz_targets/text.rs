//! UTF-16 text arriving across the ABI, into the Progress and Error slots of a Rust-made
//! callback: any code units (NULs and unpaired surrogates included), a terminator inside the
//! bound, exactly at it, one past it, or none at all. The buffer is exactly as long as the caller
//! makes it, so a read one unit past it is an AddressSanitizer report.
//!
//! Checked on every input: text with its NUL within `MAX_TEXT_LEN` units arrives code unit for
//! code unit, up to the first NUL, and the call answers `S_OK`; text without one is refused with
//! `E_INVALIDARG` after reading at most `MAX_TEXT_LEN + 1` units, and the refusal is recorded.
//! The calling side (`ProgressCallback::progress` / `error`) refuses the same texts itself.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mapisync::testing::{Call, RecordingCallback, Script};
use mapisync::{HResult, Slot, U16CStr, MAX_TEXT_LEN};

#[derive(Arbitrary, Debug)]
enum Shape {
    /// The units as given, then a NUL (they may hold NULs of their own).
    Terminated,
    /// The units repeated (NULs made `'a'`) to `len % (MAX_TEXT_LEN + 3)` units, then a NUL:
    /// around the bound when `len` is near it.
    Length(u16),
    /// Near the bound: `MAX_TEXT_LEN - 2 + n % 5` units, then a NUL.
    NearBound(u8),
    /// `MAX_TEXT_LEN + 1` units and no NUL anywhere: the buffer ends where reading must stop.
    Unterminated,
}

#[derive(Arbitrary, Debug)]
struct Input {
    units: Vec<u16>,
    shape: Shape,
    error_slot: bool,
    index: u32,
    max: u32,
    hr: i32,
}

/// The units with no NUL: NULs become `'a'`, and an empty input is `"a"`.
fn filler(units: &[u16]) -> Vec<u16> {
    let mut fill: Vec<u16> = units
        .iter()
        .map(|&u| if u == 0 { 0x61 } else { u })
        .collect();
    if fill.is_empty() {
        fill.push(0x61);
    }
    fill
}

fn repeated(units: &[u16], len: usize) -> Vec<u16> {
    filler(units).into_iter().cycle().take(len).collect()
}

fuzz_target!(|input: Input| {
    // The buffer the foreign caller passes, exactly this long.
    let buffer: Vec<u16> = match input.shape {
        Shape::Terminated => input.units.iter().copied().chain([0]).collect(),
        Shape::Length(n) => {
            let len = usize::from(n) % (MAX_TEXT_LEN + 3);
            repeated(&input.units, len).into_iter().chain([0]).collect()
        }
        Shape::NearBound(n) => {
            let len = MAX_TEXT_LEN - 2 + usize::from(n) % 5;
            repeated(&input.units, len).into_iter().chain([0]).collect()
        }
        Shape::Unterminated => repeated(&input.units, MAX_TEXT_LEN + 1),
    };
    let buffer = buffer.into_boxed_slice(); // exactly sized
    let nul = buffer.iter().position(|&u| u == 0);
    let accepted = nul.filter(|&at| at <= MAX_TEXT_LEN);

    let recorder = RecordingCallback::new(Script::new());
    let callback = recorder.callback();
    let p = callback.as_raw();
    // SAFETY: `callback` holds a reference; the buffer is NUL-terminated within the bound, or
    // MAX_TEXT_LEN + 1 readable units long, as the slot's contract asks.
    let hr = HResult(unsafe {
        if input.error_slot {
            ((*(*p).lpVtbl).Error)(p, input.hr, buffer.as_ptr())
        } else {
            ((*(*p).lpVtbl).Progress)(p, buffer.as_ptr(), input.index, input.max)
        }
    });

    let calls = recorder.calls();
    assert_eq!(calls.len(), 1);
    match accepted {
        Some(len) => {
            assert_eq!(hr, HResult::S_OK);
            let want = &buffer[..len];
            let got = match &calls[0] {
                Call::Progress {
                    text: Some(t),
                    index,
                    max,
                } if !input.error_slot => {
                    assert_eq!((*index, *max), (input.index, input.max));
                    t.units().to_vec()
                }
                Call::Error { hr, text: Some(t) } if input.error_slot => {
                    assert_eq!(hr.0, input.hr, "the HRESULT argument passes unchanged");
                    t.units().to_vec()
                }
                other => panic!("unexpected record {other:?}"),
            };
            assert_eq!(got, want, "code units kept exactly, up to the first NUL");
            let _ = recorder.records()[0].to_string(); // display never panics

            // The calling side sends the same text and it arrives the same.
            let text = U16CStr::from_slice_truncate(&buffer).unwrap();
            if input.error_slot {
                callback.error(HResult(input.hr), Some(text)).unwrap();
            } else {
                callback
                    .progress(Some(text), input.index, input.max)
                    .unwrap();
            }
            let calls = recorder.calls();
            assert_eq!(calls[0], calls[1]);
        }
        None => {
            assert_eq!(hr, HResult::E_INVALIDARG);
            let slot = if input.error_slot {
                Slot::Error
            } else {
                Slot::Progress
            };
            assert!(
                matches!(&calls[0], Call::Refused { slot: s, error } if *s == slot && error.hresult() == HResult::E_INVALIDARG),
                "{:?}",
                calls[0]
            );
            // The calling side refuses text over the bound without making the call.
            if let Some(text) = nul.map(|at| U16CStr::from_slice_truncate(&buffer[..=at]).unwrap())
            {
                let err = if input.error_slot {
                    callback.error(HResult(input.hr), Some(text)).unwrap_err()
                } else {
                    callback
                        .progress(Some(text), input.index, input.max)
                        .unwrap_err()
                };
                assert_eq!(err.hresult(), HResult::E_INVALIDARG);
                assert_eq!(recorder.calls().len(), 1, "nothing more was called");
            }
        }
    }
    // The protocol check reads any record without panicking, and names a refusal.
    let verdict = recorder.check().to_string();
    if accepted.is_none() {
        assert!(
            verdict.contains("was refused with E_INVALIDARG"),
            "{verdict}"
        );
    }
    drop(callback);
    assert_eq!(recorder.outstanding_references(), 0);
});
