//! The message store object, `#[implement(IMsgStore, IMAPISync)]` (Windows targets only:
//! outlook-mapi builds only there).
#![allow(non_snake_case)] // the `_Impl` methods carry Microsoft's names

use mapisync::windows::{IMAPISync, IMAPISync_Impl};
use mapisync::{abi, HResult, MapiSync};

use crate::Folders;
use outlook_mapi::sys::{
    IMAPIAdviseSink, IMAPIProgress, IMAPIProp_Impl, IMAPITable, IMessage, IMsgStore,
    IMsgStore_Impl, SPropProblemArray, SPropTagArray, SPropValue, ENTRYID, MAPIERROR, MAPINAMEID,
    NOTIFICATION,
};
use windows_core::{implement, OutRef, Ref, GUID, HRESULT};

/// `MAPI_E_NO_SUPPORT`: what this sample answers for everything but Send/Receive.
fn no_support<T>() -> windows_core::Result<T> {
    Err(HRESULT(HResult::MAPI_E_NO_SUPPORT.0).into())
}

/// The message store object Outlook gets from the provider's logon. QueryInterface for
/// `IMAPISync` reaches the `IMAPISync` below, which hands the call to mapisync.
#[implement(IMsgStore, IMAPISync)]
pub struct Store {
    /// mapisync's `IMAPISync` over [`Folders`]: it checks the `MAPISIB` as the reference asks and
    /// starts the worker.
    sync: IMAPISync,
}

impl Store {
    /// A store whose Send/Receive walks `folders`.
    pub fn new(folders: &[&str]) -> Store {
        Store {
            sync: MapiSync::new(Folders::new(folders)).into(),
        }
    }
}

impl IMAPISync_Impl for Store_Impl {
    unsafe fn SynchronizeInBackground(&self, psibpb: *mut abi::MAPISIB) -> HRESULT {
        // SAFETY: Outlook's MAPISIB, valid for the call, passed on as it came.
        unsafe { self.sync.SynchronizeInBackground(psibpb) }
    }
}

impl IMsgStore_Impl for Store_Impl {
    fn Advise(
        &self,
        _: u32,
        _: *mut ENTRYID,
        _: u32,
        _: Ref<IMAPIAdviseSink>,
        _: *mut usize,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn Unadvise(&self, _: usize) -> windows_core::Result<()> {
        no_support()
    }
    fn CompareEntryIDs(
        &self,
        _: u32,
        _: *mut ENTRYID,
        _: u32,
        _: *mut ENTRYID,
        _: u32,
        _: *mut u32,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn OpenEntry(
        &self,
        _: u32,
        _: *mut ENTRYID,
        _: *mut GUID,
        _: u32,
        _: *mut u32,
        _: OutRef<windows_core::IUnknown>,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn SetReceiveFolder(
        &self,
        _: *mut i8,
        _: u32,
        _: u32,
        _: *mut ENTRYID,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn GetReceiveFolder(
        &self,
        _: *mut i8,
        _: u32,
        _: *mut u32,
        _: *mut *mut ENTRYID,
        _: *mut *mut i8,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn GetReceiveFolderTable(&self, _: u32) -> windows_core::Result<IMAPITable> {
        no_support()
    }
    fn StoreLogoff(&self, _: *mut u32) -> windows_core::Result<()> {
        Ok(())
    }
    fn AbortSubmit(&self, _: u32, _: *mut ENTRYID, _: u32) -> windows_core::Result<()> {
        no_support()
    }
    fn GetOutgoingQueue(&self, _: u32) -> windows_core::Result<IMAPITable> {
        no_support()
    }
    fn SetLockState(&self, _: Ref<IMessage>, _: u32) -> windows_core::Result<()> {
        no_support()
    }
    fn FinishedMsg(&self, _: u32, _: u32, _: *mut ENTRYID) -> windows_core::Result<()> {
        no_support()
    }
    fn NotifyNewMail(&self, _: *mut NOTIFICATION) -> windows_core::Result<()> {
        no_support()
    }
}

impl IMAPIProp_Impl for Store_Impl {
    fn GetLastError(&self, _: HRESULT, _: u32, _: *mut *mut MAPIERROR) -> windows_core::Result<()> {
        no_support()
    }
    fn SaveChanges(&self, _: u32) -> windows_core::Result<()> {
        no_support()
    }
    fn GetProps(
        &self,
        _: *mut SPropTagArray,
        _: u32,
        _: *mut u32,
        _: *mut *mut SPropValue,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn GetPropList(&self, _: u32, _: *mut *mut SPropTagArray) -> windows_core::Result<()> {
        no_support()
    }
    fn OpenProperty(
        &self,
        _: u32,
        _: *mut GUID,
        _: u32,
        _: u32,
        _: OutRef<windows_core::IUnknown>,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn SetProps(
        &self,
        _: u32,
        _: *mut SPropValue,
        _: *mut *mut SPropProblemArray,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn DeleteProps(
        &self,
        _: *mut SPropTagArray,
        _: *mut *mut SPropProblemArray,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn CopyTo(
        &self,
        _: u32,
        _: *mut GUID,
        _: *mut SPropTagArray,
        _: usize,
        _: Ref<IMAPIProgress>,
        _: *mut GUID,
        _: *mut core::ffi::c_void,
        _: u32,
        _: *mut *mut SPropProblemArray,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn CopyProps(
        &self,
        _: *mut SPropTagArray,
        _: usize,
        _: Ref<IMAPIProgress>,
        _: *mut GUID,
        _: *mut core::ffi::c_void,
        _: u32,
        _: *mut *mut SPropProblemArray,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn GetNamesFromIDs(
        &self,
        _: *mut *mut SPropTagArray,
        _: *mut GUID,
        _: u32,
        _: *mut u32,
        _: *mut *mut *mut MAPINAMEID,
    ) -> windows_core::Result<()> {
        no_support()
    }
    fn GetIDsFromNames(
        &self,
        _: u32,
        _: *mut *mut MAPINAMEID,
        _: u32,
        _: *mut *mut SPropTagArray,
    ) -> windows_core::Result<()> {
        no_support()
    }
}
