/* mapisync_recorder_*: the recording callback with scripted answers. */
#include "tests.h"

#include <stdlib.h>
#include <string.h>

static const WCHAR inbox[] = {'I', 'n', 'b', 'o', 'x', 0};

void test_recorder_bad_arguments(void) {
    mapisync_recorder *r = (mapisync_recorder *)(uintptr_t)0x10;
    mapisync_record rec;
    mapisync_record untouched;
    EXPECT_HR(mapisync_recorder_new(NULL), E_POINTER);
    mapisync_recorder_free(NULL);
    EXPECT_HR(mapisync_recorder_answer(NULL, MAPISYNC_SLOT_PROGRESS, 1, 1, E_FAIL), E_POINTER);
    EXPECT_HR(mapisync_recorder_cancel_progress_from(NULL, 1), E_POINTER);
    EXPECT(mapisync_recorder_callback(NULL) == NULL);
    EXPECT(mapisync_recorder_count(NULL) == 0);
    EXPECT(mapisync_recorder_outstanding_references(NULL) == 0);
    EXPECT_HR(mapisync_recorder_get(NULL, 0, &rec), E_POINTER);

    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    EXPECT(r != NULL);
    /* a success code as a scripted answer */
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_PROGRESS, 1, 1, S_OK), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_DONE, 1, 1, S_FALSE), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_ERROR, 1, 1, SYNC_W_PROGRESS),
              E_INVALIDARG);
    /* first == 0, first > last */
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_PROGRESS, 0, 5, E_FAIL), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_PROGRESS, 3, 2, E_FAIL), E_INVALIDARG);
    /* a slot that is none of the three */
    EXPECT_HR(mapisync_recorder_answer(r, (mapisync_slot)3, 1, 1, E_FAIL), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_answer(r, (mapisync_slot)-1, 1, 1, E_FAIL), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_cancel_progress_from(r, 0), E_INVALIDARG);
    /* an index past the count, a NULL out */
    memset(&rec, 0xAB, sizeof rec);
    memcpy(&untouched, &rec, sizeof rec);
    EXPECT_HR(mapisync_recorder_get(r, 0, &rec), E_INVALIDARG);
    EXPECT(memcmp(&rec, &untouched, sizeof rec) == 0);
    EXPECT_HR(mapisync_recorder_get(r, (size_t)-1, &rec), E_INVALIDARG);
    EXPECT_HR(mapisync_recorder_get(r, 0, NULL), E_POINTER);
    /* none of that was recorded or scripted */
    EXPECT(mapisync_recorder_count(r) == 0);
    EXPECT_HR(mapisync_recorder_callback(r)->lpVtbl->Progress(mapisync_recorder_callback(r), NULL,
                                                              1, 1),
              S_OK);
    mapisync_recorder_free(r);
}

void test_recorder_records_and_answers_by_script(void) {
    mapisync_recorder *r = NULL;
    IMAPISyncProgressCallback *cb;
    mapisync_record rec;
    HANDLE event = (HANDLE)(uintptr_t)0x80;
    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_PROGRESS, 2, 3, MAPI_E_BUSY), S_OK);
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_ERROR, 1, 1, E_FAIL), S_OK);
    cb = mapisync_recorder_callback(r);
    EXPECT(cb != NULL && cb == mapisync_recorder_callback(r));

    EXPECT_HR(cb->lpVtbl->Progress(cb, inbox, 1, 4), S_OK);
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 2, 4), MAPI_E_BUSY);
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 3, 4), MAPI_E_BUSY);
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 4, 4), S_OK);
    EXPECT_HR(cb->lpVtbl->Error(cb, MAPI_E_NETWORK_ERROR, inbox), E_FAIL);
    EXPECT_HR(cb->lpVtbl->Error(cb, MAPI_W_ERRORS_RETURNED, NULL), S_OK);
    EXPECT_HR(cb->lpVtbl->Done(cb, event, S_OK), S_OK);
    EXPECT(mapisync_recorder_count(r) == 7);

    EXPECT_HR(mapisync_recorder_get(r, 0, &rec), S_OK);
    EXPECT(rec.seq == 0 && rec.slot == MAPISYNC_SLOT_PROGRESS && !rec.refused);
    EXPECT(rec.index == 1 && rec.index_max == 4 && rec.answer == S_OK);
    EXPECT(rec.text != NULL && rec.text != inbox && rec.text_len == 5);
    EXPECT(rec.text != NULL && memcmp(rec.text, inbox, sizeof inbox) == 0); /* NUL included */
    EXPECT_HR(mapisync_recorder_get(r, 1, &rec), S_OK);
    EXPECT(rec.seq == 1 && rec.text == NULL && rec.text_len == 0 && rec.answer == MAPI_E_BUSY);
    EXPECT_HR(mapisync_recorder_get(r, 4, &rec), S_OK);
    EXPECT(rec.slot == MAPISYNC_SLOT_ERROR && rec.hr == MAPI_E_NETWORK_ERROR);
    EXPECT(rec.answer == E_FAIL && rec.text_len == 5);
    EXPECT_HR(mapisync_recorder_get(r, 6, &rec), S_OK);
    EXPECT(rec.seq == 6 && rec.slot == MAPISYNC_SLOT_DONE && rec.event == event && rec.hr == S_OK);
    EXPECT_HR(mapisync_recorder_get(r, 7, &rec), E_INVALIDARG);
    mapisync_recorder_free(r);
}

