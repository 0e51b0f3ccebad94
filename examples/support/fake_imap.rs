//! A fake IMAP-like account exposed as a MAPI store provider: the way we want users to write
//! theirs.
//!
//! [`FakeImapStore`] implements [`SyncProvider`] on top of [`SyncWorker::spawn`]: the store keeps
//! its configuration, each `SynchronizeInBackground` copies it into a worker closure, and the
//! worker reports through the [`SyncContext`] it is given. Every `Progress` is passed on with `?`,
//! so the host's Cancel (`MAPI_E_USER_CANCEL`) ends the work at once and becomes the final status;
//! [`SyncWorker`] takes care of `Done`, the references and the done event.
//!
//! What each `Progress` says is described by [`ProgressStep`], which both builds the text (the
//! provider side) and parses it back (the dialog side).
//!
//! Shared between the `send_receive` example and the tests through `#[path]` includes, so not
//! every item is used by every includer.
#![allow(dead_code)]

use std::fmt;
use std::thread;
use std::time::Duration;

use mapisync::{
    HResult, Handle, Result, SyncContext, SyncFlags, SyncProvider, SyncRequest, SyncWorker,
    U16CString,
};

/// One folder of the fake account: its name and how many messages it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    /// The folder's display name, e.g. `Inbox` or `Projects/Alpha`.
    pub name: String,
    /// How many messages a contents synchronization downloads from it.
    pub messages: u32,
}

impl Folder {
    /// A folder called `name` holding `messages` messages.
    pub fn new(name: impl Into<String>, messages: u32) -> Folder {
        Folder {
            name: name.into(),
            messages,
        }
    }
}

/// The names [`FakeImapStore::demo`] gives its first folders, with their message counts; later
/// folders are `Projects/…`.
const DEMO_FOLDERS: &[(&str, u32)] = &[
    ("Inbox", 40),
    ("Sent Items", 25),
    ("Drafts", 3),
    ("Archive", 52),
    ("Junk Email", 0),
    ("Deleted Items", 17),
];

/// Project names for the demo folders past [`DEMO_FOLDERS`].
const DEMO_PROJECTS: &[&str] = &[
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta",
];

/// A fake IMAP-like account that synchronizes as a MAPI store provider.
///
/// # What a synchronization does
///
/// The phases run in this order, each only if the flags ask for it (upload and download are
/// treated alike: the fake has nothing to push, so it walks the same folders either way):
///
/// 1. **Hierarchy** (`SYNC_DOWNLOAD_HIERARCHY` or `SYNC_UPLOAD_HIERARCHY`): one `Progress` per
///    folder, `ulIndex` 1..=N of `ulIndexMax` N (the number of folders). Each step takes four
///    times the per-message delay.
/// 2. **Contents** (`SYNC_DOWNLOAD_CONTENTS` or `SYNC_UPLOAD_CONTENTS`): for each folder, in
///    order, one `Progress(0, 0)` while the folder is opened (an indeterminate step, which also
///    tells a UI how many messages are coming), then one `Progress` per message, `ulIndex`
///    1..=count of `ulIndexMax` count. Each message takes the per-message delay.
///
/// With neither phase asked for there is nothing to do: `Done(S_OK)` and no `Progress` at all.
///
/// The `Progress(0, 0)` between folders is not only for the UI: it keeps the sequence of indices
/// monotonic under each maximum, so a strict protocol check passes even when two neighbouring
/// folders hold the same number of messages (or the first folder holds as many messages as
/// there are folders).
///
/// # The text of each `Progress`
///
/// Always one of three forms, so that a UI can tell the phase apart and parse the rest (see
/// [`ProgressStep::parse`]):
///
/// | phase | `ulIndex`/`ulIndexMax` | text |
/// |---|---|---|
/// | hierarchy | i/N | `Hierarchy: Inbox: folder 1 of 6` |
/// | contents, opening a folder | 0/0 | `Contents: Inbox: opening folder 1 of 6, 40 messages` |
/// | contents, one message | i/count | `Contents: Inbox: message 3 of 40` |
///
/// The phase is the prefix before the first `": "`, the folder everything up to the last `": "`,
/// so folder names may themselves hold `": "`.
///
/// # The flaky folder
///
/// A folder named with [`with_flaky_folder`](Self::with_flaky_folder) loses its connection in the
/// contents phase after half of its messages (rounded down; at once if it holds fewer than two):
/// the store reports `Error(MAPI_E_NETWORK_ERROR, "Archive: …")`, skips the rest of that folder,
/// goes on with the others, and finishes with `MAPI_W_PARTIAL_COMPLETION` instead of `S_OK`.
/// Listing the hierarchy never fails. If the host answers that `Error` with a failure, the work
/// ends with that failure, as for `Progress`.
///
/// # Cancel
///
/// Any failure the host answers to `Progress` (the user's `MAPI_E_USER_CANCEL`) ends the work
/// there, with that HRESULT as the final status: no `Progress` follows it.
///
/// ```ignore
/// let store = FakeImapStore::demo(6).with_flaky_folder("Archive");
/// let report = SimulatedHost::new().run(&MapiSync::new(store), flags, callback);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeImapStore {
    folders: Vec<Folder>,
    delay: Duration,
    flaky: Option<String>,
}

