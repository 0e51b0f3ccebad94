//! `mapisync-check`: a store provider's shared library checked without writing a test
//! (docs/check.md).
//!
//! ```text
//! mapisync-check [OPTIONS] LIBRARY
//! ```
//!
//! It loads LIBRARY, makes stores with its factory (`HRESULT mapisync_make_store(IUnknown **out)`
//! by default) and explores each with `mapisync::testing::Explore`, in a worker process that a
//! crashing provider takes down instead of the check (src/supervise.rs). Exit status: 0 passed,
//! 1 the provider failed, 2 the check could not run.

mod html;
mod junit;
mod options;
mod outcome;
mod position;
mod provider;
mod supervise;
mod worker;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use options::{Cli, Settings};
use outcome::Outcome;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(worker::WORKER) {
        return worker::main(&args[2..]);
    }
    let cli = Cli::parse();
    match check(&cli) {
        Ok(outcome) if outcome.passed() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("mapisync-check: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the check `cli` asks for, prints the summary and writes the reports.
fn check(cli: &Cli) -> Result<Outcome, String> {
    let settings = Settings::from_cli(cli)?;
    let library = &cli.library;
    println!("Checking   {} (factory {})", library.display(), cli.entry);
    println!(
        "Flags      {}{}",
        settings.flags,
        if settings.strict { ", strict" } else { "" }
    );
    let mut progress = Progress::new();
    let outcome =
        supervise::check(library, &cli.entry, &settings, &mut progress).map_err(|e| e.0)?;
    progress.finish();
    print!("{}", summary(&outcome, settings.all_failures));
    let _ = std::io::stdout().flush();
    if let Some(path) = &cli.junit {
        let xml = junit::report(&library.display().to_string(), &outcome, &settings)?;
        std::fs::write(path, xml)
            .map_err(|e| format!("cannot write the JUnit report {}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.html {
        let page = html::page(&library.display().to_string(), &outcome, &settings);
        std::fs::write(path, page)
            .map_err(|e| format!("cannot write the HTML report {}: {e}", path.display()))?;
    }
    Ok(outcome)
}

/// The closing lines: how many scenarios ran, how fast, and the failures reported
/// (`all_failures`: the exploration went on after the first).
fn summary(outcome: &Outcome, all_failures: bool) -> String {
    let seconds = outcome.elapsed.as_secs_f64();
    let rate = outcome.scenarios as f64 / seconds.max(1e-9);
    let mut text = format!(
        "Explored   {} scenarios in {seconds:.2} s ({rate:.0}/s), seed {}\n",
        outcome.scenarios, outcome.seed
    );
    if outcome.crashes > 0 {
        text.push_str(&format!(
            "Crashes    the provider crashed {} worker process(es); the check went on\n",
            outcome.crashes
        ));
    }
    if outcome.passed() {
        text.push_str("Verdict    every scenario kept the protocol and released everything\n");
        return text;
    }
    text.push_str(&format!(
        "Verdict    {} failing script(s){}\n",
        outcome.found,
        if outcome.failures.len() < outcome.found {
            "; the smallest:"
        } else if !all_failures {
            " (the check stops at the first; --all-failures goes on and reports every one):"
        } else {
            ":"
        }
    ));
    for failure in &outcome.failures {
        text.push_str(&format!(
            "\n[{}] {}\n  replay: {}\n",
            failure.class.name(),
            failure.script,
            failure.replay
        ));
        for finding in &failure.findings {
            text.push_str(&format!("  {}\n", finding.text));
        }
        for line in failure.call_log.lines() {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text
}

/// The progress line: redrawn in place on a terminal, a plain line per quarter otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    shown: usize,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "Progress   {pos}/{len} scenarios, {msg} failing, {elapsed_precise}",
            )
            .expect("a valid template");
            bar.set_style(style);
            bar
        });
        Progress { bar, shown: 0 }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

impl supervise::Observer for Progress {
    fn progress(&mut self, scenarios: usize, planned: usize, failures: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(planned as u64);
                bar.set_position(scenarios as u64);
                bar.set_message(failures.to_string());
            }
            None => {
                let step = (planned / 4).max(1);
                if scenarios >= self.shown + step || scenarios == planned {
                    self.shown = scenarios;
                    eprintln!("Progress   {scenarios}/{planned} scenarios, {failures} failing");
                }
            }
        }
    }
}
