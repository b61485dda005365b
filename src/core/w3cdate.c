/*
 * w3cdate.c - W3C date-times (see w3cdate.h). Fields are read by shape
 * (digits where digits belong), then the time is built with timegm (with a
 * zone) or mktime (local date forms) and checked by normalising it back:
 * 2026-02-30 or 24:00 move a field and are refused. Years start at 1970.
 */
#include "gz.h"

#include <ctype.h>
#include <time.h>

#include "core/w3cdate.h"

/* Does s start with pattern, where 'd' is a digit and anything else itself? */
static bool shaped(const char *s, const char *pattern)
{
    for (; *pattern; s++, pattern++)
        if (*pattern == 'd' ? !isdigit((unsigned char)*s) : *s != *pattern)
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The zone designator (after any fraction of a second) as seconds east of UTC. */
static bool parse_zone(const char *s, int *offset)
{
    if (*s == '.') {
        if (!isdigit((unsigned char)s[1]))
            return false;
        for (s++; isdigit((unsigned char)*s); s++)
            ;
    }
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *offset = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-' && s[0] != ' ') || !shaped(s + 1, "dd:dd") || s[6] ||
        num(s + 1, 2) > 23 || num(s + 4, 2) > 59)
        return false;
    *offset = (s[0] == '-' ? -1 : 1) * (num(s + 1, 2) * 3600 + num(s + 4, 2) * 60);
    return true;
}

/* The time of day after 'T': hh:mm[:ss[.s]]TZD into tm; false when malformed. */
static bool parse_clock(const char *s, struct tm *tm, int *offset)
{
    if (!shaped(s, "dd:dd"))
        return false;
    tm->tm_hour = num(s, 2);
    tm->tm_min = num(s + 3, 2);
    s += 5;
    if (shaped(s, ":dd")) {
        tm->tm_sec = num(s + 1, 2);
        s += 3;
    } else if (*s == '.') {
        return false; /* a fraction needs seconds */
    }
    return parse_zone(s, offset);
}

/* The date part: how many fields were given (1 year, 2 month, 3 day), 0 when malformed. */
static int parse_day(const char *s, struct tm *tm, const char **rest)
{
    int fields = 1;

    if (!shaped(s, "dddd"))
        return 0;
    tm->tm_year = num(s, 4) - 1900;
    tm->tm_mon = 0;
    tm->tm_mday = 1;
    s += 4;
    if (shaped(s, "-dd")) {
        tm->tm_mon = num(s + 1, 2) - 1;
        s += 3;
        fields = 2;
        if (shaped(s, "-dd")) {
            tm->tm_mday = num(s + 1, 2);
            s += 3;
            fields = 3;
        }
    }
    *rest = s;
    return fields;
}

bool w3c_parse(const char *s, int64_t *out)
{
    struct tm tm = {0}, back;
    const char *rest = NULL;
    int fields, offset = 0;
    bool local;
    time_t t;

    if (!s)
        return false;
    fields = parse_day(s, &tm, &rest);
    if (!fields || tm.tm_year < 70) /* from 1970: then (time_t)-1 is only ever an error */
        return false;
    local = *rest == '\0';
    if (!local &&
        !(fields == 3 && (*rest == 'T' || *rest == 't') && parse_clock(rest + 1, &tm, &offset)))
        return false;
    tm.tm_isdst = -1;
    back = tm;
    t = local ? mktime(&tm) : timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon ||
        tm.tm_year != back.tm_year)
        return false;
    /* a local midnight that a DST change skips moves the hour: that day still exists */
    if (!local &&
        (tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec))
        return false;
    *out = (int64_t)t - offset;
    return true;
}

void w3c_format(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    long off;
    char day[24];

    localtime_r(&tt, &tm);
    off = tm.tm_gmtoff;
    strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
    if (off == 0)
        snprintf(out, size, "%sZ", day);
    else
        snprintf(out, size, "%s%c%02ld:%02ld", day, off < 0 ? '-' : '+', labs(off) / 3600,
                 labs(off) % 3600 / 60);
}
