/*
 * case_query.c - GET /api/v1/cases: lists of cases, filtered, searched and
 * paged by keyset.
 *
 *   status=a,b          case statuses (names)           channel=a,b   intake channels
 *   unit=<id|code>      a party to the case (lead or co-unit); subtree=true adds its subtree
 *   category=<prefix>   category code prefix            overdue=true  open and past a deadline
 *   created_from, created_to, dispatched_from, dispatched_to
 *                       [from, to); RFC 3339 with Z or an offset, or YYYY-MM-DD (local midnight)
 *   bbox=west,south,east,north  (lon/lat, Open311 order)
 *   q=<words>           full text over text and address; every word must match
 *   sort=created|deadline  order=asc|desc (default: newest first, or nearest deadline first)
 *   limit=1..500 (50)   cursor=<next_cursor of the previous page>
 *
 * Every bad parameter is a 400 naming it. Callers see only what
 * api_case_visibility lets them (an API client: its scope); personal data
 * masked but for its source (a whole read is one case at a time, recorded).
 * The cursor is opaque: base64url of "k:<sort key>:<case id>".
 */
#include "gz.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>

#include "api/api_util.h"
#include "api/case_export.h"
#include "api/case_view.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/timeutil.h"

#define LIST_PARAM_MAX 256 /* a comma-separated parameter, bytes */

static int bad(struct http_req *r, const char *param, const char *msg)
{
    http_reply_error(r, 400, "bad_request", param, "%s", msg);
    return -1;
}

/* ---- small parameters ---- */

static int query_flag(struct http_req *r, const char *name, bool *out)
{
    const char *v = http_query(r, name);

    if (!v)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return bad(r, name, "must be true or false");
    return 0;
}

/* A comma-separated list of names into a bit mask (parse: name -> index or -1). */
static int query_names(struct http_req *r, const char *name, int (*parse)(const char *),
                       unsigned *mask)
{
    const char *v = http_query(r, name), *p;
    char word[LIST_PARAM_MAX];

    if (!v)
        return 0;
    if (strlen(v) >= sizeof(word))
        return bad(r, name, "too long");
    for (p = v;; p++) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int k;
        memcpy(word, p, n);
        word[n] = '\0';
        k = parse(word);
        if (k < 0) {
            http_reply_error(r, 400, "bad_request", name, "unknown %s \"%s\"", name, word);
            return -1;
        }
        *mask |= 1u << k;
        if (!comma)
            return 0;
        p = comma;
    }
}

static int query_unit(struct http_req *r, struct app *app, int64_t *id)
{
    const char *v = http_query(r, "unit");
    struct gz_err err = {0};
    struct unit u;
    long long n;

    if (!v)
        return 0;
    if (text_parse_i64(v, 1, INT64_MAX, &n)) {
        *id = n;
        return 0;
    }
    if (store_unit_get_by_code(app->store, v, &u, NULL, &err)) {
        if (err.code != GZ_ENOTFOUND) {
            api_fail(r, &err);
            return -1;
        }
        return bad(r, "unit", "no unit with this id or code");
    }
    *id = u.id;
    unit_release(&u);
    return 0;
}

static int query_category(struct http_req *r, const char **out)
{
    const char *v = http_query(r, "category");

    if (!v)
        return 0;
    for (const char *p = v; *p; p++)
        if (!isdigit((unsigned char)*p))
            return bad(r, "category", "must be a category code (digits)");
    if (!*v || strlen(v) > CATEGORY_CODE_MAX)
        return bad(r, "category", "must be a category code (digits)");
    *out = v;
    return 0;
}

/* ---- times ---- */

