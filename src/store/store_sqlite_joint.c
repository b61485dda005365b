/*
 * store_sqlite_joint.c - joint handling on SQLite (core/joint.h): the
 * parties of a case (case_units rows, loaded and written with the case),
 * the whistled units late to report, what outside units declare they take
 * on, the claimable cases they match, and each account's claims.
 */
#include "gz.h"

#include <jansson.h>
#include <math.h>

#include "core/joint.h"
#include "store/sq_case.h"
#include "store/store_sqlite.h"
#include "util/text.h"

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* ---- the parties of a case ---- */

#define PARTY_COLS                                                                                 \
    "u.unit_id, u.role, u.state, u.asked_at, u.report_by, u.reported_at, u.replied_at,"            \
    " u.released_at, u.done_at, u.by_unit_id, u.account_id, u.done_by, u.escalated, u.hours,"      \
    " u.person, u.reply, n.code, n.name"

static void party_from_row(sqlite3_stmt *st, struct case_party *p)
{
    int role = party_role_parse((const char *)sqlite3_column_text(st, 1));
    int state = party_state_parse((const char *)sqlite3_column_text(st, 2));

    memset(p, 0, sizeof(*p));
    p->unit_id = sqlite3_column_int64(st, 0);
    p->role = role < 0 ? PARTY_CO : (enum party_role)role;
    p->state = state < 0 ? PS_ASKED : (enum party_state)state;
    p->asked_at = col_i64(st, 3);
    p->report_by = col_i64(st, 4);
    p->reported_at = col_i64(st, 5);
    p->replied_at = col_i64(st, 6);
    p->released_at = col_i64(st, 7);
    p->done_at = col_i64(st, 8);
    p->by_unit_id = col_i64(st, 9);
    p->account_id = col_i64(st, 10);
    p->done_by = col_i64(st, 11);
    p->escalated = sqlite3_column_int(st, 12) != 0;
    p->hours = sqlite3_column_double(st, 13);
    sq_col_text(st, 14, p->person, sizeof(p->person));
    p->reply = sq_col_strdup(st, 15);
    sq_col_text(st, 16, p->unit_code, sizeof(p->unit_code));
    sq_col_text(st, 17, p->unit_name, sizeof(p->unit_name));
}

static int parties_read(struct sqconn *c, struct case_rec *cr, struct gz_err *err)
{
    static const char sql[] = "SELECT " PARTY_COLS " FROM case_units u LEFT JOIN units n"
                              " ON n.id = u.unit_id WHERE u.case_id = ?1"
                              " ORDER BY u.role <> 'lead', u.asked_at, u.unit_id";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    struct case_party *grown;
    int rc;

    if (!st)
        return GZ_EIO;
    joint_parties_free(cr->parties, cr->n_parties);
    cr->parties = NULL;
    cr->n_parties = cr->n_co = 0;
    sqlite3_bind_int64(st, 1, cr->id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cr->n_parties >= JOINT_MAX_PARTIES)
            continue;
        grown = realloc(cr->parties, (cr->n_parties + 1) * sizeof(*grown));
        if (!grown) {
            sq_done(st);
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
        }
        cr->parties = grown;
        party_from_row(st, &cr->parties[cr->n_parties]);
        if (cr->parties[cr->n_parties].role == PARTY_CO && cr->n_co < CASE_MAX_CO)
            cr->co_units[cr->n_co++] = cr->parties[cr->n_parties].unit_id;
        cr->n_parties++;
    }
    sq_done(st);
    return sq_step_result(c, rc, err);
}

static int claimable_read(struct sqconn *c, struct case_rec *cr, struct gz_err *err)
{
    static const char sql[] = "SELECT c.claimable, coalesce(k.claimable, 0) FROM cases c"
                              " LEFT JOIN categories k ON k.code = c.category_code WHERE c.id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, cr->id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        cr->claimable = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 0);
        cr->category_claimable = sqlite3_column_int(st, 1) != 0;
        rc = SQLITE_DONE;
    }
    sq_done(st);
    return sq_step_result(c, rc, err);
}

int sq_parties_load(struct sqconn *c, struct case_rec *cr, struct gz_err *err)
{
    int rc = parties_read(c, cr, err);

    return rc ? rc : claimable_read(c, cr, err);
}

