//! What a check found, as the worker sends it to the supervising process and as every report
//! reads it: the scenario classes, the failures, the run's totals.

use std::time::Duration;

use mapisync::testing::{CatalogEntry, Script};
use mapisync::{HResult, Slot};

/// The classes of scenarios `Explore` runs, in its order: one JUnit `<testcase>` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Plain,
    CancelAtProgress,
    ErrorAnswers,
    DoneAnswer,
    Random,
}

impl Class {
    /// Every class, in the order scenarios run.
    pub const ALL: [Class; 5] = [
        Class::Plain,
        Class::CancelAtProgress,
        Class::ErrorAnswers,
        Class::DoneAnswer,
        Class::Random,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::Plain => "plain run",
            Class::CancelAtProgress => "cancel at progress",
            Class::ErrorAnswers => "error answers",
            Class::DoneAnswer => "done answer",
            Class::Random => "random",
        }
    }

    /// The class a script, as printed, belongs to: the shapes the systematic pass writes, and
    /// everything else random.
    pub fn of(script: &str) -> Class {
        let number = |rest: &str, prefix: &str, suffix: &str| -> Option<u64> {
            rest.strip_prefix(prefix)?
                .strip_suffix(suffix)?
                .parse()
                .ok()
        };
        if script == Script::new().to_string() {
            return Class::Plain;
        }
        if script == done_script().to_string() {
            return Class::DoneAnswer;
        }
        let body = script.strip_prefix("Script::new()").unwrap_or("");
        if let Some(n) = number(body, ".cancel_progress_from(", ")") {
            if script == Script::new().cancel_progress_from(n).to_string() {
                return Class::CancelAtProgress;
            }
        }
        if let Some(n) = body
            .strip_prefix(".answer(Slot::Error, ")
            .and_then(|r| r.split_once("..=").map(|(n, _)| n))
            .and_then(|n| n.parse().ok())
        {
            if script == error_script(n).to_string() {
                return Class::ErrorAnswers;
            }
        }
        Class::Random
    }

    /// From [`Class::name`].
    pub fn from_name(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// `E_FAIL` to the nth `Error`, as the systematic pass writes it.
pub fn error_script(n: u64) -> Script {
    Script::new().answer(Slot::Error, n..=n, HResult::E_FAIL)
}

/// `E_FAIL` to `Done`, as the systematic pass writes it.
pub fn done_script() -> Script {
    Script::new().answer(Slot::Done, 1..=1, HResult::E_FAIL)
}

/// One finding: its catalog code, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingLine {
    pub code: String,
    pub text: String,
}

/// A failing scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub class: Class,
    /// The script, as the Rust expression that builds it.
    pub script: String,
    /// The Rust test that replays it.
    pub replay: String,
    pub findings: Vec<FindingLine>,
    pub call_log: String,
    /// The replay's timeline picture (SVG), when the replay ran.
    pub timeline: Option<String>,
    /// True when it is the provider's crash, seen by the supervising process.
    pub crashed: bool,
}

/// The catalog entry of the provider crashing during a scenario.
pub const CRASH: CatalogEntry = CatalogEntry::ProviderCrashed;

/// The call log of a scenario the provider crashed in.
pub const CRASH_CALL_LOG: &str = "call log: lost with the process";

/// The finding of a crash, in the catalog entry's words: at scenario `at` when it is known,
/// `how` the process ended (a signal, an exception code) when it is.
pub fn crash_finding(at: Option<u64>, how: &str) -> FindingLine {
    let mut text = format!("{}[{}]", CRASH.severity(), CRASH.code());
    if let Some(k) = at {
        text.push_str(&format!(" at scenario {k}"));
    }
    text.push_str(&format!(": {}", CRASH.summary()));
    if !how.is_empty() {
        text.push_str(&format!(" ({how})"));
    }
    text.push_str(&format!("; expected: {}", CRASH.expected()));
    FindingLine {
        code: CRASH.code().to_owned(),
        text,
    }
}

/// What a check found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub scenarios: usize,
    pub elapsed: Duration,
    pub seed: u64,
    /// The failures found: every one with --all-failures, else the first (the exploration
    /// stops there).
    pub failures: Vec<Failure>,
    /// How many failures were found (with a worker that crashed in a failure's replay, some
    /// may be known only by their count).
    pub found: usize,
    /// Times the provider crashed and the worker was replaced.
    pub crashes: usize,
}

