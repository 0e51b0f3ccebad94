//! `IMAPISync::SynchronizeInBackground` on a Rust-made store, called the way a foreign host would
//! call it: a MAPISIB of any size (allocated to exactly the bytes the host provides, so a read past
//! them is an AddressSanitizer report), any flags, null or live or misbehaving objects for the
//! session and the callback, a null or valid `phSyncDoneEvent`, and a provider that succeeds,
//! fails with any HRESULT or panics.
//!
//! Checked on every input: the HRESULT is the one the documented table gives; nothing is written
//! through `phSyncDoneEvent` on failure; on success the done event is signalled after exactly one
//! `Done` carrying the same handle; afterwards every reference mapisync took on the session and the
//! callback has been given back and no event handle is left open.

#![no_main]

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::mem::size_of;
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mapisync::abi::{self, HANDLE, MAPISIB};
use mapisync::testing::{Call, RecordingCallback, Script};
use mapisync::{
    Error, Event, HResult, Handle, MapiSync, Result, SyncFlags, SyncProvider, SyncRequest,
    SyncWorker,
};
use mapisync_fuzz::{count_of, Foreign, QiMode};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Size {
    Exact,
    Zero,
    OneShort,
    /// Fewer bytes than the structure: `n % size_of::<MAPISIB>()`.
    Short(u8),
    /// A later, larger version: `size_of::<MAPISIB>() + n`.
    Larger(u8),
    /// Any value; the host provides at most the structure plus 64 bytes of it.
    Any(u32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Flags {
    /// Only bits the reference defines.
    Known(u32),
    /// Any bits.
    Raw(u32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Object {
    Null,
    /// A Rust-made callback (a recorder).
    Rust,
    /// The store itself: a live object without `IMAPISyncProgressCallback`.
    Store,
    /// A foreign object; its slots answer `answer`.
    Foreign {
        qi: QiMode,
        answer: i32,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Work {
    /// `steps` Progress calls (stopping at a failure answer), then `Ok(status)`.
    Succeed { steps: u8, status: i32 },
    /// `SyncWorker` work that returns `Err(hr)`.
    FailLater(i32),
    /// `SyncWorker` work that panics.
    PanicLater,
    /// `synchronize_in_background` itself returns `Err(hr)`.
    FailAtOnce(i32),
    /// `synchronize_in_background` itself panics.
    PanicAtOnce,
}

#[derive(Arbitrary, Debug)]
struct Input {
    null_sib: bool,
    size: Size,
    flags: Flags,
    session: Object,
    callback: Object,
    null_out: bool,
    work: Work,
}

struct Store {
    work: Work,
    reached: Arc<AtomicU32>,
}

impl SyncProvider for Store {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        self.reached.fetch_add(1, Ordering::SeqCst);
        match self.work {
            Work::FailAtOnce(hr) => Err(Error::from(HResult(hr))),
            Work::PanicAtOnce => panic!("fuzz: provider panics at the start"),
            Work::Succeed { steps, status } => SyncWorker::spawn(request, move |sync| {
                for i in 1..=u32::from(steps % 8) {
                    sync.progress(None, i, 8)?;
                }
                Ok(HResult(status))
            }),
            Work::FailLater(hr) => {
                SyncWorker::spawn(request, move |_| Err(Error::from(HResult(hr))))
            }
            Work::PanicLater => SyncWorker::spawn(request, |_| panic!("fuzz: work panics")),
        }
    }
}

/// A live object standing for one `Object` choice, with the reference we own on it.
enum Held {
    Null,
    Rust(RecordingCallback),
    Store,
    Foreign(*mut abi::IMAPISyncProgressCallback, QiMode),
}

impl Held {
    fn make(choice: Object) -> Held {
        match choice {
            Object::Null => Held::Null,
            Object::Rust => Held::Rust(RecordingCallback::new(Script::new())),
            Object::Store => Held::Store,
            Object::Foreign { qi, answer } => Held::Foreign(Foreign::create(qi, answer), qi),
        }
    }

    fn raw(&self, store: &MapiSync) -> *mut abi::IUnknown {
        match self {
            Held::Null => ptr::null_mut(),
            Held::Rust(recorder) => {
                // The recorder's own reference lives as long as `recorder`.
                recorder.callback().as_unknown()
            }
            Held::Store => store.as_unknown(),
            Held::Foreign(p, _) => p.cast(),
        }
    }

    /// Whether QueryInterface for the callback IID hands back a usable reference.
    fn answers_callback(&self) -> bool {
        match self {
            Held::Null | Held::Store => false,
            Held::Rust(_) => true,
            Held::Foreign(_, qi) => qi.hands_out_a_reference(),
        }
    }

    /// References held on the object besides our own (after everything is over: zero).
    fn extra_references(&self, store: &MapiSync) -> u32 {
        match self {
            Held::Null => 0,
            Held::Rust(recorder) => recorder.outstanding_references(),
            // Ours and the `store` handle's.
            Held::Store => mapisync_count(store) - 1,
            // SAFETY: we hold a reference on it until `release`.
            Held::Foreign(p, _) => (unsafe { Foreign::count(*p) }) - 1,
        }
    }

    fn release(self) {
        if let Held::Foreign(p, _) = self {
            // SAFETY: gives back the reference `Foreign::create` gave us.
            unsafe { (mapisync_fuzz::unknown_vtbl(p.cast()).Release)(p.cast()) };
        }
    }
}

fn mapisync_count(store: &MapiSync) -> u32 {
    // SAFETY: `store` holds a reference on a Rust-made object, whose AddRef returns the count.
    unsafe { count_of(store.as_unknown()) }
}

/// The HRESULT the documented validation gives, or `None` when the request reaches the provider.
fn refusal(input: &Input, size: u32, flags: u32, callback: &Held) -> Option<HResult> {
    if input.null_sib || (size as usize) < size_of::<MAPISIB>() || input.null_out {
        return Some(HResult::MAPI_E_INVALID_PARAMETER);
    }
    if SyncFlags::from_bits(flags).is_none() {
        return Some(HResult::MAPI_E_UNKNOWN_FLAGS);
    }
    match callback {
        Held::Null => Some(HResult::MAPI_E_INVALID_PARAMETER),
        held if !held.answers_callback() => Some(HResult::E_NOINTERFACE),
        _ => None,
    }
}

/// What `SynchronizeInBackground` returns for a request that reaches the provider.
fn started(work: Work) -> HResult {
    match work {
        Work::FailAtOnce(hr) => Error::from(HResult(hr)).hresult(),
        Work::PanicAtOnce => HResult::E_UNEXPECTED,
        _ => HResult::S_OK,
    }
}

/// Exactly `len` bytes, aligned for a MAPISIB, zeroed.
struct Buffer {
    ptr: *mut u8,
    layout: Layout,
}

impl Buffer {
    fn new(len: usize) -> Buffer {
        let layout = Layout::from_size_align(len, core::mem::align_of::<MAPISIB>()).unwrap();
        // SAFETY: `len` is at least 4, so the layout is not zero-sized.
        let ptr = unsafe { alloc_zeroed(layout) };
        assert!(!ptr.is_null());
        Buffer { ptr, layout }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr, self.layout) };
    }
}

const SENTINEL: HANDLE = 0x5A5A_5A50 as HANDLE;

fuzz_target!(|input: Input| {
    mapisync_fuzz::allow_deliberate_panics();
    let reached = Arc::new(AtomicU32::new(0));
    let store = MapiSync::new(Store {
        work: input.work,
        reached: Arc::clone(&reached),
    });
    let foreign_before = Foreign::live();
    let session = Held::make(input.session);
    let callback = Held::make(input.callback);

    let full = size_of::<MAPISIB>();
    let size: u32 = match input.size {
        Size::Exact => full as u32,
        Size::Zero => 0,
        Size::OneShort => full as u32 - 1,
        Size::Short(n) => (usize::from(n) % full) as u32,
        Size::Larger(n) => (full + usize::from(n)) as u32,
        Size::Any(n) => n,
    };
    let flags = match input.flags {
        Flags::Known(bits) => bits & SyncFlags::all().bits(),
        Flags::Raw(bits) => bits,
    };
    // The bytes the host provides: what `ulSize` claims (the `ulSize` field itself at least), at
    // most the structure plus 64 bytes of a later version.
    let provided = (size as usize).clamp(4, full + 64);
    let buffer = Buffer::new(provided);
    let mut out: HANDLE = SENTINEL;
    let sib = MAPISIB {
        ulSize: size,
        ulFlags: flags,
        psesSync: session.raw(&store),
        punkCallBack: callback.raw(&store),
        phSyncDoneEvent: if input.null_out {
            ptr::null_mut()
        } else {
            &mut out
        },
    };
    // SAFETY: `provided` bytes are allocated; the struct's bytes are copied as far as they fit.
    unsafe {
        ptr::copy_nonoverlapping(
            (&sib as *const MAPISIB).cast::<u8>(),
            buffer.ptr,
            provided.min(full),
        )
    };
    let psib = if input.null_sib {
        ptr::null_mut()
    } else {
        buffer.ptr.cast::<MAPISIB>()
    };

    let refused = refusal(&input, size, flags, &callback);
    let want = refused.unwrap_or_else(|| started(input.work));
    let p = store.as_raw();
    // SAFETY: `store` holds a reference; `psib` is null or `provided` readable bytes, and every
    // pointer in it is null or live for the call.
    let hr = HResult(unsafe { ((*(*p).lpVtbl).SynchronizeInBackground)(p, psib) });
    assert_eq!(hr, want, "{input:?}");

    if hr.is_failure() {
        assert_eq!(out, SENTINEL, "written on failure: {input:?}");
        assert_eq!(
            reached.load(Ordering::SeqCst),
            u32::from(refused.is_none()),
            "a refused request reached the provider, or a valid one did not: {input:?}"
        );
    } else {
        assert_ne!(out, SENTINEL, "{input:?}");
        let done = Handle(out);
        let event = Event::from_handle(done).expect("the done event is open");
        assert!(
            event.wait_timeout(Duration::from_secs(30)),
            "the done event was never signalled: {input:?}"
        );
        if let Held::Rust(recorder) = &callback {
            let dones: Vec<(Handle, HResult)> = recorder
                .calls()
                .into_iter()
                .filter_map(|c| match c {
                    Call::Done { event, hr } => Some((event, hr)),
                    _ => None,
                })
                .collect();
            assert_eq!(dones.len(), 1, "{input:?}: {dones:?}");
            assert_eq!(dones[0].0, done);
            let status = match input.work {
                Work::Succeed { status, .. } => HResult(status),
                Work::FailLater(hr) => Error::from(HResult(hr)).hresult(),
                _ => HResult::E_UNEXPECTED,
            };
            assert_eq!(dones[0].1, status, "{input:?}");
        }
        if let Held::Foreign(p, _) = &callback {
            // SAFETY: we hold a reference on it.
            assert!(unsafe { Foreign::calls(*p) } >= 1, "no Done: {input:?}");
        }
        Event::close_handle(done).expect("the host closes the done event once");
        mapisync_fuzz::wait_for_workers_to_exit();
    }

    // Every reference mapisync took has been given back: by the time the done event is
    // signalled, the worker has released the callback and the session.
    assert_eq!(session.extra_references(&store), 0, "session: {input:?}");
    assert_eq!(callback.extra_references(&store), 0, "callback: {input:?}");
    assert_eq!(
        Event::open_handles(),
        0,
        "a handle was left open: {input:?}"
    );
    session.release();
    callback.release();
    assert_eq!(
        Foreign::live(),
        foreign_before,
        "a foreign object leaked: {input:?}"
    );
    assert_eq!(mapisync_count(&store), 1);
});
