/*
 * categories_check.h - what every categories parser promises, checked the
 * same way for the CSV and the JSON target: a success yields only categories
 * that validate; a failure says why and leaves nothing to release.
 */
#ifndef GZ_FUZZ_CATEGORIES_CHECK_H
#define GZ_FUZZ_CATEGORIES_CHECK_H

#include "fuzz.h"
#include "io/import.h"

static inline void check_categories(int rc, struct import_categories *c, struct gz_err *err)
{
    if (rc == 0) {
        for (size_t i = 0; i < c->n; i++)
            FUZZ_CHECK(category_validate(&c->cats[i], err) == 0);
    } else {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(c->n == 0 && !c->cats);
        FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) && err->msg[0]);
    }
    import_categories_release(c);
}

#endif
