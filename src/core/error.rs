//! `Error`: what went wrong, in words, with the HRESULT that crosses the ABI for it.

use crate::core::hresult::HResult;

/// Everything that can go wrong in mapisync, each case carrying the failure [`HResult`] that goes
/// back across the ABI for it ([`Error::hresult`]).
///
/// An `Error` never holds a success code, so it can never cross the ABI as one: the variants that
/// carry a caller's code hold a [`Failure`], which only a failure code can become. Converting a
/// success code (`Error::from(HResult::S_FALSE)`, `Error::new(HResult::S_OK, ..)`) gives
/// [`Error::SuccessCode`], whose HRESULT is `E_UNEXPECTED` and whose message names the original.
///
/// ```
/// use mapisync::{Error, HResult};
///
/// let e = Error::from(HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(e.hresult(), HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(e.to_string(), "the call failed with MAPI_E_USER_CANCEL (0x80040113)");
///
/// let e = Error::from(HResult::S_FALSE);
/// assert_eq!(e.hresult(), HResult::E_UNEXPECTED);
/// assert!(e.to_string().contains("S_FALSE"));
///
/// let e = Error::new(HResult::MAPI_E_NETWORK_ERROR, "imap: connection reset");
/// assert_eq!(HResult::from(e), HResult::MAPI_E_NETWORK_ERROR);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call returned a failure code (from a foreign object, or chosen by an implementation).
    #[error("the call failed with {0}")]
    Failed(Failure),

    /// A failure code with a description of what happened.
    #[error("{message} ({hresult})")]
    Described {
        /// The failure code that crosses the ABI.
        hresult: Failure,
        /// What happened, in words.
        message: String,
    },

    /// A success code was offered where an error was expected. Crosses the ABI as `E_UNEXPECTED`.
    #[error("{0} is a success code, not an error")]
    SuccessCode(HResult),

    /// A pointer that must not be null was null. Crosses the ABI as `E_POINTER`.
    #[error("null pointer: {what}")]
    NullPointer {
        /// Which pointer.
        what: &'static str,
    },

    /// A string that arrived across the ABI has no NUL terminator within the bound
    /// ([`MAX_TEXT_LEN`](crate::MAX_TEXT_LEN) code units). Crosses the ABI as `E_INVALIDARG`.
    #[error(
        "{what} is longer than {limit} UTF-16 code units (no NUL terminator within the bound)"
    )]
    TextTooLong {
        /// Which string.
        what: &'static str,
        /// The bound, in code units, not counting the terminator.
        limit: usize,
    },

    /// An implementation panicked; the panic was caught before it could cross the ABI.
    /// Crosses the ABI as `E_UNEXPECTED`.
    #[error("{method} panicked: {message}")]
    Panicked {
        /// The method that panicked, e.g. `IMAPISyncProgressCallback::Progress`.
        method: &'static str,
        /// The panic payload, when it was a string.
        message: String,
    },

    /// A GUID string that is not in registry form. Crosses the ABI as `E_INVALIDARG`.
    #[error(
        "not a GUID in registry form {{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}}: {input:?}: {reason}"
    )]
    InvalidGuid {
        /// The text that was offered.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl Error {
    /// A failure `hresult` with a description. A success code becomes [`Error::SuccessCode`].
    pub fn new(hresult: HResult, message: impl Into<String>) -> Error {
        match Failure::new(hresult) {
            Some(hresult) => Error::Described {
                hresult,
                message: message.into(),
            },
            None => Error::SuccessCode(hresult),
        }
    }

    /// The failure code that crosses the ABI for this error. Never a success code.
    pub fn hresult(&self) -> HResult {
        match self {
            Error::Failed(failure)
            | Error::Described {
                hresult: failure, ..
            } => failure.hresult(),
            Error::SuccessCode(_) | Error::Panicked { .. } => HResult::E_UNEXPECTED,
            Error::NullPointer { .. } => HResult::E_POINTER,
            Error::TextTooLong { .. } | Error::InvalidGuid { .. } => HResult::E_INVALIDARG,
        }
    }
}

impl From<HResult> for Error {
    /// A failure code becomes [`Error::Failed`]; a success code becomes [`Error::SuccessCode`].
    fn from(hr: HResult) -> Error {
        match Failure::new(hr) {
            Some(failure) => Error::Failed(failure),
            None => Error::SuccessCode(hr),
        }
    }
}

