#!/usr/bin/env bash
# The runner of the Windows targets' programs (.cargo/config.toml): runs one under Wine, and once
# more if Wine itself, not the program, failed to start it. A program that connects while the
# previous one's wineserver is shutting down gets "wine client error: ...: Connection reset by
# peer" before its first line runs; and when Wine's loader gives up it says why on a line of its
# own starting "wine: " and exits with 1. Nothing of the program ran, so a second start is no
# second chance for a failing test. Any other failure (an unhandled exception, which Wine also
# reports, ends with the exception's code), and every other exit status, are the program's own.
set -uo pipefail
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
for attempt in 1 2; do
    # Standard error goes through tee (kept to be read below), standard output straight out.
    { wine "$@" 2>&1 1>&3 3>&- | tee "$errors" >&2 3>&-; } 3>&1
    rc=${PIPESTATUS[0]}
    if [ "$rc" -eq 0 ]; then
        exit 0
    fi
    if ! grep -q '^wine client error' "$errors" &&
        ! { [ "$rc" -eq 1 ] && grep -v '^wine: Unhandled' "$errors" | grep -q '^wine: '; }; then
        exit "$rc"
    fi
    [ "$attempt" = 1 ] && echo "wine-run.sh: Wine could not start the program; starting it again" >&2
done
exit "$rc"
