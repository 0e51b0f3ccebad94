//! Outlook's Send/Receive dialog over a fake IMAP account: a store provider written with
//! `SyncProvider` + `SyncWorker` (`support/fake_imap.rs`), driven by a simulated Outlook, drawn
//! live by a dialog that is itself an `IMAPISyncProgressCallback` (`support/dialog.rs`), and
//! checked at the end: the protocol, and that nothing leaked.
//!
//! ```sh
//! cargo run --example send_receive                      # live bars on a terminal, ~3.5 s
//! cargo run --example send_receive | cat                # plain log lines, as in CI
//! cargo run --example send_receive -- --speed 0 --cancel-after 20 --fail none
//! cargo run --example send_receive -- --explore          # every host behaviour, then a summary
//! ```
//!
//! Ctrl-C is the user pressing the dialog's Cancel: the provider is answered
//! `MAPI_E_USER_CANCEL` and the run ends with its verdict; a second Ctrl-C quits at once.
//! Lines fit 80 columns; `NO_COLOR` turns the colours off.
//!
//! Exits with 0 when the run kept the protocol (a cancelled or partly failed synchronization
//! reported correctly is a correct run), 1 when it did not, 2 for a bad option.

#[path = "support/fake_imap.rs"]
mod fake_imap;

#[path = "support/ctrl_c.rs"]
mod ctrl_c;

#[path = "support/dialog.rs"]
mod dialog;

#[path = "support/explore_demo.rs"]
mod explore_demo;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use ctrl_c::CancelButton;
use dialog::{run_demo, DemoOptions, Flaky};

const USAGE: &str = "\
Usage: send_receive [OPTIONS]

Runs a Send/Receive of a fake IMAP account under a simulated Outlook and shows
it as Outlook's dialog would: live bars on a terminal, plain log lines
otherwise. Ctrl-C presses Cancel; a second Ctrl-C quits at once. NO_COLOR set:
no colours.

Options:
  --folders N       folders in the account (default 6: Inbox, Sent Items,
                    Drafts, Archive, Junk Email, Deleted Items; more are
                    Projects/...)
  --speed MS        milliseconds per message (default 25, about 3.5 s for 6
                    folders; 0: instant)
  --cancel-after N  the user presses Cancel during the Nth Progress call
                    (from 1)
  --fail FOLDER     the folder whose connection drops halfway (default:
                    Archive, or the last folder when there is no Archive);
                    --fail none: every folder succeeds
  --explore         instead of one run, explore the account under every host
                    behaviour (Cancel at each Progress, Cancel and E_FAIL at
                    each Error, E_FAIL at Done, random scripts), without the
                    delay
  -h, --help        this help

Exit status: 0 when the synchronization kept the protocol (even if it was
cancelled or partly failed), 1 when it did not, 2 for a bad option.";

/// What the command line asks for.
enum Command {
    Run(DemoOptions),
    Explore(DemoOptions),
    Help,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = DemoOptions::default();
    let mut explore = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // `--name value` and `--name=value` both work.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value ({what})"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--explore" => explore = true,
            "--folders" => {
                options.folders =
                    number(&name, &value("a number of folders")?, 0, 10_000)? as usize;
            }
            "--speed" => {
                let ms = number(&name, &value("milliseconds per message")?, 0, 60_000)?;
                options.delay = Duration::from_millis(ms);
            }
            "--cancel-after" => {
                let n = number(
                    &name,
                    &value("a Progress call number, from 1")?,
                    1,
                    u64::MAX,
                )?;
                options.cancel_after = Some(n);
            }
            "--fail" => {
                let folder = value("a folder name, or none")?;
                options.flaky = if folder.eq_ignore_ascii_case("none") {
                    Flaky::None
                } else {
                    Flaky::Folder(folder)
                };
            }
            _ if name.starts_with('-') => return Err(format!("unknown option {name}")),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    // The flaky folder must be one the account has.
    options.store()?;
    Ok(if explore {
        Command::Explore(options)
    } else {
        Command::Run(options)
    })
}

/// `text` as a whole number in `min..=max`, or an error naming the option.
fn number(option: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) if max == u64::MAX => Err(format!("{option} must be at least {min}, not {text}")),
        Ok(_) => Err(format!(
            "{option} must be between {min} and {max}, not {text}"
        )),
        Err(_) => Err(format!("{option} needs a whole number, not {text:?}")),
    }
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Explore(options)) => {
            let tty = std::io::stdout().is_terminal();
            let store = options.store().expect("checked by parse");
            let passed =
                explore_demo::run_exploration(&store, options.flags, &mut std::io::stdout(), tty);
            return if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("send_receive: {problem}\nRun with --help for the options.");
            return ExitCode::from(2);
        }
    };
    let options = DemoOptions {
        color: std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()),
        cancel: match ctrl_c::install() {
            Ok(()) => CancelButton::ctrl_c(),
            Err(problem) => {
                eprintln!("send_receive: {problem}: Ctrl-C will quit instead of cancelling");
                CancelButton::default()
            }
        },
        ..options
    };
    let tty = std::io::stdout().is_terminal();
    let outcome = run_demo(&options, Box::new(std::io::stdout()), tty);
    if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
