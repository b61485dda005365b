/*
 * gz.h - the first include of every .c in gongzhi: feature macros, the
 * banned-function list, the error convention and the named limits.
 */
#ifndef GZ_GZ_H
#define GZ_GZ_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* timegm, strcasecmp */
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/banned.h"
#include "util/err.h"
#include "util/limits.h"

#define GZ_VERSION "0.1.0"
#define GZ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define GZ_MUST_CHECK __attribute__((warn_unused_result))

#endif
