/*
 * explore_store.c: the 10-call provider of benches/kit.rs (9 Progress, then Done) written in C
 * against mapisync.h, as a C provider writes it: IMAPISync on a store object, a worker thread
 * per synchronization, mapisync's events. benches/capi_explore.rs explores it through
 * mapisync_explore beside the Rust provider through Explore, in the same run.
 */
#include <mapisync.h>

#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#endif

typedef struct bench_store {
    IMAPISync sync; /* the one interface; also the store's IUnknown */
    volatile long count;
} bench_store;

typedef struct bench_job {
    bench_store *owner;
    IMAPISyncProgressCallback *callback;
    HANDLE done_event;
} bench_job;

#define STEPS 9u

static HRESULT STDMETHODCALLTYPE query_interface(IMAPISync *This, REFIID riid, void **ppv) {
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

static ULONG STDMETHODCALLTYPE add_ref(IMAPISync *This) {
    return (ULONG)__atomic_add_fetch(&((bench_store *)This)->count, 1, __ATOMIC_RELAXED);
}

static ULONG STDMETHODCALLTYPE release(IMAPISync *This) {
    long count = __atomic_sub_fetch(&((bench_store *)This)->count, 1, __ATOMIC_ACQ_REL);
    if (count == 0) {
        free(This);
    }
    return (ULONG)count;
}

static void work(bench_job *j) {
    IMAPISyncProgressCallback *cb = j->callback;
    HRESULT status = S_OK;
    ULONG i;
    for (i = 1; i <= STEPS; i++) {
        HRESULT hr = cb->lpVtbl->Progress(cb, NULL, i, STEPS);
        if (FAILED(hr)) {
            status = hr;
            break;
        }
    }
    cb->lpVtbl->Done(cb, j->done_event, status);
    cb->lpVtbl->Release(cb);
    mapisync_event_set(j->done_event);
    j->owner->sync.lpVtbl->Release(&j->owner->sync);
    free(j);
}

#if defined(_WIN32)
static DWORD WINAPI start(LPVOID arg) {
    work((bench_job *)arg);
    return 0;
}
#else
static void *start(void *arg) {
    work((bench_job *)arg);
    return NULL;
}
#endif

static HRESULT STDMETHODCALLTYPE synchronize(IMAPISync *This, MAPISIB *psib) {
    bench_job *j;
    void *cb = NULL;
    HRESULT hr;
    if (psib == NULL || psib->phSyncDoneEvent == NULL || psib->punkCallBack == NULL) {
        return E_INVALIDARG;
    }
    hr = psib->punkCallBack->lpVtbl->QueryInterface(psib->punkCallBack,
                                                    &IID_IMAPISyncProgressCallback, &cb);
    if (FAILED(hr)) {
        return hr;
    }
    j = (bench_job *)calloc(1, sizeof *j);
    if (j == NULL || FAILED(hr = mapisync_event_create(1, 0, &j->done_event))) {
        ((IMAPISyncProgressCallback *)cb)->lpVtbl->Release((IMAPISyncProgressCallback *)cb);
        free(j);
        return j == NULL ? E_OUTOFMEMORY : hr;
    }
    j->owner = (bench_store *)This;
    j->callback = (IMAPISyncProgressCallback *)cb;
    This->lpVtbl->AddRef(This); /* the worker's */
    *psib->phSyncDoneEvent = j->done_event;
    {
#if defined(_WIN32)
        HANDLE thread = CreateThread(NULL, 0, start, j, 0, NULL);
        int started = thread != NULL;
        if (started) {
            CloseHandle(thread);
        }
#else
        pthread_t thread;
        int started = pthread_create(&thread, NULL, start, j) == 0;
        if (started) {
            pthread_detach(thread);
        }
#endif
        if (!started) {
            *psib->phSyncDoneEvent = NULL;
            mapisync_event_close(j->done_event);
            j->callback->lpVtbl->Release(j->callback);
            free(j);
            This->lpVtbl->Release(This);
            return E_OUTOFMEMORY;
        }
    }
    return S_OK;
}

static const IMAPISyncVtbl vtbl = {query_interface, add_ref, release, synchronize};

/* The mapisync_store_factory: one new store with one reference. */
HRESULT bench_make_store(void *context, IUnknown **out) {
    bench_store *s = (bench_store *)calloc(1, sizeof *s);
    (void)context;
    if (s == NULL) {
        *out = NULL;
        return E_OUTOFMEMORY;
    }
    s->sync.lpVtbl = &vtbl;
    s->count = 1;
    *out = (IUnknown *)(void *)&s->sync;
    return S_OK;
}
