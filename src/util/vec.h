/*
 * vec.h - room in a growing array: the one rule (double, from a small
 * start) instead of a realloc dance at every place that appends.
 *
 *   struct item *v = NULL; size_t n = 0, cap = 0;
 *   if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) ... out of memory
 *   v[n++] = x;
 */
#ifndef GZ_VEC_H
#define GZ_VEC_H

#include <stddef.h>

/* Make *v hold at least `want` elements of `size` bytes; *cap is how many it holds. On
 * failure (GZ_ENOMEM) *v and *cap are as they were. */
int vec_reserve(void **v, size_t *cap, size_t want, size_t size)
    __attribute__((warn_unused_result));

#endif
