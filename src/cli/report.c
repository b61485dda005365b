/*
 * report.c - `gongzhi report --period 2026-11 [--level street] [--basis lead|area]
 * [--format html|csv] [--out FILE]`: the period's ranking, trend,
 * effectiveness, hotspots and top issues, gathered as the API's documents
 * (api/kpi_json.c, api/hotspots.h) so both show the same figures, then
 * rendered (report_html.c, report_csv in report_html.c).
 */
#include "gz.h"

#include "api/hotspots.h"
#include "api/kpi_json.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "core/calendar.h"
#include "store/store.h"

#define TREND_PERIODS 12
#define HOT_PER_WEEK 50

void report_release(struct report *r)
{
    json_decref(r->ranking);
    json_decref(r->trend);
    json_decref(r->effect_city);
    json_decref(r->effect);
    json_decref(r->hotspots);
    json_decref(r->top);
    json_decref(r->map);
    memset(r, 0, sizeof(*r));
}

static int root_name(void *ctx, const struct unit *u, const char *pc)
{
    char *name = ctx;
    size_t len = strlen(name);

    (void)pc;
    snprintf(name + len, GZ_MAX_NAME - len, "%s%s", len ? " / " : "", u->name);
    return 0;
}

/* The whole platform's last TREND_PERIODS periods. */
static json_t *city_trend(struct app *app, const struct kpi_config *cfg, const struct report *r,
                          struct gz_err *err)
{
    struct unit city;
    struct period first = r->per;

    unit_init(&city);
    city.id = KPI_CITY;
    city.kind = UNIT_CITY;
    snprintf(city.code, sizeof(city.code), "city");
    snprintf(city.name, sizeof(city.name), "%s", r->city);
    for (int i = 1; i < TREND_PERIODS; i++)
        period_prev(&first, &first);
    return kpi_trend(app, cfg, &city, KPI_AREA, &first, &r->per, err);
}

/* The effectiveness of every ranked unit, by code. */
static json_t *unit_effects(struct app *app, const struct kpi_config *cfg, const struct report *r,
                            struct gz_err *err)
{
    json_t *out = json_object(), *item;
    size_t i;

