//! Handle values that never alias across copies of mapisync in one process, and handles that any
//! copy recognizes and can operate on.
//!
//! A process may hold several copies of mapisync: a host's, and a provider library's own (the
//! static libmapisync linked into a C store, a Rust `cdylib`), each with its own statics. A copy
//! numbering its handles from a fixed start would hand out the very values another copy hands
//! out, and a host would wait on, or close, the wrong event.
//!
//! **The handle space.** Each copy reserves, once, a block of address space of [`SPACE_BYTES`]
//! aligned to its own size (one allocation, never freed; its pages are never touched but the
//! first). Its handle values are `base + 4 × slot`, past the header: addresses inside the block,
//! which no other allocation, and so no other copy's block, overlaps. Values from two copies can
//! never be equal.
//!
//! **The header.** The block starts with a [`Header`] (`#[repr(C)]`): a magic, the block's own
//! address, and a pointer to the copy's [`Ops`], a table of `extern "C"` functions on its events
//! (find a handle, close one, set, reset, wait, reference counting). Any copy finds the header of
//! a value by masking off its low bits. The header is versioned by its magic: copies of another
//! layout do not recognize each other's values, and see them as unknown (`E_HANDLE`).
//!
//! **Validation.** A copy looks a value up in its own table first. Otherwise it reads the
//! header the value points into through the kernel ([`read_header`]: a `write` from that address
//! into a pipe, which fails with `EFAULT` on memory that is not readable, where a load would
//! crash), checks the magic and the self-address, and asks the owning copy, through its table, for
//! the event: the owner alone decides whether the value is an open handle of its own. A value no
//! copy owns (null, 12, a closed handle, garbage) stays `E_HANDLE`, never a crash. What a copy
//! gets back is a reference on the owner's event ([`Foreign`](super::foreign::Foreign)), operated
//! on with the owner's own functions, so an event made by one copy is waited on, signalled and
//! closed by any.
//!
//! A copy's library stays loaded while handles it made are in use (a host unloading a provider
//! library whose events it still holds would call into unmapped code). Under Miri there is one
//! copy and no kernel: foreign values are never looked for.

use std::ffi::c_void;
use std::sync::OnceLock;

/// log2 of the handle space's size: 4 MiB of address space on a 64-bit target (2^20 values
/// before the counter wraps), 1 MiB on a 32-bit one (2^18). The allocator may reserve twice that
/// to align it: a process's address space is a budget too (tests/host/open_syncs.rs).
const SPACE_BITS: u32 = if cfg!(miri) {
    16
} else if usize::BITS == 64 {
    22
} else {
    20
};

/// The handle space's size and alignment.
pub(super) const SPACE_BYTES: usize = 1 << SPACE_BITS;

/// Slots in the space: the value of slot `n` is `base + 4 × n`.
pub(super) const HANDLE_SLOTS: usize = SPACE_BYTES / 4;

/// The first slot past the header.
pub(super) const FIRST_SLOT: usize = core::mem::size_of::<Header>().div_ceil(4);

// A `RawHeader` is read where a `Header` was written.
const _: () = assert!(core::mem::size_of::<Header>() == core::mem::size_of::<RawHeader>());

/// The header's magic: "mapisEv1", the layout's version in its last byte.
const MAGIC: u64 = u64::from_be_bytes(*b"mapisEv1");

/// The start of a copy's handle space.
#[repr(C)]
pub(super) struct Header {
    magic: u64,
    /// The header's own address: a stale copy of a header elsewhere is not taken for one.
    at: usize,
    ops: &'static Ops,
}

/// A copy's operations on its own events, for the other copies. Objects are references on an
/// event (`Arc<State>` of the owning copy, as a raw pointer) that `find` handed out.
#[repr(C)]
pub(super) struct Ops {
    /// A new reference on the event of an open handle, or null.
    pub(super) find: extern "C" fn(usize) -> *const c_void,
    /// Closes an open handle; false if it was not open.
    pub(super) close: extern "C" fn(usize) -> bool,
    /// True while a handle is open.
    pub(super) is_open: extern "C" fn(usize) -> bool,
    pub(super) retain: unsafe extern "C" fn(*const c_void),
    pub(super) release: unsafe extern "C" fn(*const c_void),
    pub(super) set: unsafe extern "C" fn(*const c_void),
    pub(super) reset: unsafe extern "C" fn(*const c_void),
    pub(super) is_set: unsafe extern "C" fn(*const c_void) -> bool,
    /// Waits up to the nanoseconds given (`u64::MAX`: for ever); true if signalled.
    pub(super) wait: unsafe extern "C" fn(*const c_void, u64) -> bool,
    pub(super) still_open: unsafe extern "C" fn(*const c_void) -> bool,
    /// Closes the handle if it is open and still names this object.
    pub(super) close_own: unsafe extern "C" fn(*const c_void, usize) -> bool,
}

