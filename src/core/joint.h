/*
 * joint.h - joint handling across units (DESIGN §1, §4; issue 8): the units
 * party to a case, each with its own state, and the actions between them.
 *
 *   whistle (吹哨)   a street or community summons units to a case, each to
 *                    report (报到) by a time; they join as co-units (role whistled)
 *   report           a whistled unit acknowledges and names its person in charge
 *   co_reply         a whistled unit that reported says what it did (the case stays open)
 *   release          the whistling unit lets a whistled unit go before it replies
 *   claim (认领)     an outside unit (party, mass_org, enterprise, social_org,
 *                    volunteer_team) whose capabilities and area match takes on a
 *                    claimable case; unclaim gives it back; complete resolves it
 *   mark_claimable   a dispatcher offers a case for claims (or withdraws it)
 *
 * The close rule: the case cannot be resolved (reply, complete) or closed
 * while a whistled unit has neither replied nor been released.
 *
 * Pure, like the workflow: the caller checks roles and units, the store
 * loads the parties with the case and writes those marked changed.
 */
#ifndef GZ_JOINT_H
#define GZ_JOINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/case.h"
#include "core/unit.h"
#include "util/limits.h"

struct gz_err;
struct wf_input;

enum party_role { PARTY_LEAD, PARTY_CO, PARTY_WHISTLED, PARTY_CLAIMANT, PARTY_ROLE_COUNT };

enum party_state {
    PS_ASKED,     /* lead, co, and a whistled unit that has not reported */
    PS_REPORTED,  /* whistled: acknowledged, person in charge named */
    PS_REPLIED,   /* whistled: its own reply given */
    PS_RELEASED,  /* whistled: let go by the whistling unit */
    PS_CLAIMED,   /* claimant: working on it */
    PS_UNCLAIMED, /* claimant: gave it back */
    PS_DONE,      /* claimant: completed */
    PS_COUNT
};

#define JOINT_MAX_PARTIES 32 /* every unit on one case, lead included (KPI_MAX_PARTIES) */
#define JOINT_MAX_WHISTLE 8  /* units summoned by one whistle */
#define JOINT_MAX_CAPS 32    /* category prefixes an outside unit declares */
#define JOINT_MAX_AREAS 32   /* units whose territory an outside unit serves */
#define JOINT_MAX_HOURS 1000.0
#define JOINT_MAX_WINDOW (7 * 86400) /* the latest report-by, from the whistle */

/* One unit's part in a case (a case_units row). Times UTC seconds, 0 = none. */
struct case_party {
    int64_t unit_id;
    char unit_code[GZ_MAX_CODE + 1]; /* as loaded, for views */
    char unit_name[GZ_MAX_NAME];
    enum party_role role;
    enum party_state state;
    int64_t asked_at, report_by, reported_at, replied_at, released_at, done_at;
    int64_t by_unit_id; /* whistled: the unit that whistled */
    int64_t account_id; /* whistled: who reported; claimant: who claimed */
    int64_t done_by;    /* claimant: who completed */
    bool escalated;     /* whistled: its late report was supervised */
    double hours;       /* claimant: volunteer hours (0 none) */
    char person[GZ_MAX_NAME];
    char *reply;  /* heap: a whistled unit's reply, a claimant's completion text */
    bool changed; /* set by the actions: the store writes this row */
};

const char *party_role_name(enum party_role r);
int party_role_parse(const char *s); /* -1 when unknown */
const char *party_state_name(enum party_state s);
int party_state_parse(const char *s);

/* Free the parties' heap parts and the array. */
void joint_parties_free(struct case_party *p, size_t n);

/* The party for unit_id, NULL when the unit is not party to the case. */
struct case_party *joint_party(const struct case_rec *c, int64_t unit_id);
/* Is the case offered for claims (its own flag, else its category's)? */
bool joint_claimable(const struct case_rec *c);
/* A whistled unit that has neither replied nor been released? */
bool joint_pending(const struct case_party *p);
/* Ids of the pending whistled units, up to max; returns how many there are. */
size_t joint_pending_units(const struct case_rec *c, int64_t *ids, size_t max);
/* The claimant working on the case now, NULL when none. */
struct case_party *joint_claimant(const struct case_rec *c);
/* May unit_id's own part in the case take action a now (report, co_reply, release, unclaim,
   complete: the party named by unit_id is in the state the action needs)? */
bool joint_party_allows(const struct case_rec *c, int action, int64_t unit_id);
/* Do the case's parties allow action a at all (some party in the state it needs)? */
bool joint_case_allows(const struct case_rec *c, int action);
/* Kinds that may claim: party, mass_org, enterprise, social_org, volunteer_team. */
bool joint_outside_kind(enum unit_kind k);
/* Kinds that may whistle: street, community. */
bool joint_whistle_kind(enum unit_kind k);

/* What an outside unit declares it takes on. */
struct claim_profile {
    size_t n_prefixes;
    char prefixes[JOINT_MAX_CAPS][CATEGORY_CODE_MAX + 1];
    size_t n_areas;
    int64_t areas[JOINT_MAX_AREAS];
    bool everywhere; /* it serves the whole city */
};
/* Does the case fall under the profile: a prefix of its category, and an area containing it? */
bool joint_claim_matches(const struct case_rec *c, const struct claim_profile *p);

/* The unit that answers for a claimed case not yet dispatched: its community, street or
   district (0 when it has no place). */
int64_t joint_claim_lead(const struct case_rec *c);

/*
 * The workflow's joint actions (wf_apply calls them; see workflow.h): each
 * changes the case and its parties and describes the event in *body.
 */
int joint_whistle(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err);
int joint_report(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err);
int joint_co_reply(struct case_rec *c, const struct wf_input *in, json_t **body,
                   struct gz_err *err);
int joint_release(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err);
int joint_mark_claimable(struct case_rec *c, const struct wf_input *in, json_t **body,
                         struct gz_err *err);
int joint_claim(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err);
int joint_unclaim(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err);
int joint_complete(struct case_rec *c, const struct wf_input *in, json_t **body,
                   struct gz_err *err);

/*
 * The sweeper's part: the first whistled unit of c whose report-by has
 * passed at `now` (a report at report_by itself is in time) without a report or release, not yet
 * escalated; NULL when none.
 */
struct case_party *joint_late_report(const struct case_rec *c, int64_t now);

#endif
