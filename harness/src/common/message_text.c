/*
 * message_text.c - see message_text.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_text.h"

/* The length of the valid UTF-8 sequence at s (at most left bytes), or 0 when it is not
 * one: overlong forms, surrogates and code points past U+10FFFF are not. *cp gets its
 * code point. */
static size_t utf8_sequence(const unsigned char *s, size_t left, unsigned *cp)
{
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (s[0] >= 0xf8 || n == 0 || n > left)
        return 0;
    *cp = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3f);
    }
    static const unsigned smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (*cp < smallest[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

/* The shown form of the character at s: its escape in piece, or the bytes as they are; a
 * double quote is escaped only inside quotes. Returns how many bytes of s it covers. */
static size_t shown_form(const unsigned char *s, size_t left, int quoted, char *piece,
                         size_t *piece_len)
{
    unsigned cp;
    size_t n;
    if ((*s == '"' && quoted) || *s == '\\') {
        *piece_len = (size_t)snprintf(piece, 8, "\\%c", *s);
        return 1;
    }
    if (*s >= 0x20 && *s < 0x7f) {
        piece[0] = (char)*s;
        *piece_len = 1;
        return 1;
    }
    if (*s == '\n' || *s == '\t' || *s == '\r') {
        *piece_len = (size_t)snprintf(piece, 8, "\\%c", *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r');
        return 1;
    }
    if (*s >= 0x80 && (n = utf8_sequence(s, left, &cp)) != 0) {
        if (cp >= 0x80 && cp <= 0x9f) { /* C1 controls: some terminals act on them */
            *piece_len = (size_t)snprintf(piece, 8, "\\u%04x", cp);
        } else {
            memcpy(piece, s, n);
            *piece_len = n;
        }
        return n;
    }
    *piece_len = (size_t)snprintf(piece, 8, "\\x%02x", *s);
    return 1;
}

/* Writes s shown into buf from used on, stopping before room; returns where it ended and sets
 * *rest to what did not fit ("" when all did). */
static size_t show_into(char *buf, size_t used, size_t room, const char *s, int quoted,
                        const char **rest)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t total = strlen(s);
    while (*p != '\0') {
        char piece[8];
        size_t piece_len, covers = shown_form(p, total - (size_t)(p - (const unsigned char *)s),
                                              quoted, piece, &piece_len);
        if (used + piece_len > room)
            break;
        memcpy(buf + used, piece, piece_len);
        used += piece_len;
        p += covers;
    }
    *rest = (const char *)p;
    return used;
}

const char *message_quote(char *buf, size_t buflen, const char *s)
{
    const char *rest;
    buf[0] = '"';
    size_t used = show_into(buf, 1, buflen - 32, s, 1, &rest); /* 32: the end of a cut one */
    if (*rest == '\0')
        snprintf(buf + used, buflen - used, "\"");
    else
        snprintf(buf + used, buflen - used, "...\" (%zu bytes)", strlen(s));
    return buf;
}

const char *message_escape(char *buf, size_t buflen, const char *s)
{
    const char *rest;
    if (buflen == 0)
        return buf;
    buf[show_into(buf, 0, buflen - 1, s, 0, &rest)] = '\0';
    return buf;
}

size_t message_print(FILE *out, const char *s)
{
    size_t written = 0, total = strlen(s);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        char piece[8];
        size_t piece_len;
        p += shown_form(p, total - (size_t)(p - (const unsigned char *)s), 0, piece, &piece_len);
        written += fwrite(piece, 1, piece_len, out);
    }
    return written;
}

const char *message_number(char *buf, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) { /* whole: all its digits, no exponent */
        snprintf(buf, MESSAGE_NUMBER_SIZE, "%.0f", v);
        return buf;
    }
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, MESSAGE_NUMBER_SIZE, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

void message_append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}
