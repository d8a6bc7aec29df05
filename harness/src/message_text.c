/*
 * message_text.c - see message_text.h.
 */
#include <math.h>
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

/* The shown form of the character at s: its escape in piece, or the bytes as they are.
 * Returns how many bytes of s it covers. */
static size_t shown_form(const unsigned char *s, size_t left, char *piece, size_t *piece_len)
{
    unsigned cp;
    size_t n;
    if (*s == '"' || *s == '\\') {
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

const char *message_quote(char *buf, size_t buflen, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t total = strlen(s), used = 0, room = buflen - 32; /* 32: the ending of a cut string */
    buf[used++] = '"';
    while (*p != '\0') {
        char piece[8];
        size_t piece_len, covers = shown_form(p, total - (size_t)(p - (const unsigned char *)s),
                                              piece, &piece_len);
        if (used + piece_len > room)
            break;
        memcpy(buf + used, piece, piece_len);
        used += piece_len;
        p += covers;
    }
    if (*p == '\0')
        snprintf(buf + used, buflen - used, "\"");
    else
        snprintf(buf + used, buflen - used, "...\" (%zu bytes)", total);
    return buf;
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
