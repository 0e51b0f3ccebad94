//! Compiles the C fixture with warnings as errors, as strict C11, against the library's own header
//! (include/mapisync.h at the workspace root).

fn main() {
    println!("cargo:rerun-if-changed=../../include/mapisync.h");
    println!("cargo:rerun-if-changed=c/fixture.h");
    println!("cargo:rerun-if-changed=c/fixture.c");

    let mut build = cc::Build::new();
    build
        .file("c/fixture.c")
        .include("c")
        .include("../../include");
    // Kernel events from C, on Windows targets only.
    println!("cargo:rerun-if-changed=c/win32_events.c");
    if std::env::var("CARGO_CFG_WINDOWS").is_ok() {
        build.file("c/win32_events.c");
        // On Windows the header takes IID_IUnknown from <unknwn.h>, defined in the uuid library.
        println!("cargo:rustc-link-lib=uuid");
    }
    let compiler = build.get_compiler();
    if compiler.is_like_msvc() {
        // Untested here; <stdatomic.h> needs the experimental switch on MSVC.
        build
            .flag("/std:c11")
            .flag("/experimental:c11atomics")
            .flag("/W4")
            .flag("/WX");
    } else {
        build
            .flag("-std=c11")
            .flag("-Wall")
            .flag("-Wextra")
            .flag("-Werror")
            .flag("-pedantic");
    }
    build.compile("mapisync_c_fixture");
}
