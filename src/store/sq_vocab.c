/*
 * sq_vocab.c - the knowledge base in memory (see sq.h). A similarity search
 * ORs up to 48 terms of a report; most of them are in no entry, and FTS5
 * pays for each all the same (with an empty base it was a fifth of intake's
 * CPU). Terms no entry holds cannot change the answer (bm25 adds nothing for
 * them), so they are dropped first, and a report that shares no term with
 * the base asks nothing.
 *
 * Intake asks the base two or three questions for every case, and even over
 * a handful of entries each statement cost ~30 us (FTS5 cursors, sorters, a
 * page cache that every commit empties). So intake's shapes of question are
 * answered here: the active entries are kept, and each term's bm25 ranking
 * of them is asked of FTS5 once (bm25 of an OR is the sum of its terms'
 * scores, so the sums rank as the statement does). Other searches (the
 * /kb API: q, pages, languages) keep to the statement.
 *
 * Freshness: this process's changes bump s->kb_gen after their commit, which
 * the next search sees; another process's bump settings 'kb.version', read
 * at most every SQ_VOCAB_CHECK_S.
 */
#include "gz.h"

#include <stdatomic.h>

#include "core/kb.h"
#include "store/sq.h"
#include "store/sq_search.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/strset.h"
#include "util/timeutil.h"
#include "util/vec.h"

#define SQ_VOCAB_CHECK_S 2.0

/* One term's ranking: the entries that hold it, with its bm25 share for each. */
struct posting {
    int64_t id;
    double score;
};

struct postings {
    struct posting *v;
    size_t n;
};

/*
 * Read-only once built (searches run on it without a lock), but for the
 * rankings, asked as they are needed under plock; each ranking, once there,
 * stays where it is until the snapshot goes. refs (under the store's
 * kbv_lock) counts holders: a snapshot replaced while held goes with its
 * last holder.
 */
struct sq_vocab {
    struct strset *tri, *grams;
    struct kb_entry *entries; /* the active ones, newest (highest id) first */
    size_t n_entries;
    pthread_mutex_t plock;
    struct strset *asked; /* "t" or "g" + term -> 1 + its index in lists */
    struct postings **lists;
    size_t n_lists, cap_lists;
    int refs;
    uint64_t gen;
    char db_version[32];
    double checked;
};

void sq_vocab_free(struct sq_vocab *v)
{
    if (!v)
        return;
    strset_free(v->tri);
    strset_free(v->grams);
    strset_free(v->asked);
    for (size_t i = 0; i < v->n_entries; i++)
        kb_entry_release(&v->entries[i]);
    free(v->entries);
    for (size_t i = 0; i < v->n_lists; i++) {
        free(v->lists[i]->v);
        free(v->lists[i]);
    }
    free(v->lists);
    pthread_mutex_destroy(&v->plock);
    free(v);
}

static int read_terms(struct sqconn *c, const char *sql, struct strset *set, struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc, bad = 0;

    if (!st)
        return GZ_EIO;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW)
        bad = strset_add(set, (const char *)sqlite3_column_blob(st, 0),
                         (size_t)sqlite3_column_bytes(st, 0));
    sq_done(st);
    if (bad)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    return sq_step_result(c, rc, err);
}

static int read_entries(struct sqconn *c, struct sq_vocab *v, struct gz_err *err)
{
    static const char sql[] =
        "SELECT " SQ_KB_COLS " FROM kb_entries e WHERE e.active ORDER BY e.id DESC";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    size_t cap = 0;
    int rc;

    if (!st)
        return GZ_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
           !vec_reserve((void **)&v->entries, &cap, v->n_entries + 1, sizeof(*v->entries)))
        sq_kb_from_row(st, &v->entries[v->n_entries++]);
    sq_done(st);
    if (rc == SQLITE_ROW)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    return sq_step_result(c, rc, err);
}

/* Both vocabularies, the entries and the version from one snapshot. */
static struct sq_vocab *build(struct sqconn *c, uint64_t gen, struct gz_err *err)
{
    struct sq_vocab *v = calloc(1, sizeof(*v));
    int rc = v && (v->tri = strset_new()) && (v->grams = strset_new()) && (v->asked = strset_new())
                 ? 0
                 : GZ_ENOMEM;

