//! [`Silent`]: the callback for a test or an example that needs one but looks at none of its calls.

use crate::core::error::Result;
use crate::core::handle::Handle;
use crate::core::hresult::HResult;
use crate::interfaces::progress_callback::SyncProgress;
use widestring::U16CStr;

/// A [`SyncProgress`] implementation that answers `S_OK` to every call and records nothing.
///
/// For tests, examples and benchmarks that need a callback to hand a provider but assert nothing
/// about what it is told; use [`RecordingCallback`](super::RecordingCallback) to look at the calls.
/// `Done`'s event handle is left alone: whoever waits on the event closes it, as
/// [`SimulatedHost`](crate::SimulatedHost) does.
///
/// ```
/// use mapisync::testing::Silent;
/// use mapisync::{HResult, Handle, ProgressCallback};
///
/// let callback = ProgressCallback::new(Silent);
/// callback.progress(None, 1, 10)?;
/// callback.done(Handle::NULL, HResult::S_OK)?;
/// # Ok::<(), mapisync::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Silent;

impl SyncProgress for Silent {
    #[inline]
    fn progress(&self, _: Option<&U16CStr>, _: u32, _: u32) -> Result<()> {
        Ok(())
    }

    #[inline]
    fn error(&self, _: HResult, _: Option<&U16CStr>) -> Result<()> {
        Ok(())
    }

    #[inline]
    fn done(&self, _: Handle, _: HResult) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Silent;
    use crate::core::handle::Handle;
    use crate::core::hresult::HResult;
    use crate::interfaces::progress_callback::SyncProgress;

    #[test]
    fn answers_ok_to_every_call() {
        assert!(Silent.progress(None, 0, 0).is_ok());
        assert!(Silent.error(HResult::E_FAIL, None).is_ok());
        assert!(Silent.done(Handle::NULL, HResult::S_OK).is_ok());
    }
}
