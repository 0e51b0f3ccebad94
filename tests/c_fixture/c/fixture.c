/*
 * fixture.c: the C test fixture of mapisync (see fixture.h).
 */
#include "fixture.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- IIDs (IID_IUnknown, IID_IMAPISyncProgressCallback and IID_IMAPISync are mapisync.h's) */

/* {5024A387-2D44-486A-81A8-8F0ECB6071DD}: one past the callback's, answered by nobody. */
static const IID IID_Other = {
    0x5024A387, 0x2D44, 0x486A, {0x81, 0xA8, 0x8F, 0x0E, 0xCB, 0x60, 0x71, 0xDD}};

static int iid_equal(const IID *a, const IID *b) {
    return memcmp(a, b, sizeof(IID)) == 0;
}

const IID *fixture_iid(unsigned which) {
    switch (which) {
    case FIXTURE_IID_IUNKNOWN:
        return &IID_IUnknown;
    case FIXTURE_IID_CALLBACK:
        return &IID_IMAPISyncProgressCallback;
    case FIXTURE_IID_SYNC:
        return &IID_IMAPISync;
    case FIXTURE_IID_OTHER:
        return &IID_Other;
    default:
        return NULL;
    }
}

/* ---- Layout ------------------------------------------------------------------------------ */

size_t fixture_layout(FixtureLayout *out) {
    memset(out, 0, sizeof *out);
    out->ulong_size = sizeof(ULONG);
    out->hresult_size = sizeof(HRESULT);
    out->wchar_size = sizeof(WCHAR);
    out->handle_size = sizeof(HANDLE);

    out->guid_size = sizeof(GUID);
    out->guid_align = _Alignof(GUID);
    out->guid_Data1 = offsetof(GUID, Data1);
    out->guid_Data2 = offsetof(GUID, Data2);
    out->guid_Data3 = offsetof(GUID, Data3);
    out->guid_Data4 = offsetof(GUID, Data4);

    out->iunknown_size = sizeof(IUnknown);
    out->iunknown_vtbl_size = sizeof(IUnknownVtbl);
    out->iunknown_vtbl_align = _Alignof(IUnknownVtbl);
    out->iunknown_vtbl_QueryInterface = offsetof(IUnknownVtbl, QueryInterface);
    out->iunknown_vtbl_AddRef = offsetof(IUnknownVtbl, AddRef);
    out->iunknown_vtbl_Release = offsetof(IUnknownVtbl, Release);

    out->callback_size = sizeof(IMAPISyncProgressCallback);
    out->callback_vtbl_size = sizeof(IMAPISyncProgressCallbackVtbl);
    out->callback_vtbl_align = _Alignof(IMAPISyncProgressCallbackVtbl);
    out->callback_vtbl_QueryInterface = offsetof(IMAPISyncProgressCallbackVtbl, QueryInterface);
    out->callback_vtbl_AddRef = offsetof(IMAPISyncProgressCallbackVtbl, AddRef);
    out->callback_vtbl_Release = offsetof(IMAPISyncProgressCallbackVtbl, Release);
    out->callback_vtbl_Progress = offsetof(IMAPISyncProgressCallbackVtbl, Progress);
    out->callback_vtbl_Error = offsetof(IMAPISyncProgressCallbackVtbl, Error);
    out->callback_vtbl_Done = offsetof(IMAPISyncProgressCallbackVtbl, Done);

    out->sync_size = sizeof(IMAPISync);
    out->sync_vtbl_size = sizeof(IMAPISyncVtbl);
    out->sync_vtbl_align = _Alignof(IMAPISyncVtbl);
    out->sync_vtbl_QueryInterface = offsetof(IMAPISyncVtbl, QueryInterface);
    out->sync_vtbl_AddRef = offsetof(IMAPISyncVtbl, AddRef);
    out->sync_vtbl_Release = offsetof(IMAPISyncVtbl, Release);
    out->sync_vtbl_SynchronizeInBackground = offsetof(IMAPISyncVtbl, SynchronizeInBackground);

    out->mapisib_size = sizeof(MAPISIB);
    out->mapisib_align = _Alignof(MAPISIB);
    out->mapisib_ulSize = offsetof(MAPISIB, ulSize);
    out->mapisib_ulFlags = offsetof(MAPISIB, ulFlags);
    out->mapisib_psesSync = offsetof(MAPISIB, psesSync);
    out->mapisib_punkCallBack = offsetof(MAPISIB, punkCallBack);
    out->mapisib_phSyncDoneEvent = offsetof(MAPISIB, phSyncDoneEvent);
    return sizeof *out;
}

/* ---- The C caller ------------------------------------------------------------------------ */

/* A non-null value no object would return: QueryInterface must overwrite it with NULL. */
#define GARBAGE ((void *)(uintptr_t)0xBAADF00Du)

