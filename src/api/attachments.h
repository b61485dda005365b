/*
 * attachments.h - what other resources need of the attachments resource: the
 * list of a case's photos the caller may see (the case's JSON), the check of
 * the photos an action names, and the upload itself for the portal's photo
 * with a report (public.c).
 */
#ifndef GZ_API_ATTACHMENTS_H
#define GZ_API_ATTACHMENTS_H

#include <jansson.h>

#include "api/api.h"
#include "core/attach.h"
#include "core/auth.h"
#include "core/case.h"
#include "http/server.h"

#include "core/attach.h"

#define ATT_MAX_REFS 20 /* photos one action may name */

/* The photos of c that p may see, as a JSON array (empty on a store error). */
json_t *api_case_attachments(struct app *app, const struct principal *p, const struct case_rec *c);

/* The upload limit now (the setting attachment_max_bytes). */
size_t api_attachment_limit(struct app *app);
/*
 * Take the spooled upload of r as photo a (a->stage and a->unit_id set by the
 * caller, who checked the rights) on the case named in the path: typed by
 * content, kept, recorded with its event as p. 0, or the error in err.
 */
int api_attachment_take(struct http_req *r, struct app *app, const struct principal *p,
                        struct attachment *a, struct gz_err *err);
/* How many photos of stage s the case has (-1 on a store error). */
int api_attachment_count(struct app *app, int64_t case_id, enum att_stage s);
/*
 * The `photos` of an action (reply, verify, complete): a list of at most
 * ATT_MAX_REFS ids of photos uploaded to c at stage s; else 422 naming photos.
 */
int api_action_photos(struct app *app, const struct case_rec *c, enum att_stage s,
                      const json_t *photos, struct gz_err *err);

#endif
