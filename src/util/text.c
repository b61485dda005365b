/* text.c - text validation helpers (see text.h). */
#include "gz.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/text.h"

/* Length of the UTF-8 sequence at s (given n bytes left), 0 when malformed. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp, min;

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool text_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

size_t text_utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

uint64_t text_hash(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

bool text_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n < size) {
        memcpy(dst, src, n + 1);
        return true;
    }
    n = size - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
        n--;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return false;
}

bool text_is_code(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '-' && c != '.')
            return false;
    }
    return true;
}

bool text_is_phone(const char *s)
{
    int digits = 0;

    if (*s == '+')
        s++;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digits++;
        else if (*s != '-' && *s != ' ')
            return false;
    }
    return digits >= 5 && digits <= 20;
}

bool text_parse_i64(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Is the code point at s a letter or digit? ASCII by table, everything beyond counts. */
static bool gram_char(const unsigned char *s)
{
    return s[0] >= 0x80 || isalnum(s[0]);
}

static size_t char_len(const unsigned char *s)
{
    return s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
}

static int add_lower(struct buf *out, const unsigned char *s, size_t n)
{
    char tmp[8];

    for (size_t i = 0; i < n; i++)
        tmp[i] = (char)tolower(s[i]);
    return buf_add(out, tmp, n);
}

int text_grams(const char *str, struct buf *out)
{
    const unsigned char *s = (const unsigned char *)str, *prev = NULL;
    size_t prev_len = 0;
    int rc = 0;

    while (*s && !rc) {
        size_t k = char_len(s);
        if (!gram_char(s)) {
            prev = NULL;
            s += k;
            continue;
        }
        /* the bigram with the previous character, then the character alone */
        if (prev) {
            rc = buf_add(out, " ", 1);
            if (!rc)
                rc = add_lower(out, prev, prev_len);
            if (!rc)
                rc = add_lower(out, s, k);
        }
        if (!rc)
            rc = buf_add(out, " ", 1);
        if (!rc)
            rc = add_lower(out, s, k);
        prev = s;
        prev_len = k;
        s += k;
    }
    return rc;
}
