/*
 * store_sqlite_kb.c - the knowledge base on SQLite. Entries are few (a city
 * keeps hundreds to thousands), so a search reads the entries the text
 * indexes name and ranks them in one statement; pages are offsets into that
 * ranking. Each entry has a row in kb_fts (trigram: substrings of 3+
 * characters) and in kb_grams (every 1- and 2-character gram as a token),
 * rewritten with the entry; a language's columns hold its title and body,
 * the keywords column serves both (see sq_search.h).
 */
#include "gz.h"

#include <jansson.h>

#include "store/sq.h"
#include "store/sq_search.h"
#include "store/store_sqlite.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/timeutil.h"

#define KB_TEXT_MAX (64u << 10) /* a search expression, or one index row */

/* Sorts after every code made of valid UTF-8: the upper bound of a prefix range. */
#define KB_CODE_END "\xF4\x8F\xBF\xBF"

static void keywords_from_json(const char *s, struct kb_entry *e)
{
    json_t *a = json_loads(s ? s : "[]", 0, NULL), *v;
    size_t i;

    json_array_foreach(a, i, v) {
        if (e->n_keywords < GZ_MAX_KB_KEYWORDS && json_is_string(v))
            text_copy(e->keywords[e->n_keywords++], sizeof(e->keywords[0]), json_string_value(v));
    }
    json_decref(a);
}

static char *keywords_json(const struct kb_entry *e)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; i < e->n_keywords; i++)
        json_array_append_new(a, json_string(e->keywords[i]));
    s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

void sq_kb_from_row(sqlite3_stmt *st, struct kb_entry *e)
{
    char kind[16];

    kb_entry_init(e);
    e->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, e->ref, sizeof(e->ref));
    sq_col_text(st, 2, kind, sizeof(kind));
    e->kind = kb_kind_parse(kind) == KB_POLICY ? KB_POLICY : KB_ANSWER;
    sq_col_text(st, 3, e->category, sizeof(e->category));
    sq_col_text(st, 4, e->title, sizeof(e->title));
    sq_col_text(st, 5, e->title_en, sizeof(e->title_en));
    e->body = sq_col_strdup(st, 6);
    e->body_en = sq_col_strdup(st, 7);
    if (e->body_en && !*e->body_en) {
        free(e->body_en);
        e->body_en = NULL;
    }
    keywords_from_json((const char *)sqlite3_column_text(st, 8), e);
    sq_col_text(st, 9, e->source_url, sizeof(e->source_url));
    e->valid_from = sqlite3_column_int64(st, 10);
    e->valid_to = sqlite3_column_int64(st, 11);
    e->active = sqlite3_column_int(st, 12) != 0;
    e->version = sqlite3_column_int(st, 13);
    e->created_at = sqlite3_column_int64(st, 14);
    e->updated_at = sqlite3_column_int64(st, 15);
}

/* ---- writing ---- */

static void bind_opt_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t)
        sqlite3_bind_int64(st, i, t);
    else
        sqlite3_bind_null(st, i);
}

static void bind_entry(sqlite3_stmt *st, const struct kb_entry *e, const char *keywords)
{
    sqlite3_bind_int64(st, 1, e->id);
    sq_bind_text_or_null(st, 2, e->ref);
    sq_bind_text(st, 3, kb_kind_name(e->kind));
    sq_bind_text_or_null(st, 4, e->category);
    sq_bind_text(st, 5, e->title);
    sq_bind_text(st, 6, e->title_en);
    sq_bind_text(st, 7, e->body ? e->body : "");
    sq_bind_text(st, 8, e->body_en ? e->body_en : "");
    sq_bind_text(st, 9, keywords);
    sq_bind_text(st, 10, e->source_url);
    bind_opt_time(st, 11, e->valid_from);
    bind_opt_time(st, 12, e->valid_to);
    sqlite3_bind_int(st, 13, e->active);
    sqlite3_bind_int64(st, 14, e->updated_at);
    sqlite3_bind_int(st, 15, e->version);
}

