//! Tests of the example store provider (`examples/support/fake_imap.rs`), written the way a
//! provider author would test theirs: run it under `mapisync::testing::SyncTest`, script the
//! user's answers, and assert on the protocol, the calls and the references.

#[path = "../../examples/support/fake_imap.rs"]
mod fake_imap;

use fake_imap::{FakeImapStore, Folder, ProgressStep};
use mapisync::testing::{Call, Expect, Explore, Script, SyncRun, SyncTest};
use mapisync::{HResult, MapiSync, Slot, SyncFlags};

/// Three small folders; no delay.
fn store() -> FakeImapStore {
    FakeImapStore::new([
        Folder::new("Inbox", 4),
        Folder::new("Sent Items", 2),
        Folder::new("Drafts", 0),
    ])
}

fn run(test: SyncTest, store: FakeImapStore) -> SyncRun {
    let run = test.run(&MapiSync::new(store));
    run.assert_released();
    run
}

/// The text of every `Progress`, in order.
fn progress_texts(run: &SyncRun) -> Vec<String> {
    run.records()
        .iter()
        .filter_map(|r| match &r.call {
            Call::Progress { text, .. } => {
                Some(text.as_ref().expect("every step has text").lossy())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_full_sync_lists_the_hierarchy_then_each_folder_and_ends_s_ok() {
    let run = run(SyncTest::new().strict(), store());
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=3, 3) // hierarchy: one step per folder
            .progress(0..=0, 0) // opening Inbox
            .progress(1..=4, 4)
            .progress(0..=0, 0) // opening Sent Items
            .progress(1..=2, 2)
            .progress(0..=0, 0) // opening Drafts, which is empty
            .done(HResult::S_OK),
    );
    assert_eq!(
        progress_texts(&run),
        [
            "Hierarchy: Inbox: folder 1 of 3",
            "Hierarchy: Sent Items: folder 2 of 3",
            "Hierarchy: Drafts: folder 3 of 3",
            "Contents: Inbox: opening folder 1 of 3, 4 messages",
            "Contents: Inbox: message 1 of 4",
            "Contents: Inbox: message 2 of 4",
            "Contents: Inbox: message 3 of 4",
            "Contents: Inbox: message 4 of 4",
            "Contents: Sent Items: opening folder 2 of 3, 2 messages",
            "Contents: Sent Items: message 1 of 2",
            "Contents: Sent Items: message 2 of 2",
            "Contents: Drafts: opening folder 3 of 3, 0 messages",
        ]
    );
    // Everything is reported from the worker thread SyncWorker started.
    for record in run.records() {
        assert_eq!(
            record.thread_name.as_deref(),
            Some("mapisync-sync"),
            "{record}"
        );
    }
}

#[test]
fn every_progress_text_parses_back_to_its_position() {
    let run = run(SyncTest::new(), FakeImapStore::demo(8));
    run.assert_protocol();
    let mut seen = 0;
    for record in run.records() {
        if let Call::Progress { text, index, max } = &record.call {
            let text = text.as_ref().unwrap().lossy();
            let step = ProgressStep::parse(&text).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(step.position(), (*index, *max), "{text}");
            assert_eq!(step.to_string(), text);
            seen += 1;
        }
    }
    let demo = FakeImapStore::demo(8);
    let expected = demo.folders().len() * 2 + demo.total_messages() as usize;
    assert_eq!(seen, expected);
}

#[test]
fn progress_step_parsing_keeps_odd_folder_names_and_refuses_other_text() {
    let steps = [
        ProgressStep::Hierarchy {
            folder: "Projects: 2024: Q1".into(),
            index: 2,
            folders: 9,
        },
        ProgressStep::OpenFolder {
            folder: "a: b".into(),
            position: 1,
            folders: 1,
            messages: 1,
        },
        ProgressStep::Message {
            folder: "".into(),
            index: 7,
            messages: 7,
        },
    ];
    for step in steps {
        assert_eq!(ProgressStep::parse(&step.to_string()), Some(step.clone()));
    }
    assert_eq!(
        ProgressStep::parse("Contents: Drafts: opening folder 3 of 6, 1 message"),
        Some(ProgressStep::OpenFolder {
            folder: "Drafts".into(),
            position: 3,
            folders: 6,
            messages: 1,
        })
    );
    for other in [
        "",
        "Inbox: message 3 of 40",
        "Hierarchy: Inbox",
        "Contents: Inbox: message three of 40",
        "Contents: Inbox: message 3 of",
        "Contents: Inbox: opening folder 1 of 2",
    ] {
        assert_eq!(ProgressStep::parse(other), None, "{other:?}");
    }
}

#[test]
fn hierarchy_only_lists_the_folders_and_downloads_nothing() {
    for flags in [SyncFlags::DOWNLOAD_HIERARCHY, SyncFlags::UPLOAD_HIERARCHY] {
        let run = run(SyncTest::new().flags(flags).strict(), store());
        run.assert_protocol();
        run.assert_calls(&Expect::new().progress(1..=3, 3).done(HResult::S_OK));
        assert!(progress_texts(&run)
            .iter()
            .all(|t| t.starts_with("Hierarchy: ")));
    }
}

#[test]
fn contents_only_skips_the_hierarchy() {
    for flags in [SyncFlags::DOWNLOAD_CONTENTS, SyncFlags::UPLOAD_CONTENTS] {
        let run = run(SyncTest::new().flags(flags).strict(), store());
        run.assert_protocol();
        run.assert_calls(
            &Expect::new()
                .progress(0..=0, 0)
                .progress(1..=4, 4)
                .progress(0..=0, 0)
                .progress(1..=2, 2)
                .progress(0..=0, 0)
                .done(HResult::S_OK),
        );
    }
}

#[test]
fn flags_without_a_phase_finish_at_once() {
    let run = run(SyncTest::new().flags(SyncFlags::OUTGOING_MAIL), store());
    run.assert_protocol();
    run.assert_calls(&Expect::new().done(HResult::S_OK));
}

#[test]
fn a_flaky_folder_is_reported_and_the_others_still_synchronize() {
    let run = run(SyncTest::new().strict(), store().with_flaky_folder("Inbox"));
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=3, 3)
            .progress(0..=0, 0)
            .progress(1..=2, 4) // half of Inbox, then the connection drops
            .error(HResult::MAPI_E_NETWORK_ERROR)
            .progress(0..=0, 0)
            .progress(1..=2, 2) // Sent Items all the same
            .progress(0..=0, 0)
            .done(HResult::MAPI_W_PARTIAL_COMPLETION),
    );
    let error = run
        .records()
        .into_iter()
        .find_map(|r| match r.call {
            Call::Error { text, .. } => Some(text.expect("the error has text").lossy()),
            _ => None,
        })
        .unwrap();
    assert!(error.starts_with("Inbox: "), "{error}");
    assert!(error.contains("after message 2 of 4"), "{error}");
    assert_eq!(
        run.report().final_status(),
        Some(HResult::MAPI_W_PARTIAL_COMPLETION)
    );
}

