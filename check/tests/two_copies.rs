//! Two copies of mapisync in one process, for real: this test's own, and the one inside the
//! outlook-store example's shared library, whose C API (`mapisync_event_*`) it calls. Their
//! handle values never alias, and each operates on the other's handles.

mod fixtures;

use core::ffi::c_void;
use std::time::Duration;

use libloading::{Library, Symbol};
use mapisync::testing::SyncTest;
use mapisync::{abi, Event, EventReset, HResult, Handle, MapiSync};

type Create = unsafe extern "C" fn(i32, i32, *mut abi::HANDLE) -> i32;
type OnHandle = unsafe extern "C" fn(abi::HANDLE) -> i32;
type Wait = unsafe extern "C" fn(abi::HANDLE, u32) -> i32;
type Count = unsafe extern "C" fn() -> usize;
type Factory = unsafe extern "C" fn(*mut *mut c_void) -> i32;

/// One test at a time: both count the open handles of both copies.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The provider library's copy, through its exported C API.
struct Theirs {
    library: Library,
}

impl Theirs {
    fn load() -> Theirs {
        let path = fixtures::provider("factory");
        // SAFETY: the example's library, built by the test for this machine.
        let library = unsafe { Library::new(path) }.expect("loads");
        Theirs { library }
    }
    fn get<T: Copy>(&self, name: &str) -> T {
        // SAFETY: each name is the C API function of the matching signature (include/mapisync.h).
        let symbol: Symbol<T> = unsafe { self.library.get(name.as_bytes()) }.expect(name);
        *symbol
    }
    fn create(&self) -> abi::HANDLE {
        let mut h = core::ptr::null_mut();
        // SAFETY: `h` is a live local.
        let hr = unsafe { self.get::<Create>("mapisync_event_create")(1, 0, &mut h) };
        assert_eq!(hr, 0);
        h
    }
    fn call(&self, name: &str, h: abi::HANDLE) -> i32 {
        // SAFETY: any value is allowed: an unknown one is E_HANDLE.
        unsafe { self.get::<OnHandle>(name)(h) }
    }
    fn wait(&self, h: abi::HANDLE, ms: u32) -> i32 {
        // SAFETY: as in `call`.
        unsafe { self.get::<Wait>("mapisync_event_wait")(h, ms) }
    }
    fn open(&self) -> usize {
        // SAFETY: no arguments.
        unsafe { self.get::<Count>("mapisync_event_open_count")() }
    }
}

#[test]
fn handles_of_two_copies_never_alias_and_each_operates_on_the_others() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let theirs = Theirs::load();
    let their_before = theirs.open();
    let mine: Vec<Event> = (0..16).map(|_| Event::new(EventReset::Manual)).collect();
    let their: Vec<abi::HANDLE> = (0..16).map(|_| theirs.create()).collect();
    for h in &their {
        assert!(
            mine.iter().all(|e| e.handle().0 != *h),
            "a value of theirs is one of mine: {h:?}"
        );
    }
    assert_eq!(theirs.open(), their_before + 16);

    // Theirs, seen and operated on from here.
    let h = their[0];
    let event = Event::from_handle(Handle(h)).expect("their open handle is found");
    assert!(Event::is_open(Handle(h)));
    assert!(!event.is_set());
    assert_eq!(theirs.call("mapisync_event_set", h), 0);
    assert!(event.is_set() && event.wait_timeout(Duration::ZERO));
    event.reset();
    assert_eq!(theirs.wait(h, 0), HResult::MAPI_E_TIMEOUT.0);
    let setter = std::thread::spawn({
        let event = event.clone();
        move || event.set()
    });
    assert_eq!(theirs.wait(h, 10_000), 0, "their wait sees my set");
    setter.join().unwrap();
    Event::close_handle(Handle(h)).expect("I close their handle");
    assert!(!Event::is_open(Handle(h)));
    assert_eq!(theirs.call("mapisync_event_close", h), HResult::E_HANDLE.0);
    assert_eq!(
        Event::from_handle(Handle(h)).unwrap_err().hresult(),
        HResult::E_HANDLE
    );
    event.set(); // the event outlives its handle, in their copy too

    // Mine, operated on through theirs.
    let m = mine[0].handle().0;
    assert_eq!(theirs.call("mapisync_event_set", m), 0);
    assert!(mine[0].is_set());
    assert_eq!(theirs.call("mapisync_event_close", m), 0);
    assert!(!Event::is_open(mine[0].handle()));
    assert!(Event::close_handle(mine[0].handle()).is_err());

    for e in &mine[1..] {
        Event::close_handle(e.handle()).unwrap();
    }
    for &h in &their[1..] {
        assert_eq!(theirs.call("mapisync_event_close", h), 0);
    }
    assert_eq!(theirs.open(), their_before);
}

#[test]
fn the_simulated_host_judges_a_store_whose_done_event_another_copy_made() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let theirs = Theirs::load();
    let factory: Factory = theirs.get("mapisync_make_store");
    let mut out = core::ptr::null_mut();
    // SAFETY: the factory's signature; `out` is a live local.
    assert_eq!(unsafe { factory(&mut out) }, 0);
    // SAFETY: one reference on a store object, asked for IMAPISync, then released.
    let store = unsafe { MapiSync::from_unknown(out.cast()) }.expect("IMAPISync");
    // SAFETY: the factory's reference, released once.
    unsafe { ((*(*out.cast::<abi::IUnknown>()).lpVtbl).Release)(out.cast()) };
    let (mine, their_before) = (Event::open_handles(), theirs.open());
    let run = SyncTest::new().strict().run(&store);
    run.assert_protocol();
    run.assert_released();
    assert!(run.report().is_clean(), "{}", run.report());
    assert_eq!(Event::open_handles(), mine);
    assert_eq!(
        theirs.open(),
        their_before,
        "the host closed their done event"
    );
}