impl Outcome {
    /// True when nothing failed.
    pub fn passed(&self) -> bool {
        self.found == 0
    }
}

/// One line of the worker's protocol: a kind and fields, tab-separated, each escaped.
pub fn encode(kind: &str, fields: &[&str]) -> String {
    let mut line = String::from(kind);
    for field in fields {
        line.push('\t');
        for c in field.chars() {
            match c {
                '\\' => line.push_str("\\\\"),
                '\n' => line.push_str("\\n"),
                '\r' => line.push_str("\\r"),
                '\t' => line.push_str("\\t"),
                c => line.push(c),
            }
        }
    }
    line
}

/// The kind and fields of a line [`encode`] made.
pub fn decode(line: &str) -> (String, Vec<String>) {
    let mut parts = line.split('\t');
    let kind = parts.next().unwrap_or("").to_owned();
    let fields = parts
        .map(|field| {
            let mut out = String::new();
            let mut chars = field.chars();
            while let Some(c) = chars.next() {
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(c) => out.push(c),
                    None => out.push('\\'),
                }
            }
            out
        })
        .collect();
    (kind, fields)
}

impl Failure {
    /// As protocol fields.
    pub fn to_fields(&self) -> Vec<String> {
        let findings: Vec<String> = self
            .findings
            .iter()
            .map(|f| format!("{}\u{1f}{}", f.code, f.text))
            .collect();
        vec![
            self.class.name().to_owned(),
            self.script.clone(),
            self.replay.clone(),
            findings.join("\u{1e}"),
            self.call_log.clone(),
            u8::from(self.crashed).to_string(),
        ]
    }

    /// From protocol fields.
    pub fn from_fields(fields: &[String]) -> Option<Failure> {
        let [class, script, replay, findings, call_log, crashed] = fields else {
            return None;
        };
        let findings = findings
            .split('\u{1e}')
            .filter(|f| !f.is_empty())
            .map(|f| {
                let (code, text) = f.split_once('\u{1f}').unwrap_or(("", f));
                FindingLine {
                    code: code.to_owned(),
                    text: text.to_owned(),
                }
            })
            .collect();
        Some(Failure {
            class: Class::from_name(class)?,
            script: script.clone(),
            replay: replay.clone(),
            findings,
            call_log: call_log.clone(),
            timeline: None,
            crashed: crashed == "1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_fall_in_the_class_of_their_shape() {
        let cancel = Script::new().cancel_progress_from(3).to_string();
        assert_eq!(Class::of(&Script::new().to_string()), Class::Plain);
        assert_eq!(Class::of(&cancel), Class::CancelAtProgress);
        assert_eq!(Class::of(&error_script(2).to_string()), Class::ErrorAnswers);
        assert_eq!(Class::of(&done_script().to_string()), Class::DoneAnswer);
        let random =
            Script::new()
                .cancel_progress_from(2)
                .answer(Slot::Done, 1..=1, HResult::E_ABORT);
        assert_eq!(Class::of(&random.to_string()), Class::Random);
    }

    #[test]
    fn lines_and_failures_survive_the_protocol() {
        let failure = Failure {
            class: Class::CancelAtProgress,
            script: "Script::new().cancel_progress_from(2)".into(),
            replay: "SyncTest::new()\t.x".into(),
            findings: vec![
                FindingLine {
                    code: "progress_after_cancel".into(),
                    text: "error at #3: a\\b".into(),
                },
                crash_finding(Some(4), "signal 11, SIGSEGV"),
            ],
            call_log: "#0 Progress 1/2\n#1 Done".into(),
            timeline: None,
            crashed: true,
        };
        let fields = failure.to_fields();
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        let (kind, back) = decode(&encode("failure", &refs));
        assert_eq!(kind, "failure");
        assert_eq!(Failure::from_fields(&back), Some(failure));
    }

    #[test]
    fn the_crash_finding_is_worded_by_its_catalog_entry() {
        let line = crash_finding(Some(4), "signal 11, SIGSEGV");
        let entry = CatalogEntry::from_code(&line.code).expect("a code of the catalog");
        assert_eq!(entry, CatalogEntry::ProviderCrashed);
        assert_eq!(
            line.text,
            format!(
                "error[provider_crashed] at scenario 4: {} (signal 11, SIGSEGV); expected: {}",
                entry.summary(),
                entry.expected()
            )
        );
        let unknown = crash_finding(None, "");
        assert!(unknown
            .text
            .starts_with("error[provider_crashed]: the provider crashed"));
    }
}
