//! Reading a UTF-16 string that arrives across the ABI, with a bound.

use widestring::{U16CStr, U16CString};

use crate::abi::WCHAR;
use crate::core::error::{Error, Result};

/// The longest text, in UTF-16 code units not counting the NUL terminator, that mapisync reads from
/// a pointer that crosses the ABI: 32 767, the most a Windows `UNICODE_STRING` can hold.
///
/// A string with no NUL among its first `MAX_TEXT_LEN + 1` code units is refused with
/// `E_INVALIDARG` ([`Error::TextTooLong`]) after reading exactly that many units, so a missing
/// terminator costs a bounded read, never a walk off into unmapped memory. A pointer at an odd
/// address (C allows one on x86; packed buffers make them) is read the same way, into an aligned
/// copy that the implementation borrows for the call.
///
/// Going the other way, Rust text that mapisync itself turns into UTF-16 for the ABI (a
/// [`SyncWorker`](crate::SyncWorker)'s panic message, [`SyncContext::progress_str`] and
/// [`SyncContext::error_str`]) is cut to fit, never refused: ended at `MAX_TEXT_LEN` code units on
/// a character boundary, with `…` as its last character.
///
/// [`SyncContext::progress_str`]: crate::SyncContext::progress_str
/// [`SyncContext::error_str`]: crate::SyncContext::error_str
pub const MAX_TEXT_LEN: usize = 32_767;

/// Borrows the NUL-terminated UTF-16 string at `ptr`; `Ok(None)` for a null pointer ("no text").
/// Code units are kept as they are: unpaired surrogates survive.
///
/// # Safety
///
/// `ptr` is null, or aligned for `u16` (see [`read_text_unaligned`]) and valid for reads of every
/// code unit up to and including its NUL terminator or
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
    // a valid slice for `from_raw_parts` (`ptr` is non-null and aligned by the caller's guarantee)
    // and exactly what `from_slice_unchecked` requires. (`from_ptr_unchecked` would do the same but
    // is not inlined across crates.)
    Ok(Some(unsafe {
        U16CStr::from_slice_unchecked(core::slice::from_raw_parts(ptr, len + 1))
    }))
}

/// [`read_text`] for a pointer that is not aligned for `u16` (C allows one on x86; packed buffers
/// make them): the same bounded read, unit by unit with unaligned loads, into an aligned copy.
/// Out of line: the aligned path never pays for it.
///
/// # Safety
///
/// As for [`read_text`], but `ptr` is not null and need not be aligned.
#[cold]
#[inline(never)]
pub(crate) unsafe fn read_text_unaligned(
    ptr: *const WCHAR,
    what: &'static str,
) -> Result<U16CString> {
    let mut units = Vec::new();
    loop {
        // SAFETY: `units.len() <= MAX_TEXT_LEN` on every read (checked below before it grows
        // past), and the caller guarantees the units up to the terminator or to `MAX_TEXT_LEN + 1`
        // units are readable; `read_unaligned` asks no alignment.
        let unit = unsafe { ptr.add(units.len()).read_unaligned() };
        if unit == 0 {
            break;
        }
        if units.len() == MAX_TEXT_LEN {
            return Err(too_long(what));
        }
        units.push(unit);
    }
    // No NUL among `units`: the terminator is appended, nothing is cut.
    Ok(U16CString::from_vec_truncate(units))
}

/// Rust text as the ABI carries it: UTF-16, ended by the first NUL if it has one (the ABI cannot
/// carry an interior NUL), and cut to fit [`MAX_TEXT_LEN`] code units if longer, on a character
/// boundary (never between the two halves of a surrogate pair), with `…` as its last character
/// to show the cut. Text that fits is passed whole.
pub(crate) fn fit_text(text: &str) -> U16CString {
    let mut units = U16CString::from_str_truncate(text).into_vec();
    if units.len() > MAX_TEXT_LEN {
        units.truncate(MAX_TEXT_LEN - 1);
        // A high surrogate last is the first half of a pair whose second half was cut off.
        if units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
        }
        units.push(0x2026); // '…'
    }
    // `from_str_truncate` ended the text at its first NUL: none is left among `units`.
    U16CString::from_vec_truncate(units)
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
    #[cfg_attr(miri, ignore = "safe code only, and minutes on Miri's clock")]
    fn fit_text_cuts_long_text_on_a_character_boundary() {
        assert_eq!(fit_text("Inbox").to_string_lossy(), "Inbox");
        assert_eq!(fit_text("In\0box").to_string_lossy(), "In");
        let exact = "a".repeat(MAX_TEXT_LEN);
        assert_eq!(fit_text(&exact).len(), MAX_TEXT_LEN);

        let long = "a".repeat(MAX_TEXT_LEN + 10);
        let cut = fit_text(&long);
        assert_eq!(cut.len(), MAX_TEXT_LEN);
        assert!(cut.to_string().unwrap().ends_with("a…"));

        // A pair whose halves would straddle the cut goes whole or not at all.
        for lead in [MAX_TEXT_LEN - 3, MAX_TEXT_LEN - 2, MAX_TEXT_LEN - 1] {
            let text = format!("{}{}", "a".repeat(lead), "📬".repeat(10));
            let cut = fit_text(&text);
            assert!(cut.len() <= MAX_TEXT_LEN, "{lead}");
            let back = cut.to_string().expect("no lone surrogate");
            assert!(back.ends_with('…'), "{lead}");
        }
    }

    #[test]
    fn an_unaligned_pointer_reads_the_same_text_into_a_copy() {
        // "Hi" then NUL, starting one byte into a buffer: every unit is misaligned.
        let mut bytes = vec![0u8; 1 + 2 * (MAX_TEXT_LEN + 2)];
        let units = [0x48u16, 0xD800, 0x69, 0];
        for (i, u) in units.iter().enumerate() {
            bytes[1 + 2 * i..3 + 2 * i].copy_from_slice(&u.to_ne_bytes());
        }
        let ptr = bytes[1..].as_ptr().cast::<WCHAR>();
        // SAFETY: NUL-terminated within the buffer; unaligned reads only.
        let text = unsafe { read_text_unaligned(ptr, "t") }.unwrap();
        assert_eq!(text.as_slice(), &units[..3]);

        // No terminator within the bound: refused after MAX_TEXT_LEN + 1 units, as aligned.
        let mut bytes = vec![0x61u8; 1 + 2 * (MAX_TEXT_LEN + 1)];
        bytes[0] = 0;
        let ptr = bytes[1..].as_ptr().cast::<WCHAR>();
        // SAFETY: MAX_TEXT_LEN + 1 readable units, which is all the function may read.
        let err = unsafe { read_text_unaligned(ptr, "pwcszProgress") }.unwrap_err();
        assert!(matches!(err, Error::TextTooLong { .. }), "{err}");
    }

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
