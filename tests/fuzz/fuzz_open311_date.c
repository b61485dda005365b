/*
 * fuzz_open311_date.c - W3C date-times (start_date, end_date, datetime
 * attributes) and Accept-Language / locale, the GeoReport arguments that are
 * parsed by hand. A time that parses formats back to the same instant; a
 * language pick is -1 or an index of the list.
 */
#include "gz.h"

#include <stdlib.h>
#include <time.h>

#include "core/w3cdate.h"
#include "fuzz.h"
#include "io/langpref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {"zh", "en", "fr"};
    static bool zoned;
    char *s = fuzz_strndup(data, size), out[W3C_DATE_MAX];
    int64_t t = 0, back = 0;
    int pick;

    if (!zoned) {
        setenv("TZ", "America/New_York", 1); /* a zone with DST: date-only forms use it */
        tzset();
        zoned = true;
    }
    if (w3c_parse(s, &t)) {
        w3c_format(t, out, sizeof(out));
        FUZZ_CHECK(w3c_parse(out, &back));
        FUZZ_CHECK(back == t);
    }
    pick = langpref_pick(s, langs, GZ_ARRAY_LEN(langs));
    FUZZ_CHECK(pick >= -1 && pick < (int)GZ_ARRAY_LEN(langs));
    free(s);
    return 0;
}
