/*
 * fuzz_open311_attrdef.c - service attribute definitions as an administrator
 * sends them (a JSON array): attrdef_normalise must fail naming a field, or
 * give a list that normalises to itself.
 */
#include "gz.h"

#include "core/attrdef.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_loadb((const char *)data, size, 0, NULL), *norm, *again;
    struct gz_err err = {0};

    if (!in)
        return 0;
    norm = attrdef_normalise(in, &err);
    if (norm) {
        FUZZ_CHECK(json_array_size(norm) <= ATTR_MAX);
        again = attrdef_normalise(norm, &err);
        FUZZ_CHECK(again && json_equal(again, norm));
        json_decref(again);
    } else {
        FUZZ_CHECK(err.code == GZ_EINVAL && err.field[0]);
    }
    json_decref(norm);
    json_decref(in);
    return 0;
}
