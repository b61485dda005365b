/*
 * sq_search.c - FTS5 expressions from user text (see sq_search.h). Every
 * term is a quoted FTS5 string ("" doubles a quote), so no query syntax of
 * the user's reaches FTS5.
 */
#include "gz.h"

#include <ctype.h>
#include <strings.h>

#include "store/sq_search.h"
#include "util/buf.h"
#include "util/text.h"

/* Length in bytes of the white space at s (ASCII, or U+3000 IDEOGRAPHIC SPACE), 0 if none. */
static size_t space_len(const char *s)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 1;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

static size_t chars_in(const char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Append w[0..n) as an FTS5 string, joined to what is there by op (" AND ", " OR "). */
static int add_phrase(struct buf *b, const char *op, const char *w, size_t n, bool lower)
{
    int rc = b->len ? buf_adds(b, op) : 0;

    if (!rc)
        rc = buf_adds(b, "\"");
    for (size_t i = 0; !rc && i < n; i++) {
        char ch = w[i];
        if (lower && ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        rc = ch == '"' ? buf_adds(b, "\"\"") : buf_add(b, &ch, 1);
    }
    return rc ? rc : buf_adds(b, "\"");
}

int sq_search_exprs(const char *q, struct buf *fts, struct buf *grams, struct gz_err *err)
{
    const char *p = q;
    int rc = 0;

    if (!text_utf8_valid(q, strlen(q)))
        return gz_fail(err, GZ_EINVAL, "q", "q is not valid UTF-8");
    while (!rc && *p) {
        size_t sp = space_len(p), n = 0;
        if (sp) {
            p += sp;
            continue;
        }
        while (p[n] && !space_len(p + n))
            n++;
        rc = chars_in(p, n) >= 3 ? add_phrase(fts, " AND ", p, n, false)
                                 : add_phrase(grams, " AND ", p, n, true);
        p += n;
    }
    if (rc)
        return gz_fail(err, rc, "q", "q is too long");
    return 0;
}

/* ---- similarity ---- */

struct terms {
    struct sq_terms *out;
    sq_search_keep_fn keep;
    void *keep_ctx;
};

static bool common_word(const char *w, size_t n)
{
    static const char *const words[] = {"the",   "and",  "for",  "are",    "was",  "not",
                                        "has",   "have", "with", "this",   "that", "from",
                                        "there", "been", "very", "please", "they", NULL};

    for (size_t i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(words[i], w, n) == 0)
            return true;
    return false;
}

/* Add a term once; returns nonzero to stop (full). */
static int add_term(struct terms *t, bool trigram, const char *w, size_t n)
{
    struct sq_terms *o = t->out;
    char key[sizeof(o->term[0])];

    if (n >= sizeof(key))
        return 0;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)w[i]);
    key[n] = '\0';
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->term[i], key) == 0)
            return 0;
    if (t->keep && !t->keep(t->keep_ctx, trigram, key, n))
        return 0;
    if (o->n == SQ_SEARCH_TERMS)
        return 1;
    o->trigram[o->n] = trigram;
    memcpy(o->term[o->n++], key, n + 1);
    return 0;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* A run of non-ASCII characters (not punctuation we know): its bigrams, or the lone one. */
static int run_terms(struct terms *t, const char *s, size_t n)
{
    size_t a = 0, k = utf8_len((unsigned char)s[0]);
    int rc = 0;

    if (k >= n)
        return add_term(t, false, s, n);
    while (!rc && a + k < n) {
        size_t k2 = utf8_len((unsigned char)s[a + k]);
        rc = add_term(t, false, s + a, k + k2);
        a += k;
        k = k2;
    }
    return rc;
}

/* Punctuation splits runs: general (U+2000-U+207F), CJK (U+3000-U+303F), full-width forms. */
static bool run_char(const unsigned char *s)
{
    if (s[0] < 0x80)
        return false;
    if (s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81))
        return false;
    if (s[0] == 0xE3 && s[1] == 0x80)
        return false;
    return !(s[0] == 0xEF && (s[1] == 0xBC || s[1] == 0xBD));
}

void sq_search_similar_terms(const char *text, struct sq_terms *out, sq_search_keep_fn keep,
                             void *keep_ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    struct terms t = {.out = out, .keep = keep, .keep_ctx = keep_ctx};
    int rc = 0;

    out->n = 0;
    if (!text_utf8_valid(text, strlen(text)))
        return;
    while (*s && !rc) {
        size_t n = 0;
        if (run_char(s)) {
            while (s[n] && run_char(s + n))
                n += utf8_len(s[n]);
            rc = run_terms(&t, (const char *)s, n);
        } else if (isalpha(*s)) {
            while (isalnum(s[n]))
                n++;
            if (n >= 3 && !common_word((const char *)s, n))
                rc = add_term(&t, true, (const char *)s, n);
        } else {
            n = utf8_len(*s);
        }
        s += n;
    }
}

int sq_search_phrase(struct buf *b, const char *term, size_t n)
{
    return add_phrase(b, "", term, n, false);
}

int sq_search_similar(const char *text, struct buf *fts, struct buf *grams, sq_search_keep_fn keep,
                      void *keep_ctx)
{
    struct sq_terms t;
    int rc = 0;

    sq_search_similar_terms(text, &t, keep, keep_ctx);
    for (size_t i = 0; !rc && i < t.n; i++)
        rc = add_phrase(t.trigram[i] ? fts : grams, " OR ", t.term[i], strlen(t.term[i]), false);
    return rc < 0 ? rc : 0;
}
