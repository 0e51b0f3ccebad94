//! `--junit FILE`: the check as a CI dashboard reads it. One `<testsuite>` for the library, one
//! `<testcase>` per scenario class; a class with failures has a `<failure>` whose message names
//! the (first) failing script and whose text holds every failure of the class reported: its
//! script, its replay, its findings with their codes, its call log.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::options::Settings;
use crate::outcome::{Class, Failure, Outcome};

/// The JUnit XML of a check of `library`.
pub fn report(library: &str, outcome: &Outcome, settings: &Settings) -> Result<String, String> {
    let mut report = Report::new("mapisync-check");
    // The library's file name, for the dashboards that group test cases by class name.
    let name = std::path::Path::new(library)
        .file_name()
        .map_or(library.into(), |n| n.to_string_lossy());
    let mut suite = TestSuite::new(library);
    suite.set_time(outcome.elapsed);
    suite.add_property(("flags", settings.flags.to_string().as_str()));
    suite.add_property(("seed", outcome.seed.to_string().as_str()));
    suite.add_property(("scenarios", outcome.scenarios.to_string().as_str()));
    for class in Class::ALL {
        let failures: Vec<&Failure> = outcome
            .failures
            .iter()
            .filter(|f| f.class == class)
            .collect();
        let status = match failures.first() {
            None => TestCaseStatus::success(),
            Some(first) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let codes: Vec<&str> = first
                    .findings
                    .iter()
                    .filter_map(|f| f.code.as_deref())
                    .collect();
                status.set_message(format!(
                    "{} failing script(s); {}{}",
                    failures.len(),
                    first.script,
                    if codes.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", codes.join(", "))
                    }
                ));
                status.set_type(if first.crashed { "crash" } else { "protocol" });
                let text: Vec<String> = failures.iter().map(|f| block(f)).collect();
                status.set_description(text.join("\n"));
                status
            }
        };
        let mut case = TestCase::new(class.name(), status);
        case.set_classname(format!("mapisync-check.{name}"));
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report
        .to_string()
        .map_err(|e| format!("cannot write the JUnit report: {e}"))
}

/// One failure as text.
fn block(failure: &Failure) -> String {
    let mut text = format!(
        "script: {}\nreplay: {}\nfindings:\n",
        failure.script, failure.replay
    );
    for finding in &failure.findings {
        text.push_str(&format!("  {}\n", finding.text));
    }
    text.push_str(&failure.call_log);
    text.push('\n');
    text
}
