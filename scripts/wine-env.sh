# shellcheck shell=bash disable=SC2034  # its variables are read by the scripts that source it
# Sourced by scripts/wine-setup.sh and scripts/test-targets.sh: the environment under which the
# Windows targets' tests run in Wine (through scripts/wine-run.sh, their runner in
# .cargo/config.toml). To run one test binary by hand:
#   source scripts/wine-env.sh && cargo test --target x86_64-pc-windows-gnu
#
#   MAPISYNC_WINEPREFIX   the project's own Wine prefix (default: <target dir>/wine/prefix);
#                         exported as WINEPREFIX. A WINEPREFIX already in the environment is
#                         ignored on purpose: the stub DLL is never copied into a prefix of yours.
#   MAPISYNC_WINE32_DIR   Wine's 32-bit PE DLLs (default: /opt/mapisync-wine32, made by
#                         scripts/install-platform-deps.sh); put on WINEDLLPATH when present, so
#                         that wine64 runs i686 programs in its WoW64 mode.

_mapisync_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_mapisync_target_dir=${CARGO_TARGET_DIR:-$_mapisync_root/target}
case $_mapisync_target_dir in
    /*) ;;
    *) _mapisync_target_dir=$_mapisync_root/$_mapisync_target_dir ;;
esac

MAPISYNC_WINEPREFIX=${MAPISYNC_WINEPREFIX:-$_mapisync_target_dir/wine/prefix}
MAPISYNC_WINE32_DIR=${MAPISYNC_WINE32_DIR:-/opt/mapisync-wine32}
export WINEPREFIX=$MAPISYNC_WINEPREFIX
# No debug channels (also silences Debian's "wine32 is missing" hint), and no Mono/Gecko
# installer dialog while the prefix is made (CI has no display and no network).
export WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}
if [ -f "$MAPISYNC_WINE32_DIR/i386-windows/ntdll.dll" ]; then
    case ":${WINEDLLPATH:-}:" in
        *":$MAPISYNC_WINE32_DIR:"*) ;;
        *) export WINEDLLPATH=$MAPISYNC_WINE32_DIR${WINEDLLPATH:+:$WINEDLLPATH} ;;
    esac
    MAPISYNC_WINE_WOW64=1
else
    MAPISYNC_WINE_WOW64=0
fi
unset _mapisync_root _mapisync_target_dir
