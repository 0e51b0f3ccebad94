/* The whole kit from C: the start status, structured findings, the expected calls with their
 * diff, and exploration of the C store of store.c, a planted bug found and its C replay
 * printed and run. */
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define FLAGS (SYNC_DOWNLOAD_HIERARCHY | SYNC_DOWNLOAD_CONTENTS)
#define WAIT_MS 10000u

/* ---- A store factory that keeps every store it made, to join its worker at the end ---- */

typedef struct factory {
    store_config config;
    IUnknown **made;
    size_t count, capacity;
    HRESULT fail; /* a failure code: the factory fails with it */
} factory;

static HRESULT make_store(void *context, IUnknown **out) {
    factory *f = (factory *)context;
    IUnknown *store;
    if (FAILED(f->fail)) {
        *out = NULL;
        return f->fail;
    }
    if (f->count == f->capacity) {
        size_t capacity = f->capacity ? 2 * f->capacity : 64;
        IUnknown **made = (IUnknown **)realloc(f->made, capacity * sizeof *made);
        if (made == NULL) {
            return E_OUTOFMEMORY;
        }
        f->made = made;
        f->capacity = capacity;
    }
    store = store_new(&f->config);
    if (store == NULL) {
        return E_OUTOFMEMORY;
    }
    store->lpVtbl->AddRef(store); /* the factory's, for the cleanup */
    f->made[f->count++] = store;
    *out = store;
    return S_OK;
}

/* Joins every store's worker and releases the factory's references: each store goes. */
static void factory_clean(factory *f) {
    size_t i;
    for (i = 0; i < f->count; i++) {
        store_join(f->made[i]);
        EXPECT(f->made[i]->lpVtbl->Release(f->made[i]) == 0);
    }
    free(f->made);
    f->made = NULL;
    f->count = f->capacity = 0;
}

static mapisync_explore_options options(uint32_t cases) {
    mapisync_explore_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.strict = 1;
    o.cases = cases;
    o.seed = 7;
    return o;
}

/* ---- Runs ---- */

static mapisync_run *run_store(const store_config *config, mapisync_recorder *recorder) {
    IUnknown *store = store_new(config);
    mapisync_run *run = NULL;
    EXPECT_HR(mapisync_sync_test(store, FLAGS, recorder, WAIT_MS, &run), S_OK);
    store_join(store);
    EXPECT(store->lpVtbl->Release(store) == 0);
    return run;
}

void test_kit_start_status_and_structured_findings(void) {
    store_config good = {3, S_OK, 0, 0, 0, 0};
    store_config buggy = {5, S_OK, 0, 0, 0, 2};
    mapisync_recorder *recorder = NULL;
    mapisync_finding finding, untouched;
    mapisync_run *run;
    size_t i, count;
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&good, recorder);
    EXPECT_HR(mapisync_run_start_status(run), S_OK);
    EXPECT_HR(mapisync_run_finding(run, 1, 0, &finding), E_INVALIDARG);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);

    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    EXPECT_HR(mapisync_recorder_cancel_progress_from(recorder, 3), S_OK);
    run = run_store(&buggy, recorder);
    EXPECT_HR(mapisync_run_start_status(run), S_OK);
    count = mapisync_run_finding_count(run, 1);
    EXPECT(count >= 1);
    for (i = 0; i < count; i++) {
        EXPECT_HR(mapisync_run_finding(run, 1, i, &finding), S_OK);
        EXPECT(finding.code != NULL && finding.code[0] != '\0');
        EXPECT(strstr(mapisync_run_report(run), finding.what) != NULL);
        EXPECT(finding.expected != NULL && finding.expected[0] != '\0');
    }
    EXPECT_HR(mapisync_run_finding(run, 0, 0, &finding), S_OK);
    EXPECT(finding.severity == MAPISYNC_ERROR);
    EXPECT(finding.seq == 3); /* the Progress after the Cancel answered at #2 */
    EXPECT(strcmp(finding.code, "progress_after_cancel") == 0);
    /* Bad inputs: nothing written. */
    memset(&untouched, 0x5a, sizeof untouched);
    finding = untouched;
    EXPECT_HR(mapisync_run_finding(run, 1, count, &finding), E_INVALIDARG);
    EXPECT_HR(mapisync_run_finding(NULL, 1, 0, &finding), E_POINTER);
    EXPECT(memcmp(&finding, &untouched, sizeof finding) == 0);
    EXPECT_HR(mapisync_run_finding(run, 1, 0, NULL), E_POINTER);
    EXPECT_HR(mapisync_run_start_status(NULL), E_POINTER);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
}