impl FakeImapStore {
    /// An account holding `folders`, in order, with no delay and no flaky folder.
    pub fn new(folders: impl IntoIterator<Item = Folder>) -> FakeImapStore {
        FakeImapStore {
            folders: folders.into_iter().collect(),
            delay: Duration::ZERO,
            flaky: None,
        }
    }

    /// A demo account of `folder_count` folders: `Inbox` (40 messages), `Sent Items` (25),
    /// `Drafts` (3), `Archive` (52), `Junk Email` (empty), `Deleted Items` (17), then
    /// `Projects/Alpha`, `Projects/Beta`, … with varying counts. No delay, no flaky folder.
    pub fn demo(folder_count: usize) -> FakeImapStore {
        let folders = (0..folder_count).map(|i| match DEMO_FOLDERS.get(i) {
            Some(&(name, messages)) => Folder::new(name, messages),
            None => {
                let p = i - DEMO_FOLDERS.len();
                let project = DEMO_PROJECTS[p % DEMO_PROJECTS.len()];
                let name = match p / DEMO_PROJECTS.len() {
                    0 => format!("Projects/{project}"),
                    round => format!("Projects/{project} {}", round + 1),
                };
                Folder::new(name, 5 + (p as u32 * 37) % 60)
            }
        });
        FakeImapStore::new(folders)
    }

    /// Each message takes `delay` to download (and each hierarchy step four times as long).
    pub fn with_delay(mut self, delay: Duration) -> FakeImapStore {
        self.delay = delay;
        self
    }

    /// The folder called `name` fails with `MAPI_E_NETWORK_ERROR` halfway through its contents
    /// (see the type's documentation). A name no folder has makes nothing fail; check with
    /// [`folder`](Self::folder) first when the name comes from a user.
    pub fn with_flaky_folder(mut self, name: impl Into<String>) -> FakeImapStore {
        self.flaky = Some(name.into());
        self
    }

    /// The folders, in synchronization order.
    pub fn folders(&self) -> &[Folder] {
        &self.folders
    }

    /// The folder called `name`, if there is one.
    pub fn folder(&self, name: &str) -> Option<&Folder> {
        self.folders.iter().find(|f| f.name == name)
    }

    /// The per-message delay.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The name of the flaky folder, if one was set.
    pub fn flaky_folder(&self) -> Option<&str> {
        self.flaky.as_deref()
    }

    /// How many messages all folders hold together.
    pub fn total_messages(&self) -> u64 {
        self.folders.iter().map(|f| u64::from(f.messages)).sum()
    }

