/*
 * boston311.c - parsing a Boston 311 row (see boston311.h). Pure: the
 * caller maps names to categories and units in the store.
 */
#include "gz.h"

#include <ctype.h>
#include <math.h>
#include <time.h>

#include "io/boston311.h"
#include "io/csvread.h"
#include "util/text.h"

const char *const b311_columns[] = {
    "CASE_ENQUIRY_ID", "OPEN_DT",        "TARGET_DT",  "CLOSED_DT", "OnTime_Status",
    "CASE_STATUS",     "CLOSURE_REASON", "CASE_TITLE", "REASON",    "TYPE",
    "Department",      "Location",       "ward",       "precinct",  "LATITUDE",
    "LONGITUDE",       "Source",         NULL};

/* City Hall: where the city's system puts a request with no location. */
#define B311_DEFAULT_LAT 42.3594
#define B311_DEFAULT_LON -71.0587

void b311_init(struct b311_row *r)
{
    memset(r, 0, sizeof(*r));
    r->lat = r->lon = CASE_NO_COORD;
}

void b311_release(struct b311_row *r)
{
    free(r->title);
    free(r->location);
    free(r->closure);
    b311_init(r);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = 10 * v + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool b311_time(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int mo, d, y, h, mi, sec;
    time_t t;

    /* MM/DD/YYYY hh:mm:ss AM: 22 characters exactly */
    if (strlen(s) != 22 || s[2] != '/' || s[5] != '/' || s[10] != ' ' || s[13] != ':' ||
        s[16] != ':' || s[19] != ' ' || s[21] != 'M' || (s[20] != 'A' && s[20] != 'P'))
        return false;
    if (!digits(s, 2, &mo) || !digits(s + 3, 2, &d) || !digits(s + 6, 4, &y) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || h < 1 || h > 12 || mi > 59 || sec > 60)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h % 12 + (s[20] == 'P' ? 12 : 0);
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) /* 02/31 normalises to March: refuse it */
        return false;
    *out = (int64_t)t;
    return true;
}

int b311_channel(const char *source)
{
    static const struct {
        const char *source;
        enum case_channel channel;
    } map[] = {
        {"Constituent Call", CHANNEL_HOTLINE},  {"Citizens Connect App", CHANNEL_APP},
        {"Self Service", CHANNEL_WEB},          {"Twitter", CHANNEL_WEB},
        {"Employee Generated", CHANNEL_GRID},   {"City Worker App", CHANNEL_GRID},
        {"Maximo Integration", CHANNEL_IMPORT}, /* the city's asset system feeding work orders */
    };

    for (size_t i = 0; i < GZ_ARRAY_LEN(map); i++)
        if (strcmp(source, map[i].source) == 0)
            return (int)map[i].channel;
    return -1;
}

int b311_ward(const char *s)
{
    long long w;

    if (strncmp(s, "Ward ", 5) == 0)
        s += 5;
    return text_parse_i64(s, 1, 99, &w) ? (int)w : 0;
}

bool b311_precinct(const char *s, int *ward, int *precinct)
{
    char num[8];
    size_t n = strlen(s);
    long long v;

    if (n > 2 && strcmp(s + n - 2, ".0") == 0)
        n -= 2;
    if (n < 3 || n > 4)
        return false;
    memcpy(num, s, n);
    num[n] = '\0';
    if (!text_parse_i64(num, 101, 9999, &v) || v % 100 == 0)
        return false;
    *ward = (int)(v / 100);
    *precinct = (int)(v % 100);
    return true;
}

static int coord(const struct csv_row *row, const char *col, double limit, double *out,
                 struct gz_err *err)
{
    const char *s = csv_field(row, col);
    char *end;
    double v;

    if (!s || !*s)
        return 0;
    v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || fabs(v) > limit)
        return gz_fail(err, GZ_EINVAL, col, "%s is not a coordinate", col);
    *out = v;
    return 0;
}

static int copy_name(const struct csv_row *row, const char *col, char *out, size_t size,
                     struct gz_err *err)
{
    const char *s = csv_field(row, col);

    if (!s || !*s)
        return gz_fail(err, GZ_EINVAL, col, "%s is empty", col);
    if (strlen(s) >= size || !text_utf8_valid(s, strlen(s)))
        return gz_fail(err, GZ_EINVAL, col, "%s is too long or not UTF-8", col);
    snprintf(out, size, "%s", s);
    return 0;
}

