/*
 * progress_calls.c: the cost of one IMAPISyncProgressCallback::Progress called from C, through
 * an object made by mapisync_callback_new and through a hand-written C vtable object, with the
 * same body. Run by run.sh under callgrind, which counts instructions; nothing here is timed.
 *
 *   progress_calls hand|mapisync N
 *
 * makes one object, then calls Progress(NULL, i, N) N times in bench_drive (run.sh collects
 * inside that function only), and prints the body's sum so the calls cannot be optimized away.
 */
#include <mapisync.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The shared body ---- */

typedef struct Counter {
    uint64_t sum;
} Counter;

/* The behaviour both contenders run: what a real callback does at its cheapest. */
#define COUNTER_PROGRESS(counter, index) ((counter)->sum += (index), S_OK)

/* ---- mapisync_callback_new's object: the body as a C function pointer ---- */

static HRESULT fn_progress(void *context, const WCHAR *text, ULONG index, ULONG index_max) {
    (void)text;
    (void)index_max;
    return COUNTER_PROGRESS((Counter *)context, index);
}

/* ---- The hand-written floor: a C vtable object with the same body ---- */

typedef struct HandCallback {
    IMAPISyncProgressCallback iface; /* first: the COM pointer is the object's address */
    ULONG refs;
    Counter counter;
} HandCallback;

static HRESULT STDMETHODCALLTYPE hand_query_interface(IMAPISyncProgressCallback *This,
                                                      REFIID riid, void **ppv) {
    (void)riid;
    if (ppv == NULL) {
        return E_POINTER;
    }
    *ppv = NULL;
    (void)This;
    return E_NOINTERFACE; /* not called by the benchmark */
}

static ULONG STDMETHODCALLTYPE hand_add_ref(IMAPISyncProgressCallback *This) {
    return ++((HandCallback *)This)->refs;
}

static ULONG STDMETHODCALLTYPE hand_release(IMAPISyncProgressCallback *This) {
    HandCallback *self = (HandCallback *)This;
    ULONG left = --self->refs;
    if (left == 0) {
        free(self);
    }
    return left;
}

static HRESULT STDMETHODCALLTYPE hand_progress(IMAPISyncProgressCallback *This,
                                               const WCHAR *text, ULONG index, ULONG index_max) {
    (void)text;
    (void)index_max;
    return COUNTER_PROGRESS(&((HandCallback *)This)->counter, index);
}

static HRESULT STDMETHODCALLTYPE hand_error(IMAPISyncProgressCallback *This, HRESULT hr,
                                            const WCHAR *text) {
    (void)This;
    (void)hr;
    (void)text;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE hand_done(IMAPISyncProgressCallback *This, HANDLE event,
                                           HRESULT hr) {
    (void)This;
    (void)event;
    (void)hr;
    return S_OK;
}

static IMAPISyncProgressCallbackVtbl hand_vtbl = {
    hand_query_interface, hand_add_ref, hand_release, hand_progress, hand_error, hand_done,
};

/* ---- The measured loop ---- */

/* Not static and not inlined: run.sh collects instructions inside this function only. */
HRESULT bench_drive(IMAPISyncProgressCallback *callback, ULONG n);
__attribute__((noinline)) HRESULT bench_drive(IMAPISyncProgressCallback *callback, ULONG n) {
    HRESULT all = S_OK;
    for (ULONG i = 0; i < n; ++i) {
        all |= callback->lpVtbl->Progress(callback, NULL, i, n);
    }
    return all;
}

/* Read through a volatile: the compiler cannot see which object bench_drive gets. */
static IMAPISyncProgressCallback *volatile g_callback;

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "hand") != 0 && strcmp(argv[1], "mapisync") != 0)) {
        fprintf(stderr, "usage: %s hand|mapisync N\n", argv[0]);
        return 2;
    }
    const ULONG n = (ULONG)strtoul(argv[2], NULL, 10);
    Counter counter = {0};
    const Counter *sum = &counter;
    if (strcmp(argv[1], "hand") == 0) {
        HandCallback *hand = (HandCallback *)calloc(1, sizeof *hand);
        if (hand == NULL) {
            return 1;
        }
        hand->iface.lpVtbl = &hand_vtbl;
        hand->refs = 1;
        sum = &hand->counter;
        g_callback = &hand->iface;
    } else {
        const mapisync_callback_fns fns = {fn_progress, NULL, NULL, NULL};
        IMAPISyncProgressCallback *made = NULL;
        const HRESULT hr = mapisync_callback_new(&fns, &counter, &made);
        if (hr != S_OK) {
            fprintf(stderr, "mapisync_callback_new: 0x%08lx\n", (unsigned long)hr);
            return 1;
        }
        g_callback = made;
    }
    IMAPISyncProgressCallback *callback = g_callback;
    const HRESULT all = bench_drive(callback, n);
    printf("%s: %lu calls, sum %llu, 0x%08lx\n", argv[1], (unsigned long)n,
           (unsigned long long)sum->sum, (unsigned long)all);
    callback->lpVtbl->Release(callback); /* frees `hand` for hand */
    return all == S_OK ? 0 : 1;
}
