//! `mapisync_sync_test` and `mapisync_run_*`: the kit's [`SyncTest`] driven from C, its outcome
//! kept as counts and one report.

use core::ffi::{c_char, c_int};
use core::fmt::Write as _;
use core::ptr;
use std::ffi::{CStr, CString};
use std::time::Duration;

use parking_lot::Mutex;

use super::boundary::{boundary, clear_out, free_boxed, hresult, required};
use super::expect::CExpect;
use super::finding::{c_string, mapisync_finding, KeptFinding};
use super::recorder::Recorder;
use crate::abi::{IUnknown, HRESULT, ULONG};
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::interfaces::sync::MapiSync;
use crate::testing::{
    Call, CatalogEntry, Expect, ExploreFailure, Finding, Record, SyncRun, SyncTest,
};

/// `mapisync_run`: what one synchronization came to.
pub struct Run {
    /// In report order: the protocol and host findings, then the leaks.
    findings: Vec<KeptFinding>,
    start_status: HResult,
    final_status: HResult,
    records: Vec<Record>,
    report: CString,
    /// Every diff `mapisync_run_matches` handed out, alive as long as the run.
    diffs: Mutex<Vec<CString>>,
}

impl Run {
    /// The outcome of a run that took place.
    fn ran(run: &SyncRun) -> Run {
        let verdict = run.verdict();
        let mut findings: Vec<Finding> = verdict.findings().to_vec();
        let mut text = String::new();
        for finding in &findings {
            let _ = writeln!(text, "{finding}");
        }
        for leak in run.left_behind() {
            let finding = leak.to_finding();
            let _ = writeln!(text, "{finding}");
            findings.push(finding);
        }
        let report = run.report();
        let _ = writeln!(text, "host: {report}");
        let records = run.records();
        let calls = if records.len() == 1 { "call" } else { "calls" };
        let _ = writeln!(text, "call log ({} {calls}):", records.len());
        for record in &records {
            let _ = writeln!(text, "  {record}");
        }
        Run::new(
            &findings,
            report.started(),
            report.final_status().unwrap_or(HResult::E_UNEXPECTED),
            records,
            text,
        )
    }

    /// A store that does not expose `IMAPISync`: one finding, no run.
    fn no_sync(hr: HResult) -> Run {
        let finding = Finding::new(
            CatalogEntry::NoSyncInterface,
            None,
            format!("the store does not expose IMAPISync (QueryInterface answered {hr})"),
        );
        let text = format!("{finding}\ncall log (0 calls):\n");
        Run::new(&[finding], hr, HResult::E_UNEXPECTED, Vec::new(), text)
    }

    /// The run of one failing scenario of an exploration: its verdict (which holds the host's
    /// findings, the leaks and the timeout among its findings) and the host's report.
    pub(super) fn explored(failure: &ExploreFailure) -> Run {
        let verdict = &failure.verdict;
        let records = verdict.records().to_vec();
        let final_status = records
            .iter()
            .find_map(|r| match r.call {
                Call::Done { hr, .. } => Some(hr),
                _ => None,
            })
            .unwrap_or(HResult::E_UNEXPECTED);
        let text = verdict.to_string();
        Run::new(
            verdict.findings(),
            failure.report().started(),
            final_status,
            records,
            text,
        )
    }

    fn new(
        findings: &[Finding],
        start_status: HResult,
        final_status: HResult,
        records: Vec<Record>,
        text: String,
    ) -> Run {
        let findings: Vec<KeptFinding> = findings.iter().map(KeptFinding::new).collect();
        let errors = findings.iter().filter(|f| f.fails(false)).count();
        let warnings = findings.len() - errors;
        // The report is made before anyone asks in which mode: say what each mode concludes.
        let summary = match (errors, warnings) {
            (0, 0) => "passed",
            (0, _) => "passed leniently; a strict check fails on the warnings",
            _ => "FAILED",
        };
        let text = format!("sync test {summary}: {errors} error(s), {warnings} warning(s)\n{text}");
        Run {
            findings,
            start_status,
            final_status,
            records,
            report: c_string(&text),
            diffs: Mutex::new(Vec::new()),
        }
    }

    /// The findings that fail the run, in report order.
    fn failing(&self, strict: bool) -> impl Iterator<Item = &KeptFinding> {
        self.findings.iter().filter(move |f| f.fails(strict))
    }

    /// The report, UTF-8 and NUL-terminated.
    pub(super) fn report(&self) -> &CStr {
        &self.report
    }

    /// The diff of `expect` against the calls, kept alive as long as the run; None when they
    /// match.
    fn mismatch(&self, expect: &Expect) -> Option<*const c_char> {
        if expect.matches(&self.records) {
            return None;
        }
        let diff = c_string(&expect.mismatch(&self.records));
        let mut diffs = self.diffs.lock();
        // The same question asked again gets the same answer, not another copy.
        if diffs.last() != Some(&diff) {
            diffs.push(diff);
        }
        diffs.last().map(|d| d.as_ptr())
    }
}

