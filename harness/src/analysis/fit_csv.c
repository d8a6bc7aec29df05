/*
 * fit_csv.c - the CSV of measurements `twice fit` reads; see fit_csv.h.
 *
 * Every field is checked where it is read, so that an error can say which
 * line: a server count must be a plain whole number, a throughput a plain
 * decimal number (strtod alone would also take "inf", "nan" and hexadecimal,
 * none of which a measurement is).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fit_csv.h"
#include "read_file.h"

/* A field: [start, end) of the text, blanks trimmed. */
typedef struct field {
    const char *start, *end;
} field;

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

static field trim(const char *start, const char *end)
{
    while (start < end && blank(*start))
        start++;
    while (end > start && blank(end[-1]))
        end--;
    return (field){start, end};
}

static int field_is(field f, const char *word)
{
    size_t len = strlen(word);
    return (size_t)(f.end - f.start) == len && strncasecmp(f.start, word, len) == 0;
}

/* Splits line [start, end) at its one comma; -1 when it has none or several. */
static int split(const char *start, const char *end, field *first, field *second)
{
    const char *comma = memchr(start, ',', (size_t)(end - start));
    if (comma == NULL || memchr(comma + 1, ',', (size_t)(end - comma - 1)) != NULL)
        return -1;
    *first = trim(start, comma);
    *second = trim(comma + 1, end);
    return 0;
}

/* The field as a C string, for messages and strtod (at most 63 characters; longer is bad). */
static void copy_field(field f, char *buf, size_t size)
{
    size_t len = (size_t)(f.end - f.start);
    if (len >= size)
        len = size - 1;
    memcpy(buf, f.start, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        buf[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
}

static int parse_servers(field f, double *out)
{
    size_t len = (size_t)(f.end - f.start);
    if (len == 0 || len > 7)
        return -1;
    double v = 0;
    for (const char *p = f.start; p < f.end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return v >= 1 && v <= FIT_CSV_MAX_SERVERS ? 0 : -1;
}

static int parse_throughput(field f, double *out)
{
    char buf[64];
    size_t len = (size_t)(f.end - f.start);
    if (len == 0 || len >= sizeof(buf))
        return -1;
    copy_field(f, buf, sizeof(buf));
    if (strspn(buf, "0123456789.eE+-") != len)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int append(fit_data *out, size_t *cap, double servers, double throughput)
{
    if (out->count == *cap) {
        size_t bigger = *cap ? *cap * 2 : 64;
        double *s = realloc(out->servers, bigger * sizeof(double));
        if (s != NULL)
            out->servers = s;
        double *t = s != NULL ? realloc(out->throughput, bigger * sizeof(double)) : NULL;
        if (t == NULL)
            return -1;
        out->throughput = t;
        *cap = bigger;
    }
    out->servers[out->count] = servers;
    out->throughput[out->count++] = throughput;
    return 0;
}

/* Checks one data line and appends it; -1 with the reason (no position) in err. */
static int parse_row(const char *start, const char *end, fit_data *out, size_t *cap, char *err,
                     size_t errlen)
{
    field s, t;
    char shown[64];
    double servers, throughput;
    if (split(start, end, &s, &t) != 0) {
        snprintf(err, errlen, "expected two fields, servers,throughput");
        return -1;
    }
    if (parse_servers(s, &servers) != 0) {
        copy_field(s, shown, sizeof(shown));
        snprintf(err, errlen, "servers: expected a whole number from 1 to %d, got '%s'",
                 FIT_CSV_MAX_SERVERS, shown);
        return -1;
    }
    copy_field(t, shown, sizeof(shown));
    if (parse_throughput(t, &throughput) != 0) {
        snprintf(err, errlen, "throughput: expected a number, got '%s'", shown);
        return -1;
    }
    if (!(throughput > 0)) {
        snprintf(err, errlen, "throughput: expected a number above 0, got '%s'", shown);
        return -1;
    }
    if (out->count == FIT_CSV_MAX_ROWS) {
        snprintf(err, errlen, "too many rows: at most %d measurements", FIT_CSV_MAX_ROWS);
        return -1;
    }
    if (append(out, cap, servers, throughput) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int fit_csv_parse(const char *text, size_t len, const char *name, fit_data *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0, line = 0;
    int have_header = 0;
    char why[256];
    const char *p = text, *stop = text + len;
    /* Spreadsheets often start a CSV they export with a UTF-8 byte order mark. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    field first = trim(p, stop);
    if (first.start < first.end && *first.start == '{') {
        snprintf(err, errlen,
                 "%s: not a CSV (reading a Twice report is not supported yet): give a CSV with "
                 "the header servers,throughput",
                 name);
        return -1;
    }
    while (p < stop) {
        const char *eol = memchr(p, '\n', (size_t)(stop - p)), *end = eol != NULL ? eol : stop;
        const char *next = eol != NULL ? eol + 1 : stop;
        line++;
        if (end > p && end[-1] == '\r')
            end--;
        field whole = trim(p, end);
        if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
            snprintf(err, errlen, "%s:%zu: a NUL byte: not a text file", name, line);
            goto fail;
        }
        p = next;
        if (whole.start == whole.end || *whole.start == '#')
            continue;
        if (!have_header) {
            field s, t;
            if (split(whole.start, whole.end, &s, &t) != 0 || !field_is(s, "servers") ||
                !field_is(t, "throughput")) {
                snprintf(err, errlen, "%s:%zu: expected the header servers,throughput", name, line);
                goto fail;
            }
            have_header = 1;
            continue;
        }
        if (parse_row(whole.start, whole.end, out, &cap, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s:%zu: %s", name, line, why);
            goto fail;
        }
    }
    if (!have_header) {
        snprintf(err, errlen, "%s:%zu: expected the header servers,throughput, found no lines",
                 name, line);
        goto fail;
    }
    if (out->count < 2) {
        snprintf(err, errlen,
                 "%s:%zu: too few rows: %zu measurement%s; a fit needs at least 2, at 2 or more "
                 "server counts",
                 name, line, out->count, out->count == 1 ? "" : "s");
        goto fail;
    }
    return 0;
fail:
    fit_data_free(out);
    return -1;
}

int fit_csv_text(const char *text, size_t len, const char *name, fit_data *out, char *err,
                 size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (len > FIT_CSV_MAX_BYTES) {
        snprintf(err, errlen, "%s: too big: %zu bytes, at most %u", name, len, FIT_CSV_MAX_BYTES);
        return -1;
    }
    return fit_csv_parse(text, len, name, out, err, errlen);
}

int fit_csv_read(const char *path, fit_data *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL)
        return -1;
    int rc = fit_csv_text(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

void fit_data_free(fit_data *data)
{
    free(data->servers);
    free(data->throughput);
    memset(data, 0, sizeof(*data));
}
