/*
 * fuzz_text.c - the small text checks: text_utf8_valid on the raw bytes, and
 * on a NUL-terminated copy text_utf8_len, text_copy, text_is_code,
 * text_is_phone, text_parse_i64 and tlimit_parse (which also round-trips
 * through tlimit_format, and must return the amount that was written).
 */
#include "gz.h"

#include <ctype.h>
#include <errno.h>

#include "core/taxonomy.h"
#include "fuzz.h"
#include "util/text.h"

static void fuzz_utf8(const char *s, size_t len)
{
    char small[16];

    if (!text_utf8_valid(s, len))
        return;
    FUZZ_CHECK(text_utf8_len(s) <= len);
    text_copy(small, sizeof(small), s);
    FUZZ_CHECK(memchr(small, '\0', sizeof(small)));
    FUZZ_CHECK(text_utf8_valid(small, strlen(small))); /* truncation keeps whole characters */
}

static void fuzz_numbers(const char *s)
{
    long long v = 0;

    if (text_parse_i64(s, -1000, 1000, &v))
        FUZZ_CHECK(v >= -1000 && v <= 1000);
    (void)text_parse_i64(s, INT64_MIN, INT64_MAX, &v);
}

static void fuzz_tlimit(const char *s)
{
    struct tlimit l = {0}, again = {0};
    char out[32];
    const char *p = s;
    long long written;

    if (tlimit_parse(s, &l) != 0)
        return;
    FUZZ_CHECK((unsigned)l.unit < LIMIT_UNIT_COUNT && l.amount >= 0);
    while (isspace((unsigned char)*p))
        p++;
    if (*p) { /* "4294967297 hours" must not come back as 1 hour */
        errno = 0;
        written = strtoll(p, NULL, 10);
        FUZZ_CHECK(errno == 0 && written == l.amount);
    }
    tlimit_format(&l, out, sizeof(out));
    FUZZ_CHECK(tlimit_parse(out, &again) == 0);
    FUZZ_CHECK(again.amount == l.amount && (l.amount == 0 || again.unit == l.unit));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    (void)text_utf8_valid((const char *)data, size);
    s = fuzz_strndup(data, size);
    fuzz_utf8(s, strlen(s));
    (void)text_is_phone(s);
    (void)text_is_code(s, GZ_MAX_CODE);
    fuzz_numbers(s);
    fuzz_tlimit(s);
    free(s);
    return 0;
}
