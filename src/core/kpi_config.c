/*
 * kpi_config.c - the city's assessment settings (struct kpi_config, see
 * kpi.h): defaults, reading them from JSON with an error naming the member,
 * and writing them back.
 */
#include "gz.h"

#include <math.h>

#include "core/kpi.h"
#include "core/period.h"
#include "util/json.h"

#define MINUTE 60
#define MAX_LIMIT_MINUTES (366 * 24 * 60)

void kpi_config_default(struct kpi_config *c)
{
    memset(c, 0, sizeof(*c));
    c->start_day = 1;
    c->n_weights = 3;
    /* Beijing's monthly street ranking (DESIGN §6) */
    c->weights[0].indicator = KPI_RESPONSE;
    c->weights[0].weight = 0.10;
    c->weights[1].indicator = KPI_RESOLUTION;
    c->weights[1].weight = 0.50;
    c->weights[2].indicator = KPI_SATISFACTION;
    c->weights[2].weight = 0.40;
    c->flag_below = 60.0;
    c->limits.whistle_s = 30 * MINUTE;
    c->limits.dispatch_s = 120 * MINUTE;
    c->limits.verify_s = 24 * 60 * MINUTE;
    c->hex_m = 250.0;
    c->hot_weeks = 8;
    c->hot_min_count = 5;
    c->hot_p = 0.01;
    c->recur_radius_m = 50.0;
    c->recur_days = 30;
    c->recur_min = 3;
}

static int get_number(const json_t *o, const char *key, double min, double max, double *out,
                      struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);
    double d;

    if (!v)
        return 0;
    d = json_number_value(v);
    if (!json_is_number(v) || !isfinite(d) || d < min || d > max)
        return gz_fail(err, GZ_EINVAL, key, "%s must be a number from %g to %g", key, min, max);
    *out = d;
    return 0;
}

static int get_int(const json_t *o, const char *key, int min, int max, int *out, struct gz_err *err)
{
    int64_t v = *out;
    int rc = json_get_int(o, key, min, max, &v, false, err);

    if (rc < 0)
        return rc;
    *out = (int)v;
    return 0;
}

static int get_minutes(const json_t *o, const char *key, int64_t *seconds, struct gz_err *err)
{
    int minutes = (int)(*seconds / MINUTE);
    int rc = get_int(o, key, 1, MAX_LIMIT_MINUTES, &minutes, err);

    if (!rc)
        *seconds = (int64_t)minutes * MINUTE;
    return rc;
}

/* {"response_rate": 0.1, ...}: known indicators, weights in [0, 1] adding up to 1. */
static int get_weights(const json_t *o, struct kpi_config *c, struct gz_err *err)
{
    const json_t *w = json_object_get(o, "weights"), *v;
    const char *name;
    double sum = 0.0;
    size_t n = 0;

    if (!w)
        return 0;
    if (!json_is_object(w) || !json_object_size(w))
        return gz_fail(err, GZ_EINVAL, "weights", "weights must be an object of indicator: weight");
    json_object_foreach((json_t *)w, name, v) {
        int ind = kpi_indicator_parse(name);
        double d = json_number_value(v);
        if (ind < 0)
            return gz_fail(err, GZ_EINVAL, "weights", "unknown indicator %s", name);
        if (!json_is_number(v) || !isfinite(d) || d < 0.0 || d > 1.0)
            return gz_fail(err, GZ_EINVAL, "weights", "the weight of %s must be from 0 to 1", name);
        c->weights[n].indicator = (enum kpi_indicator)ind;
        c->weights[n++].weight = d;
        sum += d;
    }
    if (fabs(sum - 1.0) > 1e-9)
        return gz_fail(err, GZ_EINVAL, "weights",
                       "the weights must add up to 1 (they add up to %g)", sum);
    c->n_weights = n;
    return 0;
}

static int get_flag(const json_t *o, struct kpi_config *c, struct gz_err *err)
{
    const json_t *v = json_object_get(o, "flag_below");

    if (v && json_is_null(v)) {
        c->flag_below = NAN;
        return 0;
    }
    return get_number(o, "flag_below", 0.0, 100.0, &c->flag_below, err);
}

int kpi_config_apply(struct kpi_config *c, const json_t *o, struct gz_err *err)
{
    static const char *const keys[] = {"period_start_day",
                                       "weights",
                                       "flag_below",
                                       "whistle_limit_minutes",
                                       "dispatch_limit_minutes",
                                       "verify_limit_minutes",
                                       "hex_m",
                                       "hotspot_weeks",
                                       "hotspot_min_count",
                                       "hotspot_p",
                                       "recurring_radius_m",
                                       "recurring_days",
                                       "recurring_min",
                                       NULL};
    struct kpi_config n = *c;

    if (!json_is_object(o))
        return gz_fail(err, GZ_EINVAL, "body", "the settings must be a JSON object");
    if (json_check_keys(o, keys, err) ||
        get_int(o, "period_start_day", 1, PERIOD_START_MAX, &n.start_day, err) ||
        get_weights(o, &n, err) || get_flag(o, &n, err) ||
        get_minutes(o, "whistle_limit_minutes", &n.limits.whistle_s, err) ||
        get_minutes(o, "dispatch_limit_minutes", &n.limits.dispatch_s, err) ||
        get_minutes(o, "verify_limit_minutes", &n.limits.verify_s, err) ||
        get_number(o, "hex_m", 50.0, 5000.0, &n.hex_m, err) ||
        get_int(o, "hotspot_weeks", 1, 52, &n.hot_weeks, err) ||
        get_int(o, "hotspot_min_count", 1, 100000, &n.hot_min_count, err) ||
        get_number(o, "hotspot_p", 1e-12, 0.5, &n.hot_p, err) ||
        get_number(o, "recurring_radius_m", 5.0, 1000.0, &n.recur_radius_m, err) ||
        get_int(o, "recurring_days", 1, 366, &n.recur_days, err) ||
        get_int(o, "recurring_min", 2, 100000, &n.recur_min, err))
        return err->code ? err->code : GZ_EINVAL;
    *c = n;
    return 0;
}

json_t *kpi_config_json(const struct kpi_config *c)
{
    json_t *w = json_object();

    for (size_t i = 0; i < c->n_weights; i++)
        json_object_set_new(w, kpi_indicator_name(c->weights[i].indicator),
                            json_real(c->weights[i].weight));
    return json_pack("{s:i, s:o, s:o, s:I, s:I, s:I, s:f, s:i, s:i, s:f, s:f, s:i, s:i}",
                     "period_start_day", c->start_day, "weights", w, "flag_below",
                     isnan(c->flag_below) ? json_null() : json_real(c->flag_below),
                     "whistle_limit_minutes", (json_int_t)(c->limits.whistle_s / MINUTE),
                     "dispatch_limit_minutes", (json_int_t)(c->limits.dispatch_s / MINUTE),
                     "verify_limit_minutes", (json_int_t)(c->limits.verify_s / MINUTE), "hex_m",
                     c->hex_m, "hotspot_weeks", c->hot_weeks, "hotspot_min_count", c->hot_min_count,
                     "hotspot_p", c->hot_p, "recurring_radius_m", c->recur_radius_m,
                     "recurring_days", c->recur_days, "recurring_min", c->recur_min);
}

void kpi_limits_key(const struct kpi_limits *l, char *out, size_t size)
{
    snprintf(out, size, "%lld/%lld/%lld", (long long)l->whistle_s, (long long)l->dispatch_s,
             (long long)l->verify_s);
}
