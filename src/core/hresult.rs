//! `HResult`: a COM status code with its name.

use core::fmt;

use crate::abi::HRESULT;

/// A COM status code, as it crosses the ABI (`#[repr(transparent)]` over the raw `i32`).
///
/// Every code this API documents has an associated constant, named as Microsoft names it; where a
/// code has two names both constants exist (`E_FAIL` and `MAPI_E_CALL_FAILED` are equal).
/// `Display` and `Debug` show the name and the value, `MAPI_E_USER_CANCEL (0x80040113)`; where a
/// code has two names the first of the table in the crate docs is shown, and a code without a name
/// shows its hex value alone.
///
/// ```
/// use mapisync::HResult;
///
/// assert_eq!(HResult::MAPI_E_USER_CANCEL.to_string(), "MAPI_E_USER_CANCEL (0x80040113)");
/// assert_eq!(HResult::MAPI_E_CALL_FAILED.to_string(), "E_FAIL (0x80004005)");
/// assert_eq!(HResult(0x8004_1234_u32 as i32).to_string(), "0x80041234");
/// assert!(HResult::MAPI_W_PARTIAL_COMPLETION.is_warning());
/// assert!(HResult::S_FALSE.is_success() && !HResult::S_FALSE.is_warning());
/// ```
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct HResult(pub HRESULT);

/// Declares the named codes once: the associated constants and the name table come from one list.
/// (Literals are written in unsigned hex, as the reference writes them.)
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal;)*) => {
        impl HResult {
            $(
                $(#[$doc])*
                pub const $name: HResult = {
                    let unsigned: u32 = $value;
                    HResult(unsigned as i32)
                };
            )*
        }
        /// Every named code, in the order of the reference table: the first name of a value wins.
        const NAMES: &[(HResult, &str)] = &[$((HResult::$name, stringify!($name)),)*];
    };
}

codes! {
    /// Success.
    S_OK = 0x0000_0000;
    /// Success, with a "false" or "nothing done" meaning.
    S_FALSE = 0x0000_0001;
    /// Not implemented.
    E_NOTIMPL = 0x8000_4001;
    /// The object does not expose the interface asked for.
    E_NOINTERFACE = 0x8000_4002;
    /// MAPI's name for [`E_NOINTERFACE`](Self::E_NOINTERFACE).
    MAPI_E_INTERFACE_NOT_SUPPORTED = 0x8000_4002;
    /// A required pointer was null.
    E_POINTER = 0x8000_4003;
    /// The operation was aborted.
    E_ABORT = 0x8000_4004;
    /// Unspecified failure.
    E_FAIL = 0x8000_4005;
    /// MAPI's name for [`E_FAIL`](Self::E_FAIL).
    MAPI_E_CALL_FAILED = 0x8000_4005;
    /// Catastrophic failure; also what a panic inside an implementation turns into.
    E_UNEXPECTED = 0x8000_FFFF;
    /// Access denied.
    E_ACCESSDENIED = 0x8007_0005;
    /// MAPI's name for [`E_ACCESSDENIED`](Self::E_ACCESSDENIED).
    MAPI_E_NO_ACCESS = 0x8007_0005;
    /// The handle is not valid.
    E_HANDLE = 0x8007_0006;
    /// Out of memory.
    E_OUTOFMEMORY = 0x8007_000E;
    /// MAPI's name for [`E_OUTOFMEMORY`](Self::E_OUTOFMEMORY).
    MAPI_E_NOT_ENOUGH_MEMORY = 0x8007_000E;
    /// One or more arguments are not valid.
    E_INVALIDARG = 0x8007_0057;
    /// MAPI's name for [`E_INVALIDARG`](Self::E_INVALIDARG).
    MAPI_E_INVALID_PARAMETER = 0x8007_0057;
    /// The operation is not supported.
    MAPI_E_NO_SUPPORT = 0x8004_0102;
    /// A flag bit the callee does not know was set.
    MAPI_E_UNKNOWN_FLAGS = 0x8004_0106;
    /// Busy.
    MAPI_E_BUSY = 0x8004_010B;
    /// Not found.
    MAPI_E_NOT_FOUND = 0x8004_010F;
    /// The user cancelled the operation.
    MAPI_E_USER_CANCEL = 0x8004_0113;
    /// A network error.
    MAPI_E_NETWORK_ERROR = 0x8004_0115;
    /// The session ended.
    MAPI_E_END_OF_SESSION = 0x8004_0200;
    /// Timed out.
    MAPI_E_TIMEOUT = 0x8004_0401;
    /// Cancelled.
    MAPI_E_CANCEL = 0x8004_0501;
    /// Warning: the call succeeded, but errors were returned for some items.
    MAPI_W_ERRORS_RETURNED = 0x0004_0380;
    /// Warning: the call completed only in part.
    MAPI_W_PARTIAL_COMPLETION = 0x0004_0680;
    /// Synchronization: ignore this item.
    SYNC_E_IGNORE = 0x8004_0801;
    /// Synchronization: conflict.
    SYNC_E_CONFLICT = 0x8004_0802;
    /// Synchronization warning: progress.
    SYNC_W_PROGRESS = 0x0004_0820;
}

