//! `mapisync_exploration_*`: what an exploration found, with each failing script printed as the
//! C calls that replay it on a recorder.

use core::ffi::{c_char, c_int};
use core::fmt::Write as _;
use core::ptr;
use std::ffi::CString;

use super::boundary::{boundary, free_boxed};
use super::finding::c_string;
use super::run::Run;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use crate::testing::{Exploration, Script};

/// `mapisync_exploration`.
pub struct CExploration {
    scenarios: usize,
    seed: u64,
    /// Each failure's script as C, and its run; smallest first.
    failures: Vec<(CString, Run)>,
    report: CString,
}

impl CExploration {
    /// The C view of `exploration`, which went on after its first failure when `all_failures`.
    pub(super) fn new(exploration: &Exploration, all_failures: bool) -> CExploration {
        let failures: Vec<(CString, Run)> = exploration
            .failures()
            .iter()
            .map(|f| (c_string(&c_script(&f.script)), Run::explored(f)))
            .collect();
        let mut report = summary(exploration, all_failures);
        for (i, (script, run)) in failures.iter().enumerate() {
            let _ = write!(
                report,
                "\nfailing script {} of {}, as C on a mapisync_recorder *recorder:\n",
                i + 1,
                failures.len()
            );
            for line in script.to_string_lossy().lines() {
                let _ = writeln!(report, "    {line}");
            }
            let _ = write!(report, "{}", run.report().to_string_lossy());
        }
        CExploration {
            scenarios: exploration.scenarios(),
            seed: exploration.seed(),
            failures,
            report: c_string(&report),
        }
    }
}

/// The report's first lines: `exploration: 57 scenarios in 12.3ms (seed 0, deadline 1.5s), all
/// passed`, and when a script failed how to explore again with the same seed.
fn summary(exploration: &Exploration, all_failures: bool) -> String {
    let mut text = format!(
        "exploration: {} scenarios in {:.1?} (seed {}, deadline {:?}), ",
        exploration.scenarios(),
        exploration.elapsed(),
        exploration.seed(),
        exploration.deadline()
    );
    let failures = exploration.failures().len();
    match failures {
        0 => text.push_str("all passed\n"),
        1 => text.push_str("1 failing script"),
        n => text.push_str(&format!("{n} failing scripts")),
    }
    if failures > 0 {
        if !all_failures {
            text.push_str(" (stopped at the first; all_failures = 1 collects every one)");
        }
        let _ = writeln!(
            text,
            "\nMAPISYNC_EXPLORE_SEED={} in the environment explores with the same seed again",
            exploration.seed()
        );
    }
    text
}

/// `script` as the C calls that set it up on a `mapisync_recorder *` named `recorder`, one a
/// line; a comment for the empty script.
pub(super) fn c_script(script: &Script) -> String {
    if script.rules().is_empty() {
        return "/* no rule: every call answered S_OK */".to_owned();
    }
    let mut code = String::new();
    for rule in script.rules() {
        let (first, last) = (rule.calls.first, rule.calls.last);
        if rule.slot == Slot::Progress
            && rule.answer == HResult::MAPI_E_USER_CANCEL
            && last == u64::MAX
        {
            let _ = writeln!(
                code,
                "mapisync_recorder_cancel_progress_from(recorder, {first});"
            );
            continue;
        }
        let slot = match rule.slot {
            Slot::Progress => "MAPISYNC_SLOT_PROGRESS",
            Slot::Error => "MAPISYNC_SLOT_ERROR",
            Slot::Done => "MAPISYNC_SLOT_DONE",
        };
        let last = if last == u64::MAX {
            "UINT64_MAX".to_owned()
        } else {
            last.to_string()
        };
        let answer = rule.answer.name().map_or_else(
            || format!("(HRESULT)0x{:08X}UL", rule.answer.0 as u32),
            str::to_owned,
        );
        let _ = writeln!(
            code,
            "mapisync_recorder_answer(recorder, {slot}, {first}, {last}, {answer});"
        );
    }
    code.pop();
    code
}

