/*
 * period.h - local days and assessment periods (DESIGN §6).
 *
 * A day is a civil date in the city's zone (the process TZ, set from the
 * calendar), numbered as days since 1970-01-01: the unit in which the
 * performance aggregates are kept, so every period is a whole number of days
 * and its edges fall on local midnights.
 *
 * Periods are named as people say them:
 *   "2026"        a year           "2026-11"     a month
 *   "2026-W47"    an ISO week      "2026-11-05"  a day
 * A city may start its assessment months on another day than the 1st
 * (Beijing counts from the 19th): with start day d > 1 the month "2026-11"
 * runs from 2026-10-d to 2026-11-(d-1), i.e. it is named after the month it
 * ends in, and the year "2026" from 2025-12-d to 2026-12-(d-1). Weeks and
 * days do not move.
 */
#ifndef GZ_PERIOD_H
#define GZ_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gz_err;

#define PERIOD_NAME_MAX 40
#define PERIOD_START_MAX 28 /* so that every month has the start day */

enum period_kind { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_YEAR };

struct period {
    enum period_kind kind;
    int start_day;              /* of months and years, 1..PERIOD_START_MAX */
    int64_t from, to;           /* local days [from, to) */
    char name[PERIOD_NAME_MAX]; /* canonical: "2026-11", "2026-W47", ... */
};

/* Day number of a civil date (proleptic Gregorian; any year). */
int64_t day_from_civil(int y, int m, int d);
void day_to_civil(int64_t day, int *y, int *m, int *d);
/* ISO weekday of a day: 1 Monday .. 7 Sunday. */
int day_weekday(int64_t day);
/* The local day containing instant t (UTC seconds). */
int64_t day_of(int64_t t);
/* The instant local day `day` begins (its first second that exists). */
int64_t day_start(int64_t day);
/* "2026-11-05" into out[11+]. */
void day_format(int64_t day, char *out, size_t size);

/*
 * Parse a period name (see above) with the city's start day. GZ_EBADREQ naming
 * `field` when malformed or out of range (years 1970..9999).
 */
int period_parse(const char *s, int start_day, const char *field, struct period *out,
                 struct gz_err *err) __attribute__((warn_unused_result));
/* The period of `kind` containing local day `day`. */
void period_at(enum period_kind kind, int64_t day, int start_day, struct period *out);
/* The period before / after p (same kind and start day). */
void period_prev(const struct period *p, struct period *out);
void period_next(const struct period *p, struct period *out);
/* "day", "week", "month", "year"; parse returns -1 when unknown. */
const char *period_kind_name(enum period_kind k);
int period_kind_parse(const char *s);

#endif
