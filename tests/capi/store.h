/* A store provider written in C against mapisync.h: IMAPISync on a store object, a worker
 * thread per synchronization, mapisync's events. What a C provider looks like, and what the
 * sync tests drive. */
#ifndef MAPISYNC_TEST_STORE_H
#define MAPISYNC_TEST_STORE_H

#include "mapisync.h"

typedef struct store_config {
    ULONG steps;          /* Progress 1..steps of steps, then Done */
    HRESULT error;        /* if a failure code: Error(error, "network down") before Done */
    int leak_callback;    /* misbehave: keep the callback reference */
    int never_signal;     /* misbehave: never set the done event */
    int progress_past_max;/* misbehave: one Progress with ulIndex > ulIndexMax */
    ULONG ignore_cancel_from; /* misbehave: from this Progress on (if not 0), go on after a
                                 failing answer (a Cancel) as if it were S_OK */
} store_config;

/* A new store with one reference, the caller's. */
IUnknown *store_new(const store_config *config);
/* Waits for the last synchronization's worker thread to end. */
void store_join(IUnknown *store);
/* How many stores have been destroyed so far. */
int store_destroyed(void);

#endif
