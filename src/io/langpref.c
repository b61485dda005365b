/*
 * langpref.c - Accept-Language (see langpref.h). Each comma-separated item
 * is a tag and optional parameters; only q is read. A malformed q makes the
 * item count as q=0 rather than failing the header: a client with a typo
 * still gets an answer in some language.
 */
#include "gz.h"

#include <ctype.h>

#include "io/langpref.h"

/* q in thousandths from "q=0.8" (0..1000); 0 when malformed. */
static int parse_q(const char *p, const char *end)
{
    int q = 0, digits = 0;

    while (p < end && isspace((unsigned char)*p))
        p++;
    if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
        return 0;
    p += 2;
    if (*p == '1')
        return 1000;
    if (*p != '0')
        return 0;
    if (++p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p) && digits < 3; p++, digits++)
            q = q * 10 + (*p - '0');
    while (digits++ < 3)
        q *= 10;
    return q;
}

/* The index of the primary subtag at tag[0..len) among supported, -2 for "*", -1 if none. */
static int match_tag(const char *tag, size_t len, const char *const *supported, size_t n)
{
    size_t primary = 0;

    if (len == 1 && tag[0] == '*')
        return -2;
    while (primary < len && isalpha((unsigned char)tag[primary]))
        primary++;
    if (primary == 0 || (primary < len && tag[primary] != '-' && tag[primary] != '_'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strlen(supported[i]) == primary && strncasecmp(tag, supported[i], primary) == 0)
            return (int)i;
    return -1;
}

/* One item tag[;params]; its match and q. */
static void read_item(const char *p, const char *end, const char *const *supported, size_t n,
                      int *index, int *q)
{
    const char *semi = memchr(p, ';', (size_t)(end - p));
    const char *tag_end = semi ? semi : end;

    while (p < tag_end && isspace((unsigned char)*p))
        p++;
    while (tag_end > p && isspace((unsigned char)tag_end[-1]))
        tag_end--;
    *index = match_tag(p, (size_t)(tag_end - p), supported, n);
    *q = semi ? parse_q(semi + 1, end) : 1000;
}

int langpref_pick(const char *s, const char *const *supported, size_t n)
{
    int best = -1, best_q = 0, items = 0;
    const char *p = s;

    if (!s || !n)
        return -1;
    while (*p && items++ < LANGPREF_MAX_ITEMS) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        int index, q;
        read_item(p, end, supported, n, &index, &q);
        if (index == -2)
            index = 0;
        if (index >= 0 && q > best_q) {
            best = index;
            best_q = q;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return best;
}
