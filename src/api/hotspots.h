/*
 * hotspots.h - proactive governance documents (DESIGN §7), shared by the API
 * (api/hotspots.c) and `gongzhi report`: a week's hotspots, recurring
 * locations and the month's top issues per area.
 */
#ifndef GZ_API_HOTSPOTS_H
#define GZ_API_HOTSPOTS_H

#include <jansson.h>
#include <stddef.h>

#include "api/api.h"
#include "core/hotspot.h"
#include "core/kpi.h"
#include "core/period.h"

struct gz_err;

struct hot_query {
    struct period week; /* the week under test */
    int grid;           /* HOT_HEX or a territorial level 1..4 */
    int depth;          /* category levels counted apart; 0: every category together */
    char category[CATEGORY_CODE_MAX + 1]; /* only codes under it ("" any) */
    int min_count;
    double p;
    size_t limit;
};

/* {week, grid, depth, baseline_weeks, items: [{id, category, count, baseline, p, place, cases,
   proactive_case}]}, most improbable first. */
json_t *hotspot_list(struct app *app, const struct kpi_config *cfg, const struct hot_query *q,
                     struct gz_err *err);
/* One hotspot by its name, flagged or not: the same item shape plus "flagged". */
json_t *hotspot_get(struct app *app, const struct kpi_config *cfg, const struct hot_id *id,
                    struct gz_err *err);
/* Clusters of >= cfg->recur_min reports within cfg->recur_radius_m over the days before
   `until` (exclusive, a local day). */
json_t *hotspot_recurring(struct app *app, const struct kpi_config *cfg, int64_t until, int days,
                          const char *category, struct gz_err *err);
/* Per unit of territorial `level`, its n most reported categories in p and their change. */
json_t *hotspot_top(struct app *app, const struct period *p, int level, int depth, int n,
                    struct gz_err *err);

#endif
