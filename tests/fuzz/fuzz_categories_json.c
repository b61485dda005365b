/*
 * fuzz_categories_json.c - import_parse_categories_json on the bytes of a
 * categories JSON file (an array, or {"categories": [...]}). A successful
 * parse yields only categories that pass category_validate; a failed one
 * leaves nothing to release.
 */
#include "gz.h"

#include "categories_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_categories c;
    struct gz_err err = {0};
    size_t bad = 0;

    check_categories(import_parse_categories_json((const char *)data, size, &c, &bad, &err), &c,
                     &err);
    return 0;
}
