#!/usr/bin/env bash
# Instructions per `Progress(NULL)` call through mapisync's `ProgressCallback` and through the
# windows-core interface on the same object, counted by callgrind as benches/instructions.rs
# counts: (Ir(2N) - Ir(N)) / N, so start-up and set-up cancel out. docs/performance.md.
#
# usage: scripts/interop-instructions.sh      (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
n=50000
cargo build --release --quiet --example interop_progress --features windows-core
bin=${CARGO_TARGET_DIR:-target}/release/examples/interop_progress
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" "$1" "$2" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$tmp/out"
}
for mode in mapisync windows-core; do
    a=$(ir "$mode" "$n")
    b=$(ir "$mode" $((2 * n)))
    echo "$mode: $(( (b - a) / n )) instructions per Progress(NULL) call"
done
