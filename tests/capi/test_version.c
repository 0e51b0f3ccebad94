/* mapisync_version and mapisync_hresult_name. */
#include "tests.h"

#include <stdio.h>
#include <string.h>

void test_version_matches_the_header(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", MAPISYNC_VERSION_MAJOR,
             MAPISYNC_VERSION_MINOR, MAPISYNC_VERSION_PATCH);
    EXPECT(strcmp(mapisync_version(), expected) == 0);
    EXPECT(strcmp(mapisync_version(), MAPISYNC_VERSION_STRING) == 0);
    EXPECT(mapisync_version() == mapisync_version()); /* static storage */
}

void test_hresult_names(void) {
    EXPECT(strcmp(mapisync_hresult_name(MAPI_E_USER_CANCEL), "MAPI_E_USER_CANCEL") == 0);
    EXPECT(strcmp(mapisync_hresult_name(MAPI_E_CALL_FAILED), "E_FAIL") == 0);
    EXPECT(strcmp(mapisync_hresult_name(MAPI_E_INTERFACE_NOT_SUPPORTED), "E_NOINTERFACE") == 0);
    EXPECT(strcmp(mapisync_hresult_name(S_FALSE), "S_FALSE") == 0);
    EXPECT(strcmp(mapisync_hresult_name(SYNC_W_PROGRESS), "SYNC_W_PROGRESS") == 0);
    EXPECT(strcmp(mapisync_hresult_name(E_HANDLE), "E_HANDLE") == 0);
    EXPECT(mapisync_hresult_name((HRESULT)0x1234) == NULL);
    EXPECT(mapisync_hresult_name((HRESULT)0x80041234UL) == NULL);
}
