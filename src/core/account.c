/* account.c - account and role rules that need no storage (see account.h). */
#include "gz.h"

#include <stdio.h>

#include "core/account.h"
#include "util/text.h"

static const char *const role_names[ROLE_COUNT] = {
    "resident", "operator", "dispatcher", "handler", "grid_worker", "supervisor", "admin",
};

void account_init(struct account *a)
{
    memset(a, 0, sizeof(*a));
    a->active = true;
}

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

int role_parse(const char *s)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

int account_validate(const struct account *a, struct gz_err *err)
{
    if (!text_is_code(a->login, GZ_MAX_CODE))
        return gz_fail(err, GZ_EINVAL, "login",
                       "login must be 1-%d characters of A-Z a-z 0-9 _ . -", GZ_MAX_CODE);
    if (!a->name[0])
        return gz_fail(err, GZ_EINVAL, "name", "name is required");
    if (!text_utf8_valid(a->name, strlen(a->name)))
        return gz_fail(err, GZ_EINVAL, "name", "name is not valid UTF-8");
    if (a->phone[0] && !text_is_phone(a->phone))
        return gz_fail(err, GZ_EINVAL, "phone",
                       "phone must be 5-20 digits, optionally with + - or spaces");
    return 0;
}

int account_check_password(const char *login, const char *password, struct gz_err *err)
{
    size_t n = strlen(password);
    bool same = true;

    if (n < GZ_MIN_PASSWORD || n > GZ_MAX_PASSWORD)
        return gz_fail(err, GZ_EINVAL, "password", "password must be %d-%d bytes", GZ_MIN_PASSWORD,
                       GZ_MAX_PASSWORD);
    if (!text_utf8_valid(password, n))
        return gz_fail(err, GZ_EINVAL, "password", "password is not valid UTF-8");
    for (size_t i = 1; i < n; i++)
        same = same && password[i] == password[0];
    if (same || (login && strcmp(login, password) == 0))
        return gz_fail(err, GZ_EINVAL, "password", "password is too easy to guess");
    return 0;
}

void account_mask_phone(const char *phone, char *out, size_t size)
{
    size_t n = strlen(phone);

    if (n < 7) {
        snprintf(out, size, "%s", n ? "****" : "");
        return;
    }
    snprintf(out, size, "%.3s****%s", phone, phone + n - 4);
}

void account_mask_name(const char *name, char *out, size_t size)
{
    size_t first = 1, chars = 0, len = 0;

    if (!size)
        return;
    out[0] = '\0';
    if (!*name)
        return;
    while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    for (const char *p = name + first; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (!chars) /* one character alone would be the whole name */
        first = 0, chars = 1;
    if (first < size)
        len = first;
    memcpy(out, name, len);
    for (size_t i = 0; i < chars && i < 8 && len + 1 < size; i++)
        out[len++] = '*';
    out[len] = '\0';
}
