/*
 * store_sqlite_cases.c - cases on SQLite: intake with per-day numbers and
 * idempotency keys, changes decided inside the writer's transaction, the
 * event timeline sealed into the hash chain, and what the sweeper asks for.
 *
 * Invariants: a case row and its event are written in one transaction; an
 * event's id and prev_hash are taken inside that transaction, so the chain
 * has no gaps or forks (one writer); events are only ever inserted.
 */
#include "gz.h"

#include <math.h>

#include "store/sq_case.h"
#include "store/store_sqlite.h"
#include "util/text.h"
#include "util/timeutil.h"

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int col_tri(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

static bool col_is(sqlite3_stmt *st, int i, const char *value)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    return s && strcmp(s, value) == 0;
}

static int col_enum(sqlite3_stmt *st, int i, int (*parse)(const char *), int dflt)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    int v = s ? parse(s) : -1;

    return v < 0 ? dflt : v;
}

static void case_times_from_row(sqlite3_stmt *st, struct case_rec *c)
{
    c->created_at = col_i64(st, 20);
    c->dispatched_at = col_i64(st, 21);
    c->accepted_at = col_i64(st, 22);
    c->resolved_at = col_i64(st, 23);
    c->verified_at = col_i64(st, 24);
    c->closed_at = col_i64(st, 25);
    c->respond_by = col_i64(st, 26);
    c->resolve_by = col_i64(st, 27);
    c->remind_respond_at = col_i64(st, 28);
    c->remind_resolve_at = col_i64(st, 29);
}

int sq_case_rows(struct sqconn *c, sqlite3_stmt *st,
                 int (*fn)(void *ctx, const struct case_rec *cr), void *ctx, struct gz_err *err)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct case_rec cr;
        int stop;
        case_init(&cr);
        sq_case_from_row(st, &cr);
        stop = fn(ctx, &cr);
        case_release(&cr);
        if (stop)
            return 0;
    }
    return sq_step_result(c, rc, err);
}

void sq_case_from_row(sqlite3_stmt *st, struct case_rec *c)
{
    char limit[32];

    c->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, c->number, sizeof(c->number));
    c->channel = (enum case_channel)col_enum(st, 2, case_channel_parse, CHANNEL_WEB);
    sq_col_text(st, 3, c->external_id, sizeof(c->external_id));
    c->text = sq_col_strdup(st, 4);
    c->address = sq_col_strdup(st, 5);
    if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
        c->lat = sqlite3_column_double(st, 6);
        c->lon = sqlite3_column_double(st, 7);
    }
    sq_col_text(st, 8, c->category, sizeof(c->category));
    c->category_by_operator = col_is(st, 9, "operator");
    c->priority = col_is(st, 10, "urgent") ? PRIORITY_URGENT : PRIORITY_NORMAL;
    c->status = (enum case_status)col_enum(st, 11, case_status_parse, CASE_RECEIVED);
    c->parked_from = (enum case_status)col_enum(st, 12, case_status_parse, CASE_RECEIVED);
    c->lead_unit_id = col_i64(st, 13);
    c->reporter_account_id = col_i64(st, 14);
    sq_col_text(st, 15, c->reporter_name, sizeof(c->reporter_name));
    sq_col_text(st, 16, c->reporter_phone, sizeof(c->reporter_phone));
    c->intake_account_id = col_i64(st, 17);
    c->parent_id = col_i64(st, 18);
    c->metoo = sqlite3_column_int(st, 19);
    case_times_from_row(st, c);
    c->escalated = sqlite3_column_int(st, 30);
    c->contacted = col_tri(st, 31);
    c->solved = col_tri(st, 32);
    c->satisfaction = (enum satisfaction)col_enum(st, 33, satisfaction_parse, SAT_NONE);
    c->rework_count = sqlite3_column_int(st, 34);
    sq_col_text(st, 36, limit, sizeof(limit));
    c->extension = (enum extension_state)col_enum(st, 35, extension_parse, EXT_NONE);
    if (tlimit_parse(limit, &c->extension_limit))
        c->extension_limit.amount = 0;
    c->reply = sq_col_strdup(st, 37);
    c->version = sqlite3_column_int64(st, 38);
    c->parked_at = col_i64(st, 39);
    for (int level = 1; level <= 4; level++)
        c->area[level] = col_i64(st, 39 + level);
    c->located = col_tri(st, 44);
}