void test_kit_expected_calls_and_their_diff(void) {
    static const WCHAR step[] = {'s', 't', 'e', 'p', 0};
    static const WCHAR network_down[] = {'n', 'e', 't', 'w', 'o', 'r', 'k', ' ',
                                         'd', 'o', 'w', 'n', 0};
    static const WCHAR other[] = {'o', 't', 'h', 'e', 'r', 0};
    store_config config = {3, MAPI_E_NETWORK_ERROR, 0, 0, 0, 0};
    mapisync_recorder *recorder = NULL;
    mapisync_expect *exact = NULL, *wrong = NULL, *texted_wrong = NULL;
    const char *diff = "stale";
    mapisync_run *run;
    EXPECT_HR(mapisync_expect_new(NULL), E_POINTER);
    EXPECT_HR(mapisync_expect_new(&exact), S_OK);
    EXPECT_HR(mapisync_expect_text(exact, step), E_INVALIDARG); /* no entry yet */
    EXPECT_HR(mapisync_expect_progress(exact, 1, 3, 3), S_OK);
    EXPECT_HR(mapisync_expect_text(exact, step), S_OK);
    EXPECT_HR(mapisync_expect_error(exact, MAPI_E_NETWORK_ERROR), S_OK);
    EXPECT_HR(mapisync_expect_text(exact, network_down), S_OK);
    EXPECT_HR(mapisync_expect_done(exact, MAPI_E_NETWORK_ERROR), S_OK);
    EXPECT_HR(mapisync_expect_new(&wrong), S_OK);
    EXPECT_HR(mapisync_expect_progress(wrong, 1, 3, 3), S_OK);
    EXPECT_HR(mapisync_expect_done(wrong, S_OK), S_OK);
    EXPECT_HR(mapisync_expect_progress(wrong, 2, 1, 3), E_INVALIDARG);
    EXPECT_HR(mapisync_expect_progress(NULL, 1, 1, 1), E_POINTER);
    EXPECT_HR(mapisync_expect_text(wrong, NULL), E_POINTER);
    EXPECT_HR(mapisync_expect_text(wrong, step), E_INVALIDARG); /* a done carries no text */
    EXPECT_HR(mapisync_expect_text(exact, NULL), E_POINTER);
    {
        mapisync_expect *texted = NULL;
        EXPECT_HR(mapisync_expect_new(&texted), S_OK);
        EXPECT_HR(mapisync_expect_progress(texted, 1, 1, 1), S_OK);
        EXPECT_HR(mapisync_expect_text(texted, step), S_OK);
        mapisync_expect_free(texted);
    }
    EXPECT_HR(mapisync_expect_new(&texted_wrong), S_OK);
    EXPECT_HR(mapisync_expect_progress(texted_wrong, 1, 3, 3), S_OK);
    EXPECT_HR(mapisync_expect_text(texted_wrong, other), S_OK);
    EXPECT_HR(mapisync_expect_error(texted_wrong, MAPI_E_NETWORK_ERROR), S_OK);
    EXPECT_HR(mapisync_expect_done(texted_wrong, MAPI_E_NETWORK_ERROR), S_OK);

    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    run = run_store(&config, recorder);
    EXPECT(mapisync_run_matches(run, exact, &diff) == 1);
    EXPECT(diff == NULL);
    EXPECT(mapisync_run_matches(run, wrong, &diff) == 0);
    EXPECT(diff != NULL && strncmp(diff, "the calls do not match the expectation\n", 39) == 0);
    EXPECT(diff != NULL && strstr(diff, "+ Error MAPI_E_NETWORK_ERROR (0x80040115)") != NULL);
    EXPECT(mapisync_run_matches(run, wrong, NULL) == 0);
    EXPECT(mapisync_run_matches(run, texted_wrong, &diff) == 0); /* the texts differ */
    EXPECT(diff != NULL && strstr(diff, "with text \"other\"") != NULL);
    EXPECT(mapisync_run_matches(NULL, wrong, &diff) == 0 && diff == NULL);
    EXPECT(mapisync_run_matches(run, NULL, &diff) == 0 && diff == NULL);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
    mapisync_expect_free(exact);
    mapisync_expect_free(wrong);
    mapisync_expect_free(texted_wrong);
    mapisync_expect_free(NULL);
}

