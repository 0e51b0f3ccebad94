#!/usr/bin/env bash
# The C API's Progress cost, in instructions (callgrind), side by side in one run:
#
#   benches/capi/run.sh [PREFIX]
#
# builds progress_calls.c against the mapisync installed in PREFIX (without PREFIX: installs it
# first with `cargo cinstall --release` into <target dir>/capi-bench/prefix), then runs both
# contenders, an object from mapisync_callback_new and a hand-written C vtable object with the
# same body, each with N and 2N calls (N=${N:-20000}), and prints per call: instructions, calls
# made (direct and indirect, the vtable call included) and heap allocations (memcheck), and the
# difference. Differencing N and 2N cancels everything outside the loop; the counts are exact
# and do not depend on load. Needs valgrind and a C compiler (CC, default cc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
out=$target_dir/capi-bench
n=${N:-20000}
mkdir -p "$out"

prefix=${1:-}
if [ -z "$prefix" ]; then
    prefix=$out/prefix
    (cd "$root" && cargo cinstall --release --features capi --prefix "$prefix" --libdir lib \
        >"$out/cinstall.log" 2>&1) || { cat "$out/cinstall.log" >&2; exit 1; }
fi
pc=$(find "$prefix" -name mapisync.pc -print -quit)
[ -n "$pc" ] || { echo "no mapisync.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_LIBDIR
PKG_CONFIG_LIBDIR=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir mapisync)
# shellcheck disable=SC2046  # pkg-config's flags are meant to split
${CC:-cc} -O2 -std=c11 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags mapisync) \
    "$root/benches/capi/progress_calls.c" -o "$out/progress_calls" \
    $(pkg-config --libs mapisync) -Wl,-rpath,"$libdir"

# instructions and calls inside bench_drive, for MODE and COUNT calls
measure() {
    local file=$out/$1-$2.callgrind
    valgrind --tool=callgrind --callgrind-out-file="$file" --toggle-collect=bench_drive \
        "$out/progress_calls" "$1" "$2" >/dev/null 2>"$out/$1-$2.valgrind.log"
    local ir calls
    ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$file")
    calls=$(awk -F'[= ]' '/^calls=/ { s += $2 } END { print s + 0 }' "$file")
    echo "$ir $calls"
}
# heap allocations of the whole program, for MODE and COUNT calls
allocations() {
    valgrind --tool=memcheck "$out/progress_calls" "$1" "$2" 2>&1 >/dev/null |
        sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}

printf 'Progress(NULL, i, N) called from C, per call (N = %d and %d calls, differenced)\n' \
    "$n" $((2 * n))
printf '%-10s %14s %14s %18s\n' contender instructions calls allocations
declare -A per_ir per_calls
for mode in hand mapisync; do
    read -r ir1 calls1 <<<"$(measure "$mode" "$n")"
    read -r ir2 calls2 <<<"$(measure "$mode" $((2 * n)))"
    a1=$(allocations "$mode" "$n")
    a2=$(allocations "$mode" $((2 * n)))
    per_ir[$mode]=$(awk -v a="$ir1" -v b="$ir2" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')
    per_calls[$mode]=$(awk -v a="$calls1" -v b="$calls2" -v n="$n" \
        'BEGIN { printf "%.2f", (b - a) / n }')
    per_alloc=$(awk -v a="$a1" -v b="$a2" -v n="$n" 'BEGIN { printf "%.4f", (b - a) / n }')
    printf '%-10s %14s %14s %18s\n' "$mode" "${per_ir[$mode]}" "${per_calls[$mode]}" "$per_alloc"
done
extra_ir=$(awk -v a="${per_ir[hand]}" -v b="${per_ir[mapisync]}" 'BEGIN { printf "%.2f", b - a }')
extra_calls=$(awk -v a="${per_calls[hand]}" -v b="${per_calls[mapisync]}" \
    'BEGIN { printf "%.2f", b - a }')
printf 'mapisync - hand: %s instructions, %s calls per Progress (budget: 10 instructions and one call)\n' \
    "$extra_ir" "$extra_calls"
echo "per-function breakdown: callgrind_annotate $out/mapisync-$((2 * n)).callgrind"
