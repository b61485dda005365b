/*
 * joint.h - joint handling over HTTP (core/joint.h): who may act for which
 * party of a case, the joint fields of an action, the parties as JSON, and
 * the resources of claims:
 *   GET /api/v1/cases/{number}/units         every unit on the case and what it has done
 *   GET/PUT /api/v1/units/{id}/capabilities  what an outside unit takes on (categories, areas)
 *   GET /api/v1/claims/open?near=lat,lon[&radius=m][&unit=][&limit=]
 *   GET /api/v1/accounts/{id}/claims         an account's claims, completions and hours
 */
#ifndef GZ_API_JOINT_H
#define GZ_API_JOINT_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api_util.h"
#include "core/workflow.h"

/* Is a's scope one of joint handling's (decided by api_joint_may_act)? */
bool api_joint_scope(enum case_action a);

/*
 * The unit through which p may take in->action on c (0 when none): for the
 * party actions a party of the case in the action's role the caller acts for
 * (in->unit_id names it, or is set to the first that fits); with `strict`,
 * only a party whose state allows the action now.
 */
int64_t api_joint_may_act(struct app *app, const struct principal *p, const struct case_rec *c,
                          struct wf_input *in, bool strict);

/* May p claim c (an outside unit of p's matches it), though it cannot see it yet? */
bool api_joint_may_claim(struct app *app, const struct principal *p, const struct case_rec *c);

/*
 * Read the joint fields of an action from body into in (units, report_by or
 * minutes, unit, person, hours, photos, claimable) and what they need from
 * the city (the whistle window, the limits of a claim's category in *limits).
 */
int api_joint_parse(struct app *app, const json_t *body, const struct case_rec *c,
                    struct wf_input *in, struct sla_limits *limits, struct gz_err *err);

/* Every party of c: [{unit_id, code, name, role, state, ...}]. */
json_t *api_joint_units_json(const struct case_rec *c);
/* Ids of the whistled units still pending, NULL when none. */
json_t *api_joint_pending_json(const struct case_rec *c);

int api_joint_routes(struct router *r);

#endif
