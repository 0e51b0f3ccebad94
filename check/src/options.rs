//! The command line, and the `Explore` it asks for: one function per option that shapes it.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mapisync::testing::Explore;
use mapisync::SyncFlags;

/// Checks a store provider's shared library: loads it, makes stores with its factory and explores
/// each under every host behaviour that matters (Cancel at each step, failures to Error and Done,
/// random scripts). Exit status: 0 passed, 1 the provider failed, 2 the check could not run.
#[derive(Parser, Debug)]
#[command(name = "mapisync-check", version)]
pub struct Cli {
    /// The provider: a .so, .dylib or .dll path.
    #[arg(value_name = "LIBRARY")]
    pub library: PathBuf,
    /// The factory's exported name: `HRESULT NAME(IUnknown **out)`, one new store per call.
    #[arg(long, value_name = "NAME", default_value = "mapisync_make_store")]
    pub entry: String,
    /// Comma-separated header names or numbers, e.g. SYNC_DOWNLOAD_HIERARCHY,SYNC_DOWNLOAD_CONTENTS
    /// (the default) or 0x82.
    #[arg(long, value_name = "LIST", value_parser = parse_flags)]
    pub flags: Option<SyncFlags>,
    /// Warnings fail too.
    #[arg(long)]
    pub strict: bool,
    /// Random scripts after the systematic pass (0: systematic alone). Default:
    /// MAPISYNC_EXPLORE_CASES, else 256.
    #[arg(long, value_name = "N")]
    pub cases: Option<u32>,
    /// The seed random scripts are drawn from. Default: MAPISYNC_EXPLORE_SEED, else 0.
    #[arg(long, value_name = "N", value_parser = parse_number)]
    pub seed: Option<u64>,
    /// Per scenario, in milliseconds (default 5000).
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Scenarios at a time, on as many threads of the worker (a crash then makes the check run
    /// again one at a time, to know which scenario crashed).
    #[arg(long, value_name = "N", default_value = "1")]
    pub jobs: NonZeroUsize,
    /// Go on after the first failure, and report every failure (else the exploration stops at
    /// the first).
    #[arg(long)]
    pub all_failures: bool,
    /// Writes a JUnit XML report: one `<testcase>` per scenario class.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Writes one self-contained HTML page: the summary and every failure reported.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// What the worker process needs of the options, as it travels on its command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub flags: SyncFlags,
    pub strict: bool,
    pub cases: u32,
    pub seed: u64,
    pub timeout_ms: u64,
    pub jobs: usize,
    pub all_failures: bool,
}

impl Settings {
    /// The settings of `cli`, with the environment's where an option is absent.
    pub fn from_cli(cli: &Cli) -> Result<Settings, String> {
        Ok(Settings {
            flags: cli
                .flags
                .unwrap_or(SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS),
            strict: cli.strict,
            cases: match cli.cases {
                Some(n) => n,
                None => from_env("MAPISYNC_EXPLORE_CASES")?.map_or(Ok(256), |n| {
                    u32::try_from(n).map_err(|_| format!("MAPISYNC_EXPLORE_CASES={n} is too large"))
                })?,
            },
            seed: match cli.seed {
                Some(n) => n,
                None => from_env("MAPISYNC_EXPLORE_SEED")?.unwrap_or(0),
            },
            timeout_ms: cli.timeout.unwrap_or(5000),
            jobs: cli.jobs.get(),
            all_failures: cli.all_failures,
        })
    }

    /// As arguments of the worker.
    pub fn to_args(&self) -> Vec<String> {
        vec![
            format!("{:#x}", self.flags.bits()),
            u8::from(self.strict).to_string(),
            self.cases.to_string(),
            self.seed.to_string(),
            self.timeout_ms.to_string(),
            self.jobs.to_string(),
            u8::from(self.all_failures).to_string(),
        ]
    }

