/*
 * views.h - domain structs to JSON, one function per resource, so every
 * endpoint shows a resource the same way.
 */
#ifndef GZ_VIEWS_H
#define GZ_VIEWS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/account.h"
#include "core/taxonomy.h"
#include "core/unit.h"

/* A unit; with its jurisdiction geometry when it has one and geometry is true. */
json_t *view_unit(const struct unit *u, const char *parent_code, bool geometry);
json_t *view_category(const struct category *c);
/* full: the unmasked phone (the account itself and admins). */
json_t *view_account(const struct account *a, bool full);
json_t *view_membership(const struct membership *m);

#endif
