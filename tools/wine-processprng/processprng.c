/*
 * bcryptprimitives.dll stub for Wine 8, which lacks that DLL (see docs/platforms.md).
 *
 * Rust's std (1.78 and later) imports ProcessPrng from bcryptprimitives.dll on Windows, so every
 * std program fails to start under Wine 8 ("Library bcryptprimitives.dll ... not found", status
 * c0000135). This DLL exports ProcessPrng alone and fills the buffer from advapi32's
 * SystemFunction036 (RtlGenRandom), which Wine implements. Test scaffolding: scripts/wine-setup.sh
 * builds it and copies it into the project's Wine prefix; it is never part of the crate.
 *
 * Build (as scripts/wine-setup.sh does):
 *   x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -shared -nostdlib \
 *       -o bcryptprimitives.dll processprng.c bcryptprimitives.def -ladvapi32
 *   i686-w64-mingw32-gcc ...the same... -Wl,--kill-at,--enable-stdcall-fixup
 */
#include <windows.h>

/* RtlGenRandom: declared here so that no particular SDK header is needed. */
BOOLEAN WINAPI SystemFunction036(PVOID RandomBuffer, ULONG RandomBufferLength);

/*
 * BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData): always succeeds on real Windows, and Rust's std
 * treats a FALSE return as fatal. RtlGenRandom takes a ULONG length, so fill in chunks.
 */
BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    while (cbData > 0) {
        ULONG chunk = cbData > 0x7fffffffu ? 0x7fffffffu : (ULONG)cbData;
        if (!SystemFunction036(pbData, chunk)) {
            return FALSE;
        }
        pbData += chunk;
        cbData -= chunk;
    }
    return TRUE;
}

/* Linked with -nostdlib (no C runtime to start): this is the DLL's entry point itself. */
BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
