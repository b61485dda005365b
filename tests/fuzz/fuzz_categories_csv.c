/*
 * fuzz_categories_csv.c - import_parse_categories_csv on the bytes of a
 * categories CSV file. A successful parse yields only categories that pass
 * category_validate; a failed one leaves nothing to release.
 */
#include "gz.h"

#include "fuzz.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_categories c;
    struct gz_err err = {0};
    size_t bad = 0;
    int rc = import_parse_categories_csv((const char *)data, size, &c, &bad, &err);

    if (rc == 0) {
        for (size_t i = 0; i < c.n; i++)
            FUZZ_CHECK(category_validate(&c.cats[i], &err) == 0);
    } else {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(c.n == 0 && !c.cats);
        FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0]);
    }
    import_categories_release(&c);
    return 0;
}
