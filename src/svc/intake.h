/*
 * intake.h - the intake pipeline (DESIGN §5), the one way a report becomes a
 * case whatever its channel: locate → classify → duplicate search → route →
 * automatic dispatch (直派) when the category is certain and a rule of the
 * responsibility matrix decides; otherwise the case waits in the
 * dispatcher's queue with the suggestions recorded in its created event.
 */
#ifndef GZ_INTAKE_H
#define GZ_INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/case.h"
#include "core/sla.h"

struct calendar;
struct classifier;
struct dedup;
struct gz_err;
struct places;
struct rulebook;
struct store;

/* Default probability the classifier's first guess needs to stand as the category. */
#define INTAKE_AUTO_THRESHOLD 0.9

struct intake_deps {
    struct store *store;
    struct calendar *cal;
    struct places *places;  /* NULL: nothing is located */
    struct classifier *clf; /* NULL: nothing is classified */
    struct dedup *dedup;    /* NULL: no duplicate search */
    struct rulebook *rules; /* NULL: no routing, no automatic dispatch */
    double auto_threshold;  /* > 1: never dispatch on the classifier's word */
    bool kb_suggest;        /* look up knowledge-base entries for the operator (intake_out.kb) */
};

struct intake_out {
    bool replayed;      /* the idempotency key was used before: c is the first case */
    bool dispatched;    /* dispatched automatically */
    json_t *suggested;  /* [{category, p}] top three, or NULL */
    json_t *duplicates; /* [{number, score, ...}], or NULL */
    json_t *route;      /* the routing suggestion {source, lead_unit_id, rule_id, ...}, or NULL */
    json_t *kb;         /* [{id, kind, category, title, title_en, version}] up to
                           INTAKE_KB_MAX entries to answer with (kb_suggest), or NULL */
    char *found;        /* suggested, duplicates and route as the object text the created event
                           holds (keys duplicate_candidates, route, suggested_categories), or NULL */
};

#define INTAKE_KB_MAX 3

/*
 * Run the pipeline on c (intake fields validated by the caller, created_at
 * set or 0 for now, category set only by an operator) and store it. With
 * hold, the case waits for the dispatcher whatever the pipeline says (an
 * operator who will answer at once). actor: the account taking it in (0:
 * the platform). On success c is the stored case.
 */
int intake_submit(const struct intake_deps *d, struct case_rec *c, int64_t actor,
                  const char *idem_key, bool hold, struct intake_out *out, struct gz_err *err)
    __attribute__((warn_unused_result));
void intake_out_release(struct intake_out *out);

/* The limits of a category: the leaf's, then each ancestor's, then the defaults. */
int intake_limits(struct store *s, const char *code, struct sla_limits *l, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