    /// From the worker's arguments.
    pub fn from_args(args: &[String]) -> Option<Settings> {
        let [flags, strict, cases, seed, timeout, jobs, all] = args else {
            return None;
        };
        Some(Settings {
            flags: SyncFlags::from_bits(parse_number(flags).ok()?.try_into().ok()?)?,
            strict: strict == "1",
            cases: cases.parse().ok()?,
            seed: seed.parse().ok()?,
            timeout_ms: timeout.parse().ok()?,
            jobs: jobs.parse().ok()?,
            all_failures: all == "1",
        })
    }

    /// The exploration these settings ask for.
    pub fn explore(&self) -> Explore {
        let explore = Explore::new()
            .flags(self.flags)
            .cases(self.cases)
            .seed(self.seed)
            .timeout(Duration::from_millis(self.timeout_ms));
        let explore = if self.strict {
            explore.strict()
        } else {
            explore
        };
        let explore = explore.jobs(self.jobs);
        if self.all_failures {
            explore.all_failures()
        } else {
            explore
        }
    }
}

/// A number in decimal or, after `0x`, hexadecimal.
pub fn parse_number(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a number (decimal, or hexadecimal after 0x)"))
}

/// A variable of the environment as a number, if it is set.
fn from_env(name: &str) -> Result<Option<u64>, String> {
    match std::env::var(name) {
        Ok(value) => parse_number(&value)
            .map(Some)
            .map_err(|e| format!("{name}: {e}")),
        Err(_) => Ok(None),
    }
}

/// `--flags`: header names (`SYNC_DOWNLOAD_CONTENTS`) or numbers, comma-separated.
pub fn parse_flags(list: &str) -> Result<SyncFlags, String> {
    let mut flags = SyncFlags::empty();
    for item in list.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(format!("an empty item in `{list}`"));
        }
        let flag = if item.starts_with(|c: char| c.is_ascii_digit()) {
            let n = parse_number(item)?;
            u32::try_from(n)
                .ok()
                .and_then(SyncFlags::from_bits)
                .ok_or_else(|| format!("{item} has bits that are no SYNC_* flag ({})", known()))?
        } else {
            let name = item.strip_prefix("SYNC_").unwrap_or(item);
            SyncFlags::from_name(name)
                .ok_or_else(|| format!("unknown flag `{item}`: one of {}", known()))?
        };
        flags |= flag;
    }
    Ok(flags)
}

/// Every flag's header name.
fn known() -> String {
    let names: Vec<String> = SyncFlags::all()
        .iter_names()
        .map(|(name, _)| format!("SYNC_{name}"))
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_by_header_name_or_number_and_unknown_names_refused() {
        let both = SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::DOWNLOAD_CONTENTS;
        assert_eq!(
            parse_flags("SYNC_DOWNLOAD_HIERARCHY,SYNC_DOWNLOAD_CONTENTS"),
            Ok(both)
        );
        assert_eq!(parse_flags("0x82"), Ok(both));
        assert_eq!(parse_flags("2, 128"), Ok(both));
        let err = parse_flags("SYNC_DOWNLOAD_EVERYTHING").unwrap_err();
        assert!(
            err.contains("unknown flag `SYNC_DOWNLOAD_EVERYTHING`"),
            "{err}"
        );
        assert!(err.contains("SYNC_UPLOAD_HIERARCHY"), "{err}");
        assert!(parse_flags("0x4").unwrap_err().contains("no SYNC_* flag"));
        assert!(parse_flags("SYNC_OUTGOING_MAIL,").is_err());
    }

    #[test]
    fn settings_travel_to_the_worker_unchanged() {
        let settings = Settings {
            flags: SyncFlags::OUTGOING_MAIL,
            strict: true,
            cases: 7,
            seed: u64::MAX,
            timeout_ms: 250,
            jobs: 3,
            all_failures: true,
        };
        assert_eq!(Settings::from_args(&settings.to_args()), Some(settings));
    }
}
