/*
 * effectiveness.c - the platform's reason to exist, measured along three
 * levers (issue 7): synergy, agility and responsiveness, for a unit (its
 * own cases, or the cases in its territory), a district or the whole
 * platform, with the change against the period before.
 *   GET /api/v1/effectiveness?period=2026-11[&unit=id|code]
 * Staff only (any role but resident).
 */
#include "gz.h"

#include "api/kpi_json.h"
#include "api/kpi_req.h"

static void get_effectiveness(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period per;
    struct unit u;
    struct gz_err err = {0};
    const char *unit = http_query(r, "unit");
    bool have = false;
    json_t *doc;

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p) || kpi_begin(r, app, &cfg) ||
        kpi_q_period(r, "period", &cfg, &per))
        return;
    if (unit && kpi_unit_ref(r, app, unit, "unit", false, &u))
        return;
    /* the root unit stands for the whole platform */
    have = unit && u.parent_id;
    doc = kpi_effectiveness(app, &cfg, &per, have ? &u : NULL, &err);
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, &err);
    if (unit)
        unit_release(&u);
}

int api_effectiveness_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/effectiveness", get_effectiveness);
}
