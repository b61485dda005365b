/*
 * strset.h - a set of byte strings (open addressing, FNV-1a), each with a
 * number its owner may give it, for the vocabularies the store keeps in
 * memory. Many threads may read one set at once while nobody changes it.
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
/* Add s[0..n) if need be and give it value (nonzero); GZ_ENOMEM on failure. */
int strset_put(struct strset *s, const char *p, size_t n, size_t value)
    __attribute__((warn_unused_result));
/* The value put on p[0..n); 0 when it has none or is not there. */
size_t strset_value(const struct strset *s, const char *p, size_t n);
size_t strset_count(const struct strset *s);

#endif
