/*
 * taxonomy.c - category rules that need no storage. Codes carry their own
 * ancestry (each level adds two digits), so a parent is found by trimming.
 */
#include "gz.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/taxonomy.h"
#include "util/text.h"

static const char *const unit_names[LIMIT_UNIT_COUNT] = {"hours", "work_hours", "workdays"};
static const char *const kind_names[] = {"event", "component"};

/* Limits above these are certainly typos: a year in any unit. */
static const int limit_max[LIMIT_UNIT_COUNT] = {24 * 366, 8 * 260, 260};

void category_init(struct category *c)
{
    memset(c, 0, sizeof(*c));
    c->active = true;
}

void category_release(struct category *c)
{
    free(c->kb_answer);
    category_init(c);
}

int category_copy(struct category *dst, const struct category *src)
{
    *dst = *src;
    if (!src->kb_answer)
        return 0;
    dst->kb_answer = strdup(src->kb_answer);
    return dst->kb_answer ? 0 : GZ_ENOMEM;
}

const char *limit_unit_name(enum limit_unit u)
{
    return (unsigned)u < LIMIT_UNIT_COUNT ? unit_names[u] : "unknown";
}

int limit_unit_parse(const char *s)
{
    for (int i = 0; i < LIMIT_UNIT_COUNT; i++)
        if (strcmp(s, unit_names[i]) == 0)
            return i;
    return -1;
}

int tlimit_parse(const char *s, struct tlimit *out)
{
    char unit[16], *end;
    long amount;
    int n = 0, u;

    out->amount = 0;
    out->unit = LIMIT_HOURS;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    /* strtol, not sscanf %d: it reports overflow instead of wrapping */
    errno = 0;
    amount = strtol(s, &end, 10);
    if (errno || end == s || !isspace((unsigned char)*end) ||
        sscanf(end, " %15s %n", unit, &n) != 1 || end[n] != '\0')
        return GZ_EINVAL;
    u = limit_unit_parse(unit);
    if (u < 0 || amount <= 0 || amount > limit_max[u])
        return GZ_EINVAL;
    out->amount = (int)amount;
    out->unit = (enum limit_unit)u;
    return 0;
}

void tlimit_format(const struct tlimit *l, char *out, size_t size)
{
    if (l->amount <= 0)
        snprintf(out, size, "%s", "");
    else
        snprintf(out, size, "%d %s", l->amount, limit_unit_name(l->unit));
}

const char *category_kind_name(enum category_kind k)
{
    return (unsigned)k < GZ_ARRAY_LEN(kind_names) ? kind_names[k] : "unknown";
}

int category_kind_parse(const char *s)
{
    for (size_t i = 0; i < GZ_ARRAY_LEN(kind_names); i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

bool category_code_valid(const char *code)
{
    size_t n = strlen(code);

    if (n < 2 || n > CATEGORY_CODE_MAX || n % 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)code[i]))
            return false;
    /* "00" is no category at any level */
    for (size_t i = 0; i < n; i += 2)
        if (code[i] == '0' && code[i + 1] == '0')
            return false;
    return true;
}

int category_depth(const char *code)
{
    return (int)(strlen(code) / 2);
}

void category_derive_parent(struct category *c)
{
    size_t n = strlen(c->code);

    n = n >= 2 ? n - 2 : 0;
    memcpy(c->parent_code, c->code, n);
    c->parent_code[n] = '\0';
}

static int check_limit(const char *field, const struct tlimit *l, struct gz_err *err)
{
    if (l->amount < 0 || (unsigned)l->unit >= LIMIT_UNIT_COUNT || l->amount > limit_max[l->unit])
        return gz_fail(
            err, GZ_EINVAL, field,
            "%s must be a positive amount of hours, work_hours or workdays, at most a year", field);
    return 0;
}

static int check_text(const char *field, const char *s, size_t max, struct gz_err *err)
{
    size_t n = strlen(s);

    if (n > max || !text_utf8_valid(s, n))
        return gz_fail(err, GZ_EINVAL, field, "%s must be valid UTF-8 of at most %zu bytes", field,
                       max);
    return 0;
}

int category_validate(struct category *c, struct gz_err *err)
{
    int rc;

    if (!category_code_valid(c->code))
        return gz_fail(err, GZ_EINVAL, "code",
                       "code must be 2 digits per level, 1 to %d levels, no 00 level",
                       GZ_CATEGORY_DEPTH);
    category_derive_parent(c);
    if (!c->name[0])
        return gz_fail(err, GZ_EINVAL, "name", "name is required");
    rc = check_text("name", c->name, GZ_MAX_NAME - 1, err);
    if (!rc)
        rc = check_text("name_en", c->name_en, GZ_MAX_NAME - 1, err);
    if (!rc && c->kb_answer)
        rc = check_text("kb_answer", c->kb_answer, GZ_MAX_KB_ANSWER, err);
    if (!rc)
        rc = check_limit("respond_limit", &c->respond, err);
    if (!rc)
        rc = check_limit("resolve_limit", &c->resolve, err);
    if (!rc)
        rc = check_limit("urgent_limit", &c->urgent, err);
    if (rc)
        return rc;
    if ((unsigned)c->kind > CATEGORY_COMPONENT)
        return gz_fail(err, GZ_EINVAL, "kind", "kind must be event or component");
    return 0;
}
