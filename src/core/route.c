/*
 * route.c - the responsibility matrix's decision (see route.h). Rules are
 * few (hundreds), so a scan of all of them per decision is simpler than an
 * index and fast enough (well under a microsecond per rule).
 */
#include "gz.h"

#include <ctype.h>

#include "core/route.h"

const char *route_source_name(enum route_source s)
{
    static const char *const names[] = {"none", "rule", "street", "district"};

    return (unsigned)s < GZ_ARRAY_LEN(names) ? names[s] : "none";
}

int route_rule_validate(const struct route_rule *r, struct gz_err *err)
{
    if (r->prefix[0] && !category_code_valid(r->prefix))
        return gz_fail(err, GZ_EINVAL, "category_prefix",
                       "category_prefix must be a category code (2 digits per level) or empty");
    if ((r->lead_unit_id != 0) == (r->lead_kind >= 0))
        return gz_fail(err, GZ_EINVAL, "lead", "give either lead_unit or lead_kind, not both");
    if (r->lead_kind >= 0 && unit_kind_level((enum unit_kind)r->lead_kind) < 0)
        return gz_fail(err, GZ_EINVAL, "lead_kind",
                       "lead_kind must be a territorial kind (district, street, community, grid)");
    if (r->n_co > CASE_MAX_CO)
        return gz_fail(err, GZ_EINVAL, "co_units", "at most %d co-units", CASE_MAX_CO);
    for (size_t i = 0; i < r->n_co; i++) {
        if (r->co_units[i] == r->lead_unit_id)
            return gz_fail(err, GZ_EINVAL, "co_units", "the lead unit cannot also be a co-unit");
        for (size_t k = 0; k < i; k++)
            if (r->co_units[k] == r->co_units[i])
                return gz_fail(err, GZ_EINVAL, "co_units", "a co-unit is named twice");
    }
    return 0;
}

/* Position of the rule's area in the place (its depth), -1 when the place is not inside it. */
static int area_depth(const struct route_rule *r, const struct route_place *p)
{
    if (!r->area_unit_id)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->unit_id[i] == r->area_unit_id)
            return (int)i + 1;
    return -1;
}

bool route_matches(const struct route_rule *r, const char *category, const struct route_place *p)
{
    size_t n = strlen(r->prefix);

    if (!r->active || strncmp(category, r->prefix, n) != 0)
        return false;
    return area_depth(r, p) >= 0;
}

/* The deepest unit of `kind` at the place, 0 when none. */
static int64_t place_unit(const struct route_place *p, enum unit_kind kind)
{
    for (size_t i = p->n; i-- > 0;)
        if (p->kind[i] == kind)
            return p->unit_id[i];
    return 0;
}

static void fallback(const struct route_place *p, struct route_decision *out)
{
    out->fallback_unit_id = place_unit(p, UNIT_STREET);
    out->fallback_source = out->fallback_unit_id ? ROUTE_STREET : ROUTE_NONE;
    if (!out->fallback_unit_id) {
        out->fallback_unit_id = place_unit(p, UNIT_DISTRICT);
        out->fallback_source = out->fallback_unit_id ? ROUTE_DISTRICT : ROUTE_NONE;
    }
}

/* Is a more specific than b: a longer prefix, then a deeper area? */
static bool more_specific(const struct route_rule *a, int depth_a, const struct route_rule *b,
                          int depth_b)
{
    size_t la = strlen(a->prefix), lb = strlen(b->prefix);

    if (la != lb)
        return la > lb;
    if (depth_a != depth_b)
        return depth_a > depth_b;
    return a->id < b->id; /* a tie the store refused; decide it the same way every time */
}

static bool apply_rule(const struct route_rule *r, const struct route_place *p,
                       struct route_decision *out)
{
    int64_t lead = r->lead_unit_id ? r->lead_unit_id : place_unit(p, (enum unit_kind)r->lead_kind);

    if (!lead)
        return false; /* "the street of the place" at a place with no street */
    out->source = ROUTE_RULE;
    out->rule = r;
    out->lead_unit_id = lead;
    out->n_co = r->n_co;
    memcpy(out->co_units, r->co_units, sizeof(out->co_units));
    return true;
}

void route_decide(const struct route_rule *rules, size_t n, const char *category,
                  const struct route_place *place, struct route_decision *out)
{
    const struct route_rule *best = NULL;
    int best_depth = -1;

    memset(out, 0, sizeof(*out));
    fallback(place, out);
    for (size_t i = 0; i < n; i++) {
        int depth = area_depth(&rules[i], place);
        if (!route_matches(&rules[i], category ? category : "", place))
            continue;
        out->candidates++;
        if (!best || more_specific(&rules[i], depth, best, best_depth)) {
            best = &rules[i];
            best_depth = depth;
        }
    }
    if (best && apply_rule(best, place, out))
        return;
    out->source = out->fallback_source;
    out->lead_unit_id = out->fallback_unit_id;
}
