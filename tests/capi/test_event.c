/* mapisync_event_*, and the Win32 names of mapisync_win32.h off Windows. */
#include "tests.h"

#include "mapisync_win32.h"

void test_event_create_needs_an_out_pointer(void) {
    size_t open = mapisync_event_open_count();
    EXPECT_HR(mapisync_event_create(1, 0, NULL), E_POINTER);
    EXPECT(mapisync_event_open_count() == open);
}

void test_event_manual_reset(void) {
    HANDLE event = (HANDLE)1;
    size_t open = mapisync_event_open_count();
    EXPECT_HR(mapisync_event_create(1, 0, &event), S_OK);
    EXPECT(event != NULL);
    EXPECT(mapisync_event_open_count() == open + 1);
    EXPECT_HR(mapisync_event_wait(event, 0), MAPI_E_TIMEOUT);
    EXPECT_HR(mapisync_event_wait(event, 20), MAPI_E_TIMEOUT);
    EXPECT_HR(mapisync_event_set(event), S_OK);
    EXPECT_HR(mapisync_event_wait(event, 0), S_OK);
    EXPECT_HR(mapisync_event_wait(event, 0xFFFFFFFFu), S_OK); /* stays set */
    EXPECT_HR(mapisync_event_reset(event), S_OK);
    EXPECT_HR(mapisync_event_wait(event, 0), MAPI_E_TIMEOUT);
    EXPECT_HR(mapisync_event_close(event), S_OK);
    EXPECT(mapisync_event_open_count() == open);
}

void test_event_auto_reset(void) {
    HANDLE event = NULL;
    EXPECT_HR(mapisync_event_create(0, 1, &event), S_OK);
    EXPECT_HR(mapisync_event_wait(event, 0), S_OK);
    EXPECT_HR(mapisync_event_wait(event, 0), MAPI_E_TIMEOUT); /* the wait reset it */
    EXPECT_HR(mapisync_event_close(event), S_OK);
}

static void set_it(void *event) {
    EXPECT_HR(mapisync_event_set((HANDLE)event), S_OK);
}

void test_event_set_on_another_thread_wakes_a_waiter(void) {
    HANDLE event = NULL;
    runner_thread *thread;
    EXPECT_HR(mapisync_event_create(1, 0, &event), S_OK);
    thread = runner_spawn(set_it, event);
    EXPECT(thread != NULL);
    EXPECT_HR(mapisync_event_wait(event, 0xFFFFFFFFu), S_OK);
    runner_join(thread);
    EXPECT_HR(mapisync_event_close(event), S_OK);
}

void test_event_closed_null_and_unknown_handles_are_e_handle(void) {
    HANDLE closed = NULL;
    HANDLE bad[3];
    size_t i;
    EXPECT_HR(mapisync_event_create(1, 1, &closed), S_OK);
    EXPECT_HR(mapisync_event_close(closed), S_OK);
    bad[0] = closed;
    bad[1] = NULL;
    bad[2] = (HANDLE)(uintptr_t)0x7FFF0;
    for (i = 0; i < 3; i++) {
        EXPECT_HR(mapisync_event_set(bad[i]), E_HANDLE);
        EXPECT_HR(mapisync_event_reset(bad[i]), E_HANDLE);
        EXPECT_HR(mapisync_event_wait(bad[i], 0), E_HANDLE);
        EXPECT_HR(mapisync_event_wait(bad[i], 0xFFFFFFFFu), E_HANDLE);
        EXPECT_HR(mapisync_event_close(bad[i]), E_HANDLE);
    }
}

#if !defined(_WIN32)
void test_win32_names_over_mapisync_events(void) {
    static const WCHAR name[] = {'d', 'o', 'n', 'e', 0};
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    size_t open = mapisync_event_open_count();
    EXPECT(event != NULL);
    EXPECT(WaitForSingleObject(event, 0) == WAIT_TIMEOUT);
    EXPECT(SetEvent(event) == TRUE);
    EXPECT(WaitForSingleObject(event, INFINITE) == WAIT_OBJECT_0);
    EXPECT(ResetEvent(event) == TRUE);
    EXPECT(WaitForSingleObject(event, 10) == WAIT_TIMEOUT);
    EXPECT(CloseHandle(event) == TRUE);
    EXPECT(mapisync_event_open_count() == open - 1);
    EXPECT(CloseHandle(event) == FALSE);
    EXPECT(SetEvent(event) == FALSE);
    EXPECT(ResetEvent(event) == FALSE);
    EXPECT(WaitForSingleObject(event, 0) == WAIT_FAILED);
    EXPECT(CreateEventW(NULL, FALSE, FALSE, name) == NULL); /* named events: not emulated */
    EXPECT(mapisync_event_open_count() == open - 1);
}
#endif
