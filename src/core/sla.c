/*
 * sla.c - deadlines and escalations (see sla.h). The clock starts at
 * dispatch, as in the 数字城管 standard; an urgent case resolves within the
 * urgent limit and must be responded to no later than that either.
 */
#include "gz.h"

#include "core/sla.h"

void sla_defaults(struct sla_limits *l)
{
    l->respond = (struct tlimit){1, LIMIT_WORKDAYS};
    l->resolve = (struct tlimit){7, LIMIT_WORKDAYS};
    l->urgent = (struct tlimit){2, LIMIT_HOURS};
}

static void fill(struct tlimit *dst, const struct tlimit *src)
{
    if (dst->amount <= 0 && src->amount > 0)
        *dst = *src;
}

void sla_inherit(struct sla_limits *l, const struct category *c)
{
    fill(&l->respond, &c->respond);
    fill(&l->resolve, &c->resolve);
    fill(&l->urgent, &c->urgent);
}

static int64_t earlier(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The reminder point and the whole limit, walked together. */
static const int remind_and_all[2] = {SLA_REMIND_PERMILLE, 1000};

void sla_start(struct case_rec *c, const struct sla_limits *l, const struct calendar *cal,
               int64_t now)
{
    const struct tlimit *resolve = c->priority == PRIORITY_URGENT ? &l->urgent : &l->resolve;
    int64_t respond[2], res[2];

    c->dispatched_at = now;
    cal_deadlines(cal, now, &l->respond, remind_and_all, 2, respond);
    cal_deadlines(cal, now, resolve, remind_and_all, 2, res);
    c->remind_respond_at = respond[0];
    c->respond_by = respond[1];
    c->remind_resolve_at = res[0];
    c->resolve_by = res[1];
    if (c->priority == PRIORITY_URGENT) {
        c->respond_by = earlier(c->respond_by, c->resolve_by);
        c->remind_respond_at = earlier(c->remind_respond_at, c->remind_resolve_at);
    }
    c->escalated = 0;
}

void sla_shift(struct case_rec *c, int64_t seconds)
{
    int64_t *at[] = {&c->respond_by, &c->resolve_by, &c->remind_respond_at, &c->remind_resolve_at};

    for (size_t i = 0; i < GZ_ARRAY_LEN(at); i++)
        if (*at[i])
            *at[i] += seconds;
}

void sla_extend(struct case_rec *c, const struct tlimit *ext, const struct calendar *cal)
{
    int64_t at[2];

    cal_deadlines(cal, c->resolve_by, ext, remind_and_all, 2, at);
    c->remind_resolve_at = at[0];
    c->resolve_by = at[1];
    c->escalated &= ~(ESC_REMIND_RESOLVE | ESC_SUPERVISE_RESOLVE);
}

static bool due(int64_t at, int64_t now, int escalated, int bit)
{
    return at && at <= now && !(escalated & bit);
}

enum sla_escalation sla_due(const struct case_rec *c, int64_t now)
{
    /* a returned case waits on the dispatcher, not on the unit that said "not ours" */
    bool waiting = c->status == CASE_DISPATCHED || c->status == CASE_ACCEPTED;

    if (!waiting)
        return SLA_NONE;
    /* supervision first: after downtime it stands for the reminder it overtook (see sla_bit) */
    if (!c->accepted_at && due(c->respond_by, now, c->escalated, ESC_SUPERVISE_RESPOND))
        return SLA_SUPERVISE_RESPOND;
    if (!c->accepted_at && due(c->remind_respond_at, now, c->escalated, ESC_REMIND_RESPOND))
        return SLA_REMIND_RESPOND;
    if (due(c->resolve_by, now, c->escalated, ESC_SUPERVISE_RESOLVE))
        return SLA_SUPERVISE_RESOLVE;
    if (due(c->remind_resolve_at, now, c->escalated, ESC_REMIND_RESOLVE))
        return SLA_REMIND_RESOLVE;
    return SLA_NONE;
}

int sla_bit(enum sla_escalation e)
{
    static const int bits[] = {0, ESC_REMIND_RESPOND, ESC_SUPERVISE_RESPOND | ESC_REMIND_RESPOND,
                               ESC_REMIND_RESOLVE, ESC_SUPERVISE_RESOLVE | ESC_REMIND_RESOLVE};

    return bits[e];
}

const char *sla_kind(enum sla_escalation e)
{
    return e == SLA_REMIND_RESPOND || e == SLA_REMIND_RESOLVE ? "remind" : "supervise";
}

const char *sla_deadline_name(enum sla_escalation e)
{
    return e == SLA_REMIND_RESPOND || e == SLA_SUPERVISE_RESPOND ? "respond" : "resolve";
}
