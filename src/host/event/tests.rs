use std::time::Duration;

use super::*;

#[test]
fn handles_are_distinct_and_non_null() {
    let a = Event::new(EventReset::Manual);
    let b = Event::new(EventReset::Manual);
    assert_ne!(a.handle(), b.handle());
    assert!(!a.handle().is_null());
    assert_eq!(a.handle().0 as usize % 4, 0);
    Event::close_handle(a.handle()).unwrap();
    Event::close_handle(b.handle()).unwrap();
}

#[cfg(not(windows))]
#[test]
fn emulated_handles_are_never_reused() {
    let a = Event::new(EventReset::Manual);
    Event::close_handle(a.handle()).unwrap();
    let c = Event::new(EventReset::Manual);
    assert_ne!(c.handle(), a.handle());
    Event::close_handle(c.handle()).unwrap();
}

/// Values that name no event on any target: null, and (on Windows) the pseudo-handles, which
/// `CloseHandle` would accept without closing anything.
fn never_events() -> Vec<Handle> {
    let mut values = vec![Handle::NULL, Handle(usize::MAX as *mut _)];
    if cfg!(not(windows)) {
        // Off Windows no value outside the registry is an event; on Windows a small value may be
        // any handle of the process, which a test must not close.
        values.push(Handle(12 as *mut _));
    }
    values
}

#[test]
fn unknown_and_closed_handles_are_e_handle() {
    for h in never_events() {
        let err = Event::from_handle(h).unwrap_err();
        assert_eq!(err.hresult(), HResult::E_HANDLE);
        assert!(
            err.to_string().contains("not an open event handle"),
            "{err}"
        );
        assert_eq!(
            Event::close_handle(h).unwrap_err().hresult(),
            HResult::E_HANDLE
        );
    }
    let e = Event::new(EventReset::Manual);
    let h = e.handle();
    assert!(Event::is_open(h));
    Event::close_handle(h).unwrap();
    assert!(!Event::is_open(h));
    if cfg!(not(windows)) {
        // On Windows the value may already name another test's new event: closing it again here
        // would close that one (Win32 reuses handle values).
        assert_eq!(
            Event::close_handle(h).unwrap_err().hresult(),
            HResult::E_HANDLE
        );
        assert_eq!(
            Event::from_handle(h).unwrap_err().hresult(),
            HResult::E_HANDLE
        );
    }
    // The event itself still works for whoever holds it.
    e.set();
    assert!(e.is_set());
}

#[test]
fn manual_reset_stays_signalled_auto_reset_does_not() {
    let manual = Event::new(EventReset::Manual);
    assert!(!manual.wait_timeout(Duration::from_millis(1)));
    manual.set();
    assert!(manual.wait_timeout(Duration::ZERO));
    assert!(manual.wait_timeout(Duration::ZERO));
    manual.reset();
    assert!(!manual.is_set());

    let auto = Event::new(EventReset::Auto);
    auto.set();
    assert!(auto.is_set(), "looking does not consume the signal");
    auto.wait();
    assert!(!auto.is_set());
    assert!(!auto.wait_timeout(Duration::from_millis(1)));
    for e in [manual, auto] {
        Event::close_handle(e.handle()).unwrap();
    }
}

#[test]
fn a_waiter_on_another_thread_wakes() {
    let e = Event::new(EventReset::Manual);
    let h = e.handle();
    let waiter = std::thread::spawn(move || {
        Event::from_handle(h)
            .unwrap()
            .wait_timeout(Duration::from_secs(30))
    });
    e.set();
    assert!(waiter.join().unwrap());
    assert!(
        e.wait_timeout(Duration::MAX),
        "an unrepresentable timeout waits without one"
    );
    Event::close_handle(h).unwrap();
}

#[test]
fn an_event_outlives_its_handle_and_its_clones_share_it() {
    let e = Event::new(EventReset::Manual);
    let h = e.handle();
    let from_handle = Event::from_handle(h).unwrap();
    let clone = e.clone();
    Event::close_handle(h).unwrap();
    drop(e);
    clone.set();
    assert!(
        from_handle.is_set(),
        "the same event, alive after its handle"
    );
    assert_eq!(from_handle.handle(), h);
}

#[test]
fn the_host_never_closes_a_newer_event_under_a_reused_value() {
    let e = Event::new(EventReset::Manual);
    let h = e.handle();
    let held = Event::from_handle(h).unwrap();
    // The provider closes the handle it handed over; new events follow (on Windows one of them
    // usually gets the same value).
    Event::close_handle(h).unwrap();
    let newer: Vec<Event> = (0..8).map(|_| Event::new(EventReset::Manual)).collect();
    assert_eq!(
        held.close_own_handle().unwrap_err().hresult(),
        HResult::E_HANDLE
    );
    for n in &newer {
        assert!(Event::is_open(n.handle()), "a newer event was closed");
        Event::close_handle(n.handle()).unwrap();
    }
}

#[test]
fn handles_created_on_many_threads_and_closed_in_any_order_stay_exact() {
    // Handles made on several threads at once, then closed from the middle, the ends and in
    // between: every lookup, every `handle_still_open` and the open count agree with what is
    // open. (Inserting below the end, after the counter wraps, is `Table::open_new`'s own test.)
    let made: Vec<Vec<Event>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| s.spawn(|| (0..16).map(|_| Event::new(EventReset::Manual)).collect()))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut events: Vec<Event> = made.into_iter().flatten().collect();
    events.sort_by_key(|e| e.handle().0 as usize);
    let mut closed = Vec::new();
    for i in [0, events.len() - 1, 17, 18, 40, 5] {
        let h = events[i].handle();
        Event::close_handle(h).unwrap();
        closed.push(h);
    }
    for e in &events {
        let open = !closed.contains(&e.handle());
        assert_eq!(Event::is_open(e.handle()), open);
        assert_eq!(e.handle_still_open(), open);
        assert_eq!(Event::from_handle(e.handle()).is_ok(), open);
        if open {
            Event::close_handle(e.handle()).unwrap();
        } else {
            assert!(Event::close_handle(e.handle()).is_err());
        }
        assert!(!e.handle_still_open());
    }
}
