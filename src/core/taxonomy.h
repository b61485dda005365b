/*
 * taxonomy.h - the shared category tree (DESIGN §1, §3): codes of two digits
 * per level ("01", "0103", "010302"), zh/en names, time limits for response
 * and resolution, an urgent limit, event/component kind, whether volunteers
 * may claim it, and a knowledge-base answer for consultations.
 */
#ifndef GZ_TAXONOMY_H
#define GZ_TAXONOMY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/limits.h"

struct gz_err;

enum limit_unit { LIMIT_HOURS, LIMIT_WORK_HOURS, LIMIT_WORKDAYS, LIMIT_UNIT_COUNT };

/* A time limit: amount of units; amount 0 = no limit set (inherit the parent's). */
struct tlimit {
    int amount;
    enum limit_unit unit;
};

enum category_kind { CATEGORY_EVENT, CATEGORY_COMPONENT };

#define CATEGORY_CODE_MAX (2 * GZ_CATEGORY_DEPTH)

struct category {
    char code[CATEGORY_CODE_MAX + 1];
    char parent_code[CATEGORY_CODE_MAX + 1]; /* derived from code; "" at the top */
    char name[GZ_MAX_NAME];
    char name_en[GZ_MAX_NAME];
    struct tlimit respond;
    struct tlimit resolve;
    struct tlimit urgent; /* resolve limit when the case is urgent */
    enum category_kind kind;
    bool claimable;
    bool active;
    char *kb_answer; /* heap, NULL when none */
};

void category_init(struct category *c);
void category_release(struct category *c);
int category_copy(struct category *dst, const struct category *src)
    __attribute__((warn_unused_result));

const char *limit_unit_name(enum limit_unit u);
int limit_unit_parse(const char *s); /* -1 when unknown */
/* Parse "4 work_hours", "7 workdays", "24 hours" or "" (no limit). */
int tlimit_parse(const char *s, struct tlimit *out);
/* Format as "4 work_hours" into out[32] ("" when unset). */
void tlimit_format(const struct tlimit *l, char *out, size_t size);

const char *category_kind_name(enum category_kind k);
int category_kind_parse(const char *s);

/* True for 2..8 digits in whole pairs. */
bool category_code_valid(const char *code);
/* Depth of a valid code: 1 for "01". */
int category_depth(const char *code);
/* Fill c->parent_code from c->code. */
void category_derive_parent(struct category *c);
/* Check every field; fills parent_code. */
int category_validate(struct category *c, struct gz_err *err) __attribute__((warn_unused_result));

#endif