static void bind_party(sqlite3_stmt *st, int64_t case_id, const struct case_party *p)
{
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, p->unit_id);
    sq_bind_text(st, 3, party_role_name(p->role));
    sq_bind_text(st, 4, party_state_name(p->state));
    sqlite3_bind_int64(st, 5, p->asked_at);
    bind_opt(st, 6, p->report_by);
    bind_opt(st, 7, p->by_unit_id);
    sq_bind_text(st, 8, p->person[0] ? p->person : NULL);
    bind_opt(st, 9, p->account_id);
    bind_opt(st, 10, p->replied_at);
    sq_bind_text(st, 11, p->reply);
    bind_opt(st, 12, p->released_at);
    sqlite3_bind_int(st, 13, p->escalated);
    bind_opt(st, 14, p->done_at);
    bind_opt(st, 15, p->done_by);
    if (p->hours > 0)
        sqlite3_bind_double(st, 16, p->hours);
    bind_opt(st, 17, p->reported_at);
}

static int party_write(struct sqconn *c, int64_t case_id, const struct case_party *p,
                       struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO case_units(case_id, unit_id, role, state, asked_at, report_by, by_unit_id,"
        " person, account_id, replied_at, reply, released_at, escalated, done_at, done_by, hours,"
        " reported_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " ?16, ?17) ON CONFLICT(case_id, unit_id) DO UPDATE SET role = ?3, state = ?4,"
        " asked_at = ?5, report_by = ?6, by_unit_id = ?7, person = ?8, account_id = ?9,"
        " replied_at = ?10, reply = ?11, released_at = ?12, escalated = ?13, done_at = ?14,"
        " done_by = ?15, hours = ?16, reported_at = ?17";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    bind_party(st, case_id, p);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    rc = sq_fail(c, rc, err);
    if (rc == GZ_EINVAL)
        gz_fail(err, rc, "units", "unit %lld does not exist", (long long)p->unit_id);
    return rc;
}

static int claimable_write(struct sqconn *c, const struct case_rec *cr, struct gz_err *err)
{
    static const char sql[] = "UPDATE cases SET claimable = ?2 WHERE id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, cr->id);
    if (cr->claimable >= 0)
        sqlite3_bind_int(st, 2, cr->claimable);
    return sq_step_done(c, st, err);
}

int sq_parties_write(struct sqconn *c, struct case_rec *cr, struct gz_err *err)
{
    int rc = claimable_write(c, cr, err);

    for (size_t i = 0; !rc && i < cr->n_parties; i++)
        if (cr->parties[i].changed)
            rc = party_write(c, cr->id, &cr->parties[i], err);
    return rc;
}

/* ---- the sweeper's question ---- */

int sqo_whistle_due(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT DISTINCT c.number, c.id FROM case_units u JOIN cases c ON c.id = u.case_id"
        " WHERE u.role = 'whistled' AND u.reported_at IS NULL AND u.released_at IS NULL"
        " AND u.escalated = 0 AND u.report_by < ?1"
        " AND c.status NOT IN ('closed', 'merged', 'invalid') ORDER BY c.id LIMIT 10000";
    return sq_read_texts((struct sqstore *)s, sql, now, fn, ctx, err);
}

/* ---- what an outside unit takes on ---- */

static int profile_part(struct sqconn *c, const char *sql, int64_t unit_id,
                        struct claim_profile *out, bool prefixes, struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, unit_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (prefixes && out->n_prefixes < JOINT_MAX_CAPS)
            sq_col_text(st, 0, out->prefixes[out->n_prefixes++], CATEGORY_CODE_MAX + 1);
        else if (!prefixes && out->n_areas < JOINT_MAX_AREAS)
            out->areas[out->n_areas++] = sqlite3_column_int64(st, 0);
    }
    sq_done(st);
    return sq_step_result(c, rc, err);
}

int sqo_unit_profile_get(struct store *s, int64_t unit_id, struct claim_profile *out,
                         struct gz_err *err)
{
    static const char caps[] = "SELECT prefix FROM unit_capabilities WHERE unit_id = ?1"
                               " ORDER BY prefix";
    static const char areas[] = "SELECT area_id FROM unit_service_areas WHERE unit_id = ?1"
                                " ORDER BY area_id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!c)
        return GZ_EIO;
    rc = profile_part(c, caps, unit_id, out, true, err);
    if (!rc)
        rc = profile_part(c, areas, unit_id, out, false, err);
    sq_reader_put(sq, c);
    return rc;
}

