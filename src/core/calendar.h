/*
 * calendar.h - the city's working calendar: which days are worked
 * (Monday-Friday by default, overridden day by day by holidays and by
 * weekend days made workdays, 调休), the working hours of a day (default
 * 08:30-12:00 and 13:30-17:30), and the city's time zone. Deadline
 * arithmetic in hours, working hours or workdays lives here.
 *
 * Times in and out are UTC seconds; days and working hours are the city's
 * local ones. A calendar is read-only once built and may be shared by
 * threads. The zone is the process's (TZ): one process serves one city, and
 * cal_new must run before threads start.
 */
#ifndef GZ_CALENDAR_H
#define GZ_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/taxonomy.h"

struct gz_err;
struct calendar;

enum cal_day_kind { CAL_DEFAULT = 0, CAL_HOLIDAY = 1, CAL_WORKDAY = 2 };

#define CAL_MAX_SEGMENTS 4

/* Working time of a day: [start, end) minutes after local midnight, ascending, disjoint. */
struct cal_hours {
    int n;
    struct {
        int start;
        int end;
    } seg[CAL_MAX_SEGMENTS];
};

/* A calendar in time zone `tz` (IANA name, e.g. "Asia/Shanghai"), default hours, no overrides. */
struct calendar *cal_new(const char *tz, struct gz_err *err);
void cal_free(struct calendar *c);
/* A calendar that only collects day overrides (for parsing and storing): the zone is untouched. */
struct calendar *cal_new_plain(void);
/* Call fn for every override in date order; stops at fn's first nonzero return, returned. */
int cal_each_override(const struct calendar *c,
                      int (*fn)(void *ctx, int year, int month, int day, enum cal_day_kind kind),
                      void *ctx);
const char *cal_tz(const struct calendar *c);
/* A copy of c (zone, hours, overrides) that leaves the process zone alone; NULL without memory. */
struct calendar *cal_copy(const struct calendar *c);
/* "YYYY-MM-DD" (a date we accept: 1900-2999) into its parts; -1 when it is not one. */
int cal_date_parse(const char *s, int *year, int *month, int *day);

/* Parse "08:30-12:00,13:30-17:30" into hours. */
int cal_hours_parse(const char *s, struct cal_hours *out, struct gz_err *err);
void cal_set_hours(struct calendar *c, const struct cal_hours *h);
/* Minutes of work in a working day. */
int cal_day_minutes(const struct calendar *c);

/* Override one local date ("2026-10-01") as holiday or workday (CAL_DEFAULT removes it). */
int cal_set_day(struct calendar *c, int year, int month, int day, enum cal_day_kind kind)
    __attribute__((warn_unused_result));
/* Is this local date worked? */
bool cal_is_workday(const struct calendar *c, int year, int month, int day);

/*
 * The moment a limit runs out when its clock starts at `start`:
 *   hours:      start + amount hours of clock time;
 *   work_hours: amount hours of working time, counted only inside working
 *               hours of workdays (a start outside them waits for the next
 *               working minute);
 *   workdays:   amount working days of working time, i.e. amount x the
 *               working-day length, counted like work_hours (so Monday 10:00
 *               + 1 workday = Tuesday 10:00, Friday 10:00 + 1 = Monday 10:00).
 * `permille` scales the limit (1000 = whole limit; 800 = the 80 % reminder
 * point), rounding down to whole minutes for the working kinds.
 */
int64_t cal_deadline(const struct calendar *c, int64_t start, const struct tlimit *limit,
                     int permille);

/*
 * cal_deadline for n (at most CAL_TARGETS) fractions of one limit, in
 * ascending order, in one walk: out[i] for permille[i].
 */
#define CAL_TARGETS 4
void cal_deadlines(const struct calendar *c, int64_t start, const struct tlimit *limit,
                   const int *permille, int n, int64_t *out);

/* Working minutes in [from, to) (0 when to <= from). */
int64_t cal_work_minutes(const struct calendar *c, int64_t from, int64_t to);

/*
 * Load overrides from CSV text with a header "date,kind[,occasion]", kind
 * holiday|workday, dates YYYY-MM-DD. On error *line is the bad line.
 */
int cal_load_csv(struct calendar *c, const char *text, size_t len, int *line, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
