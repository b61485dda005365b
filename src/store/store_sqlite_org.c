/*
 * store_sqlite_org.c - units and categories on SQLite. Rules that need no
 * storage (field formats, which kind may sit under which) come from core/;
 * this file adds what needs the database: parents exist, codes are unique,
 * the hierarchy has no cycles.
 */
#include "gz.h"

#include <stdlib.h>

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

#define UNIT_COLS                                                                                  \
    "u.id, u.code, u.name, u.name_en, u.kind, coalesce(u.parent_id, 0), u.contact, u.active, "     \
    "u.created_at, u.updated_at, coalesce(p.code, ''), u.jurisdiction IS NOT NULL "

static void unit_from_row(sqlite3_stmt *st, struct unit *u, char *parent_code, int geo_col)
{
    char kind[32];

    unit_init(u);
    u->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, u->code, sizeof(u->code));
    sq_col_text(st, 2, u->name, sizeof(u->name));
    sq_col_text(st, 3, u->name_en, sizeof(u->name_en));
    sq_col_text(st, 4, kind, sizeof(kind));
    u->kind = (enum unit_kind)unit_kind_parse(kind);
    u->parent_id = sqlite3_column_int64(st, 5);
    sq_col_text(st, 6, u->contact, sizeof(u->contact));
    u->active = sqlite3_column_int(st, 7) != 0;
    u->created_at = sqlite3_column_int64(st, 8);
    u->updated_at = sqlite3_column_int64(st, 9);
    if (parent_code)
        sq_col_text(st, 10, parent_code, GZ_MAX_CODE + 1);
    u->has_jurisdiction = sqlite3_column_int(st, 11) != 0;
    if (geo_col >= 0)
        u->jurisdiction = sq_col_strdup(st, geo_col);
}

/* Look up a parent by code (preferred) or id; fills its id and kind. */
static int find_parent(struct sqconn *c, const char *code, int64_t id, int64_t *pid,
                       enum unit_kind *kind, struct gz_err *err)
{
    static const char sql[] = "SELECT id, kind FROM units WHERE (?1 IS NOT NULL AND code = ?1) "
                              "OR (?1 IS NULL AND id = ?2)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    char k[32];
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text_or_null(st, 1, code);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *pid = sqlite3_column_int64(st, 0);
        sq_col_text(st, 1, k, sizeof(k));
        *kind = (enum unit_kind)unit_kind_parse(k);
        rc = 0;
    } else {
        rc = gz_fail(err, GZ_EINVAL, "parent", "parent unit %s does not exist",
                     code && *code ? code : "(by id)");
    }
    sq_done(st);
    return rc;
}

/* Resolve u's parent (code wins over id), check kinds and fill u->parent_id. */
static int resolve_parent(struct sqconn *c, struct unit *u, const char *parent_code,
                          struct gz_err *err)
{
    enum unit_kind pkind;
    int64_t pid = 0;
    int rc;

    if ((!parent_code || !*parent_code) && !u->parent_id)
        return unit_check_parent(u->kind, NULL, err);
    rc = find_parent(c, parent_code, u->parent_id, &pid, &pkind, err);
    if (!rc)
        rc = unit_check_parent(u->kind, &pkind, err);
    if (!rc)
        u->parent_id = pid;
    return rc;
}

static int chain_rows(struct sqconn *c, int64_t id, int64_t *chain, size_t max, size_t *n,
                      struct gz_err *err)
{
    static const char sql[] = "WITH RECURSIVE up(id, parent_id, depth) AS ("
                              " SELECT id, parent_id, 0 FROM units WHERE id = ?1"
                              " UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN "
                              "up ON u.id = up.parent_id"
                              " WHERE up.depth < 64) SELECT id FROM up ORDER BY depth";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    *n = 0;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (*n < max)
            chain[(*n)++] = sqlite3_column_int64(st, 0);
    sq_done(st);
    if (rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    return *n ? 0 : gz_fail(err, GZ_ENOTFOUND, "id", "unit %lld not found", (long long)id);
}

/* A unit may not move below itself, and its children must still fit under its kind. */
static int check_tree(struct sqconn *c, const struct unit *u, struct gz_err *err)
{
    static const char sql[] = "SELECT kind, code FROM units WHERE parent_id = ?1";
    int64_t chain[64];
    size_t n = 0;
    sqlite3_stmt *st;
    int rc = 0;

    if (u->parent_id && chain_rows(c, u->parent_id, chain, GZ_ARRAY_LEN(chain), &n, err))
        return GZ_EIO;
    for (size_t i = 0; i < n; i++)
        if (chain[i] == u->id)
            return gz_fail(err, GZ_EINVAL, "parent", "a unit cannot sit below itself");
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, u->id);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        char kind[32], code[GZ_MAX_CODE + 1];
        sq_col_text(st, 0, kind, sizeof(kind));
        sq_col_text(st, 1, code, sizeof(code));
        rc = unit_check_parent((enum unit_kind)unit_kind_parse(kind), &u->kind, err);
        if (rc)
            gz_fail(err, GZ_EINVAL, "kind", "child unit %s (%s) cannot sit under a %s", code, kind,
                    unit_kind_name(u->kind));
    }
    sq_done(st);
    return rc;
}

