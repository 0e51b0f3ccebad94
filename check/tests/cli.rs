//! `mapisync-check` run as users run it, on the outlook-store example's shared library: passing,
//! with a planted bug, crashing, and every way the check cannot run.

mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mapisync::testing::CatalogEntry;

/// Runs the tool with `args` (and `env`), without the exploration variables of the caller's
/// environment.
fn check(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mapisync-check"));
    command
        .args(args)
        .env_remove("MAPISYNC_EXPLORE_SEED")
        .env_remove("MAPISYNC_EXPLORE_CASES");
    for (k, v) in env {
        command.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the tool runs");
    (
        status.code().expect("an exit status"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn temp(name: &str) -> PathBuf {
    let dir = fixtures::root().join("target/check-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_store_that_keeps_the_protocol_passes() {
    let good = fixtures::provider("factory");
    let (code, out, err) = check(&[path(&good), "--cases", "32", "--strict"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("every scenario kept the protocol"), "{out}");
    assert!(out.contains("Explored   "), "{out}");
    assert!(
        err.contains("Progress   "),
        "plain progress lines off a terminal: {err}"
    );
}

#[test]
fn the_planted_bug_fails_with_its_finding_and_the_reports_show_it() {
    let bug = fixtures::provider("planted-bug");
    let (junit, html) = (temp("bug.xml"), temp("bug.html"));
    let args = [path(&bug), "--junit", path(&junit), "--html", path(&html)];
    let (code, out, err) = check(&args, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("error[progress_after_cancel] at #1: Progress after the user pressed Cancel"),
        "{out}"
    );
    assert!(
        out.contains("[cancel at progress] Script::new().cancel_progress_from(1)"),
        "{out}"
    );
    assert!(
        out.contains("1 failing script(s) (the check stops at the first; --all-failures"),
        "{out}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 5, "{xml}");
    assert!(
        xml.contains("message=\"Script::new().cancel_progress_from(1) [progress_after_cancel]\""),
        "the failure's message: its script and its codes, each once: {xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains("cancel_progress_from(1)") && xml.contains("call log ("),
        "{xml}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    for part in [
        "Script (C)",
        "mapisync_recorder_cancel_progress_from(recorder, 1);",
        "Script::new().cancel_progress_from(1)",
        "<svg",
        "Call log",
    ] {
        assert!(page.contains(part), "{part} is missing from the page");
    }
    assert!(
        !page.contains("http://")
            || page.matches("http://").count()
                == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "no network resource"
    );
}

#[test]
fn a_provider_that_crashes_is_a_failure_and_the_check_goes_on() {
    let crash = fixtures::provider("planted-crash");
    let args = [
        path(&crash),
        "--cases",
        "0",
        "--timeout",
        "300",
        "--all-failures",
    ];
    let (code, out, err) = check(&args, &[]);
    assert_eq!(code, 1, "{out}{err}");
    let crash = CatalogEntry::ProviderCrashed;
    assert!(
        out.contains(&format!(
            "error[provider_crashed]: {} (signal 6, SIGABRT); expected: {}",
            crash.summary(),
            crash.expected()
        )) || cfg!(not(unix)),
        "the crash in its catalog entry's words: {out}"
    );
    // The hang at the third Cancel: a failure of its own, after the crash.
    assert!(
        out.contains("[cancel at progress] Script::new().cancel_progress_from(3)"),
        "{out}"
    );
    assert!(out.contains("did not finish within 300ms"), "{out}");
    assert!(out.contains("cancel_progress_from(2)"), "{out}");
    assert!(
        out.contains("(signal 6, SIGABRT)") || cfg!(not(unix)),
        "{out}"
    );
    assert!(out.contains("Crashes    the provider crashed"), "{out}");
    // The systematic pass went on after the crash at the second Cancel: 1 + 9 + 1 scenarios.
    let explored: usize = out
        .split("Explored   ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(explored >= 11, "{out}");
}

#[test]
fn every_way_the_check_cannot_run_says_which_with_status_2() {
    let crash = fixtures::provider("planted-crash");
    let text = temp("not-a-library.so");
    std::fs::write(&text, "#!/bin/sh\necho no\n").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["/no/such/provider.so"], "no such file"),
        (vec![path(&text)], "not a shared library"),
        (
            vec![path(&crash), "--entry", "no_such_factory"],
            "exports no symbol `no_such_factory`",
        ),
        (
            vec![path(&crash), "--entry", "mapisync_make_store_failing"],
            "failed with E_OUTOFMEMORY (0x8007000E)",
        ),
        (
            vec![path(&crash), "--entry", "mapisync_make_store_null"],
            "left *out NULL",
        ),
        (
            vec![path(&crash), "--entry", "mapisync_make_store_crashing"],
            "crashed",
        ),
        (
            vec![path(&crash), "--flags", "SYNC_DOWNLOAD_EVERYTHING"],
            "unknown flag `SYNC_DOWNLOAD_EVERYTHING`",
        ),
    ];
    for (args, says) in cases {
        let (code, out, err) = check(&args, &[]);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?} should say {says:?}: {err}");
    }
}

#[cfg(all(unix, target_arch = "x86_64"))]
#[test]
fn a_library_for_another_architecture_is_named_as_such() {
    let source = temp("tiny.c");
    std::fs::write(&source, "int tiny(void) { return 1; }\n").unwrap();
    let library = temp("tiny-i686.so");
    let built = Command::new("cc")
        .args(["-m32", "-shared", "-nostdlib", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("a C compiler");
    assert!(built.success(), "cc -m32 builds an i686 library");
    let (code, _, err) = check(&[path(&library)], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("built for x86, and this mapisync-check runs on x86_64"),
        "{err}"
    );
}

#[test]
fn the_command_line_beats_the_environment() {
    let good = fixtures::provider("factory");
    let env = [
        ("MAPISYNC_EXPLORE_SEED", "5"),
        ("MAPISYNC_EXPLORE_CASES", "0"),
    ];
    let (code, out, _) = check(&[path(&good)], &env);
    assert_eq!(code, 0);
    // Systematic alone: the plain run, Cancel at each of 9 folders, Done refused.
    assert!(
        out.contains("Explored   11 scenarios") && out.contains("seed 5"),
        "{out}"
    );
    let (code, out, _) = check(&[path(&good), "--seed", "7", "--cases", "3"], &env);
    assert_eq!(code, 0);
    assert!(
        out.contains("Explored   14 scenarios") && out.contains("seed 7"),
        "{out}"
    );
}

/// The lines from `Verdict` on: the failures.
fn verdict(out: &str) -> &str {
    out.split_once("Verdict    ").map_or("", |(_, v)| v)
}

/// What the failures are, without what timing may change (the times the host waited, a call
/// made before or after the host stopped waiting): each failing script, each finding's code and
/// record.
fn failures(out: &str) -> Vec<&str> {
    verdict(out)
        .lines()
        .map(str::trim)
        .filter_map(|line| match line.split_once(": ") {
            _ if line.starts_with('[') => Some(line),
            Some((head, _)) if head.starts_with("error[") || head.starts_with("warning[") => {
                Some(head)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn several_jobs_run_the_same_scenarios_and_find_the_same_failure() {
    let good = fixtures::provider("factory");
    let (code, out, err) = check(
        &[path(&good), "--cases", "32", "--strict", "--jobs", "3"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    // The plain run, Cancel at each of 9 folders, Done refused, 32 random scripts.
    assert!(out.contains("Explored   43 scenarios"), "{out}");
    let bug = fixtures::provider("planted-bug");
    let one = check(&[path(&bug), "--cases", "16"], &[]);
    let three = check(&[path(&bug), "--cases", "16", "--jobs", "3"], &[]);
    assert_eq!((one.0, three.0), (1, 1), "{}{}", one.1, three.1);
    assert_eq!(failures(&one.1), failures(&three.1));
    assert!(failures(&one.1).len() >= 2, "{}", one.1);
}

#[test]
fn a_crash_with_several_jobs_is_found_again_one_at_a_time_and_reads_the_same() {
    let crash = fixtures::provider("planted-crash");
    let args = |jobs| {
        let a = [
            "--cases",
            "0",
            "--timeout",
            "300",
            "--all-failures",
            "--jobs",
            jobs,
        ];
        let (code, out, err) = check(&[&[path(&crash)][..], &a].concat(), &[]);
        assert_eq!(code, 1, "{out}{err}");
        out
    };
    let (one, three) = (args("1"), args("3"));
    assert!(
        verdict(&one).contains("[cancel at progress] Script::new().cancel_progress_from(2)"),
        "{one}"
    );
    assert_eq!(failures(&one), failures(&three));
    assert!(one.contains("crashed 1 worker process(es)"), "{one}");
    // The worker running three at a time, then the one that found the crashing scenario.
    assert!(three.contains("crashed 2 worker process(es)"), "{three}");
}

#[test]
fn every_failing_script_is_a_junit_failure_of_its_own() {
    let bug = fixtures::provider("planted-bug");
    let junit = temp("all.xml");
    let args = [
        path(&bug),
        "--cases",
        "0",
        "--all-failures",
        "--junit",
        path(&junit),
    ];
    let (code, out, err) = check(&args, &[]);
    assert_eq!(code, 1, "{out}{err}");
    let found: usize = verdict(&out)
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count of failing scripts");
    assert!(found > 1, "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<failure ").count(), found, "{xml}");
    // The five classes, and a testcase for each further failing script of a class.
    let classes = [
        "plain run",
        "cancel at progress",
        "error answers",
        "done answer",
        "random",
    ];
    for class in classes {
        assert!(
            xml.contains(&format!("<testcase name=\"{class}\"")),
            "{xml}"
        );
    }
    let failed_classes = classes
        .iter()
        .filter(|c| out.contains(&format!("\n[{c}] ")))
        .count();
    assert_eq!(
        xml.matches("<testcase ").count(),
        5 + found - failed_classes,
        "{xml}"
    );
    assert!(
        xml.contains(
            "<testcase name=\"cancel at progress: Script::new().cancel_progress_from(2)\""
        ),
        "{xml}"
    );
}