void test_kit_exploration_of_a_good_c_store_passes(void) {
    factory f;
    mapisync_explore_options o = options(16);
    mapisync_exploration *x = NULL;
    memset(&f, 0, sizeof f);
    f.config.steps = 4;
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), S_OK);
    if (!mapisync_exploration_passed(x)) {
        printf("%s\n", mapisync_exploration_report(x));
    }
    EXPECT(mapisync_exploration_passed(x));
    EXPECT(mapisync_exploration_failure_count(x) == 0);
    EXPECT(mapisync_exploration_scenarios(x) >= 1 + 4 + 1);
    EXPECT(mapisync_exploration_seed(x) == 7 || getenv("MAPISYNC_EXPLORE_SEED") != NULL);
    EXPECT(mapisync_exploration_failure_script(x, 0) == NULL);
    EXPECT(mapisync_exploration_failure_run(x, 0) == NULL);
    mapisync_exploration_free(x);
    factory_clean(&f);
}

void test_kit_exploration_finds_a_planted_bug_and_its_c_replay_fails_the_same(void) {
    factory f;
    mapisync_explore_options o = options(32);
    mapisync_exploration *x = NULL;
    mapisync_recorder *recorder = NULL;
    mapisync_finding found, replayed;
    const mapisync_run *failed;
    mapisync_run *run;
    const char *script;
    memset(&f, 0, sizeof f);
    f.config.steps = 6;
    f.config.ignore_cancel_from = 4; /* the bug: a Cancel from the 4th Progress on is ignored */
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), S_OK);
    EXPECT(!mapisync_exploration_passed(x));
    EXPECT(mapisync_exploration_failure_count(x) >= 1);
    script = mapisync_exploration_failure_script(x, 0);
    EXPECT(script != NULL &&
           strcmp(script, "mapisync_recorder_cancel_progress_from(recorder, 4);") == 0);
    printf("%s\n", mapisync_exploration_report(x));
    failed = mapisync_exploration_failure_run(x, 0);
    EXPECT(failed != NULL && !mapisync_run_passed(failed, 1));
    EXPECT_HR(mapisync_run_finding(failed, 1, 0, &found), S_OK);

    /* The printed replay, pasted: it fails the same way. */
    EXPECT_HR(mapisync_recorder_new(&recorder), S_OK);
    mapisync_recorder_cancel_progress_from(recorder, 4);
    run = run_store(&f.config, recorder);
    EXPECT(!mapisync_run_passed(run, 1));
    EXPECT_HR(mapisync_run_finding(run, 1, 0, &replayed), S_OK);
    EXPECT(strcmp(found.code, replayed.code) == 0 && strcmp(found.what, replayed.what) == 0);
    EXPECT(found.seq == replayed.seq);
    mapisync_run_free(run);
    mapisync_recorder_free(recorder);
    mapisync_exploration_free(x);
    factory_clean(&f);
}

void test_kit_explore_bad_inputs(void) {
    factory f;
    mapisync_explore_options o = options(0);
    mapisync_exploration *x = (mapisync_exploration *)(uintptr_t)0x10;
    memset(&f, 0, sizeof f);
    f.config.steps = 1;
    o.size = sizeof o - 1;
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), E_INVALIDARG);
    EXPECT(x == NULL);
    o.size = sizeof o + 8;
    x = (mapisync_exploration *)(uintptr_t)0x10;
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), E_INVALIDARG);
    EXPECT(x == NULL);
    o.size = 0;
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), E_INVALIDARG);
    o.size = sizeof o;
    x = (mapisync_exploration *)(uintptr_t)0x10;
    EXPECT_HR(mapisync_explore(&o, NULL, &f, &x), E_POINTER);
    EXPECT(x == NULL);
    EXPECT_HR(mapisync_explore(&o, make_store, &f, NULL), E_POINTER);
    f.fail = MAPI_E_NOT_FOUND;
    x = (mapisync_exploration *)(uintptr_t)0x10;
    EXPECT_HR(mapisync_explore(&o, make_store, &f, &x), MAPI_E_NOT_FOUND);
    EXPECT(x == NULL);
    EXPECT(f.count == 0);
    EXPECT(!mapisync_exploration_passed(NULL));
    EXPECT(mapisync_exploration_scenarios(NULL) == 0 && mapisync_exploration_seed(NULL) == 0);
    EXPECT(mapisync_exploration_failure_count(NULL) == 0);
    EXPECT(mapisync_exploration_failure_script(NULL, 0) == NULL);
    EXPECT(mapisync_exploration_failure_run(NULL, 0) == NULL);
    EXPECT(mapisync_exploration_report(NULL) == NULL);
    mapisync_exploration_free(NULL);
    factory_clean(&f);
}