struct profile_job {
    int64_t unit_id;
    const struct claim_profile *p;
};

static int profile_insert(struct sqconn *c, const char *sql, int64_t unit_id, const char *text,
                          int64_t id, struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, unit_id);
    if (text)
        sq_bind_text(st, 2, text);
    else
        sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    rc = sq_fail(c, rc, err);
    if (rc == GZ_EINVAL)
        gz_fail(err, rc, "areas", "unit %lld does not exist", (long long)id);
    return rc;
}

static int job_profile_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char del[] = "DELETE FROM unit_capabilities WHERE unit_id = ?1;";
    static const char del_areas[] = "DELETE FROM unit_service_areas WHERE unit_id = ?1";
    static const char cap[] = "INSERT OR IGNORE INTO unit_capabilities(unit_id, prefix)"
                              " VALUES(?1, ?2)";
    static const char area[] = "INSERT OR IGNORE INTO unit_service_areas(unit_id, area_id)"
                               " VALUES(?1, ?2)";
    struct profile_job *j = arg;
    sqlite3_stmt *st;
    int rc = 0;

    for (int k = 0; !rc && k < 2; k++) {
        if (!(st = sq_stmt(c, k ? del_areas : del, err)))
            return GZ_EIO;
        sqlite3_bind_int64(st, 1, j->unit_id);
        rc = sq_step_done(c, st, err);
    }
    for (size_t i = 0; !rc && i < j->p->n_prefixes; i++)
        rc = profile_insert(c, cap, j->unit_id, j->p->prefixes[i], 0, err);
    for (size_t i = 0; !rc && i < j->p->n_areas; i++)
        rc = profile_insert(c, area, j->unit_id, NULL, j->p->areas[i], err);
    return rc;
}

int sqo_unit_profile_put(struct store *s, int64_t unit_id, const struct claim_profile *p,
                         struct gz_err *err)
{
    struct profile_job j = {unit_id, p};

    return sq_write((struct sqstore *)s, job_profile_put, &j, err);
}

/* ---- claimable cases a unit matches ---- */

static char *profile_json(const struct claim_profile *p, bool prefixes)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; i < (prefixes ? p->n_prefixes : p->n_areas); i++)
        json_array_append_new(a,
                              prefixes ? json_string(p->prefixes[i]) : json_integer(p->areas[i]));
    s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

/*
 * Each declared prefix is a range of category codes (codes are digits, and
 * ':' sorts after '9'), read through the category index; open cases only,
 * offered for claims (their own flag, else their category's), with nobody
 * working on a claim of them, in one of the areas (or anywhere).
 */
#define CLAIMS_SQL                                                                                 \
    "SELECT DISTINCT " SQ_CASE_COLS " FROM json_each(?1) p JOIN cases c"                           \
    " ON c.category_code >= p.value AND c.category_code < p.value || ':'"                          \
    " LEFT JOIN categories k ON k.code = c.category_code"                                          \
    " WHERE c.status IN ('received', 'dispatched', 'accepted')"                                    \
    " AND coalesce(c.claimable, k.claimable, 0) = 1"                                               \
    " AND NOT EXISTS (SELECT 1 FROM case_units u WHERE u.case_id = c.id"                           \
    "                 AND u.role = 'claimant' AND u.state = 'claimed')"                            \
    " AND (?3 OR c.district_id IN (SELECT value FROM json_each(?2))"                               \
    "      OR c.street_id IN (SELECT value FROM json_each(?2))"                                    \
    "      OR c.community_id IN (SELECT value FROM json_each(?2))"                                 \
    "      OR c.grid_id IN (SELECT value FROM json_each(?2)))"                                     \
    " AND (?4 IS NULL OR (c.lat BETWEEN ?4 AND ?5 AND c.lon BETWEEN ?6 AND ?7))"                   \
    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?8"

