/*
 * strset.h - a set of byte strings (open addressing, FNV-1a), for the
 * vocabularies the store keeps in memory. Built once, then only read, so
 * many threads may read one set at the same time.
 */
#ifndef GZ_STRSET_H
#define GZ_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset;

struct strset *strset_new(void);
void strset_free(struct strset *s);
/* Add s[0..n) (a copy); GZ_ENOMEM on failure. Adding what is there is a no-op. */
int strset_add(struct strset *s, const char *p, size_t n) __attribute__((warn_unused_result));
bool strset_has(const struct strset *s, const char *p, size_t n);
size_t strset_count(const struct strset *s);

#endif