/// A failure HRESULT (severity bit set): what [`Error::Failed`] and [`Error::Described`] carry.
/// Only a failure code becomes one, so no `Error` can hold a success code.
///
/// ```
/// use mapisync::{Failure, HResult};
///
/// let cancel = Failure::new(HResult::MAPI_E_USER_CANCEL).unwrap();
/// assert_eq!(cancel.hresult(), HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(cancel, HResult::MAPI_E_USER_CANCEL);
/// assert_eq!(cancel.to_string(), "MAPI_E_USER_CANCEL (0x80040113)");
/// assert!(Failure::new(HResult::S_OK).is_none());
/// assert!(Failure::new(HResult::MAPI_W_PARTIAL_COMPLETION).is_none());
/// ```
///
/// A success code cannot be put into an error by hand:
///
/// ```compile_fail,E0308
/// use mapisync::{Error, HResult};
///
/// let e = Error::Failed(HResult::S_OK); // expects a `Failure`
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Failure(HResult);

impl Failure {
    /// `hr` as a `Failure`, or `None` for a success code (warnings included).
    pub const fn new(hr: HResult) -> Option<Failure> {
        if hr.is_failure() {
            Some(Failure(hr))
        } else {
            None
        }
    }

    /// The failure code.
    pub const fn hresult(self) -> HResult {
        self.0
    }
}

impl core::fmt::Debug for Failure {
    /// As the code's own `Debug`: `E_FAIL (0x80004005)`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.0, f)
    }
}

impl core::fmt::Display for Failure {
    /// As the code's own `Display`: `E_FAIL (0x80004005)`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.0, f)
    }
}

impl PartialEq<HResult> for Failure {
    fn eq(&self, other: &HResult) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Failure> for HResult {
    fn eq(&self, other: &Failure) -> bool {
        *self == other.0
    }
}

impl From<Failure> for HResult {
    fn from(failure: Failure) -> HResult {
        failure.0
    }
}

impl From<Error> for HResult {
    fn from(error: Error) -> HResult {
        error.hresult()
    }
}

impl HResult {
    /// `Ok(())` for any success code (warnings included), `Err` carrying the code for a failure.
    ///
    /// ```
    /// # use mapisync::HResult;
    /// assert!(HResult::S_FALSE.ok().is_ok());
    /// assert_eq!(HResult::E_FAIL.ok().unwrap_err().hresult(), HResult::E_FAIL);
    /// ```
    pub fn ok(self) -> Result<()> {
        if self.is_success() {
            Ok(())
        } else {
            Err(Error::from(self))
        }
    }
}

/// `core::result::Result` with mapisync's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_error_holds_a_success_code() {
        for hr in [HResult::S_OK, HResult::S_FALSE, HResult::SYNC_W_PROGRESS] {
            assert_eq!(Error::from(hr).hresult(), HResult::E_UNEXPECTED);
            assert_eq!(Error::new(hr, "x").hresult(), HResult::E_UNEXPECTED);
            assert!(Error::from(hr).to_string().contains(&hr.to_string()));
        }
    }

    #[test]
    fn no_variant_can_hold_a_success_code() {
        // The variants that carry a caller's code hold a `Failure`, made only from a failure.
        for hr in [
            HResult::S_OK,
            HResult::S_FALSE,
            HResult::MAPI_W_ERRORS_RETURNED,
        ] {
            assert_eq!(Failure::new(hr), None, "{hr}");
        }
        let failure = Failure::new(HResult::E_FAIL).unwrap();
        assert_eq!(Error::Failed(failure).hresult(), HResult::E_FAIL);
        let described = Error::Described {
            hresult: failure,
            message: "imap".into(),
        };
        assert_eq!(described.hresult(), HResult::E_FAIL);
        assert_eq!(described.to_string(), "imap (E_FAIL (0x80004005))");
        assert_eq!(
            Error::Failed(failure).to_string(),
            "the call failed with E_FAIL (0x80004005)"
        );
    }

    #[test]
    fn each_case_has_its_code() {
        assert_eq!(
            Error::NullPointer { what: "ppv" }.hresult(),
            HResult::E_POINTER
        );
        let long = Error::TextTooLong {
            what: "pwcszProgress",
            limit: 3,
        };
        assert_eq!(long.hresult(), HResult::E_INVALIDARG);
        assert!(long.to_string().contains("pwcszProgress"));
        let panicked = Error::Panicked {
            method: "IMAPISyncProgressCallback::Done",
            message: "boom".into(),
        };
        assert_eq!(panicked.hresult(), HResult::E_UNEXPECTED);
        assert_eq!(
            panicked.to_string(),
            "IMAPISyncProgressCallback::Done panicked: boom"
        );
    }

    #[test]
    fn errors_are_send_sync_static() {
        fn check<T: std::error::Error + Send + Sync + 'static>() {}
        check::<Error>();
    }
}