/* "Sync <U+D800 unpaired>Inbox <U+1F4EC as a pair> <U+DC00 unpaired>." */
static const WCHAR progress_text[] = {
    'S', 'y', 'n', 'c', ' ', 0xD800, 'I', 'n', 'b', 'o', 'x', ' ', 0xD83D, 0xDCEC, ' ', 0xDC00,
    '.', 0};
/* "Network down: caf\u00E9 <U+D800 unpaired>" */
static const WCHAR error_text[] = {
    'N', 'e', 't', 'w', 'o', 'r', 'k', ' ', 'd', 'o', 'w', 'n', ':', ' ', 'c', 'a', 'f', 0x00E9,
    ' ', 0xD800, 0};

const WCHAR *fixture_progress_text(size_t *len) {
    if (len) {
        *len = sizeof progress_text / sizeof progress_text[0] - 1;
    }
    return progress_text;
}

const WCHAR *fixture_error_text(size_t *len) {
    if (len) {
        *len = sizeof error_text / sizeof error_text[0] - 1;
    }
    return error_text;
}

HANDLE fixture_done_handle(void) {
    return (HANDLE)(uintptr_t)0x1234u;
}

size_t fixture_check_identity(IUnknown *unknown, FixtureIdentityReport *out) {
    const IUnknownVtbl *vt = unknown->lpVtbl;
    void *ppv;
    IMAPISyncProgressCallback *callback;
    IUnknown *unknown1, *unknown2, *unknown3;
    IMAPISyncProgressCallback *callback2;

    memset(out, 0, sizeof *out);
    out->unknown = (uintptr_t)unknown;

    ppv = GARBAGE;
    out->qi_sync_hr = vt->QueryInterface(unknown, &IID_IMAPISync, &ppv);
    out->qi_sync_ppv = (uintptr_t)ppv;
    ppv = GARBAGE;
    out->qi_other_hr = vt->QueryInterface(unknown, &IID_Other, &ppv);
    out->qi_other_ppv = (uintptr_t)ppv;
    out->qi_null_ppv_hr = vt->QueryInterface(unknown, &IID_IUnknown, NULL);
    ppv = GARBAGE;
    out->qi_null_riid_hr = vt->QueryInterface(unknown, NULL, &ppv);
    out->qi_null_riid_ppv = (uintptr_t)ppv;
    out->add_ref_after_failures = vt->AddRef(unknown);
    out->release_after_failures = vt->Release(unknown);

    ppv = NULL;
    out->qi_callback_hr = vt->QueryInterface(unknown, &IID_IMAPISyncProgressCallback, &ppv);
    out->callback = (uintptr_t)ppv;
    callback = ppv;
    if (FAILED(out->qi_callback_hr) || !callback) {
        return sizeof *out;
    }

    ppv = NULL;
    out->qi_unknown1_hr = vt->QueryInterface(unknown, &IID_IUnknown, &ppv);
    out->unknown1 = (uintptr_t)ppv;
    unknown1 = ppv;
    ppv = NULL;
    out->qi_unknown2_hr = vt->QueryInterface(unknown, &IID_IUnknown, &ppv);
    out->unknown2 = (uintptr_t)ppv;
    unknown2 = ppv;
    ppv = NULL;
    out->qi_unknown_via_callback_hr =
        callback->lpVtbl->QueryInterface(callback, &IID_IUnknown, &ppv);
    out->unknown_via_callback = (uintptr_t)ppv;
    unknown3 = ppv;
    ppv = NULL;
    out->qi_callback_via_callback_hr =
        callback->lpVtbl->QueryInterface(callback, &IID_IMAPISyncProgressCallback, &ppv);
    out->callback_via_callback = (uintptr_t)ppv;
    callback2 = ppv;

    out->add_ref = vt->AddRef(unknown);
    out->release = vt->Release(unknown);

    /* Each through the pointer it came with; a NULL one (a failed QueryInterface) is skipped. */
    out->releases[0] = callback2 ? callback2->lpVtbl->Release(callback2) : 0;
    out->releases[1] = unknown3 ? unknown3->lpVtbl->Release(unknown3) : 0;
    out->releases[2] = unknown2 ? unknown2->lpVtbl->Release(unknown2) : 0;
    out->releases[3] = unknown1 ? unknown1->lpVtbl->Release(unknown1) : 0;
    out->releases[4] = callback->lpVtbl->Release(callback);
    return sizeof *out;
}

size_t fixture_drive_calls(IUnknown *unknown, FixtureCallsReport *out) {
    void *ppv = NULL;
    IMAPISyncProgressCallback *cb;
    const IMAPISyncProgressCallbackVtbl *vt;

    memset(out, 0, sizeof *out);
    out->qi_hr = unknown->lpVtbl->QueryInterface(unknown, &IID_IMAPISyncProgressCallback, &ppv);
    if (FAILED(out->qi_hr) || !ppv) {
        return sizeof *out;
    }
    cb = ppv;
    vt = cb->lpVtbl;

    out->progress_text_hr = vt->Progress(cb, progress_text, 1, 10);
    out->progress_null_hr = vt->Progress(cb, NULL, 2, 10);
    out->error_s_false_hr = vt->Error(cb, S_FALSE, error_text);
    out->error_warning_hr = vt->Error(cb, MAPI_W_PARTIAL_COMPLETION, error_text);
    out->error_fail_hr = vt->Error(cb, E_FAIL, error_text);
    out->error_null_hr = vt->Error(cb, MAPI_E_NETWORK_ERROR, NULL);
    out->done_hr = vt->Done(cb, fixture_done_handle(), S_OK);
    out->done_null_hr = vt->Done(cb, NULL, MAPI_E_USER_CANCEL);

    out->release = vt->Release(cb);
    return sizeof *out;
}