#[test]
fn a_flaky_folder_too_small_to_halve_fails_when_opened() {
    let store =
        FakeImapStore::new([Folder::new("One", 1), Folder::new("Two", 2)]).with_flaky_folder("One");
    let run = run(SyncTest::new().flags(SyncFlags::DOWNLOAD_CONTENTS), store);
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(0..=0, 0)
            .error(HResult::MAPI_E_NETWORK_ERROR)
            .progress(0..=0, 0)
            .progress(1..=2, 2)
            .done(HResult::MAPI_W_PARTIAL_COMPLETION),
    );
}

#[test]
fn listing_the_hierarchy_never_fails() {
    let store = store().with_flaky_folder("Inbox");
    let run = run(SyncTest::new().flags(SyncFlags::DOWNLOAD_HIERARCHY), store);
    run.assert_calls(&Expect::new().progress(1..=3, 3).done(HResult::S_OK));
}

#[test]
fn a_folder_name_nobody_has_makes_nothing_fail() {
    let store = store().with_flaky_folder("Nope");
    assert!(store.folder("Nope").is_none());
    let run = run(SyncTest::new(), store);
    assert_eq!(run.report().final_status(), Some(HResult::S_OK));
}

#[test]
fn cancel_at_the_third_progress_stops_there() {
    let run = run(
        SyncTest::new()
            .strict()
            .script(Script::new().cancel_progress_from(3)),
        store(),
    );
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=3, 3)
            .done(HResult::MAPI_E_USER_CANCEL),
    );
}

