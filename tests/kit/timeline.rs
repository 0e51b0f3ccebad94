//! The run as a picture: `SyncRun::timeline_svg`, and the picture a failing assertion leaves in
//! `$MAPISYNC_ARTIFACTS`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Duration;

use common::failure_of;
use mapisync::testing::{Script, SyncRun, SyncTest};
use mapisync::{
    Event, EventReset, HResult, Handle, MapiSync, Result, SyncProvider, SyncRequest, SyncWorker,
    U16CString,
};

/// The guide's store: `Progress` with the folder's name for each message, a pause between them.
struct Store {
    folders: Vec<(&'static str, u32)>,
    pause: Duration,
}

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        let (folders, pause) = (self.folders.clone(), self.pause);
        SyncWorker::spawn(request, move |sync| {
            for (name, count) in &folders {
                for i in 1..=*count {
                    std::thread::sleep(pause);
                    let text = U16CString::from_str(format!("{name}: {i} of {count}")).unwrap();
                    sync.progress(Some(&text), i, *count)?;
                }
            }
            Ok(HResult::S_OK)
        })
    }
}

/// A run of the guide's store in which the user presses Cancel at the 5th `Progress`.
fn cancelled_run() -> SyncRun {
    SyncTest::new()
        .script(Script::new().cancel_progress_from(5))
        .run(&MapiSync::new(Store {
            folders: vec![("Inbox", 3), ("Sent Items", 4)],
            pause: Duration::from_millis(3),
        }))
}

/// `text` as XML writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn every_call_is_a_mark_titled_with_its_line_of_the_call_log() {
    let run = cancelled_run();
    run.assert_passed();
    let svg = run.timeline_svg();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    for outside in ["href", "<script", "<image", "url(", "@import"] {
        assert!(!svg.contains(outside), "{outside} in {svg}");
    }
    let records = run.records();
    assert_eq!(records.len(), 6, "5 Progress, Done");
    for record in &records {
        let title = format!("<title>{}</title>", escaped(&record.to_string()));
        assert_eq!(svg.matches(&title).count(), 1, "{title} in {svg}");
    }
    // The Cancel answer stands out (the red triangle), and so does the failing Done.
    let marks = |class: &str| {
        let class = format!("class=\"{class}\"");
        svg.lines()
            .filter(|l| l.contains(&class) && l.contains("<title>#"))
            .count()
    };
    assert_eq!(marks("c"), 1, "{svg}");
    assert_eq!(marks("df"), 1, "{svg}");
    assert_eq!(marks("p"), 4, "{svg}");
    // A lane for the host and one for the worker, a time axis with its unit, a legend.
    assert!(svg.contains(">host (SimulatedHost)</text>"), "{svg}");
    assert!(svg.contains(">thread mapisync-sync</text>"), "{svg}");
    assert!(svg.contains(" ms</text>"), "{svg}");
    assert!(svg.contains(">answered Cancel</text>"), "{svg}");
    assert!(svg.contains("the done event signalled"), "{svg}");
    assert!(!svg.contains("timeout ("), "no timeout was reached: {svg}");
}

#[test]
fn the_timeout_is_drawn_where_it_was_reached() {
    struct Silent;
    impl SyncProvider for Silent {
        fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
            Ok(Event::new(EventReset::Manual).handle())
        }
    }
    let run = SyncTest::new()
        .timeout(Duration::from_millis(50))
        .run(&MapiSync::new(Silent));
    let svg = run.timeline_svg();
    assert!(svg.contains(">timeout (50 ms)</text>"), "{svg}");
    assert!(!svg.contains("the done event signalled"), "{svg}");
}

/// The provider the guide shows a failure of: it goes on after Cancel.
struct IgnoresCancel;

impl SyncProvider for IgnoresCancel {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        SyncWorker::spawn(request, |sync| {
            for i in 1..=3 {
                let _ = sync.progress(None, i, 3);
            }
            Ok(HResult::S_OK)
        })
    }
}

