/*
 * route.h - the responsibility matrix (权责清单, DESIGN §5 step 4): rules
 * "category prefix × area → lead unit (or the area's unit of a kind) +
 * co-units", and the decision for one case. The most specific rule wins:
 * the longest category prefix, then the deepest area; two rules with the
 * same prefix and area are a tie, refused when the rule is created. With no
 * rule, the case goes to the street of its location (属地), failing that
 * to its district (兜底).
 */
#ifndef GZ_ROUTE_H
#define GZ_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/case.h"
#include "core/taxonomy.h"
#include "core/unit.h"

struct gz_err;

struct route_rule {
    int64_t id;
    char prefix[CATEGORY_CODE_MAX + 1]; /* "" = every category */
    int64_t area_unit_id;               /* 0 = anywhere */
    int64_t lead_unit_id;               /* 0 when lead_kind is used */
    int lead_kind;                      /* enum unit_kind, -1 when lead_unit_id is used */
    size_t n_co;
    int64_t co_units[CASE_MAX_CO];
    bool active;
};

/* Where a case is: the territorial units containing it, root first (ids and kinds). */
#define ROUTE_MAX_PLACES 8
struct route_place {
    size_t n;
    int64_t unit_id[ROUTE_MAX_PLACES];
    enum unit_kind kind[ROUTE_MAX_PLACES];
};

enum route_source { ROUTE_NONE, ROUTE_RULE, ROUTE_STREET, ROUTE_DISTRICT };

struct route_decision {
    enum route_source source;
    int64_t lead_unit_id;
    size_t n_co;
    int64_t co_units[CASE_MAX_CO];
    const struct route_rule *rule; /* the rule that decided (source RULE) */
    size_t candidates;             /* rules that matched */
    /* what the fallback alone would have given (for the explanation) */
    enum route_source fallback_source;
    int64_t fallback_unit_id;
};

/* Check a rule's own fields (prefix digits, a lead xor a lead kind, co-units). */
int route_rule_validate(const struct route_rule *r, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Does the rule apply to this category at this place? */
bool route_matches(const struct route_rule *r, const char *category, const struct route_place *p);
/*
 * Decide for a case of `category` (may be "") at `place` (may be empty)
 * among `rules`. Never fails: with nothing to go on, source is ROUTE_NONE
 * and the dispatcher decides.
 */
void route_decide(const struct route_rule *rules, size_t n, const char *category,
                  const struct route_place *place, struct route_decision *out);
const char *route_source_name(enum route_source s);

#endif
