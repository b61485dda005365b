/*
 * timeutil.h - the clock (injectable for tests through GONGZHI_NOW) and
 * RFC 3339 formatting. Times inside gongzhi are UTC seconds since the epoch.
 */
#ifndef GZ_TIMEUTIL_H
#define GZ_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Current time in seconds; fixed to GONGZHI_NOW (epoch seconds) when set. */
int64_t time_now(void);
/* Monotonic seconds, for uptimes and rate windows. */
double time_mono(void);
/* "2026-11-24T18:00:00Z"; out must hold 32 bytes. */
void time_rfc3339(int64_t t, char *out, size_t size);

/* The real clock in milliseconds (never GONGZHI_NOW): when deliveries are due. */
int64_t time_wall_ms(void);
/* The real clock `seconds` from now, for pthread_cond_timedwait. */
struct timespec time_deadline(double seconds);
/* Sleep this long (interrupted sleeps go on). */
void time_sleep(double seconds);

#endif