static int times(const struct csv_row *row, struct b311_row *r, struct gz_err *err)
{
    const char *t = csv_field(row, "TARGET_DT"), *c = csv_field(row, "CLOSED_DT");

    if (!b311_time(csv_field(row, "OPEN_DT"), &r->open_at))
        return gz_fail(err, GZ_EINVAL, "OPEN_DT", "OPEN_DT is not MM/DD/YYYY hh:mm:ss AM");
    if (*t && !b311_time(t, &r->target_at))
        return gz_fail(err, GZ_EINVAL, "TARGET_DT", "TARGET_DT is not MM/DD/YYYY hh:mm:ss AM");
    if (*c && !b311_time(c, &r->closed_at))
        return gz_fail(err, GZ_EINVAL, "CLOSED_DT", "CLOSED_DT is not MM/DD/YYYY hh:mm:ss AM");
    r->closed = strcmp(csv_field(row, "CASE_STATUS"), "Closed") == 0;
    if (r->closed && !r->closed_at)
        return gz_fail(err, GZ_EINVAL, "CLOSED_DT", "a closed case without CLOSED_DT");
    r->ontime = strcmp(csv_field(row, "OnTime_Status"), "ONTIME") == 0;
    return 0;
}

static int place(const struct csv_row *row, struct b311_row *r, struct gz_err *err)
{
    int w = 0, p = 0;

    if (coord(row, "LATITUDE", 90, &r->lat, err) || coord(row, "LONGITUDE", 180, &r->lon, err))
        return GZ_EINVAL;
    if (r->lat == CASE_NO_COORD || r->lon == CASE_NO_COORD ||
        (r->lat == B311_DEFAULT_LAT && r->lon == B311_DEFAULT_LON))
        r->lat = r->lon = CASE_NO_COORD;
    r->ward = b311_ward(csv_field(row, "ward"));
    if (b311_precinct(csv_field(row, "precinct"), &w, &p) && (!r->ward || w == r->ward)) {
        r->ward = w;
        r->precinct = p;
    }
    return 0;
}

/* Department "No Q" is unit D-No_Q: codes take no spaces. */
static int dept(const struct csv_row *row, struct b311_row *r, struct gz_err *err)
{
    const char *d = csv_field(row, "Department");
    size_t n = strlen(d);

    if (n == 0 || n > 4)
        return gz_fail(err, GZ_EINVAL, "Department", "Department must be 1-4 characters");
    snprintf(r->dept, sizeof(r->dept), "D-%s", d);
    for (char *p = r->dept; *p; p++)
        if (*p == ' ')
            *p = '_';
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static int texts(const struct csv_row *row, struct b311_row *r, struct gz_err *err)
{
    const char *title = csv_field(row, "CASE_TITLE");

    r->title = strdup(*title ? title : r->type);
    r->location = dup_or_null(csv_field(row, "Location"));
    r->closure = dup_or_null(csv_field(row, "CLOSURE_REASON"));
    if (!r->title || !text_utf8_valid(r->title, strlen(r->title)))
        return gz_fail(err, GZ_EINVAL, "CASE_TITLE", "CASE_TITLE is not UTF-8");
    if (r->location && !text_utf8_valid(r->location, strlen(r->location)))
        return gz_fail(err, GZ_EINVAL, "Location", "Location is not UTF-8");
    if (r->closure && !text_utf8_valid(r->closure, strlen(r->closure)))
        return gz_fail(err, GZ_EINVAL, "CLOSURE_REASON", "CLOSURE_REASON is not UTF-8");
    return 0;
}

int b311_parse(const struct csv_row *row, struct b311_row *out, struct gz_err *err)
{
    int ch;
    int rc;

    b311_init(out);
    rc = copy_name(row, "CASE_ENQUIRY_ID", out->id, sizeof(out->id), err);
    if (!rc)
        rc = times(row, out, err);
    if (!rc)
        rc = copy_name(row, "REASON", out->reason, sizeof(out->reason), err);
    if (!rc)
        rc = copy_name(row, "TYPE", out->type, sizeof(out->type), err);
    if (!rc && (ch = b311_channel(csv_field(row, "Source"))) < 0)
        rc = gz_fail(err, GZ_EINVAL, "Source", "unknown Source %.40s", csv_field(row, "Source"));
    if (!rc) {
        out->channel = (enum case_channel)ch;
        rc = dept(row, out, err);
    }
    if (!rc)
        rc = place(row, out, err);
    if (!rc)
        rc = texts(row, out, err);
    if (rc)
        b311_release(out);
    return rc;
}
