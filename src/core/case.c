/* case.c - names and intake checks of a case (see case.h). */
#include "gz.h"

#include <math.h>

#include "core/case.h"
#include "core/joint.h"
#include "util/text.h"

static const char *const status_names[CASE_STATUS_COUNT] = {
    "received", "dispatched", "accepted", "returned", "resolved",
    "verified", "closed",     "merged",   "invalid",  "parked",
};
static const char *const channel_names[CHANNEL_COUNT] = {
    "hotline", "web", "app", "open311", "grid", "sensor", "import", "proactive",
};
static const char *const satisfaction_names[] = {"", "satisfied", "basic", "unsatisfied"};
static const char *const extension_names[] = {"none", "requested", "approved", "refused"};

void case_init(struct case_rec *c)
{
    memset(c, 0, sizeof(*c));
    c->lat = c->lon = CASE_NO_COORD;
    c->contacted = c->solved = -1;
    c->located = -1;
    c->claimable = -1;
}

void case_release(struct case_rec *c)
{
    free(c->text);
    free(c->address);
    free(c->reply);
    joint_parties_free(c->parties, c->n_parties);
    case_init(c);
}

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

const char *case_status_name(enum case_status s)
{
    return (unsigned)s < CASE_STATUS_COUNT ? status_names[s] : "unknown";
}

int case_status_parse(const char *s)
{
    return parse_name(s, status_names, CASE_STATUS_COUNT);
}

const char *case_channel_name(enum case_channel c)
{
    return (unsigned)c < CHANNEL_COUNT ? channel_names[c] : "unknown";
}

int case_channel_parse(const char *s)
{
    return parse_name(s, channel_names, CHANNEL_COUNT);
}

const char *satisfaction_name(enum satisfaction s)
{
    return (unsigned)s < GZ_ARRAY_LEN(satisfaction_names) ? satisfaction_names[s] : "";
}

int satisfaction_parse(const char *s)
{
    int k = parse_name(s, satisfaction_names, (int)GZ_ARRAY_LEN(satisfaction_names));

    return k > 0 ? k : -1;
}

const char *extension_name(enum extension_state e)
{
    return (unsigned)e < GZ_ARRAY_LEN(extension_names) ? extension_names[e] : "none";
}

int extension_parse(const char *s)
{
    return parse_name(s, extension_names, (int)GZ_ARRAY_LEN(extension_names));
}

bool case_is_open(enum case_status s)
{
    return s != CASE_CLOSED && s != CASE_MERGED && s != CASE_INVALID;
}

static int check_coords(const struct case_rec *c, struct gz_err *err)
{
    bool has_lat = c->lat != CASE_NO_COORD, has_lon = c->lon != CASE_NO_COORD;

    if (has_lat != has_lon)
        return gz_fail(err, GZ_EINVAL, has_lat ? "lon" : "lat",
                       "give both lat and lon, or neither");
    if (has_lat && (!isfinite(c->lat) || fabs(c->lat) > 90.0))
        return gz_fail(err, GZ_EINVAL, "lat", "lat must be between -90 and 90");
    if (has_lon && (!isfinite(c->lon) || fabs(c->lon) > 180.0))
        return gz_fail(err, GZ_EINVAL, "lon", "lon must be between -180 and 180");
    return 0;
}

int case_validate_intake(const struct case_rec *c, struct gz_err *err)
{
    size_t n = c->text ? strlen(c->text) : 0;

    if (!n || strspn(c->text, " \t\r\n") == n)
        return gz_fail(err, GZ_EINVAL, "text", "text is required");
    if (!text_utf8_valid(c->text, n))
        return gz_fail(err, GZ_EINVAL, "text", "text is not valid UTF-8");
    if (text_utf8_len(c->text) > CASE_MAX_TEXT_CHARS)
        return gz_fail(err, GZ_EINVAL, "text", "text is longer than %d characters",
                       CASE_MAX_TEXT_CHARS);
    if (c->address && !text_utf8_valid(c->address, strlen(c->address)))
        return gz_fail(err, GZ_EINVAL, "address", "address is not valid UTF-8");
    if (c->reporter_phone[0] && !text_is_phone(c->reporter_phone))
        return gz_fail(err, GZ_EINVAL, "phone",
                       "phone must be 5-20 digits, optionally with + - or spaces");
    if (!text_utf8_valid(c->reporter_name, strlen(c->reporter_name)))
        return gz_fail(err, GZ_EINVAL, "name", "name is not valid UTF-8");
    if ((unsigned)c->channel >= CHANNEL_COUNT)
        return gz_fail(err, GZ_EINVAL, "channel", "unknown channel");
    return check_coords(c, err);
}
