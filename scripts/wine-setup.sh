#!/usr/bin/env bash
# Makes the project's Wine prefix for the Windows targets' tests (idempotent, ~10 s the first time):
#
#   1. builds tools/wine-processprng/ with MinGW into bcryptprimitives.dll, 64- and 32-bit. Wine 8
#      has no bcryptprimitives.dll, whose ProcessPrng every Rust std program imports on Windows,
#      so without it no test binary starts (status c0000135);
#   2. creates the prefix (`wineboot -i`) at $MAPISYNC_WINEPREFIX, with WoW64 if Wine's 32-bit
#      DLLs are installed (scripts/install-platform-deps.sh);
#   3. copies the stub into system32 (64-bit) and syswow64 (32-bit), unless this Wine ships its
#      own bcryptprimitives.dll.
#
# The prefix is remade when Wine, the WoW64 setting or the stub's source change.
# Needs: wine, wine64, x86_64-w64-mingw32-gcc (i686-w64-mingw32-gcc for the 32-bit stub).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/wine-env.sh
source "$root/scripts/wine-env.sh"

say() { printf '[wine-setup] %s\n' "$*"; }

for tool in wine wineserver x86_64-w64-mingw32-gcc; do
    if ! command -v "$tool" >/dev/null; then
        say "$tool not found: run scripts/install-platform-deps.sh (as root) first" >&2
        exit 1
    fi
done

src="$root/tools/wine-processprng"
stubs="$(dirname "$WINEPREFIX")/stub"
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O2 -shared -nostdlib)
mkdir -p "$stubs/x86_64" "$stubs/i686"
x86_64-w64-mingw32-gcc "${cflags[@]}" -o "$stubs/x86_64/bcryptprimitives.dll" \
    "$src/processprng.c" "$src/bcryptprimitives.def" -ladvapi32
have_stub32=0
if command -v i686-w64-mingw32-gcc >/dev/null; then
    # --kill-at: export the __stdcall function as "ProcessPrng", not "ProcessPrng@8".
    i686-w64-mingw32-gcc "${cflags[@]}" -Wl,--kill-at,--enable-stdcall-fixup \
        -o "$stubs/i686/bcryptprimitives.dll" \
        "$src/processprng.c" "$src/bcryptprimitives.def" -ladvapi32
    have_stub32=1
fi

wine_version=$(wine --version 2>/dev/null || true)
stamp_want="$wine_version wow64=$MAPISYNC_WINE_WOW64 dllpath=${WINEDLLPATH:-} stub=$(cat "$src"/* | sha256sum | cut -c1-16)"
stamp="$WINEPREFIX/.mapisync-prefix"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_want" ]; then
    say "prefix $WINEPREFIX is ready ($wine_version, wow64=$MAPISYNC_WINE_WOW64)"
    exit 0
fi

t0=$SECONDS
if [ -d "$WINEPREFIX" ]; then
    wineserver -k 2>/dev/null || true
    rm -rf "$WINEPREFIX"
fi
mkdir -p "$(dirname "$WINEPREFIX")"
# No window, even where a display is set: nothing here is for a person to look at.
DISPLAY='' WAYLAND_DISPLAY='' wine wineboot -i >/dev/null 2>&1
wineserver -w

sys64="$WINEPREFIX/drive_c/windows/system32"
sys32="$WINEPREFIX/drive_c/windows/syswow64"
if [ -e "$sys64/bcryptprimitives.dll" ]; then
    say "this Wine has its own bcryptprimitives.dll: no stub needed"
else
    cp "$stubs/x86_64/bcryptprimitives.dll" "$sys64/"
    if [ "$MAPISYNC_WINE_WOW64" = 1 ] && [ "$have_stub32" = 1 ] && [ -d "$sys32" ]; then
        cp "$stubs/i686/bcryptprimitives.dll" "$sys32/"
    fi
fi
echo "$stamp_want" >"$stamp"
say "prefix $WINEPREFIX made in $((SECONDS - t0)) s ($wine_version, wow64=$MAPISYNC_WINE_WOW64)"
