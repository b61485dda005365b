/*
 * store_sqlite_case_query.c - case lists on SQLite: filters, full-text search
 * and keyset pages (store_case_list).
 *
 * The SQL is built per call from the filters in use, so the planner sees only
 * real conditions and can pick the index that fits; every value is bound as a
 * parameter (?N, numbered in the order they are added), never formatted into
 * the text. Such statements are prepared on the borrowed connection and
 * finalized after use: sq_stmt's cache is keyed by the SQL pointer and is for
 * literals only.
 *
 * Search: q is split on white space and its words are ANDed. A word of 3+
 * characters is a quoted phrase for cases_fts (trigram tokenizer: substring
 * match); a word of 1-2 characters is a quoted token for cases_grams, whose
 * row per case holds every 1- and 2-character gram of the text as a token
 * (ASCII letters lower-cased). Both tables have rowid = case id and live in
 * the search index file, attached as "search"; a search first waits for the
 * index to hold every case it can see (sq_index.c).
 *
 * Units (the unit filter, its subtree, visibility) go through case_units.
 * Whether such a condition, or a category prefix, drives the query through its
 * index or is only checked per row while walking the sort order is decided by
 * a bounded count first (see struct plan): SQLite has no statistics for a
 * recursive CTE and guesses badly both ways.
 *
 * Sort keys: created_at (cases_created), or the deadline
 * coalesce(resolve_by, INT64_MAX), so cases without one come last.
 */
#include "gz.h"

#include <stdlib.h>

#include "store/sq_case.h"
#include "store/sq_search.h"
#include "store/store_sqlite.h"
#include "util/buf.h"
#include "util/text.h"

#define QB_MAX_ARGS 160
#define QB_MAX_SQL (32u << 10)
#define QB_MAX_TEXT (64u << 10) /* a search expression or the visible-unit list */

/* Sorts after every code made of valid UTF-8: the upper bound of a prefix range. */
#define CODE_PREFIX_END "\xF4\x8F\xBF\xBF" /* U+10FFFF */

enum qarg_kind { QA_I64, QA_DBL, QA_TEXT };

struct qarg {
    enum qarg_kind kind;
    int64_t i;
    double d;
    const char *s; /* outlives the statement: the filter's or one of qb's buffers */
};

/* A query under construction; the first failure sticks in rc. */
struct qb {
    struct buf sql;
    struct qarg args[QB_MAX_ARGS];
    int n;
    int rc;
    /* texts bound as arguments, built before the SQL and not changed after */
    struct buf fts, grams, vis, cat_end, scp;
};

static void qb_init(struct qb *q)
{
    memset(q, 0, sizeof(*q));
    buf_init(&q->sql, QB_MAX_SQL);
    buf_init(&q->fts, QB_MAX_TEXT);
    buf_init(&q->grams, QB_MAX_TEXT);
    buf_init(&q->vis, QB_MAX_TEXT);
    buf_init(&q->cat_end, QB_MAX_TEXT);
    buf_init(&q->scp, QB_MAX_TEXT);
}

static void qb_release(struct qb *q)
{
    buf_release(&q->sql);
    buf_release(&q->fts);
    buf_release(&q->grams);
    buf_release(&q->vis);
    buf_release(&q->cat_end);
    buf_release(&q->scp);
}

static void qb_sql(struct qb *q, const char *s)
{
    if (!q->rc)
        q->rc = buf_adds(&q->sql, s);
}

/* Append the placeholder of a new argument. */
static void qb_arg(struct qb *q, struct qarg a)
{
    if (q->rc)
        return;
    if (q->n >= QB_MAX_ARGS) {
        q->rc = GZ_ETOOBIG;
        return;
    }
    q->args[q->n++] = a;
    q->rc = buf_addf(&q->sql, "?%d", q->n);
}

static void qb_i64(struct qb *q, int64_t v)
{
    qb_arg(q, (struct qarg){.kind = QA_I64, .i = v});
}

static void qb_dbl(struct qb *q, double v)
{
    qb_arg(q, (struct qarg){.kind = QA_DBL, .d = v});
}

static void qb_text(struct qb *q, const char *s)
{
    qb_arg(q, (struct qarg){.kind = QA_TEXT, .s = s});
}

static void qb_bind(const struct qb *q, sqlite3_stmt *st)
{
    for (int i = 0; i < q->n; i++) {
        const struct qarg *a = &q->args[i];
        if (a->kind == QA_I64)
            sqlite3_bind_int64(st, i + 1, a->i);
        else if (a->kind == QA_DBL)
            sqlite3_bind_double(st, i + 1, a->d);
        else
            sqlite3_bind_text(st, i + 1, a->s, -1, SQLITE_STATIC);
    }
}

