/*
 * attrdef.h - the questions a service asks beyond the description: Open311
 * GeoReport v2 service attributes. A category may define a list of them
 * (code, datatype, whether an answer is required, order, description, and
 * the allowed values of a list); a report then answers them as
 * attribute[CODE]=value (attribute[CODE][]=value, repeated, for a
 * multivaluelist). Definitions are kept as the JSON array this module
 * checked and normalised; answers are checked against them here.
 */
#ifndef GZ_ATTRDEF_H
#define GZ_ATTRDEF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct gz_err;

#define ATTR_MAX 50                /* attributes per service */
#define ATTR_MAX_VALUES 200        /* values of one list */
#define ATTR_CODE_MAX 64           /* bytes of an attribute code or value key */
#define ATTR_TEXT_MAX_CHARS 4000   /* an answer of datatype text */
#define ATTR_STRING_MAX_CHARS 1000 /* an answer of datatype string, and descriptions */

enum attr_type {
    ATTR_STRING,
    ATTR_NUMBER,
    ATTR_DATETIME,
    ATTR_TEXT,
    ATTR_SINGLE, /* singlevaluelist */
    ATTR_MULTI,  /* multivaluelist */
    ATTR_TYPE_COUNT
};

const char *attr_type_name(enum attr_type t);
int attr_type_parse(const char *s); /* -1 when unknown */

/*
 * Check a definition list (a JSON array of {code, datatype, required,
 * variable, order, description, datatype_description, values:[{key, name}]})
 * and return its normalised form: every member present, values only for
 * the list types, sorted by order. order defaults to the position (from 1)
 * and must not repeat; variable defaults to true. NULL with err naming the
 * member ("attributes[2].values") when something is wrong.
 */
json_t *attrdef_normalise(const json_t *defs, struct gz_err *err);

/*
 * The attribute code a form field name answers: "attribute[CODE]" (*multi
 * false) or "attribute[CODE][]" (*multi true), code[ATTR_CODE_MAX + 1].
 * false when the name is not of that shape (or the code is too long).
 */
bool attrdef_field(const char *name, char *code, size_t size, bool *multi);

/* One answer as submitted. */
struct attr_answer {
    const char *code;
    const char *value;
    bool multi; /* given as attribute[CODE][] */
};

/*
 * Check answers[0..n) against the normalised definitions defs: every code
 * defined and variable, one value for the single-valued types, values from
 * the list for the list types, numbers and W3C date-times well-formed, every
 * required attribute answered. An empty value counts as no answer. On
 * success *out is {code: value, ...} ({code: [values]} for a
 * multivaluelist), or NULL when nothing was answered. Errors are GZ_EINVAL
 * naming "attribute[CODE]".
 */
int attrdef_check(const json_t *defs, const struct attr_answer *answers, size_t n, json_t **out,
                  struct gz_err *err) __attribute__((warn_unused_result));

#endif
