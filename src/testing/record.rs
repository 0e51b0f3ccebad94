//! What the recording callback keeps of each call.

use std::fmt;
use std::sync::Arc;
use std::thread::ThreadId;

use crate::core::error::Error;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::Slot;
use widestring::U16CStr;

/// Text as it arrived: the UTF-16 code units, unchanged (unpaired surrogates kept).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Text(Vec<u16>);

impl Text {
    /// Copies the code units of `text`.
    pub fn new(text: &U16CStr) -> Text {
        Text(text.as_slice().to_vec())
    }

    /// The code units, exactly as they arrived.
    pub fn units(&self) -> &[u16] {
        &self.0
    }

    /// A display form: unpaired surrogates become U+FFFD. For reading, not for comparing.
    pub fn lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.lossy(), f)
    }
}

/// One call, with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `Progress(text, index, max)`.
    Progress {
        /// The step's text; `None` when the provider passed NULL.
        text: Option<Text>,
        /// `ulIndex`.
        index: u32,
        /// `ulIndexMax`.
        max: u32,
    },
    /// `Error(hr, text)`.
    Error {
        /// The error's (or warning's) HRESULT.
        hr: HResult,
        /// The text; `None` when the provider passed NULL.
        text: Option<Text>,
    },
    /// `Done(event, hr)`.
    Done {
        /// The done event's handle.
        event: Handle,
        /// The final status.
        hr: HResult,
    },
    /// A call to `slot` refused before it reached the recorder (its text was over the bound).
    Refused {
        /// The slot the provider called.
        slot: Slot,
        /// Why it was refused; the provider got `error.hresult()`.
        error: Error,
    },
}

impl Call {
    /// The slot called.
    pub fn slot(&self) -> Slot {
        match self {
            Call::Progress { .. } => Slot::Progress,
            Call::Error { .. } => Slot::Error,
            Call::Done { .. } => Slot::Done,
            Call::Refused { slot, .. } => *slot,
        }
    }
}

impl fmt::Display for Call {
    /// One line, as the call log and the assertion diffs print it:
    /// `Progress 3/10 "Inbox"`, `Error MAPI_E_NETWORK_ERROR (0x80040115) "..."`, `Done S_OK (0x00000000)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |text: &Option<Text>| match text {
            Some(t) => format!(" {:?}", t.lossy()),
            None => String::new(),
        };
        match self {
            Call::Progress { text, index, max } => {
                write!(f, "Progress {index}/{max}{}", quoted(text))
            }
            Call::Error { hr, text } => write!(f, "Error {hr}{}", quoted(text)),
            Call::Done { event, hr } => write!(f, "Done {hr} event {:#x}", event.0 as usize),
            Call::Refused { slot, error } => write!(f, "{slot} refused: {error}"),
        }
    }
}

/// One recorded call: its place in the log, who made it, and what the recorder answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Position in the log, from 0, in the order the calls arrived.
    pub seq: u64,
    /// The thread that made the call.
    pub thread: ThreadId,
    /// That thread's name, if it has one (shared by every record of the thread).
    pub thread_name: Option<Arc<str>>,
    /// The call and its arguments.
    pub call: Call,
    /// What went back to the provider (`S_OK`, or the scripted failure).
    pub answer: HResult,
}

impl fmt::Display for Record {
    /// `#3 Progress 4/10 "Inbox"`, with `-> MAPI_E_USER_CANCEL (0x80040113)` when the answer was
    /// not `S_OK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.seq, self.call)?;
        if self.answer != HResult::S_OK {
            write!(f, " -> {}", self.answer)?;
        }
        Ok(())
    }
}
