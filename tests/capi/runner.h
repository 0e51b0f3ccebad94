/* A small test runner for the C API tests: EXPECT/EXPECT_HR record a failure and go on, each
 * test is a function, main.c lists them. Threads and thread ids for the tests that need them,
 * on POSIX and on Windows. */
#ifndef MAPISYNC_TEST_RUNNER_H
#define MAPISYNC_TEST_RUNNER_H

#include "mapisync.h"

void runner_fail(const char *file, int line, const char *what);
void runner_fail_hr(const char *file, int line, const char *what, HRESULT got, HRESULT want);

#define EXPECT(cond)                                                                             \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            runner_fail(__FILE__, __LINE__, #cond);                                              \
        }                                                                                        \
    } while (0)

#define EXPECT_HR(expr, want)                                                                    \
    do {                                                                                         \
        HRESULT got_ = (expr);                                                                   \
        HRESULT want_ = (want);                                                                  \
        if (got_ != want_) {                                                                     \
            runner_fail_hr(__FILE__, __LINE__, #expr, got_, want_);                              \
        }                                                                                        \
    } while (0)

/* A thread running fn(arg); join it once. */
typedef struct runner_thread runner_thread;
runner_thread *runner_spawn(void (*fn)(void *arg), void *arg);
void runner_join(runner_thread *thread);
/* An id of the calling thread, equal only for the same thread. */
unsigned long runner_thread_id(void);

/* Length of a NUL-terminated WCHAR string. */
size_t runner_wcslen(const WCHAR *s);

#endif
