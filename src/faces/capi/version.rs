//! `mapisync_version` and `mapisync_hresult_name`: static strings.

use core::ffi::c_char;
use core::ptr;

use super::boundary::boundary;
use crate::abi::HRESULT;
use crate::core::hresult::HResult;

/// The crate's version, NUL-terminated: what `MAPISYNC_VERSION_*` in the header must match.
static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// Every name `mapisync_hresult_name` can answer, NUL-terminated, in the reference table's order.
/// The first name of a code wins, as in `HResult::name`.
static NAMES: &[&str] = &[
    "S_OK\0",
    "S_FALSE\0",
    "E_NOTIMPL\0",
    "E_NOINTERFACE\0",
    "E_POINTER\0",
    "E_ABORT\0",
    "E_FAIL\0",
    "E_UNEXPECTED\0",
    "E_ACCESSDENIED\0",
    "E_HANDLE\0",
    "E_OUTOFMEMORY\0",
    "E_INVALIDARG\0",
    "MAPI_E_NO_SUPPORT\0",
    "MAPI_E_UNKNOWN_FLAGS\0",
    "MAPI_E_BUSY\0",
    "MAPI_E_NOT_FOUND\0",
    "MAPI_E_USER_CANCEL\0",
    "MAPI_E_NETWORK_ERROR\0",
    "MAPI_E_END_OF_SESSION\0",
    "MAPI_E_TIMEOUT\0",
    "MAPI_E_CANCEL\0",
    "MAPI_W_ERRORS_RETURNED\0",
    "MAPI_W_PARTIAL_COMPLETION\0",
    "SYNC_E_IGNORE\0",
    "SYNC_E_CONFLICT\0",
    "SYNC_W_PROGRESS\0",
];

/// `"MAJOR.MINOR.PATCH"`, in static storage.
#[no_mangle]
pub extern "C" fn mapisync_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The first name of `hr` (`"E_FAIL"` for 0x80004005, not `"MAPI_E_CALL_FAILED"`), in static
/// storage, or NULL for a code with no name.
#[no_mangle]
pub extern "C" fn mapisync_hresult_name(hr: HRESULT) -> *const c_char {
    boundary(ptr::null(), || {
        HResult(hr).name().map_or(ptr::null(), |name| {
            NAMES
                .iter()
                .find(|entry| entry.strip_suffix('\0') == Some(name))
                .map_or(ptr::null(), |entry| entry.as_ptr().cast())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::CStr;

    fn name(hr: HResult) -> Option<&'static str> {
        let p = mapisync_hresult_name(hr.0);
        // SAFETY: non-null answers point into `NAMES`, NUL-terminated and static.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
    }

    #[test]
    #[cfg_attr(miri, ignore = "safe code only, and 327 680 codes on Miri's clock")]
    fn every_named_code_has_its_first_name_and_others_none() {
        assert_eq!(
            name(HResult::MAPI_E_USER_CANCEL),
            Some("MAPI_E_USER_CANCEL")
        );
        assert_eq!(name(HResult::MAPI_E_CALL_FAILED), Some("E_FAIL"));
        assert_eq!(name(HResult(0x1234)), None);
        // Every code of the reference table lies in one of these ranges.
        let ranges = [
            0x0000_0000_u32,
            0x0004_0000,
            0x8000_0000,
            0x8004_0000,
            0x8007_0000,
        ];
        for raw in ranges
            .iter()
            .flat_map(|&base| (0..=u16::MAX).map(move |c| (base | u32::from(c)) as i32))
        {
            assert_eq!(name(HResult(raw)), HResult(raw).name(), "{raw:#x}");
        }
    }

    #[test]
    fn the_version_is_the_crates() {
        // SAFETY: static and NUL-terminated.
        let v = unsafe { CStr::from_ptr(mapisync_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