HRESULT fixture_query_interface(IUnknown *unknown, REFIID riid, void **ppv) {
    return unknown->lpVtbl->QueryInterface(unknown, riid, ppv);
}

ULONG fixture_add_ref(IUnknown *unknown) {
    return unknown->lpVtbl->AddRef(unknown);
}

ULONG fixture_release(IUnknown *unknown) {
    return unknown->lpVtbl->Release(unknown);
}

HRESULT fixture_progress(IMAPISyncProgressCallback *cb, const WCHAR *text, ULONG index,
                         ULONG index_max) {
    return cb->lpVtbl->Progress(cb, text, index, index_max);
}

HRESULT fixture_error(IMAPISyncProgressCallback *cb, HRESULT hr, const WCHAR *text) {
    return cb->lpVtbl->Error(cb, hr, text);
}

HRESULT fixture_done(IMAPISyncProgressCallback *cb, HANDLE event, HRESULT hr) {
    return cb->lpVtbl->Done(cb, event, hr);
}

HRESULT fixture_call_with_text_of(IUnknown *unknown, unsigned slot, size_t units,
                                  int nul_terminated) {
    void *ppv = NULL;
    IMAPISyncProgressCallback *cb;
    WCHAR *buf;
    size_t total = units + (nul_terminated ? 1 : 0), i;
    HRESULT hr;

    if (slot != 3 && slot != 4) {
        return E_NOTIMPL;
    }
    hr = unknown->lpVtbl->QueryInterface(unknown, &IID_IMAPISyncProgressCallback, &ppv);
    if (FAILED(hr) || !ppv) {
        return FAILED(hr) ? hr : E_POINTER;
    }
    cb = ppv;
    /* Exactly `total` units (at least one byte for malloc), so a read past them is caught by a
     * sanitizer or valgrind. */
    buf = malloc(total ? total * sizeof(WCHAR) : 1);
    if (!buf) {
        cb->lpVtbl->Release(cb);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < units; i++) {
        buf[i] = 'a';
    }
    if (nul_terminated) {
        buf[units] = 0;
    }
    if (slot == 3) {
        hr = cb->lpVtbl->Progress(cb, buf, (ULONG)units, 0);
    } else {
        hr = cb->lpVtbl->Error(cb, E_FAIL, buf);
    }
    free(buf);
    cb->lpVtbl->Release(cb);
    return hr;
}

/* ---- The C implementation ---------------------------------------------------------------- */

struct FixtureProbe {
    /* Answers. */
    _Atomic(HRESULT) progress_answer;
    _Atomic(HRESULT) error_answer;
    _Atomic(HRESULT) done_answer;
    atomic_uint query_mode;

    /* Counters. */
    atomic_uint objects_created;
    atomic_uint objects_destroyed;
    atomic_uint query_interface_calls;
    atomic_uint add_ref_calls;
    atomic_uint release_calls;
    atomic_uint progress_calls;
    atomic_uint error_calls;
    atomic_uint done_calls;

    /* The stores' counters (see FixtureStoreRecord). */
    atomic_uint sync_calls;
    _Atomic(HRESULT) last_sync_hr;
    atomic_uint last_size;
    atomic_uint last_flags;
    atomic_uintptr_t last_session;
    atomic_uintptr_t last_event;
    atomic_uint runs_started;
    atomic_uint runs_finished;
    atomic_uint signals;
    atomic_uint store_done_calls;
    _Atomic(HRESULT) last_done_status;
    atomic_uint failed_answers;
    _Atomic(HRESULT) last_failed_answer;

    /* The last call's arguments, under `lock`. */
    atomic_flag lock;
    ULONG last_index;
    ULONG last_index_max;
    HRESULT last_error_hr;
    HRESULT last_done_hr;
    uintptr_t last_handle;
    uint32_t last_text_null;
    uint32_t last_text_len;
    WCHAR last_text[FIXTURE_TEXT_CAP];
};

typedef struct FixtureCallback {
    const IMAPISyncProgressCallbackVtbl *lpVtbl; /* first: a pointer to the object is the
                                                    interface pointer */
    atomic_uint refs;
    FixtureProbe *probe;
} FixtureCallback;

static void probe_lock(FixtureProbe *probe) {
    while (atomic_flag_test_and_set_explicit(&probe->lock, memory_order_acquire)) {
        /* spin: the critical sections are a few stores long */
    }
}