/* The unit's columns: ?1 id, ?2..?9 fields, ?10 the time of the change. */
static void bind_unit(sqlite3_stmt *st, const struct unit *u, int64_t now)
{
    sqlite3_bind_int64(st, 1, u->id);
    sq_bind_text(st, 2, u->code);
    sq_bind_text(st, 3, u->name);
    sq_bind_text(st, 4, u->name_en);
    sq_bind_text(st, 5, unit_kind_name(u->kind));
    if (u->parent_id)
        sqlite3_bind_int64(st, 6, u->parent_id);
    sq_bind_text(st, 7, u->jurisdiction);
    sq_bind_text(st, 8, u->contact);
    sqlite3_bind_int(st, 9, u->active);
    sqlite3_bind_int64(st, 10, now);
}

static int unit_insert(struct sqconn *c, struct unit *u, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO units(code, name, name_en, kind, parent_id, jurisdiction, contact, active,"
        " created_at, updated_at) VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    u->created_at = u->updated_at = time_now();
    bind_unit(st, u, u->created_at);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    u->id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static int unit_write(struct sqconn *c, struct unit *u, struct gz_err *err)
{
    static const char sql[] =
        "UPDATE units SET code = ?2, name = ?3, name_en = ?4, kind = ?5, parent_id = ?6,"
        " jurisdiction = ?7, contact = ?8, active = ?9, updated_at = ?10 WHERE id = ?1";
    sqlite3_stmt *st;
    int rc = check_tree(c, u, err);

    if (rc)
        return rc;
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    u->updated_at = time_now();
    bind_unit(st, u, u->updated_at);
    return sq_step_changed(c, st, "id", "unit", err);
}

struct unit_job {
    struct unit *u;
    const char *parent_code;
};

static int job_unit_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct unit_job *j = arg;
    int rc = resolve_parent(c, j->u, j->parent_code, err);

    return rc ? rc : unit_insert(c, j->u, err);
}

static int job_unit_update(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct unit_job *j = arg;
    int rc = resolve_parent(c, j->u, j->parent_code, err);

    return rc ? rc : unit_write(c, j->u, err);
}

int sqo_unit_create(struct store *s, struct unit *u, const char *pc, struct gz_err *err)
{
    struct unit_job j = {u, pc};

    return sq_org_changed((struct sqstore *)s,
                          sq_write((struct sqstore *)s, job_unit_create, &j, err));
}

int sqo_unit_update(struct store *s, struct unit *u, const char *pc, struct gz_err *err)
{
    struct unit_job j = {u, pc};

    return sq_org_changed((struct sqstore *)s,
                          sq_write((struct sqstore *)s, job_unit_update, &j, err));
}

int sqo_unit_get(struct store *s, int64_t id, const char *code, struct unit *out, char *pc,
                 struct gz_err *err)
{
    static const char sql[] =
        "SELECT " UNIT_COLS ", u.jurisdiction FROM units u"
        " LEFT JOIN units p ON p.id = u.parent_id"
        " WHERE (?1 IS NOT NULL AND u.code = ?1) OR (?1 IS NULL AND u.id = ?2)";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    sqlite3_stmt *st = c ? sq_stmt(c, sql, err) : NULL;
    int rc;

    if (!st) {
        sq_reader_put(sq, c);
        return GZ_EIO;
    }
    sq_bind_text(st, 1, code);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        unit_from_row(st, out, pc, 12);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = gz_fail(err, GZ_ENOTFOUND, code ? "code" : "id", "unit not found");
    } else {
        rc = sq_fail(c, rc, err);
    }
    sq_done(st);
    sq_reader_put(sq, c);
    return rc;
}

