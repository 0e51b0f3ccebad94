/* The C store provider of store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "runner.h"

typedef struct store {
    IMAPISync sync; /* the one interface; also the store's IUnknown */
    volatile long count;
    store_config config;
    runner_thread *worker;
} store;

typedef struct job {
    store *owner;
    IMAPISyncProgressCallback *callback;
    HANDLE done_event;
} job;

static int destroyed = 0;

static const ULONG known_flags = SYNC_UPLOAD_HIERARCHY | SYNC_DOWNLOAD_HIERARCHY |
                                 SYNC_UPLOAD_CONTENTS | SYNC_DOWNLOAD_CONTENTS |
                                 SYNC_OUTGOING_MAIL | SYNC_BACKGROUND | SYNC_THESE_FOLDERS |
                                 SYNC_GLOBAL_HEADERS | SYNC_ON_DEMAND;

static HRESULT STDMETHODCALLTYPE store_query_interface(IMAPISync *This, REFIID riid, void **ppv) {
    if (ppv == NULL) {
        return E_POINTER;
    }
    if (riid != NULL && (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMAPISync))) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return riid == NULL ? E_INVALIDARG : E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE store_add_ref(IMAPISync *This) {
    store *s = (store *)This;
    return (ULONG)__atomic_add_fetch(&s->count, 1, __ATOMIC_RELAXED);
}

static ULONG STDMETHODCALLTYPE store_release(IMAPISync *This) {
    store *s = (store *)This;
    long count = __atomic_sub_fetch(&s->count, 1, __ATOMIC_ACQ_REL);
    if (count == 0) {
        __atomic_add_fetch(&destroyed, 1, __ATOMIC_SEQ_CST);
        free(s);
    }
    return (ULONG)count;
}

static void work(void *arg) {
    static const WCHAR step[] = {'s', 't', 'e', 'p', 0};
    static const WCHAR network_down[] = {'n', 'e', 't', 'w', 'o', 'r', 'k', ' ',
                                         'd', 'o', 'w', 'n', 0};
    job *j = (job *)arg;
    IMAPISyncProgressCallback *cb = j->callback;
    const store_config *config = &j->owner->config;
    HRESULT status = S_OK;
    ULONG i;
    for (i = 1; i <= config->steps; i++) {
        HRESULT hr = cb->lpVtbl->Progress(cb, step, i, config->steps);
        if (FAILED(hr) && config->ignore_cancel_from != 0 && i >= config->ignore_cancel_from) {
            continue; /* the planted bug */
        }
        if (FAILED(hr)) { /* MAPI_E_USER_CANCEL: the user pressed Cancel */
            status = hr;
            break;
        }
    }
    if (config->progress_past_max) {
        cb->lpVtbl->Progress(cb, NULL, config->steps + 1, config->steps);
    }
    if (status == S_OK && FAILED(config->error)) {
        cb->lpVtbl->Error(cb, config->error, network_down);
        status = config->error;
    }
    /* Done hands the event back; the host closes it once it is set. */
    cb->lpVtbl->Done(cb, j->done_event, status);
    if (!config->leak_callback) {
        cb->lpVtbl->Release(cb);
    }
    if (!config->never_signal) {
        mapisync_event_set(j->done_event);
    }
    j->owner->sync.lpVtbl->Release(&j->owner->sync);
    free(j);
}

static HRESULT STDMETHODCALLTYPE store_synchronize(IMAPISync *This, MAPISIB *psib) {
    store *s = (store *)This;
    job *j;
    void *cb = NULL;
    HRESULT hr;
    if (psib == NULL || psib->ulSize < sizeof(MAPISIB) || psib->phSyncDoneEvent == NULL ||
        psib->punkCallBack == NULL) {
        return E_INVALIDARG;
    }
    if ((psib->ulFlags & ~known_flags) != 0) {
        return MAPI_E_UNKNOWN_FLAGS;
    }
    hr = psib->punkCallBack->lpVtbl->QueryInterface(psib->punkCallBack,
                                                    &IID_IMAPISyncProgressCallback, &cb);
    if (FAILED(hr)) {
        return hr;
    }
    j = (job *)calloc(1, sizeof *j);
    if (j == NULL) {
        ((IMAPISyncProgressCallback *)cb)->lpVtbl->Release((IMAPISyncProgressCallback *)cb);
        return E_OUTOFMEMORY;
    }
    j->owner = s;
    j->callback = (IMAPISyncProgressCallback *)cb;
    hr = mapisync_event_create(1, 0, &j->done_event);
    if (FAILED(hr)) {
        j->callback->lpVtbl->Release(j->callback);
        free(j);
        return hr;
    }
    if (s->worker != NULL) {
        runner_join(s->worker);
    }
    This->lpVtbl->AddRef(This); /* the worker's */
    *psib->phSyncDoneEvent = j->done_event;
    s->worker = runner_spawn(work, j);
    if (s->worker == NULL) {
        *psib->phSyncDoneEvent = NULL;
        mapisync_event_close(j->done_event);
        j->callback->lpVtbl->Release(j->callback);
        free(j);
        This->lpVtbl->Release(This);
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

static const IMAPISyncVtbl store_vtbl = {store_query_interface, store_add_ref, store_release,
                                         store_synchronize};

IUnknown *store_new(const store_config *config) {
    store *s = (store *)calloc(1, sizeof *s);
    if (s == NULL) {
        return NULL;
    }
    s->sync.lpVtbl = &store_vtbl;
    s->count = 1;
    s->config = *config;
    return (IUnknown *)(void *)&s->sync;
}

void store_join(IUnknown *unknown) {
    store *s = (store *)(void *)unknown;
    if (s->worker != NULL) {
        runner_join(s->worker);
        s->worker = NULL;
    }
}

int store_destroyed(void) {
    return __atomic_load_n(&destroyed, __ATOMIC_SEQ_CST);
}
