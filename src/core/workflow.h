/*
 * workflow.h - the closed loop (DESIGN §4): which action a case allows in
 * which state, which roles may take it and over which unit, and what it
 * changes. Pure: the caller checks roles against units with the store, and
 * the store writes what wf_apply decided, with the event it described.
 */
#ifndef GZ_WORKFLOW_H
#define GZ_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/case.h"
#include "core/sla.h"

struct gz_err;

enum case_action {
    ACT_DISPATCH,
    ACT_REDISPATCH,
    ACT_ACCEPT,
    ACT_RETURN,
    ACT_REPLY,
    ACT_VERIFY,
    ACT_REVISIT,
    ACT_REOPEN,
    ACT_CLOSE,
    ACT_ANSWER,
    ACT_MERGE,
    ACT_INVALIDATE,
    ACT_PARK,
    ACT_UNPARK,
    ACT_EXTEND,
    ACT_APPROVE_EXTENSION,
    ACT_REFUSE_EXTENSION,
    ACT_COMMENT,
    ACT_COUNT
};

/* Over which unit the actor's role must reach. */
enum wf_scope {
    WF_SCOPE_ANY,    /* the role anywhere */
    WF_SCOPE_LEAD,   /* the role over the case's lead unit */
    WF_SCOPE_TARGET, /* the role over the unit the action names (dispatch) */
};

#define WF_TEXT_MAX 5000 /* characters of a reply, reason or comment */

struct wf_input {
    enum case_action action;
    int64_t unit_id; /* dispatch, redispatch: the lead */
    size_t n_co;
    int64_t co_units[CASE_MAX_CO];
    char category[CATEGORY_CODE_MAX + 1]; /* dispatch may set it; "" keeps the case's */
    const struct sla_limits *limits;      /* dispatch, redispatch: of the case's category */
    const struct calendar *cal;
    const char *reason;             /* return, invalidate, park, extend, refuse, reopen */
    const char *text;               /* reply, answer, comment: public text */
    const char *note;               /* internal note */
    bool pass;                      /* verify */
    bool internal;                  /* comment */
    int contacted, solved;          /* revisit: 0 or 1 */
    enum satisfaction satisfaction; /* revisit */
    struct tlimit extension;        /* extend */
    int64_t now;
    const json_t *decided_by; /* a decision of the platform: what decided it, in the event */
    const json_t *kb_cite;    /* answer: the knowledge-base entry it cites, in the event */
    int64_t actor_account_id;
    int64_t actor_unit_id;
};

const char *wf_action_name(enum case_action a);
int wf_action_parse(const char *s); /* -1 when unknown */

/* Bit (1u << role) for each role that may take the action (admins may take any). */
unsigned wf_roles(enum case_action a);
enum wf_scope wf_scope(enum case_action a);
/* Bit (1u << action) for every action the case's state allows now. */
unsigned wf_allowed(const struct case_rec *c);

/*
 * Apply an action to c (and, for merge, to the parent case `other`),
 * describing it in ev (and other_ev). GZ_ECONFLICT (field "action") when the
 * state does not allow it; GZ_EINVAL naming the field for a bad input.
 */
int wf_apply(struct case_rec *c, struct case_rec *other, const struct wf_input *in,
             struct event *ev, struct event *other_ev, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
