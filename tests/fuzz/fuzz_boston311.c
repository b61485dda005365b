/*
 * fuzz_boston311.c - a Boston 311 export (CSV with the 311 columns) through
 * csv_read and b311_parse: every row either parses into a row whose times
 * and coordinates are in range, or fails naming a column.
 */
#include "gz.h"

#include "fuzz.h"
#include "io/boston311.h"
#include "io/csvread.h"

static int row(void *ctx, const struct csv_row *r, struct gz_err *err)
{
    struct b311_row b;
    struct gz_err e = {0};

    (void)ctx, (void)err;
    if (b311_parse(r, &b, &e)) {
        if (!e.field[0])
            abort();
        return 0;
    }
    if (!b.title || (b.lat != CASE_NO_COORD && (b.lat < -90 || b.lat > 90)) ||
        (unsigned)b.channel >= CHANNEL_COUNT || strncmp(b.dept, "D-", 2) != 0)
        abort();
    b311_release(&b);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gz_err err = {0};
    size_t bad = 0;

    setenv("TZ", "America/New_York", 0);
    if (csv_read((const char *)data, size, b311_columns, row, NULL, &bad, &err) && !err.code)
        abort(); /* a failed read says why */
    return 0;
}
