/*
 * haproxy_stat.c - see haproxy_stat.h. The text is cut into lines and fields
 * in place on a copy; each field is checked before it is used, and a message
 * quotes at most a short, escaped piece of what was found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy_stat.h"
#include "message_text.h"

/* The columns read: the first four must be in the header. */
enum { COL_PXNAME, COL_SVNAME, COL_STATUS, COL_STOT, COL_CHECK, COL_REQ_TOT, NCOLS };
static const char *const column_names[NCOLS] = {"pxname", "svname",       "status",
                                                "stot",   "check_status", "req_tot"};
#define REQUIRED_COLS 4
#define MAX_FIELDS 1024

/* Splits line at commas into fields (at most max); returns how many. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

/* Finds each column's index in the header's fields; -1 for one that is absent. */
static int read_header(char *line, int *index, char *err, size_t errlen)
{
    char *fields[MAX_FIELDS];
    if (strncmp(line, "# ", 2) != 0) {
        char quoted[64];
        snprintf(err, errlen,
                 "not HAProxy's `show stat` output: line 1 should start with \"# pxname,\", "
                 "got %s",
                 message_quote(quoted, sizeof(quoted), line));
        return -1;
    }
    size_t n = split(line + 2, fields, MAX_FIELDS);
    for (int c = 0; c < NCOLS; c++) {
        index[c] = -1;
        for (size_t f = 0; f < n && index[c] < 0; f++) {
            if (strcmp(fields[f], column_names[c]) == 0)
                index[c] = (int)f;
        }
        if (index[c] < 0 && c < REQUIRED_COLS) {
            snprintf(err, errlen, "HAProxy's `show stat` header (line 1) has no \"%s\" column",
                     column_names[c]);
            return -1;
        }
    }
    return 0;
}

/* A count: decimal digits only, within 2^53 (a JSON reader holds it exactly). */
static int read_count(const char *field, size_t line, const char *column, unsigned long long *out,
                      char *err, size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(field, &end, 10);
    if (field[0] < '0' || field[0] > '9' || *end != '\0' || errno != 0 || v > (1ull << 53)) {
        char quoted[64];
        snprintf(err, errlen, "HAProxy's `show stat` line %zu: \"%s\" is %s, not a count", line,
                 column, message_quote(quoted, sizeof(quoted), field));
        return -1;
    }
    *out = v;
    return 0;
}

/* The server index of a name "s1".."sN" (from 0), or -1. */
static long server_index(const char *name, unsigned n)
{
    char *end;
    if (name[0] != 's' || name[1] < '1' || name[1] > '9')
        return -1;
    errno = 0;
    unsigned long k = strtoul(name + 1, &end, 10);
    return *end == '\0' && errno == 0 && k >= 1 && k <= n ? (long)k - 1 : -1;
}

/* One row of the backend's servers into out; seen marks which were. */
static int read_row(char **fields, const int *index, size_t line, unsigned n,
                    haproxy_server_stat *out, char *seen, char *err, size_t errlen)
{
    const char *name = fields[index[COL_SVNAME]];
    if (strcmp(name, "BACKEND") == 0 || strcmp(name, "FRONTEND") == 0)
        return 0;
    char quoted[64];
    long i = server_index(name, n);
    if (i < 0) {
        snprintf(err, errlen, "HAProxy's `show stat` line %zu: server %s is not one of s1..s%u",
                 line, message_quote(quoted, sizeof(quoted), name), n);
        return -1;
    }
    if (seen[i]) {
        snprintf(err, errlen, "HAProxy's `show stat` line %zu: server %s is listed twice", line,
                 name);
        return -1;
    }
    haproxy_server_stat *s = &out[i];
    memset(s, 0, sizeof(*s));
    if (read_count(fields[index[COL_STOT]], line, "stot", &s->sessions, err, errlen) != 0)
        return -1;
    const char *requests = index[COL_REQ_TOT] >= 0 ? fields[index[COL_REQ_TOT]] : "";
    s->has_requests = *requests != '\0';
    if (s->has_requests && read_count(requests, line, "req_tot", &s->requests, err, errlen) != 0)
        return -1;
    message_escape(s->status, sizeof(s->status), fields[index[COL_STATUS]]);
    message_escape(s->check, sizeof(s->check),
                   index[COL_CHECK] >= 0 ? fields[index[COL_CHECK]] : "");
    seen[i] = 1;
    return 0;
}

static int parse_lines(char *copy, const char *backend, unsigned n, haproxy_server_stat *out,
                       char *seen, char *err, size_t errlen)
{
    int index[NCOLS];
    int needed = 0;
    char *next = copy;
    char *line = strsep(&next, "\n");
    if (read_header(line, index, err, errlen) != 0)
        return -1;
    for (int c = 0; c < NCOLS; c++)
        needed = index[c] >= needed ? index[c] + 1 : needed;
    for (size_t number = 2; (line = strsep(&next, "\n")) != NULL; number++) {
        char *fields[MAX_FIELDS];
        if (*line == '\0')
            continue;
        size_t count = split(line, fields, MAX_FIELDS);
        if (count < (size_t)needed) {
            snprintf(err, errlen,
                     "HAProxy's `show stat` line %zu has %zu fields; the header's columns need "
                     "%d",
                     number, count, needed);
            return -1;
        }
        if (strcmp(fields[index[COL_PXNAME]], backend) == 0 &&
            read_row(fields, index, number, n, out, seen, err, errlen) != 0)
            return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!seen[i]) {
            snprintf(err, errlen, "HAProxy's `show stat` has no row for server s%u of backend %s",
                     i + 1, backend);
            return -1;
        }
    }
    return 0;
}

int haproxy_stat_parse(const char *text, const char *backend, unsigned n, haproxy_server_stat *out,
                       char *err, size_t errlen)
{
    size_t len = strlen(text);
    if (len > HAPROXY_STAT_MAX_BYTES) {
        snprintf(err, errlen, "HAProxy's `show stat` answer is %zu bytes; at most %u expected", len,
                 HAPROXY_STAT_MAX_BYTES);
        return -1;
    }
    char *copy = strdup(text);
    char *seen = calloc(n != 0 ? n : 1, 1);
    int rc = -1;
    if (copy == NULL || seen == NULL)
        snprintf(err, errlen, "out of memory reading HAProxy's `show stat`");
    else
        rc = parse_lines(copy, backend, n, out, seen, err, errlen);
    free(copy);
    free(seen);
    return rc;
}

int haproxy_stat_up(const haproxy_server_stat *s)
{
    size_t len = strlen(s->check);
    return strcmp(s->status, "UP") == 0 && len > 2 && s->check[0] == 'L' &&
           strcmp(s->check + len - 2, "OK") == 0;
}
