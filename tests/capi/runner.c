/* The runner's failure reporting and its threads. */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#endif

int runner_failures = 0;

void runner_fail(const char *file, int line, const char *what) {
    runner_failures++;
    printf("    %s:%d: expected %s\n", file, line, what);
}

void runner_fail_hr(const char *file, int line, const char *what, HRESULT got, HRESULT want) {
    const char *got_name = mapisync_hresult_name(got);
    const char *want_name = mapisync_hresult_name(want);
    runner_failures++;
    printf("    %s:%d: %s is 0x%08lX (%s), expected 0x%08lX (%s)\n", file, line, what,
           (unsigned long)(uint32_t)got, got_name ? got_name : "?", (unsigned long)(uint32_t)want,
           want_name ? want_name : "?");
}

size_t runner_wcslen(const WCHAR *s) {
    size_t n = 0;
    while (s[n] != 0) {
        n++;
    }
    return n;
}

struct runner_thread {
    void (*fn)(void *arg);
    void *arg;
#if defined(_WIN32)
    HANDLE handle;
#else
    pthread_t thread;
#endif
};

#if defined(_WIN32)
static DWORD WINAPI runner_start(LPVOID p) {
    runner_thread *t = (runner_thread *)p;
    t->fn(t->arg);
    return 0;
}
#else
static void *runner_start(void *p) {
    runner_thread *t = (runner_thread *)p;
    t->fn(t->arg);
    return NULL;
}
#endif

runner_thread *runner_spawn(void (*fn)(void *arg), void *arg) {
    runner_thread *t = (runner_thread *)calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
#if defined(_WIN32)
    t->handle = CreateThread(NULL, 0, runner_start, t, 0, NULL);
    if (t->handle == NULL) {
        free(t);
        return NULL;
    }
#else
    if (pthread_create(&t->thread, NULL, runner_start, t) != 0) {
        free(t);
        return NULL;
    }
#endif
    return t;
}

void runner_join(runner_thread *t) {
#if defined(_WIN32)
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
#else
    pthread_join(t->thread, NULL);
#endif
    free(t);
}

unsigned long runner_thread_id(void) {
#if defined(_WIN32)
    return (unsigned long)GetCurrentThreadId();
#else
    /* pthread_t is opaque; the address of a thread-local variable is unique among live threads
       and stable for one, which is all the tests ask. */
    static _Thread_local char marker;
    return (unsigned long)(uintptr_t)&marker;
#endif
}