/// Runs one synchronization of `store` as Outlook would, with `recorder`'s callback, and judges
/// it. `S_OK` whenever the run took place, whatever its verdict.
///
/// # Safety
///
/// `store` is null or a live COM object (IUnknown layout, free-threaded) the caller holds a
/// reference on; `recorder` is null or a live recorder; `out` is null or valid for a
/// pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_sync_test(
    store: *mut IUnknown,
    flags: ULONG,
    recorder: *mut Recorder,
    timeout_ms: u32,
    out: *mut *mut Run,
) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        required(store)?;
        required(recorder)?;
        // SAFETY: non-null, and live by the caller's guarantee.
        let recorder = unsafe { &*recorder };
        // SAFETY: `store` is a live, free-threaded COM object the caller holds a reference on.
        let run = match unsafe { MapiSync::from_unknown(store) } {
            Err(e) => Run::no_sync(e.hresult()),
            Ok(sync) => Run::ran(
                &SyncTest::new()
                    .flags(SyncFlags::from_bits_retain(flags))
                    .timeout(Duration::from_millis(timeout_ms.into()))
                    .strict()
                    .run_recorded(&sync, &recorder.recording),
            ),
        };
        // SAFETY: checked non-null and writable above; the box passes to the caller.
        unsafe { out.write(Box::into_raw(Box::new(run))) };
        Ok(HResult::S_OK)
    })
}

/// Nonzero when nothing fails the run: no protocol or host error, no leak, and with `strict`
/// nonzero no warning either. 0 for NULL.
///
/// # Safety
///
/// `run` is null or a live run.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_passed(run: *const Run, strict: c_int) -> c_int {
    if run.is_null() {
        return 0;
    }
    // SAFETY: the caller's guarantee, passed on.
    let findings = unsafe { mapisync_run_finding_count(run, strict) };
    c_int::from(findings == 0)
}

/// The findings that fail the run: errors, and with `strict` nonzero warnings too. 0 for NULL.
///
/// # Safety
///
/// `run` is null or a live run.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_finding_count(run: *const Run, strict: c_int) -> usize {
    boundary(0, || {
        // SAFETY: null or live, by the caller's guarantee.
        unsafe { run.as_ref() }.map_or(0, |run| run.failing(strict != 0).count())
    })
}

/// The findings, the host's report and the call log, as UTF-8 owned by the run. NULL for NULL.
///
/// # Safety
///
/// `run` is null or a live run.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_report(run: *const Run) -> *const c_char {
    boundary(ptr::null(), || {
        // SAFETY: null or live, by the caller's guarantee.
        unsafe { run.as_ref() }.map_or(ptr::null(), |run| run.report.as_ptr())
    })
}

/// The HRESULT the provider passed to Done, `E_UNEXPECTED` when Done never came, `E_POINTER`
/// for NULL.
///
/// # Safety
///
/// `run` is null or a live run.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_final_status(run: *const Run) -> HRESULT {
    hresult(|| {
        required(run)?;
        // SAFETY: non-null, and live by the caller's guarantee.
        Ok(unsafe { &*run }.final_status)
    })
}

/// Frees the run. NULL is a no-op.
///
/// # Safety
///
/// `run` is null or was made by `mapisync_sync_test` and is not used after this call.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_free(run: *mut Run) {
    // SAFETY: made by `Box::into_raw` in `mapisync_sync_test`, and given back once, by the
    // caller's guarantee.
    unsafe { free_boxed(run) }
}

/// What `SynchronizeInBackground` returned (`E_NOINTERFACE`, or what QueryInterface answered,
/// when the store has no `IMAPISync`); `E_POINTER` for NULL.
///
/// # Safety
///
/// `run` is null or a live run.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_start_status(run: *const Run) -> HRESULT {
    hresult(|| {
        required(run)?;
        // SAFETY: non-null, and live by the caller's guarantee.
        Ok(unsafe { &*run }.start_status)
    })
}

/// Copies the `i`th (from 0) of the findings `mapisync_run_finding_count(run, strict)` counts,
/// in report order, into `*out`; its strings are owned by the run. `E_INVALIDARG` when `i` is
/// past the count; nothing is written on failure.
///
/// # Safety
///
/// `run` is null or a live run; `out` is null or valid for writing a finding.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_finding(
    run: *const Run,
    strict: c_int,
    i: usize,
    out: *mut mapisync_finding,
) -> HRESULT {
    hresult(|| {
        required(run)?;
        required(out)?;
        // SAFETY: non-null, and live by the caller's guarantee.
        let run = unsafe { &*run };
        let finding = run
            .failing(strict != 0)
            .nth(i)
            .ok_or(HResult::E_INVALIDARG)?;
        // SAFETY: non-null, and writable by the caller's guarantee.
        unsafe { out.write(finding.to_c()) };
        Ok(HResult::S_OK)
    })
}

/// 1 when the run's calls are exactly the expected ones; otherwise 0, and `*diff` (when `diff`
/// is not NULL) the diff `SyncRun::assert_calls` prints, owned by the run. 0 with `*diff` NULL
/// for a NULL run or expectation.
///
/// # Safety
///
/// `run` is null or a live run, `expect` null or a live expectation, `diff` null or valid for a
/// pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_run_matches(
    run: *const Run,
    expect: *const CExpect,
    diff: *mut *const c_char,
) -> c_int {
    let answer = boundary(None, || {
        // SAFETY: null or live, by the caller's guarantee.
        let (run, expect) = unsafe { (run.as_ref(), expect.as_ref()) };
        Some(
            run.zip(expect)
                .map(|(run, e)| run.mismatch(&e.inner.lock().expect)),
        )
    });
    let (matched, text) = match answer {
        Some(Some(None)) => (1, ptr::null()),
        Some(Some(Some(text))) => (0, text),
        Some(None) | None => (0, ptr::null()),
    };
    if !diff.is_null() {
        // SAFETY: non-null, and writable by the caller's guarantee.
        unsafe { diff.write(text) };
    }
    matched
}