/// This copy's handle space, made on its first event.
static SPACE: OnceLock<&'static Header> = OnceLock::new();

/// The base address of this copy's handle space, reserved on the first call, its header offering
/// `ops` (this copy's own, always).
pub(super) fn own_base(ops: &'static Ops) -> usize {
    let header = SPACE.get_or_init(|| {
        let layout = std::alloc::Layout::from_size_align(SPACE_BYTES, SPACE_BYTES)
            .expect("a power of two below isize::MAX");
        // SAFETY: the layout's size is not zero.
        let block = unsafe { std::alloc::alloc(layout) }.cast::<Header>();
        if block.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        // SAFETY: `block` is a fresh allocation aligned to SPACE_BYTES and larger than a
        // `Header`; it is never freed, so the reference lives as long as the copy.
        unsafe {
            block.write(Header {
                magic: MAGIC,
                at: block as usize,
                ops,
            });
            &*block
        }
    });
    header.at
}

/// The base of this copy's space, if it has one yet.
fn own_base_if_made() -> Option<usize> {
    SPACE.get().map(|header| header.at)
}

/// The header of another copy whose space holds `value`, read without touching memory that may
/// not be readable.
pub(super) fn foreign_ops(value: usize) -> Option<&'static Ops> {
    if value == 0 || value % 4 != 0 {
        return None;
    }
    let base = value & !(SPACE_BYTES - 1);
    if Some(base) == own_base_if_made() || value < base + 4 * FIRST_SLOT {
        return None;
    }
    let RawHeader { magic, at, ops } = read_header(base)?;
    if magic != MAGIC || at != base || ops == 0 {
        return None;
    }
    // SAFETY: a header with the magic and its own address is one that a copy of this layout
    // wrote at the start of its space, which is never freed, and its `ops` points at that copy's
    // static table, which lives as long as the copy's library stays loaded (the module doc).
    Some(unsafe { &*(ops as *const Ops) })
}

/// A [`Header`] as plain integers, as read from memory another copy may own: any bits are a
/// value of it.
#[repr(C)]
#[derive(Default)]
struct RawHeader {
    magic: u64,
    at: usize,
    ops: usize,
}

/// The header at `base`, or `None` when that memory is not readable. The kernel reads it: a `write` into a pipe of this copy's, then a
/// `read` back, under one lock so the pipe holds one message at a time.
#[cfg(all(unix, not(miri)))]
fn read_header(base: usize) -> Option<RawHeader> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    static PIPE: OnceLock<Option<parking_lot::Mutex<(OwnedFd, OwnedFd)>>> = OnceLock::new();
    let pipe = PIPE.get_or_init(|| {
        let mut fds = [0; 2];
        // SAFETY: `fds` is a writable array of two ints.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: both descriptors were just opened by `pipe` and are owned by nobody else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        for fd in &fds {
            // SAFETY: an open descriptor of ours; FD_CLOEXEC keeps it out of child processes.
            unsafe { libc::fcntl(*fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
        Some(parking_lot::Mutex::new((read, write)))
    });
    let pipe = pipe.as_ref()?.lock();
    let mut header = RawHeader::default();
    let size = core::mem::size_of::<RawHeader>();
    // SAFETY: the kernel reads `size` bytes at `base` on our behalf and fails with EFAULT,
    // without a fault in this process, when they are not readable; the pointer is never
    // dereferenced here. The pipe is empty (every message is read back under the lock) and the
    // message is shorter than PIPE_BUF, so the write neither blocks nor splits.
    let written = unsafe { libc::write(pipe.1.as_raw_fd(), base as *const c_void, size) };
    if written <= 0 {
        return None;
    }
    // SAFETY: `header` is writable for `size` bytes, all integers (any bits are valid); what was
    // written is read back whole.
    let read = unsafe {
        libc::read(
            pipe.0.as_raw_fd(),
            (&mut header as *mut RawHeader).cast(),
            size,
        )
    };
    (written as usize == size && read == written).then_some(header)
}

/// Without a kernel to read through (Miri), no foreign header is ever read.
#[cfg(not(all(unix, not(miri))))]
fn read_header(_base: usize) -> Option<RawHeader> {
    None
}

/// Closes another copy's open handle `value`; false if no copy has it open.
pub(super) fn close_foreign(value: usize) -> bool {
    foreign_ops(value).is_some_and(|ops| (ops.close)(value))
}

/// True while another copy has `value` open.
pub(super) fn is_open_foreign(value: usize) -> bool {
    foreign_ops(value).is_some_and(|ops| (ops.is_open)(value))
}
