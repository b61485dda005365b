/* timeutil.c - clock and time formatting (see timeutil.h). */
#include "gz.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util/text.h"
#include "util/timeutil.h"

int64_t time_now(void)
{
    const char *fixed = getenv("GONGZHI_NOW");
    long long v;

    if (fixed && text_parse_i64(fixed, 0, INT64_MAX, &v))
        return v;
    return (int64_t)time(NULL);
}

double time_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void time_rfc3339(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct timespec time_deadline(double seconds)
{
    struct timespec ts;
    long ns = (long)((seconds - (double)(long)seconds) * 1e9);

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)seconds;
    ts.tv_nsec += ns;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int64_t time_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_sleep(double seconds)
{
    struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};

    while (nanosleep(&d, &d) != 0 && errno == EINTR)
        ;
}
