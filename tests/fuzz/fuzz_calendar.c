/*
 * fuzz_calendar.c - the calendar's parsers: cal_load_csv on the bytes, and
 * cal_hours_parse on a NUL-terminated copy; a calendar that loaded must give
 * a deadline no earlier than its start.
 */
#include "gz.h"

#include "core/calendar.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct calendar *cal = cal_new_plain();
    struct gz_err err = {0};
    struct cal_hours h;
    struct tlimit l = {3, LIMIT_WORKDAYS};
    char *copy = fuzz_strndup(data, size);
    int line = 0;

    FUZZ_CHECK(cal);
    if (cal_hours_parse(copy, &h, &err) == 0) {
        FUZZ_CHECK(h.n >= 1 && h.n <= CAL_MAX_SEGMENTS);
        cal_set_hours(cal, &h);
    }
    if (cal_load_csv(cal, (const char *)data, size, &line, &err) == 0)
        FUZZ_CHECK(cal_deadline(cal, 1774936800, &l, 1000) >= 1774936800);
    free(copy);
    cal_free(cal);
    return 0;
}
