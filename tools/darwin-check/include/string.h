/*
 * Stand-in <string.h> for compiling the C fixture for aarch64-apple-darwin on Linux (see
 * stdlib.h beside this file and docs/platforms.md). C11 signatures only.
 */
#ifndef MAPISYNC_DARWIN_CHECK_STRING_H
#define MAPISYNC_DARWIN_CHECK_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