/* The three index columns of an entry: each language's title and body, and the keywords. */
static int index_texts(const struct kb_entry *e, struct buf col[3], bool grams)
{
    const char *parts[3][2] = {{e->title, e->body}, {e->title_en, e->body_en}, {NULL, NULL}};
    int rc = 0;

    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 && !rc; j++)
            if (parts[i][j])
                rc = grams ? text_grams(parts[i][j], &col[i])
                           : buf_addf(&col[i], "%s%s", j ? "\n" : "", parts[i][j]);
    for (size_t k = 0; k < e->n_keywords && !rc; k++)
        rc = grams ? text_grams(e->keywords[k], &col[2])
                   : buf_addf(&col[2], "%s%s", k ? "\n" : "", e->keywords[k]);
    return rc;
}

static int index_one(struct sqconn *c, const char *sql, const struct kb_entry *e, bool grams,
                     struct gz_err *err)
{
    sqlite3_stmt *st;
    struct buf col[3];
    int rc;

    for (int i = 0; i < 3; i++)
        buf_init(&col[i], KB_TEXT_MAX);
    rc = index_texts(e, col, grams);
    st = rc ? NULL : sq_stmt(c, sql, err);
    if (st) {
        sqlite3_bind_int64(st, 1, e->id);
        for (int i = 0; i < 3; i++)
            sq_bind_text(st, 2 + i, buf_str(&col[i]));
        rc = sq_step_done(c, st, err);
    } else {
        rc = gz_fail(err, GZ_EIO, "body", "cannot index the entry");
    }
    for (int i = 0; i < 3; i++)
        buf_release(&col[i]);
    return rc;
}

static int unindex(struct sqconn *c, int64_t id, struct gz_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM kb_fts WHERE rowid = ?1", "DELETE FROM kb_grams WHERE rowid = ?1",
        "UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'kb.version'"};
    int rc = 0;

    /* every change to the indexes passes here: the vocabulary must be read again */
    c->group_kb = true;
    for (size_t i = 0; i < GZ_ARRAY_LEN(sql) && !rc; i++) {
        sqlite3_stmt *st = sq_stmt(c, sql[i], err);
        if (!st)
            return GZ_EIO;
        if (i < 2)
            sqlite3_bind_int64(st, 1, id);
        rc = sq_step_done(c, st, err);
    }
    return rc;
}

static int reindex(struct sqconn *c, const struct kb_entry *e, struct gz_err *err)
{
    static const char fts[] = "INSERT INTO kb_fts(rowid, zh, en, keywords) VALUES(?1, ?2, ?3, ?4)";
    static const char grams[] =
        "INSERT INTO kb_grams(rowid, zh, en, keywords) VALUES(?1, ?2, ?3, ?4)";
    int rc = unindex(c, e->id, err);

    if (!rc)
        rc = index_one(c, fts, e, false, err);
    return rc ? rc : index_one(c, grams, e, true, err);
}

/* After an update changed nothing: was the entry missing, or its version another? */
static int update_missed(struct sqconn *c, int64_t id, struct gz_err *err)
{
    static const char sql[] = "SELECT version FROM kb_entries WHERE id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = gz_fail(err, GZ_ECONFLICT, "version",
                     "entry %lld was changed meanwhile: it is at version %d", (long long)id,
                     sqlite3_column_int(st, 0));
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "entry %lld not found", (long long)id);
    else
        rc = sq_fail(c, rc, err);
    sq_done(st);
    return rc;
}

/* created_at and version as stored. */
static int read_back(struct sqconn *c, struct kb_entry *e, struct gz_err *err)
{
    static const char sql[] = "SELECT version, created_at FROM kb_entries WHERE id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, e->id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        e->version = sqlite3_column_int(st, 0);
        e->created_at = sqlite3_column_int64(st, 1);
    }
    rc = sq_step_result(c, rc, err);
    sq_done(st);
    return rc;
}

struct put_job {
    struct kb_entry *e;
    bool create;
    int expect;
};

