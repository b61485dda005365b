/*
 * fuzz_unit_json.c - the request-body parsers: the bytes are loaded as JSON
 * (as api_util does for a body) and, when they are an object, given in turn
 * to parse_unit + unit_validate, parse_category + category_validate and
 * parse_account + account_validate, each on a fresh struct.
 */
#include "gz.h"

#include <jansson.h>

#include "fuzz.h"
#include "io/parse.h"

static void check_err(int rc, const struct gz_err *err)
{
    FUZZ_CHECK(rc <= 0);
    FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)));
    FUZZ_CHECK(memchr(err->field, '\0', sizeof(err->field)));
}

static void fuzz_unit(const json_t *o)
{
    struct unit u;
    struct gz_err err = {0};
    char parent_code[GZ_MAX_CODE + 1] = "";
    int rc;

    unit_init(&u);
    u.kind = UNIT_KIND_COUNT; /* as the API does: "kind" must be given on create */
    rc = parse_unit(o, &u, parent_code, &err);
    check_err(rc, &err);
    FUZZ_CHECK(memchr(parent_code, '\0', sizeof(parent_code)));
    if (rc == 0) {
        rc = unit_validate(&u, &err);
        check_err(rc, &err);
        if (rc == 0 && u.jurisdiction)
            check_err(unit_check_geometry(u.jurisdiction, &err), &err);
    }
    unit_release(&u);
}

static void fuzz_category(const json_t *o)
{
    struct category c;
    struct gz_err err = {0};
    int rc;

    category_init(&c);
    rc = parse_category(o, &c, &err);
    check_err(rc, &err);
    if (rc == 0)
        check_err(category_validate(&c, &err), &err);
    category_release(&c);
}

static void fuzz_account(const json_t *o)
{
    struct account a;
    struct gz_err err = {0};
    int rc;

    account_init(&a);
    rc = parse_account(o, &a, &err);
    check_err(rc, &err);
    if (rc == 0)
        check_err(account_validate(&a, &err), &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);

    if (!o)
        return 0;
    if (json_is_object(o)) {
        fuzz_unit(o);
        fuzz_category(o);
        fuzz_account(o);
    }
    json_decref(o);
    return 0;
}
