/* mapisync_sync_test and mapisync_run_* on the C store of store.c, and a C host: C code that
 * plays Outlook's part through the library (recorder, events) and drives a store. */
#include "tests.h"

#include <stdio.h>
#include <string.h>

#include "store.h"

#define FLAGS (SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS)
#define WAIT_MS 10000u

/* Runs one sync test of a new store made from `config`, and checks it released everything. */
static mapisync_run *run_store(const store_config *config, mapisync_recorder *recorder,
                               ULONG flags, uint32_t timeout_ms) {
    IUnknown *store = store_new(config);
    mapisync_run *run = (mapisync_run *)(uintptr_t)0x10;
    int destroyed = store_destroyed();
    EXPECT_HR(mapisync_sync_test(store, flags, recorder, timeout_ms, &run), S_OK);
    EXPECT(run != NULL);
    store_join(store);
    EXPECT(store->lpVtbl->Release(store) == 0);
    EXPECT(store_destroyed() == destroyed + 1);
    return run;
}

static void print_report_if_failed(const mapisync_run *run, int expect_pass) {
    if (mapisync_run_passed(run, 1) != expect_pass) {
        printf("%s\n", mapisync_run_report(run));
    }
}

void test_sync_a_good_store_passes(void) {
    store_config config = {5, S_OK, 0, 0, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_record rec;
    mapisync_run *run;
    size_t open = mapisync_event_open_count();
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&config, recorder, FLAGS, WAIT_MS);
    print_report_if_failed(run, 1);
    EXPECT(mapisync_run_passed(run, 0) && mapisync_run_passed(run, 1));
    EXPECT(mapisync_run_finding_count(run, 1) == 0);
    EXPECT_HR(mapisync_run_final_status(run), S_OK);
    EXPECT(strstr(mapisync_run_report(run), "call log (6 calls)") != NULL);
    EXPECT(mapisync_recorder_count(recorder) == 6);
    EXPECT_HR(mapisync_recorder_get(recorder, 5, &rec), S_OK);
    EXPECT(rec.slot == MAPISYNC_SLOT_DONE && rec.hr == S_OK && rec.event != NULL);
    EXPECT(mapisync_recorder_outstanding_references(recorder) == 0);
    EXPECT(mapisync_event_open_count() == open); /* the host closed the done event */
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_sync_cancel_at_the_third_progress(void) {
    store_config config = {10, S_OK, 0, 0, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_record rec;
    mapisync_run *run;
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    EXPECT_HR(mapisync_recorder_cancel_progress_from(recorder, 3), S_OK);
    run = run_store(&config, recorder, FLAGS, WAIT_MS);
    print_report_if_failed(run, 1);
    EXPECT(mapisync_run_passed(run, 1));
    EXPECT_HR(mapisync_run_final_status(run), MAPI_E_USER_CANCEL);
    EXPECT(mapisync_recorder_count(recorder) == 4); /* Progress 1, 2, 3 (cancelled), Done */
    EXPECT_HR(mapisync_recorder_get(recorder, 2, &rec), S_OK);
    EXPECT(rec.answer == MAPI_E_USER_CANCEL && rec.index == 3);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_sync_a_failing_folder_is_reported_through_error(void) {
    store_config config = {2, MAPI_E_NETWORK_ERROR, 0, 0, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_run *run;
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&config, recorder, FLAGS, WAIT_MS);
    print_report_if_failed(run, 1);
    EXPECT(mapisync_run_passed(run, 1));
    EXPECT_HR(mapisync_run_final_status(run), MAPI_E_NETWORK_ERROR);
    EXPECT(strstr(mapisync_run_report(run), "MAPI_E_NETWORK_ERROR") != NULL);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_sync_findings_leak_past_max_and_no_signal(void) {
    store_config leak = {1, S_OK, 1, 0, 0, 0};
    store_config past = {2, S_OK, 0, 0, 1, 0};
    store_config silent = {1, S_OK, 0, 1, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_run *run;
    IMAPISyncProgressCallback *cb;

    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&leak, recorder, FLAGS, WAIT_MS);
    EXPECT(!mapisync_run_passed(run, 0) && mapisync_run_finding_count(run, 0) >= 1);
    EXPECT(strstr(mapisync_run_report(run), "reference") != NULL);
    EXPECT(mapisync_recorder_outstanding_references(recorder) == 1);
    cb = mapisync_recorder_callback(recorder);
    cb->lpVtbl->Release(cb); /* the store's leaked reference, given back by the test */
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);

    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&past, recorder, FLAGS, WAIT_MS);
    EXPECT(!mapisync_run_passed(run, 0));
    EXPECT(strstr(mapisync_run_report(run), "past ulIndexMax") != NULL);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);

    /* a store that never signals: the wait times out, and that is a finding */
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&silent, recorder, FLAGS, 200);
    EXPECT(!mapisync_run_passed(run, 0));
    EXPECT(strstr(mapisync_run_report(run), "not signalled") != NULL);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_sync_unknown_flags_go_to_the_store(void) {
    store_config config = {1, S_OK, 0, 0, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_run *run;
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&config, recorder, FLAGS | 0x4, WAIT_MS);
    EXPECT(!mapisync_run_passed(run, 0)); /* the store refused to start: a finding */
    EXPECT(strstr(mapisync_run_report(run), "MAPI_E_UNKNOWN_FLAGS") != NULL);
    EXPECT_HR(mapisync_run_final_status(run), E_UNEXPECTED); /* Done never came */
    EXPECT(mapisync_recorder_count(recorder) == 0);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_sync_a_store_without_imapisync_is_a_finding(void) {
    mapisync_callback_fns none;
    IMAPISyncProgressCallback *not_a_store = NULL;
    mapisync_recorder *recorder = NULL;
    mapisync_run *run = NULL;
    memset(&none, 0, sizeof none);
    EXPECT_HR(mapisync_callback_new(&none, NULL, &not_a_store), S_OK);
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    EXPECT_HR(mapisync_sync_test((IUnknown *)(void *)not_a_store, FLAGS, recorder, WAIT_MS, &run),
              S_OK);
    EXPECT(!mapisync_run_passed(run, 0) && mapisync_run_finding_count(run, 0) == 1);
    EXPECT(strstr(mapisync_run_report(run), "IMAPISync") != NULL);
    EXPECT_HR(mapisync_run_final_status(run), E_UNEXPECTED);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
    EXPECT(not_a_store->lpVtbl->Release(not_a_store) == 0); /* the test took no reference */
}

void test_sync_bad_arguments(void) {
    store_config config = {1, S_OK, 0, 0, 0, 0};
    IUnknown *store = store_new(&config);
    mapisync_recorder *recorder = NULL;
    mapisync_run *run = (mapisync_run *)(uintptr_t)0x10;
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    EXPECT_HR(mapisync_sync_test(NULL, FLAGS, recorder, WAIT_MS, &run), E_POINTER);
    EXPECT(run == NULL);
    run = (mapisync_run *)(uintptr_t)0x10;
    EXPECT_HR(mapisync_sync_test(store, FLAGS, NULL, WAIT_MS, &run), E_POINTER);
    EXPECT(run == NULL);
    EXPECT_HR(mapisync_sync_test(store, FLAGS, recorder, WAIT_MS, NULL), E_POINTER);
    EXPECT(mapisync_recorder_count(recorder) == 0); /* nothing ran */
    EXPECT(store->lpVtbl->Release(store) == 0);
    EXPECT(!mapisync_run_passed(NULL, 0) && mapisync_run_finding_count(NULL, 1) == 0);
    EXPECT(mapisync_run_report(NULL) == NULL);
    EXPECT_HR(mapisync_run_final_status(NULL), E_POINTER);
    mapisync_run_free(NULL);
    mapisync_recorder_free(recorder);
}

/* The example of README.md, as it is there. */
void test_readme_example(void) {
    store_config config = {5, S_OK, 0, 0, 0, 0};
    IUnknown *store = store_new(&config);
    mapisync_recorder *recorder = NULL;
    mapisync_run *run = NULL;
    int passed = 0;
    HRESULT hr = mapisync_recorder_new(&recorder);
    if (SUCCEEDED(hr)) {
        hr = mapisync_recorder_cancel_progress_from(recorder, 3); /* the user presses Cancel */
    }
    if (SUCCEEDED(hr)) {
        hr = mapisync_sync_test(store, SYNC_DOWNLOAD_CONTENTS, recorder, 10000, &run);
    }
    if (SUCCEEDED(hr)) {
        passed = mapisync_run_passed(run, 1);
        if (!passed) {
            puts(mapisync_run_report(run)); /* the findings and the call log */
        }
    } else {
        fprintf(stderr, "mapisync: 0x%08X\n", (unsigned)hr); /* a bad argument, no memory */
    }
    mapisync_run_free(run); /* NULL is a no-op */
    mapisync_recorder_free(recorder);
    EXPECT(passed);
    store_join(store);
    EXPECT(store->lpVtbl->Release(store) == 0);
}

/* The C host: Outlook's part written in C, as an emulation layer would, on the same store. */
void test_c_host_drives_a_store(void) {
    store_config config = {3, S_OK, 0, 0, 0, 0};
    IUnknown *store = store_new(&config);
    IMAPISync *sync = NULL;
    mapisync_recorder *recorder = NULL;
    HANDLE done_event = NULL;
    MAPISIB sib;
    mapisync_record rec;
    size_t open = mapisync_event_open_count();

    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    EXPECT_HR(store->lpVtbl->QueryInterface(store, &IID_IMAPISync, (void **)&sync), S_OK);
    memset(&sib, 0, sizeof sib);
    sib.ulSize = (ULONG)sizeof sib;
    sib.ulFlags = FLAGS;
    sib.psesSync = NULL;
    sib.punkCallBack = (IUnknown *)(void *)mapisync_recorder_callback(recorder);
    sib.phSyncDoneEvent = &done_event;
    EXPECT_HR(sync->lpVtbl->SynchronizeInBackground(sync, &sib), S_OK);
    EXPECT(done_event != NULL);
    sync->lpVtbl->Release(sync);

    EXPECT_HR(mapisync_event_wait(done_event, WAIT_MS), S_OK);
    EXPECT(mapisync_recorder_count(recorder) == 4);
    EXPECT_HR(mapisync_recorder_get(recorder, 3, &rec), S_OK);
    EXPECT(rec.slot == MAPISYNC_SLOT_DONE && rec.event == done_event && rec.hr == S_OK);
    EXPECT_HR(mapisync_event_close(done_event), S_OK); /* Done handed it to the host */
    EXPECT(mapisync_event_open_count() == open);
    store_join(store);
    EXPECT(mapisync_recorder_outstanding_references(recorder) == 0);
    EXPECT(store->lpVtbl->Release(store) == 0);
    mapisync_recorder_free(recorder);
}
