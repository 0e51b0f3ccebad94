//! `--html FILE`: one self-contained page (no network): the summary, then for each failure its
//! script as C and as Rust, its findings with their codes linked to the catalog, its call log and
//! the timeline picture of its replay (`SyncRun::timeline_svg`).

use crate::options::Settings;
use crate::outcome::{Failure, Outcome};

/// The catalog the finding codes link to: the repository of the crate, docs/findings.md.
const FINDINGS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/findings.md");

/// The page.
pub fn page(library: &str, outcome: &Outcome, settings: &Settings) -> String {
    let verdict = if outcome.passed() {
        "<p class=\"pass\">Passed: every scenario kept the protocol and released everything.</p>"
            .to_owned()
    } else {
        format!(
            "<p class=\"fail\">Failed: {} failing script(s){}.</p>",
            outcome.found,
            if outcome.failures.len() < outcome.found {
                ", the smallest shown (--all-failures shows all)"
            } else {
                ""
            }
        )
    };
    let mut body = format!(
        "<h1>mapisync-check</h1>\n<table class=\"summary\">\
         <tr><th>library</th><td><code>{}</code></td></tr>\
         <tr><th>flags</th><td>{}{}</td></tr>\
         <tr><th>scenarios</th><td>{} in {:.2} s, seed {}</td></tr>\
         <tr><th>crashes</th><td>{}</td></tr></table>\n{verdict}\n",
        esc(library),
        esc(&settings.flags.to_string()),
        if settings.strict { ", strict" } else { "" },
        outcome.scenarios,
        outcome.elapsed.as_secs_f64(),
        outcome.seed,
        outcome.crashes,
    );
    for (i, failure) in outcome.failures.iter().enumerate() {
        body.push_str(&section(i + 1, failure, settings));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>mapisync-check: {}</title><style>{STYLE}</style></head>\n<body>\n{body}</body></html>\n",
        esc(library)
    )
}

