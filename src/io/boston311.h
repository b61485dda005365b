/*
 * boston311.h - one row of the City of Boston's 311 export (Analyze Boston,
 * "311 Service Requests", 2015 layout) as gongzhi sees it. The mapping is
 * ../shared/data/README.md's: channel ← Source, category ← REASON › TYPE,
 * responsible unit ← Department, text ← CASE_TITLE, address ← Location,
 * times ← OPEN_DT / TARGET_DT / CLOSED_DT in the city's zone (the process
 * TZ), ground truth for locating ← ward / precinct.
 *
 * Quirks handled here: the City Hall default point (42.3594, -71.0587)
 * means "no location"; ward is "Ward 5" or "5"; precinct is "503.0",
 * "0113" or worse (unknown then); an empty CASE_TITLE takes the TYPE.
 */
#ifndef GZ_BOSTON311_H
#define GZ_BOSTON311_H

#include <stdbool.h>
#include <stdint.h>

#include "core/case.h"

struct csv_row;
struct gz_err;

#define B311_NAME_MAX 128

struct b311_row {
    char id[32];                  /* CASE_ENQUIRY_ID */
    int64_t open_at;              /* required */
    int64_t target_at, closed_at; /* 0 when empty */
    bool closed;                  /* CASE_STATUS "Closed" */
    bool ontime;                  /* OnTime_Status "ONTIME" */
    char reason[B311_NAME_MAX];   /* level 1 */
    char type[B311_NAME_MAX];     /* level 2 */
    char dept[16];                /* the unit code: "D-" + Department, spaces as '_' */
    enum case_channel channel;
    double lat, lon;    /* CASE_NO_COORD: no location given */
    int ward, precinct; /* the record's; 0 unknown (precinct within its ward) */
    char *title;        /* heap */
    char *location;     /* heap, NULL when empty */
    char *closure;      /* heap, NULL when empty */
};

void b311_init(struct b311_row *r);
void b311_release(struct b311_row *r);

/* The header columns a file must have. */
extern const char *const b311_columns[];

/* Parse one row; on error err names the column and nothing is kept. */
int b311_parse(const struct csv_row *row, struct b311_row *out, struct gz_err *err)
    __attribute__((warn_unused_result));

/* "MM/DD/YYYY hh:mm:ss AM" in the process's zone; false when malformed. */
bool b311_time(const char *s, int64_t *out);
/* Source → channel; -1 when unknown. */
int b311_channel(const char *source);
/* "Ward 5", "5", "05" → 5; 0 when empty or malformed. */
int b311_ward(const char *s);
/* "503.0", "0503" → ward 5, precinct 3; false when empty or malformed. */
bool b311_precinct(const char *s, int *ward, int *precinct);

#endif