static void bind_claims(sqlite3_stmt *st, const struct claim_query *q, const char *caps,
                        const char *areas)
{
    sq_bind_text(st, 1, caps);
    sq_bind_text(st, 2, areas);
    sqlite3_bind_int(st, 3, q->profile->everywhere);
    if (q->near) {
        /* a box around the circle; the caller keeps what lies within the radius */
        double dlat = q->radius_m / 111320.0;
        double dlon = dlat / fmax(cos(q->lat * M_PI / 180.0), 0.01);
        sqlite3_bind_double(st, 4, q->lat - dlat);
        sqlite3_bind_double(st, 5, q->lat + dlat);
        sqlite3_bind_double(st, 6, q->lon - dlon);
        sqlite3_bind_double(st, 7, q->lon + dlon);
    }
    sqlite3_bind_int(st, 8, q->limit);
}

int sqo_claims_open(struct store *s, const struct claim_query *q, store_claim_fn fn, void *ctx,
                    struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    char *caps = profile_json(q->profile, true), *areas = profile_json(q->profile, false);
    struct sqconn *c;
    sqlite3_stmt *st = caps && areas ? sq_read_begin(sq, CLAIMS_SQL, &c, err) : NULL;
    int rc;

    if (!st) {
        free(caps);
        free(areas);
        return err->code ? err->code : gz_fail(err, GZ_ENOMEM, "", "out of memory");
    }
    bind_claims(st, q, caps, areas);
    rc = sq_case_rows(c, st, fn, ctx, err);
    sq_read_end(sq, c, st);
    free(caps);
    free(areas);
    return rc;
}

/* ---- an account's claims ---- */

static void claim_item_from(sqlite3_stmt *st, struct claim_item *it)
{
    int state = party_state_parse((const char *)sqlite3_column_text(st, 2));

    memset(it, 0, sizeof(*it));
    sq_col_text(st, 0, it->number, sizeof(it->number));
    it->unit_id = sqlite3_column_int64(st, 1);
    it->state = state < 0 ? PS_CLAIMED : (enum party_state)state;
    it->claimed_at = col_i64(st, 3);
    it->done_at = col_i64(st, 4);
    it->hours = sqlite3_column_double(st, 5);
    it->claimed_by = col_i64(st, 6);
    it->done_by = col_i64(st, 7);
}

static int stats_read(struct sqconn *c, int64_t account_id, struct claim_stats *out,
                      struct gz_err *err)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM case_units WHERE role = 'claimant' AND account_id = ?1),"
        " (SELECT count(*) FROM case_units WHERE role = 'claimant' AND account_id = ?1"
        "  AND state = 'claimed'),"
        " (SELECT count(*) FROM case_units WHERE done_by = ?1 AND state = 'done'),"
        " (SELECT coalesce(sum(hours), 0) FROM case_units WHERE done_by = ?1 AND state = 'done')";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, account_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->claimed = sqlite3_column_int64(st, 0);
        out->working = sqlite3_column_int64(st, 1);
        out->completed = sqlite3_column_int64(st, 2);
        out->hours = sqlite3_column_double(st, 3);
        rc = SQLITE_DONE;
    }
    sq_done(st);
    return sq_step_result(c, rc, err);
}

static int items_read(struct sqconn *c, int64_t account_id, store_claim_item_fn fn, void *ctx,
                      struct gz_err *err)
{
    static const char sql[] =
        "SELECT c.number, u.unit_id, u.state, u.asked_at, u.done_at, coalesce(u.hours, 0),"
        " u.account_id, u.done_by FROM case_units u JOIN cases c ON c.id = u.case_id"
        " WHERE u.role = 'claimant' AND (u.account_id = ?1 OR u.done_by = ?1)"
        " ORDER BY u.asked_at DESC, c.id DESC LIMIT 100";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    struct claim_item it;
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, account_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        claim_item_from(st, &it);
        if (fn(ctx, &it)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sq_done(st);
    return sq_step_result(c, rc, err);
}

int sqo_account_claims(struct store *s, int64_t account_id, struct claim_stats *out,
                       store_claim_item_fn fn, void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!c)
        return GZ_EIO;
    rc = stats_read(c, account_id, out, err);
    if (!rc && fn)
        rc = items_read(c, account_id, fn, ctx, err);
    sq_reader_put(sq, c);
    return rc;
}