impl HResult {
    /// Builds a MAPI error code: `MAKE_MAPI_E(code) = 0x80040000 | code`.
    ///
    /// ```
    /// # use mapisync::HResult;
    /// assert_eq!(HResult::make_mapi_e(0x113), HResult::MAPI_E_USER_CANCEL);
    /// ```
    pub const fn make_mapi_e(code: u16) -> HResult {
        HResult((0x8004_0000_u32 | code as u32) as i32)
    }

    /// Builds a MAPI success (warning) code: `MAKE_MAPI_S(code) = 0x00040000 | code`.
    ///
    /// ```
    /// # use mapisync::HResult;
    /// assert_eq!(HResult::make_mapi_s(0x680), HResult::MAPI_W_PARTIAL_COMPLETION);
    /// ```
    pub const fn make_mapi_s(code: u16) -> HResult {
        HResult((0x0004_0000_u32 | code as u32) as i32)
    }

    /// The code as the unsigned 32-bit value the reference writes (`0x80040113`).
    pub const fn as_u32(self) -> u32 {
        self.0 as u32
    }

    /// True for every code with the severity bit clear (`S_OK`, `S_FALSE`, `MAPI_W_*`, ...).
    pub const fn is_success(self) -> bool {
        self.0 >= 0
    }

    /// True for every code with the severity bit set.
    pub const fn is_failure(self) -> bool {
        self.0 < 0
    }

    /// True for a success code that carries a facility, the bit pattern of MAPI's warnings
    /// (`MAPI_W_*`, `SYNC_W_*`): the call succeeded but has something to say. `S_OK` and `S_FALSE`
    /// are not warnings.
    pub const fn is_warning(self) -> bool {
        self.is_success() && self.facility() != 0
    }

    /// The facility field (bits 16..=26); 4 (`FACILITY_ITF`) for MAPI's own codes.
    pub const fn facility(self) -> u16 {
        ((self.as_u32() >> 16) & 0x7FF) as u16
    }

    /// The code field (the low 16 bits).
    pub const fn code(self) -> u16 {
        (self.as_u32() & 0xFFFF) as u16
    }

    /// The first name the reference gives this code, if it has one.
    ///
    /// ```
    /// # use mapisync::HResult;
    /// assert_eq!(HResult::MAPI_E_INTERFACE_NOT_SUPPORTED.name(), Some("E_NOINTERFACE"));
    /// assert_eq!(HResult(7).name(), None);
    /// ```
    pub fn name(self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(code, _)| *code == self)
            .map(|(_, name)| *name)
    }
}

impl From<HRESULT> for HResult {
    fn from(raw: HRESULT) -> Self {
        HResult(raw)
    }
}

impl From<HResult> for HRESULT {
    fn from(hr: HResult) -> Self {
        hr.0
    }
}

impl fmt::Display for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:08X})", self.as_u32()),
            None => write!(f, "0x{:08X}", self.as_u32()),
        }
    }
}

impl fmt::Debug for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_displays_its_first_name() {
        for (code, name) in NAMES {
            let shown = code.to_string();
            let first = NAMES.iter().find(|(c, _)| c == code).unwrap().1;
            assert_eq!(shown, format!("{first} (0x{:08X})", code.as_u32()));
            assert!(shown.starts_with(first), "{name}");
        }
    }

    #[test]
    fn aliases_are_equal_and_show_the_first_name() {
        assert_eq!(
            HResult::E_NOINTERFACE,
            HResult::MAPI_E_INTERFACE_NOT_SUPPORTED
        );
        assert_eq!(HResult::E_ACCESSDENIED, HResult::MAPI_E_NO_ACCESS);
        assert_eq!(HResult::E_OUTOFMEMORY, HResult::MAPI_E_NOT_ENOUGH_MEMORY);
        assert_eq!(HResult::E_INVALIDARG, HResult::MAPI_E_INVALID_PARAMETER);
        assert_eq!(
            format!("{:?}", HResult::MAPI_E_INVALID_PARAMETER),
            "E_INVALIDARG (0x80070057)"
        );
    }

    #[test]
    fn values_match_the_reference() {
        assert_eq!(HResult::MAPI_E_USER_CANCEL.as_u32(), 0x8004_0113);
        assert_eq!(HResult::E_UNEXPECTED.as_u32(), 0x8000_FFFF);
        assert_eq!(HResult::SYNC_W_PROGRESS.as_u32(), 0x0004_0820);
        assert_eq!(HResult::make_mapi_e(0x801), HResult::SYNC_E_IGNORE);
        assert_eq!(HResult::MAPI_E_USER_CANCEL.facility(), 4);
        assert_eq!(HResult::MAPI_E_USER_CANCEL.code(), 0x113);
    }

    #[test]
    fn classification() {
        assert!(HResult::S_OK.is_success() && !HResult::S_OK.is_warning());
        assert!(HResult::SYNC_W_PROGRESS.is_warning());
        assert!(HResult::MAPI_W_ERRORS_RETURNED.is_warning());
        assert!(HResult::E_FAIL.is_failure() && !HResult::E_FAIL.is_warning());
        assert_eq!(HResult(0x7FFF_FFFF).to_string(), "0x7FFFFFFF");
    }
}
