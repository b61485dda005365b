/*
 * attach.h - photos taken as evidence on a case (DESIGN §3 attachments):
 * the stages a photo belongs to, which of them the public may see, and in
 * which states of the case each stage takes photos. Who may upload is the
 * API's business (it knows units and roles); the bytes are svc/blobs'.
 *
 *   intake    the problem as reported ("before")    public   while the case is open
 *   reply     the unit's work ("after")             public   accepted, resolved
 *   verify    the grid worker's or supervisor's     internal resolved, verified
 *   complete  a claimant's finished help            public   while the case is open
 */
#ifndef GZ_ATTACH_H
#define GZ_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/case.h"

enum att_stage { ATT_INTAKE, ATT_REPLY, ATT_VERIFY, ATT_COMPLETE, ATT_STAGE_COUNT };

#define ATT_SHA_HEX 64
#define ATT_MIME_MAX 31

struct attachment {
    int64_t id, case_id;
    char sha256[ATT_SHA_HEX + 1];
    char mime[ATT_MIME_MAX + 1];
    int64_t bytes;
    int width, height; /* 0 when unknown */
    enum att_stage stage;
    int64_t uploaded_by; /* account */
    int64_t unit_id;     /* the unit the uploader acted for, 0 for none */
    int64_t at;
    int64_t event_id;
};

const char *att_stage_name(enum att_stage s);
/* -1 for an unknown name. */
int att_stage_parse(const char *s);
/* May the public (and the reporter, who sees what the public sees) see photos of stage s? */
bool att_stage_public(enum att_stage s);
/* Does stage s take photos while a case is in status st? */
bool att_stage_open(enum att_stage s, enum case_status st);
/* Is hex a SHA-256 in lowercase hex (so it is safe in a path)? */
bool att_sha_valid(const char *hex);

#endif