static int write_row(struct sqconn *c, struct put_job *j, struct gz_err *err)
{
    static const char ins[] =
        "INSERT INTO kb_entries(ref, kind, category, title, title_en, body, body_en, keywords,"
        " source_url, valid_from, valid_to, active, version, created_at, updated_at)"
        " VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?14)";
    static const char upd[] =
        "UPDATE kb_entries SET ref = ?2, kind = ?3, category = ?4, title = ?5, title_en = ?6,"
        " body = ?7, body_en = ?8, keywords = ?9, source_url = ?10, valid_from = ?11,"
        " valid_to = ?12, active = ?13, updated_at = ?14, version = version + 1"
        " WHERE id = ?1 AND (?15 = 0 OR version = ?15)";
    sqlite3_stmt *st = sq_stmt(c, j->create ? ins : upd, err);
    char *kw = keywords_json(j->e);
    int rc;

    if (!st || !kw) {
        free(kw);
        return gz_fail(err, GZ_EIO, "", "cannot store the entry");
    }
    j->e->updated_at = time_now();
    j->e->version = j->expect;
    bind_entry(st, j->e, kw);
    rc = sqlite3_step(st);
    sq_done(st);
    free(kw);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        return rc == GZ_ECONFLICT ? gz_fail(err, rc, "ref", "ref %s is taken", j->e->ref) : rc;
    }
    if (j->create)
        j->e->id = sqlite3_last_insert_rowid(c->db);
    else if (sqlite3_changes(c->db) == 0)
        return update_missed(c, j->e->id, err);
    return read_back(c, j->e, err);
}

static int job_kb_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    int rc = write_row(c, arg, err);

    return rc ? rc : reindex(c, ((struct put_job *)arg)->e, err);
}

int sqo_kb_put(struct store *s, struct kb_entry *e, bool create, int expect_version,
               struct gz_err *err)
{
    struct put_job j = {e, create, create ? 0 : expect_version};

    return sq_write((struct sqstore *)s, job_kb_put, &j, err);
}

static int job_kb_delete(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM kb_entries WHERE id = ?1";
    int64_t id = *(int64_t *)arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sq_step_changed(c, st, "id", "entry", err);
    return rc ? rc : unindex(c, id, err);
}

int sqo_kb_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return sq_write((struct sqstore *)s, job_kb_delete, &id, err);
}

struct import_job {
    struct kb_entry *entries;
    size_t n;
    size_t *bad;
};

/* The id of the entry with this ref, 0 when none. */
static int ref_id(struct sqconn *c, const char *ref, int64_t *id, struct gz_err *err)
{
    static const char sql[] = "SELECT id FROM kb_entries WHERE ref = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    *id = 0;
    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, ref);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    rc = sq_step_result(c, rc, err);
    sq_done(st);
    return rc;
}

static int job_kb_import(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct import_job *j = arg;

    for (size_t i = 0; i < j->n; i++) {
        struct put_job put = {&j->entries[i], true, 0};
        int rc = 0;
        if (j->entries[i].ref[0])
            rc = ref_id(c, j->entries[i].ref, &j->entries[i].id, err);
        put.create = !j->entries[i].id;
        if (!rc)
            rc = job_kb_put(c, &put, err);
        if (rc) {
            *j->bad = i;
            return rc;
        }
    }
    return 0;
}

int sqo_kb_import(struct store *s, struct kb_entry *entries, size_t n, size_t *bad,
                  struct gz_err *err)
{
    struct import_job j = {entries, n, bad};

    return sq_write((struct sqstore *)s, job_kb_import, &j, err);
}

/* ---- reading ---- */

