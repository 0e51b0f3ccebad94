//! Where a `SimulatedHost` calls `SynchronizeInBackground`: on a thread of its own, so that a
//! start that never returns costs the host its wait and no more.
//!
//! The threads are kept and reused: a run hands its call to an idle one (and spawns one only when
//! none is idle), so a run allocates nothing here. A thread whose call the host gave up on is not
//! idle until the call returns, if it ever does.
//!
//! What the hung call still uses stays valid for as long as it runs, on purpose: its `MAPISIB`
//! and the done event's slot are on that thread's stack, and the references it was given (the
//! store, the session) and the host's watcher in front of the callback (with the spares that keep
//! it alive whatever the provider releases) are that thread's too, given back only once the call
//! has returned. A call that never returns keeps them for the life of the process:
//! a deliberate leak, never a free under a live call. A call that returns after the host gave up
//! has its handle left open (nobody is waiting for that event any more).
//!
//! Under Miri, which fails a program that ends with threads still running (the idle starters
//! wait for ever), the call is made on the host's own thread, and a hang stalls the test.

use core::mem;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::sync_flags::SyncFlags;
use crate::core::unwind::catch;
use crate::host::event::Event;
use crate::host::watcher::Watched;
use crate::interfaces::sync::MapiSync;
use crate::interfaces::unknown::Unknown;

/// One `SynchronizeInBackground` to make: the references the call is given, the thread's own.
pub(crate) struct StartCall {
    pub(crate) store: MapiSync,
    pub(crate) flags: SyncFlags,
    pub(crate) session: Option<Unknown>,
}

/// A call handed to a starter thread, with its share of the host's watcher: the watcher lives
/// as long as the call, even one the host gave up on. (A share, not a COM reference: it never
/// counts as one of the provider's.)
struct Job {
    call: StartCall,
    watched: Arc<Watched>,
}

impl Job {
    /// Makes the call. A panic on the way (the store's own code reports one as a failure
    /// HRESULT; this is the kit's side) is a failed start, never a starter thread that dies
    /// without an answer, which the host would take for a hung start.
    fn run(&self) -> Result<Handle> {
        let call = &self.call;
        catch("SynchronizeInBackground", || {
            call.store.synchronize_in_background(
                call.flags,
                call.session.as_ref(),
                self.watched.callback(),
            )
        })
        .and_then(|result| result)
    }
}

/// How the call went, as the host learns it.
pub(crate) enum Started {
    /// It returned at `at`, with `result`; `event` is the host's own reference to the done event,
    /// taken on the calling thread as soon as the call returned (before the provider could close
    /// the handle), if the handle named an open event.
    Returned {
        result: Result<Handle>,
        at: Instant,
        event: Option<Event>,
    },
    /// It had not returned by the deadline: the host goes on without it.
    Hung,
}

/// What one starter thread is doing.
enum Doing {
    Idle,
    /// A call handed over.
    Asked(Job),
    Running,
    Returned(Started),
    /// The host stopped waiting for the running call.
    Abandoned,
}

/// One starter thread's mailbox.
struct Starter {
    state: Mutex<Doing>,
    changed: Condvar,
}

/// The idle starter threads.
static IDLE: Mutex<Vec<Arc<Starter>>> = Mutex::new(Vec::new());

/// Calls `SynchronizeInBackground` as `call` says, with `watched`'s watcher as the callback, on a
/// starter thread, and waits for it to return until `deadline` (`None`: for ever). The watcher's
/// notes receive the host's reference to the done event. Where no thread can be started, the
/// call is made here, and cannot be given up on.
pub(crate) fn start(call: StartCall, watched: &Arc<Watched>, deadline: Option<Instant>) -> Started {
    let job = Job {
        call,
        watched: Arc::clone(watched),
    };
    if cfg!(miri) {
        return call_here(job);
    }
    let idle = IDLE.lock().pop();
    let starter = match idle {
        Some(starter) => starter,
        None => match spawn() {
            Some(starter) => starter,
            None => return call_here(job),
        },
    };
    let mut state = starter.state.lock();
    *state = Doing::Asked(job);
    starter.changed.notify_all();
    loop {
        match mem::replace(&mut *state, Doing::Running) {
            Doing::Returned(started) => {
                *state = Doing::Idle;
                drop(state);
                IDLE.lock().push(starter);
                return started;
            }
            other => *state = other,
        }
        let timed_out = match deadline {
            Some(deadline) => starter.changed.wait_until(&mut state, deadline).timed_out(),
            None => {
                starter.changed.wait(&mut state);
                false
            }
        };
        if timed_out {
            match &*state {
                Doing::Returned(_) => {}
                Doing::Asked(_) => {
                    // Never taken up: the thread is idle again, and the call never began.
                    *state = Doing::Idle;
                    drop(state);
                    IDLE.lock().push(starter);
                    return Started::Hung;
                }
                _ => {
                    // The thread keeps its own `Arc` and the call's references until the call
                    // returns.
                    *state = Doing::Abandoned;
                    return Started::Hung;
                }
            }
        }
    }
}

/// The call made on the host's own thread.
fn call_here(job: Job) -> Started {
    let result = job.run();
    let at = Instant::now();
    let event = result
        .as_ref()
        .ok()
        .and_then(|&h| job.watched.watch().event_for(h));
    Started::Returned { result, at, event }
}

/// A new starter thread, waiting for its first call; `None` if no thread can be started.
fn spawn() -> Option<Arc<Starter>> {
    let starter = Arc::new(Starter {
        state: Mutex::new(Doing::Idle),
        changed: Condvar::new(),
    });
    let theirs = Arc::clone(&starter);
    std::thread::Builder::new()
        .name("mapisync-host-start".into())
        .spawn(move || serve(theirs))
        .ok()?;
    Some(starter)
}

/// A starter thread's life: each call handed over is made, and its outcome handed back.
fn serve(starter: Arc<Starter>) {
    loop {
        let mut state = starter.state.lock();
        let job = loop {
            match mem::replace(&mut *state, Doing::Running) {
                Doing::Asked(job) => break job,
                other => *state = other,
            }
            starter.changed.wait(&mut state);
        };
        drop(state);
        let result = job.run();
        let at = Instant::now();
        let mut state = starter.state.lock();
        if matches!(*state, Doing::Abandoned) {
            // Too late: the host has gone on. The call's references, and the watcher, go back
            // only now that it has returned; the handle is nobody's to close any more, and is
            // left open.
            drop(job);
            *state = Doing::Idle;
            drop(state);
            IDLE.lock().push(Arc::clone(&starter));
            continue;
        }
        // Under the lock: the host, which gives up only under it, is still waiting in `start`.
        let event = result
            .as_ref()
            .ok()
            .and_then(|&h| job.watched.watch().event_for(h));
        // The references go back before the host hears of the return, so that they never
        // count as the provider's.
        drop(job);
        *state = Doing::Returned(Started::Returned { result, at, event });
        starter.changed.notify_all();
    }
}
