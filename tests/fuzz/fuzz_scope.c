/*
 * fuzz_scope.c - an API client's stored scope (core/scope.h): the input is
 * split on newlines into access, categories, areas and fields. A scope that
 * parses formats back to text that parses to the same scope; the name mask
 * of any text is valid UTF-8 no longer than its input.
 */
#include "gz.h"

#include <stdlib.h>

#include "core/account.h"
#include "core/scope.h"
#include "fuzz.h"
#include "util/text.h"

static char *next_line(char **p)
{
    char *s = *p, *nl;

    if (!s)
        return NULL;
    nl = strchr(s, '\n');
    *p = nl ? nl + 1 : NULL;
    if (nl)
        *nl = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *all = fuzz_strndup(data, size), *p = all;
    char *access = next_line(&p), *cats = next_line(&p), *areas = next_line(&p);
    char *fields = next_line(&p);
    char c2[SCOPE_TEXT_MAX], a2[SCOPE_TEXT_MAX], f2[SCOPE_TEXT_MAX], masked[64];
    struct api_scope s, back;
    struct gz_err err = {0};

    if (!scope_parse(&s, access, cats, areas, fields, &err)) {
        scope_format(&s, c2, a2, f2);
        FUZZ_CHECK(!scope_parse(&back, scope_access_name(s.access), c2, a2, f2, &err));
        FUZZ_CHECK(memcmp(&s, &back, sizeof(s)) == 0);
    }
    if (text_utf8_valid(all, strlen(all))) {
        account_mask_name(all, masked, sizeof(masked));
        FUZZ_CHECK(text_utf8_valid(masked, strlen(masked)));
    }
    free(all);
    return 0;
}
