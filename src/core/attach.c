/* attach.c - stages of evidence photos (see attach.h). */
#include "gz.h"

#include "core/attach.h"

#define S(st) (1u << (st))

static const struct {
    const char *name;
    bool public;
    unsigned statuses;
} stages[ATT_STAGE_COUNT] = {
    [ATT_INTAKE] = {"intake", true, 0},
    [ATT_REPLY] = {"reply", true, S(CASE_ACCEPTED) | S(CASE_RESOLVED)},
    [ATT_VERIFY] = {"verify", false, S(CASE_RESOLVED) | S(CASE_VERIFIED)},
    [ATT_COMPLETE] = {"complete", true, 0},
};

const char *att_stage_name(enum att_stage s)
{
    return (unsigned)s < ATT_STAGE_COUNT ? stages[s].name : "?";
}

int att_stage_parse(const char *s)
{
    for (int i = 0; i < ATT_STAGE_COUNT; i++)
        if (s && strcmp(s, stages[i].name) == 0)
            return i;
    return -1;
}

bool att_stage_public(enum att_stage s)
{
    return (unsigned)s < ATT_STAGE_COUNT && stages[s].public;
}

bool att_stage_open(enum att_stage s, enum case_status st)
{
    if ((unsigned)s >= ATT_STAGE_COUNT)
        return false;
    /* 0: any open state */
    return stages[s].statuses ? (stages[s].statuses & S(st)) != 0 : case_is_open(st);
}

bool att_sha_valid(const char *hex)
{
    size_t n = 0;

    for (; hex[n]; n++)
        if (!((hex[n] >= '0' && hex[n] <= '9') || (hex[n] >= 'a' && hex[n] <= 'f')))
            return false;
    return n == ATT_SHA_HEX;
}