/* ids as a JSON array, for json_each. */
static int ids_json(struct buf *b, const int64_t *ids, size_t n)
{
    int rc = buf_adds(b, "[");

    for (size_t i = 0; !rc && i < n; i++)
        rc = buf_addf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    return rc ? rc : buf_adds(b, "]");
}

/* The texts bound as arguments: search expressions, visible units as JSON, category end. */
static int qb_texts(struct qb *q, const struct case_filter *f, struct gz_err *err)
{
    int rc = 0;

    if (f->q)
        rc = sq_search_exprs(f->q, &q->fts, &q->grams, err);
    if (rc)
        return rc;
    if (f->visible_units) {
        rc = buf_adds(&q->vis, "[");
        for (size_t i = 0; !rc && i < f->n_visible; i++)
            rc = buf_addf(&q->vis, "%s%lld", i ? "," : "", (long long)f->visible_units[i]);
        if (!rc)
            rc = buf_adds(&q->vis, "]");
    }
    if (!rc && f->category && *f->category)
        rc = buf_addf(&q->cat_end, "%s" CODE_PREFIX_END, f->category);
    if (!rc && f->scope && f->scope->n_areas)
        rc = ids_json(&q->scp, f->scope->areas, f->scope->n_areas);
    return rc ? gz_fail(err, rc, "", "case query too large") : 0;
}

/* ---- conditions ---- */

/*
 * Which conditions drive the query. A party condition (unit, subtree,
 * visibility) or a category prefix that matches few cases is best read from
 * its index and the result sorted; one that matches many is best checked row
 * by row while walking the sort order, which stops after `limit` rows.
 * SQLite cannot tell the two apart without statistics (a CTE has none), so
 * we count, up to a bound, and write the condition in the form that fits.
 * Search results are sets either way: a narrow one drives the query, a broad
 * one is only probed (unary +) while walking the sort order.
 */
struct plan {
    bool unit_narrow, vis_narrow, cat_narrow, fts_narrow, grams_narrow;
};

/* A condition matching fewer than limit * this many rows is narrow. */
#define NARROW_ROWS_PER_ITEM 40

/* The client scope's areas and their subtrees, as the CTE scp (after others when `more`). */
static void add_scope_with(struct qb *q, const char *scp_json, bool more)
{
    if (!scp_json)
        return;
    qb_sql(q, more ? ", " : "WITH RECURSIVE ");
    qb_sql(q, "scp(id) AS (SELECT value FROM json_each(");
    qb_text(q, scp_json);
    qb_sql(q, ") UNION SELECT u.id FROM units u JOIN scp ON u.parent_id = scp.id) ");
}

/* Recursive CTEs: sub = f->unit_id and below (when sub); vis = the units in vis_json and below. */
static void add_with(struct qb *q, const struct case_filter *f, bool sub, const char *vis_json)
{
    if (!sub && !vis_json)
        return;
    qb_sql(q, "WITH RECURSIVE ");
    if (sub) {
        qb_sql(q, "sub(id) AS (SELECT ");
        qb_i64(q, f->unit_id);
        qb_sql(q, " UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)");
    }
    if (vis_json) {
        qb_sql(q, sub ? ", " : "");
        qb_sql(q, "vis(id) AS (SELECT value FROM json_each(");
        qb_text(q, vis_json);
        qb_sql(q, ") UNION SELECT u.id FROM units u JOIN vis ON u.parent_id = vis.id)");
    }
    qb_sql(q, " ");
}

typedef const char *(*name_fn)(int i);

static const char *status_name_of(int i)
{
    return case_status_name((enum case_status)i);
}

static const char *channel_name_of(int i)
{
    return case_channel_name((enum case_channel)i);
}

/* " AND col IN (?, ...)" with the names of the bits set in mask. */
static void add_names_in(struct qb *q, const char *col, unsigned mask, int count, name_fn name)
{
    bool first = true;

    if (!mask)
        return;
    qb_sql(q, " AND ");
    qb_sql(q, col);
    qb_sql(q, " IN (");
    for (int i = 0; i < count; i++) {
        if (!(mask & (1u << i)))
            continue;
        qb_sql(q, first ? "" : ", ");
        qb_text(q, name(i));
        first = false;
    }
    qb_sql(q, first ? "NULL)" : ")"); /* only unknown bits: nothing matches */
}

/* The units of case_units.unit_id: "IN sub", "IN vis", or "= ?unit_id" when set is NULL. */
static void add_unit_set(struct qb *q, const char *set, int64_t unit_id)
{
    if (set) {
        qb_sql(q, set);
    } else {
        qb_sql(q, "= ");
        qb_i64(q, unit_id);
    }
    qb_sql(q, ")");
}

