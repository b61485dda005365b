/*
 * kpi_json.c - rankings, trends and effectiveness as JSON (see kpi_json.h).
 * Sums come from the store per unit (a ranking) or per day (a trend, grouped
 * here into periods); rates, scores and ranks from core/kpi.c.
 */
#include "gz.h"

#include <math.h>

#include "api/api_util.h"
#include "api/kpi_json.h"
#include "core/calendar.h"

/* ---- settings ---- */

int kpi_config_load(struct store *s, struct kpi_config *cfg, struct gz_err *err)
{
    char text[4096];
    json_t *o;
    int rc;

    kpi_config_default(cfg);
    rc = store_setting_get(s, "kpi.config", text, sizeof(text), err);
    if (rc == GZ_ENOTFOUND) {
        gz_err_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    o = json_loads(text, 0, NULL);
    rc = o ? kpi_config_apply(cfg, o, err) : gz_fail(err, GZ_EIO, "", "kpi.config is not JSON");
    json_decref(o);
    return rc;
}

int kpi_config_store(struct store *s, const struct kpi_config *cfg, struct gz_err *err)
{
    json_t *o = kpi_config_json(cfg);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = text ? store_setting_set(s, "kpi.config", text, err)
                  : gz_fail(err, GZ_ENOMEM, "", "out of memory");

    free(text);
    json_decref(o);
    return rc;
}

int kpi_prepare(struct app *app, struct kpi_config *cfg, struct gz_err *err)
{
    int rc = kpi_config_load(app->store, cfg, err);

    return rc ? rc : store_kpi_sync(app->store, cal_tz(app->cal), &cfg->limits, err);
}

/* ---- small shapes ---- */

static const char *const basis_names[KPI_BASIS_COUNT] = {"lead", "co", "area"};

int kpi_default_basis(enum unit_kind kind)
{
    return unit_kind_level(kind) >= 1 ? KPI_AREA : KPI_LEAD;
}

const char *kpi_basis_name(int basis)
{
    return basis >= 0 && basis < KPI_BASIS_COUNT ? basis_names[basis] : "unknown";
}

int kpi_basis_parse(const char *s)
{
    for (int i = 0; i < KPI_BASIS_COUNT; i++)
        if (strcmp(s, basis_names[i]) == 0)
            return i;
    return -1;
}

json_t *kpi_num(double d)
{
    return isnan(d) || isinf(d) ? json_null() : json_real(d);
}

json_t *kpi_period_json(const struct period *p)
{
    char first[16], last[16];

    day_format(p->from, first, sizeof(first));
    day_format(p->to - 1, last, sizeof(last));
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "name", p->name, "kind",
                     period_kind_name(p->kind), "first_day", first, "last_day", last, "start",
                     api_time(day_start(p->from)), "end", api_time(day_start(p->to)));
}

json_t *kpi_unit_json(const struct unit *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->id, "code", u->code, "name",
                     u->name, "name_en", u->name_en, "kind", unit_kind_name(u->kind));
}

static json_t *counts_json(const struct kpi_counts *c)
{
    json_t *o = json_object();

    for (int i = 0; i < KPI_NCOUNTERS; i++)
        json_object_set_new(o, kpi_counter_names[i], json_integer(c->v[i]));
    return o;
}

/* {score, indicators, volumes, counts} of one block of sums. */
static json_t *figures_json(const struct kpi_counts *c, const struct kpi_hist *h,
                            const struct kpi_config *cfg)
{
    json_t *ind = json_object();
    const int64_t *v = c->v;

    for (int i = 0; i < KPI_NINDICATORS; i++)
        json_object_set_new(ind, kpi_indicator_name((enum kpi_indicator)i),
                            kpi_num(kpi_rate(c, (enum kpi_indicator)i)));
    json_object_set_new(ind, "mean_handling_s", kpi_num(kpi_mean_handling(c)));
    json_object_set_new(ind, "p90_handling_s",
                        kpi_num(h ? kpi_quantile(h->n[KPI_M_HANDLING], 0.9) : NAN));
    return json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "score",
                     kpi_num(kpi_score(c, cfg)), "indicators", ind, "volumes", "received",
                     (json_int_t)v[KPI_C_received], "dispatched", (json_int_t)v[KPI_C_dispatched],
                     "resolved", (json_int_t)v[KPI_C_resolved], "closed",
                     (json_int_t)v[KPI_C_closed], "rated", (json_int_t)v[KPI_C_rated], "due",
                     (json_int_t)v[KPI_C_due], "counts", counts_json(c));
}

