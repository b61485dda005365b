/*
 * form.h - application/x-www-form-urlencoded bodies (HTML forms; Open311
 * GeoReport POST): name=value pairs split on '&', '+' read as a space and
 * %XX escapes decoded. Names may repeat (attribute[CODE][]=a&attribute[CODE][]=b)
 * and the pairs keep their order. Every name and value is checked to be
 * UTF-8 without NUL; an empty segment ("a=1&&b=2") is skipped, a segment
 * without '=' is a name with an empty value.
 */
#ifndef GZ_FORM_H
#define GZ_FORM_H

#include <stddef.h>

struct gz_err;

#define FORM_MAX_PAIRS 256

struct form_pair {
    const char *name;
    const char *value;
};

struct form {
    size_t n;
    struct form_pair *pairs;
    char *mem; /* the decoded text the pairs point into */
};

/*
 * Parse body[0..len) into f (released with form_release, also after a
 * failure). GZ_EBADREQ naming the pair (or "body") for a malformed escape,
 * a NUL, bad UTF-8, a pair without a name, or more than max_pairs pairs.
 */
int form_parse(const char *body, size_t len, size_t max_pairs, struct form *f, struct gz_err *err)
    __attribute__((warn_unused_result));
void form_release(struct form *f);
/* The value of the first pair named name, NULL when there is none. */
const char *form_get(const struct form *f, const char *name);
/* How many pairs are named name. */
size_t form_count(const struct form *f, const char *name);

#endif