/* Bind an int64 or NULL for 0. */
static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_tri(sqlite3_stmt *st, int i, int v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int(st, i, v);
}

/* ---- events and the chain ---- */

/* The chain's head: the newest event, read once a group and then followed in memory. */
static int head_read(struct sqconn *c, struct gz_err *err)
{
    static const char sql[] = "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1";
    struct sqtail *t = &c->tail;
    sqlite3_stmt *st;
    int rc;

    if (t->head_known)
        return 0;
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    t->head_id = 0;
    memcpy(t->head_hash, audit_genesis, sizeof(audit_genesis));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->head_id = sqlite3_column_int64(st, 0);
        sq_col_text(st, 1, t->head_hash, sizeof(t->head_hash));
    }
    sq_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    t->head_known = true;
    return 0;
}

/* The day's last case number, as the group took them, into case_seq. */
static int seq_write(struct sqconn *c, struct gz_err *err)
{
    static const char sql[] = "INSERT INTO case_seq(day, last) VALUES(?1, ?2)"
                              " ON CONFLICT(day) DO UPDATE SET last = ?2";
    struct sqtail *t = &c->tail;
    sqlite3_stmt *st;

    if (!t->seq_dirty)
        return 0;
    if (!(st = sq_stmt(c, sql, err)))
        return GZ_EIO;
    sq_bind_text(st, 1, t->seq_day);
    sqlite3_bind_int64(st, 2, t->seq_last);
    t->seq_dirty = false;
    return sq_step_done(c, st, err);
}

/*
 * The group's first case of a day reads its last number; the others count on
 * in memory, and sq_group_flush writes where they got.
 */
static int seq_read(struct sqconn *c, const char *day, struct gz_err *err)
{
    static const char sql[] = "SELECT last FROM case_seq WHERE day = ?1";
    struct sqtail *t = &c->tail;
    sqlite3_stmt *st;
    int rc;

    if (t->seq_known && strcmp(t->seq_day, day) == 0)
        return 0;
    if ((rc = seq_write(c, err)) != 0) /* the day before, at midnight */
        return rc;
    if (!(st = sq_stmt(c, sql, err)))
        return GZ_EIO;
    sq_bind_text(st, 1, day);
    rc = sqlite3_step(st);
    t->seq_last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sq_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    text_copy(t->seq_day, sizeof(t->seq_day), day);
    t->seq_known = true;
    return 0;
}

/*
 * The chain's head, kept apart from the events: a walk of the events alone
 * cannot tell that the newest ones were cut off. It and the day's case
 * number are written once a group, in its transaction.
 */
int sq_group_flush(struct sqconn *c, struct gz_err *err)
{
    struct sqtail *t = &c->tail;
    char head[AUDIT_HASH_HEX + 32];
    int rc = seq_write(c, err);

    if (rc || !t->head_dirty)
        return rc;
    snprintf(head, sizeof(head), "%lld %s", (long long)t->head_id, t->head_hash);
    return sq_setting_write(c, "audit_head", head, err);
}

