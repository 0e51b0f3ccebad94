#!/usr/bin/env bash
# Builds examples/cpp-provider (a C++ store provider and its GoogleTest tests) against a mapisync
# installed in PREFIX for TARGET (found with find_package through the CMake package `cargo
# cinstall` puts in PREFIX/share/mapisync/cmake), and runs its CTest:
#
#   scripts/cpp-provider.sh PREFIX TARGET
#
# PREFIX   where `cargo cinstall --target TARGET --prefix PREFIX` put mapisync.
# TARGET   x86_64-unknown-linux-gnu | i686-unknown-linux-gnu    GCC and Clang, natively
#          x86_64-pc-windows-gnu | i686-pc-windows-gnu          MinGW-w64 GCC, tests under Wine
#          aarch64-unknown-linux-gnu                            tests under qemu-aarch64
#
# CPP_PROVIDER_COMPILERS  for the Linux targets: "gcc", "clang" or both. Default: both on x86;
#                         on aarch64 Debian's cross g++ if installed, else Clang.
# CPP_PROVIDER_SANITIZERS "address undefined" by default on x86_64 Linux: a GCC build of each
#                         (UBSan without vptr: docs/c-and-cpp.md says why); "" for none.
# Build directories: <target dir>/cpp-provider/TARGET-COMPILER[-SANITIZER], reused between runs.
# Installs what is missing with apt-get (cmake, GoogleTest, the compilers, qemu-user) when run as
# root; otherwise says what to install. One line per build at the end: `cpp-provider: ... PASS`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '[cpp-provider] %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: scripts/cpp-provider.sh PREFIX TARGET"
prefix=$(cd "$1" 2>/dev/null && pwd) || die "PREFIX $1 is not a directory"
target=$2
source_dir=$root/examples/cpp-provider
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
gcc_major=$(gcc -dumpversion 2>/dev/null | cut -d. -f1 || true)
gcc_major=${gcc_major:-12}

# ---- What this target needs: commands or files, and the Debian package that brings each. ----
# Never gcc-multilib nor gcc-aarch64-linux-gnu: Debian cannot have both, and apt would remove the
# one another job installed. i686 takes g++-N-multilib (cmake/i686-linux-gnu.cmake supplies the
# asm/ headers gcc-multilib would); aarch64 takes Debian's cross g++ if present, else Clang.
needs=("cmake:cmake" "pkg-config:pkg-config" "/usr/src/googletest/CMakeLists.txt:googletest")
compilers=(gcc)
toolchain=
case $target in
    x86_64-unknown-linux-gnu)
        compilers=(${CPP_PROVIDER_COMPILERS:-gcc clang})
        needs+=("/usr/include/gtest/gtest.h:libgtest-dev" "g++:g++") ;;
    i686-unknown-linux-gnu)
        compilers=(${CPP_PROVIDER_COMPILERS:-gcc clang})
        toolchain=i686-linux-gnu
        needs+=("g++:g++" "/usr/lib/gcc/x86_64-linux-gnu/$gcc_major/32/libstdc++.so:g++-$gcc_major-multilib") ;;
    x86_64-pc-windows-gnu)
        toolchain=x86_64-w64-mingw32
        needs+=("x86_64-w64-mingw32-g++-posix:g++-mingw-w64-x86-64-posix" "wine:wine") ;;
    i686-pc-windows-gnu)
        toolchain=i686-w64-mingw32
        needs+=("i686-w64-mingw32-g++-posix:g++-mingw-w64-i686-posix" "wine:wine") ;;
    aarch64-unknown-linux-gnu)
        toolchain=aarch64-linux-gnu
        needs+=("qemu-aarch64:qemu-user" "aarch64-linux-gnu-ld:binutils-aarch64-linux-gnu"
                "/usr/aarch64-linux-gnu/include/c++/$gcc_major:libstdc++-$gcc_major-dev-arm64-cross"
                "/usr/aarch64-linux-gnu/lib/crt1.o:libc6-dev-arm64-cross") ;;
    *) die "unknown TARGET $target" ;;
esac

clang_cxx() {
    local c
    for c in clang++ clang++-19 clang++-16 clang++-15 clang++-14; do
        if command -v "$c" >/dev/null; then echo "$c"; return 0; fi
    done
    return 1
}
# aarch64: Debian's cross g++ when present, else Clang (the cross g++ conflicts with gcc-multilib).
if [ "$target" = aarch64-unknown-linux-gnu ]; then
    if command -v aarch64-linux-gnu-g++ >/dev/null; then
        compilers=(${CPP_PROVIDER_COMPILERS:-gcc})
    else
        compilers=(${CPP_PROVIDER_COMPILERS:-clang})
    fi
