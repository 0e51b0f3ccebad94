#!/usr/bin/env bash
# Installs what scripts/test-targets.sh needs on a Debian 12 (bookworm) x86_64 machine, as root:
#
#   - Debian packages: gcc-multilib (i686 Linux), the two MinGW-w64 C compilers (both Windows
#     targets), wine + wine64 (Wine 8), clang-14 and llvm (the C fixture compiled for macOS);
#   - the rustup targets;
#   - Wine's 32-bit Windows DLLs, for running i686-pc-windows-gnu under Wine's WoW64 mode (below).
#
# Idempotent: a second run installs nothing and takes a few seconds. Called by .ci/platforms.
#
# Why the 32-bit DLLs are unpacked by hand: the usual 32-bit Wine (`wine32:i386`) needs the i386
# architecture in dpkg, and on this machine's Debian mirror the bookworm-security i386 index fails
# apt's size check ("File has unexpected size ... Mirror sync in progress?"), so i386 libraries
# whose amd64 twins come from bookworm-security (libssl3, liblzma5, ...) cannot be installed.
# Debian's wine64 (8.0) can instead start 32-bit programs in its "experimental wow64 mode" (the
# 32-bit code runs on the CPU; its system calls are thunked to the 64-bit Unix side) if it finds
# Wine's 32-bit PE DLLs. Those are architecture-independent files inside libwine:i386, so this
# script downloads that one package with apt (through a private apt state, dpkg is never told
# about i386), unpacks its i386-windows/ folder into $MAPISYNC_WINE32_DIR and adds the symlink
# through which Wine finds the 64-bit Unix libraries for them. Nothing is installed into dpkg's
# files. scripts/wine-env.sh then puts that folder on WINEDLLPATH.
set -euo pipefail

MAPISYNC_WINE32_DIR=${MAPISYNC_WINE32_DIR:-/opt/mapisync-wine32}

apt_packages=(
    gcc-multilib
    gcc-mingw-w64-x86-64
    gcc-mingw-w64-i686
    wine
    wine64
    clang-14
    llvm
)
rust_targets=(
    i686-unknown-linux-gnu
    x86_64-pc-windows-gnu
    i686-pc-windows-gnu
    aarch64-apple-darwin
)

say() { printf '[install-platform-deps] %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    say "needs root (apt-get); run it as root or with sudo" >&2
    exit 1
fi

# apt: other jobs on the machine may hold the dpkg lock for a while: wait for it, do not fail.
apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

missing=()
for p in "${apt_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
t0=$SECONDS
# apt-get update also when nothing is missing: the libwine:i386 download below reads its version.
apt-get "${apt_opts[@]}" update -q >/dev/null
say "apt-get update: $((SECONDS - t0)) s"
if [ ${#missing[@]} -gt 0 ]; then
    t0=$SECONDS
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q \
        --no-install-recommends "${apt_packages[@]}" >/dev/null
    say "apt-get install: $((SECONDS - t0)) s"
else
    say "Debian packages already installed"
fi

t0=$SECONDS
rustup target add "${rust_targets[@]}" >/dev/null 2>&1 || rustup target add "${rust_targets[@]}"
say "rustup targets: $((SECONDS - t0)) s"

# ---- Wine's 32-bit PE DLLs (see the top of this file) ------------------------------------------
wine_version=$(dpkg-query -W -f='${Version}' libwine)
stamp="$MAPISYNC_WINE32_DIR/.libwine-i386-version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wine_version" ] \
    && [ -f "$MAPISYNC_WINE32_DIR/i386-windows/ntdll.dll" ]; then
    say "Wine 32-bit DLLs $wine_version already in $MAPISYNC_WINE32_DIR"
else
    t0=$SECONDS
    # The archive that serves the installed libwine (amd64), e.g. "http://deb.debian.org/debian
    # bookworm/main": the i386 package of the same version comes from there.
    origin=$(apt-cache madison libwine | awk -F' [|] ' -v v="$wine_version" \
        '$2 == v && $3 ~ / Packages$/ { print $3; exit }')
    uri=${origin%% *}
    rest=${origin#* }
    suite=${rest%%/*}
    component=${rest#*/}
    component=${component%% *}
    if [ -z "$uri" ] || [ -z "$suite" ] || [ -z "$component" ]; then
        say "cannot tell where libwine $wine_version comes from (apt-cache madison libwine)" >&2
        exit 1
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/parts" "$work/deb"
    : >"$work/status"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    echo "deb [arch=i386 signed-by=$keyring] $uri $suite $component" >"$work/sources.list"
    private=(
        -o APT::Architectures::=i386
        -o Dir::State::Lists="$work/lists"
        -o Dir::State::status="$work/status"
        -o Dir::Cache="$work/cache"
        -o Dir::Etc::SourceList="$work/sources.list"
        -o Dir::Etc::SourceParts="$work/parts"
        -o APT::Sandbox::User=root
        -o Acquire::Retries=3
        -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false
        -o Acquire::IndexTargets::deb::Translations::DefaultEnabled=false
    )
    apt-get "${private[@]}" update -q >/dev/null
    (cd "$work/deb" && apt-get "${private[@]}" download -q "libwine:i386=$wine_version" >/dev/null)
    deb=$(ls "$work"/deb/libwine_*_i386.deb)
    rm -rf "$MAPISYNC_WINE32_DIR.new"
    mkdir -p "$MAPISYNC_WINE32_DIR.new"
    dpkg-deb --fsys-tarfile "$deb" \
        | tar -x -C "$MAPISYNC_WINE32_DIR.new" --strip-components=5 \
            ./usr/lib/i386-linux-gnu/wine/i386-windows
    # Wine looks for the Unix library of a builtin PE DLL beside the folder it found the DLL in,
    # under the Unix side's own name: x86_64-unix for wine64.
    unix_dir=$(dirname "$(dpkg -L libwine | grep -m1 '/x86_64-unix/ntdll\.so$')")
    ln -s "$unix_dir" "$MAPISYNC_WINE32_DIR.new/x86_64-unix"
    echo "$wine_version" >"$MAPISYNC_WINE32_DIR.new/.libwine-i386-version"
    rm -rf "$MAPISYNC_WINE32_DIR"
    mv "$MAPISYNC_WINE32_DIR.new" "$MAPISYNC_WINE32_DIR"
    say "Wine 32-bit DLLs $wine_version unpacked into $MAPISYNC_WINE32_DIR: $((SECONDS - t0)) s"
fi
