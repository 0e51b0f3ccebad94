//! `--junit FILE`: the check as a CI dashboard reads it. One `<testsuite>` for the library, one
//! `<testcase>` per scenario class, and one `<failure>` per failing script: the class's testcase
//! fails with its first (smallest) failing script, and each further failing script of the class
//! (`--all-failures`) is a testcase of its own, `CLASS: SCRIPT`, right after it. So a dashboard
//! lists the five classes on every run and counts each failing script once. A failure's message
//! is its script and finding codes (each once); its text, the script, the replay, the findings and the call
//! log.

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
        // The class's testcase holds its first (smallest) failure; each further one is a
        // testcase of its own, named by its script: one <failure> per failing script.
        let first = case(class.name(), failures.first().copied(), &name);
        suite.add_test_case(first);
        for failure in failures.iter().skip(1) {
            let title = format!("{}: {}", class.name(), failure.script);
            suite.add_test_case(case(&title, Some(failure), &name));
        }
    }
    report.add_test_suite(suite);
    report
        .to_string()
        .map_err(|e| format!("cannot write the JUnit report: {e}"))
}

/// The testcase `title` of the library `name`: passed, or failed with `failure`.
fn case(title: &str, failure: Option<&Failure>, name: &str) -> TestCase {
    let status = match failure {
        None => TestCaseStatus::success(),
        Some(failure) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let mut codes: Vec<&str> = Vec::new();
            for finding in &failure.findings {
                if !codes.contains(&finding.code.as_str()) {
                    codes.push(&finding.code);
                }
            }
            status.set_message(format!("{} [{}]", failure.script, codes.join(", ")));
            status.set_type(if failure.crashed { "crash" } else { "protocol" });
            status.set_description(block(failure));
            status
        }
    };
    let mut case = TestCase::new(title, status);
    case.set_classname(format!("mapisync-check.{name}"));
    case
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
