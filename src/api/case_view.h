/*
 * case_view.h - cases as JSON, and who may see which case. Personal data
 * (reporter name and phone) is shown whole only to admins and to the
 * operator who took the call; others see a masked phone and no name.
 */
#ifndef GZ_CASE_VIEW_H
#define GZ_CASE_VIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api_util.h"
#include "core/audit.h"
#include "core/case.h"

/* The list form. */
json_t *view_case_summary(const struct case_rec *c, bool full_pii);
/* The full form, with the actions `allowed` (bit per enum case_action) for this caller. */
json_t *view_case(const struct case_rec *c, bool full_pii, unsigned allowed);
/* One timeline entry; internal notes only when `internal` (members of units). */
json_t *view_event(const struct event *e, bool internal);

/*
 * Which cases p may see: 0 with *units = NULL for every case (operators,
 * dispatchers, supervisors and admins of a root unit); 0 with a list
 * (http_alloc'd, possibly empty) of units whose subtrees p's cases must touch
 * — besides the cases p reported or took in; nonzero after answering an error.
 */
int api_case_visibility(struct http_req *r, struct app *app, const struct principal *p,
                        int64_t **units, size_t *n);
/* May p see case c? (Its reporter may, too.) */
bool api_case_visible(struct app *app, const struct principal *p, const struct case_rec *c);
/* Does p see c's personal data whole? */
bool api_case_full_pii(struct app *app, const struct principal *p, const struct case_rec *c);

#endif
