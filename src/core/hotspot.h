/*
 * hotspot.h - proactive governance (DESIGN §7): where reports pile up.
 *
 * Hotspots. Reports are counted per place (a hexagonal cell or an area unit)
 * x category x week. A place-category's count in the week under test is
 * flagged when it reaches the minimum count and is improbable under a
 * Poisson law whose mean is that place-category's mean over the trailing
 * weeks: P(X >= count | mean) < p. A place without any report in the
 * trailing weeks has mean 0, so any count reaching the minimum is flagged
 * (p = 0).
 *
 * Recurring locations. Reports within a radius of each other (50 m) in a
 * window (30 days), at least k of them: clusters grown greedily from the
 * report with the most neighbours, each report in one cluster at most.
 *
 * A hotspot is named by a string that says how to find it again:
 *   "hex:2026-W47:0101:123:-45"   cell (q, r) = (123, -45), category 0101
 *   "street:2026-W47:0101:17"     unit 17 (a street), category 0101
 * (an empty category means every category).
 */
#ifndef GZ_HOTSPOT_H
#define GZ_HOTSPOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/taxonomy.h"

struct gz_err;

#define HOT_MAX_WEEKS 52
#define HOT_ID_MAX 96

/* P(X >= k) for X ~ Poisson(mean); 1 for k <= 0. */
double hot_poisson_tail(int64_t k, double mean);

/* ---- counting ---- */

struct hot_counter;
/* Counts for `weeks` trailing weeks (index 0 the oldest) and the week under test (index weeks). */
struct hot_counter *hot_counter_new(int weeks);
void hot_counter_free(struct hot_counter *h);
/* One report at place `space` in `category` ("" allowed) during week index w. GZ_ENOMEM. */
int hot_count(struct hot_counter *h, int64_t space, const char *category, int w)
    __attribute__((warn_unused_result));

struct hot_flag {
    int64_t space;
    char category[CATEGORY_CODE_MAX + 1];
    int64_t count;   /* in the week under test */
    double baseline; /* mean of the trailing weeks */
    double p;        /* P(X >= count | baseline) */
    bool flagged;
};
/* The figures of one place-category (count 0 when it has no report). */
void hot_eval(const struct hot_counter *h, int64_t space, const char *category, int min_count,
              double p_max, struct hot_flag *out);
/* The flagged place-categories, most improbable first (then the larger count). At most max;
 *n set. GZ_ENOMEM. */
int hot_detect(const struct hot_counter *h, int min_count, double p_max, struct hot_flag *out,
               size_t max, size_t *n) __attribute__((warn_unused_result));

/* ---- recurring locations ---- */

struct recur_point {
    double lat, lon;
};
/* One cluster: the indexes of its points, their centre. */
typedef int (*recur_fn)(void *ctx, const size_t *members, size_t n, double lat, double lon);
/* Clusters of >= min points within radius_m of their seed, largest first. GZ_ENOMEM. */
int recur_find(const struct recur_point *pts, size_t n, double radius_m, int min, recur_fn fn,
               void *ctx) __attribute__((warn_unused_result));

/* ---- names ---- */

enum hot_grid { HOT_HEX = 0 /* 1..4: the territorial level of an area unit */ };

struct hot_id {
    int grid;      /* HOT_HEX or a unit_kind_level 1..4 */
    char week[40]; /* PERIOD_NAME_MAX */
    char category[CATEGORY_CODE_MAX + 1];
    int32_t q, r;    /* hex */
    int64_t unit_id; /* area */
};
/* Parse a hotspot name; GZ_EBADREQ naming "id" when malformed (the week is checked by the
   caller). */
int hot_id_parse(const char *s, struct hot_id *out, struct gz_err *err)
    __attribute__((warn_unused_result));
void hot_id_format(const struct hot_id *id, char *out, size_t size);

#endif