    if (v)
        pthread_mutex_init(&v->plock, NULL);
    if (rc)
        gz_fail(err, rc, "", "out of memory");
    if (!rc)
        rc = sq_exec(c, "BEGIN", err);
    if (!rc) {
        rc = read_terms(c, "SELECT term FROM kb_fts_vocab", v->tri, err);
        if (!rc)
            rc = read_terms(c, "SELECT term FROM kb_grams_vocab", v->grams, err);
        if (!rc)
            rc = read_entries(c, v, err);
        if (!rc)
            rc = sq_setting_read(c, "kb.version", v->db_version, sizeof(v->db_version), err);
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    }
    if (rc) {
        sq_vocab_free(v);
        return NULL;
    }
    v->gen = gen;
    v->checked = time_mono();
    return v;
}

/* Is v still what the indexes hold? Reads kb.version when its time has come. */
static bool fresh(struct sq_vocab *v, uint64_t gen, struct sqconn *c)
{
    char now[32];
    struct gz_err err;

    if (!v || v->gen != gen)
        return false;
    if (time_mono() - v->checked < SQ_VOCAB_CHECK_S)
        return true;
    if (sq_setting_read(c, "kb.version", now, sizeof(now), &err) || strcmp(now, v->db_version) != 0)
        return false;
    v->checked = time_mono();
    return true;
}

struct sq_vocab *sq_vocab_hold(struct sqstore *s, struct sqconn *c, struct gz_err *err)
{
    uint64_t gen = atomic_load(&s->kb_gen);
    struct sq_vocab *v;

    pthread_mutex_lock(&s->kbv_lock);
    if (!fresh(s->kbv, gen, c)) {
        struct sq_vocab *old = s->kbv;
        if (!(v = build(c, gen, err))) {
            pthread_mutex_unlock(&s->kbv_lock);
            return NULL;
        }
        s->kbv = v;
        if (old && !old->refs)
            sq_vocab_free(old); /* else its last holder frees it */
    }
    v = s->kbv;
    v->refs++;
    pthread_mutex_unlock(&s->kbv_lock);
    return v;
}

void sq_vocab_release(struct sqstore *s, struct sq_vocab *v)
{
    pthread_mutex_lock(&s->kbv_lock);
    if (!--v->refs && v != s->kbv)
        sq_vocab_free(v);
    pthread_mutex_unlock(&s->kbv_lock);
}

bool sq_vocab_keep(void *ctx, bool trigram, const char *term, size_t n)
{
    const struct sq_vocab *v = ctx;

    if (!trigram)
        return strset_has(v->grams, term, n);
    /* a phrase of the trigram index (an ASCII word, lower-cased, 3+ letters) matches only
       if each of its trigrams is there */
    for (size_t i = 0; i + 3 <= n; i++)
        if (!strset_has(v->tri, term + i, 3))
            return false;
    return true;
}

/* ---- intake's questions, answered from memory ---- */

bool sq_vocab_fits(const struct kb_filter *f, int offset)
{
    /* a category only as intake asks: the entries applying to it, with no text beside */
    return !f->q && f->lang < 0 && f->active == 1 && offset == 0 &&
           (!f->category || (f->applying && !f->similar));
}

/* Ask FTS5 for one term's ranking (its bm25 share, per entry that holds it). */
static int ask_term(struct sqconn *c, bool trigram, const char *term, struct postings *out,
                    struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c,
                               trigram ? "SELECT rowid, rank FROM kb_fts WHERE kb_fts MATCH ?1"
                                       : "SELECT rowid, rank FROM kb_grams WHERE kb_grams MATCH ?1",
                               err);
    struct buf phrase;
    size_t cap = 0;
    int rc;

    if (!st)
        return GZ_EIO;
    buf_init(&phrase, 256);
    if (sq_search_phrase(&phrase, term, strlen(term))) {
        sq_done(st);
        buf_release(&phrase);
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    }
    sqlite3_bind_text(st, 1, buf_str(&phrase), -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
           !vec_reserve((void **)&out->v, &cap, out->n + 1, sizeof(*out->v))) {
        out->v[out->n].id = sqlite3_column_int64(st, 0);
        out->v[out->n++].score = sqlite3_column_double(st, 1);
    }
    sq_done(st);
    buf_release(&phrase);
    if (rc == SQLITE_ROW)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    return sq_step_result(c, rc, err);
}