/* Seal ev onto the end of the chain and insert it. */
static int event_append(struct sqconn *c, struct event *ev, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO events(id, case_id, kind, actor_account_id, actor_unit_id, at, visibility,"
        " body, prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    sqlite3_stmt *st;
    int rc = head_read(c, err);

    if (rc)
        return rc;
    ev->id = c->tail.head_id + 1;
    memcpy(ev->prev_hash, c->tail.head_hash, sizeof(c->tail.head_hash));
    if (!ev->at)
        ev->at = time_now();
    if (audit_seal(ev))
        return gz_fail(err, GZ_EIO, "", "event body is not a JSON object");
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, ev->id);
    bind_opt(st, 2, ev->case_id);
    sq_bind_text(st, 3, ev->kind);
    bind_opt(st, 4, ev->actor_account_id);
    bind_opt(st, 5, ev->actor_unit_id);
    sqlite3_bind_int64(st, 6, ev->at);
    sq_bind_text(st, 7, ev->internal ? "internal" : "public");
    sq_bind_text(st, 8, ev->body ? ev->body : "{}");
    sq_bind_text(st, 9, ev->prev_hash);
    sq_bind_text(st, 10, ev->hash);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    c->group_event = ev->id;
    c->tail.head_id = ev->id;
    memcpy(c->tail.head_hash, ev->hash, sizeof(c->tail.head_hash));
    c->tail.head_dirty = true;
    /* the webhooks' deliveries, in the event's own transaction (store_sqlite_outbox.c) */
    return sq_outbox_queue(c, ev, err);
}

int sq_event_append(struct sqconn *c, struct event *ev, struct gz_err *err)
{
    return event_append(c, ev, err);
}

static void event_from_row(sqlite3_stmt *st, struct event *e)
{
    event_init(e);
    e->id = sqlite3_column_int64(st, 0);
    e->case_id = col_i64(st, 1);
    sq_col_text(st, 2, e->kind, sizeof(e->kind));
    e->actor_account_id = col_i64(st, 3);
    e->actor_unit_id = col_i64(st, 4);
    e->at = sqlite3_column_int64(st, 5);
    e->internal = strcmp((const char *)sqlite3_column_text(st, 6), "internal") == 0;
    e->body = sq_col_strdup(st, 7);
    sq_col_text(st, 8, e->prev_hash, sizeof(e->prev_hash));
    sq_col_text(st, 9, e->hash, sizeof(e->hash));
}

#define EVENT_COLS                                                                                 \
    "id, case_id, kind, actor_account_id, actor_unit_id, at, visibility, body,"                    \
    " prev_hash, hash"

static int events_read(struct store *s, const char *sql, int64_t case_id, store_event_fn fn,
                       void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    if (case_id)
        sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct event e;
        int stop;
        event_from_row(st, &e);
        stop = fn(ctx, &e);
        event_release(&e);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_case_events(struct store *s, int64_t case_id, store_event_fn fn, void *ctx,
                    struct gz_err *err)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE case_id = ?1 ORDER BY id";

    return events_read(s, sql, case_id, fn, ctx, err);
}

int sqo_events_walk(struct store *s, store_event_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events ORDER BY id";

    return events_read(s, sql, 0, fn, ctx, err);
}

/* ---- case rows ---- */

/* Load a case by number (or id when number is NULL) on connection c. */
static int case_load(struct sqconn *c, const char *number, int64_t id, struct case_rec *out,
                     struct gz_err *err)
{
    static const char sql[] =
        "SELECT " SQ_CASE_COLS " FROM cases c"
        " WHERE (?1 IS NOT NULL AND c.number = ?1) OR (?1 IS NULL AND c.id = ?2)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    case_init(out);
    sq_bind_text(st, 1, number);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_case_from_row(st, out);
    sq_done(st);
    if (rc == SQLITE_DONE)
        return gz_fail(err, GZ_ENOTFOUND, number ? "number" : "id", "case %s not found",
                       number ? number : "");
    if (rc != SQLITE_ROW)
        return sq_fail(c, rc, err);
    /* every party with its own state (store_sqlite_joint.c); the co-units among them */
    return sq_parties_load(c, out, err);
}

int sqo_case_get(struct store *s, const char *number, int64_t id, struct case_rec *out,
                 struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c = sq_reader(sq, err);
    int rc = c ? case_load(c, number, id, out, err) : GZ_EIO;

    sq_reader_put(sq, c);
    return rc;
}

static int next_number(struct sqconn *c, const char *day, char *number, struct gz_err *err)
{
    char tmp[32];
    int rc = seq_read(c, day, err);

    if (rc)
        return rc;
    c->tail.seq_last++;
    c->tail.seq_dirty = true;
    /* 999,999 cases a day; past that the number repeats and the UNIQUE constraint refuses */
    snprintf(tmp, sizeof(tmp), "%.8s-%06lld", day, (long long)(c->tail.seq_last % 1000000));
    text_copy(number, CASE_NUMBER_LEN + 1, tmp);
    return 0;
}

