//! Counting instructions with callgrind, for the benchmarks that compare deterministic counts:
//! the benchmark binary runs itself under valgrind as `<binary> run NAME N`, once per count.

use std::process::Command;

/// Instructions callgrind counted for the operation `name` run `n` times in a fresh process of
/// this binary, or `None` if valgrind failed.
pub fn count(name: &str, n: u64) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["run", name, &n.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // The summary on stderr: "==pid== Collected : 1234567".
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|line| line.split("Collected :").nth(1)?.trim().parse().ok())
}

/// Whether valgrind is installed and runs.
pub fn valgrind_works() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
