//! `mapisync_explore`: the kit's [`Explore`] over stores a C function makes.

use core::ffi::{c_int, c_void};
use core::mem::size_of;
use std::time::Duration;

use parking_lot::Mutex;

use super::boundary::{clear_out, hresult, required};
use super::exploration::CExploration;
use crate::abi::{IUnknown, HRESULT, ULONG};
use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::core::sync_flags::SyncFlags;
use crate::interfaces::sync::{MapiSync, SyncProvider, SyncRequest};
use crate::testing::Explore;

/// `mapisync_store_factory`: one new store with one reference in `*out`.
pub type StoreFactory =
    unsafe extern "C" fn(context: *mut c_void, out: *mut *mut IUnknown) -> HRESULT;

/// `mapisync_explore_options`, field for field as the header declares it (its first version).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct mapisync_explore_options {
    size: usize,
    flags: ULONG,
    strict: c_int,
    cases: u32,
    seed: u64,
    timeout_ms: u32,
    jobs: u32,
    all_failures: c_int,
}

/// The exploration the options ask for: `Explore::new()` with each field applied as the header
/// says (flags 0 and timeout 0 keep the defaults).
fn configure(options: &mapisync_explore_options) -> Explore {
    let mut explore = Explore::new().cases(options.cases).seed(options.seed);
    if options.flags != 0 {
        explore = explore.flags(SyncFlags::from_bits_retain(options.flags));
    }
    if options.strict != 0 {
        explore = explore.strict();
    }
    if options.timeout_ms != 0 {
        explore = explore.timeout(Duration::from_millis(options.timeout_ms.into()));
    }
    schedule(explore, options.jobs.max(1), options.all_failures != 0)
}

/// Scenarios `jobs` at a time, and going on after the first failure with `all_failures`.
fn schedule(explore: Explore, jobs: u32, all_failures: bool) -> Explore {
    let explore = explore.jobs(usize::try_from(jobs).unwrap_or(usize::MAX));
    if all_failures {
        explore.all_failures()
    } else {
        explore
    }
}

/// `E_INVALIDARG` when `MAPISYNC_EXPLORE_SEED` or `MAPISYNC_EXPLORE_CASES` is set to anything
/// but a decimal number of 64 or 32 bits, or blank (the exploration would refuse it).
fn environment_is_valid() -> core::result::Result<(), HResult> {
    let valid = |name: &str, parse: fn(&str) -> bool| match std::env::var(name) {
        Ok(value) => value.trim().is_empty() || parse(value.trim()),
        Err(std::env::VarError::NotPresent) => true,
        Err(std::env::VarError::NotUnicode(_)) => false,
    };
    if valid("MAPISYNC_EXPLORE_SEED", |v| v.parse::<u64>().is_ok())
        && valid("MAPISYNC_EXPLORE_CASES", |v| v.parse::<u32>().is_ok())
    {
        Ok(())
    } else {
        Err(HResult::E_INVALIDARG)
    }
}

/// The C factory and its context, called on the thread that called `mapisync_explore`.
struct Factory {
    make: StoreFactory,
    context: *mut c_void,
    /// The first failure of the factory, which ends the exploration's worth.
    failed: Mutex<Option<HResult>>,
}

impl Factory {
    /// One new store, or what went wrong: the factory's code, `E_POINTER` for a NULL store with
    /// success, what QueryInterface answered for a store without `IMAPISync`.
    fn try_make(&self) -> core::result::Result<MapiSync, HResult> {
        let mut unknown: *mut IUnknown = core::ptr::null_mut();
        // SAFETY: the factory's contract: it writes one new store with one reference, or fails.
        let hr = HResult(unsafe { (self.make)(self.context, &mut unknown) });
        if hr.is_failure() {
            return Err(hr);
        }
        if unknown.is_null() {
            return Err(HResult::E_POINTER);
        }
        // SAFETY: a live COM object the factory handed us one reference on; free-threaded as a
        // store must be.
        let sync = unsafe { MapiSync::from_unknown(unknown) };
        // SAFETY: the factory's reference, ours to give back; `sync` holds its own.
        unsafe { ((*(*unknown).lpVtbl).Release)(unknown) };
        sync.map_err(|e| e.hresult())
    }

    /// A store for the exploration: a made one, or after a failure (noted) one that refuses to
    /// start, whose scenario no one will read.
    fn make(&self) -> MapiSync {
        self.try_make().unwrap_or_else(|hr| {
            self.failed.lock().get_or_insert(hr);
            MapiSync::new(Unmade(hr))
        })
    }
}

/// The stand-in for a store the factory failed to make.
struct Unmade(HResult);

impl SyncProvider for Unmade {
    fn synchronize_in_background(&self, _: SyncRequest) -> Result<Handle> {
        Err(self.0.into())
    }
}

/// Explores the stores `make_store` makes (a fresh one per scenario) under `options` (NULL: the
/// defaults of `Explore::new()`). `S_OK` whenever the exploration took place, whatever it found;
/// a factory that fails (or hands back NULL, or a store without IMAPISync) fails this call with
/// its code.
///
/// # Safety
///
/// `options` is null or points to at least `options->size` readable bytes beginning with a
/// `size_t`; `make_store`, when not null, is callable with `context` and keeps
/// the factory contract; `out` is null or valid for a pointer-sized write.
#[no_mangle]
pub unsafe extern "C" fn mapisync_explore(
    options: *const mapisync_explore_options,
    make_store: Option<StoreFactory>,
    context: *mut c_void,
    out: *mut *mut CExploration,
) -> HRESULT {
    hresult(|| {
        // SAFETY: the caller's guarantee.
        unsafe { clear_out(out) }?;
        let make = make_store.ok_or(HResult::E_POINTER)?;
        let (explore, all_failures) = if options.is_null() {
            (Explore::new(), false)
        } else {
            // SAFETY: non-null, and starts with a readable size_t by the caller's guarantee.
            let size = unsafe { options.cast::<usize>().read() };
            if size != size_of::<mapisync_explore_options>() {
                return Err(HResult::E_INVALIDARG);
            }
            // SAFETY: `size` readable bytes, the whole struct, by the caller's guarantee.
            let options = unsafe { &*options };
            (configure(options), options.all_failures != 0)
        };
        environment_is_valid()?;
        let factory = Factory {
            make,
            context,
            failed: Mutex::new(None),
        };
        let exploration = explore.run(|| factory.make());
        if let Some(hr) = *factory.failed.lock() {
            return Err(hr);
        }
        let exploration = Box::new(CExploration::new(&exploration, all_failures));
        required(out)?;
        // SAFETY: checked non-null and writable above; the box passes to the caller.
        unsafe { out.write(Box::into_raw(exploration)) };
        Ok(HResult::S_OK)
    })
}
