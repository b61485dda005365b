/*
 * upload.h - a request body streamed to a temporary file instead of memory
 * (photos: up to a configurable limit, far above the JSON body limit). A raw
 * body is written as it comes; a multipart/form-data body goes through
 * libmicrohttpd's post processor, its one file part to the file and its small
 * fields kept in memory. Internal to http/ (server.c drives it).
 */
#ifndef GZ_UPLOAD_H
#define GZ_UPLOAD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct upload;

/* Start spooling into a new file in dir; NULL when the file cannot be made. */
struct upload *upload_new(struct MHD_Connection *c, const char *dir, size_t limit);
/* Remove the file (unless kept) and free. NULL is fine. */
void upload_free(struct upload *u);
/* Take a piece of the body (past an error, it is dropped). */
void upload_feed(struct upload *u, const char *data, size_t n);
/* The body has all arrived: a multipart body must have ended with its closing boundary. */
void upload_finish(struct upload *u);
/* 0 while all is well, else the HTTP status to answer, with the field and message. */
int upload_error(const struct upload *u, const char **field, const char **msg);
/* Set an error (the first one stays). */
void upload_fail(struct upload *u, int status, const char *field, const char *msg);
/* See http_upload, http_upload_keep and http_form_field in server.h. */
const char *upload_file(const struct upload *u, int *fd, size_t *len);
void upload_keep(struct upload *u);
const char *upload_field(const struct upload *u, const char *name);

#endif
