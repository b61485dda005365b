/*
 * attachments.h - what the case resource needs of the attachments resource:
 * the list of a case's photos the caller may see, for the case's JSON.
 */
#ifndef GZ_API_ATTACHMENTS_H
#define GZ_API_ATTACHMENTS_H

#include <jansson.h>

#include "api/api.h"
#include "core/auth.h"
#include "core/case.h"

/* The photos of c that p may see, as a JSON array (empty on a store error). */
json_t *api_case_attachments(struct app *app, const struct principal *p, const struct case_rec *c);

#endif
