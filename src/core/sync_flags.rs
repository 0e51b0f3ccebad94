//! `SyncFlags`: the `SYNC_*` bits of `MAPISIB.ulFlags`.

use crate::core::error::{Error, Result};
use crate::core::hresult::HResult;

bitflags::bitflags! {
    /// The `SYNC_*` bits of `MAPISIB.ulFlags`. The reference says "one of", but they are
    /// distinct bits and hosts combine them.
    ///
    /// A bit outside this set is refused: [`SyncFlags::from_raw`] gives an [`Error`] whose HRESULT
    /// is `MAPI_E_UNKNOWN_FLAGS`, and so does `SynchronizeInBackground` at the ABI.
    ///
    /// ```
    /// use mapisync::{HResult, SyncFlags};
    ///
    /// let flags = SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS;
    /// assert_eq!(flags.bits(), 0x82);
    /// assert_eq!(SyncFlags::from_raw(0x82)?, flags);
    /// let err = SyncFlags::from_raw(0x82 | 0x4).unwrap_err();
    /// assert_eq!(err.hresult(), HResult::MAPI_E_UNKNOWN_FLAGS);
    /// # Ok::<(), mapisync::Error>(())
    /// ```
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
    pub struct SyncFlags: u32 {
        /// `SYNC_UPLOAD_HIERARCHY`: push folder hierarchy changes to the server.
        const UPLOAD_HIERARCHY = 0x0000_0001;
        /// `SYNC_DOWNLOAD_HIERARCHY`: pull folder hierarchy changes.
        const DOWNLOAD_HIERARCHY = 0x0000_0002;
        /// `SYNC_UPLOAD_CONTENTS`: push message changes.
        const UPLOAD_CONTENTS = 0x0000_0040;
        /// `SYNC_DOWNLOAD_CONTENTS`: pull message changes.
        const DOWNLOAD_CONTENTS = 0x0000_0080;
        /// `SYNC_OUTGOING_MAIL`: send mail (documented as not in use).
        const OUTGOING_MAIL = 0x0000_0200;
        /// `SYNC_BACKGROUND`: listed on the constants page only.
        const BACKGROUND = 0x0000_1000;
        /// `SYNC_THESE_FOLDERS`: listed on the constants page only.
        const THESE_FOLDERS = 0x0002_0000;
        /// `SYNC_GLOBAL_HEADERS` (also `SYNC_HEADERS`): headers only, not full bodies.
        const GLOBAL_HEADERS = 0x0200_0000;
        /// `SYNC_ON_DEMAND`: started by the user, higher priority.
        const ON_DEMAND = 0x2000_0000;
    }
}

impl SyncFlags {
    /// `SYNC_HEADERS`, the other name of [`SyncFlags::GLOBAL_HEADERS`].
    pub const HEADERS: SyncFlags = SyncFlags::GLOBAL_HEADERS;

    /// The flags `raw` holds, or an error naming the unknown bits (`MAPI_E_UNKNOWN_FLAGS`).
    pub fn from_raw(raw: u32) -> Result<SyncFlags> {
        SyncFlags::from_bits(raw).ok_or_else(|| {
            Error::new(
                HResult::MAPI_E_UNKNOWN_FLAGS,
                format!(
                    "flags 0x{raw:08X} hold bits no SYNC_* flag defines: 0x{:08X}",
                    raw & !SyncFlags::all().bits()
                ),
            )
        })
    }
}

impl core::fmt::Display for SyncFlags {
    /// The reference's names joined by `|`, `SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS`;
    /// `0` for no flag.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.is_empty() {
            return f.write_str("0");
        }
        for (i, (name, _)) in self.iter_names().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "SYNC_{name}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_bit_is_known_and_nothing_else() {
        assert_eq!(SyncFlags::all().bits(), 0x2202_12C3);
        for bit in 0..32 {
            let raw = 1u32 << bit;
            assert_eq!(
                SyncFlags::from_raw(raw).is_ok(),
                SyncFlags::all().bits() & raw != 0
            );
        }
        assert_eq!(
            (SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::GLOBAL_HEADERS).to_string(),
            "SYNC_DOWNLOAD_HIERARCHY | SYNC_GLOBAL_HEADERS"
        );
        assert_eq!(SyncFlags::empty().to_string(), "0");
        let err = SyncFlags::from_raw(0x8000_0001).unwrap_err();
        assert!(err.to_string().contains("0x80000000"), "{err}");
    }
}
