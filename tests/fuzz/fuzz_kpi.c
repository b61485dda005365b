/*
 * fuzz_kpi.c - the parsers of the performance and hotspot API: period names
 * (period_parse, with each start day the first byte picks), hotspot names
 * (hot_id_parse) and the assessment settings (kpi_config_apply on a JSON
 * body). A parsed period is a non-empty day range whose name parses back to
 * it; a parsed hotspot name formats to a name that parses to the same
 * hotspot; applied settings stay in their ranges and read back the same.
 */
#include "gz.h"

#include <math.h>

#include "core/hotspot.h"
#include "core/kpi.h"
#include "core/period.h"
#include "fuzz.h"

static void period_case(const char *s, int start_day)
{
    struct period p, q, r;
    struct gz_err err = {0};

    if (period_parse(s, start_day, "period", &p, &err))
        return;
    FUZZ_CHECK(p.from < p.to && p.to - p.from <= 366);
    FUZZ_CHECK(period_parse(p.name, start_day, "period", &q, &err) == 0);
    FUZZ_CHECK(q.from == p.from && q.to == p.to && q.kind == p.kind);
    period_prev(&p, &r);
    FUZZ_CHECK(r.to == p.from);
    period_next(&p, &r);
    FUZZ_CHECK(r.from == p.to);
}

static void hotspot_case(const char *s)
{
    struct hot_id id, back;
    struct gz_err err = {0};
    char out[HOT_ID_MAX];

    if (hot_id_parse(s, &id, &err))
        return;
    hot_id_format(&id, out, sizeof(out));
    FUZZ_CHECK(hot_id_parse(out, &back, &err) == 0);
    FUZZ_CHECK(back.grid == id.grid && back.q == id.q && back.r == id.r &&
               back.unit_id == id.unit_id && strcmp(back.week, id.week) == 0 &&
               strcmp(back.category, id.category) == 0);
}

static void config_case(const uint8_t *data, size_t size)
{
    json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    struct kpi_config c, back;
    struct gz_err err = {0};
    json_t *j;
    double sum = 0;

    if (!o)
        return;
    kpi_config_default(&c);
    if (kpi_config_apply(&c, o, &err) == 0) {
        FUZZ_CHECK(c.start_day >= 1 && c.start_day <= PERIOD_START_MAX);
        for (size_t i = 0; i < c.n_weights; i++)
            sum += c.weights[i].weight;
        FUZZ_CHECK(fabs(sum - 1.0) < 1e-6);
        j = kpi_config_json(&c);
        kpi_config_default(&back);
        FUZZ_CHECK(kpi_config_apply(&back, j, &err) == 0);
        FUZZ_CHECK(back.start_day == c.start_day && back.n_weights == c.n_weights);
        json_decref(j);
    }
    json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = fuzz_strndup(data, size);

    period_case(copy, size ? 1 + data[0] % PERIOD_START_MAX : 1);
    if (size > 1)
        period_case(copy + 1, 1 + data[0] % PERIOD_START_MAX);
    hotspot_case(copy);
    config_case(data, size);
    free(copy);
    return 0;
}
