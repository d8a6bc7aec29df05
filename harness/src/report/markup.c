/*
 * markup.c - see markup.h. &#39; rather than &apos;: HTML and XML both read
 * it. A forbidden character cannot be written even as a reference (&#1; is
 * not well-formed XML), so it is replaced, visibly.
 */
#include "markup.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The bytes at s that stand for one character XML or HTML cannot carry: 0, or how many. */
static int forbidden(const unsigned char *s)
{
    if ((*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') || *s == 0x7f)
        return 1;
    if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
        return 2; /* C1 controls */
    if (s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
        return 3; /* U+FFFE, U+FFFF */
    return 0;
}

void markup_escape(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p != NULL && *p != '\0') {
        int skip = forbidden(p);
        if (skip != 0) {
            fputs(REPLACEMENT, out);
            p += skip;
            continue;
        }
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        case '\t':
        case '\n':
        case '\r':
            fprintf(out, "&#%d;", *p);
            break;
        default:
            fputc(*p, out);
        }
        p++;
    }
}