static json_t *weights_json(const struct kpi_config *cfg)
{
    json_t *w = json_object();

    for (size_t i = 0; i < cfg->n_weights; i++)
        json_object_set_new(w, kpi_indicator_name(cfg->weights[i].indicator),
                            json_real(cfg->weights[i].weight));
    return w;
}

/* ---- a ranking ---- */

struct row {
    struct unit u;
    struct kpi_counts c, co;
    struct kpi_hist h;
};

struct rows {
    struct row *r;
    size_t n, cap;
};

static int add_row(void *ctx, const struct unit *u, const char *pc)
{
    struct rows *x = ctx;

    (void)pc;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        struct row *m = realloc(x->r, cap * sizeof(*m));
        if (!m)
            return 1;
        x->r = m;
        x->cap = cap;
    }
    memset(&x->r[x->n], 0, sizeof(x->r[x->n]));
    x->r[x->n].u = *u;
    x->r[x->n].u.jurisdiction = NULL;
    x->n++;
    return 0;
}

/* Every active unit of a kind, in id order. */
static int load_rows(struct store *s, enum unit_kind kind, struct rows *x, struct gz_err *err)
{
    struct unit_filter f = {.kind = (int)kind, .active = 1};
    struct store_page pg = {.limit = GZ_MAX_PAGE};
    size_t before;

    do {
        before = x->n;
        if (store_unit_list(s, &f, &pg, add_row, x, err))
            return err->code;
        if (x->n > before)
            pg.after_id = x->r[x->n - 1].u.id;
    } while (x->n - before == (size_t)pg.limit);
    return 0;
}

static struct row *find_row(struct rows *x, int64_t id)
{
    size_t lo = 0, hi = x->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->r[mid].u.id == id)
            return &x->r[mid];
        if (x->r[mid].u.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int take_counts(void *ctx, int64_t unit, const struct kpi_counts *c)
{
    struct row *r = find_row(ctx, unit);

    if (r)
        kpi_counts_add(&r->c, c);
    return 0;
}

static int take_co(void *ctx, int64_t unit, const struct kpi_counts *c)
{
    struct row *r = find_row(ctx, unit);

    if (r)
        kpi_counts_add(&r->co, c);
    return 0;
}

static int take_hist(void *ctx, int64_t unit, int metric, int bin, int64_t n)
{
    struct row *r = find_row(ctx, unit);

    if (r)
        kpi_hist_add(&r->h, metric, bin, n);
    return 0;
}

static int fill_rows(struct store *s, struct rows *x, int basis, const struct period *p,
                     struct gz_err *err)
{
    if (store_kpi_units(s, basis, p->from, p->to, take_counts, x, err) ||
        store_kpi_hist_units(s, basis, p->from, p->to, take_hist, x, err) ||
        (basis == KPI_LEAD && store_kpi_units(s, KPI_CO, p->from, p->to, take_co, x, err)))
        return err->code ? err->code : GZ_EIO;
    return 0;
}

static json_t *ranked_item(const struct row *r, const struct kpi_rank_item *it, int basis,
                           const struct kpi_config *cfg)
{
    json_t *o = figures_json(&r->c, &r->h, cfg);

    json_object_set_new(o, "rank", it->rank ? json_integer(it->rank) : json_null());
    json_object_set_new(o, "unit", kpi_unit_json(&r->u));
    json_object_set_new(o, "volume", json_integer(it->volume));
    json_object_set_new(
        o, "flagged",
        json_boolean(!isnan(it->score) && !isnan(cfg->flag_below) && it->score < cfg->flag_below));
    if (basis == KPI_LEAD)
        json_object_set_new(o, "co", figures_json(&r->co, NULL, cfg));
    return o;
}

static json_t *rank_rows(struct rows *x, int basis, const struct kpi_config *cfg)
{
    struct kpi_rank_item *items = calloc(x->n ? x->n : 1, sizeof(*items));
    json_t *out = json_array();

    if (!items)
        return out;
    for (size_t i = 0; i < x->n; i++) {
        const struct kpi_counts *c = &x->r[i].c;
        items[i].score = kpi_score(c, cfg);
        items[i].volume = c->v[basis == KPI_AREA ? KPI_C_received : KPI_C_dispatched];
        items[i].code = x->r[i].u.code;
        items[i].index = i;
    }
    kpi_rank(items, x->n);
    for (size_t i = 0; i < x->n; i++)
        json_array_append_new(out, ranked_item(&x->r[items[i].index], &items[i], basis, cfg));
    free(items);
    return out;
}

json_t *kpi_ranking(struct app *app, const struct kpi_config *cfg, const struct period *p,
                    enum unit_kind level, int basis, struct gz_err *err)
{
    struct rows x = {0};
    json_t *out = NULL;

    if (!load_rows(app->store, level, &x, err) && !fill_rows(app->store, &x, basis, p, err))
        out = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "period", kpi_period_json(p), "level",
                        unit_kind_name(level), "basis", kpi_basis_name(basis), "weights",
                        weights_json(cfg), "flag_below", kpi_num(cfg->flag_below), "items",
                        rank_rows(&x, basis, cfg));
    free(x.r);
    return out;
}