/*
 * A party to the case: read from case_units_unit when narrow, else checked per
 * case. The check seeks the case's few case_units rows and tests each unit
 * against the set (unary +); left to itself SQLite seeks (case, unit) once per
 * unit of the set, which costs the subtree's size per case.
 */
static void add_party(struct qb *q, const char *set, int64_t unit_id, bool narrow)
{
    qb_sql(q, narrow ? " AND c.id IN (SELECT case_id FROM case_units WHERE unit_id "
                     : " AND EXISTS (SELECT 1 FROM case_units cu WHERE cu.case_id = c.id"
                       " AND +cu.unit_id ");
    add_unit_set(q, set, unit_id);
}

static void add_units(struct qb *q, const struct case_filter *f, const struct plan *pl)
{
    if (f->unit_id)
        add_party(q, f->subtree ? "IN sub" : NULL, f->unit_id, pl->unit_narrow);
    if (!f->visible_units)
        return;
    /* a caller sees what their units are party to, and what they reported or took in */
    (void)pl;
    qb_sql(q, " AND (c.reporter_account_id = ");
    qb_i64(q, f->viewer_account_id);
    qb_sql(q, " OR c.intake_account_id = ");
    qb_i64(q, f->viewer_account_id);
    qb_sql(q, " OR EXISTS (SELECT 1 FROM case_units cu WHERE cu.case_id = c.id"
              " AND +cu.unit_id IN vis))");
}

/*
 * An API client's scope, checked per row: one of its category prefixes, and
 * (with areas) a party to the case or one of its places in the CTE scp.
 */
static void add_scope(struct qb *q, const struct api_scope *sc, bool areas)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_cats; i++) {
        qb_sql(q, i ? " OR substr(c.category_code, 1, " : " AND (substr(c.category_code, 1, ");
        qb_i64(q, (int64_t)strlen(sc->cats[i]));
        qb_sql(q, ") = ");
        qb_text(q, sc->cats[i]);
    }
    qb_sql(q, sc->n_cats ? ")" : "");
    if (areas)
        qb_sql(q, " AND (+c.district_id IN scp OR +c.street_id IN scp OR +c.community_id IN scp"
                  " OR +c.grid_id IN scp OR EXISTS (SELECT 1 FROM case_units cu"
                  " WHERE cu.case_id = c.id AND +cu.unit_id IN scp))");
}

/* " AND col >= from AND col < to", each side only when set. */
static void add_range(struct qb *q, const char *col, int64_t from, int64_t to)
{
    if (from) {
        qb_sql(q, " AND ");
        qb_sql(q, col);
        qb_sql(q, " >= ");
        qb_i64(q, from);
    }
    if (to) {
        qb_sql(q, " AND ");
        qb_sql(q, col);
        qb_sql(q, " < ");
        qb_i64(q, to);
    }
}

/*
 * A code prefix as a range [p, p U+10FFFF), so cases_category can serve it;
 * unary + keeps SQLite off that index when the prefix is broad.
 */
static void add_category(struct qb *q, const char *prefix, const char *end, bool indexed)
{
    qb_sql(q, indexed ? " AND c.category_code >= " : " AND +c.category_code >= ");
    qb_text(q, prefix);
    qb_sql(q, indexed ? " AND c.category_code < " : " AND +c.category_code < ");
    qb_text(q, end);
}

static void add_overdue(struct qb *q, const struct case_filter *f)
{
    if (!f->overdue)
        return;
    /* as the case view's flag: still with the unit, and past a deadline it has not met */
    qb_sql(q, " AND c.status IN ('dispatched', 'accepted')"
              " AND ((c.resolve_by IS NOT NULL AND c.resolve_by < ");
    qb_i64(q, f->now);
    qb_sql(q, ") OR (c.accepted_at IS NULL AND c.respond_by IS NOT NULL AND c.respond_by < ");
    qb_i64(q, f->now);
    qb_sql(q, "))");
}

static void add_bbox(struct qb *q, const struct case_filter *f)
{
    bool across = f->west > f->east; /* the box crosses the antimeridian */

    if (!f->bbox)
        return;
    qb_sql(q, " AND c.lat >= ");
    qb_dbl(q, f->south);
    qb_sql(q, " AND c.lat <= ");
    qb_dbl(q, f->north);
    qb_sql(q, across ? " AND (c.lon >= " : " AND c.lon >= ");
    qb_dbl(q, f->west);
    qb_sql(q, across ? " OR c.lon <= " : " AND c.lon <= ");
    qb_dbl(q, f->east);
    qb_sql(q, across ? ")" : "");
}