static void probe_unlock(FixtureProbe *probe) {
    atomic_flag_clear_explicit(&probe->lock, memory_order_release);
}

/* Under the lock. */
static void record_text(FixtureProbe *probe, const WCHAR *text) {
    size_t len = 0;
    memset(probe->last_text, 0, sizeof probe->last_text);
    if (!text) {
        probe->last_text_null = 1;
        probe->last_text_len = 0;
        return;
    }
    while (text[len] != 0) {
        if (len < FIXTURE_TEXT_CAP) {
            probe->last_text[len] = text[len];
        }
        len++;
    }
    probe->last_text_null = 0;
    probe->last_text_len = (uint32_t)len;
}

static FixtureCallback *self_of(IMAPISyncProgressCallback *This) {
    return (FixtureCallback *)(void *)This;
}

static ULONG STDMETHODCALLTYPE cb_add_ref(IMAPISyncProgressCallback *This) {
    FixtureCallback *self = self_of(This);
    atomic_fetch_add(&self->probe->add_ref_calls, 1);
    return (ULONG)(atomic_fetch_add(&self->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE cb_release(IMAPISyncProgressCallback *This) {
    FixtureCallback *self = self_of(This);
    FixtureProbe *probe = self->probe;
    ULONG count;
    atomic_fetch_add(&probe->release_calls, 1);
    count = (ULONG)(atomic_fetch_sub(&self->refs, 1) - 1);
    if (count == 0) {
        /* seq_cst on the decrement orders every earlier use of the object before this. */
        free(self);
        atomic_fetch_add(&probe->objects_destroyed, 1);
    }
    return count;
}

static HRESULT STDMETHODCALLTYPE cb_query_interface(IMAPISyncProgressCallback *This, REFIID riid,
                                                    void **ppvObject) {
    FixtureCallback *self = self_of(This);
    unsigned mode = atomic_load(&self->probe->query_mode);
    atomic_fetch_add(&self->probe->query_interface_calls, 1);
    if (!ppvObject) {
        return E_POINTER;
    }
    *ppvObject = NULL;
    if (!riid) {
        return E_INVALIDARG;
    }
    if (iid_equal(riid, &IID_IMAPISyncProgressCallback)) {
        if (mode == FIXTURE_QI_REFUSE_CALLBACK) {
            return E_NOINTERFACE;
        }
        if (mode == FIXTURE_QI_NULL_SUCCESS) {
            return S_OK;
        }
    } else if (!iid_equal(riid, &IID_IUnknown)) {
        return E_NOINTERFACE;
    }
    cb_add_ref(This);
    *ppvObject = This;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_progress(IMAPISyncProgressCallback *This,
                                             const WCHAR *pwcszProgress, ULONG ulIndex,
                                             ULONG ulIndexMax) {
    FixtureProbe *probe = self_of(This)->probe;
    probe_lock(probe);
    probe->last_index = ulIndex;
    probe->last_index_max = ulIndexMax;
    record_text(probe, pwcszProgress);
    probe_unlock(probe);
    atomic_fetch_add(&probe->progress_calls, 1);
    return atomic_load(&probe->progress_answer);
}

static HRESULT STDMETHODCALLTYPE cb_error(IMAPISyncProgressCallback *This, HRESULT hResult,
                                          const WCHAR *pwcszErrorStr) {
    FixtureProbe *probe = self_of(This)->probe;
    probe_lock(probe);
    probe->last_error_hr = hResult;
    record_text(probe, pwcszErrorStr);
    probe_unlock(probe);
    atomic_fetch_add(&probe->error_calls, 1);
    return atomic_load(&probe->error_answer);
}

static HRESULT STDMETHODCALLTYPE cb_done(IMAPISyncProgressCallback *This,
                                         HANDLE hThreadDoneEvent, HRESULT hResult) {
    FixtureProbe *probe = self_of(This)->probe;
    probe_lock(probe);
    probe->last_handle = (uintptr_t)hThreadDoneEvent;
    probe->last_done_hr = hResult;
    probe_unlock(probe);
    atomic_fetch_add(&probe->done_calls, 1);
    return atomic_load(&probe->done_answer);
}

static const IMAPISyncProgressCallbackVtbl callback_vtbl = {
    cb_query_interface, cb_add_ref, cb_release, cb_progress, cb_error, cb_done,
};

FixtureProbe *fixture_probe_new(void) {
    FixtureProbe *probe = malloc(sizeof *probe);
    if (!probe) {
        return NULL;
    }
    atomic_init(&probe->progress_answer, S_OK);
    atomic_init(&probe->error_answer, S_OK);
    atomic_init(&probe->done_answer, S_OK);
    atomic_init(&probe->query_mode, FIXTURE_QI_NORMAL);
    atomic_init(&probe->objects_created, 0);
    atomic_init(&probe->objects_destroyed, 0);
    atomic_init(&probe->query_interface_calls, 0);
    atomic_init(&probe->add_ref_calls, 0);
    atomic_init(&probe->release_calls, 0);
    atomic_init(&probe->progress_calls, 0);
    atomic_init(&probe->error_calls, 0);
    atomic_init(&probe->done_calls, 0);
    atomic_init(&probe->sync_calls, 0);
    atomic_init(&probe->last_sync_hr, S_OK);
    atomic_init(&probe->last_size, 0);
    atomic_init(&probe->last_flags, 0);
    atomic_init(&probe->last_session, 0);
    atomic_init(&probe->last_event, 0);
    atomic_init(&probe->runs_started, 0);
    atomic_init(&probe->runs_finished, 0);
    atomic_init(&probe->signals, 0);
    atomic_init(&probe->store_done_calls, 0);
    atomic_init(&probe->last_done_status, S_OK);
    atomic_init(&probe->failed_answers, 0);
    atomic_init(&probe->last_failed_answer, S_OK);
    atomic_flag_clear(&probe->lock);
    probe->last_index = 0;
    probe->last_index_max = 0;
    probe->last_error_hr = 0;
    probe->last_done_hr = 0;
    probe->last_handle = 0;
    probe->last_text_null = 0;
    probe->last_text_len = 0;
    memset(probe->last_text, 0, sizeof probe->last_text);
    return probe;
}

void fixture_probe_free(FixtureProbe *probe) {
    free(probe);
}

void fixture_probe_set_answers(FixtureProbe *probe, HRESULT progress, HRESULT error,
                               HRESULT done) {
    atomic_store(&probe->progress_answer, progress);
    atomic_store(&probe->error_answer, error);
    atomic_store(&probe->done_answer, done);
}

void fixture_probe_set_query_mode(FixtureProbe *probe, unsigned mode) {
    atomic_store(&probe->query_mode, mode);
}

size_t fixture_probe_record(FixtureProbe *probe, FixtureRecord *out) {
    memset(out, 0, sizeof *out);
    out->objects_created = atomic_load(&probe->objects_created);
    out->objects_destroyed = atomic_load(&probe->objects_destroyed);
    out->query_interface_calls = atomic_load(&probe->query_interface_calls);
    out->add_ref_calls = atomic_load(&probe->add_ref_calls);
    out->release_calls = atomic_load(&probe->release_calls);
    out->progress_calls = atomic_load(&probe->progress_calls);
    out->error_calls = atomic_load(&probe->error_calls);
    out->done_calls = atomic_load(&probe->done_calls);
    probe_lock(probe);
    out->last_index = probe->last_index;
    out->last_index_max = probe->last_index_max;
    out->last_error_hr = probe->last_error_hr;
    out->last_done_hr = probe->last_done_hr;
    out->last_handle = probe->last_handle;
    out->last_text_null = probe->last_text_null;
    out->last_text_len = probe->last_text_len;
    memcpy(out->last_text, probe->last_text, sizeof out->last_text);
    probe_unlock(probe);
    return sizeof *out;
}

IMAPISyncProgressCallback *fixture_callback_new(FixtureProbe *probe) {
    FixtureCallback *self = malloc(sizeof *self);
    if (!self) {
        return NULL;
    }
    self->lpVtbl = &callback_vtbl;
    atomic_init(&self->refs, 1);
    self->probe = probe;
    atomic_fetch_add(&probe->objects_created, 1);
    return (IMAPISyncProgressCallback *)(void *)self;
}

ULONG fixture_callback_ref_count(IMAPISyncProgressCallback *cb) {
    return (ULONG)atomic_load(&self_of(cb)->refs);
}

/* ---- The C host -------------------------------------------------------------------------- */

size_t fixture_sync_host(IUnknown *store, unsigned variant, ULONG flags, IUnknown *session,
                         IUnknown *callback, FixtureHostReport *out) {
    void *ppv = NULL;
    IMAPISync *sync;
    FixtureMapisibV2 v2;
    MAPISIB sent;
    PMAPISIB psib = &v2.sib;
    HANDLE done_event = FIXTURE_SENTINEL;

    memset(out, 0, sizeof *out);
    out->done_event = (uintptr_t)done_event;
    if (variant > FIXTURE_SIB_EXTENDED) {
        out->hr = E_NOTIMPL;
        return sizeof *out;
    }
    out->qi_hr = store->lpVtbl->QueryInterface(store, &IID_IMAPISync, &ppv);
    out->sync = (uintptr_t)ppv;
    if (FAILED(out->qi_hr) || !ppv) {
        return sizeof *out;
    }
    sync = ppv;

    memset(&v2, 0, sizeof v2);
    v2.sib.ulSize = (ULONG)sizeof(MAPISIB);
    v2.sib.ulFlags = flags;
    v2.sib.psesSync = (IUnknown *)(void *)session;
    v2.sib.punkCallBack = callback;
    v2.sib.phSyncDoneEvent = &done_event;
    v2.ulExtra = FIXTURE_TAIL_ULONG;
    v2.hExtra = FIXTURE_TAIL_HANDLE;
    v2.ullExtra = FIXTURE_TAIL_U64;
    switch (variant) {
    case FIXTURE_SIB_NULL:
        psib = NULL;
        break;
    case FIXTURE_SIB_SIZE_ZERO:
        v2.sib.ulSize = 0;
        break;
    case FIXTURE_SIB_SIZE_SMALL:
        v2.sib.ulSize = (ULONG)sizeof(MAPISIB) - 1;
        break;
    case FIXTURE_SIB_NULL_DONE_EVENT:
        v2.sib.phSyncDoneEvent = NULL;
        break;
    case FIXTURE_SIB_NULL_CALLBACK:
        v2.sib.punkCallBack = NULL;
        break;
    case FIXTURE_SIB_EXTENDED:
        v2.sib.ulSize = (ULONG)sizeof(FixtureMapisibV2);
        break;
    default:
        break;
    }
    sent = v2.sib;
    out->size = psib ? psib->ulSize : 0;

    out->called = 1;
    out->hr = sync->lpVtbl->SynchronizeInBackground(sync, psib);

    out->done_event = (uintptr_t)done_event;
    out->sib_intact = memcmp(&sent, &v2.sib, sizeof sent) == 0;
    out->tail_intact = v2.ulExtra == FIXTURE_TAIL_ULONG && v2.hExtra == FIXTURE_TAIL_HANDLE
                       && v2.ullExtra == FIXTURE_TAIL_U64;
    out->release = sync->lpVtbl->Release(sync);
    return sizeof *out;
}

/* ---- The C store ------------------------------------------------------------------------- */

typedef struct FixtureStore {
    const IMAPISyncVtbl *lpVtbl; /* first: a pointer to the object is the interface pointer */
    atomic_uint refs;
    FixtureProbe *probe;
    /* A callback reference kept by FIXTURE_STORE_LEAK_CALLBACK. */
    _Atomic(IMAPISyncProgressCallback *) leaked;

    /* Under `lock`. */
    atomic_flag lock;
    FixtureStoreConfig config;
    HANDLE next_event;
    FixtureSignalFn signal;
    FixtureSpawnFn spawn;
} FixtureStore;

/* One synchronization, owned by whoever runs it (the calling thread or the spawned one). */
typedef struct StoreWork {
    FixtureStore *store; /* a reference of its own */
    IMAPISyncProgressCallback *callback; /* a reference of its own */
    IUnknown *session;                   /* NULL, or a reference of its own */
    HANDLE event;
    FixtureStoreConfig config;
    FixtureSignalFn signal;
} StoreWork;

static FixtureStore *store_of(IMAPISync *This) {
    return (FixtureStore *)(void *)This;
}

static void store_lock(FixtureStore *self) {
    while (atomic_flag_test_and_set_explicit(&self->lock, memory_order_acquire)) {
        /* spin: the critical sections are a few stores long */
    }
}

static void store_unlock(FixtureStore *self) {
    atomic_flag_clear_explicit(&self->lock, memory_order_release);
}

static ULONG STDMETHODCALLTYPE store_add_ref(IMAPISync *This) {
    FixtureStore *self = store_of(This);
    atomic_fetch_add(&self->probe->add_ref_calls, 1);
    return (ULONG)(atomic_fetch_add(&self->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE store_release(IMAPISync *This) {
    FixtureStore *self = store_of(This);
    FixtureProbe *probe = self->probe;
    IMAPISyncProgressCallback *leaked;
    ULONG count;
    atomic_fetch_add(&probe->release_calls, 1);
    count = (ULONG)(atomic_fetch_sub(&self->refs, 1) - 1);
    if (count == 0) {
        /* seq_cst on the decrement orders every earlier use of the object before this. */
        leaked = atomic_exchange(&self->leaked, NULL);
        if (leaked) {
            leaked->lpVtbl->Release(leaked);
        }
        free(self);
        atomic_fetch_add(&probe->objects_destroyed, 1);
    }
    return count;
}

static HRESULT STDMETHODCALLTYPE store_query_interface(IMAPISync *This, REFIID riid,
                                                       void **ppvObject) {
    FixtureStore *self = store_of(This);
    atomic_fetch_add(&self->probe->query_interface_calls, 1);
    if (!ppvObject) {
        return E_POINTER;
    }
    *ppvObject = NULL;
    if (!riid) {
        return E_INVALIDARG;
    }
    if (!iid_equal(riid, &IID_IUnknown) && !iid_equal(riid, &IID_IMAPISync)) {
        return E_NOINTERFACE;
    }
    store_add_ref(This);
    *ppvObject = This;
    return S_OK;
}

/* Notes a failed answer of the host's callback. */
static void note_answer(FixtureProbe *probe, HRESULT answer) {
    if (FAILED(answer)) {
        atomic_fetch_add(&probe->failed_answers, 1);
        atomic_store(&probe->last_failed_answer, answer);
    }
}

static void store_done(FixtureProbe *probe, IMAPISyncProgressCallback *cb, HANDLE event,
                       HRESULT status) {
    atomic_fetch_add(&probe->store_done_calls, 1);
    atomic_store(&probe->last_done_status, status);
    note_answer(probe, cb->lpVtbl->Done(cb, event, status));
}

/* The synchronization itself: the body of the worker thread, or run in place. */
static void store_run(void *arg) {
    StoreWork *work = arg;
    FixtureStore *store = work->store;
    FixtureProbe *probe = store->probe;
    IMAPISyncProgressCallback *cb = work->callback, *previous;
    const FixtureStoreConfig *config = &work->config;
    uint32_t mis = config->misbehaviours;
    HRESULT status = config->final_hr, answer;
    HANDLE done_handle = (mis & FIXTURE_STORE_WRONG_HANDLE) ? FIXTURE_WRONG_HANDLE : work->event;
    int cancelled = 0;
    ULONG i;

    for (i = 1; i <= config->steps; i++) {
        answer = cb->lpVtbl->Progress(cb, progress_text, i, config->steps);
        note_answer(probe, answer);
        if (FAILED(answer) && !(mis & FIXTURE_STORE_IGNORE_CANCEL)) {
            /* MAPI_E_USER_CANCEL, say: stop here and report it as the final status. */
            cancelled = 1;
            status = answer;
            break;
        }
    }
    if (config->call_error && !cancelled) {
        note_answer(probe, cb->lpVtbl->Error(cb, config->error_hr, error_text));
    }
    if (!(mis & FIXTURE_STORE_SKIP_DONE)) {
        store_done(probe, cb, done_handle, status);
    }
    if (mis & FIXTURE_STORE_DONE_TWICE) {
        store_done(probe, cb, done_handle, status);
    }
    if (mis & FIXTURE_STORE_PROGRESS_AFTER_DONE) {
        note_answer(probe, cb->lpVtbl->Progress(cb, NULL, config->steps, config->steps));
    }

    /* Let go of everything of the host's, then of the store, and only then signal: a host that
     * sees the event set can check Done and count references at once. After the store's Release
     * nothing here touches the store or the probe (a last Release frees the store). */
    if (mis & FIXTURE_STORE_LEAK_CALLBACK) {
        previous = atomic_exchange(&store->leaked, cb);
        if (previous) {
            previous->lpVtbl->Release(previous);
        }
    } else {
        cb->lpVtbl->Release(cb);
    }
    if (work->session) {
        work->session->lpVtbl->Release(work->session);
    }
    atomic_fetch_add(&probe->runs_finished, 1);
    if (!(mis & FIXTURE_STORE_SKIP_SIGNAL) && work->signal) {
        atomic_fetch_add(&probe->signals, 1);
    }
    store->lpVtbl->Release((IMAPISync *)(void *)store);
    if (!(mis & FIXTURE_STORE_SKIP_SIGNAL) && work->signal) {
        work->signal(work->event);
    }
    free(work);
}

/* SynchronizeInBackground without the bookkeeping of the call. */
static HRESULT store_start(FixtureStore *self, PMAPISIB psibpb) {
    FixtureProbe *probe = self->probe;
    MAPISIB sib;
    void *ppv = NULL;
    StoreWork *work;
    HANDLE event;
    FixtureSpawnFn spawn;
    uint32_t write_handle;
    HRESULT hr;

    if (!psibpb) {
        atomic_store(&probe->last_size, 0);
        return E_INVALIDARG;
    }
    atomic_store(&probe->last_size, psibpb->ulSize);
    atomic_store(&probe->last_flags, 0);
    atomic_store(&probe->last_session, 0);
    if (psibpb->ulSize < sizeof(MAPISIB)) {
        return E_INVALIDARG;
    }
    /* A larger ulSize is a later version of the structure: only the part we know is read. */
    memcpy(&sib, psibpb, sizeof sib);
    atomic_store(&probe->last_flags, sib.ulFlags);
    atomic_store(&probe->last_session, (uintptr_t)(void *)sib.psesSync);
    if (!sib.phSyncDoneEvent) {
        return E_INVALIDARG;
    }
    if (sib.ulFlags & ~(ULONG)FIXTURE_SYNC_ALL_FLAGS) {
        return MAPI_E_UNKNOWN_FLAGS;
    }
    if (!sib.punkCallBack) {
        return E_INVALIDARG;
    }
    hr = sib.punkCallBack->lpVtbl->QueryInterface(sib.punkCallBack,
                                                  &IID_IMAPISyncProgressCallback, &ppv);
    if (FAILED(hr) || !ppv) {
        return E_NOINTERFACE;
    }

    work = malloc(sizeof *work);
    if (!work) {
        ((IMAPISyncProgressCallback *)ppv)->lpVtbl->Release(ppv);
        return E_OUTOFMEMORY;
    }
    store_lock(self);
    work->config = self->config;
    work->signal = self->signal;
    spawn = self->spawn;
    event = self->next_event;
    self->next_event = NULL;
    store_unlock(self);
    if (!event) {
        ((IMAPISyncProgressCallback *)ppv)->lpVtbl->Release(ppv);
        free(work);
        return E_FAIL;
    }
    work->event = event;
    work->callback = ppv;
    work->session = (IUnknown *)(void *)sib.psesSync;
    if (work->session) {
        work->session->lpVtbl->AddRef(work->session);
    }
    work->store = self;
    store_add_ref((IMAPISync *)(void *)self);

    /* Read before the run: whoever runs `work` frees it. */
    write_handle = !(work->config.misbehaviours & FIXTURE_STORE_NO_HANDLE);

    atomic_store(&probe->last_event, (uintptr_t)event);
    atomic_fetch_add(&probe->runs_started, 1);
    if (work->config.threaded && spawn) {
        if (spawn(store_run, work) != 0) {
            atomic_fetch_sub(&probe->runs_started, 1);
            work->callback->lpVtbl->Release(work->callback);
            if (work->session) {
                work->session->lpVtbl->Release(work->session);
            }
            store_release((IMAPISync *)(void *)self);
            free(work);
            return E_OUTOFMEMORY;
        }
        /* `work` is the thread's now. */
    } else {
        store_run(work);
    }
    if (write_handle) {
        *sib.phSyncDoneEvent = event;
    }
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE store_synchronize(IMAPISync *This, PMAPISIB psibpb) {
    FixtureStore *self = store_of(This);
    FixtureProbe *probe = self->probe;
    HRESULT hr;
    /* The caller holds a reference for the call, so `self` outlives store_start. */
    hr = store_start(self, psibpb);
    atomic_store(&probe->last_sync_hr, hr);
    atomic_fetch_add(&probe->sync_calls, 1);
    return hr;
}

static const IMAPISyncVtbl store_vtbl = {
    store_query_interface, store_add_ref, store_release, store_synchronize,
};

IMAPISync *fixture_store_new(FixtureProbe *probe) {
    FixtureStore *self = malloc(sizeof *self);
    if (!self) {
        return NULL;
    }
    self->lpVtbl = &store_vtbl;
    atomic_init(&self->refs, 1);
    self->probe = probe;
    atomic_init(&self->leaked, NULL);
    atomic_flag_clear(&self->lock);
    memset(&self->config, 0, sizeof self->config);
    self->config.steps = 3;
    self->config.error_hr = MAPI_E_NETWORK_ERROR;
    self->config.final_hr = S_OK;
    self->next_event = NULL;
    self->signal = NULL;
    self->spawn = NULL;
    atomic_fetch_add(&probe->objects_created, 1);
    return (IMAPISync *)(void *)self;
}

void fixture_store_configure(IMAPISync *store, const FixtureStoreConfig *config) {
    FixtureStore *self = store_of(store);
    store_lock(self);
    self->config = *config;
    store_unlock(self);
}

void fixture_store_set_next_event(IMAPISync *store, HANDLE event) {
    FixtureStore *self = store_of(store);
    store_lock(self);
    self->next_event = event;
    store_unlock(self);
}

void fixture_store_set_signal(IMAPISync *store, FixtureSignalFn signal) {
    FixtureStore *self = store_of(store);
    store_lock(self);
    self->signal = signal;
    store_unlock(self);
}

void fixture_store_set_spawn(IMAPISync *store, FixtureSpawnFn spawn) {
    FixtureStore *self = store_of(store);
    store_lock(self);
    self->spawn = spawn;
    store_unlock(self);
}

uint32_t fixture_store_release_leaked(IMAPISync *store) {
    IMAPISyncProgressCallback *leaked = atomic_exchange(&store_of(store)->leaked, NULL);
    if (!leaked) {
        return 0;
    }
    leaked->lpVtbl->Release(leaked);
    return 1;
}

ULONG fixture_store_ref_count(IMAPISync *store) {
    return (ULONG)atomic_load(&store_of(store)->refs);
}

size_t fixture_probe_store_record(FixtureProbe *probe, FixtureStoreRecord *out) {
    memset(out, 0, sizeof *out);
    out->sync_calls = atomic_load(&probe->sync_calls);
    out->last_sync_hr = atomic_load(&probe->last_sync_hr);
    out->last_size = atomic_load(&probe->last_size);
    out->last_flags = atomic_load(&probe->last_flags);
    out->last_session = atomic_load(&probe->last_session);
    out->last_event = atomic_load(&probe->last_event);
    out->runs_started = atomic_load(&probe->runs_started);
    out->runs_finished = atomic_load(&probe->runs_finished);
    out->signals = atomic_load(&probe->signals);
    out->done_calls = atomic_load(&probe->store_done_calls);
    out->last_done_status = atomic_load(&probe->last_done_status);
    out->failed_answers = atomic_load(&probe->failed_answers);
    out->last_failed_answer = atomic_load(&probe->last_failed_answer);
    return sizeof *out;
}
