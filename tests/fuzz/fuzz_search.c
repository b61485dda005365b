/*
 * fuzz_search.c - the full-text expressions built from user text
 * (store/sq_search.c): sq_search_exprs (a q of /cases and /kb) and the
 * similarity terms of a report (sq_search_similar_terms, sq_search_similar).
 * Each term is kept once, at most SQ_SEARCH_TERMS, valid UTF-8, without a NUL
 * and no longer than its slot; every expression is a run of whole quoted
 * FTS5 strings (an even number of quotes), so no query syntax gets through.
 */
#include "gz.h"

#include "fuzz.h"
#include "store/sq_search.h"
#include "util/buf.h"
#include "util/text.h"

static size_t quotes(const struct buf *b)
{
    size_t n = 0;

    for (size_t i = 0; i < b->len; i++)
        n += buf_str(b)[i] == '"';
    return n;
}

/* Keep every other term: the filter must be asked, and what it drops must stay out. */
static bool keep_some(void *ctx, bool trigram, const char *term, size_t n)
{
    (void)ctx, (void)trigram;
    return (text_hash(term, n) & 1) == 0;
}

static void check_terms(const char *s, sq_search_keep_fn keep)
{
    struct sq_terms t;

    sq_search_similar_terms(s, &t, keep, NULL);
    FUZZ_CHECK(t.n <= SQ_SEARCH_TERMS);
    for (size_t i = 0; i < t.n; i++) {
        size_t n = strlen(t.term[i]);
        FUZZ_CHECK(n > 0 && n < sizeof(t.term[i]));
        FUZZ_CHECK(text_utf8_valid(t.term[i], n));
        FUZZ_CHECK(!keep || keep(NULL, t.trigram[i], t.term[i], n));
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(t.term[k], t.term[i]) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    struct buf fts, grams;
    struct gz_err err = {0};

    buf_init(&fts, 64u << 10);
    buf_init(&grams, 64u << 10);
    if (sq_search_exprs(s, &fts, &grams, &err) == 0) {
        FUZZ_CHECK(quotes(&fts) % 2 == 0 && quotes(&grams) % 2 == 0);
    } else {
        FUZZ_CHECK(strcmp(err.field, "q") == 0);
    }
    buf_release(&fts);
    buf_release(&grams);
    check_terms(s, NULL);
    check_terms(s, keep_some);
    buf_init(&fts, 64u << 10);
    buf_init(&grams, 64u << 10);
    FUZZ_CHECK(sq_search_similar(s, &fts, &grams, NULL, NULL) == 0);
    FUZZ_CHECK(quotes(&fts) % 2 == 0 && quotes(&grams) % 2 == 0);
    buf_release(&fts);
    buf_release(&grams);
    free(s);
    return 0;
}