    /// The whole synchronization, as run on the worker thread: returns the final status for
    /// `Done`, or the host's failure (Cancel) as `Err`.
    fn synchronize(&self, sync: &SyncContext) -> Result<HResult> {
        let flags = sync.flags();
        let folder_count = u32::try_from(self.folders.len()).unwrap_or(u32::MAX);

        if flags.intersects(SyncFlags::DOWNLOAD_HIERARCHY | SyncFlags::UPLOAD_HIERARCHY) {
            for (i, folder) in self.folders.iter().enumerate() {
                self.pause(4);
                ProgressStep::Hierarchy {
                    folder: folder.name.clone(),
                    index: i as u32 + 1,
                    folders: folder_count,
                }
                .report(sync)?;
            }
        }

        let mut failed = 0;
        if flags.intersects(SyncFlags::DOWNLOAD_CONTENTS | SyncFlags::UPLOAD_CONTENTS) {
            for (i, folder) in self.folders.iter().enumerate() {
                ProgressStep::OpenFolder {
                    folder: folder.name.clone(),
                    position: i as u32 + 1,
                    folders: folder_count,
                    messages: folder.messages,
                }
                .report(sync)?;
                let flaky = self.flaky.as_deref() == Some(folder.name.as_str());
                // The flaky folder gets through half of its messages, then the connection drops.
                let reachable = if flaky {
                    folder.messages / 2
                } else {
                    folder.messages
                };
                for index in 1..=reachable {
                    self.pause(1);
                    ProgressStep::Message {
                        folder: folder.name.clone(),
                        index,
                        messages: folder.messages,
                    }
                    .report(sync)?;
                }
                if flaky {
                    failed += 1;
                    let text = format!(
                        "{}: connection reset by the server after message {} of {} \
                         (the rest of this folder is skipped)",
                        folder.name, reachable, folder.messages
                    );
                    sync.error(HResult::MAPI_E_NETWORK_ERROR, Some(&wide(&text)))?;
                }
            }
        }

        Ok(if failed == 0 {
            HResult::S_OK
        } else {
            HResult::MAPI_W_PARTIAL_COMPLETION
        })
    }

    /// Sleeps `steps` times the per-message delay (nothing at all for a zero delay).
    fn pause(&self, steps: u32) {
        if !self.delay.is_zero() {
            thread::sleep(self.delay * steps);
        }
    }
}

impl SyncProvider for FakeImapStore {
    fn synchronize_in_background(&self, request: SyncRequest) -> Result<Handle> {
        // The worker owns a copy of the configuration: the store object may go away before the
        // synchronization ends.
        let account = self.clone();
        SyncWorker::spawn(request, move |sync| account.synchronize(sync))
    }
}

/// What one `Progress` of a [`FakeImapStore`] says: the phase, the folder, and where in it.
///
/// `Display` gives the text the store sends, [`parse`](Self::parse) reads it back (so a UI can
/// draw one bar per phase), and [`position`](Self::position) the `ulIndex`/`ulIndexMax` the step
/// is reported with.
///
/// ```ignore
/// let step = ProgressStep::parse("Contents: Inbox: message 3 of 40").unwrap();
/// assert_eq!(step, ProgressStep::Message { folder: "Inbox".into(), index: 3, messages: 40 });
/// assert_eq!(step.position(), (3, 40));
/// assert_eq!(step.to_string(), "Contents: Inbox: message 3 of 40");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgressStep {
    /// `Hierarchy: {folder}: folder {index} of {folders}`, at `index`/`folders`.
    Hierarchy {
        /// The folder just listed.
        folder: String,
        /// Its position, from 1.
        index: u32,
        /// How many folders the account has.
        folders: u32,
    },
    /// `Contents: {folder}: opening folder {position} of {folders}, {messages} messages`, at
    /// 0/0 (indeterminate): the contents phase starts on a folder.
    OpenFolder {
        /// The folder being opened.
        folder: String,
        /// Its position, from 1.
        position: u32,
        /// How many folders the account has.
        folders: u32,
        /// How many messages it holds (what the following steps count up to).
        messages: u32,
    },
    /// `Contents: {folder}: message {index} of {messages}`, at `index`/`messages`.
    Message {
        /// The folder the message is in.
        folder: String,
        /// The message's position in the folder, from 1.
        index: u32,
        /// How many messages the folder holds.
        messages: u32,
    },
}