fi
for c in "${compilers[@]}"; do
    case $c in
        clang) needs+=("$(clang_cxx || echo clang++):clang") ;;
        gcc)
            if [ "$target" = aarch64-unknown-linux-gnu ] &&
                ! command -v aarch64-linux-gnu-g++ >/dev/null; then
                die "no aarch64-linux-gnu-g++ (not installed here: it would remove gcc-multilib)"
            fi ;;
        *) die "CPP_PROVIDER_COMPILERS: $c is neither gcc nor clang" ;;
    esac
done

missing=()
for need in "${needs[@]}"; do
    what=${need%%:*}
    package=${need##*:}
    case $what in
        /*) [ -e "$what" ] || missing+=("$package") ;;
        *) command -v "$what" >/dev/null || missing+=("$package") ;;
    esac
done
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [ "$(id -u)" = 0 ] || die "missing: ${missing[*]} (apt-get install them, or run this as root)"
    say "installing ${missing[*]}"
    apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    apt-get "${apt_opts[@]}" update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# ---- mapisync in PREFIX, found through its CMake package only there. ----
config=$(find "$prefix" -name mapisyncConfig.cmake -print -quit)
[ -n "$config" ] || die "no mapisyncConfig.cmake under $prefix: install mapisync there first (cargo cinstall)"

case $target in
    *-windows-gnu)
        # shellcheck source=scripts/wine-env.sh
        source "$root/scripts/wine-env.sh"
        "$root/scripts/wine-setup.sh" ;;
esac

# x86_64 Linux also runs the tests under AddressSanitizer and UndefinedBehaviorSanitizer (GCC).
sanitizers=()
[ "$target" = x86_64-unknown-linux-gnu ] && sanitizers=(${CPP_PROVIDER_SANITIZERS-address undefined})
builds=("${compilers[@]}")
for s in "${sanitizers[@]}"; do builds+=("gcc+$s"); done

results=()
status=0
for build_name in "${builds[@]}"; do
    compiler=${build_name%%+*}
    sanitize=
    [ "$build_name" = "$compiler" ] || sanitize=${build_name#*+}
    args=(-DCMAKE_BUILD_TYPE=Debug "-Dmapisync_DIR=$(dirname "$config")" "-DSAMPLE_SANITIZE=$sanitize")
    [ -n "$toolchain" ] && args+=("-DCMAKE_TOOLCHAIN_FILE=$source_dir/cmake/$toolchain.cmake")
    case $target-$compiler in
        *-windows-gnu-*) name=$target ;;
        *-clang)
            cxx=$(clang_cxx)
            args+=("-DCMAKE_CXX_COMPILER=$cxx" "-DCMAKE_C_COMPILER=${cxx/++/}")
            name=$target-$compiler ;;
        aarch64-*-gcc)
            args+=(-DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ -DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc)
            name=$target-$compiler ;;
        *)
            args+=(-DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc)
            name=$target-$compiler ;;
    esac
    [ -z "$sanitize" ] || name=$name-$sanitize
    build=$target_dir/cpp-provider/$name
    # A build made against another prefix is started afresh (find results are cached).
    if [ -f "$build/.prefix" ] && [ "$(cat "$build/.prefix")" != "$prefix" ]; then
        rm -rf "$build"
    fi
    mkdir -p "$build"
    echo "$prefix" >"$build/.prefix"
    say "$name: configure"
    cmake -S "$source_dir" -B "$build" "${args[@]}" >"$build/configure.log" 2>&1 ||
        { cat "$build/configure.log" >&2; die "$name: cmake configure failed"; }
    say "$name: build"
    cmake --build "$build" -j 2 >"$build/build.log" 2>&1 ||
        { cat "$build/build.log" >&2; die "$name: build failed"; }
    say "$name: ctest"
    # Under Wine a test process is now and then killed from outside ("Subprocess killed") on a
    # loaded machine, the test itself having passed on every other run: a test that fails so is
    # run once more there. A test that fails by its own assertions fails both times.
    retry=()
    case $target in *-windows-gnu) retry=(--repeat until-pass:2) ;; esac
    if ctest --test-dir "$build" --output-on-failure --timeout 300 "${retry[@]}" |
        tee "$build/ctest.log"; then
        summary=$(grep -E 'tests passed' "$build/ctest.log" | tail -n1)
        results+=("cpp-provider: $name: PASS ($summary)")
    else
        summary=$(grep -E 'tests passed|tests failed' "$build/ctest.log" | tail -n1)
        results+=("cpp-provider: $name: FAIL (${summary:-ctest failed})")
        status=1
    fi
done
printf '%s\n' "${results[@]}"
exit $status
