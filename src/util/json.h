/*
 * json.h - thin helpers over jansson for reading request fields with
 * errors that name the field, and for writing optional values.
 */
#ifndef GZ_JSON_H
#define GZ_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gz_err;

/*
 * Read a string member into dst[size]. Absent (or null when !required):
 * returns 1 and leaves dst alone. Wrong type, too long: GZ_EINVAL naming key.
 */
int json_get_str(const json_t *o, const char *key, char *dst, size_t size, bool required,
                 struct gz_err *err);
/* Same, but a heap copy (*dst replaced, old value freed) with a byte limit. */
int json_get_strdup(const json_t *o, const char *key, char **dst, size_t max, bool required,
                    struct gz_err *err);
int json_get_bool(const json_t *o, const char *key, bool *dst, struct gz_err *err);
/* Integer within [min, max]. */
int json_get_int(const json_t *o, const char *key, int64_t min, int64_t max, int64_t *dst,
                 bool required, struct gz_err *err);
/* Fail naming the first member of o not in the NULL-terminated list `known`. */
int json_check_keys(const json_t *o, const char *const *known, struct gz_err *err);
/* A string value or JSON null for "" / NULL. */
json_t *json_str_or_null(const char *s);
/*
 * The text of one object with the members of both: "{a}" and "{b}" give
 * "{a,b}" (heap), written as they are, not parsed again. NULL when either is
 * not an object's text, or out of memory. The keys must be distinct.
 */
char *json_text_join(const char *a, const char *b);

#endif
