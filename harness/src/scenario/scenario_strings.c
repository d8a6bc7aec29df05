/*
 * scenario_strings.c - see scenario_strings.h. Both checks name the first
 * character that is not allowed and where it is, escaped for the terminal.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "message_text.h"
#include "scenario_strings.h"

#define NAME_RULE "1 to 100 letters, digits, '.', '-' or '_', not starting with '.'"
#define ROUTE_RULE                                                                                 \
    "'/' then URL path and query characters (letters, digits, -._~!$&'()*+,;=:@/?), %XX "          \
    "escapes, and {id} where each request's id goes"

/* Says which character at offset of s is not allowed: (byte 3, " ", is not allowed). */
static void name_offender(const char *s, size_t offset, char *buf, size_t buflen)
{
    char one[2] = {s[offset], '\0'}, quoted[48];
    snprintf(buf, buflen, "(byte %zu, %s, %s)", offset + 1,
             message_quote(quoted, sizeof(quoted), one),
             one[0] == '%' ? "is not followed by two hex digits" : "is not allowed");
}

static int refuse(char *why, size_t whylen, const char *rule, const char *s, const char *problem)
{
    char quoted[MESSAGE_QUOTE_SIZE];
    snprintf(why, whylen, "must be %s; got %s %s", rule, message_quote(quoted, sizeof(quoted), s),
             problem);
    return -1;
}

int scenario_name_check(const char *name, char *why, size_t whylen)
{
    size_t len = strlen(name);
    char problem[96];
    if (len == 0 || len > SCENARIO_NAME_MAX) {
        snprintf(problem, sizeof(problem), "(%zu bytes)", len);
        return refuse(why, whylen, NAME_RULE, name, problem);
    }
    if (name[0] == '.')
        return refuse(why, whylen, NAME_RULE, name, "(it starts with '.')");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isascii(c) || !(isalnum(c) || c == '.' || c == '-' || c == '_')) {
            name_offender(name, i, problem, sizeof(problem));
            return refuse(why, whylen, NAME_RULE, name, problem);
        }
    }
    return 0;
}

/* 1 when c may stand for itself in a URL path or query (RFC 3986 pchar, '/' and '?'). */
static int url_char(unsigned char c)
{
    return isascii(c) && (isalnum(c) || strchr("-._~!$&'()*+,;=:@/?", c) != NULL) && c != '\0';
}

int scenario_route_check(const char *route, char *why, size_t whylen)
{
    size_t len = strlen(route);
    char problem[96];
    if (len == 0 || len > SCENARIO_ROUTE_MAX) {
        snprintf(problem, sizeof(problem), "(%zu bytes; at most %d)", len, SCENARIO_ROUTE_MAX);
        return refuse(why, whylen, ROUTE_RULE, route, problem);
    }
    if (route[0] != '/')
        return refuse(why, whylen, ROUTE_RULE, route, "(it does not start with '/')");
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)route[i];
        if (c == '%' && isxdigit((unsigned char)route[i + 1]) &&
            isxdigit((unsigned char)route[i + 2])) {
            i += 3;
        } else if (strncmp(route + i, "{id}", 4) == 0) {
            i += 4;
        } else if (url_char(c)) {
            i++;
        } else {
            name_offender(route, i, problem, sizeof(problem));
            return refuse(why, whylen, ROUTE_RULE, route, problem);
        }
    }
    return 0;
}
