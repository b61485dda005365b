/*
 * attachments.h - what the case resource needs of the attachments resource:
 * the list of a case's photos the caller may see, for the case's JSON, and the
 * check of the photos an action names.
 */
#ifndef GZ_API_ATTACHMENTS_H
#define GZ_API_ATTACHMENTS_H

#include <jansson.h>

#include "api/api.h"
#include "core/auth.h"
#include "core/case.h"

#include "core/attach.h"

#define ATT_MAX_REFS 20 /* photos one action may name */

/* The photos of c that p may see, as a JSON array (empty on a store error). */
json_t *api_case_attachments(struct app *app, const struct principal *p, const struct case_rec *c);

/*
 * The `photos` of an action (reply, verify, complete): a list of at most
 * ATT_MAX_REFS ids of photos uploaded to c at stage s; else 422 naming photos.
 */
int api_action_photos(struct app *app, const struct case_rec *c, enum att_stage s,
                      const json_t *photos, struct gz_err *err);

#endif
