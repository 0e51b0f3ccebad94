//! Where a failing assertion leaves its picture of the run: `$MAPISYNC_ARTIFACTS` (by default the
//! system temp folder's `mapisync/`), as `<test name>.svg`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the folder the pictures go to.
pub(crate) const ARTIFACTS: &str = "MAPISYNC_ARTIFACTS";

/// Writes `svg` as `<test name>.svg` into the artifacts folder, the test named by the current
/// thread (as the test harness names its threads), and returns the line a panic message ends
/// with: where the picture is, or why it could not be written. Never panics: a failure to write
/// never turns the test's failure into another one.
pub(crate) fn write_timeline(svg: &str) -> String {
    let folder = match std::env::var_os(ARTIFACTS) {
        Some(folder) if !folder.is_empty() => PathBuf::from(folder),
        _ => std::env::temp_dir().join("mapisync"),
    };
    let path = folder.join(file_name(std::thread::current().name()));
    let written = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, svg));
    match written {
        Ok(()) => format!("the run as a picture: {}", path.display()),
        Err(e) => format!(
            "the run as a picture could not be written to {}: {e}",
            path.display()
        ),
    }
}

/// `<name>.svg` for a test named `name`, safe on every platform; a unique name where there is
/// no test name (no thread name, or the main thread's).
pub(crate) fn file_name(name: Option<&str>) -> String {
    match name.filter(|&n| n != "main").and_then(safe) {
        Some(safe) => format!("{safe}.svg"),
        None => {
            static RUNS: AtomicU64 = AtomicU64::new(0);
            let n = RUNS.fetch_add(1, Ordering::Relaxed);
            // The wall clock tells apart two processes that had the same id; Miri's isolation
            // has no wall clock, and one process.
            let nanos = if cfg!(miri) {
                0
            } else {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos())
            };
            format!("run-{}-{n}-{nanos}.svg", std::process::id())
        }
    }
}

/// The longest name kept, in bytes: with `.svg`, well within every file system's 255.
const MAX_NAME: usize = 200;

/// `name` made a file name every platform takes: no `< > : " / \ | ? *` or control character
/// (each becomes `_`), no trailing dot or space, not a name Windows reserves for a device (`CON`,
/// `NUL`, `COM1`, ...: prefixed with `_`), at most [`MAX_NAME`] bytes; `None` when nothing is
/// left.
fn safe(name: &str) -> Option<String> {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if out.len() > MAX_NAME {
        let mut end = MAX_NAME;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start_matches(' ');
    if trimmed.is_empty() {
        return None;
    }
    let stem = trimmed.split('.').next().unwrap_or(trimmed).trim_end();
    let reserved = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        .iter()
        .any(|r| stem.eq_ignore_ascii_case(r))
        || (stem.len() == 4
            && ["COM", "LPT"]
                .iter()
                .any(|p| stem.get(..3).is_some_and(|s| s.eq_ignore_ascii_case(p)))
            && stem.as_bytes()[3].is_ascii_digit());
    Some(if reserved {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_become_safe_file_names() {
        let cases = [
            ("module::a_test", "module__a_test.svg"),
            ("a<b>c:d\"e/f\\g|h?i*j", "a_b_c_d_e_f_g_h_i_j.svg"),
            ("ends with dots. . ", "ends with dots.svg"),
            ("con", "_con.svg"),
            ("CON.txt", "_CON.txt.svg"),
            ("Com1", "_Com1.svg"),
            ("lpt9", "_lpt9.svg"),
            ("com", "com.svg"),
            ("console", "console.svg"),
            ("tab\there", "tab_here.svg"),
        ];
        for (name, file) in cases {
            assert_eq!(file_name(Some(name)), file, "{name:?}");
        }
        let long = "é".repeat(150);
        let file = file_name(Some(&long));
        assert!(
            file.len() <= MAX_NAME + 4 && file.ends_with("é.svg"),
            "{file}"
        );
    }

    #[test]
    fn without_a_test_name_every_name_is_new() {
        for name in [None, Some("main"), Some(". ."), Some("")] {
            let a = file_name(name);
            let b = file_name(name);
            assert!(a.starts_with("run-") && a.ends_with(".svg"), "{a}");
            assert_ne!(a, b);
        }
    }
}
