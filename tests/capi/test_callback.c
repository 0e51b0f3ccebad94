/* mapisync_callback_new: an IMAPISyncProgressCallback made from C functions. */
#include "tests.h"

#include <string.h>

typedef struct seen {
    int progress, error, done, destroyed;
    const WCHAR *text;
    ULONG index, index_max;
    HRESULT hr;
    HANDLE event;
    unsigned long destroy_thread;
} seen;

static HRESULT on_progress(void *context, const WCHAR *text, ULONG index, ULONG index_max) {
    seen *s = (seen *)context;
    s->progress++;
    s->text = text;
    s->index = index;
    s->index_max = index_max;
    return S_FALSE;
}

static HRESULT on_error(void *context, HRESULT hr, const WCHAR *text) {
    seen *s = (seen *)context;
    s->error++;
    s->hr = hr;
    s->text = text;
    return MAPI_W_PARTIAL_COMPLETION;
}

static HRESULT on_done(void *context, HANDLE event, HRESULT hr) {
    seen *s = (seen *)context;
    s->done++;
    s->event = event;
    s->hr = hr;
    return MAPI_E_USER_CANCEL;
}

static void on_destroy(void *context) {
    seen *s = (seen *)context;
    s->destroyed++;
    s->destroy_thread = runner_thread_id();
}

static const mapisync_callback_fns all_fns = {on_progress, on_error, on_done, on_destroy};

void test_callback_answers_what_the_functions_return(void) {
    static const WCHAR inbox[] = {'I', 'n', 'b', 'o', 'x', 0};
    seen s;
    IMAPISyncProgressCallback *cb = NULL;
    memset(&s, 0, sizeof s);
    EXPECT_HR(mapisync_callback_new(&all_fns, &s, &cb), S_OK);
    EXPECT(cb != NULL);
    EXPECT_HR(cb->lpVtbl->Progress(cb, inbox, 3, 10), S_FALSE);
    EXPECT(s.progress == 1 && s.text == inbox && s.index == 3 && s.index_max == 10);
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 4, 10), S_FALSE);
    EXPECT(s.progress == 2 && s.text == NULL);
    EXPECT_HR(cb->lpVtbl->Error(cb, MAPI_E_NETWORK_ERROR, inbox), MAPI_W_PARTIAL_COMPLETION);
    EXPECT(s.error == 1 && s.hr == MAPI_E_NETWORK_ERROR && s.text == inbox);
    EXPECT_HR(cb->lpVtbl->Done(cb, (HANDLE)(uintptr_t)0x40, S_OK), MAPI_E_USER_CANCEL);
    EXPECT(s.done == 1 && s.event == (HANDLE)(uintptr_t)0x40 && s.hr == S_OK);
    EXPECT(s.destroyed == 0);
    EXPECT(cb->lpVtbl->Release(cb) == 0);
    EXPECT(s.destroyed == 1);
}

void test_callback_null_slots_answer_s_ok(void) {
    mapisync_callback_fns none;
    IMAPISyncProgressCallback *cb = NULL;
    memset(&none, 0, sizeof none);
    EXPECT_HR(mapisync_callback_new(&none, NULL, &cb), S_OK);
    EXPECT_HR(cb->lpVtbl->Progress(cb, NULL, 0, 0), S_OK);
    EXPECT_HR(cb->lpVtbl->Error(cb, E_FAIL, NULL), S_OK);
    EXPECT_HR(cb->lpVtbl->Done(cb, NULL, E_FAIL), S_OK);
    EXPECT(cb->lpVtbl->Release(cb) == 0);
}

void test_callback_iunknown_rules(void) {
    seen s;
    IMAPISyncProgressCallback *cb = NULL;
    void *ppv = (void *)1;
    memset(&s, 0, sizeof s);
    EXPECT_HR(mapisync_callback_new(&all_fns, &s, &cb), S_OK);
    EXPECT_HR(cb->lpVtbl->QueryInterface(cb, &IID_IUnknown, &ppv), S_OK);
    EXPECT(ppv == (void *)cb); /* one identity */
    EXPECT_HR(cb->lpVtbl->QueryInterface(cb, &IID_IMAPISyncProgressCallback, &ppv), S_OK);
    EXPECT(ppv == (void *)cb);
    EXPECT(cb->lpVtbl->AddRef(cb) == 4);
    EXPECT(cb->lpVtbl->Release(cb) == 3);
    EXPECT(cb->lpVtbl->Release(cb) == 2);
    EXPECT(cb->lpVtbl->Release(cb) == 1);
    EXPECT_HR(cb->lpVtbl->QueryInterface(cb, &IID_IMAPISync, &ppv), E_NOINTERFACE);
    EXPECT(ppv == NULL);
    EXPECT_HR(cb->lpVtbl->QueryInterface(cb, &IID_IUnknown, NULL), E_POINTER);
    ppv = (void *)1;
    EXPECT_HR(cb->lpVtbl->QueryInterface(cb, NULL, &ppv), E_INVALIDARG);
    EXPECT(ppv == NULL);
    EXPECT(s.destroyed == 0);
    EXPECT(cb->lpVtbl->Release(cb) == 0);
    EXPECT(s.destroyed == 1);
}

static void release_it(void *cb) {
    IMAPISyncProgressCallback *p = (IMAPISyncProgressCallback *)cb;
    p->lpVtbl->Release(p);
}

void test_callback_destroy_runs_once_on_the_releasing_thread(void) {
    seen s;
    IMAPISyncProgressCallback *cb = NULL;
    runner_thread *thread;
    unsigned long here = runner_thread_id();
    memset(&s, 0, sizeof s);
    EXPECT_HR(mapisync_callback_new(&all_fns, &s, &cb), S_OK);
    thread = runner_spawn(release_it, cb);
    EXPECT(thread != NULL);
    runner_join(thread);
    EXPECT(s.destroyed == 1);
    EXPECT(s.destroy_thread != 0 && s.destroy_thread != here);
}

void test_callback_bad_arguments_write_null_and_never_destroy(void) {
    seen s;
    IMAPISyncProgressCallback *cb = (IMAPISyncProgressCallback *)(uintptr_t)0x10;
    memset(&s, 0, sizeof s);
    EXPECT_HR(mapisync_callback_new(NULL, &s, &cb), E_POINTER);
    EXPECT(cb == NULL);
    EXPECT_HR(mapisync_callback_new(&all_fns, &s, NULL), E_POINTER);
    EXPECT(s.destroyed == 0); /* the context stays the caller's */
}
