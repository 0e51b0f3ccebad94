//! Proof, at compile time, that windows-core's view of the two interfaces is the layout
//! [`abi`](crate::abi) pins: the same IIDs, the same vtable size, every slot at the same offset.
//! (The slot types are checked by the tests that call across in both directions.)

use core::mem::{offset_of, size_of};

use windows_core::{IUnknown_Vtbl, Interface};

use super::interfaces::{
    IMAPISync, IMAPISyncProgressCallback, IMAPISyncProgressCallback_Vtbl, IMAPISync_Vtbl,
};
use crate::abi::{self, IMAPISyncProgressCallbackVtbl, IMAPISyncVtbl};

/// Field by field, in a const context.
const fn same_guid(a: windows_core::GUID, b: abi::GUID) -> bool {
    let mut i = 0;
    while i < 8 {
        if a.data4[i] != b.Data4[i] {
            return false;
        }
        i += 1;
    }
    a.data1 == b.Data1 && a.data2 == b.Data2 && a.data3 == b.Data3
}

const _: () = {
    assert!(same_guid(
        IMAPISyncProgressCallback::IID,
        abi::IID_IMAPISyncProgressCallback
    ));
    assert!(same_guid(IMAPISync::IID, abi::IID_IMAPISync));
    assert!(same_guid(windows_core::IUnknown::IID, abi::IID_IUnknown));

    // An interface is one pointer, to its vtable.
    assert!(size_of::<IMAPISyncProgressCallback>() == size_of::<abi::IMAPISyncProgressCallback>());
    assert!(size_of::<IMAPISync>() == size_of::<abi::IMAPISync>());

    // IUnknown's three slots, then the interface's own, each where abi puts it.
    const BASE: usize = offset_of!(IMAPISyncProgressCallback_Vtbl, base__);
    assert!(BASE == 0 && offset_of!(IMAPISync_Vtbl, base__) == 0);
    assert!(size_of::<IUnknown_Vtbl>() == size_of::<abi::IUnknownVtbl>());
    assert!(
        offset_of!(IUnknown_Vtbl, QueryInterface) == offset_of!(abi::IUnknownVtbl, QueryInterface)
    );
    assert!(offset_of!(IUnknown_Vtbl, AddRef) == offset_of!(abi::IUnknownVtbl, AddRef));
    assert!(offset_of!(IUnknown_Vtbl, Release) == offset_of!(abi::IUnknownVtbl, Release));

    assert!(
        size_of::<IMAPISyncProgressCallback_Vtbl>() == size_of::<IMAPISyncProgressCallbackVtbl>()
    );
    assert!(
        offset_of!(IMAPISyncProgressCallback_Vtbl, Progress)
            == offset_of!(IMAPISyncProgressCallbackVtbl, Progress)
    );
    assert!(
        offset_of!(IMAPISyncProgressCallback_Vtbl, Error)
            == offset_of!(IMAPISyncProgressCallbackVtbl, Error)
    );
    assert!(
        offset_of!(IMAPISyncProgressCallback_Vtbl, Done)
            == offset_of!(IMAPISyncProgressCallbackVtbl, Done)
    );

    assert!(size_of::<IMAPISync_Vtbl>() == size_of::<IMAPISyncVtbl>());
    assert!(
        offset_of!(IMAPISync_Vtbl, SynchronizeInBackground)
            == offset_of!(IMAPISyncVtbl, SynchronizeInBackground)
    );

    // The small types are the same bits.
    assert!(size_of::<windows_core::HRESULT>() == size_of::<abi::HRESULT>());
    assert!(size_of::<windows_core::GUID>() == size_of::<abi::GUID>());
};