/* A term's ranking, asked once per snapshot of the base. */
static const struct postings *postings(struct sq_vocab *v, struct sqconn *c, bool trigram,
                                       const char *term, struct gz_err *err)
{
    char key[48];
    int n = snprintf(key, sizeof(key), "%c%s", trigram ? 't' : 'g', term);
    struct postings *p = NULL;
    size_t at;

    pthread_mutex_lock(&v->plock);
    if ((at = strset_value(v->asked, key, (size_t)n)) != 0) {
        p = v->lists[at - 1];
    } else if (vec_reserve((void **)&v->lists, &v->cap_lists, v->n_lists + 1, sizeof(*v->lists)) ||
               !(p = calloc(1, sizeof(*p)))) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
    } else if (ask_term(c, trigram, term, p, err) ||
               strset_put(v->asked, key, (size_t)n, v->n_lists + 1)) {
        free(p->v);
        free(p);
        p = NULL;
        if (!err->code)
            gz_fail(err, GZ_ENOMEM, "", "out of memory");
    } else {
        v->lists[v->n_lists++] = p;
    }
    pthread_mutex_unlock(&v->plock);
    return p;
}

struct hit {
    const struct kb_entry *e;
    int fit;
    double score;
    bool matched;
};

static size_t chars(const char *s)
{
    size_t k = 0;

    for (; *s; s++)
        k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/* How e's category fits f's (as KB_FIT), -1 when e does not apply to it. */
static int fit_of(const struct kb_entry *e, const struct kb_filter *f)
{
    size_t le = strlen(e->category);

    if (!f->category)
        return 0;
    if (!le || strncmp(e->category, f->category, le) != 0 || le > strlen(f->category))
        return -1;
    return (int)((chars(f->category) - chars(e->category)) / 2);
}

static bool admits(const struct kb_entry *e, const struct kb_filter *f)
{
    if (f->kind >= 0 && (int)e->kind != f->kind)
        return false;
    return !f->current ||
           (e->active && e->valid_from <= f->now && (!e->valid_to || e->valid_to > f->now));
}

static int by_rank(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;

    if (x->fit != y->fit)
        return x->fit < y->fit ? -1 : 1;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return x->e->id > y->e->id ? -1 : x->e->id < y->e->id;
}

/* The entries' index by id (entries are newest first), or -1. */
static long entry_at(const struct sq_vocab *v, int64_t id)
{
    size_t lo = 0, hi = v->n_entries;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->entries[mid].id == id)
            return (long)mid;
        if (v->entries[mid].id > id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Add every term's share to the hits of the entries that hold it. */
static int score_similar(struct sq_vocab *v, struct sqconn *c, const char *text, struct hit *h,
                         struct gz_err *err)
{
    struct sq_terms t;

    sq_search_similar_terms(text, &t, sq_vocab_keep, v);
    for (size_t i = 0; i < t.n; i++) {
        const struct postings *p = postings(v, c, t.trigram[i], t.term[i], err);
        if (!p)
            return err->code;
        for (size_t k = 0; k < p->n; k++) {
            long at = entry_at(v, p->v[k].id);
            if (at >= 0) {
                h[at].score += p->v[k].score;
                h[at].matched = true;
            }
        }
    }
    return 0;
}

int sq_vocab_search(struct sq_vocab *v, struct sqconn *c, const struct kb_filter *f, int limit,
                    int (*fn)(void *ctx, const struct kb_entry *e), void *ctx, struct gz_err *err)
{
    struct hit *h = calloc(v->n_entries + 1, sizeof(*h));
    size_t n = 0;
    int rc = h ? 0 : gz_fail(err, GZ_ENOMEM, "", "out of memory"), stop = 0;

    for (size_t i = 0; h && i < v->n_entries; i++)
        h[i].e = &v->entries[i];
    if (!rc && f->similar)
        rc = score_similar(v, c, f->similar, h, err);
    for (size_t i = 0; !rc && i < v->n_entries; i++) {
        struct hit x = h[i];
        if ((f->similar && !x.matched) || !admits(x.e, f) || (x.fit = fit_of(x.e, f)) < 0)
            continue;
        h[n++] = x;
    }
    if (!rc)
        qsort(h, n, sizeof(*h), by_rank);
    for (size_t i = 0; !rc && !stop && i < n && (int)i < limit; i++)
        stop = fn(ctx, h[i].e);
    free(h);
    if (stop < 0)
        return gz_fail(err, stop, "", "cannot keep the entry");
    return rc;
}