/* Where the insert's parameters for the changeable columns start (see case_insert). */
#define CASE_INSERT_BASE 20

/* The columns a change may touch, as ?(base + 2)..?(base + 28); ?(base + 1) is the id. */
static void bind_case_change(sqlite3_stmt *st, const struct case_rec *cr, int base)
{
    char limit[32];

    sqlite3_bind_int64(st, base + 1, cr->id);
    sq_bind_text_or_null(st, base + 2, cr->category);
    sq_bind_text(st, base + 3,
                 cr->category[0] ? (cr->category_by_operator ? "operator" : "auto") : NULL);
    sq_bind_text(st, base + 4, cr->priority == PRIORITY_URGENT ? "urgent" : "normal");
    sq_bind_text(st, base + 5, case_status_name(cr->status));
    sq_bind_text(st, base + 6,
                 cr->status == CASE_PARKED ? case_status_name(cr->parked_from) : NULL);
    bind_opt(st, base + 7, cr->lead_unit_id);
    bind_opt(st, base + 8, cr->parent_id);
    sqlite3_bind_int(st, base + 9, cr->metoo);
    bind_opt(st, base + 10, cr->dispatched_at);
    bind_opt(st, base + 11, cr->accepted_at);
    bind_opt(st, base + 12, cr->resolved_at);
    bind_opt(st, base + 13, cr->verified_at);
    bind_opt(st, base + 14, cr->closed_at);
    bind_opt(st, base + 15, cr->respond_by);
    bind_opt(st, base + 16, cr->resolve_by);
    bind_opt(st, base + 17, cr->remind_respond_at);
    bind_opt(st, base + 18, cr->remind_resolve_at);
    sqlite3_bind_int(st, base + 19, cr->escalated);
    bind_tri(st, base + 20, cr->contacted);
    bind_tri(st, base + 21, cr->solved);
    sq_bind_text(st, base + 22, cr->satisfaction ? satisfaction_name(cr->satisfaction) : NULL);
    sqlite3_bind_int(st, base + 23, cr->rework_count);
    sq_bind_text(st, base + 24, extension_name(cr->extension));
    tlimit_format(&cr->extension_limit, limit, sizeof(limit));
    sqlite3_bind_text(st, base + 25, limit, -1, SQLITE_TRANSIENT);
    sq_bind_text(st, base + 26, cr->reply);
    sqlite3_bind_int64(st, base + 27, cr->version);
    bind_opt(st, base + 28, cr->status == CASE_PARKED ? cr->parked_at : 0);
}

/* What only a new row has: ?1..?12 and the place ?13..?17 (the rest as bind_case_change). */
static void bind_case_new(sqlite3_stmt *st, const struct case_rec *cr)
{
    sq_bind_text(st, 1, cr->number);
    sq_bind_text(st, 2, case_channel_name(cr->channel));
    sq_bind_text_or_null(st, 3, cr->external_id);
    sq_bind_text(st, 4, cr->text);
    sq_bind_text_or_null(st, 5, cr->address);
    if (cr->lat != CASE_NO_COORD) {
        sqlite3_bind_double(st, 6, cr->lat);
        sqlite3_bind_double(st, 7, cr->lon);
    }
    bind_opt(st, 8, cr->reporter_account_id);
    sq_bind_text_or_null(st, 9, cr->reporter_name);
    sq_bind_text_or_null(st, 10, cr->reporter_phone);
    bind_opt(st, 11, cr->intake_account_id);
    sqlite3_bind_int64(st, 12, cr->created_at);
    for (int level = 1; level <= 4; level++)
        bind_opt(st, 12 + level, cr->area[level]);
    bind_tri(st, 17, cr->located);
}

/* The whole row, as it stands: a case dispatched at intake is written once, already dispatched
 * (an insert and then an update would write every index twice). Its version counts the
 * dispatch as a change, as an update would have. */
