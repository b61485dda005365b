/*
 * kb.h - what the case actions take from the knowledge base (api/kb.c).
 */
#ifndef GZ_API_KB_H
#define GZ_API_KB_H

#include <jansson.h>

#include "api/api.h"
#include "core/case.h"

struct gz_err;

/*
 * The answer action's text and citation. With "kb_entry" (an id) in body,
 * that entry, which must exist (GZ_EINVAL) and be in force (GZ_ECONFLICT),
 * both naming "kb_entry"; without it and without *text, the category's
 * kb_answer, else the category's answer entry. An entry is cited (*cite:
 * id, version, title, lang) and gives *text (heap) when there is none: its
 * body in body's "lang" (zh|en), or else in the language of the case's text.
 */
int api_kb_answer(struct app *app, const json_t *body, const struct case_rec *c, char **text,
                  json_t **cite, struct gz_err *err) __attribute__((warn_unused_result));

#endif