    json_array_foreach(json_object_get(r->ranking, "items"), i, item) {
        struct unit u;
        json_t *doc;
        int64_t id = json_integer_value(json_object_get(json_object_get(item, "unit"), "id"));
        if (store_unit_get(app->store, id, &u, NULL, err))
            break;
        doc = kpi_effectiveness(app, cfg, &r->per, &u, err);
        if (doc)
            json_object_set_new(out, u.code, doc);
        unit_release(&u);
        if (!doc)
            break;
    }
    if (err->code) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The flagged hexagons of every ISO week overlapping the period. */
static json_t *period_hotspots(struct app *app, const struct kpi_config *cfg,
                               const struct period *p, struct gz_err *err)
{
    struct hot_query q = {.grid = HOT_HEX,
                          .depth = 2,
                          .min_count = cfg->hot_min_count,
                          .p = cfg->hot_p,
                          .limit = HOT_PER_WEEK};
    json_t *all = json_array();

    for (period_at(PERIOD_WEEK, p->from, 1, &q.week); q.week.from < p->to;
         period_next(&q.week, &q.week)) {
        json_t *doc = hotspot_list(app, cfg, &q, err);
        if (!doc) {
            json_decref(all);
            return NULL;
        }
        json_array_extend(all, json_object_get(doc, "items"));
        json_decref(doc);
    }
    return all;
}

struct map_ctx {
    json_t *units;
    json_t *received; /* {id: received} */
};

static int add_received(void *ctx, int64_t unit, const struct kpi_counts *c)
{
    char key[32];

    snprintf(key, sizeof(key), "%lld", (long long)unit);
    json_object_set_new(ctx, key, json_integer(c->v[KPI_C_received]));
    return 0;
}

static int add_shape(void *ctx, const struct unit *u, const char *pc)
{
    struct map_ctx *m = ctx;
    char key[32];

    (void)pc;
    if (!u->jurisdiction)
        return 0;
    snprintf(key, sizeof(key), "%lld", (long long)u->id);
    json_array_append_new(
        m->units, json_pack("{s:s, s:s, s:I, s:o}", "code", u->code, "name", u->name, "received",
                            (json_int_t)json_integer_value(json_object_get(m->received, key)),
                            "geometry", json_loads(u->jurisdiction, 0, NULL)));
    return 0;
}

/* Jurisdictions of the level (or of the streets, for a functional level) with their volume. */
static json_t *map_units(struct app *app, const struct report *r, struct gz_err *err)
{
    enum unit_kind kind = unit_kind_level(r->level) >= 1 ? r->level : UNIT_STREET;
    struct unit_filter f = {.kind = (int)kind, .active = 1, .with_geometry = true};
    struct store_page pg = {.limit = GZ_MAX_PAGE};
    struct map_ctx m = {json_array(), json_object()};

    if (store_kpi_units(app->store, KPI_AREA, r->per.from, r->per.to, add_received, m.received,
                        err) ||
        store_unit_list(app->store, &f, &pg, add_shape, &m, err)) {
        json_decref(m.units);
        m.units = NULL;
    }
    json_decref(m.received);
    return m.units;
}

static int gather(struct app *app, const struct cli_opts *o, struct report *r, struct gz_err *err)
{
    struct kpi_config cfg;
    int level;

    if (kpi_prepare(app, &cfg, err) ||
        period_parse(o->period, cfg.start_day, "--period", &r->per, err))
        return err->code;
    level = unit_kind_parse(o->level ? o->level : "street");
    r->basis = o->basis ? kpi_basis_parse(o->basis) : kpi_default_basis((enum unit_kind)level);
    if (level <= UNIT_CITY)
        return gz_fail(err, GZ_EINVAL, "--level", "--level must be a kind of unit below the city");
    r->level = (enum unit_kind)level;
    if (r->basis < 0 || r->basis == KPI_CO ||
        (r->basis == KPI_AREA && unit_kind_level(r->level) < 1))
        return gz_fail(err, GZ_EINVAL, "--basis", "--basis must be lead, or area for a territory");
    if (!(r->ranking = kpi_ranking(app, &cfg, &r->per, r->level, r->basis, err)) ||
        !(r->trend = city_trend(app, &cfg, r, err)) ||
        !(r->effect_city = kpi_effectiveness(app, &cfg, &r->per, NULL, err)) ||
        !(r->effect = unit_effects(app, &cfg, r, err)) ||
        !(r->hotspots = period_hotspots(app, &cfg, &r->per, err)) ||
        !(r->map = map_units(app, r, err)))
        return err->code ? err->code : GZ_EIO;
    r->top = hotspot_top(app, &r->per,
                         unit_kind_level(r->level) >= 1 ? unit_kind_level(r->level) : 1, 2, 5, err);
    return r->top ? 0 : err->code;
}

static int write_out(const struct cli_opts *o, const struct report *r)
{
    bool csv = o->format && strcmp(o->format, "csv") == 0;
    FILE *f = o->out ? fopen(o->out, "w") : stdout;
    int rc;

    if (!f) {
        fprintf(stderr, "gongzhi: report: cannot write %s\n", o->out);
        return 1;
    }
    rc = csv ? report_csv(f, r) : report_html(f, r);
    if (o->out && fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "gongzhi: report: writing %s failed\n", o->out ? o->out : "the report");
    return rc ? 1 : 0;
}

int cmd_report(const struct cli_opts *o)
{
    struct unit_filter roots = {.kind = -1, .roots = true, .active = -1};
    struct store_page pg = {.limit = 16};
    char city[GZ_MAX_NAME] = "";
    struct report r;
    struct app app = {0};
    struct gz_err err = {0};
    int code = 0;

    if (!o->period || (o->format && strcmp(o->format, "html") && strcmp(o->format, "csv"))) {
        fprintf(stderr, "usage: gongzhi report --period 2026-11 [--level street] "
                        "[--basis lead|area] [--format html|csv] [--out FILE] [--db FILE]\n");
        return EXIT_USAGE;
    }
    memset(&r, 0, sizeof(r));
    if (!(app.store = cli_open_store(o, &code)))
        return code;
    if (!(app.cal = cli_load_calendar(app.store)) ||
        store_unit_list(app.store, &roots, &pg, root_name, city, &err)) {
        code = 1;
    } else {
        r.city = city;
        if (gather(&app, o, &r, &err)) {
            fprintf(stderr, "gongzhi: report: %s%s%s\n", err.field, err.field[0] ? ": " : "",
                    err.msg);
            code = err.code == GZ_EBADREQ || err.code == GZ_EINVAL ? EXIT_USAGE : 1;
        } else {
            code = write_out(o, &r);
        }
    }
    report_release(&r);
    cal_free(app.cal);
    store_close(app.store);
    return code;
}
