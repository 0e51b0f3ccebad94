/* Kernel events from C, for the Windows targets: what a C or C++ provider or host does with the
 * done event, with nothing of mapisync's. */
#include <windows.h>
#include <stdint.h>

/* A new manual-reset, unsignalled, anonymous event, as a C provider makes its done event; NULL
 * on failure. */
HANDLE fixture_win32_event_new(void) {
    return CreateEventW(NULL, TRUE, FALSE, NULL);
}

/* SetEvent: the C store's signal function. */
void fixture_win32_event_set(void *event) {
    SetEvent((HANDLE)event);
}

/* What a C host does with a done event: WaitForSingleObject up to `ms`, then CloseHandle.
 * Returns the wait's result (WAIT_OBJECT_0 = 0 when signalled) in the low 16 bits, and 1 << 16
 * when CloseHandle succeeded. */
uint32_t fixture_win32_wait_and_close(void *event, uint32_t ms) {
    DWORD waited = WaitForSingleObject((HANDLE)event, ms);
    BOOL closed = CloseHandle((HANDLE)event);
    return (uint32_t)(waited & 0xFFFFu) | (closed ? 1u << 16 : 0u);
}
