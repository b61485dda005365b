/*
 * kpi_req.h - what the performance and proactive-governance handlers share:
 * who may read and change them, and their query parameters (each bad one a
 * 400 naming it).
 */
#ifndef GZ_KPI_REQ_H
#define GZ_KPI_REQ_H

#include <stdbool.h>

#include "api/api_util.h"
#include "core/kpi.h"
#include "core/period.h"

/* Signed in with a role of staff (anything but resident); else 403 answered, -1. */
int kpi_need_staff(struct http_req *r, const struct principal *p);
/* Holds one of `roles` (bit per enum role; admins always) in a unit without a parent. */
bool kpi_platform_role(struct app *app, const struct principal *p, unsigned roles);
/* The period named by query parameter `name` (required); -1 after answering 400. */
int kpi_q_period(struct http_req *r, const char *name, const struct kpi_config *cfg,
                 struct period *out);
/* A unit kind (default dflt when absent); -1 after answering 400. */
int kpi_q_kind(struct http_req *r, const char *name, enum unit_kind dflt, enum unit_kind *out);
/* An integer in [min, max] (dflt when absent); -1 after answering 400. */
int kpi_q_int(struct http_req *r, const char *name, long long min, long long max, long long dflt,
              long long *out);
/* A unit by id or code in a path or query value; 404 (path) or 400 (query) when unknown. */
int kpi_unit_ref(struct http_req *r, struct app *app, const char *value, const char *field,
                 bool path, struct unit *u);
/* Load the settings and bring the sums up to date; -1 after answering 500. */
int kpi_begin(struct http_req *r, struct app *app, struct kpi_config *cfg);

#endif
