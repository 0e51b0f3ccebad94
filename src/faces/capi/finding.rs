//! `mapisync_finding`: one finding of a run as C reads it, and the copy that keeps its strings
//! alive as long as the run.

use core::ffi::{c_char, c_int};
use std::ffi::CString;

use crate::testing::{Finding, Severity};

/// `MAPISYNC_WARNING`.
const WARNING: c_int = 0;
/// `MAPISYNC_ERROR`.
const ERROR: c_int = 1;

/// `mapisync_finding`, field for field as the header declares it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct mapisync_finding {
    severity: c_int,
    code: *const c_char,
    seq: i64,
    what: *const c_char,
    expected: *const c_char,
}

/// A finding with NUL-terminated copies of its strings, owned by a run.
#[derive(Debug)]
pub(super) struct KeptFinding {
    pub(super) severity: Severity,
    code: CString,
    seq: i64,
    what: CString,
    expected: CString,
}

impl KeptFinding {
    /// The copy of `finding`.
    pub(super) fn new(finding: &Finding) -> KeptFinding {
        KeptFinding {
            severity: finding.severity,
            code: c_string(finding.code()),
            seq: finding
                .seq
                .and_then(|seq| i64::try_from(seq).ok())
                .unwrap_or(-1),
            what: c_string(&finding.what),
            expected: c_string(&finding.expected),
        }
    }

    /// The C view; its strings live as long as `self`.
    pub(super) fn to_c(&self) -> mapisync_finding {
        mapisync_finding {
            severity: match self.severity {
                Severity::Warning => WARNING,
                Severity::Error => ERROR,
            },
            code: self.code.as_ptr(),
            seq: self.seq,
            what: self.what.as_ptr(),
            expected: self.expected.as_ptr(),
        }
    }

    /// True when this finding fails a run checked leniently (`strict` false) or strictly.
    pub(super) fn fails(&self, strict: bool) -> bool {
        strict || self.severity == Severity::Error
    }
}

/// `text` as a C string: provider text is lossy UTF-8 of NUL-free UTF-16, and nothing else the
/// kit writes holds a NUL; one that did would show as `\0`.
pub(super) fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::CatalogEntry;
    use core::ffi::CStr;

    #[test]
    fn a_finding_keeps_its_strings_and_code_and_says_minus_one_for_no_record() {
        let finding = Finding::new(
            CatalogEntry::DoneNullHandle,
            None,
            "what\0happened".to_owned(),
        );
        let kept = KeptFinding::new(&finding);
        let c = kept.to_c();
        assert_eq!((c.severity, c.seq), (WARNING, -1));
        // SAFETY: the strings live as long as `kept`.
        let (code, what, expected) = unsafe {
            (
                CStr::from_ptr(c.code),
                CStr::from_ptr(c.what),
                CStr::from_ptr(c.expected),
            )
        };
        assert_eq!(code.to_str(), Ok(finding.code()));
        assert_eq!(what.to_str(), Ok("what\\0happened"));
        assert_eq!(expected.to_str(), Ok(finding.expected.as_str()));
        assert!(kept.fails(true) && !kept.fails(false));
        let error = KeptFinding::new(&Finding::new(
            CatalogEntry::ProgressAfterCancel,
            Some(5),
            "after".to_owned(),
        ));
        assert_eq!((error.to_c().severity, error.to_c().seq), (ERROR, 5));
        assert!(error.fails(false));
    }
}