/* ---- a trend ---- */

struct bucket {
    struct period p;
    struct kpi_counts c;
    struct kpi_hist h;
};

struct trend {
    struct bucket *b;
    size_t n;
};

static struct bucket *bucket_of(struct trend *t, int64_t day)
{
    size_t lo = 0, hi = t->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (day < t->b[mid].p.from)
            hi = mid;
        else if (day >= t->b[mid].p.to)
            lo = mid + 1;
        else
            return &t->b[mid];
    }
    return NULL;
}

static int trend_counts(void *ctx, int64_t day, const struct kpi_counts *c)
{
    struct bucket *b = bucket_of(ctx, day);

    if (b)
        kpi_counts_add(&b->c, c);
    return 0;
}

static int trend_hist(void *ctx, int64_t day, int metric, int bin, int64_t n)
{
    struct bucket *b = bucket_of(ctx, day);

    if (b)
        kpi_hist_add(&b->h, metric, bin, n);
    return 0;
}

json_t *kpi_trend(struct app *app, const struct kpi_config *cfg, const struct unit *u, int basis,
                  const struct period *first, const struct period *last, struct gz_err *err)
{
    struct trend t = {calloc(KPI_TREND_MAX, sizeof(struct bucket)), 0};
    struct period p = *first;
    json_t *items, *out = NULL;

    if (!t.b)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    for (; p.from <= last->from; period_next(&p, &p)) {
        if (t.n == KPI_TREND_MAX) {
            free(t.b);
            return gz_fail(err, GZ_EBADREQ, "to", "at most %d periods at a time", KPI_TREND_MAX),
                   NULL;
        }
        t.b[t.n++].p = p;
    }
    if (!store_kpi_days(app->store, u->id, basis, first->from, last->to, trend_counts, &t, err) &&
        !store_kpi_hist_days(app->store, u->id, basis, first->from, last->to, trend_hist, &t,
                             err)) {
        items = json_array();
        for (size_t i = 0; i < t.n; i++) {
            json_t *o = figures_json(&t.b[i].c, &t.b[i].h, cfg);
            json_object_set_new(o, "period", kpi_period_json(&t.b[i].p));
            json_array_append_new(items, o);
        }
        out = json_pack("{s:o, s:s, s:s, s:o}", "unit", kpi_unit_json(u), "basis",
                        kpi_basis_name(basis), "by", period_kind_name(first->kind), "items", items);
    }
    free(t.b);
    return out;
}

/* ---- effectiveness ---- */

struct one {
    struct kpi_counts c;
    struct kpi_hist h;
};

static int one_counts(void *ctx, int64_t day, const struct kpi_counts *c)
{
    struct one *o = ctx;

    (void)day;
    kpi_counts_add(&o->c, c);
    return 0;
}

static int one_hist(void *ctx, int64_t day, int metric, int bin, int64_t n)
{
    struct one *o = ctx;

    (void)day;
    kpi_hist_add(&o->h, metric, bin, n);
    return 0;
}