static int case_insert(struct sqconn *c, struct case_rec *cr, bool changed, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO cases(number, channel, external_id, text, address, lat, lon,"
        " reporter_account_id, reporter_name, reporter_phone, intake_account_id, created_at,"
        " district_id, street_id, community_id, grid_id, located, category_code, category_source,"
        " priority, status, parked_from, lead_unit_id, parent_id, metoo, dispatched_at,"
        " accepted_at, resolved_at, verified_at, closed_at, respond_by, resolve_by,"
        " remind_respond_at, remind_resolve_at, escalated, contacted, solved, satisfaction,"
        " rework_count, extension, extension_limit, reply, version, parked_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,"
        " ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46,"
        " ?47 + 1, ?48)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    cr->version = changed ? 1 : 0;
    bind_case_new(st, cr);
    bind_case_change(st, cr, CASE_INSERT_BASE);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    cr->id = sqlite3_last_insert_rowid(c->db);
    cr->version++;
    c->group_case = cr->id; /* searchable once the indexer has it (sq_index.c) */
    return 0;
}

/* The case an idempotency key already created, 0 when the key is new. */
static int idem_lookup(struct sqconn *c, const char *key, int64_t account, int64_t *case_id,
                       struct gz_err *err)
{
    static const char sql[] = "SELECT case_id FROM idempotency WHERE account_id = ?1 AND key = ?2";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    *case_id = 0;
    sqlite3_bind_int64(st, 1, account);
    sq_bind_text(st, 2, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *case_id = sqlite3_column_int64(st, 0);
    sq_done(st);
    return sq_step_result(c, rc, err);
}

static int idem_store(struct sqconn *c, const struct store_intake *in, const struct case_rec *cr,
                      struct gz_err *err)
{
    static const char sql[] = "INSERT INTO idempotency(key, account_id, case_id, created_at)"
                              " VALUES(?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, in->idem_key);
    sqlite3_bind_int64(st, 2, in->idem_account);
    sqlite3_bind_int64(st, 3, cr->id);
    sqlite3_bind_int64(st, 4, cr->created_at);
    return sq_step_done(c, st, err);
}

static int case_write(struct sqconn *c, struct case_rec *cr, struct gz_err *err)
{
    static const char sql[] =
        "UPDATE cases SET category_code = ?2, category_source = ?3, priority = ?4, status = ?5,"
        " parked_from = ?6, lead_unit_id = ?7, parent_id = ?8, metoo = ?9, dispatched_at = ?10,"
        " accepted_at = ?11, resolved_at = ?12, verified_at = ?13, closed_at = ?14,"
        " respond_by = ?15, resolve_by = ?16, remind_respond_at = ?17, remind_resolve_at = ?18,"
        " escalated = ?19, contacted = ?20, solved = ?21, satisfaction = ?22, rework_count = ?23,"
        " extension = ?24, extension_limit = ?25, reply = ?26, version = ?27 + 1, parked_at = ?28"
        " WHERE id = ?1 AND version = ?27";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    bind_case_change(st, cr, 0);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        if (rc == GZ_EINVAL)
            gz_fail(err, rc, "",
                    "the change refers to a unit, category or case that does not exist");
        return rc;
    }
    if (sqlite3_changes(c->db) != 1)
        return gz_fail(err, GZ_ECONFLICT, "", "the case changed meanwhile; try again");
    cr->version++;
    return 0;
}

static int unit_row(struct sqconn *c, int64_t case_id, int64_t unit_id, const char *role,
                    struct gz_err *err)
{
    static const char sql[] = "INSERT INTO case_units(case_id, unit_id, role, asked_at)"
                              " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(case_id, unit_id)"
                              " DO UPDATE SET role = ?3, state = 'asked', asked_at = ?4";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, unit_id);
    sq_bind_text(st, 3, role);
    sqlite3_bind_int64(st, 4, time_now());
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    rc = sq_fail(c, rc, err);
    if (rc == GZ_EINVAL)
        gz_fail(err, rc, "unit", "unit %lld does not exist", (long long)unit_id);
    return rc;
}