#[test]
fn assert_passed_tells_every_finding_the_hosts_report_and_the_call_log() {
    let run = SyncTest::new()
        .script(Script::new().cancel_progress_from(2))
        .run(&MapiSync::new(IgnoresCancel));
    let message = failure_of(|| run.assert_passed());
    for part in [
        "the run did not pass (lenient): 2 findings\n",
        "  error[progress_after_cancel] at #2: Progress after the user pressed Cancel",
        "  error[progress_after_cancel] at #3: Done with S_OK",
        "host report: SynchronizeInBackground: S_OK (0x00000000); Done: S_OK",
        "call log (4 calls):\n  #0 Progress 1/3\n  #1 Progress 2/3 -> MAPI_E_USER_CANCEL",
        // Written, or (under Miri's isolation, which has no files) said why not.
        "the run as a picture",
    ] {
        assert!(message.contains(part), "{part:?} not in\n{message}");
    }
}

#[test]
fn assert_passed_counts_leaks_and_strict_warnings_too() {
    // A reference kept past the grace: assert_protocol passes, assert_passed does not.
    struct Keeps(std::sync::Mutex<Option<mapisync::ProgressCallback>>);
    impl SyncProvider for Keeps {
        fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
            let event = Event::new(EventReset::Manual);
            let handle = event.handle();
            *self.0.lock().unwrap() = Some(request.callback.clone());
            request.callback.done(handle, HResult::S_OK)?;
            event.set();
            Ok(handle)
        }
    }
    let store = MapiSync::new(Keeps(std::sync::Mutex::new(None)));
    let run = SyncTest::new().run(&store);
    run.assert_protocol();
    let message = failure_of(|| run.assert_passed());
    assert!(
        message.contains("the run did not pass (lenient): 1 finding\n  error[reference_leaked]: the provider still holds 1 reference(s)"),
        "{message}"
    );
    // The store and its reference go at last (a leak left for good would be Miri's finding).
    drop(run);
    drop(store);

    // A warning fails a strict run only.
    struct NullDone;
    impl SyncProvider for NullDone {
        fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
            let event = Event::new(EventReset::Manual);
            let handle = event.handle();
            request.callback.done(Handle::NULL, HResult::S_OK)?;
            event.set();
            Event::close_handle(handle)?;
            Ok(handle)
        }
    }
    SyncTest::new()
        .run(&MapiSync::new(NullDone))
        .assert_passed();
    let strict = SyncTest::new().strict().run(&MapiSync::new(NullDone));
    let message = failure_of(|| strict.assert_passed());
    assert!(
        message.contains("the run did not pass (strict): 1 finding\n  warning"),
        "{message}"
    );
}

/// The `<title>`s of the call marks of `svg`, in order, a done event's handle value left out.
fn call_titles(svg: &str) -> Vec<String> {
    svg.split("<title>#")
        .skip(1)
        .map(|rest| {
            let title = rest.split("</title>").next().unwrap_or_default();
            match title.find(" event 0x") {
                Some(at) => {
                    let end = title[at + 9..]
                        .find(|c: char| !c.is_ascii_hexdigit())
                        .map_or(title.len(), |e| at + 9 + e);
                    format!("#{}<...>{}", &title[..at + 9], &title[end..])
                }
                None => format!("#{title}"),
            }
        })
        .collect()
}

/// The picture the guide shows is the kit's, of the run [`cancelled_run`] makes: the same calls,
/// with the same titles (the done event's handle aside). `MAPISYNC_GUIDE_PICTURE=write` draws
/// it again.
#[test]
#[cfg_attr(miri, ignore = "reads a file, which Miri's isolation refuses")]
fn the_guides_picture_is_what_the_kit_draws() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/images/timeline.svg");
    let svg = cancelled_run().timeline_svg();
    if std::env::var("MAPISYNC_GUIDE_PICTURE").as_deref() == Ok("write") {
        std::fs::write(path, &svg).unwrap();
    }
    let shown = std::fs::read_to_string(path).unwrap();
    assert_eq!(call_titles(&shown), call_titles(&svg));
    assert_eq!(call_titles(&svg).len(), 6);
}
