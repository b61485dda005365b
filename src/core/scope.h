/*
 * scope.h - what an API client (a department's system) may reach through the
 * native API (DESIGN §8 data sharing): the cases of some categories (code
 * prefixes) in some areas (unit subtrees), some of their fields, reading only
 * or also writing. No category or no area means no limit on it; the field
 * "*" is every field that is not personal data. Personal data (the
 * reporter's name and phone) only when named, and then every read of it is
 * recorded. A scope is stored as text (scope_format / scope_parse).
 */
#ifndef GZ_SCOPE_H
#define GZ_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/taxonomy.h"

struct gz_err;

#define SCOPE_MAX_ITEMS 32  /* categories, areas, fields: each */
#define SCOPE_FIELD_MAX 32  /* a field name, bytes with the NUL */
#define SCOPE_TEXT_MAX 1100 /* a stored list, bytes with the NUL */

enum scope_access { SCOPE_NONE, SCOPE_READ, SCOPE_WRITE, SCOPE_ACCESS_COUNT };

struct api_scope {
    enum scope_access access; /* none: the key opens only Open311 */
    size_t n_cats, n_areas, n_fields;
    char cats[SCOPE_MAX_ITEMS][CATEGORY_CODE_MAX + 1];
    int64_t areas[SCOPE_MAX_ITEMS];
    char fields[SCOPE_MAX_ITEMS][SCOPE_FIELD_MAX];
};

/* No access, every category and area, fields "*". */
void scope_init(struct api_scope *s);

const char *scope_access_name(enum scope_access a);
int scope_access_parse(const char *s); /* -1 when unknown */

/* Add one item; GZ_EINVAL naming "categories", "areas" or "fields" when bad or too many. */
int scope_add_category(struct api_scope *s, const char *prefix, struct gz_err *err)
    __attribute__((warn_unused_result));
int scope_add_area(struct api_scope *s, int64_t unit_id, struct gz_err *err)
    __attribute__((warn_unused_result));
int scope_add_field(struct api_scope *s, const char *name, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Is the case field `name` personal data (granted only by name)? */
bool scope_field_is_pii(const char *name);
/* Is `name` a case field a scope may name ("*" too)? */
bool scope_field_known(const char *name);

bool scope_may_read(const struct api_scope *s);
bool scope_may_write(const struct api_scope *s);
/* Does a category code (NULL or "": none yet) fall in the scope's categories? */
bool scope_category_in(const struct api_scope *s, const char *code);
/* Is one of `units` (every unit a case touches, with their ancestors) one of its areas? */
bool scope_area_in(const struct api_scope *s, const int64_t *units, size_t n);
/* May the client read case field `name`? ("number" always.) */
bool scope_field_allowed(const struct api_scope *s, const char *name);

/* Stored forms: comma-separated lists (out[SCOPE_TEXT_MAX] each). */
void scope_format(const struct api_scope *s, char *cats, char *areas, char *fields);
/* The reverse; GZ_EINVAL naming the list that is bad. */
int scope_parse(struct api_scope *s, const char *access, const char *cats, const char *areas,
                const char *fields, struct gz_err *err) __attribute__((warn_unused_result));

#endif