/// The inline style sheet.
const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:70em;color:#1a202c}\
    code,pre{font-family:monospace;font-size:.9em}pre{background:#f7fafc;border:1px solid #e2e8f0;\
    padding:.6em;overflow-x:auto}.pass{color:#2f855a;font-weight:bold}.fail{color:#c53030;\
    font-weight:bold}table.summary th{text-align:left;padding-right:1em}section{border-top:2px \
    solid #e2e8f0;margin-top:1.5em}.finding{margin:.3em 0}.code{font-weight:bold}\
    .timeline svg{max-width:100%;height:auto}";

/// One failure's section.
fn section(n: usize, failure: &Failure, settings: &Settings) -> String {
    let mut findings = String::new();
    for finding in &failure.findings {
        // The text names its code (`error[code] at #3: ...`): the code is the link.
        let link = format!(
            "<a class=\"code\" href=\"{FINDINGS}#{}\">{}</a>",
            esc(&finding.code),
            esc(&finding.code)
        );
        let text = esc(&finding.text);
        let bracketed = format!("[{}]", esc(&finding.code));
        let text = match text.split_once(&bracketed) {
            Some((severity, rest)) => format!("{severity}[{link}]{rest}"),
            None => format!("{link} {text}"),
        };
        findings.push_str(&format!("<li class=\"finding\">{text}</li>"));
    }
    let timeline = match &failure.timeline {
        // The picture is the tool's own SVG, made from the replay's records.
        Some(svg) => format!("<div class=\"timeline\">{svg}</div>"),
        None => {
            "<p>No timeline: the scenario was not replayed (the process crashed).</p>".to_owned()
        }
    };
    format!(
        "<section id=\"failure-{n}\"><h2>Failure {n}: {}</h2>\
         <h3>Script (Rust)</h3><pre>{}\n\n{}</pre>\
         <h3>Script (C)</h3><pre>{}</pre>\
         <h3>Findings</h3><ul>{findings}</ul>\
         <h3>Timeline</h3>{timeline}\
         <h3>Call log</h3><pre>{}</pre></section>\n",
        esc(failure.class.name()),
        esc(&failure.script),
        esc(&failure.replay),
        esc(&script_as_c(&failure.script, settings)),
        esc(&failure.call_log),
    )
}

/// The script, printed as Rust (`Script::new().cancel_progress_from(2)`), as the C test kit's
/// calls that build and run it.
pub fn script_as_c(rust: &str, settings: &Settings) -> String {
    let mut lines = vec![
        "mapisync_recorder *recorder = NULL;".to_owned(),
        "mapisync_recorder_new(&recorder);".to_owned(),
    ];
    let Some(body) = rust.strip_prefix("Script::new()") else {
        return format!("/* {rust} */");
    };
    for call in body
        .split(").")
        .map(|c| c.trim_start_matches('.').trim_end_matches(')'))
    {
        if call.is_empty() {
            continue;
        }
        if let Some(n) = call.strip_prefix("cancel_progress_from(") {
            lines.push(format!(
                "mapisync_recorder_cancel_progress_from(recorder, {n});"
            ));
        } else if let Some(args) = call.strip_prefix("answer(") {
            let parts: Vec<&str> = args.split(", ").collect();
            let [slot, range, answer] = parts[..] else {
                lines.push(format!("/* {call} */"));
                continue;
            };
            let slot = slot.trim_start_matches("Slot::").to_uppercase();
            let (first, last) = match range.split_once("..=") {
                Some((a, b)) => (a.to_owned(), b.to_owned()),
                None => match range.split_once("..") {
                    Some((a, "")) => (a.to_owned(), "UINT64_MAX".to_owned()),
                    Some((a, b)) => (a.to_owned(), format!("{b} - 1")),
                    None => (range.to_owned(), range.to_owned()),
                },
            };
            let answer = answer.trim_start_matches("HResult::");
            let answer = answer
                .strip_prefix("HResult(")
                .map_or(answer, |a| a.trim_end_matches(')'));
            lines.push(format!(
                "mapisync_recorder_answer(recorder, MAPISYNC_SLOT_{slot}, {first}, {last}, {answer});"
            ));
        } else {
            lines.push(format!("/* {call} */"));
        }
    }
    lines.push("mapisync_run *run = NULL;".to_owned());
    lines.push(format!(
        "mapisync_sync_test(store, {:#x}, recorder, {}, &run);",
        settings.flags.bits(),
        settings.timeout_ms
    ));
    lines.push(format!(
        "assert(mapisync_run_passed(run, {}));",
        u8::from(settings.strict)
    ));
    lines.join("\n")
}

/// Text as HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Settings;
    use mapisync::SyncFlags;

    fn settings() -> Settings {
        Settings {
            flags: SyncFlags::DOWNLOAD_CONTENTS,
            strict: true,
            cases: 0,
            seed: 0,
            timeout_ms: 500,
            jobs: 1,
            all_failures: false,
        }
    }

    #[test]
    fn codes_link_to_the_catalog_and_text_is_escaped() {
        use crate::outcome::{Class, Failure, FindingLine};
        let failure = Failure {
            class: Class::CancelAtProgress,
            script: "Script::new().cancel_progress_from(1)".into(),
            replay: "SyncTest::new()".into(),
            findings: vec![FindingLine {
                code: "progress_after_cancel".into(),
                text: "error[progress_after_cancel] at #1: <Progress> & more".into(),
            }],
            call_log: "call log (1 calls):".into(),
            timeline: Some("<svg></svg>".into()),
            crashed: false,
        };
        let html = section(1, &failure, &settings());
        assert!(html.contains(
            "href=\"https://github.com/mapisync/mapisync/blob/main/docs/findings.md#progress_after_cancel\""
        ), "{html}");
        assert!(html.contains("&lt;Progress&gt; &amp; more"), "{html}");
        // The code in the finding's text is the link, once.
        assert!(
            html.contains("error[<a class=\"code\" href=\"https://github.com/mapisync/mapisync/blob/main/docs/findings.md#progress_after_cancel\">progress_after_cancel</a>] at #1:"),
            "{html}"
        );
        assert_eq!(html.matches(">progress_after_cancel<").count(), 1, "{html}");
        assert!(html.contains("<svg></svg>"), "{html}");
    }

    #[test]
    fn scripts_print_as_the_c_kits_calls() {
        let settings = settings();
        let c = script_as_c(
            "Script::new().cancel_progress_from(7).answer(Slot::Error, 1..=1, HResult::E_FAIL)\
             .answer(Slot::Done, 2.., HResult::E_ABORT)",
            &settings,
        );
        assert!(
            c.contains("mapisync_recorder_cancel_progress_from(recorder, 7);"),
            "{c}"
        );
        assert!(
            c.contains("mapisync_recorder_answer(recorder, MAPISYNC_SLOT_ERROR, 1, 1, E_FAIL);"),
            "{c}"
        );
        assert!(
            c.contains("MAPISYNC_SLOT_DONE, 2, UINT64_MAX, E_ABORT);"),
            "{c}"
        );
        assert!(
            c.contains("mapisync_sync_test(store, 0x80, recorder, 500, &run);"),
            "{c}"
        );
        assert!(c.contains("mapisync_run_passed(run, 1)"), "{c}");
    }
}