int sqo_unit_list(struct store *s, const struct unit_filter *f, const struct store_page *pg,
                  store_unit_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT " UNIT_COLS ", CASE WHEN ?7 THEN u.jurisdiction END FROM units u"
        " LEFT JOIN units p ON p.id = u.parent_id"
        " WHERE (?1 IS NULL OR u.kind = ?1) AND (?2 = 0 OR u.parent_id = ?2)"
        " AND (?3 = 0 OR u.parent_id IS NULL) AND (?4 < 0 OR u.active = ?4) AND u.id > ?5"
        " ORDER BY u.id LIMIT ?6";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    sqlite3_stmt *st = c ? sq_stmt(c, sql, err) : NULL;
    int rc;

    if (!st) {
        sq_reader_put(sq, c);
        return GZ_EIO;
    }
    sq_bind_text(st, 1, f->kind >= 0 ? unit_kind_name((enum unit_kind)f->kind) : NULL);
    sqlite3_bind_int64(st, 2, f->parent_id);
    sqlite3_bind_int(st, 3, f->roots);
    sqlite3_bind_int(st, 4, f->active);
    sqlite3_bind_int64(st, 5, pg->after_id);
    sqlite3_bind_int(st, 6, pg->limit);
    sqlite3_bind_int(st, 7, f->with_geometry);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct unit u;
        char pc[GZ_MAX_CODE + 1];
        int stop;
        unit_from_row(st, &u, pc, 12);
        stop = fn(ctx, &u, pc);
        unit_release(&u);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : sq_fail(c, rc, err);
    sq_done(st);
    sq_reader_put(sq, c);
    return rc;
}

int sqo_unit_chain(struct store *s, int64_t id, int64_t *chain, size_t max, size_t *n,
                   struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    uint64_t gen;
    int rc;

    if (sq_chain_get(sq, id, chain, max, n, &gen))
        return 0;
    c = sq_reader(sq, err);
    rc = c ? chain_rows(c, id, chain, max, n, err) : GZ_EIO;
    sq_reader_put(sq, c);
    if (!rc)
        sq_chain_put(sq, id, chain, *n, max, gen);
    return rc;
}

struct unit_import_job {
    struct unit *units;
    char (*pcs)[GZ_MAX_CODE + 1];
    size_t n;
    store_progress_fn progress;
    void *pctx;
    size_t *bad;
};

/* Upsert one imported unit by code, keeping its id and parent when the file gives none. */
static int import_one(struct sqconn *c, struct unit *u, const char *pc, struct gz_err *err)
{
    static const char sql[] = "SELECT id, coalesce(parent_id, 0) FROM units WHERE code = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int64_t id = 0, parent = 0;
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, u->code);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        parent = sqlite3_column_int64(st, 1);
    }
    sq_done(st);
    u->id = id;
    if (id && !*pc)
        u->parent_id = parent;
    rc = resolve_parent(c, u, pc, err);
    if (rc)
        return rc;
    return id ? unit_write(c, u, err) : unit_insert(c, u, err);
}

static int job_unit_import(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct unit_import_job *j = arg;

    for (size_t i = 0; i < j->n; i++) {
        int rc = import_one(c, &j->units[i], j->pcs[i], err);
        if (rc) {
            *j->bad = i;
            return rc;
        }
        if (j->progress && ((i + 1) % 16 == 0 || i + 1 == j->n))
            j->progress(j->pctx, i + 1, j->n);
    }
    return 0;
}

int sqo_unit_import(struct store *s, struct unit *units, char (*pcs)[GZ_MAX_CODE + 1], size_t n,
                    store_progress_fn progress, void *pctx, size_t *bad, struct gz_err *err)
{
    struct unit_import_job j = {units, pcs, n, progress, pctx, bad};

    return sq_org_changed((struct sqstore *)s,
                          sq_write((struct sqstore *)s, job_unit_import, &j, err));
}

/* ---- categories ---- */

#define CAT_COLS                                                                                   \
    "code, coalesce(parent_code, ''), name, name_en, respond_amount, respond_unit,"                \
    " resolve_amount, resolve_unit, urgent_amount, urgent_unit, kind, claimable, kb_answer, "      \
    "active"

