/*
 * open311.h - Open311 GeoReport v2 under /open311/v2/ (DESIGN §9): what the
 * server keeps for it while running (the settings read from the store, and
 * the request quotas per API key and per client address), made once before
 * the threads start and shared by every handler through struct app.
 */
#ifndef GZ_OPEN311_H
#define GZ_OPEN311_H

struct gz_err;
struct o311;
struct store;

/* Load the settings and make the quotas; also sets libxml2 up (call before threads). */
struct o311 *o311_new(struct store *s, struct gz_err *err);
void o311_free(struct o311 *o);

#endif
