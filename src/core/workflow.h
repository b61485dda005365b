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
    /* joint handling (core/joint.h) */
    ACT_WHISTLE,
    ACT_REPORT,
    ACT_CO_REPLY,
    ACT_RELEASE,
    ACT_MARK_CLAIMABLE,
    ACT_CLAIM,
    ACT_UNCLAIM,
    ACT_COMPLETE,
    ACT_COUNT
};

/* Over which unit the actor's role must reach. */
enum wf_scope {
    WF_SCOPE_ANY,    /* the role anywhere */
    WF_SCOPE_LEAD,   /* the role over the case's lead unit */
    WF_SCOPE_TARGET, /* the role over the unit the action names (dispatch) */
    /* joint handling: the API decides these with the case's parties (api/joint.c) */
    WF_SCOPE_WHISTLE,  /* the role in a street or community that leads the case or contains it */
    WF_SCOPE_PARTY,    /* the role over a unit party to the case in the state the action needs */
    WF_SCOPE_WHISTLER, /* the role over the unit that whistled the unit named */
    WF_SCOPE_CLAIM,    /* the role in an outside unit whose capabilities and area match */
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
    /* joint handling (core/joint.h); unit_id names the party acted for (report, co_reply,
       release, unclaim, complete) or the claiming unit (claim) */
    size_t n_units;
    int64_t units[CASE_MAX_CO]; /* whistle: the units summoned */
    int64_t report_by;          /* whistle: 0 = now + report_window */
    int64_t report_window;      /* whistle: the city's default, seconds */
    const char *person;         /* report: the person in charge */
    double hours;               /* complete: volunteer hours; < 0 none given */
    int claimable;              /* mark_claimable: 0 or 1 */
    const json_t *photos;       /* reply, verify, complete: ids of the case's photos of that
                                   stage (checked by the API), kept in the event */
};

const char *wf_action_name(enum case_action a);
int wf_action_parse(const char *s); /* -1 when unknown */

/* Bit (1u << role) for each role that may take the action (admins may take any). */
unsigned wf_roles(enum case_action a);
enum wf_scope wf_scope(enum case_action a);
/*
 * Bit (1u << action) for every action the case's state allows now, its
 * parties' states included (a whistled unit still to report allows report;
 * a pending whistled unit forbids reply, complete and close). Which of them
 * a caller may take depends on its units: joint_party_allows for the party
 * actions, the scopes for the rest.
 */
unsigned wf_allowed(const struct case_rec *c);
/* A required text field: not blank, UTF-8, at most WF_TEXT_MAX characters. */
int wf_need_text(const char *field, const char *s, struct gz_err *err);
/* GZ_ECONFLICT (field "action") saying why the case does not allow a now. */
int wf_refuse(const struct case_rec *c, enum case_action a, struct gz_err *err);

/*
 * Apply an action to c (and, for merge, to the parent case `other`),
 * describing it in ev (and other_ev). GZ_ECONFLICT (field "action") when the
 * state does not allow it; GZ_EINVAL naming the field for a bad input.
 */
int wf_apply(struct case_rec *c, struct case_rec *other, const struct wf_input *in,
             struct event *ev, struct event *other_ev, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
