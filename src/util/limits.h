/*
 * limits.h - every size limit of gongzhi in one place, so none grows unbounded
 * and the API can name them in its errors.
 */
#ifndef GZ_LIMITS_H
#define GZ_LIMITS_H

#define GZ_MAX_BODY (1u << 20)        /* JSON request body, bytes */
#define GZ_MAX_HEADER_MEM (32u << 10) /* request line + headers per connection */
/* shared by the HTTP threads, and each event stream holds one for as long as it runs */
#define GZ_MAX_CONNECTIONS 16384
#define GZ_REQUEST_TIMEOUT_S 30     /* idle connection time-out */
#define GZ_MAX_RESPONSE (64u << 20) /* largest JSON answer we build */
#define GZ_MAX_PAGE 500             /* list page size */
#define GZ_DEFAULT_PAGE 50
#define GZ_MAX_CODE 64  /* unit and login codes, bytes */
#define GZ_MAX_NAME 256 /* names, bytes (UTF-8) */
#define GZ_MAX_CONTACT 256
#define GZ_MAX_PHONE 32
#define GZ_MAX_KB_ANSWER 8000           /* knowledge-base answer, bytes */
#define GZ_MAX_GEOJSON (8u << 20)       /* one jurisdiction, bytes */
#define GZ_MAX_IMPORT_FILE (256u << 20) /* an import file, bytes */
#define GZ_MIN_PASSWORD 8
#define GZ_MAX_PASSWORD 256
#define GZ_TOKEN_TTL_S (12 * 3600) /* bearer token lifetime */
#define GZ_LOGIN_FAILS_MAX 5       /* failed logins per login before 429 */
#define GZ_LOGIN_FAILS_WINDOW_S 300
#define GZ_CATEGORY_DEPTH 4      /* 2 digits per level */
#define GZ_MAX_QUERY_CHARS 200   /* a full-text search query */
#define CAL_MAX_OVERRIDES 100000 /* calendar days overridden */
#define GZ_MAX_KB_BODY 20000   /* a knowledge-base entry's body, bytes per language */
#define GZ_MAX_KB_KEYWORDS 32  /* keywords of an entry */
#define GZ_MAX_KB_KEYWORD 64   /* one keyword, bytes */
#define GZ_MAX_URL 1024        /* a reference URL, bytes */
#define GZ_MAX_KB_IMPORT 10000 /* entries in one import file */
#define GZ_MAX_ATTACHMENT (10u << 20)       /* a photo, bytes (setting attachment_max_bytes) */
#define GZ_MAX_ATTACHMENT_CEIL (100u << 20) /* the most that setting may allow */

#endif
