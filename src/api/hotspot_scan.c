/*
 * hotspot_scan.c - the proactive-governance documents (see hotspots.h).
 *
 * A hotspot scan reads the cases of the week under test and the trailing
 * weeks once (store_hot_cases, by intake time), counts them per place x
 * category x week (core/hotspot.c), keeps the flagged place-categories, and
 * reads the week again to list their cases. Hexagons are laid out around a
 * reference latitude fixed per city on the first scan (settings
 * 'hotspot.lat0': the mean latitude of the cases then), so a hotspot's name
 * means the same cell later.
 */
#include "gz.h"

#include <math.h>

#include "api/api_util.h"
#include "api/hotspots.h"
#include "api/kpi_json.h"
#include "core/hexbin.h"

#define CASES_SHOWN 20
#define RECUR_MAX 100
#define RECUR_CASES 50

struct scan {
    struct hexgrid g;
    int grid, depth, weeks;
    int64_t first_day; /* first day of trailing week 0 */
    struct hot_counter *h;
    /* second pass: the flagged keys and their cases */
    struct hot_flag *flags;
    size_t nflags;
    json_t **numbers;
    /* origin: latitudes seen */
    double lat_sum;
    size_t located;
    int rc;
};

/* The place and category a case counts under; false when it counts under none. */
static bool key_of(const struct scan *s, const struct hot_case *c, int64_t *space, char *cat)
{
    size_t len = strlen(c->category);

    if (s->grid == HOT_HEX) {
        if (c->lat == CASE_NO_COORD)
            return false;
        *space = hex_key(hex_of(&s->g, c->lat, c->lon));
    } else {
        *space = c->area[s->grid];
        if (!*space)
            return false;
    }
    if (s->depth && len < (size_t)(2 * s->depth))
        return false; /* classified above this depth */
    snprintf(cat, CATEGORY_CODE_MAX + 1, "%.*s", 2 * s->depth, c->category);
    return true;
}

static int week_of(const struct scan *s, int64_t t)
{
    int64_t d = day_of(t) - s->first_day;

    return d < 0 ? -1 : (int)(d / 7);
}

static int count_case(void *ctx, const struct hot_case *c)
{
    struct scan *s = ctx;
    char cat[CATEGORY_CODE_MAX + 1];
    int64_t space;
    int w = week_of(s, c->created_at);

    if (w < 0 || w > s->weeks || !key_of(s, c, &space, cat))
        return 0;
    s->rc = hot_count(s->h, space, cat, w);
    return s->rc;
}

static int list_case(void *ctx, const struct hot_case *c)
{
    struct scan *s = ctx;
    char cat[CATEGORY_CODE_MAX + 1];
    int64_t space;

    if (week_of(s, c->created_at) != s->weeks || !key_of(s, c, &space, cat))
        return 0;
    for (size_t i = 0; i < s->nflags; i++)
        if (s->flags[i].space == space && strcmp(s->flags[i].category, cat) == 0 &&
            json_array_size(s->numbers[i]) < CASES_SHOWN)
            json_array_append_new(s->numbers[i], json_string(c->number));
    return 0;
}

static int sum_lat(void *ctx, const struct hot_case *c)
{
    struct scan *s = ctx;

    if (c->lat != CASE_NO_COORD) {
        s->lat_sum += c->lat;
        s->located++;
    }
    return 0;
}

/* The city's reference latitude for hexagons: stored, or set from the cases of [from, to). */
static int hex_origin(struct app *app, struct scan *s, int64_t from, int64_t to, struct gz_err *err)
{
    char text[64];
    double lat0 = 0.0;
    int rc = store_setting_get(app->store, "hotspot.lat0", text, sizeof(text), err);

    if (!rc) {
        lat0 = strtod(text, NULL);
    } else if (rc == GZ_ENOTFOUND) {
        gz_err_clear(err);
        if (store_hot_cases(app->store, from, to, "", sum_lat, s, err))
            return err->code;
        if (s->located) {
            lat0 = round(s->lat_sum / (double)s->located * 100.0) / 100.0;
            snprintf(text, sizeof(text), "%.2f", lat0);
            if (store_setting_set(app->store, "hotspot.lat0", text, err))
                return err->code;
        }
    } else {
        return rc;
    }
    s->g.lat0 = lat0;
    return 0;
}