static int one_load(struct store *s, int64_t unit, int basis, const struct period *p, struct one *o,
                    struct gz_err *err)
{
    memset(o, 0, sizeof(*o));
    if (store_kpi_days(s, unit, basis, p->from, p->to, one_counts, o, err) ||
        store_kpi_hist_days(s, unit, basis, p->from, p->to, one_hist, o, err))
        return err->code ? err->code : GZ_EIO;
    return 0;
}

/* The three levers of one block of sums, as numbers (NAN for null), in a fixed order. */
#define LEVER_N 13
static void levers(const struct one *o, double v[LEVER_N])
{
    v[0] = kpi_rate(&o->c, KPI_JOINT);
    v[1] = kpi_rate(&o->c, KPI_WHISTLE);
    v[2] = (double)o->c.v[KPI_C_claims];
    v[3] = (double)o->c.v[KPI_C_claims_done];
    for (int m = KPI_M_TO_DISPATCH; m <= KPI_M_TO_REPLY; m++) {
        v[4 + 2 * (m - KPI_M_TO_DISPATCH)] = kpi_quantile(o->h.n[m], 0.5);
        v[5 + 2 * (m - KPI_M_TO_DISPATCH)] = kpi_quantile(o->h.n[m], 0.9);
    }
    v[10] = kpi_rate(&o->c, KPI_RESPONSE);
    v[11] = kpi_rate(&o->c, KPI_RESOLUTION);
    v[12] = kpi_rate(&o->c, KPI_SATISFACTION);
}

static json_t *levers_json(const double v[LEVER_N], double first_contact)
{
    return json_pack("{s:{s:o, s:o, s:o, s:o}, s:{s:{s:o, s:o}, s:{s:o, s:o}, s:{s:o, s:o}},"
                     " s:{s:o, s:o, s:o, s:o}}",
                     "synergy", "joint_share", kpi_num(v[0]), "whistle_report_rate", kpi_num(v[1]),
                     "claims", kpi_num(v[2]), "claims_completed", kpi_num(v[3]), "agility",
                     "intake_to_dispatch", "median_s", kpi_num(v[4]), "p90_s", kpi_num(v[5]),
                     "dispatch_to_response", "median_s", kpi_num(v[6]), "p90_s", kpi_num(v[7]),
                     "response_to_reply", "median_s", kpi_num(v[8]), "p90_s", kpi_num(v[9]),
                     "responsiveness", "response_rate", kpi_num(v[10]), "resolution_rate",
                     kpi_num(v[11]), "satisfaction_rate", kpi_num(v[12]), "first_contact_share",
                     kpi_num(first_contact));
}

json_t *kpi_effectiveness(struct app *app, const struct kpi_config *cfg, const struct period *p,
                          const struct unit *u, struct gz_err *err)
{
    int basis = u ? kpi_default_basis(u->kind) : KPI_AREA;
    int64_t unit = u ? u->id : KPI_CITY;
    double a[LEVER_N], b[LEVER_N], d[LEVER_N], fa, fb;
    struct period prev;
    struct one cur, old;
    json_t *scope;

    (void)cfg;
    period_prev(p, &prev);
    if (one_load(app->store, unit, basis, p, &cur, err) ||
        one_load(app->store, unit, basis, &prev, &old, err))
        return NULL;
    levers(&cur, a);
    levers(&old, b);
    for (int i = 0; i < LEVER_N; i++)
        d[i] = a[i] - b[i]; /* NAN when either is */
    fa = basis == KPI_AREA ? kpi_rate(&cur.c, KPI_FIRST_CONTACT) : NAN;
    fb = basis == KPI_AREA ? kpi_rate(&old.c, KPI_FIRST_CONTACT) : NAN;
    scope = json_pack("{s:s, s:s, s:o}", "kind", u ? "unit" : "city", "basis",
                      kpi_basis_name(basis), "unit", u ? kpi_unit_json(u) : json_null());
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "period", kpi_period_json(p),
                     "previous_period", kpi_period_json(&prev), "scope", scope, "current",
                     levers_json(a, fa), "previous", levers_json(b, fb), "change",
                     levers_json(d, fa - fb));
}
