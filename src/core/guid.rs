//! `GUID` in registry form: display and parse.

use core::fmt;
use core::str::FromStr;

use crate::abi::GUID;
use crate::core::error::Error;

impl GUID {
    /// The GUID whose registry form spells `value` in hex, digit for digit.
    ///
    /// ```
    /// use mapisync::abi::{GUID, IID_IMAPISync};
    ///
    /// assert_eq!(GUID::from_u128(0x5024A385_2D44_486A_81A8_8F0ECB6071DD), IID_IMAPISync);
    /// ```
    pub const fn from_u128(value: u128) -> GUID {
        GUID {
            Data1: (value >> 96) as u32,
            Data2: (value >> 80) as u16,
            Data3: (value >> 64) as u16,
            Data4: (value as u64).to_be_bytes(),
        }
    }

    /// The inverse of [`GUID::from_u128`].
    pub const fn to_u128(self) -> u128 {
        ((self.Data1 as u128) << 96)
            | ((self.Data2 as u128) << 80)
            | ((self.Data3 as u128) << 64)
            | u64::from_be_bytes(self.Data4) as u128
    }
}

impl fmt::Display for GUID {
    /// Registry form, upper case, with braces: `{5024A386-2D44-486A-81A8-8F0ECB6071DD}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.Data4;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
            self.Data1, self.Data2, self.Data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

impl FromStr for GUID {
    type Err = Error;

    /// Parses registry form, `{5024A386-2D44-486A-81A8-8F0ECB6071DD}`, in either case. The braces
    /// may be left off together; anything else (a missing dash, a wrong group length, a non-hex
    /// digit) is [`Error::InvalidGuid`], whose message says what is wrong.
    ///
    /// ```
    /// use mapisync::abi::{GUID, IID_IMAPISyncProgressCallback};
    ///
    /// let iid: GUID = "{5024a386-2d44-486a-81a8-8f0ecb6071dd}".parse()?;
    /// assert_eq!(iid, IID_IMAPISyncProgressCallback);
    /// assert!("{5024A386-2D44-486A-81A8}".parse::<GUID>().is_err());
    /// # Ok::<(), mapisync::Error>(())
    /// ```
    fn from_str(input: &str) -> Result<GUID, Error> {
        let invalid = |reason| Error::InvalidGuid {
            input: input.to_owned(),
            reason,
        };
        let body = match (input.strip_prefix('{'), input.strip_suffix('}')) {
            (Some(_), Some(_)) if input.len() >= 2 => &input[1..input.len() - 1],
            (None, None) => input,
            _ => return Err(invalid("unbalanced braces")),
        };
        let bytes = body.as_bytes();
        if bytes.len() != 36 {
            return Err(invalid("expected 32 hex digits in groups of 8-4-4-4-12"));
        }
        let mut value: u128 = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return Err(invalid("expected a dash between the groups 8-4-4-4-12"));
                }
                continue;
            }
            let digit = (b as char)
                .to_digit(16)
                .ok_or_else(|| invalid("contains a character that is not a hex digit"))?;
            value = (value << 4) | u128::from(digit);
        }
        Ok(GUID::from_u128(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{IID_IMAPISync, IID_IMAPISyncProgressCallback, IID_IUnknown};
    use proptest::prelude::*;

    #[test]
    fn displays_the_reference_iids() {
        assert_eq!(
            IID_IMAPISyncProgressCallback.to_string(),
            "{5024A386-2D44-486A-81A8-8F0ECB6071DD}"
        );
        assert_eq!(
            IID_IMAPISync.to_string(),
            "{5024A385-2D44-486A-81A8-8F0ECB6071DD}"
        );
        assert_eq!(
            IID_IUnknown.to_string(),
            "{00000000-0000-0000-C000-000000000046}"
        );
    }

    #[test]
    fn rejects_malformed_text_with_a_reason() {
        for (text, why) in [
            ("", "groups"),
            ("{}", "groups"),
            ("{5024A386-2D44-486A-81A8-8F0ECB6071DD", "braces"),
            ("5024A386-2D44-486A-81A8-8F0ECB6071DD}", "braces"),
            ("{5024A386+2D44-486A-81A8-8F0ECB6071DD}", "dash"),
            ("{5024A386-2D44-486A-81A8-8F0ECB6071DG}", "hex digit"),
            ("{5024A386-2D44-486A-81A8-8F0ECB6071DDD}", "groups"),
            ("{5024A386-2D44-486A-81A8-8F0ECB6071é}", "hex digit"),
        ] {
            let err = text.parse::<GUID>().unwrap_err();
            assert!(err.to_string().contains(why), "{text:?}: {err}");
            assert_eq!(err.hresult(), crate::core::hresult::HResult::E_INVALIDARG);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 16 } else { 256 }))]

        #[test]
        fn display_then_parse_is_identity(value: u128) {
            let guid = GUID::from_u128(value);
            prop_assert_eq!(guid.to_u128(), value);
            prop_assert_eq!(guid.to_string().parse::<GUID>().unwrap(), guid);
            let bare = guid.to_string().trim_matches(|c| c == '{' || c == '}').to_lowercase();
            prop_assert_eq!(bare.parse::<GUID>().unwrap(), guid);
        }
    }
}