int sqo_kb_get(struct store *s, int64_t id, struct kb_entry *out, struct gz_err *err)
{
    static const char sql[] = "SELECT " SQ_KB_COLS " FROM kb_entries e WHERE e.id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    kb_entry_init(out);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_kb_from_row(st, out);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "entry %lld not found", (long long)id);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/*
 * The search, one statement per combination of indexes in use (so each is
 * a cached literal). m(id, score) sums the rank (bm25; the function itself
 * cannot be called below a compound query) over the indexes that matched an
 * entry; an entry must match as many as ?3 asks (AND for q, 1 for a
 * similarity OR). Arguments: ?1 trigram expression, ?2 gram expression,
 * ?3 matches needed, ?4 kind, ?5 active, ?6 current, ?7 now, ?8 lang,
 * ?9 category, ?10 applying only, ?11 end of the category's range,
 * ?12 limit, ?13 offset.
 */
#define KB_M_FTS "SELECT rowid AS id, rank AS score FROM kb_fts WHERE kb_fts MATCH ?1"
#define KB_M_GRAMS "SELECT rowid AS id, rank AS score FROM kb_grams WHERE kb_grams MATCH ?2"
#define KB_WITH(inner)                                                                             \
    "WITH m(id, score) AS (SELECT id, sum(score) FROM (" inner ") GROUP BY id"                     \
    " HAVING count(*) >= ?3) "
#define KB_FIT                                                                                     \
    "CASE WHEN ?9 IS NULL OR e.category = ?9 THEN 0"                                               \
    " WHEN length(e.category) < length(?9) THEN (length(?9) - length(e.category)) / 2"             \
    " ELSE 10 END"
#define KB_WHERE                                                                                   \
    " WHERE (?4 IS NULL OR e.kind = ?4) AND (?5 < 0 OR e.active = ?5)"                             \
    " AND (?6 = 0 OR (e.active AND coalesce(e.valid_from, 0) <= ?7"                                \
    " AND (e.valid_to IS NULL OR e.valid_to > ?7)))"                                               \
    " AND (?8 IS NULL OR (?8 = 'zh' AND e.title <> '') OR (?8 = 'en' AND e.title_en <> ''))"       \
    " AND (?9 IS NULL OR e.category = substr(?9, 1, length(e.category))"                           \
    " OR (?10 = 0 AND e.category > ?9 AND e.category < ?11))"                                      \
    " ORDER BY fit, score, e.id DESC LIMIT ?12 OFFSET ?13"
#define KB_SELECT_M                                                                                \
    "SELECT " SQ_KB_COLS ", " KB_FIT                                                               \
    " AS fit, m.score AS score FROM m JOIN kb_entries e ON e.id = m.id"

static const char *const kb_search_sql[4] = {
    "SELECT " SQ_KB_COLS ", " KB_FIT " AS fit, 0 AS score FROM kb_entries e" KB_WHERE,
    KB_WITH(KB_M_FTS) KB_SELECT_M KB_WHERE,
    KB_WITH(KB_M_GRAMS) KB_SELECT_M KB_WHERE,
    KB_WITH(KB_M_FTS " UNION ALL " KB_M_GRAMS) KB_SELECT_M KB_WHERE,
};

struct kb_query {
    struct buf fts, grams, cat_end;
};

/* Keep an expression to the columns of one language (and the keywords). */
static int to_lang(struct buf *b, int lang)
{
    struct buf out;
    int rc;

    if (lang < 0 || !b->len)
        return 0;
    buf_init(&out, KB_TEXT_MAX);
    rc = buf_addf(&out, "{%s keywords} : (%s)", lang == KB_EN ? "en" : "zh", buf_str(b));
    if (!rc) {
        buf_release(b);
        *b = out;
    } else {
        buf_release(&out);
    }
    return rc;
}

/* v: the base's vocabulary, for a similarity search (NULL otherwise) */
static void kb_query_init(struct kb_query *q)
{
    buf_init(&q->fts, KB_TEXT_MAX);
    buf_init(&q->grams, KB_TEXT_MAX);
    buf_init(&q->cat_end, 64);
}

static int kb_query_build(struct kb_query *q, const struct kb_filter *f, struct sq_vocab *v,
                          struct gz_err *err)
{
    int rc = 0;

    if (f->q)
        rc = sq_search_exprs(f->q, &q->fts, &q->grams, err);
    else if (f->similar)
        rc = sq_search_similar(f->similar, &q->fts, &q->grams, sq_vocab_keep, v);
    if (!rc)
        rc = to_lang(&q->fts, f->lang) || to_lang(&q->grams, f->lang) ? GZ_ETOOBIG : 0;
    if (!rc && f->category)
        rc = buf_addf(&q->cat_end, "%s" KB_CODE_END, f->category);
    if (rc && !err->code)
        gz_fail(err, GZ_EINVAL, "q", "q is too long");
    return rc;
}

static void kb_query_release(struct kb_query *q)
{
    buf_release(&q->fts);
    buf_release(&q->grams);
    buf_release(&q->cat_end);
}

static void kb_bind(sqlite3_stmt *st, const struct kb_filter *f, const struct kb_query *q,
                    int offset, int limit)
{
    if (q->fts.len)
        sq_bind_text(st, 1, buf_str(&q->fts));
    if (q->grams.len)
        sq_bind_text(st, 2, buf_str(&q->grams));
    sqlite3_bind_int(st, 3, f->q ? (q->fts.len > 0) + (q->grams.len > 0) : 1);
    sq_bind_text(st, 4, f->kind >= 0 ? kb_kind_name((enum kb_kind)f->kind) : NULL);
    sqlite3_bind_int(st, 5, f->active);
    sqlite3_bind_int(st, 6, f->current);
    sqlite3_bind_int64(st, 7, f->now);
    sq_bind_text(st, 8, f->lang >= 0 ? kb_lang_name((enum kb_lang)f->lang) : NULL);
    sq_bind_text(st, 9, f->category);
    sqlite3_bind_int(st, 10, f->applying);
    sq_bind_text(st, 11, f->category ? buf_str(&q->cat_end) : NULL);
    sqlite3_bind_int(st, 12, limit);
    sqlite3_bind_int(st, 13, offset);
}

static int kb_run(struct sqconn *c, sqlite3_stmt *st, store_kb_fn fn, void *ctx, struct gz_err *err)
{
    int rc, stop = 0;

    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kb_entry e;
        sq_kb_from_row(st, &e);
        stop = fn(ctx, &e);
        kb_entry_release(&e);
    }
    if (stop)
        return stop < 0 ? gz_fail(err, stop, "", "cannot keep the entry") : 0;
    return sq_step_result(c, rc, err);
}

