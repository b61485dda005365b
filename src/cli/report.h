/*
 * report.h - the period report (issue 7, item 5): what `gongzhi report`
 * gathers, as the API's own documents, and its two renderings.
 */
#ifndef GZ_REPORT_H
#define GZ_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "core/period.h"
#include "core/unit.h"

struct report {
    const char *city; /* the root unit's name */
    struct period per;
    enum unit_kind level;
    int basis;
    json_t *ranking;     /* GET /api/v1/kpi */
    json_t *trend;       /* the whole platform's last periods (kpi_trend on area basis) */
    json_t *effect_city; /* GET /api/v1/effectiveness */
    json_t *effect;      /* {code: effectiveness of each ranked unit} */
    json_t *hotspots;    /* flagged hexagons of the period's weeks (hotspot items) */
    json_t *top;         /* GET /api/v1/hotspots/top, or null */
    json_t *map;         /* [{code, name, received, geometry}] of a territorial level */
};

void report_release(struct report *r);
/* Self-contained HTML: tables, inline SVG charts and map, no external resource. */
int report_html(FILE *f, const struct report *r);
/* The ranking with every figure, one row per unit (RFC 4180, UTF-8). */
int report_csv(FILE *f, const struct report *r);

#endif
