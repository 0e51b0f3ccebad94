//! Compiles the C provider that `capi_explore` explores through the C API
//! (benches/capi/explore_store.c), against the library's own header.

fn main() {
    println!("cargo:rerun-if-changed=../include/mapisync.h");
    println!("cargo:rerun-if-changed=capi/explore_store.c");
    let mut build = cc::Build::new();
    build
        .file("capi/explore_store.c")
        .include("../include")
        .opt_level(2);
    if !build.get_compiler().is_like_msvc() {
        build.flag("-std=gnu11").flag("-Wall").flag("-Wextra");
    }
    if std::env::var("CARGO_CFG_WINDOWS").is_ok() {
        println!("cargo:rustc-link-lib=uuid");
    }
    build.compile("mapisync_bench_store");
}
