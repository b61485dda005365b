/*
 * sla.h - time limits of a case (DESIGN §4): which limits apply (the
 * category's, inherited from its ancestors, or the defaults), the deadlines
 * they give at dispatch, the 80 % reminder points, extensions, and which
 * escalation is due now.
 */
#ifndef GZ_SLA_H
#define GZ_SLA_H

#include <stdint.h>

#include "core/calendar.h"
#include "core/case.h"
#include "core/taxonomy.h"

struct sla_limits {
    struct tlimit respond;
    struct tlimit resolve;
    struct tlimit urgent;
};

#define SLA_REMIND_PERMILLE 800

/* Beijing 12345 ordinary defaults: respond 1 workday, resolve 7 workdays, urgent 2 hours. */
void sla_defaults(struct sla_limits *l);
/* Fill the limits l still lacks (amount 0) from category c; call from leaf to root, then defaults.
 */
void sla_inherit(struct sla_limits *l, const struct category *c);
/* The clock starts: set dispatched_at, respond_by, resolve_by and reminders; clear escalations. */
void sla_start(struct case_rec *c, const struct sla_limits *l, const struct calendar *cal,
               int64_t now);
/* Move every deadline and reminder by `seconds` (time a case spent parked). */
void sla_shift(struct case_rec *c, int64_t seconds);
/* An approved extension moves resolve_by (and its reminder) once by `ext`. */
void sla_extend(struct case_rec *c, const struct tlimit *ext, const struct calendar *cal);

enum sla_escalation {
    SLA_NONE,
    SLA_REMIND_RESPOND,
    SLA_SUPERVISE_RESPOND,
    SLA_REMIND_RESOLVE,
    SLA_SUPERVISE_RESOLVE
};
/* The first escalation due at `now` and not yet given (SLA_NONE when none). */
enum sla_escalation sla_due(const struct case_rec *c, int64_t now);
/* The ESC_* bits it marks as given (a supervision also marks its reminder). */
int sla_bit(enum sla_escalation e);
/* "remind" or "supervise", and "respond" or "resolve". */
const char *sla_kind(enum sla_escalation e);
const char *sla_deadline_name(enum sla_escalation e);

#endif
