/*
 * rulebook.h - the responsibility matrix (core/route) and the unit tree it
 * needs, held in memory so an intake decides its route without a query.
 * Loaded from the store at start and loaded again, then swapped in, after
 * any rule or unit changes; readers never wait for a reload.
 */
#ifndef GZ_RULEBOOK_H
#define GZ_RULEBOOK_H

#include <stdint.h>

#include "core/route.h"

struct gz_err;
struct store;
struct rulebook;

struct rulebook *rulebook_new(struct store *s, struct gz_err *err);
void rulebook_free(struct rulebook *rb);
/* Read the rules and units again (after a change). */
int rulebook_reload(struct rulebook *rb, struct gz_err *err) __attribute__((warn_unused_result));
/* The territorial ancestry of unit_id, root first (empty for 0 or an unknown unit). */
void rulebook_place(struct rulebook *rb, int64_t unit_id, struct route_place *out);
/*
 * Decide the route of `category` at the place of unit_id (0: nowhere).
 * The deciding rule is copied into *rule and d->rule points at it.
 */
void rulebook_decide(struct rulebook *rb, const char *category, int64_t unit_id,
                     struct route_decision *d, struct route_rule *rule);
/* Active rules held. */
size_t rulebook_count(struct rulebook *rb);

#endif