/* table: a table of the search index file, attached as "search" (sq_index.c) */
static void add_match(struct qb *q, const char *table, const char *expr, bool narrow)
{
    qb_sql(q, narrow ? " AND c.id IN (SELECT rowid FROM search."
                     : " AND +c.id IN (SELECT rowid FROM search.");
    qb_sql(q, table);
    qb_sql(q, " WHERE ");
    qb_sql(q, table);
    qb_sql(q, " MATCH ");
    qb_text(q, expr);
    qb_sql(q, ")");
}

static void add_search(struct qb *q, const struct plan *pl)
{
    if (q->fts.len)
        add_match(q, "cases_fts", buf_str(&q->fts), pl->fts_narrow);
    if (q->grams.len)
        add_match(q, "cases_grams", buf_str(&q->grams), pl->grams_narrow);
}

/*
 * Keyset condition, order and limit. The cursor is written as
 * key >= k AND (key > k OR id > i) (reversed when descending) rather than a
 * row value, because SQLite uses only the first form as an index range on an
 * expression key.
 */
static void add_page(struct qb *q, const struct case_filter *f, const struct case_cursor *after,
                     int limit)
{
    const char *key =
        f->sort_deadline ? "coalesce(c.resolve_by, 9223372036854775807)" : "c.created_at";
    const char *dir = f->descending ? " DESC" : "";

    if (after && after->set) {
        qb_sql(q, " AND ");
        qb_sql(q, key);
        qb_sql(q, f->descending ? " <= " : " >= ");
        qb_i64(q, after->key);
        qb_sql(q, " AND (");
        qb_sql(q, key);
        qb_sql(q, f->descending ? " < " : " > ");
        qb_i64(q, after->key);
        qb_sql(q, f->descending ? " OR c.id < " : " OR c.id > ");
        qb_i64(q, after->id);
        qb_sql(q, ")");
    }
    qb_sql(q, " ORDER BY ");
    qb_sql(q, key);
    qb_sql(q, dir);
    qb_sql(q, ", c.id");
    qb_sql(q, dir);
    qb_sql(q, " LIMIT ");
    qb_i64(q, limit);
}

/* The list statement for f, after qb_texts. */
static int build(struct qb *q, const struct case_filter *f, const struct plan *pl,
                 const struct case_cursor *after, int limit, struct gz_err *err)
{
    add_with(q, f, f->unit_id && f->subtree, f->visible_units ? buf_str(&q->vis) : NULL);
    add_scope_with(q, q->scp.len ? buf_str(&q->scp) : NULL,
                   (f->unit_id && f->subtree) || f->visible_units);
    qb_sql(q, "SELECT " SQ_CASE_COLS " FROM cases c WHERE 1");
    add_names_in(q, "c.status", f->status_mask, CASE_STATUS_COUNT, status_name_of);
    add_names_in(q, "c.channel", f->channel_mask, CHANNEL_COUNT, channel_name_of);
    add_units(q, f, pl);
    add_scope(q, f->scope, q->scp.len > 0);
    if (f->category && *f->category)
        add_category(q, f->category, buf_str(&q->cat_end), pl->cat_narrow);
    add_range(q, "c.created_at", f->created_from, f->created_to);
    add_range(q, "c.dispatched_at", f->dispatched_from, f->dispatched_to);
    add_overdue(q, f);
    add_bbox(q, f);
    add_search(q, pl);
    add_page(q, f, after, limit);
    return q->rc ? gz_fail(err, q->rc, "", "case query too large") : 0;
}

/* Prepare q's SQL on c and bind its arguments. */
static sqlite3_stmt *qb_prepare(struct qb *q, struct sqconn *c, struct gz_err *err)
{
    sqlite3_stmt *st = NULL;

    if (q->rc) {
        gz_fail(err, q->rc, "", "case query too large");
        return NULL;
    }
    if (sqlite3_prepare_v2(c->db, buf_str(&q->sql), -1, &st, NULL) != SQLITE_OK) {
        sq_fail(c, SQLITE_ERROR, err);
        sqlite3_finalize(st);
        return NULL;
    }
    qb_bind(q, st);
    return st;
}

/* Close q, a "SELECT count(*) FROM (SELECT 1 ..." counting no further than bound. */
static int count_narrow(struct sqconn *c, struct qb *q, int64_t bound, bool *narrow,
                        struct gz_err *err)
{
    sqlite3_stmt *st;
    int rc;