/// The phase prefixes of the `Progress` text.
const HIERARCHY: &str = "Hierarchy: ";
const CONTENTS: &str = "Contents: ";

impl ProgressStep {
    /// The folder the step is about.
    pub fn folder(&self) -> &str {
        match self {
            ProgressStep::Hierarchy { folder, .. }
            | ProgressStep::OpenFolder { folder, .. }
            | ProgressStep::Message { folder, .. } => folder,
        }
    }

    /// `(ulIndex, ulIndexMax)` for this step.
    pub fn position(&self) -> (u32, u32) {
        match *self {
            ProgressStep::Hierarchy { index, folders, .. } => (index, folders),
            ProgressStep::OpenFolder { .. } => (0, 0),
            ProgressStep::Message {
                index, messages, ..
            } => (index, messages),
        }
    }

    /// Sends this step to the host: `Progress(text, ulIndex, ulIndexMax)`. An `Err` is the host's
    /// answer (Cancel): pass it on with `?`.
    pub fn report(&self, sync: &SyncContext) -> Result<()> {
        let (index, max) = self.position();
        sync.progress(Some(&wide(&self.to_string())), index, max)
    }

    /// Reads back a text made by `Display`; `None` for any other text.
    pub fn parse(text: &str) -> Option<ProgressStep> {
        if let Some(rest) = text.strip_prefix(HIERARCHY) {
            let (folder, detail) = rest.rsplit_once(": ")?;
            let (index, folders) = of(detail.strip_prefix("folder ")?)?;
            return Some(ProgressStep::Hierarchy {
                folder: folder.to_owned(),
                index,
                folders,
            });
        }
        let (folder, detail) = text.strip_prefix(CONTENTS)?.rsplit_once(": ")?;
        let folder = folder.to_owned();
        if let Some(numbers) = detail.strip_prefix("message ") {
            let (index, messages) = of(numbers)?;
            return Some(ProgressStep::Message {
                folder,
                index,
                messages,
            });
        }
        let (position, count) = detail.strip_prefix("opening folder ")?.split_once(", ")?;
        let (position, folders) = of(position)?;
        let messages = count
            .strip_suffix(" messages")
            .or_else(|| count.strip_suffix(" message"))?
            .parse()
            .ok()?;
        Some(ProgressStep::OpenFolder {
            folder,
            position,
            folders,
            messages,
        })
    }
}

impl fmt::Display for ProgressStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressStep::Hierarchy {
                folder,
                index,
                folders,
            } => write!(f, "{HIERARCHY}{folder}: folder {index} of {folders}"),
            ProgressStep::OpenFolder {
                folder,
                position,
                folders,
                messages,
            } => {
                let plural = if *messages == 1 { "" } else { "s" };
                write!(
                    f,
                    "{CONTENTS}{folder}: opening folder {position} of {folders}, \
                     {messages} message{plural}"
                )
            }
            ProgressStep::Message {
                folder,
                index,
                messages,
            } => write!(f, "{CONTENTS}{folder}: message {index} of {messages}"),
        }
    }
}

/// `"3 of 40"` as `(3, 40)`.
fn of(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once(" of ")?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `text` as UTF-16 for the callback; an interior NUL (which no text here has) ends it early.
fn wide(text: &str) -> U16CString {
    U16CString::from_str_truncate(text)
}
