/*
 * parse.h - JSON objects (request bodies, import records) to domain structs.
 * Each applies only the members present, so the same function serves create
 * (on a fresh struct) and partial update (on the stored one). Errors name the
 * member. Validation of the whole struct is the caller's next step.
 */
#ifndef GZ_PARSE_H
#define GZ_PARSE_H

#include <jansson.h>

#include "core/account.h"
#include "core/taxonomy.h"
#include "core/unit.h"

struct gz_err;

/*
 * Unit members: code, name, name_en, kind, parent (code or id; null = root),
 * contact, active, jurisdiction (GeoJSON geometry; null clears).
 * parent_code[GZ_MAX_CODE+1] receives a parent given by code; a parent given
 * by id goes to u->parent_id.
 */
int parse_unit(const json_t *o, struct unit *u, char *parent_code, struct gz_err *err);
/* Category members: code, name, name_en, respond_limit, resolve_limit,
 * urgent_limit ({"amount","unit"}, "4 work_hours" or null), kind, claimable,
 * kb_answer, active. */
int parse_category(const json_t *o, struct category *c, struct gz_err *err);
/* Account members: login, name, phone, active. */
int parse_account(const json_t *o, struct account *a, struct gz_err *err);

#endif
