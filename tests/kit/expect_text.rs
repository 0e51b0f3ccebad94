//! `Expect::with_text`: the texts of the calls, compared where given and shown where they differ.

#[path = "../common/mod.rs"]
mod common;

use common::failure_of;
use mapisync::testing::{Expect, RecordingCallback};
use mapisync::{HResult, Handle, U16CString};

/// A recorder holding Progress 1/2 and 2/2 with `texts`, an Error with `error`, and Done.
fn recorded(texts: [Option<&str>; 2], error: &str) -> RecordingCallback {
    let recorder = RecordingCallback::default();
    let callback = recorder.callback();
    for (i, text) in texts.iter().enumerate() {
        let text = text.map(|t| U16CString::from_str(t).unwrap());
        callback.progress(text.as_deref(), i as u32 + 1, 2).unwrap();
    }
    let error = U16CString::from_str(error).unwrap();
    callback
        .error(HResult::MAPI_E_NETWORK_ERROR, Some(&error))
        .unwrap();
    callback.done(Handle::NULL, HResult::S_OK).unwrap();
    recorder
}

fn expectation(progress: Option<&str>, error: Option<&str>) -> Expect {
    let mut expect = Expect::new().progress(1..=2, 2);
    if let Some(text) = progress {
        expect = expect.with_text(text);
    }
    expect = expect.error(HResult::MAPI_E_NETWORK_ERROR);
    if let Some(text) = error {
        expect = expect.with_text(text);
    }
    expect.done(HResult::S_OK)
}

#[test]
fn texts_given_are_compared_and_others_are_not() {
    let recorder = recorded([Some("Inbox"), Some("Inbox")], "offline");
    let records = recorder.records();
    assert!(expectation(None, None).matches(&records));
    assert!(expectation(Some("Inbox"), None).matches(&records));
    assert!(expectation(None, Some("offline")).matches(&records));
    assert!(expectation(Some("Inbox"), Some("offline")).matches(&records));
    assert!(!expectation(Some("Outbox"), None).matches(&records));
    assert!(!expectation(None, Some("online")).matches(&records));
    assert!(!expectation(Some(""), None).matches(&records));
}

#[test]
fn every_call_of_a_range_must_carry_the_text() {
    for texts in [
        [Some("Inbox"), None],
        [None, Some("Inbox")],
        [Some("Inbox"), Some("Sent")],
    ] {
        let records = recorded(texts, "offline").records();
        assert!(expectation(None, None).matches(&records));
        assert!(
            !expectation(Some("Inbox"), None).matches(&records),
            "{texts:?}"
        );
    }
}

#[test]
fn the_diff_shows_the_texts_that_differ() {
    let records = recorded([Some("Inbox"), Some("Sent")], "offline").records();
    let expected = expectation(Some("Inbox"), None);
    assert_eq!(
        expected.to_string(),
        "progress 1..=2 of 2 with text \"Inbox\", then error MAPI_E_NETWORK_ERROR (0x80040115), \
         then done S_OK (0x00000000)"
    );
    let message = failure_of(|| expected.assert_matches(&records));
    assert!(message.contains("- Progress 2/2 \"Inbox\""), "{message}");
    assert!(message.contains("+ Progress 2/2 \"Sent\""), "{message}");
    assert!(message.contains("  Progress 1/2 \"Inbox\""), "{message}");
}

#[test]
fn a_text_after_done_or_before_any_entry_is_refused_clearly() {
    let message = failure_of(|| {
        let _ = Expect::new().done(HResult::S_OK).with_text("Inbox");
    });
    assert!(message.contains("the last entry is a done"), "{message}");
    let message = failure_of(|| {
        let _ = Expect::new().with_text("Inbox");
    });
    assert!(message.contains("no entry yet"), "{message}");
    let message = failure_of(|| {
        let _ = Expect::new().progress(1..=1, 1).with_text("In\0box");
    });
    assert!(message.contains("holds a NUL"), "{message}");
}
