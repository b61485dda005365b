/*
 * apiclient.h - a client system allowed to report through Open311 (a city
 * app, a 311 CRM): its name and contact, the account its reports are taken
 * in under (one per client, without password or membership, so its key
 * opens nothing else), its request quota, and whether its key still works.
 * The key itself is never kept: only its SHA-256, like a bearer token.
 * A client may also read (and write) through the native JSON API within its
 * scope: a department's system (core/scope.h).
 */
#ifndef GZ_APICLIENT_H
#define GZ_APICLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/scope.h"
#include "util/limits.h"

struct gz_err;

#define APICLIENT_MAX_RATE 1000000 /* requests per minute; 0 = no limit */

struct api_client {
    int64_t id;
    char name[GZ_MAX_NAME];
    char contact[GZ_MAX_CONTACT];
    int64_t account_id;
    int rate_per_min; /* 0 = unlimited */
    bool active;      /* false once revoked */
    int64_t created_at;
    int64_t revoked_at; /* 0 while active */
    struct api_scope scope; /* what its key opens on the native API (core/scope.h) */
};

void api_client_init(struct api_client *c);
/* name (1..256 bytes of UTF-8), contact, rate (0..APICLIENT_MAX_RATE). */
int api_client_validate(const struct api_client *c, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
