/* log.c - stderr logging (see log.h). */
#include "gz.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "util/log.h"

static enum log_level log_threshold = LOG_INFO;

void log_set_level(enum log_level level)
{
    log_threshold = level;
}

int log_level_parse(const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error", "off"};

    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++)
        if (strcasecmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"debug", "info", "warn", "error", "off"};
    char stamp[32], line[1024];
    struct tm tm;
    time_t now;
    va_list ap;

    if (level < log_threshold)
        return;
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* one fprintf per record so concurrent threads do not interleave mid-line */
    fprintf(stderr, "%s %s %s\n", stamp, tags[level], line);
}
