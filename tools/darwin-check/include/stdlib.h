/*
 * Stand-in <stdlib.h> for compiling the C fixture for aarch64-apple-darwin on Linux, where no
 * macOS SDK can be had (see docs/platforms.md). Only the C11 declarations the fixture uses, with
 * their standard signatures; clang's own <stddef.h>, <stdint.h> and <stdatomic.h> do the rest.
 * Never used for a build that links or runs.
 */
#ifndef MAPISYNC_DARWIN_CHECK_STDLIB_H
#define MAPISYNC_DARWIN_CHECK_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
_Noreturn void abort(void);

#endif
