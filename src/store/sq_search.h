/*
 * sq_search.h - full-text search expressions for the SQLite backend, shared
 * by every searchable table (cases, the knowledge base). Each such table has
 * two FTS5 indexes: a trigram one (substrings of 3+ characters) and a gram
 * one whose row holds every 1- and 2-character gram of the text as a token
 * (text_grams), for the short queries most Chinese words make (垃圾, 噪).
 */
#ifndef GZ_SQ_SEARCH_H
#define GZ_SQ_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct gz_err;

#define SQ_SEARCH_TERMS 48 /* terms of a similarity expression at most */

/*
 * Split q on white space (ASCII or U+3000) into the words it ANDs: words of
 * 3+ characters as quoted phrases into fts (for the trigram index), words of
 * 1-2 characters into grams (ASCII lower-cased, for the gram index). Either
 * may stay empty. GZ_EINVAL naming "q" for bad UTF-8 or a query too long.
 */
int sq_search_exprs(const char *q, struct buf *fts, struct buf *grams, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Whether an index holds term[0..n) (trigram: the fts index, else the grams). */
typedef bool (*sq_search_keep_fn)(void *ctx, bool trigram, const char *term, size_t n);

/*
 * Expressions that find what looks like text, ranked by bm25: the distinct
 * 2-character grams of its runs of non-ASCII letters (a lone character
 * alone) ORed into grams, and its ASCII words of 3+ letters (a few common
 * ones left out, lower-cased) ORed as phrases into fts; at most
 * SQ_SEARCH_TERMS in all. With keep, only the terms it keeps (those an index
 * holds: the others cannot match) count and go in.
 */
int sq_search_similar(const char *text, struct buf *fts, struct buf *grams, sq_search_keep_fn keep,
                      void *keep_ctx) __attribute__((warn_unused_result));

/* The same terms one by one: trigram ones (for the fts index) lower-cased words, the others
 * grams. */
struct sq_terms {
    size_t n;
    bool trigram[SQ_SEARCH_TERMS];
    char term[SQ_SEARCH_TERMS][40];
};
void sq_search_similar_terms(const char *text, struct sq_terms *out, sq_search_keep_fn keep,
                             void *keep_ctx);

/* Append term[0..n) to b as one FTS5 string (a phrase: no query syntax). */
int sq_search_phrase(struct buf *b, const char *term, size_t n) __attribute__((warn_unused_result));

#endif