/* Does s match pattern, where 'd' is a digit and anything else itself? */
static bool shaped(const char *s, const char *pattern)
{
    for (; *pattern; s++, pattern++)
        if (*pattern == 'd' ? !isdigit((unsigned char)*s) : *s != *pattern)
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The zone suffix of an RFC 3339 time, as seconds east of UTC; false when malformed. */
static bool parse_zone(const char *s, int *offset)
{
    if (*s == '.') /* fractions of a second: ignored */
        for (s++; isdigit((unsigned char)*s); s++)
            ;
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *offset = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || !shaped(s + 1, "dd:dd") || s[6] || num(s + 1, 2) > 23 ||
        num(s + 4, 2) > 59)
        return false;
    *offset = (s[0] == '-' ? -1 : 1) * (num(s + 1, 2) * 3600 + num(s + 4, 2) * 60);
    return true;
}

/* RFC 3339 with Z or an offset, or YYYY-MM-DD meaning midnight in the city's (process) zone. */
bool api_parse_time(const char *s, int64_t *out)
{
    struct tm tm = {0}, back;
    bool date_only = s && shaped(s, "dddd-dd-dd") && !s[10];
    int offset = 0;
    time_t t;

    if (!s || !shaped(s, "dddd-dd-dd"))
        return false;
    if (!date_only && (!(s[10] == 'T' || s[10] == 't') || !shaped(s + 11, "dd:dd:dd") ||
                       !parse_zone(s + 19, &offset)))
        return false;
    tm.tm_year = num(s, 4) - 1900;
    tm.tm_mon = num(s + 5, 2) - 1;
    tm.tm_mday = num(s + 8, 2);
    if (!date_only) {
        tm.tm_hour = num(s + 11, 2);
        tm.tm_min = num(s + 14, 2);
        tm.tm_sec = num(s + 17, 2);
    }
    tm.tm_isdst = -1;
    back = tm;
    t = date_only ? mktime(&tm) : timegm(&tm);
    /* normalisation moved a field: 2026-02-30, 25:00 ... */
    if (t == (time_t)-1 || tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon ||
        tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
        return false;
    *out = (int64_t)t - offset;
    return true;
}

static int query_time(struct http_req *r, const char *name, int64_t *out)
{
    const char *v = http_query(r, name);

    if (v && !api_parse_time(v, out))
        return bad(r, name, "must be an RFC 3339 time (2026-11-24T08:00:00+08:00) or a date");
    return 0;
}

static int query_times(struct http_req *r, struct case_filter *f)
{
    if (query_time(r, "created_from", &f->created_from) ||
        query_time(r, "created_to", &f->created_to) ||
        query_time(r, "dispatched_from", &f->dispatched_from) ||
        query_time(r, "dispatched_to", &f->dispatched_to))
        return -1;
    if (f->created_from && f->created_to && f->created_from >= f->created_to)
        return bad(r, "created_to", "created_to must be after created_from");
    if (f->dispatched_from && f->dispatched_to && f->dispatched_from >= f->dispatched_to)
        return bad(r, "dispatched_to", "dispatched_to must be after dispatched_from");
    return 0;
}

/* ---- box, text, order, page ---- */

static bool parse_coord(const char **p, double lo, double hi, char end, double *out)
{
    char *e;

    if (!**p || isspace((unsigned char)**p))
        return false;
    *out = strtod(*p, &e);
    if (e == *p || *e != end || !isfinite(*out) || *out < lo || *out > hi)
        return false;
    *p = end ? e + 1 : e;
    return true;
}

static int query_bbox(struct http_req *r, struct case_filter *f)
{
    const char *p = http_query(r, "bbox");

    if (!p)
        return 0;
    if (!parse_coord(&p, -180, 180, ',', &f->west) || !parse_coord(&p, -90, 90, ',', &f->south) ||
        !parse_coord(&p, -180, 180, ',', &f->east) || !parse_coord(&p, -90, 90, '\0', &f->north))
        return bad(r, "bbox", "must be west,south,east,north in degrees (lon,lat,lon,lat)");
    if (f->south > f->north)
        return bad(r, "bbox", "south must not be above north");
    f->bbox = true;
    return 0;
}

static int query_text(struct http_req *r, const char **q)
{
    const char *v = http_query(r, "q");

    if (!v)
        return 0;
    if (!text_utf8_valid(v, strlen(v)))
        return bad(r, "q", "q is not valid UTF-8");
    if (text_utf8_len(v) > GZ_MAX_QUERY_CHARS) {
        http_reply_error(r, 400, "bad_request", "q", "q is longer than %d characters",
                         GZ_MAX_QUERY_CHARS);
        return -1;
    }
    *q = v; /* white space only: the store ignores it */
    return 0;
}

static int query_order(struct http_req *r, struct case_filter *f)
{
    const char *sort = http_query(r, "sort"), *order = http_query(r, "order");

    if (sort && strcmp(sort, "deadline") == 0)
        f->sort_deadline = true;
    else if (sort && strcmp(sort, "created") != 0)
        return bad(r, "sort", "sort must be created or deadline");
    f->descending = !f->sort_deadline;
    if (order && strcmp(order, "desc") == 0)
        f->descending = true;
    else if (order && strcmp(order, "asc") == 0)
        f->descending = false;
    else if (order)
        return bad(r, "order", "order must be asc or desc");
    return 0;
}

static json_t *cursor_json(int64_t key, int64_t id)
{
    char raw[64], out[128];

    snprintf(raw, sizeof(raw), "k:%lld:%lld", (long long)key, (long long)id);
    sodium_bin2base64(out, sizeof(out), (const unsigned char *)raw, strlen(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return json_string(out);
}

static bool parse_cursor(const char *s, struct case_cursor *cur)
{
    char raw[64];
    size_t len = 0;
    char *colon;
    long long key, id;

    if (sodium_base642bin((unsigned char *)raw, sizeof(raw) - 1, s, strlen(s), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    raw[len] = '\0';
    colon = len > 2 ? strchr(raw + 2, ':') : NULL;
    if (strncmp(raw, "k:", 2) != 0 || !colon)
        return false;
    *colon = '\0';
    if (!text_parse_i64(raw + 2, INT64_MIN, INT64_MAX, &key) ||
        !text_parse_i64(colon + 1, 1, INT64_MAX, &id))
        return false;
    cur->set = true;
    cur->key = key;
    cur->id = id;
    return true;
}

static int query_page(struct http_req *r, struct case_cursor *cur, int *limit)
{
    const char *l = http_query(r, "limit"), *c = http_query(r, "cursor");
    long long v;

    *limit = GZ_DEFAULT_PAGE;
    if (l) {
        if (!text_parse_i64(l, 1, GZ_MAX_PAGE, &v)) {
            http_reply_error(r, 400, "bad_request", "limit", "limit must be 1 to %d", GZ_MAX_PAGE);
            return -1;
        }
        *limit = (int)v;
    }
    if (c && *c && !parse_cursor(c, cur))
        return bad(r, "cursor", "cursor is not one this server gave out");
    return 0;
}

/* Read every parameter into f, cur and limit; on failure answer 400 and return nonzero. */
static int filter_from(struct http_req *r, struct app *app, struct case_filter *f,
                       struct case_cursor *cur, int *limit)
{
    if (query_names(r, "status", case_status_parse, &f->status_mask) ||
        query_names(r, "channel", case_channel_parse, &f->channel_mask) ||
        query_unit(r, app, &f->unit_id) || query_flag(r, "subtree", &f->subtree) ||
        query_category(r, &f->category) || query_times(r, f) ||
        query_flag(r, "overdue", &f->overdue) || query_bbox(r, f) || query_text(r, &f->q) ||
        query_order(r, f) || query_page(r, cur, limit))
        return -1;
    if (f->subtree && !f->unit_id)
        return bad(r, "subtree", "subtree needs unit");
    f->now = time_now();
    return 0;
}

/* ---- the list ---- */

struct list_ctx {
    struct app *app;
    const struct principal *p;
    json_t *items;
    bool deadline;
    int64_t last_key, last_id;
};

static int add_case(void *arg, const struct case_rec *c)
{
    struct list_ctx *l = arg;

    json_t *view = view_case_summary(c, api_case_full_pii(l->app, l->p, c));

    api_view_scope(view, l->p);
    api_access_note(l->p, c->number);
    json_array_append_new(l->items, view);
    l->last_id = c->id;
    l->last_key = !l->deadline ? c->created_at : c->resolve_by ? c->resolve_by : INT64_MAX;
    return 0;
}

static void list_cases(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_filter f = {0};
    struct case_cursor cur = {0};
    struct list_ctx l = {0};
    struct gz_err err = {0};
    int64_t *units = NULL;
    size_t n = 0;
    int limit;

    if (api_caller(r, app, &p))
        return;
    if (filter_from(r, app, &f, &cur, &limit) || api_case_visibility(r, app, &p, &units, &n))
        goto done;
    f.visible_units = units;
    f.n_visible = n;
    f.viewer_account_id = p.account_id;
    f.scope = p.client ? &p.client->scope : NULL;
    l = (struct list_ctx){app, &p, json_array(), f.sort_deadline, 0, 0};
    if (store_case_list(app->store, &f, &cur, limit, add_case, &l, &err)) {
        json_decref(l.items);
        api_fail(r, &err);
        goto done;
    }
    http_reply_json(r, 200,
                    api_list(l.items, json_array_size(l.items) == (size_t)limit
                                          ? cursor_json(l.last_key, l.last_id)
                                          : NULL));
done:
    api_access_done(r, app, &p);
}

/* ---- the export ---- */

static void note_case(void *ctx, const char *number)
{
    api_access_note(ctx, number);
}

/* The filter and visibility of a list, for an export; nonzero after answering. */
static int export_filter(struct http_req *r, struct app *app, const struct principal *p,
                         struct case_filter *f)
{
    struct case_cursor cur = {0};
    int64_t *units = NULL;
    size_t n = 0;
    int limit;
    bool staff = p->client != NULL;

    for (size_t i = 0; i < p->n; i++)
        staff = staff || p->m[i].role != ROLE_RESIDENT;
    if (!staff) {
        api_forbidden(r, "export cases");
        return -1;
    }
    if (filter_from(r, app, f, &cur, &limit) || api_case_visibility(r, app, p, &units, &n))
        return -1;
    f->visible_units = units;
    f->n_visible = n;
    f->viewer_account_id = p->account_id;
    f->scope = p->client ? &p->client->scope : NULL;
    return 0;
}

/*
 * GET /api/v1/cases/export.csv|.json: what the caller may list, every page,
 * oldest first, with the list's filters; never personal data (case_export.h).
 */
static void export_cases(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_filter f = {0};
    struct gz_err err = {0};
    struct buf b;
    struct export_out out = {NULL, note_case, &p, NULL};
    bool csv = strstr(http_path(r), ".csv") != NULL;
    char *body;
    size_t len;

    if (api_caller(r, app, &p))
        return;
    buf_init(&b, GZ_MAX_RESPONSE);
    if (!export_filter(r, app, &p, &f)) {
        out.scope = f.scope;
        if (case_export(app->store, &f, csv ? EXPORT_CSV : EXPORT_JSON, &out, &b, &err)) {
            api_fail(r, &err);
        } else {
            body = buf_detach(&b, &len);
            http_add_header(r, "Content-Disposition",
                            csv ? "attachment; filename=cases.csv" : "attachment; filename=cases.json");
            http_reply(r, 200, csv ? "text/csv; charset=utf-8" : "application/json", body, len);
        }
    }
    buf_release(&b);
    api_access_done(r, app, &p);
}

int api_case_export_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/cases/export.csv", export_cases) ||
           router_add(r, "GET", "/api/v1/cases/export.json", export_cases);
}

int api_case_query_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/cases", list_cases);
}