    qb_sql(q, " LIMIT ");
    qb_i64(q, bound);
    qb_sql(q, ")");
    st = qb_prepare(q, c, err);
    if (!st)
        return GZ_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *narrow = sqlite3_column_int64(st, 0) < bound;
    rc = rc == SQLITE_ROW ? 0 : sq_fail(c, rc, err);
    sqlite3_finalize(st);
    return rc;
}

/* Is the party set (f->unit_id, its subtree, or vis_json's subtrees) narrow? */
static int party_narrow(struct sqconn *c, const struct case_filter *f, const char *vis_json,
                        int64_t bound, bool *narrow, struct gz_err *err)
{
    bool sub = !vis_json && f->subtree;
    struct qb q;
    int rc;

    qb_init(&q);
    add_with(&q, f, sub, vis_json);
    qb_sql(&q, "SELECT count(*) FROM (SELECT 1 FROM case_units WHERE unit_id ");
    if (vis_json) {
        qb_sql(&q, "IN vis");
    } else if (sub) {
        qb_sql(&q, "IN sub");
    } else {
        qb_sql(&q, "= ");
        qb_i64(&q, f->unit_id);
    }
    rc = count_narrow(c, &q, bound, narrow, err);
    qb_release(&q);
    return rc;
}

static int category_narrow(struct sqconn *c, const char *prefix, const char *end, int64_t bound,
                           bool *narrow, struct gz_err *err)
{
    struct qb q;
    int rc;

    qb_init(&q);
    qb_sql(&q, "SELECT count(*) FROM (SELECT 1 FROM cases c WHERE 1");
    add_category(&q, prefix, end, true);
    rc = count_narrow(c, &q, bound, narrow, err);
    qb_release(&q);
    return rc;
}

static int search_narrow(struct sqconn *c, const char *table, const char *expr, int64_t bound,
                         bool *narrow, struct gz_err *err)
{
    struct qb q;
    int rc;

    qb_init(&q);
    qb_sql(&q, "SELECT count(*) FROM (SELECT 1 FROM search.");
    qb_sql(&q, table);
    qb_sql(&q, " WHERE ");
    qb_sql(&q, table);
    qb_sql(&q, " MATCH ");
    qb_text(&q, expr);
    rc = count_narrow(c, &q, bound, narrow, err);
    qb_release(&q);
    return rc;
}

static int choose_plan(struct sqconn *c, const struct case_filter *f, const struct qb *m, int limit,
                       struct plan *pl, struct gz_err *err)
{
    int64_t bound = (int64_t)limit * NARROW_ROWS_PER_ITEM;
    int rc = 0;

    memset(pl, 0, sizeof(*pl));
    if (f->unit_id)
        rc = party_narrow(c, f, NULL, bound, &pl->unit_narrow, err);
    /* one narrow party is enough to drive the query */
    if (!rc && f->visible_units && !pl->unit_narrow)
        rc = party_narrow(c, f, buf_str(&m->vis), bound, &pl->vis_narrow, err);
    if (!rc && f->category && *f->category)
        rc = category_narrow(c, f->category, buf_str(&m->cat_end), bound, &pl->cat_narrow, err);
    if (!rc && m->fts.len)
        rc = search_narrow(c, "cases_fts", buf_str(&m->fts), bound, &pl->fts_narrow, err);
    if (!rc && m->grams.len)
        rc = search_narrow(c, "cases_grams", buf_str(&m->grams), bound, &pl->grams_narrow, err);
    return rc;
}

int sqo_case_list(struct store *s, const struct case_filter *f, const struct case_cursor *after,
                  int limit, store_case_list_fn fn, void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = NULL;
    sqlite3_stmt *st = NULL;
    struct plan pl;
    struct qb q;
    int rc;

    if (limit <= 0 || (f->visible_units && !f->n_visible))
        return 0; /* nothing asked for, or nothing visible */
    qb_init(&q);
    rc = qb_texts(&q, f, err);
    if (rc)
        goto out;
    c = sq_reader(sq, err);
    rc = c ? 0 : GZ_EIO;
    if (!rc && (q.fts.len || q.grams.len))
        rc = sq_index_wait(sq, c, err);
    if (!rc)
        rc = choose_plan(c, f, &q, limit, &pl, err);
    if (!rc)
        rc = build(&q, f, &pl, after, limit, err);
    if (!rc)
        st = qb_prepare(&q, c, err);
    if (!rc && !st)
        rc = GZ_EIO;
    if (!rc)
        rc = sq_case_rows(c, st, fn, ctx, err);
out:
    sqlite3_finalize(st);
    sq_reader_put(sq, c);
    qb_release(&q);
    return rc;
}
