//! Reading a UTF-16 string that arrives across the ABI, with a bound.

use widestring::U16CStr;

use crate::abi::WCHAR;
use crate::core::error::{Error, Result};

/// The longest text, in UTF-16 code units not counting the NUL terminator, that mapisync reads from
/// a pointer that crosses the ABI: 32 767, the most a Windows `UNICODE_STRING` can hold.
///
/// A string with no NUL among its first `MAX_TEXT_LEN + 1` code units is refused with
/// `E_INVALIDARG` ([`Error::TextTooLong`]) after reading exactly that many units, so a missing
/// terminator costs a bounded read, never a walk off into unmapped memory.
pub const MAX_TEXT_LEN: usize = 32_767;

/// Borrows the NUL-terminated UTF-16 string at `ptr`; `Ok(None)` for a null pointer ("no text").
/// Code units are kept as they are: unpaired surrogates survive.
///
/// # Safety
///
/// `ptr` is null, or valid for reads of every code unit up to and including its NUL terminator or
/// of `MAX_TEXT_LEN + 1` code units, whichever comes first; those units are not written while the
/// returned borrow, whose lifetime the caller chooses, is alive.
#[inline]
pub(crate) unsafe fn read_text<'a>(
    ptr: *const WCHAR,
    what: &'static str,
) -> Result<Option<&'a U16CStr>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let mut len = 0;
    // SAFETY: `len <= MAX_TEXT_LEN` on every read, and the caller guarantees the units up to the
    // terminator or to `MAX_TEXT_LEN + 1` units are readable; we stop at the first NUL.
    while unsafe { ptr.add(len).read() } != 0 {
        len += 1;
        if len > MAX_TEXT_LEN {
            return Err(too_long(what));
        }
    }
    // SAFETY: the loop read `len` non-NUL units followed by a NUL at `ptr + len`: `len + 1`
    // readable units, unchanged for `'a` by the caller's guarantee, with the NUL last and no other:
    // a valid slice for `from_raw_parts` (`ptr` is non-null and, being readable as `u16`s, aligned)
    // and exactly what `from_slice_unchecked` requires. (`from_ptr_unchecked` would do the same but
    // is not inlined across crates.)
    Ok(Some(unsafe {
        U16CStr::from_slice_unchecked(core::slice::from_raw_parts(ptr, len + 1))
    }))
}

/// The error for text with no NUL within the bound: out of line, so that `read_text` stays small
/// enough to inline into every thunk.
#[cold]
#[inline(never)]
fn too_long(what: &'static str) -> Error {
    Error::TextTooLong {
        what,
        limit: MAX_TEXT_LEN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_no_text() {
        // SAFETY: a null pointer is always accepted.
        assert_eq!(unsafe { read_text(core::ptr::null(), "t") }, Ok(None));
    }

    #[test]
    fn keeps_unpaired_surrogates() {
        let units = [0x48, 0xD800, 0xDC00, 0xDFFF, 0x21, 0];
        // SAFETY: `units` is NUL-terminated and outlives the borrow.
        let text = unsafe { read_text(units.as_ptr(), "t") }.unwrap().unwrap();
        assert_eq!(text.as_slice(), &units[..5]);
    }

    #[test]
    fn exactly_the_bound_is_accepted_one_more_is_refused() {
        let mut units = vec![0x61u16; MAX_TEXT_LEN + 1];
        *units.last_mut().unwrap() = 0;
        // SAFETY: NUL-terminated within the buffer.
        let text = unsafe { read_text(units.as_ptr(), "t") }.unwrap().unwrap();
        assert_eq!(text.len(), MAX_TEXT_LEN);

        // No terminator within MAX_TEXT_LEN + 1 units: the buffer is exactly that long, so a read
        // past the bound would be caught by Miri and the sanitizers.
        let units = vec![0x61u16; MAX_TEXT_LEN + 1];
        // SAFETY: MAX_TEXT_LEN + 1 readable units, which is all the function may read.
        let err = unsafe { read_text(units.as_ptr(), "pwcszProgress") }.unwrap_err();
        assert_eq!(
            err,
            Error::TextTooLong {
                what: "pwcszProgress",
                limit: MAX_TEXT_LEN
            }
        );
        assert_eq!(err.hresult(), crate::core::hresult::HResult::E_INVALIDARG);
    }
}
