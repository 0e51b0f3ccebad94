use super::*;
use crate::core::hresult::HResult;

/// An event's shared state, not registered anywhere.
fn state() -> Arc<State> {
    Arc::new(State {
        signalled: std::sync::Mutex::new(false),
        changed: Condvar::new(),
        reset: EventReset::Manual,
        open: AtomicBool::new(true),
    })
}

#[test]
fn after_the_counter_wraps_values_pass_over_the_header_and_every_handle_still_open() {
    let base = space::own_base(&foreign::OPS);
    let first = space::FIRST_SLOT;
    let top = space::HANDLE_SLOTS - 1;
    let value = |slot: usize| base + 4 * slot;
    let mut table = Table {
        next: top - 1,
        open: vec![(value(first), state()), (value(first + 1), state())],
    };
    let values = |table: &Table| table.open.iter().map(|&(v, _)| v).collect::<Vec<_>>();
    assert_eq!(table.open_new(base, state()), value(top - 1));
    assert_eq!(table.open_new(base, state()), value(top));
    // Wrapped: the header's slots are never handed out, the first two are still open; the next
    // goes between them and the high values.
    assert_eq!(table.open_new(base, state()), value(first + 2));
    assert_eq!(
        values(&table),
        [first, first + 1, first + 2, top - 1, top].map(value)
    );
    assert_eq!(table.next, first + 3);
}

#[test]
fn values_lie_in_the_copys_own_space_past_its_header() {
    let e = Event::new(EventReset::Manual);
    let value = e.handle().0 as usize;
    let base = space::own_base(&foreign::OPS);
    assert_eq!(value & !(space::SPACE_BYTES - 1), base);
    assert!(value >= base + 4 * space::FIRST_SLOT);
    Event::close_handle(e.handle()).unwrap();
}

#[test]
fn values_no_copy_owns_are_e_handle_without_a_crash() {
    // Unreadable memory (the kernel's half), readable memory that holds no header, and this
    // copy's header itself.
    let local = 0u64;
    let values = [
        (usize::MAX - 0x1000) & !3,
        core::ptr::addr_of!(local) as usize & !3,
        space::own_base(&foreign::OPS),
        space::own_base(&foreign::OPS) + 4,
    ];
    for value in values {
        let handle = Handle(value as *mut core::ffi::c_void);
        assert_eq!(
            Event::from_handle(handle).unwrap_err().hresult(),
            HResult::E_HANDLE,
            "{value:#x}"
        );
        assert!(!Event::is_open(handle));
        assert!(Event::close_handle(handle).is_err());
    }
}

#[test]
fn an_event_whose_value_now_names_another_closes_nothing() {
    let newer = Event::new(EventReset::Manual);
    // What an event keeps after its handle was closed and, past a wrap, the value handed to
    // `newer`.
    let stale = Event {
        handle: newer.handle(),
        object: EventObject::Own(state()),
    };
    assert_eq!(
        stale.close_own_handle().unwrap_err().hresult(),
        HResult::E_HANDLE
    );
    assert!(Event::is_open(newer.handle()) && newer.handle_still_open());
    newer.close_own_handle().unwrap();
    assert!(!Event::is_open(newer.handle()) && !newer.handle_still_open());
}
