#!/usr/bin/env bash
# Runs the test suite on every target the crate supports and prints one line per target:
#
#   x86_64-unknown-linux-gnu (native): passed 165, failed 0 [7 s, doc-tests included]
#   ...
#   660 passed, 0 failed
#
# usage: scripts/test-targets.sh [TARGET...]      (default: all of them, in this order)
#
#   x86_64-unknown-linux-gnu  the full suite, native (the host build: shares target/debug with a
#                             plain `cargo test`)
#   i686-unknown-linux-gnu    the full suite, native 32-bit (gcc-multilib): 4-byte pointers,
#                             20-byte MAPISIB
#   x86_64-pc-windows-gnu     the full suite under Wine (runner in .cargo/config.toml), MinGW C
#   i686-pc-windows-gnu       the full suite under Wine's WoW64 mode, __stdcall for real; only
#                             built if Wine's 32-bit DLLs are missing (see MAPISYNC_REQUIRE_WINE32)
#   aarch64-apple-darwin      `cargo check --all-targets` (no macOS linker or SDK here); the C
#                             fixture is still compiled, by clang for arm64-apple-macosx
#
# Counts are summed over the libtest "test result:" lines of every test binary, doc-tests
# included; a test binary that dies before its result line (a crash: what a wrong calling
# convention usually looks like) counts as one failure, and so does a build that fails.
# Full cargo output: <target dir>/platforms/<target>.log.
#
# Environment:
#   MAPISYNC_REQUIRE_WINE32=1       a missing 32-bit Wine is a failure (.ci/platforms sets it)
#   MAPISYNC_TARGET_TIMEOUT=SECONDS per target (default 1500)
#   MAPISYNC_WINEPREFIX, MAPISYNC_WINE32_DIR: see scripts/wine-env.sh
#
# Needs what scripts/install-platform-deps.sh installs (run that once, as root).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

all_targets=(
    x86_64-unknown-linux-gnu
    i686-unknown-linux-gnu
    x86_64-pc-windows-gnu
    i686-pc-windows-gnu
    aarch64-apple-darwin
)
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=("${all_targets[@]}")
fi

target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
log_dir=$target_dir/platforms
mkdir -p "$log_dir"
timeout_s=${MAPISYNC_TARGET_TIMEOUT:-1500}
host=$(rustc -vV | sed -n 's/^host: //p')

say() { printf '\n==> %s\n' "$*"; }

wine_ready=0
wine_setup() {
    [ "$wine_ready" = 1 ] && return 0
    # shellcheck source=scripts/wine-env.sh
    source "$root/scripts/wine-env.sh"
    if bash "$root/scripts/wine-setup.sh"; then
        wine_ready=1
        trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
        return 0
    fi
    return 1
}

# Runs a cargo command into the target's log, showing only the lines that tell progress.
run_logged() {
    local log=$1
    shift
    timeout --kill-after=30 "$timeout_s" "$@" 2>&1 \
        | tee "$log" \
        | grep --line-buffered -E '^ +(Running|Doc-tests|Finished)|^test result:|^error|^failures:|^---- | FAILED$|panicked at|exit (status|code)|^warning: unused'
    return "${PIPESTATUS[0]}"
}

# Reads a `cargo test` log: "<passed> <failed> <crashed binaries> <sections> <doc-tests 0|1>".
count_log() {
    awk '
        function close_section() { if (section != "" && !result) crashed++ }
        /^ +Running / || /^ +Doc-tests / {
            close_section(); section = $0; result = 0; sections++
            if ($1 == "Doc-tests") doc = 1
        }
        /^test result: / {
            result = 1
            for (i = 2; i <= NF; i++) {
                if ($i == "passed;") passed += $(i - 1)
                if ($i == "failed;") failed += $(i - 1)
            }
        }
        END { close_section(); printf "%d %d %d %d %d\n", passed, failed, crashed, sections, doc }
    ' "$1"
}

# Prints the "---- <test> stdout ----" sections of a `cargo test` log, at most 40 lines each.
print_failures() {
    awk '
        /^---- .* stdout ----$/ { inside = 1; shown = 0 }
        /^failures:$/ || /^test result: / { inside = 0 }
        inside && shown < 40 { print "    | " $0; shown++ }
    ' "$1"
}

lines=()
notes=()
total_passed=0
total_failed=0

