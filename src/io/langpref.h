/*
 * langpref.h - which of the languages we speak a client prefers, from an
 * Accept-Language header (RFC 9110: "zh-CN,zh;q=0.9,en;q=0.8") or a plain
 * tag ("en", "zh_CN"). Only the primary subtag counts ("zh-TW" is zh); "*"
 * stands for any language we have; q=0 refuses one.
 */
#ifndef GZ_LANGPREF_H
#define GZ_LANGPREF_H

#include <stddef.h>

#define LANGPREF_MAX_ITEMS 32 /* items of a header read at most */

/*
 * The index in supported[0..n) (lower-case primary tags such as "zh", "en")
 * of the language s prefers most (the earlier on a tie), or -1 when s names
 * none of them or is malformed.
 */
int langpref_pick(const char *s, const char *const *supported, size_t n);

#endif
