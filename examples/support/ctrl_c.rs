//! Ctrl-C as the dialog's Cancel button: [`install`] makes the first Ctrl-C press
//! [`CancelButton::ctrl_c`] instead of ending the process; a second Ctrl-C ends it as usual.
//!
//! `std` has no signal API, so this declares C's own `signal` (standard C since C89: glibc and
//! macOS's libc on Unix, the C runtime on Windows, where `SIGINT` is Ctrl-C too) rather than add
//! a dependency for one call. The handler only stores to a lock-free atomic and calls `signal`,
//! both of which are allowed in a signal handler.
#![allow(dead_code)]

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// `SIGINT`: 2 on Linux, macOS and Windows alike.
const SIGINT: c_int = 2;
/// `SIG_DFL`: the default action, as `signal` takes it (a null handler).
const SIG_DFL: usize = 0;
/// `SIG_ERR`: what `signal` returns when it fails.
const SIG_ERR: usize = usize::MAX;

extern "C" {
    /// C's `signal`: `void (*signal(int sig, void (*func)(int)))(int)`. A handler is passed and
    /// returned as a pointer-sized value, so that `SIG_DFL` (0) can be passed too.
    fn signal(sig: c_int, handler: usize) -> usize;
    /// C's `raise`: delivers `sig` to the calling process (for the tests).
    fn raise(sig: c_int) -> c_int;
}

/// Set by the first Ctrl-C after [`install`].
static CTRL_C: AtomicBool = AtomicBool::new(false);

extern "C" fn on_ctrl_c(_: c_int) {
    CTRL_C.store(true, Ordering::SeqCst);
    // SAFETY: `signal` may be called from a signal handler (it is async-signal-safe in POSIX and
    // allowed for the signal being handled by C); SIG_DFL is a valid action for SIGINT. From now
    // on Ctrl-C ends the process, for a user who wants out at once.
    unsafe { signal(SIGINT, SIG_DFL) };
}

/// Makes the next Ctrl-C press [`CancelButton::ctrl_c`]; `Err` if the C runtime refused.
pub fn install() -> Result<(), String> {
    // SAFETY: `on_ctrl_c` is an `extern "C" fn(c_int)`, the handler type `signal` expects, and
    // it lives for the whole program; it touches nothing but an atomic and `signal`.
    let previous = unsafe { signal(SIGINT, on_ctrl_c as extern "C" fn(c_int) as usize) };
    if previous == SIG_ERR {
        Err("could not install a Ctrl-C handler".to_owned())
    } else {
        Ok(())
    }
}

/// Presses Ctrl-C on the running process, as a user at the terminal would.
pub fn press_ctrl_c() {
    // SAFETY: `raise` has no precondition; with the handler installed SIGINT only sets a flag.
    let status = unsafe { raise(SIGINT) };
    assert_eq!(status, 0, "raise(SIGINT) failed");
}

/// The dialog's Cancel button. Cheap to clone: clones share the one button.
#[derive(Clone, Debug, Default)]
pub struct CancelButton(Pressed);

#[derive(Clone, Debug)]
enum Pressed {
    /// A button of its own, pressed with [`CancelButton::press`].
    Own(Arc<AtomicBool>),
    /// Ctrl-C, once [`install`]ed.
    CtrlC,
}

impl Default for Pressed {
    fn default() -> Self {
        Pressed::Own(Arc::default())
    }
}

impl CancelButton {
    /// The button that Ctrl-C presses, once [`install`] has run.
    pub fn ctrl_c() -> CancelButton {
        CancelButton(Pressed::CtrlC)
    }

    /// Presses the button.
    pub fn press(&self) {
        match &self.0 {
            Pressed::Own(flag) => flag.store(true, Ordering::SeqCst),
            Pressed::CtrlC => CTRL_C.store(true, Ordering::SeqCst),
        }
    }

    /// Whether the button has been pressed.
    pub fn pressed(&self) -> bool {
        match &self.0 {
            Pressed::Own(flag) => flag.load(Ordering::SeqCst),
            Pressed::CtrlC => CTRL_C.load(Ordering::SeqCst),
        }
    }
}

impl PartialEq for CancelButton {
    /// The same button.
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Pressed::Own(a), Pressed::Own(b)) => Arc::ptr_eq(a, b),
            (Pressed::CtrlC, Pressed::CtrlC) => true,
            _ => false,
        }
    }
}

impl Eq for CancelButton {}
