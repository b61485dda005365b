/* apiclient.c - Open311 client systems (see apiclient.h). */
#include "gz.h"

#include "core/apiclient.h"
#include "util/text.h"

void api_client_init(struct api_client *c)
{
    memset(c, 0, sizeof(*c));
    c->active = true;
    scope_init(&c->scope);
}

int api_client_validate(const struct api_client *c, struct gz_err *err)
{
    if (!c->name[0] || strspn(c->name, " \t\r\n") == strlen(c->name))
        return gz_fail(err, GZ_EINVAL, "name", "name is required");
    if (!text_utf8_valid(c->name, strlen(c->name)) || strpbrk(c->name, "\r\n"))
        return gz_fail(err, GZ_EINVAL, "name", "name must be one line of UTF-8");
    if (!text_utf8_valid(c->contact, strlen(c->contact)))
        return gz_fail(err, GZ_EINVAL, "contact", "contact must be UTF-8");
    if (c->rate_per_min < 0 || c->rate_per_min > APICLIENT_MAX_RATE)
        return gz_fail(err, GZ_EINVAL, "rate_limit", "rate_limit must be 0 (none) to %d a minute",
                       APICLIENT_MAX_RATE);
    return 0;
}
