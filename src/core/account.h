/*
 * account.h - people who sign in, and their roles per unit (DESIGN §8).
 * An account holds no rights by itself: each membership gives one role in
 * one unit, and that role reaches the unit's subtree.
 */
#ifndef GZ_ACCOUNT_H
#define GZ_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/limits.h"

struct gz_err;

enum role {
    ROLE_RESIDENT,
    ROLE_OPERATOR,
    ROLE_DISPATCHER,
    ROLE_HANDLER,
    ROLE_GRID_WORKER,
    ROLE_SUPERVISOR,
    ROLE_ADMIN,
    ROLE_COUNT
};

struct account {
    int64_t id;
    char login[GZ_MAX_CODE + 1];
    char name[GZ_MAX_NAME];
    char phone[GZ_MAX_PHONE + 1];
    bool active;
    int64_t created_at;
};

struct membership {
    int64_t id;
    int64_t account_id;
    int64_t unit_id;
    enum role role;
};

void account_init(struct account *a);
/* login, name, phone. */
int account_validate(const struct account *a, struct gz_err *err)
    __attribute__((warn_unused_result));
/* 8..256 bytes of UTF-8, not all the same character, not the login. */
int account_check_password(const char *login, const char *password, struct gz_err *err)
    __attribute__((warn_unused_result));

const char *role_name(enum role r);
int role_parse(const char *s); /* -1 when unknown */

/* Mask a phone number for display: "13812345678" -> "138****5678". */
void account_mask_phone(const char *phone, char *out, size_t size);
/* Mask a name for display: its first character, a star for each other (at most 8): "赵六" -> "赵*". */
void account_mask_name(const char *name, char *out, size_t size);

#endif
