/*
 * terminal_text.c - see terminal_text.h. C1 controls (U+0080-U+009F) count
 * too: some terminals act on them as on ESC [.
 */
#include <string.h>

#include "terminal_text.h"

/* How s[0] (and s[1] for a C1 control) is written: its escape in esc, or NULL when it is
 * written as it is. *used says how many bytes of s it stands for. */
static const char *escape_of(const unsigned char *s, char esc[9], size_t *used)
{
    *used = 1;
    if (*s < 0x20 || *s == 0x7f) {
        snprintf(esc, 9, "\\x%02x", *s);
        return esc;
    }
    if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
        *used = 2;
        snprintf(esc, 9, "\\u%04x", s[1]);
        return esc;
    }
    return *s == '\\' ? "\\\\" : NULL;
}

size_t terminal_text(FILE *out, const char *s)
{
    size_t written = 0, used;
    char esc[9];
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p += used) {
        const char *e = escape_of(p, esc, &used);
        if (e != NULL) {
            fputs(e, out);
            written += strlen(e);
        } else {
            fputc(*p, out);
            written++;
        }
    }
    return written;
}

const char *terminal_quote(const char *s, char *buf, size_t len)
{
    size_t at = 0, used;
    char esc[9];
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && at + 1 < len; p += used) {
        const char *e = escape_of(p, esc, &used);
        size_t n = e != NULL ? strlen(e) : 1;
        if (at + n >= len)
            break;
        memcpy(buf + at, e != NULL ? e : (const char *)p, n);
        at += n;
    }
    if (len != 0)
        buf[at] = '\0';
    return buf;
}
