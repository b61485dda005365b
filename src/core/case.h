/*
 * case.h - a case (工单): one problem or request, from intake to close
 * (DESIGN §1, §3, §4). The record the store keeps and the workflow changes.
 */
#ifndef GZ_CASE_H
#define GZ_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/taxonomy.h"
#include "util/limits.h"

struct gz_err;
struct case_party;

enum case_status {
    CASE_RECEIVED,
    CASE_DISPATCHED,
    CASE_ACCEPTED,
    CASE_RETURNED,
    CASE_RESOLVED, /* the unit replied */
    CASE_VERIFIED,
    CASE_CLOSED,
    CASE_MERGED,
    CASE_INVALID,
    CASE_PARKED,
    CASE_STATUS_COUNT
};

enum case_channel {
    CHANNEL_HOTLINE,
    CHANNEL_WEB,
    CHANNEL_APP,
    CHANNEL_OPEN311,
    CHANNEL_GRID,
    CHANNEL_SENSOR,
    CHANNEL_IMPORT,
    CHANNEL_PROACTIVE, /* opened by the platform from a hotspot (DESIGN §7) */
    CHANNEL_COUNT
};

enum case_priority { PRIORITY_NORMAL, PRIORITY_URGENT };

enum satisfaction { SAT_NONE, SAT_SATISFIED, SAT_BASIC, SAT_UNSATISFIED };

enum extension_state { EXT_NONE, EXT_REQUESTED, EXT_APPROVED, EXT_REFUSED };

/* Escalations already given (bits of case_rec.escalated), so a sweep never repeats one. */
enum {
    ESC_REMIND_RESPOND = 1,
    ESC_SUPERVISE_RESPOND = 2,
    ESC_REMIND_RESOLVE = 4,
    ESC_SUPERVISE_RESOLVE = 8,
};

#define CASE_NUMBER_LEN 15 /* YYYYMMDD-NNNNNN */
#define CASE_MAX_CO 8
#define CASE_MAX_TEXT_CHARS 5000
#define CASE_NO_COORD 999.0

struct case_rec {
    int64_t id;
    char number[CASE_NUMBER_LEN + 1];
    enum case_channel channel;
    char external_id[GZ_MAX_CODE + 1];
    char *text;      /* heap */
    char *address;   /* heap, may be NULL */
    double lat, lon; /* CASE_NO_COORD when not given */
    char category[CATEGORY_CODE_MAX + 1];
    bool category_by_operator;
    enum case_priority priority;
    enum case_status status;
    enum case_status parked_from;
    int64_t parked_at;
    int64_t lead_unit_id;
    size_t n_co;
    int64_t co_units[CASE_MAX_CO];
    bool
        units_changed; /* set by the workflow when lead/co changed: the store rewrites case_units */
    int64_t reporter_account_id;
    char reporter_name[GZ_MAX_NAME];
    char reporter_phone[GZ_MAX_PHONE + 1];
    int64_t intake_account_id;
    /* where: the unit of each territorial level (index = unit_kind_level: 1 district ...
       4 grid; 0 unused) containing the point; located -1 no point, 0 outside, 1 inside */
    int64_t area[5];
    int located;
    int64_t parent_id;
    int metoo;
    int64_t created_at, dispatched_at, accepted_at, resolved_at, verified_at, closed_at;
    int64_t respond_by, resolve_by;               /* 0 = none */
    int64_t remind_respond_at, remind_resolve_at; /* the 80 % points */
    int escalated;                                /* ESC_* bits */
    int contacted, solved;                        /* -1 unknown, 0, 1 */
    enum satisfaction satisfaction;
    int rework_count;
    enum extension_state extension;
    struct tlimit extension_limit; /* what was asked for */
    char *reply;                   /* public reply text, heap */
    int64_t version;               /* bumps on every change */
    /* joint handling (core/joint.h): every unit party to the case, loaded with it (heap) */
    struct case_party *parties;
    size_t n_parties;
    int claimable;           /* offered for claims: -1 as its category says, 0 no, 1 yes */
    bool category_claimable; /* its category's flag, as loaded */
    bool joint_changed; /* set by the workflow: the store writes changed parties and claimable */
};

void case_init(struct case_rec *c);
void case_release(struct case_rec *c);

const char *case_status_name(enum case_status s);
int case_status_parse(const char *s);
const char *case_channel_name(enum case_channel c);
int case_channel_parse(const char *s);
const char *satisfaction_name(enum satisfaction s);
int satisfaction_parse(const char *s);
const char *extension_name(enum extension_state e);
int extension_parse(const char *s);
/* Open = not closed, merged or invalid. */
bool case_is_open(enum case_status s);

/* Check the intake fields: text (1..5000 chars of UTF-8), coordinates, phone, name. */
int case_validate_intake(const struct case_rec *c, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
