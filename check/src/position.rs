//! Which store a worker is on, in a small file the worker overwrites before each scenario and
//! the supervisor reads once the worker is gone: one positioned write per scenario, where a
//! message would wake the supervisor every time.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The file, the supervisor's side: made empty, read after the worker, removed on drop.
pub struct Position {
    path: PathBuf,
}

impl Position {
    /// A new file for worker `n` of this process.
    pub fn new(n: usize) -> std::io::Result<Position> {
        let path = std::env::temp_dir().join(format!(
            "mapisync-check-{}-{n}.position",
            std::process::id()
        ));
        File::create(&path)?;
        Ok(Position { path })
    }

    /// Its path, for the worker's command line.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store the worker was on when it ended, if it had begun one.
    pub fn read(&self) -> Option<u64> {
        let bytes = std::fs::read(&self.path).ok()?;
        let raw = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        raw.checked_sub(1)
    }
}

impl Drop for Position {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The worker's side: the file, open for writing.
pub struct Writer(Option<File>);

impl Writer {
    /// Opens the supervisor's file (a worker without one writes nothing).
    pub fn open(path: &Path) -> Writer {
        Writer(File::options().write(true).open(path).ok())
    }

    /// Records that store `n` is about to be made.
    pub fn at(&self, n: u64) {
        let Some(file) = &self.0 else { return };
        let bytes = (n + 1).to_le_bytes();
        // A failed write loses only the crash's attribution to a scenario.
        #[cfg(unix)]
        let _ = std::os::unix::fs::FileExt::write_all_at(file, &bytes, 0);
        #[cfg(windows)]
        let _ = std::os::windows::fs::FileExt::seek_write(file, &bytes, 0);
    }
}