/* Rewrite the lead and co-unit rows; other parties (whistled, claimants) stay. A case
   inserted by this job has none to remove. */
static int case_units_write(struct sqconn *c, const struct case_rec *cr, bool fresh,
                            struct gz_err *err)
{
    static const char del[] =
        "DELETE FROM case_units WHERE case_id = ?1 AND role IN ('lead', 'co')";
    sqlite3_stmt *st;
    int rc;

    if (!fresh) {
        if (!(st = sq_stmt(c, del, err)))
            return GZ_EIO;
        sqlite3_bind_int64(st, 1, cr->id);
        if ((rc = sq_step_done(c, st, err)) != 0)
            return rc;
    }
    rc = cr->lead_unit_id ? unit_row(c, cr->id, cr->lead_unit_id, "lead", err) : 0;
    for (size_t i = 0; !rc && i < cr->n_co; i++)
        if (cr->co_units[i] != cr->lead_unit_id)
            rc = unit_row(c, cr->id, cr->co_units[i], "co", err);
    return rc;
}

struct update_job {
    const char *number;
    const char *other_number;
    store_case_fn fn;
    void *ctx;
    struct case_rec *out;
};

/* What goes with a row written (`fresh`: inserted by this job): its parties when they
   changed, and the event. */
static int save_parts(struct sqconn *c, struct case_rec *cr, bool fresh, struct event *ev,
                      struct gz_err *err)
{
    int rc = 0;

    if (cr->units_changed)
        rc = case_units_write(c, cr, fresh, err);
    if (!rc && cr->joint_changed)
        rc = sq_parties_write(c, cr, err);
    if (!rc && (cr->units_changed || cr->joint_changed))
        rc = sq_parties_load(c, cr, err); /* the case as written, for the answer */
    if (!rc && ev->kind[0]) {
        ev->case_id = cr->id;
        rc = event_append(c, ev, err);
    }
    return rc;
}

static int save(struct sqconn *c, struct case_rec *cr, struct event *ev, struct gz_err *err)
{
    int rc = case_write(c, cr, err);

    return rc ? rc : save_parts(c, cr, false, ev, err);
}

static int job_case_update(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct update_job *j = arg;
    struct case_rec other;
    struct event ev, other_ev;
    int rc;

    case_init(&other);
    event_init(&ev);
    event_init(&other_ev);
    rc = case_load(c, j->number, 0, j->out, err);
    if (!rc && j->other_number)
        rc = case_load(c, j->other_number, 0, &other, err);
    if (!rc)
        rc = j->fn(j->ctx, j->out, j->other_number ? &other : NULL, &ev, &other_ev, err);
    if (!rc)
        rc = save(c, j->out, &ev, err);
    if (!rc && j->other_number && other_ev.kind[0])
        rc = save(c, &other, &other_ev, err);
    case_release(&other);
    event_release(&ev);
    event_release(&other_ev);
    return rc;
}

struct create_job {
    struct case_rec *c;
    struct store_intake *in;
};

/* The new row, as it stands after its first change (if any), its "created" event, and the
 * change's event. */
static int create_row(struct sqconn *c, struct create_job *j, struct gz_err *err)
{
    struct store_intake *in = j->in;
    int rc = case_insert(c, j->c, in->then_ev != NULL, err);

    if (!rc) {
        in->ev->case_id = j->c->id;
        rc = event_append(c, in->ev, err);
    }
    if (!rc && in->then_ev)
        rc = save_parts(c, j->c, true, in->then_ev, err);
    return rc;
}

static int job_case_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct create_job *j = arg;
    struct store_intake *in = j->in;
    int64_t first = 0;
    int rc = in->idem_key ? idem_lookup(c, in->idem_key, in->idem_account, &first, err) : 0;

    if (rc)
        return rc;
    if (first) {
        in->replayed = true;
        j->c->id = first;
        return 0;
    }
    rc = next_number(c, in->day, j->c->number, err);
    if (!rc)
        rc = create_row(c, j, err);
    if (!rc && in->idem_key)
        rc = idem_store(c, in, j->c, err);
    return rc;
}