for t in "${targets[@]}"; do
    log=$log_dir/$t.log
    start=$SECONDS
    how=""
    shown=""
    kind="test"
    env_extra=()
    target_args=(--target "$t")
    [ "$t" = "$host" ] && target_args=()
    case $t in
        x86_64-unknown-linux-gnu | i686-unknown-linux-gnu)
            how=native
            [ "$t" = i686-unknown-linux-gnu ] && how="native, 32-bit"
            cmd=(cargo test "${target_args[@]}" --no-fail-fast)
            ;;
        x86_64-pc-windows-gnu | i686-pc-windows-gnu)
            how=wine
            # One test at a time: events are kernel events there, and Windows gives a closed
            # handle's value to the next event made, so a test that checks its handle was closed
            # could see a value a test running beside it had just been given. Handle values are
            # per process, and each doc test is a process of its own: those run two at a time,
            # after the rest (the skip matches doc tests' names only: "src/x.rs - path (line N)").
            cmd=(bash -c 'rc=0
                cargo test --target "$1" --no-fail-fast -- --test-threads=1 --skip ".rs - " || rc=1
                cargo test --target "$1" --no-fail-fast --doc -- --test-threads=2 || rc=1
                exit "$rc"' wine-suite "$t")
            shown="cargo test --target $t --no-fail-fast, one test at a time, doc tests two at a time"
            if ! wine_setup; then
                how="wine: setup failed"
                kind=broken
            elif [ "$t" = i686-pc-windows-gnu ]; then
                if [ "$MAPISYNC_WINE_WOW64" = 1 ]; then
                    how="wine, WoW64"
                else
                    how="build only: no 32-bit Wine DLLs in $MAPISYNC_WINE32_DIR"
                    kind=build
                    cmd=(cargo test --target "$t" --no-fail-fast --no-run)
                fi
            fi
            ;;
        *-apple-darwin)
            how="cargo check --all-targets"
            kind=check
            cmd=(cargo check --all-targets --target "$t")
            # The C fixture's build script runs under `cargo check` too: compile it with clang for
            # the Apple target, against tools/darwin-check/include (no macOS SDK can be had here).
            tvar=${t//-/_}
            cc=$(command -v clang-14 || command -v clang || true)
            ar=$(command -v llvm-ar-14 || command -v llvm-ar || true)
            if [ -n "$cc" ] && [ -n "$ar" ]; then
                env_extra=(
                    "CC_$tvar=$cc"
                    "AR_$tvar=$ar"
                    "CFLAGS_$tvar=-nostdlibinc -isystem $root/tools/darwin-check/include"
                )
            else
                notes+=("$t: no clang/llvm-ar found, the C fixture cannot be compiled for it")
            fi
            ;;
        *)
            how="unknown target"
            kind=broken
            ;;
    esac

    say "$t ($how): ${shown:-${cmd[*]}}"
    rc=0
    if [ "$kind" = broken ]; then
        rc=1
        : >"$log"
    else
        run_logged "$log" env "${env_extra[@]}" "${cmd[@]}" || rc=$?
    fi
    read -r passed failed crashed sections doc < <(count_log "$log")
    extra=""
    case $kind in
        test)
            [ "$doc" = 1 ] && extra=", doc-tests included"
            if [ "$crashed" -gt 0 ]; then
                died=$(sed -n "s/.*process didn't exit successfully: \`\(.*\)\` (\(.*\))$/\1 (\2)/p" "$log" \
                    | sed 's|[^ ]*/||g' | paste -sd, - | sed 's/,/, /g')
                notes+=("$t: $crashed test binary(ies) died before their result line: ${died:-?} (see $log)")
            fi
            failed=$((failed + crashed))
            if [ "$failed" -gt 0 ]; then
                # What each failed test printed (libtest's "---- name stdout ----" sections), so a
                # failure far from this machine can be read from the run's output alone.
                print_failures "$log"
            fi
            if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
                failed=1
                if [ "$rc" -eq 124 ]; then
                    notes+=("$t: timed out after $timeout_s s")
                elif [ "$sections" -eq 0 ]; then
                    notes+=("$t: the build failed (see $log)")
                else
                    notes+=("$t: cargo exited with $rc (see $log)")
                fi
            fi
            ;;
        build)
            passed=0
            failed=0
            n=$(grep -c '^ *Executable ' "$log" || true)
            if [ "$rc" -ne 0 ]; then
                failed=1
                notes+=("$t: the build failed (see $log)")
            else
                extra=", $n test binaries built, not run"
            fi
            if [ "${MAPISYNC_REQUIRE_WINE32:-0}" = 1 ]; then
                failed=$((failed + 1))
                notes+=("$t: MAPISYNC_REQUIRE_WINE32=1 but no 32-bit Wine: run scripts/install-platform-deps.sh")
            fi
            ;;
        check)
            passed=0
            failed=0
            if [ "$rc" -ne 0 ]; then
                failed=1
                notes+=("$t: cargo check failed (see $log)")
            else
                extra=", check ok"
            fi
            ;;
        broken)
            passed=0
            failed=1
            notes+=("$t: $how")
            ;;
    esac
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    lines+=("$t ($how): passed $passed, failed $failed [$((SECONDS - start)) s$extra]")
done

say "per target"
for l in "${lines[@]}"; do
    echo "$l"
done
if [ ${#notes[@]} -gt 0 ]; then
    echo
    for n in "${notes[@]}"; do
        echo "note: $n"
    done
fi
echo
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
