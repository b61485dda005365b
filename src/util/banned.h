/*
 * banned.h - functions that are easy to misuse and have safer replacements here.
 * Included (through gz.h) first in every .c of the project, as git does.
 * Use buf_* for building strings, snprintf for bounded formatting, strtol-family
 * with end checks instead of atoi.
 */
#ifndef GZ_BANNED_H
#define GZ_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)

#endif