/// Runs `f` on the live exploration `x`, or answers `none` for NULL (or a panic).
///
/// # Safety
///
/// `x` is null or a live exploration.
unsafe fn with<T: Copy>(x: *const CExploration, none: T, f: impl FnOnce(&CExploration) -> T) -> T {
    // SAFETY: null or live, by the caller's guarantee.
    boundary(none, || unsafe { x.as_ref() }.map_or(none, f))
}

/// What `f` makes of the `i`th failure (its C script and its run); NULL for a null `x` or `i` past
/// the count.
///
/// # Safety
///
/// `x` is null or a live exploration.
unsafe fn with_failure<T>(
    x: *const CExploration,
    i: usize,
    f: impl FnOnce(&(CString, Run)) -> *const T,
) -> *const T {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, ptr::null(), |x| x.failures.get(i).map_or(ptr::null(), f)) }
}

/// Nonzero when no scenario failed; 0 for NULL.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_passed(x: *const CExploration) -> c_int {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, 0, |x| c_int::from(x.failures.is_empty())) }
}

/// How many scenarios ran (shrinking runs not counted); 0 for NULL.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_scenarios(x: *const CExploration) -> usize {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, 0, |x| x.scenarios) }
}

/// The seed the random scripts were drawn from; 0 for NULL.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_seed(x: *const CExploration) -> u64 {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, 0, |x| x.seed) }
}

/// How many failing scripts the exploration found; 0 for NULL.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_failure_count(x: *const CExploration) -> usize {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, 0, |x| x.failures.len()) }
}

/// The `i`th failure's smallest script as the C calls that set it up on a recorder named
/// `recorder`, UTF-8 owned by the exploration; NULL for NULL or `i` past the count.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_failure_script(
    x: *const CExploration,
    i: usize,
) -> *const c_char {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with_failure(x, i, |(script, _)| script.as_ptr()) }
}

/// The `i`th failure's run (findings, report, statuses), owned by the exploration; NULL for NULL
/// or `i` past the count.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_failure_run(
    x: *const CExploration,
    i: usize,
) -> *const Run {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with_failure(x, i, |(_, run)| ptr::from_ref(run)) }
}

/// The summary, then each failure: its script as C, its findings and its call log. UTF-8 owned
/// by the exploration; NULL for NULL.
///
/// # Safety
///
/// `x` is null or a live exploration.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_report(x: *const CExploration) -> *const c_char {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { with(x, ptr::null(), |x| x.report.as_ptr()) }
}

/// Frees the exploration, its runs and its strings. NULL is a no-op.
///
/// # Safety
///
/// `x` is null or was made by `mapisync_explore` and is not used after this call.
#[no_mangle]
pub unsafe extern "C" fn mapisync_exploration_free(x: *mut CExploration) {
    // SAFETY: made by `Box::into_raw` in `mapisync_explore`, and given back once, by the
    // caller's guarantee.
    unsafe { free_boxed(x) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_print_as_the_c_calls_on_a_recorder() {
        assert_eq!(
            c_script(&Script::new()),
            "/* no rule: every call answered S_OK */"
        );
        let script = Script::new()
            .cancel_progress_from(7)
            .answer(Slot::Error, 1..=1, HResult::E_FAIL)
            .answer(Slot::Done, 2.., HResult::MAPI_E_NETWORK_ERROR)
            .answer(Slot::Progress, 1..=3, HResult(0x8004_9999_u32 as i32));
        assert_eq!(
            c_script(&script),
            "mapisync_recorder_cancel_progress_from(recorder, 7);\n\
             mapisync_recorder_answer(recorder, MAPISYNC_SLOT_ERROR, 1, 1, E_FAIL);\n\
             mapisync_recorder_answer(recorder, MAPISYNC_SLOT_DONE, 2, UINT64_MAX, \
             MAPI_E_NETWORK_ERROR);\n\
             mapisync_recorder_answer(recorder, MAPISYNC_SLOT_PROGRESS, 1, 3, \
             (HRESULT)0x80049999UL);"
        );
    }
}
