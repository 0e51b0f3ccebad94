//! `mapisync_sync_test` and `mapisync_run_*`: the kit's [`SyncTest`] driven from C, its outcome
//! kept as counts and one report.

use core::ffi::{c_char, c_int};
use core::fmt::Write as _;
use core::ptr;
use std::ffi::CString;
use std::time::Duration;

use super::boundary::{boundary, clear_out, free_boxed, hresult, required};
use super::recorder::Recorder;
use crate::abi::{IUnknown, HRESULT, ULONG};
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::interfaces::sync::MapiSync;
use crate::testing::{CatalogEntry, Finding, Severity, SyncRun, SyncTest};

/// `mapisync_run`: what one synchronization came to.
pub struct Run {
    errors: usize,
    warnings: usize,
    final_status: HResult,
    report: CString,
}

impl Run {
    /// The outcome of a run that took place.
    fn ran(run: &SyncRun) -> Run {
        let verdict = run.verdict();
        let leaks = run.left_behind();
        let report = run.report();
        let mut text = String::new();
        let mut errors = leaks.len();
        let mut warnings = 0;
        for finding in verdict.findings() {
            match finding.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            let _ = writeln!(text, "{finding}");
        }
        for leak in &leaks {
            let _ = writeln!(text, "{}", leak.to_finding());
        }
        let _ = writeln!(text, "host: {report}");
        let records = run.records();
        let calls = if records.len() == 1 { "call" } else { "calls" };
        let _ = writeln!(text, "call log ({} {calls}):", records.len());
        for record in &records {
            let _ = writeln!(text, "  {record}");
        }
        Run::new(
            errors,
            warnings,
            report.final_status().unwrap_or(HResult::E_UNEXPECTED),
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
        Run::new(1, 0, HResult::E_UNEXPECTED, text)
    }

    fn new(errors: usize, warnings: usize, final_status: HResult, text: String) -> Run {
        // The report is made before anyone asks in which mode: say what each mode concludes.
        let summary = match (errors, warnings) {
            (0, 0) => "passed",
            (0, _) => "passed leniently; a strict check fails on the warnings",
            _ => "FAILED",
        };
        let text = format!("sync test {summary}: {errors} error(s), {warnings} warning(s)\n{text}");
        // Provider text is lossy UTF-8 of NUL-free UTF-16, and nothing else here holds a NUL:
        // the replacement only keeps this total.
        let report = CString::new(text.replace('\0', "\\0")).unwrap_or_default();
        Run {
            errors,
            warnings,
            final_status,
            report,
        }
    }

    fn finding_count(&self, strict: bool) -> usize {
        self.errors + if strict { self.warnings } else { 0 }
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
        unsafe { run.as_ref() }.map_or(0, |run| run.finding_count(strict != 0))
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
