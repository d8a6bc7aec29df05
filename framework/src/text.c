/*
 * text.c - request text on its way into JSON. A path, a query parameter or
 * a header is whatever bytes the client sent; a JSON string (jansson's, and
 * so every error body) must be valid UTF-8, or it is refused and the message
 * is lost. These helpers tell the two apart and turn bytes into text that
 * still shows what was sent.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The length of the UTF-8 sequence at s (at most left bytes), or 0 when it is not valid:
 * shortest form only, no surrogates, nothing past U+10FFFF (RFC 3629). */
static size_t sequence_length(const unsigned char *s, size_t left)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    if (s[0] < 0xC2 || s[0] > 0xF4 || len > left)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return len;
}

int tw__utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0, step; i < len; i += step) {
        if ((step = sequence_length((const unsigned char *)s + i, len - i)) == 0)
            return 0;
    }
    return 1;
}

const char *tw__utf8_escape(tw_arena *arena, const char *s)
{
    size_t len = strlen(s);
    if (tw__utf8_valid(s, len))
        return s;
    char *out = tw__arena_alloc(arena, len * 4 + 1), *o = out;
    for (size_t i = 0, step; i < len; i += step) {
        step = sequence_length((const unsigned char *)s + i, len - i);
        if (step == 0) {
            o += sprintf(o, "\\x%02X", (unsigned char)s[i]);
            step = 1;
        } else {
            memcpy(o, s + i, step);
            o += step;
        }
    }
    *o = '\0';
    return out;
}