static int scan_init(struct app *app, const struct kpi_config *cfg, struct scan *s,
                     const struct period *week, int grid, int depth, struct gz_err *err)
{
    memset(s, 0, sizeof(*s));
    s->grid = grid;
    s->depth = depth;
    s->weeks = cfg->hot_weeks;
    s->first_day = week->from - 7 * (int64_t)s->weeks;
    if (!(s->h = hot_counter_new(s->weeks)))
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    if (grid == HOT_HEX && hex_origin(app, s, day_start(s->first_day), day_start(week->to), err))
        return err->code;
    hex_init(&s->g, s->g.lat0, cfg->hex_m);
    return 0;
}

static void scan_release(struct scan *s)
{
    hot_counter_free(s->h);
    for (size_t i = 0; s->numbers && i < s->nflags; i++)
        json_decref(s->numbers[i]);
    free(s->numbers);
    free(s->flags);
}

static int scan_count(struct app *app, struct scan *s, const struct period *week,
                      const char *prefix, struct gz_err *err)
{
    int rc = store_hot_cases(app->store, day_start(s->first_day), day_start(week->to), prefix,
                             count_case, s, err);

    if (s->rc)
        return gz_fail(err, s->rc, "", "out of memory");
    return rc;
}

/* List the cases of each flag of s->flags in the week under test. */
static int scan_list(struct app *app, struct scan *s, const struct period *week, const char *prefix,
                     struct gz_err *err)
{
    s->numbers = calloc(s->nflags ? s->nflags : 1, sizeof(*s->numbers));
    if (!s->numbers)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < s->nflags; i++)
        s->numbers[i] = json_array();
    return store_hot_cases(app->store, day_start(week->from), day_start(week->to), prefix,
                           list_case, s, err);
}

/* ---- JSON ---- */

static json_t *category_json(struct app *app, const char *code)
{
    struct category c;
    struct gz_err err;
    json_t *o;

    if (!code[0])
        return json_null();
    if (store_category_get(app->store, code, &c, &err))
        return json_pack("{s:s, s:n, s:n}", "code", code, "name", "name_en");
    o = json_pack("{s:s, s:s, s:s}", "code", code, "name", c.name, "name_en", c.name_en);
    category_release(&c);
    return o;
}

static json_t *place_json(struct app *app, const struct scan *s, int64_t space)
{
    struct hexcell c = hex_unkey(space);
    double lat, lon, clat[6], clon[6];
    json_t *poly = json_array();
    struct unit u;
    struct gz_err err;

    if (s->grid != HOT_HEX) {
        json_decref(poly);
        if (store_unit_get(app->store, space, &u, NULL, &err))
            return json_pack("{s:s, s:I}", "kind", "area", "unit_id", (json_int_t)space);
        json_t *o = json_pack("{s:s, s:o}", "kind", "area", "unit", kpi_unit_json(&u));
        unit_release(&u);
        return o;
    }
    hex_center(&s->g, c, &lat, &lon);
    hex_corners(&s->g, c, clat, clon);
    for (int i = 0; i <= 6; i++)
        json_array_append_new(poly, json_pack("[f, f]", clon[i % 6], clat[i % 6]));
    return json_pack("{s:s, s:i, s:i, s:{s:f, s:f}, s:o}", "kind", "hex", "q", c.q, "r", c.r,
                     "center", "lat", lat, "lon", lon, "polygon", poly);
}

static json_t *proactive_json(struct app *app, const char *id)
{
    struct case_rec c;
    struct gz_err err;
    int64_t case_id = 0;
    json_t *o;

    if (store_hotspot_case_get(app->store, id, &case_id, &err) || !case_id ||
        store_case_get(app->store, NULL, case_id, &c, &err))
        return json_null();
    o = json_string(c.number);
    case_release(&c);
    return o;
}

static json_t *item_json(struct app *app, const struct scan *s, const struct period *week,
                         const struct hot_flag *f, json_t *numbers)
{
    struct hot_id id = {.grid = s->grid};
    char name[HOT_ID_MAX];
    struct hexcell c = hex_unkey(f->space);

    snprintf(id.week, sizeof(id.week), "%s", week->name);
    snprintf(id.category, sizeof(id.category), "%s", f->category);
    id.q = c.q;
    id.r = c.r;
    id.unit_id = f->space;
    hot_id_format(&id, name, sizeof(name));
    return json_pack("{s:s, s:o, s:I, s:f, s:f, s:b, s:o, s:O, s:o}", "id", name, "category",
                     category_json(app, f->category), "count", (json_int_t)f->count, "baseline",
                     f->baseline, "p", f->p, "flagged", f->flagged, "place",
                     place_json(app, s, f->space), "cases", numbers, "proactive_case",
                     proactive_json(app, name));
}

static const char *grid_name(int grid)
{
    return grid == HOT_HEX ? "hex" : unit_kind_name((enum unit_kind)grid);
}

