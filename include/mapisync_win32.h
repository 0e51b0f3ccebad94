/*
 * mapisync_win32.h (opt-in): the few Win32 event calls a provider's synchronization code uses,
 * so that the same source compiles on Windows and off it.
 *
 * On Windows this is <windows.h>: real kernel events. Elsewhere the names below are static
 * inline functions over libmapisync's events (mapisync_event_*), with Win32's signatures and
 * results: CreateEventW, SetEvent, ResetEvent, WaitForSingleObject, CloseHandle, INFINITE,
 * WAIT_OBJECT_0, WAIT_TIMEOUT, WAIT_FAILED, BOOL, TRUE, FALSE, DWORD. Only events: named events
 * and security attributes are not emulated (CreateEventW returns NULL for a name), and
 * CloseHandle closes event handles only. Valid C11 and C++11; link libmapisync.
 */
#ifndef MAPISYNC_WIN32_H
#define MAPISYNC_WIN32_H

#if defined(_WIN32)

#include <windows.h>

#else

#include "mapisync.h"

typedef uint32_t DWORD;
typedef int BOOL;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define INFINITE ((DWORD)0xFFFFFFFF)
#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_TIMEOUT ((DWORD)0x00000102)
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* An event, manual-reset or auto-reset, set or not; NULL on failure. lpEventAttributes is
 * ignored (it is NULL in portable code); a non-NULL lpName is not supported: NULL. */
static inline HANDLE CreateEventW(void *lpEventAttributes, BOOL bManualReset,
                                  BOOL bInitialState, const WCHAR *lpName) {
    HANDLE event = NULL;
    (void)lpEventAttributes;
    if (lpName != NULL) {
        return NULL;
    }
    if (FAILED(mapisync_event_create(bManualReset, bInitialState, &event))) {
        return NULL;
    }
    return event;
}

static inline BOOL SetEvent(HANDLE hEvent) {
    return SUCCEEDED(mapisync_event_set(hEvent)) ? TRUE : FALSE;
}

static inline BOOL ResetEvent(HANDLE hEvent) {
    return SUCCEEDED(mapisync_event_reset(hEvent)) ? TRUE : FALSE;
}

/* WAIT_OBJECT_0 once set, WAIT_TIMEOUT when dwMilliseconds passed first, WAIT_FAILED for a
 * handle that is not an open event. */
static inline DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
    HRESULT hr = mapisync_event_wait(hHandle, dwMilliseconds);
    if (hr == S_OK) {
        return WAIT_OBJECT_0;
    }
    return hr == MAPI_E_TIMEOUT ? WAIT_TIMEOUT : WAIT_FAILED;
}

static inline BOOL CloseHandle(HANDLE hObject) {
    return SUCCEEDED(mapisync_event_close(hObject)) ? TRUE : FALSE;
}

#endif /* not Windows */

#endif /* MAPISYNC_WIN32_H */
