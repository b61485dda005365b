/*
 * form.c - form-encoded bodies (see form.h). The body is copied once and
 * decoded in place: decoding only shrinks text, and each '=' or '&' freed
 * by it leaves room for the NUL that ends a name or value.
 */
#include "gz.h"

#include <stdlib.h>

#include "io/form.h"
#include "util/text.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[0..n) in place and NUL-terminate; false on a bad escape or a NUL. */
static bool decode(char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0')
            return false;
        s[k++] = c;
    }
    s[k] = '\0';
    return true;
}

static int add_pair(struct form *f, size_t max, char *seg, size_t len, struct gz_err *err)
{
    char *eq = memchr(seg, '=', len);
    size_t nlen = eq ? (size_t)(eq - seg) : len;
    char *value = eq ? eq + 1 : seg + len;
    size_t vlen = eq ? len - nlen - 1 : 0;

    if (!decode(seg, nlen) || !text_utf8_valid(seg, strlen(seg)))
        return gz_fail(err, GZ_EBADREQ, "body", "a field name is not well-formed");
    if (!*seg)
        return gz_fail(err, GZ_EBADREQ, "body", "a field has no name");
    if (!decode(value, vlen) || !text_utf8_valid(value, strlen(value)))
        return gz_fail(err, GZ_EBADREQ, seg,
                       "%s is not well-formed (a bad %%-escape, a NUL or not UTF-8)", seg);
    if (f->n == max)
        return gz_fail(err, GZ_EBADREQ, "body", "more than %zu fields", max);
    f->pairs[f->n].name = seg;
    f->pairs[f->n].value = eq ? value : "";
    f->n++;
    return 0;
}

int form_parse(const char *body, size_t len, size_t max_pairs, struct form *f, struct gz_err *err)
{
    size_t start = 0;

    memset(f, 0, sizeof(*f));
    f->mem = malloc(len + 1);
    f->pairs = calloc(max_pairs ? max_pairs : 1, sizeof(*f->pairs));
    if (!f->mem || !f->pairs)
        return gz_fail(err, GZ_ENOMEM, "body", "out of memory");
    if (len)
        memcpy(f->mem, body, len);
    f->mem[len] = '\0';
    while (start <= len) {
        char *amp = memchr(f->mem + start, '&', len - start);
        size_t seg = amp ? (size_t)(amp - (f->mem + start)) : len - start;
        int rc = seg ? add_pair(f, max_pairs, f->mem + start, seg, err) : 0;
        if (rc)
            return rc;
        start += seg + 1;
    }
    return 0;
}

void form_release(struct form *f)
{
    free(f->mem);
    free(f->pairs);
    memset(f, 0, sizeof(*f));
}

const char *form_get(const struct form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->pairs[i].name, name) == 0)
            return f->pairs[i].value;
    return NULL;
}

size_t form_count(const struct form *f, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->pairs[i].name, name) == 0;
    return n;
}