static void limit_from_row(sqlite3_stmt *st, int i, struct tlimit *l)
{
    char unit[16];
    int u;

    l->amount = sqlite3_column_int(st, i);
    sq_col_text(st, i + 1, unit, sizeof(unit));
    u = limit_unit_parse(unit);
    l->unit = u < 0 ? LIMIT_HOURS : (enum limit_unit)u;
}

static void category_from_row(sqlite3_stmt *st, struct category *c)
{
    char kind[16];

    category_init(c);
    sq_col_text(st, 0, c->code, sizeof(c->code));
    sq_col_text(st, 1, c->parent_code, sizeof(c->parent_code));
    sq_col_text(st, 2, c->name, sizeof(c->name));
    sq_col_text(st, 3, c->name_en, sizeof(c->name_en));
    limit_from_row(st, 4, &c->respond);
    limit_from_row(st, 6, &c->resolve);
    limit_from_row(st, 8, &c->urgent);
    sq_col_text(st, 10, kind, sizeof(kind));
    c->kind = category_kind_parse(kind) == CATEGORY_COMPONENT ? CATEGORY_COMPONENT : CATEGORY_EVENT;
    c->claimable = sqlite3_column_int(st, 11) != 0;
    c->kb_answer = sq_col_strdup(st, 12);
    c->active = sqlite3_column_int(st, 13) != 0;
}

static void bind_category(sqlite3_stmt *st, const struct category *c)
{
    sq_bind_text(st, 1, c->code);
    sq_bind_text_or_null(st, 2, c->parent_code);
    sq_bind_text(st, 3, c->name);
    sq_bind_text(st, 4, c->name_en);
    sqlite3_bind_int(st, 5, c->respond.amount);
    sq_bind_text(st, 6, limit_unit_name(c->respond.unit));
    sqlite3_bind_int(st, 7, c->resolve.amount);
    sq_bind_text(st, 8, limit_unit_name(c->resolve.unit));
    sqlite3_bind_int(st, 9, c->urgent.amount);
    sq_bind_text(st, 10, limit_unit_name(c->urgent.unit));
    sq_bind_text(st, 11, category_kind_name(c->kind));
    sqlite3_bind_int(st, 12, c->claimable);
    sq_bind_text_or_null(st, 13, c->kb_answer);
    sqlite3_bind_int(st, 14, c->active);
}

static int parent_exists(struct sqconn *c, const struct category *cat, struct gz_err *err)
{
    static const char sql[] = "SELECT 1 FROM categories WHERE code = ?1";
    sqlite3_stmt *st;
    int rc;

    if (!cat->parent_code[0])
        return 0;
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, cat->parent_code);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_ROW)
        return gz_fail(err, GZ_EINVAL, "code", "parent category %s does not exist",
                       cat->parent_code);
    return 0;
}

/* mode: 0 insert, 1 update, 2 upsert */
static int category_write(struct sqconn *c, const struct category *cat, int mode,
                          struct gz_err *err)
{
    static const char ins[] =
        "INSERT INTO categories(code, parent_code, name, name_en, respond_amount, respond_unit,"
        " resolve_amount, resolve_unit, urgent_amount, urgent_unit, kind, claimable, kb_answer,"
        " active) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    static const char ups[] =
        "INSERT INTO categories(code, parent_code, name, name_en, respond_amount, respond_unit,"
        " resolve_amount, resolve_unit, urgent_amount, urgent_unit, kind, claimable, kb_answer,"
        " active) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        " ON CONFLICT(code) DO UPDATE SET name = ?3, name_en = ?4, respond_amount = ?5,"
        " respond_unit = ?6, resolve_amount = ?7, resolve_unit = ?8, urgent_amount = ?9,"
        " urgent_unit = ?10, kind = ?11, claimable = ?12, kb_answer = ?13, active = ?14";
    static const char upd[] =
        "UPDATE categories SET name = ?3, name_en = ?4, respond_amount = ?5, respond_unit = ?6,"
        " resolve_amount = ?7, resolve_unit = ?8, urgent_amount = ?9, urgent_unit = ?10, kind = "
        "?11,"
        " claimable = ?12, kb_answer = ?13, active = ?14 WHERE code = ?1";
    const char *sql = mode == 0 ? ins : mode == 1 ? upd : ups;
    sqlite3_stmt *st;
    int rc = mode == 1 ? 0 : parent_exists(c, cat, err);

