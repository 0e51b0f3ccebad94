//! `Probe`: the safe owner of a [`FixtureProbe`] that the C objects record into.

use core::ffi::c_void;
use core::mem::size_of;

use crate::{
    fixture_callback_new, fixture_probe_free, fixture_probe_new, fixture_probe_record,
    fixture_probe_set_answers, fixture_probe_set_query_mode, fixture_probe_store_record,
    fixture_store_new, FixtureProbe, FixtureRecord, FixtureStoreRecord,
};

/// Owns a probe of the C objects; freed on drop once every object made with it is gone (and
/// leaked otherwise, since a live object still points to it).
pub struct Probe(*mut FixtureProbe);

impl Probe {
    /// A new, empty probe.
    ///
    /// # Panics
    ///
    /// If C is out of memory.
    pub fn new() -> Probe {
        // SAFETY: no precondition.
        let probe = unsafe { fixture_probe_new() };
        assert!(!probe.is_null(), "fixture_probe_new: out of memory");
        Probe(probe)
    }

    /// The raw probe, for the fixture functions that take one.
    pub fn as_ptr(&self) -> *mut FixtureProbe {
        self.0
    }

    /// What the C callbacks made with this probe recorded.
    pub fn record(&self) -> FixtureRecord {
        let mut record = FixtureRecord::default();
        // SAFETY: `self.0` is a live probe; `record` is a writable FixtureRecord.
        let size = unsafe { fixture_probe_record(self.0, &mut record) };
        assert_eq!(size, size_of::<FixtureRecord>(), "FixtureRecord layout");
        record
    }

    /// What the C stores made with this probe recorded.
    pub fn store_record(&self) -> FixtureStoreRecord {
        let mut record = FixtureStoreRecord::default();
        // SAFETY: `self.0` is a live probe; `record` is a writable FixtureStoreRecord.
        let size = unsafe { fixture_probe_store_record(self.0, &mut record) };
        assert_eq!(
            size,
            size_of::<FixtureStoreRecord>(),
            "FixtureStoreRecord layout"
        );
        record
    }

    /// The HRESULTs the C callbacks answer from Progress, Error and Done.
    pub fn set_answers(&self, progress: i32, error: i32, done: i32) {
        // SAFETY: `self.0` is a live probe.
        unsafe { fixture_probe_set_answers(self.0, progress, error, done) };
    }

    /// How the C callbacks answer QueryInterface (`FIXTURE_QI_*`).
    pub fn set_query_mode(&self, mode: u32) {
        // SAFETY: `self.0` is a live probe.
        unsafe { fixture_probe_set_query_mode(self.0, mode) };
    }

    /// A new C `IMAPISyncProgressCallback` with a count of one, owned by the caller.
    pub fn new_callback(&self) -> *mut c_void {
        // SAFETY: `self.0` is a live probe, which outlives the object (see `Drop`).
        let cb = unsafe { fixture_callback_new(self.0) };
        assert!(!cb.is_null(), "fixture_callback_new: out of memory");
        cb
    }

    /// A new C `IMAPISync` store with a count of one, owned by the caller, not yet configured.
    pub fn new_store(&self) -> *mut c_void {
        // SAFETY: `self.0` is a live probe, which outlives the object (see `Drop`).
        let store = unsafe { fixture_store_new(self.0) };
        assert!(!store.is_null(), "fixture_store_new: out of memory");
        store
    }
}

impl Default for Probe {
    fn default() -> Self {
        Probe::new()
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let record = self.record();
        if record.objects_created == record.objects_destroyed {
            // SAFETY: no object refers to the probe any more.
            unsafe { fixture_probe_free(self.0) };
        } else if !std::thread::panicking() {
            panic!("probe dropped with live C objects: {record:?}");
        }
        // Otherwise leak it: a live object may still point to it.
    }
}
