/* Compiles the headers alone and in the include orders a Windows program may use; built as C11,
 * C++11 and C++17 with -Wall -Wextra -Werror -pedantic by .ci/capi. MAPISYNC_CHECK_ORDER picks the
 * order: 0 the headers alone, 1 <windows.h> first, 2 <mapidefs.h> and <mapicode.h> first,
 * 3 the MAPI headers after. */
#ifndef MAPISYNC_CHECK_ORDER
#define MAPISYNC_CHECK_ORDER 0
#endif

#if MAPISYNC_CHECK_ORDER == 1
#include <windows.h>
#elif MAPISYNC_CHECK_ORDER == 2
#include <windows.h>
#include <mapidefs.h>
#include <mapicode.h>
#endif

#include "mapisync.h"
#include "mapisync_win32.h"

#if MAPISYNC_CHECK_ORDER == 3
#include <mapidefs.h>
#include <mapicode.h>
#endif

/* The values every include order must agree on. */
#if defined(__cplusplus)
#define CHECK(e) static_assert(e, #e)
#else
#define CHECK(e) _Static_assert(e, #e)
#endif
CHECK(MAPI_E_USER_CANCEL == (HRESULT)0x80040113UL);
CHECK(MAPI_E_TIMEOUT == (HRESULT)0x80040401UL);
CHECK(MAPI_E_CALL_FAILED == E_FAIL);
CHECK(E_HANDLE == (HRESULT)0x80070006UL);
CHECK(SYNC_W_PROGRESS == (HRESULT)0x00040820L);
CHECK(SYNC_HEADERS == SYNC_GLOBAL_HEADERS);
CHECK(FAILED(E_POINTER) && SUCCEEDED(S_FALSE));
CHECK(WAIT_TIMEOUT == 0x102 && INFINITE == 0xFFFFFFFFu);

int main(void) {
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    MAPISIB sib;
    sib.ulSize = (ULONG)sizeof(sib);
    sib.ulFlags = SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS;
    sib.psesSync = NULL;
    sib.punkCallBack = NULL;
    sib.phSyncDoneEvent = &event;
    return sib.ulSize == 0 || IID_IMAPISync.Data1 != 0x5024A385 ||
           IID_IMAPISyncProgressCallback.Data1 != 0x5024A386;
}