#[test]
fn cancel_in_the_middle_of_a_folder_stops_there() {
    // Progress #9 is Inbox's message 2: hierarchy (6), opening Inbox, message 1, message 2.
    let run = run(
        SyncTest::new().script(Script::new().cancel_progress_from(9)),
        FakeImapStore::demo(6).with_flaky_folder("Archive"),
    );
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(1..=6, 6)
            .progress(0..=0, 0)
            .progress(1..=2, 40)
            .done(HResult::MAPI_E_USER_CANCEL),
    );
    let records = run.records();
    let cancelled = records
        .iter()
        .position(|r| r.answer == HResult::MAPI_E_USER_CANCEL)
        .unwrap();
    assert_eq!(records.len(), cancelled + 2, "only Done after the Cancel");
}

#[test]
fn a_refused_error_ends_the_work_with_the_hosts_answer() {
    let run = run(
        SyncTest::new()
            .flags(SyncFlags::DOWNLOAD_CONTENTS)
            .script(Script::new().answer(Slot::Error, .., HResult::E_ABORT)),
        store().with_flaky_folder("Sent Items"),
    );
    run.assert_protocol();
    run.assert_calls(
        &Expect::new()
            .progress(0..=0, 0)
            .progress(1..=4, 4)
            .progress(0..=0, 0)
            .progress(1..=1, 2)
            .error(HResult::MAPI_E_NETWORK_ERROR)
            .done(HResult::E_ABORT),
    );
}

#[test]
fn strict_mode_passes_even_when_neighbouring_folders_have_equal_counts() {
    // Same counts next to each other, and a first folder as big as the hierarchy: without the
    // 0/0 step when a folder opens, the index would go back under the same maximum.
    let store = FakeImapStore::new([
        Folder::new("A", 3),
        Folder::new("B", 3),
        Folder::new("C", 3),
        Folder::new("D", 0),
        Folder::new("E", 0),
    ])
    .with_flaky_folder("B");
    for script in [Script::new(), Script::new().cancel_progress_from(9)] {
        let run = run(SyncTest::new().strict().script(script), store.clone());
        run.assert_protocol();
    }
    // Under Miri the 20-folder account (400+ calls) outlasts the host's 30 s on Miri's clock.
    let accounts: &[usize] = if cfg!(miri) {
        &[0, 1, 6]
    } else {
        &[0, 1, 6, 20]
    };
    for &folders in accounts {
        run(SyncTest::new().strict(), FakeImapStore::demo(folders)).assert_protocol();
    }
}

#[test]
fn the_demo_account_has_distinct_folders_of_varying_sizes() {
    let demo = FakeImapStore::demo(6);
    let names: Vec<&str> = demo.folders().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Inbox",
            "Sent Items",
            "Drafts",
            "Archive",
            "Junk Email",
            "Deleted Items"
        ]
    );
    assert_eq!(demo.total_messages(), 137);
    assert!(demo.delay().is_zero());
    assert_eq!(demo.flaky_folder(), None);

    let big = FakeImapStore::demo(40);
    let mut names: Vec<&str> = big.folders().iter().map(|f| f.name.as_str()).collect();
    assert!(names[6..].iter().all(|n| n.starts_with("Projects/")));
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 40, "folder names are distinct");
    assert!(FakeImapStore::demo(0).folders().is_empty());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "hundreds of host runs: beyond Miri's pace (tests/kit/explore.rs says more)"
)]
fn the_provider_passes_an_exploration_of_every_host_behaviour() {
    // Cancel at each step, Cancel and a failure at the Error, a failure at Done, then 200 random
    // scripts: the protocol (strict), the host's view and the references all hold under each.
    let store = store().with_flaky_folder("Inbox");
    let exploration = Explore::new()
        .strict()
        .cases(200)
        .run(|| MapiSync::new(store.clone()));
    exploration.assert_passed();
    // The plain run, 10 Progress, Cancel and E_FAIL to the Error, Done, then the random cases
    // (200, or as many as MAPISYNC_EXPLORE_CASES says).
    assert_eq!(
        exploration.scenarios(),
        1 + 10 + 2 + 1 + exploration.cases() as usize
    );
}
