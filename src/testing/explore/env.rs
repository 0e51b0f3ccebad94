//! What the environment says: `MAPISYNC_EXPLORE_SEED` and `MAPISYNC_EXPLORE_CASES` override the
//! seed and the count of random cases, and the test's name (libtest names each test's thread
//! after it) makes the shell line that replays an exploration.

use std::env::{self, VarError};
use std::fmt::Display;
use std::str::FromStr;
use std::thread;

/// The variable that overrides `Explore::seed`.
pub(super) const SEED: &str = "MAPISYNC_EXPLORE_SEED";

/// The variable that overrides `Explore::cases`.
pub(super) const CASES: &str = "MAPISYNC_EXPLORE_CASES";

/// The value of `name` read as a `T`, from `read` (the environment, or a test's stand-in);
/// `None` when it is unset or empty.
///
/// # Panics
///
/// When it is set to anything but a decimal number `T` holds: an override that is not what its
/// author meant must not pass unnoticed.
pub(super) fn override_number<T>(
    name: &str,
    read: impl Fn(&str) -> Result<String, VarError>,
) -> Option<T>
where
    T: FromStr + Bounded,
{
    let value = match read(name) {
        Err(VarError::NotPresent) => return None,
        Err(VarError::NotUnicode(value)) => malformed_override::<T>(name, &format!("{value:?}")),
        Ok(value) => value,
    };
    if value.trim().is_empty() {
        return None;
    }
    match value.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => malformed_override::<T>(name, &format!("{value:?}")),
    }
}

fn malformed_override<T: Bounded>(name: &str, value: &str) -> ! {
    panic!(
        "{name} is set to {value}: it must be a decimal number from 0 to {} (or unset, or empty, \
         to keep what the test sets)",
        T::MAX_TEXT
    )
}

/// The largest value of a number type, as text, for the message of a malformed override.
pub(super) trait Bounded {
    /// The largest value.
    const MAX_TEXT: &'static str;
}

impl Bounded for u64 {
    const MAX_TEXT: &'static str = "18446744073709551615";
}

impl Bounded for u32 {
    const MAX_TEXT: &'static str = "4294967295";
}

/// The name of the test running on this thread, as libtest names the thread: `None` on a thread
/// without a name or on the main thread (a test run with one thread, or no test at all).
pub(super) fn test_name() -> Option<String> {
    thread::current()
        .name()
        .filter(|name| *name != "main")
        .map(str::to_owned)
}

/// The shell line that runs the exploration again with the same random scripts: the seed (and
/// the count of cases, when it came from the environment too) and the test.
pub(super) fn replay_line(seed: u64, cases: Option<impl Display>, test: Option<&str>) -> String {
    let mut line = format!("{SEED}={seed} ");
    if let Some(cases) = cases {
        line.push_str(&format!("{CASES}={cases} "));
    }
    match test {
        Some(test) => line.push_str(&format!("cargo test {test} -- --exact")),
        None => line.push_str("cargo test <the test's name> -- --exact"),
    }
    line
}

/// Reads the real environment.
pub(super) fn var(name: &str) -> Result<String, VarError> {
    env::var(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(value: &'static str) -> impl Fn(&str) -> Result<String, VarError> {
        move |_| Ok(value.to_owned())
    }

    #[test]
    fn unset_or_empty_keeps_what_the_test_sets() {
        assert_eq!(
            override_number::<u64>(SEED, |_| Err(VarError::NotPresent)),
            None
        );
        assert_eq!(override_number::<u64>(SEED, reading("  ")), None);
        assert_eq!(override_number::<u64>(SEED, reading(" 1234\n")), Some(1234));
        assert_eq!(override_number::<u32>(CASES, reading("0")), Some(0));
    }

    #[test]
    #[should_panic(
        expected = "MAPISYNC_EXPLORE_CASES is set to \"-3\": it must be a decimal number from 0 \
                    to 4294967295"
    )]
    fn a_malformed_value_is_a_clear_panic() {
        let _ = override_number::<u32>(CASES, reading("-3"));
    }

    #[test]
    #[should_panic(expected = "MAPISYNC_EXPLORE_SEED is set to \"0x10\"")]
    fn a_hexadecimal_seed_is_not_taken_for_another_number() {
        let _ = override_number::<u64>(SEED, reading("0x10"));
    }

    #[test]
    fn the_replay_line_names_the_seed_the_cases_and_the_test() {
        assert_eq!(
            replay_line(7, None::<u32>, Some("explore::finds_it")),
            "MAPISYNC_EXPLORE_SEED=7 cargo test explore::finds_it -- --exact"
        );
        assert_eq!(
            replay_line(7, Some(30), None),
            "MAPISYNC_EXPLORE_SEED=7 MAPISYNC_EXPLORE_CASES=30 cargo test <the test's name> -- \
             --exact"
        );
    }
}
