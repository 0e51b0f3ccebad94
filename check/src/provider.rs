//! The provider's shared library: loaded, its factory found and called, each store it makes
//! adopted as a `MapiSync`. Every way this can fail is an [`Unusable`] with a message that says
//! what and what to do.

use std::ffi::c_void;
use std::path::Path;

use libloading::Library;
use mapisync::{abi, HResult, MapiSync};

/// `HRESULT (IUnknown **out)`, the factory's signature.
type Factory = unsafe extern "C" fn(*mut *mut c_void) -> i32;

/// Why the check cannot run (exit status 2).
#[derive(Debug, PartialEq, Eq)]
pub struct Unusable(pub String);

/// A loaded provider library and its factory.
pub struct Provider {
    factory: Factory,
    entry: String,
    /// Kept loaded for the life of the process (never unloaded): events and objects the
    /// provider's code made stay usable as long as anyone holds them.
    _library: &'static Library,
}

impl Provider {
    /// Loads `path` and finds `entry` in it.
    pub fn load(path: &Path, entry: &str) -> Result<Provider, Unusable> {
        let shown = path.display();
        if !path.exists() {
            return Err(Unusable(format!(
                "no such file: {shown}: give the path of the provider's shared library (.so, \
                 .dylib or .dll)"
            )));
        }
        if let Some(problem) = foreign_binary(path) {
            return Err(Unusable(format!("{shown}: {problem}")));
        }
        // SAFETY: loading runs the library's initializers: the library is the provider the user
        // asked to check, and this process (the worker) exists to run its code.
        let library = unsafe { Library::new(path) }
            .map_err(|e| Unusable(format!("{shown} could not be loaded: {e}")))?;
        let library: &'static Library = Box::leak(Box::new(library));
        // SAFETY: the symbol is taken to be the factory of the documented signature (the one
        // thing the tool asks of a provider); a library that exports something else under the
        // name is the user's to fix, as the docs say.
        let factory = unsafe { library.get::<Factory>(entry.as_bytes()) }
            .map(|symbol| *symbol)
            .map_err(|_| {
                Unusable(format!(
                    "{shown} exports no symbol `{entry}`: export the factory \
                     `HRESULT {entry}(IUnknown **out)` (extern \"C\", unmangled: `#[no_mangle]` \
                     in Rust, `extern \"C\"` in C++), or give its name with --entry"
                ))
            })?;
        Ok(Provider {
            factory,
            entry: entry.to_owned(),
            _library: library,
        })
    }

    /// A new store from the factory, asked for `IMAPISync`.
    pub fn make(&self) -> Result<MapiSync, Unusable> {
        let mut out: *mut c_void = core::ptr::null_mut();
        // SAFETY: the factory's documented signature; `out` is a live local it writes to.
        let hr = HResult(unsafe { (self.factory)(&mut out) });
        let entry = &self.entry;
        if hr.is_failure() {
            return Err(Unusable(format!(
                "the factory `{entry}` failed with {hr}: it should return S_OK and one new store"
            )));
        }
        if out.is_null() {
            return Err(Unusable(format!(
                "the factory `{entry}` returned {hr} but left *out NULL: it should write one new \
                 store there"
            )));
        }
        let unknown = out.cast::<abi::IUnknown>();
        // SAFETY: the factory handed over one reference on a COM object (its documented
        // contract); it is asked for IMAPISync, and released right after.
        let store = unsafe { MapiSync::from_unknown(unknown) };
        // SAFETY: the reference the factory gave, released once; its vtable is IUnknown's.
        unsafe { ((*(*unknown).lpVtbl).Release)(unknown) };
        store.map_err(|e| {
            Unusable(format!(
                "the store `{entry}` made does not answer IMAPISync ({}): the factory should \
                 return the store object",
                e.hresult()
            ))
        })
    }
}

/// What is wrong with a file that is not a shared library for this machine, read from its
/// header: `None` when it looks like one (the loader then has the last word).
fn foreign_binary(path: &Path) -> Option<String> {
    let mut header = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut header))
        .ok()?;
    let header = &header[..n];
    let (this, os) = (std::env::consts::ARCH, std::env::consts::OS);
    let format = if header.starts_with(b"\x7fELF") && n >= 20 {
        let raw = if header[5] == 1 {
            u16::from_le_bytes([header[18], header[19]])
        } else {
            u16::from_be_bytes([header[18], header[19]])
        };
        let arch = elf_machine(raw);
        if arch != this && !matches!(os, "windows" | "macos" | "ios") {
            return Some(format!(
                "built for {arch}, and this mapisync-check runs on {this}: build the provider \
                 for {this}, or use a mapisync-check built for the provider's target"
            ));
        }
        "an ELF library (Linux, BSD)"
    } else if header.starts_with(b"MZ") {
        "a Windows DLL"
    } else if is_mach_o(header) {
        "a Mach-O library (macOS)"
    } else {
        return Some(
            "not a shared library (no ELF, PE or Mach-O header): give the provider's built \
             library, not a source, a script or an archive"
                .to_owned(),
        );
    };
    let native = match os {
        "windows" => "a Windows DLL",
        "macos" | "ios" => "a Mach-O library (macOS)",
        _ => "an ELF library (Linux, BSD)",
    };
    (format != native).then(|| {
        format!(
            "{format}, and this mapisync-check runs on {os}: check it with a mapisync-check \
             built for its platform (docs/check.md)"
        )
    })
}

/// The ELF `e_machine`s of Rust's architectures, by `std::env::consts::ARCH` name.
fn elf_machine(raw: u16) -> &'static str {
    match raw {
        3 => "x86",
        62 => "x86_64",
        40 => "arm",
        183 => "aarch64",
        8 => "mips",
        20 => "powerpc",
        21 => "powerpc64",
        22 => "s390x",
        243 => "riscv64",
        _ => "another architecture",
    }
}

/// True for a Mach-O or fat Mach-O header.
fn is_mach_o(header: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 4] = [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xca, 0xfe, 0xba, 0xbe],
        [0xcf, 0xfa, 0xed, 0xfe],
    ];
    header.len() >= 4
        && MAGICS
            .iter()
            .any(|m| header[..4] == *m || header[..4] == [m[3], m[2], m[1], m[0]])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `foreign_binary` of a file holding `bytes`.
    fn verdict(name: &str, bytes: &[u8]) -> Option<String> {
        let path =
            std::env::temp_dir().join(format!("mapisync-check-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let verdict = foreign_binary(&path);
        std::fs::remove_file(&path).unwrap();
        verdict
    }

    #[test]
    fn headers_of_other_platforms_and_architectures_are_named() {
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0".to_vec();
        elf.extend_from_slice(&183u16.to_le_bytes()); // aarch64
        let pe = b"MZ\x90\0".to_vec();
        if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            let arm = verdict("arm.so", &elf).expect("refused");
            assert!(
                arm.contains("built for aarch64") && arm.contains("runs on x86_64"),
                "{arm}"
            );
            let dll = verdict("store.dll", &pe).expect("refused");
            assert!(
                dll.contains("a Windows DLL, and this mapisync-check runs on linux"),
                "{dll}"
            );
        }
        if cfg!(windows) {
            assert_eq!(verdict("store.dll", &pe), None);
        }
        let text = verdict("notes.txt", b"not a library").expect("refused");
        assert!(text.contains("not a shared library"), "{text}");
    }
}
