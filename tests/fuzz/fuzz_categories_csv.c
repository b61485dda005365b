/*
 * fuzz_categories_csv.c - import_parse_categories_csv on the bytes of a
 * categories CSV file. A successful parse yields only categories that pass
 * category_validate; a failed one leaves nothing to release.
 */
#include "gz.h"

#include "categories_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_categories c;
    struct gz_err err = {0};
    size_t bad = 0;

    check_categories(import_parse_categories_csv((const char *)data, size, &c, &bad, &err), &c,
                     &err);
    return 0;
}
