/*
 * kpi_json.h - the performance documents (DESIGN §6): a period's ranking of
 * the units of one level, a unit's trend, and effectiveness along the three
 * levers, built from the store's sums and core/kpi.c. The API answers them
 * as they are and `gongzhi report` renders the same documents, so the
 * report's figures are the API's by construction.
 *
 * Every rate is a number in [0, 1] or null when it has no denominator;
 * durations are seconds (medians and p90s read from histograms, within a
 * factor 2^(1/4)).
 */
#ifndef GZ_KPI_JSON_H
#define GZ_KPI_JSON_H

#include <jansson.h>

#include "api/api.h"
#include "core/kpi.h"
#include "core/period.h"
#include "core/unit.h"

struct gz_err;

/* The city's assessment settings (settings 'kpi.config'; the defaults when unset). */
int kpi_config_load(struct store *s, struct kpi_config *cfg, struct gz_err *err)
    __attribute__((warn_unused_result));
int kpi_config_store(struct store *s, const struct kpi_config *cfg, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The settings, and the sums brought up to date in the city's zone: call before reading. */
int kpi_prepare(struct app *app, struct kpi_config *cfg, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Territorial levels count the cases in them (area); others the cases they lead. */
int kpi_default_basis(enum unit_kind kind);
const char *kpi_basis_name(int basis);
int kpi_basis_parse(const char *s); /* -1 when unknown */

/* {name, kind, first_day, last_day, start, end}: end is exclusive, both RFC 3339. */
json_t *kpi_period_json(const struct period *p);
/* {id, code, name, name_en, kind} */
json_t *kpi_unit_json(const struct unit *u);
/* A double, or null for NAN. */
json_t *kpi_num(double d);

/*
 * The ranking of every active unit of kind `level` over period p on `basis`:
 * {period, level, basis, weights, flag_below, items: [{rank, unit, score,
 * flagged, volume, indicators, volumes, counts, co?}]}, best first.
 */
json_t *kpi_ranking(struct app *app, const struct kpi_config *cfg, const struct period *p,
                    enum unit_kind level, int basis, struct gz_err *err);
/* One unit's figures period by period from `first` to `last` (same kind): {unit, basis, by,
   items: [{period, score, indicators, volumes, counts}]}. At most KPI_TREND_MAX periods. */
#define KPI_TREND_MAX 800
json_t *kpi_trend(struct app *app, const struct kpi_config *cfg, const struct unit *u, int basis,
                  const struct period *first, const struct period *last, struct gz_err *err);
/*
 * Effectiveness of unit u (NULL: the whole platform) in p and the period
 * before: {period, previous_period, scope, current, previous, change}, each
 * of current/previous/change {synergy, agility, responsiveness}.
 */
json_t *kpi_effectiveness(struct app *app, const struct kpi_config *cfg, const struct period *p,
                          const struct unit *u, struct gz_err *err);

#endif