    if (rc)
        return rc;
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    bind_category(st, cat);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        if (rc == GZ_ECONFLICT)
            gz_fail(err, rc, "code", "category %s already exists", cat->code);
        return rc;
    }
    if (mode == 1 && sqlite3_changes(c->db) == 0)
        return gz_fail(err, GZ_ENOTFOUND, "code", "category %s not found", cat->code);
    return 0;
}

struct cat_job {
    const struct category *c;
    int mode;
};

static int job_category_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct cat_job *j = arg;

    return category_write(c, j->c, j->mode, err);
}

int sqo_category_put(struct store *s, const struct category *c, bool create, struct gz_err *err)
{
    struct cat_job j = {c, create ? 0 : 1};

    return sq_org_changed((struct sqstore *)s,
                          sq_write((struct sqstore *)s, job_category_put, &j, err));
}

int sqo_category_get(struct store *s, const char *code, struct category *out, struct gz_err *err)
{
    static const char sql[] = "SELECT " CAT_COLS " FROM categories WHERE code = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st;
    uint64_t gen;
    int rc = sq_category_get(sq, code, out, &gen);

    if (rc <= 0)
        return rc ? gz_fail(err, GZ_ENOMEM, "", "out of memory") : 0;
    c = sq_reader(sq, err);
    st = c ? sq_stmt(c, sql, err) : NULL;
    if (!st) {
        sq_reader_put(sq, c);
        return GZ_EIO;
    }
    sq_bind_text(st, 1, code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        category_from_row(st, out);
        sq_category_put(sq, out, gen);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? gz_fail(err, GZ_ENOTFOUND, "code", "category %s not found", code)
                               : sq_fail(c, rc, err);
    }
    sq_done(st);
    sq_reader_put(sq, c);
    return rc;
}

int sqo_category_list(struct store *s, const char *prefix, int active, const struct store_page *pg,
                      store_category_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT " CAT_COLS " FROM categories WHERE code > ?1"
                              " AND substr(code, 1, length(?2)) = ?2 AND (?3 < 0 OR active = ?3)"
                              " ORDER BY code LIMIT ?4";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    sqlite3_stmt *st = c ? sq_stmt(c, sql, err) : NULL;
    int rc;

    if (!st) {
        sq_reader_put(sq, c);
        return GZ_EIO;
    }
    sq_bind_text(st, 1, pg->after_code ? pg->after_code : "");
    sq_bind_text(st, 2, prefix ? prefix : "");
    sqlite3_bind_int(st, 3, active);
    sqlite3_bind_int(st, 4, pg->limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct category cat;
        int stop;
        category_from_row(st, &cat);
        stop = fn(ctx, &cat);
        category_release(&cat);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : sq_fail(c, rc, err);
    sq_done(st);
    sq_reader_put(sq, c);
    return rc;
}

struct cat_import_job {
    struct category *cats;
    size_t n;
    size_t *order;
    store_progress_fn progress;
    void *pctx;
    size_t *bad;
};

static int job_category_import(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct cat_import_job *j = arg;

    for (size_t k = 0; k < j->n; k++) {
        size_t i = j->order[k];
        int rc = category_write(c, &j->cats[i], 2, err);
        if (rc) {
            *j->bad = i;
            return rc;
        }
        if (j->progress && ((k + 1) % 16 == 0 || k + 1 == j->n))
            j->progress(j->pctx, k + 1, j->n);
    }
    return 0;
}

int sqo_category_import(struct store *s, struct category *cats, size_t n,
                        store_progress_fn progress, void *pctx, size_t *bad, struct gz_err *err)
{
    struct cat_import_job j = {cats, n, calloc(n ? n : 1, sizeof(size_t)), progress, pctx, bad};
    size_t k = 0;
    int rc;

    if (!j.order)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    /* parents first: a stable pass per depth keeps the file's order within a level */
    for (int depth = 1; depth <= GZ_CATEGORY_DEPTH; depth++)
        for (size_t i = 0; i < n; i++)
            if (category_depth(cats[i].code) == depth)
                j.order[k++] = i;
    j.n = k;
    rc = sq_org_changed((struct sqstore *)s,
                        sq_write((struct sqstore *)s, job_category_import, &j, err));
    free(j.order);
    return rc;
}