/* The query for f on c: with a similarity text, only the terms the base holds. */
static int kb_query_on(struct sqstore *sq, struct sqconn *c, const struct kb_filter *f,
                       struct kb_query *q, struct gz_err *err)
{
    struct sq_vocab *v = NULL;
    int rc;

    if (f->similar && !f->q && !(v = sq_vocab_hold(sq, c, err)))
        return err->code ? err->code : GZ_EIO;
    rc = kb_query_build(q, f, v, err);
    if (v)
        sq_vocab_release(sq, v);
    return rc;
}

/* Intake's questions, from the base in memory (sq_vocab.c). */
static int kb_search_mem(struct sqstore *sq, struct sqconn *c, const struct kb_filter *f, int limit,
                         store_kb_fn fn, void *ctx, struct gz_err *err)
{
    struct sq_vocab *v = sq_vocab_hold(sq, c, err);
    int rc;

    if (!v)
        return err->code ? err->code : GZ_EIO;
    rc = sq_vocab_search(v, c, f, limit, fn, ctx, err);
    sq_vocab_release(sq, v);
    return rc;
}

int sqo_kb_search(struct store *s, const struct kb_filter *f, int offset, int limit, store_kb_fn fn,
                  void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct kb_query q;
    struct sqconn *c = sq_reader(sq, err);
    sqlite3_stmt *st = NULL;
    int rc, which;

    if (!c)
        return GZ_EIO;
    if (sq_vocab_fits(f, offset) && !sq->kb_statement_only) {
        rc = kb_search_mem(sq, c, f, limit, fn, ctx, err);
        sq_reader_put(sq, c);
        return rc;
    }
    kb_query_init(&q);
    rc = kb_query_on(sq, c, f, &q, err);
    which = (q.fts.len > 0) + 2 * (q.grams.len > 0);
    if (!rc && (f->q || f->similar) && !which)
        goto out; /* a text that leaves nothing to match finds nothing */
    if (!rc && !(st = sq_stmt(c, kb_search_sql[which], err)))
        rc = GZ_EIO;
    if (!rc) {
        kb_bind(st, f, &q, offset, limit);
        rc = kb_run(c, st, fn, ctx, err);
    }
out:
    sq_done(st);
    sq_reader_put(sq, c);
    kb_query_release(&q);
    return rc;
}
