#!/usr/bin/env bash
# Instructions per `Progress(NULL)` call through mapisync's `ProgressCallback` and through the
# windows-core interface on the same object, counted by callgrind as benches/instructions.rs
# counts: (Ir(2N) - Ir(N)) / N, so start-up and set-up cancel out. docs/performance.md.
# The bench benches/interop_progress.rs runs itself under valgrind.
#
# usage: scripts/interop-instructions.sh      (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "interop-instructions: needs valgrind" >&2; exit 1; }
cargo bench --quiet -p mapisync-benches --features windows-core --bench interop_progress