json_t *hotspot_list(struct app *app, const struct kpi_config *cfg, const struct hot_query *q,
                     struct gz_err *err)
{
    struct scan s;
    json_t *items = NULL, *out = NULL;

    if (scan_init(app, cfg, &s, &q->week, q->grid, q->depth, err) ||
        scan_count(app, &s, &q->week, q->category, err))
        goto done;
    s.flags = calloc(q->limit ? q->limit : 1, sizeof(*s.flags));
    if (!s.flags || hot_detect(s.h, q->min_count, q->p, s.flags, q->limit, &s.nflags)) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        goto done;
    }
    if (scan_list(app, &s, &q->week, q->category, err))
        goto done;
    items = json_array();
    for (size_t i = 0; i < s.nflags; i++)
        json_array_append_new(items, item_json(app, &s, &q->week, &s.flags[i], s.numbers[i]));
    out = json_pack("{s:o, s:s, s:i, s:i, s:i, s:f, s:o}", "week", kpi_period_json(&q->week),
                    "grid", grid_name(q->grid), "depth", q->depth, "baseline_weeks", s.weeks,
                    "min_count", q->min_count, "p", q->p, "items", items);
done:
    scan_release(&s);
    return out;
}

json_t *hotspot_get(struct app *app, const struct kpi_config *cfg, const struct hot_id *id,
                    struct gz_err *err)
{
    struct period week;
    struct scan s;
    struct hot_flag f;
    int64_t space = id->grid == HOT_HEX ? hex_key((struct hexcell){id->q, id->r}) : id->unit_id;
    json_t *out = NULL;

    if (period_parse(id->week, 1, "id", &week, err) || week.kind != PERIOD_WEEK)
        return gz_fail(err, GZ_EBADREQ, "id", "a hotspot's week looks like 2026-W47"), NULL;
    if (scan_init(app, cfg, &s, &week, id->grid, (int)strlen(id->category) / 2, err) ||
        scan_count(app, &s, &week, id->category, err))
        goto done;
    hot_eval(s.h, space, id->category, cfg->hot_min_count, cfg->hot_p, &f);
    s.flags = malloc(sizeof(*s.flags));
    if (!s.flags) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        goto done;
    }
    s.flags[0] = f;
    s.nflags = 1;
    if (!scan_list(app, &s, &week, id->category, err))
        out = item_json(app, &s, &week, &f, s.numbers[0]);
done:
    scan_release(&s);
    return out;
}

/* ---- recurring locations ---- */

struct recur_set {
    struct recur_point *pts;
    json_t **numbers; /* case number per point */
    char (*cats)[CATEGORY_CODE_MAX + 1];
    size_t n, cap;
    json_t *items;
};

static int add_point(void *ctx, const struct hot_case *c)
{
    struct recur_set *r = ctx;

    if (c->lat == CASE_NO_COORD)
        return 0;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        void *a = realloc(r->pts, cap * sizeof(*r->pts)), *b, *d;
        if (!a)
            return 1;
        r->pts = a;
        if (!(b = realloc(r->numbers, cap * sizeof(*r->numbers))))
            return 1;
        r->numbers = b;
        if (!(d = realloc(r->cats, cap * sizeof(*r->cats))))
            return 1;
        r->cats = d;
        r->cap = cap;
    }
    r->pts[r->n] = (struct recur_point){c->lat, c->lon};
    r->numbers[r->n] = json_string(c->number);
    snprintf(r->cats[r->n], sizeof(r->cats[0]), "%s", c->category);
    r->n++;
    return 0;
}

static int on_cluster(void *ctx, const size_t *members, size_t n, double lat, double lon)
{
    struct recur_set *r = ctx;
    json_t *cases = json_array(), *cats = json_object();

    if (json_array_size(r->items) >= RECUR_MAX) {
        json_decref(cases);
        json_decref(cats);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *cat = r->cats[members[i]][0] ? r->cats[members[i]] : "-";
        json_t *have = json_object_get(cats, cat);
        json_object_set_new(cats, cat, json_integer(json_integer_value(have) + 1));
        if (i < RECUR_CASES)
            json_array_append(cases, r->numbers[members[i]]);
    }
    json_array_append_new(r->items, json_pack("{s:{s:f, s:f}, s:I, s:o, s:o}", "center", "lat", lat,
                                              "lon", lon, "count", (json_int_t)n, "categories",
                                              cats, "cases", cases));
    return 0;
}