int sqo_case_create(struct store *s, struct case_rec *c, struct store_intake *in,
                    struct gz_err *err)
{
    struct create_job j = {c, in};

    in->replayed = false;
    if (!c->created_at)
        c->created_at = time_now();
    return sq_write((struct sqstore *)s, job_case_create, &j, err);
}

int sqo_case_update(struct store *s, const char *number, const char *other_number, store_case_fn fn,
                    void *ctx, struct case_rec *out, struct gz_err *err)
{
    struct update_job j = {number, other_number, fn, ctx, out};
    int rc = sq_write((struct sqstore *)s, job_case_update, &j, err);

    if (rc)
        case_release(out);
    return rc;
}

int sqo_case_units(struct store *s, int64_t case_id, int64_t *units, size_t max, size_t *n,
                   struct gz_err *err)
{
    static const char sql[] = "SELECT unit_id FROM case_units WHERE case_id = ?1"
                              " ORDER BY role <> 'lead', asked_at, unit_id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    *n = 0;
    sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (*n < max)
            units[(*n)++] = sqlite3_column_int64(st, 0);
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_case_due(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT number FROM cases WHERE status IN ('dispatched', 'accepted')"
                              " AND ((accepted_at IS NULL AND"
                              "       ((remind_respond_at <= ?1 AND escalated & 1 = 0) OR "
                              "(respond_by <= ?1 AND escalated & 2 = 0)))"
                              "   OR ("
                              "       ((remind_resolve_at <= ?1 AND escalated & 4 = 0) OR "
                              "(resolve_by <= ?1 AND escalated & 8 = 0))))"
                              " ORDER BY id LIMIT 10000";
    return sq_read_texts((struct sqstore *)s, sql, now, fn, ctx, err);
}

struct reporter_job {
    const char *number;
    const struct case_reporter *r;
    struct event *ev;
    struct case_rec *out;
};

static int reporter_insert(struct sqconn *c, int64_t case_id, const struct case_reporter *r,
                           struct gz_err *err)
{
    static const char sql[] = "INSERT INTO case_reporters(case_id, account_id, name, phone,"
                              " channel, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    bind_opt(st, 2, r->account_id);
    sq_bind_text_or_null(st, 3, r->name);
    sq_bind_text_or_null(st, 4, r->phone);
    sq_bind_text(st, 5, case_channel_name(r->channel));
    sqlite3_bind_int64(st, 6, r->at);
    return sq_step_done(c, st, err);
}

static int job_add_reporter(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct reporter_job *j = arg;
    int rc = case_load(c, j->number, 0, j->out, err);

    if (rc)
        return rc;
    if (!case_is_open(j->out->status))
        return gz_fail(err, GZ_ECONFLICT, "number", "case %s is %s: report it anew", j->number,
                       case_status_name(j->out->status));
    j->out->metoo++;
    rc = reporter_insert(c, j->out->id, j->r, err);
    if (!rc)
        rc = save(c, j->out, j->ev, err);
    return rc;
}

int sqo_case_add_reporter(struct store *s, const char *number, const struct case_reporter *r,
                          struct event *ev, struct case_rec *out, struct gz_err *err)
{
    struct reporter_job j = {number, r, ev, out};
    int rc = sq_write((struct sqstore *)s, job_add_reporter, &j, err);

    if (rc)
        case_release(out);
    return rc;
}

int sqo_recent_cases(struct store *s, int64_t since, store_recent_fn fn, void *ctx,
                     struct gz_err *err)
{
    static const char sql[] =
        "SELECT " SQ_CASE_COLS " FROM cases c WHERE c.created_at >= ?1 AND c.lat IS NOT NULL"
        " AND c.status NOT IN ('closed', 'merged', 'invalid') ORDER BY c.created_at, c.id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, since);
    rc = sq_case_rows(c, st, fn, ctx, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sq_case_load(struct sqconn *c, const char *number, int64_t id, struct case_rec *out,
                 struct gz_err *err)
{
    return case_load(c, number, id, out, err);
}
