/*
 * sq_vocab.c - the terms the knowledge base's indexes hold, in memory (see
 * sq.h). A similarity search ORs up to 48 terms of a report; most of them
 * are in no entry, and FTS5 pays for each all the same (with an empty base
 * it was a fifth of intake's CPU). Terms no entry holds cannot change the
 * answer (bm25 adds nothing for them), so they are dropped first, and a
 * report that shares no term with the base asks nothing.
 *
 * Freshness: this process's changes bump s->kb_gen after their commit, which
 * the next search sees; another process's bump settings 'kb.version', read
 * at most every SQ_VOCAB_CHECK_S.
 */
#include "gz.h"

#include <stdatomic.h>

#include "store/sq.h"
#include "util/strset.h"
#include "util/timeutil.h"

#define SQ_VOCAB_CHECK_S 2.0

struct sq_vocab {
    struct strset *tri, *grams;
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

/* Both vocabularies and the version from one snapshot. */
static struct sq_vocab *build(struct sqconn *c, uint64_t gen, struct gz_err *err)
{
    struct sq_vocab *v = calloc(1, sizeof(*v));
    int rc = v && (v->tri = strset_new()) && (v->grams = strset_new()) ? 0 : GZ_ENOMEM;

    if (rc)
        gz_fail(err, rc, "", "out of memory");
    if (!rc)
        rc = sq_exec(c, "BEGIN", err);
    if (!rc) {
        rc = read_terms(c, "SELECT term FROM kb_fts_vocab", v->tri, err);
        if (!rc)
            rc = read_terms(c, "SELECT term FROM kb_grams_vocab", v->grams, err);
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

    pthread_mutex_lock(&s->kbv_lock);
    if (!fresh(s->kbv, gen, c)) {
        struct sq_vocab *v = build(c, gen, err);
        if (!v) {
            pthread_mutex_unlock(&s->kbv_lock);
            return NULL;
        }
        sq_vocab_free(s->kbv);
        s->kbv = v;
    }
    return s->kbv;
}

void sq_vocab_release(struct sqstore *s)
{
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
