//! The outcome of a protocol check: the findings, and the call log they are about.

use std::fmt;

use super::record::Record;
use crate::host::finding::{Finding, Severity};
use crate::host::timing::count;

/// The outcome of a protocol check: the findings, and the call log they are about.
#[derive(Clone, Debug)]
pub struct Verdict {
    findings: Vec<Finding>,
    strict: bool,
    log: Vec<Record>,
}

impl Verdict {
    pub(crate) fn new(findings: Vec<Finding>, strict: bool, log: Vec<Record>) -> Verdict {
        Verdict {
            findings,
            strict,
            log,
        }
    }

    /// Keeps only the findings `keep` accepts (a finding another one, more precise, replaces).
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.findings.retain(keep);
    }

    /// Adds a finding only the caller could see (the host's, say).
    pub(crate) fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Every finding, in the order the checker met them.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// True if nothing fails the check: no error, and in strict mode no warning either.
    pub fn passed(&self) -> bool {
        Verdict::passes(&self.findings, self.strict)
    }

    /// True if none of `findings` fails a check (`strict`: warnings fail it too).
    pub(crate) fn passes(findings: &[Finding], strict: bool) -> bool {
        let bar = if strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        findings.iter().all(|f| f.severity < bar)
    }

    /// True for a strict check (warnings fail it too).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The call log the findings are about, in the order the calls arrived.
    pub fn records(&self) -> &[Record] {
        &self.log
    }

    /// The findings alone, one per line, without the call log; `no findings` when there are none.
    #[deprecated(note = "use findings() (each finding's Display) or the verdict's Display")]
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            return "no findings".to_owned();
        }
        let lines: Vec<String> = self.findings.iter().map(ToString::to_string).collect();
        lines.join("\n")
    }

    /// Panics unless the check [`passed`](Self::passed), with a message that lists each finding
    /// (what happened, where, what was expected) and the whole call log.
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.strict { "strict" } else { "lenient" };
        if self.findings.is_empty() {
            writeln!(f, "protocol check ({mode}): no findings")?;
        } else {
            writeln!(
                f,
                "protocol check ({mode}): {} finding(s)",
                self.findings.len()
            )?;
            for finding in &self.findings {
                writeln!(f, "  {finding}")?;
            }
        }
        writeln!(f, "call log ({}):", count(self.log.len(), "call"))?;
        for record in &self.log {
            writeln!(f, "  {record}")?;
        }
        Ok(())
    }
}
