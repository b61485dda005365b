/*
 * fuzz_geojson.c - import_parse_units on the bytes of a GeoJSON
 * FeatureCollection. On success every unit must be valid (the parser
 * validates each feature) and the arrays must be released without leaks;
 * on failure the result must be empty.
 */
#include "gz.h"

#include "fuzz.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_units u;
    struct gz_err err = {0};
    size_t bad = 0;
    int rc = import_parse_units((const char *)data, size, &u, &bad, &err);

    if (rc == 0) {
        for (size_t i = 0; i < u.n; i++) {
            FUZZ_CHECK(memchr(u.pcs[i], '\0', sizeof(u.pcs[i])));
            FUZZ_CHECK(unit_validate(&u.units[i], &err) == 0);
        }
    } else {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(u.n == 0 && !u.units && !u.pcs);
        FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0]);
    }
    import_units_release(&u);
    return 0;
}
