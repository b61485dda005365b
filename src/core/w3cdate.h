/*
 * w3cdate.h - date-times in the W3C profile of ISO 8601 (the W3C note
 * "Date and Time Formats", which Open311 GeoReport v2 requires):
 *   YYYY | YYYY-MM | YYYY-MM-DD | YYYY-MM-DDThh:mmTZD | YYYY-MM-DDThh:mm:ssTZD
 *   | YYYY-MM-DDThh:mm:ss.sTZD        TZD = Z | +hh:mm | -hh:mm
 * A time of day must carry its zone. The forms without a time mean the
 * first second of that day, month or year in the city's zone (the process
 * TZ). Parsing is lenient in one way only: a space where the zone's '+'
 * should be is read as '+', because an unescaped '+' in a query string or
 * form body arrives decoded as a space.
 */
#ifndef GZ_W3CDATE_H
#define GZ_W3CDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define W3C_DATE_MAX 32 /* room for any formatted time, NUL included */

/* Epoch seconds of s; false when s is not one of the forms above or names no real time. */
bool w3c_parse(const char *s, int64_t *out);
/* t in the city's zone with its offset ("2026-11-24T08:00:00+08:00"; "Z" when the offset
   is 0); out[W3C_DATE_MAX]. */
void w3c_format(int64_t t, char *out, size_t size);

#endif