void test_recorder_cancel_from_the_nth_progress(void) {
    mapisync_recorder *r = NULL;
    IMAPISyncProgressCallback *cb;
    ULONG i;
    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    EXPECT_HR(mapisync_recorder_cancel_progress_from(r, 3), S_OK);
    cb = mapisync_recorder_callback(r);
    for (i = 1; i <= 5; i++) {
        EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, i, 5), i < 3 ? S_OK : MAPI_E_USER_CANCEL);
    }
    /* a rule added while calls arrive: counted from the recorder's first call */
    EXPECT_HR(mapisync_recorder_answer(r, MAPISYNC_SLOT_DONE, 1, UINT64_MAX, E_ABORT), S_OK);
    EXPECT_HR(cb->lpVtbl->Done(cb, NULL, MAPI_E_USER_CANCEL), E_ABORT);
    mapisync_recorder_free(r);
}

void test_recorder_text_lives_as_long_as_the_recorder(void) {
    mapisync_recorder *r = NULL;
    IMAPISyncProgressCallback *cb;
    mapisync_record first;
    mapisync_record again;
    ULONG i;
    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    cb = mapisync_recorder_callback(r);
    EXPECT_HR(cb->lpVtbl->Progress(cb, inbox, 0, 1000), S_OK);
    EXPECT_HR(mapisync_recorder_get(r, 0, &first), S_OK);
    for (i = 1; i <= 1000; i++) {
        EXPECT_HR(cb->lpVtbl->Progress(cb, inbox, i, 1000), S_OK);
    }
    EXPECT_HR(mapisync_recorder_get(r, 1000, &again), S_OK);
    EXPECT(again.index == 1000);
    EXPECT(first.text != NULL && runner_wcslen(first.text) == 5);
    EXPECT(first.text != NULL && memcmp(first.text, inbox, sizeof inbox) == 0);
    EXPECT_HR(mapisync_recorder_get(r, 0, &again), S_OK);
    EXPECT(again.text == first.text); /* the same copy, not a new one */
    mapisync_recorder_free(r);
}

void test_recorder_keeps_refused_calls(void) {
    /* Text past the bound (32767 code units) is refused before it reaches the recorder, and
       recorded as refused. */
    size_t n = 40000, i;
    WCHAR *long_text = (WCHAR *)malloc((n + 1) * sizeof(WCHAR));
    mapisync_recorder *r = NULL;
    IMAPISyncProgressCallback *cb;
    mapisync_record rec;
    EXPECT(long_text != NULL);
    if (long_text == NULL) {
        return;
    }
    for (i = 0; i < n; i++) {
        long_text[i] = 'a';
    }
    long_text[n] = 0;
    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    cb = mapisync_recorder_callback(r);
    EXPECT_HR(cb->lpVtbl->Progress(cb, long_text, 1, 2), E_INVALIDARG);
    EXPECT(mapisync_recorder_count(r) == 1);
    EXPECT_HR(mapisync_recorder_get(r, 0, &rec), S_OK);
    EXPECT(rec.refused && rec.slot == MAPISYNC_SLOT_PROGRESS && rec.answer == E_INVALIDARG);
    EXPECT(rec.text == NULL && rec.text_len == 0);
    mapisync_recorder_free(r);
    free(long_text);
}

void test_recorder_counts_outstanding_references(void) {
    mapisync_recorder *r = NULL;
    IMAPISyncProgressCallback *cb;
    EXPECT_HR(mapisync_recorder_new(&r), S_OK);
    cb = mapisync_recorder_callback(r);
    EXPECT(mapisync_recorder_outstanding_references(r) == 0);
    cb->lpVtbl->AddRef(cb);
    cb->lpVtbl->AddRef(cb);
    EXPECT(mapisync_recorder_outstanding_references(r) == 2);
    cb->lpVtbl->Release(cb);
    EXPECT(mapisync_recorder_outstanding_references(r) == 1);
    mapisync_recorder_free(r);
    /* the object outlives the recorder while a provider holds it */
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 1, 1), S_OK);
    EXPECT(cb->lpVtbl->Release(cb) == 0);
}
