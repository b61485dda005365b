/*
 * text.h - checks on user text: UTF-8 validity, length in characters,
 * identifier and phone formats, bounded copies.
 */
#ifndef GZ_TEXT_H
#define GZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or NULs). */
bool text_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t text_utf8_len(const char *s);
/* Copy src into dst[size], truncating at a character boundary; returns false if truncated. */
bool text_copy(char *dst, size_t size, const char *src);
/* FNV-1a of p[0..n): the hash of the in-memory tables keyed by text. */
uint64_t text_hash(const char *p, size_t n);
/* [A-Za-z0-9_.-], 1..max bytes, starting with a letter or digit. */
bool text_is_code(const char *s, size_t max);
/* Phone: optional '+', then digits with optional '-' or ' ', 5..20 digits. */
bool text_is_phone(const char *s);
/* Parse a whole decimal integer with range check; false on any junk. */
bool text_parse_i64(const char *s, long long min, long long max, long long *out);

struct buf;
/*
 * Every 1- and 2-character gram of the letters and digits in s (valid UTF-8),
 * space-separated, ASCII letters lower-cased; runs of other characters split
 * words, so no gram spans them. Feeds the index for 1-2 character searches.
 */
int text_grams(const char *s, struct buf *out) __attribute__((warn_unused_result));

#endif
