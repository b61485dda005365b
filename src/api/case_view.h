/*
 * case_view.h - cases as JSON, and who may see which case and its personal
 * data (DESIGN §8). The reporter's name and phone are whole for their source
 * (the operator or system that took the report in, and the reporter), and
 * for admins and API clients granted them on a one-case read that is itself
 * recorded (a pii_read event: who, which fields, why); everyone else, and
 * every list, sees them masked (赵*, 138****5678).
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
/* How p may see c's personal data: masked; whole as its source; whole on a recorded read. */
enum pii_access { PII_MASKED, PII_OWN, PII_RECORDED };
enum pii_access api_case_pii(struct app *app, const struct principal *p, const struct case_rec *c);
/* Does p see c's personal data whole without a recorded read (lists, answers to writes)? */
bool api_case_full_pii(struct app *app, const struct principal *p, const struct case_rec *c);
/*
 * The one record of an unmasked read (DESIGN §8): a pii_read event on c,
 * internal, by p (naming its API client), with `fields` (a JSON array of the
 * fields shown whole, taken), the endpoint and why: ?reason= or the header
 * X-Access-Reason, else `purpose`. Nothing when fields is empty. Nonzero
 * after answering an error (400 naming "reason" when it is not one line).
 */
int api_pii_read(struct http_req *r, struct app *app, const struct principal *p,
                 const struct case_rec *c, const char *purpose, json_t *fields);
/* A one-case read: *full when p sees c's name and phone whole (recorded when it must be). */
int api_case_read_pii(struct http_req *r, struct app *app, const struct principal *p,
                      const struct case_rec *c, const char *purpose, bool *full);
/* Is c inside an API client's scope (its categories, and a party or place in its areas)? */
bool api_case_in_scope(struct app *app, const struct api_scope *sc, const struct case_rec *c);
/* Keep only the fields p's API client may read (nothing changes for people). */
void api_view_scope(json_t *view, const struct principal *p);
/* Does p see the record of reads of personal data on a timeline (admins, supervisors)? */
bool api_sees_pii_reads(const struct principal *p);

#endif