json_t *hotspot_recurring(struct app *app, const struct kpi_config *cfg, int64_t until, int days,
                          const char *category, struct gz_err *err)
{
    struct recur_set r = {0};
    char first[16], last[16];
    json_t *out = NULL;
    int rc;

    r.items = json_array();
    rc = store_hot_cases(app->store, day_start(until - days), day_start(until), category, add_point,
                         &r, err);
    if (!rc)
        rc = recur_find(r.pts, r.n, cfg->recur_radius_m, cfg->recur_min, on_cluster, &r);
    if (!rc) {
        day_format(until - days, first, sizeof(first));
        day_format(until - 1, last, sizeof(last));
        out =
            json_pack("{s:s, s:s, s:f, s:i, s:O}", "first_day", first, "last_day", last, "radius_m",
                      cfg->recur_radius_m, "min_reports", cfg->recur_min, "items", r.items);
    } else if (!err->code) {
        gz_fail(err, rc, "", "out of memory");
    }
    for (size_t i = 0; i < r.n; i++)
        json_decref(r.numbers[i]);
    free(r.pts);
    free(r.numbers);
    free(r.cats);
    json_decref(r.items);
    return out;
}

/* ---- the month's top issues per area ---- */

struct top_row {
    int64_t unit, n;
    char cat[CATEGORY_CODE_MAX + 1];
};

struct top_set {
    struct top_row *r;
    size_t n, cap;
};

static int add_top(void *ctx, int64_t unit, const char *cat, int64_t n)
{
    struct top_set *t = ctx;

    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        struct top_row *m = realloc(t->r, cap * sizeof(*m));
        if (!m)
            return 1;
        t->r = m;
        t->cap = cap;
    }
    t->r[t->n].unit = unit;
    t->r[t->n].n = n;
    snprintf(t->r[t->n].cat, sizeof(t->r[t->n].cat), "%s", cat ? cat : "");
    t->n++;
    return 0;
}

static int top_cmp(const void *pa, const void *pb)
{
    const struct top_row *a = pa, *b = pb;

    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->cat, b->cat);
}

static int64_t top_find(const struct top_set *t, int64_t unit, const char *cat)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->r[i].unit == unit && strcmp(t->r[i].cat, cat) == 0)
            return t->r[i].n;
    return 0;
}

static json_t *top_unit(struct app *app, const struct top_set *cur, const struct top_set *prev,
                        size_t from, size_t to, int n)
{
    json_t *top = json_array();
    int64_t total = 0;
    struct unit u;
    struct gz_err err;
    json_t *unit;

    for (size_t i = from; i < to; i++)
        total += cur->r[i].n;
    for (size_t i = from; i < to && (int)(i - from) < n; i++) {
        int64_t before = top_find(prev, cur->r[i].unit, cur->r[i].cat);
        json_array_append_new(
            top, json_pack("{s:o, s:I, s:I, s:I}", "category", category_json(app, cur->r[i].cat),
                           "count", (json_int_t)cur->r[i].n, "previous", (json_int_t)before,
                           "change", (json_int_t)(cur->r[i].n - before)));
    }
    if (store_unit_get(app->store, cur->r[from].unit, &u, NULL, &err) == 0) {
        unit = kpi_unit_json(&u);
        unit_release(&u);
    } else {
        unit = json_pack("{s:I}", "id", (json_int_t)cur->r[from].unit);
    }
    return json_pack("{s:o, s:I, s:o}", "unit", unit, "total", (json_int_t)total, "top", top);
}

json_t *hotspot_top(struct app *app, const struct period *p, int level, int depth, int n,
                    struct gz_err *err)
{
    struct top_set cur = {0}, prev = {0};
    struct period before;
    json_t *items = NULL, *out = NULL;

    period_prev(p, &before);
    if (store_top_categories(app->store, level, depth, day_start(p->from), day_start(p->to),
                             add_top, &cur, err) ||
        store_top_categories(app->store, level, depth, day_start(before.from), day_start(before.to),
                             add_top, &prev, err))
        goto done;
    if (cur.n > 1)
        qsort(cur.r, cur.n, sizeof(*cur.r), top_cmp);
    items = json_array();
    for (size_t i = 0, j; i < cur.n; i = j) {
        for (j = i; j < cur.n && cur.r[j].unit == cur.r[i].unit; j++)
            ;
        json_array_append_new(items, top_unit(app, &cur, &prev, i, j, n));
    }
    out = json_pack("{s:o, s:o, s:s, s:i, s:o}", "period", kpi_period_json(p), "previous_period",
                    kpi_period_json(&before), "level", unit_kind_name((enum unit_kind)level),
                    "depth", depth, "items", items);
done:
    free(cur.r);
    free(prev.r);
    return out;
}
