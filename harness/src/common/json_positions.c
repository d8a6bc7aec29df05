/*
 * json_positions.c - a small recursive scanner over JSON text that records
 * the line and column of every value and key by path. jansson has usually
 * parsed the text already, but the scanner trusts nothing: every loop
 * consumes input or stops, every read is bounds-checked, nesting is
 * limited, and paths grow as long as the keys are (a truncated path would
 * point an error at the wrong value). A NUL byte is refused before
 * anything else, with its position.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_positions.h"

typedef struct scanner {
    const char *p, *start, *end;
    int line, column;
    json_positions *out;
    char *path; /* the path of the value being scanned, NUL-terminated */
    size_t path_len, path_cap;
    unsigned depth;
    json_error_t *error;
} scanner;

static int fail(scanner *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(scanner *s, const char *fmt, ...)
{
    s->error->line = s->line;
    s->error->column = s->column;
    s->error->position = (int)(s->p - s->start);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error->text, sizeof(s->error->text), fmt, ap);
    va_end(ap);
    return -1;
}

/* 1 when c is one of set's characters; never for NUL (strchr would find the terminator). */
static int one_of(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

static int at_end(const scanner *s)
{
    return s->p >= s->end;
}

/* Columns count characters, as jansson's do: a UTF-8 continuation byte is no new column. */
static void advance(scanner *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->column = 1;
    } else if ((*s->p & 0xc0) != 0x80) {
        s->column++;
    }
    s->p++;
}

static void skip_space(scanner *s)
{
    while (!at_end(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        advance(s);
}

/* Moves to the first NUL byte, if any, and fails there. */
static int refuse_nul(scanner *s)
{
    const char *nul = memchr(s->p, '\0', (size_t)(s->end - s->p));
    if (nul == NULL)
        return 0;
    while (s->p < nul)
        advance(s);
    return fail(s, "a NUL byte; JSON text cannot hold one (is this a binary file?)");
}

/* Appends len bytes to the current path. */
static int path_append(scanner *s, const char *bytes, size_t len)
{
    if (s->path_len + len + 1 > s->path_cap) {
        size_t cap = (s->path_len + len + 1) * 2;
        char *grown = realloc(s->path, cap);
        if (grown == NULL)
            return fail(s, "out of memory");
        s->path = grown;
        s->path_cap = cap;
    }
    memcpy(s->path + s->path_len, bytes, len);
    s->path_len += len;
    s->path[s->path_len] = '\0';
    return 0;
}

static int record(scanner *s, int key_line, int key_column)
{
    json_positions *out = s->out;
    if (out->count == out->cap) {
        size_t cap = out->cap != 0 ? out->cap * 2 : 32;
        json_position *grown = realloc(out->items, cap * sizeof(*grown));
        if (grown == NULL)
            return fail(s, "out of memory");
        out->items = grown;
        out->cap = cap;
    }
    json_position *pos = &out->items[out->count];
    if ((pos->path = strdup(s->path)) == NULL)
        return fail(s, "out of memory");
    pos->line = s->line;
    pos->column = s->column;
    pos->key_line = key_line;
    pos->key_column = key_column;
    out->count++;
    return 0;
}

static int hex4(const char *p, unsigned *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned digit = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16;
        if (digit == 16)
            return -1;
        *out = *out * 16 + digit;
    }
    return 0;
}

/* Appends code point cp to the path as UTF-8. */
static int append_utf8(scanner *s, unsigned cp)
{
    char buf[4];
    size_t n;
    if (cp < 0x80) {
        buf[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        buf[0] = (char)(0xc0 | cp >> 6), buf[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        buf[0] = (char)(0xe0 | cp >> 12), buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        buf[0] = (char)(0xf0 | cp >> 18), buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), buf[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    return path_append(s, buf, n);
}

/* The escape after a backslash (the scanner is on the backslash), appended to the path when
 * to_path, decoded as jansson decodes it, so that keys match. */
static int scan_escape(scanner *s, int to_path)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    advance(s); /* \ */
    if (at_end(s))
        return fail(s, "unterminated string");
    const char *simple = one_of(*s->p, from) ? strchr(from, *s->p) : NULL;
    if (*s->p != 'u') {
        if (simple == NULL)
            return fail(s, "invalid escape '\\%c'", *s->p);
        advance(s);
        return to_path ? path_append(s, &to[simple - from], 1) : 0;
    }
    unsigned cp, low;
    if (s->end - s->p < 5 || hex4(s->p + 1, &cp) != 0)
        return fail(s, "invalid \\u escape");
    for (int i = 0; i < 5; i++)
        advance(s);
    if (cp >= 0xd800 && cp <= 0xdbff && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' &&
        hex4(s->p + 2, &low) == 0 && low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        for (int i = 0; i < 6; i++)
            advance(s);
    }
    return to_path ? append_utf8(s, cp) : 0;
}

/* A string token (the scanner is on its opening quote), appended to the path when to_path. */
static int scan_string(scanner *s, int to_path)
{
    advance(s); /* " */
    while (!at_end(s) && *s->p != '"') {
        if (*s->p == '\\') {
            if (scan_escape(s, to_path) != 0)
                return -1;
            continue;
        }
        if (to_path && path_append(s, s->p, 1) != 0)
            return -1;
        advance(s);
    }
    if (at_end(s))
        return fail(s, "unterminated string");
    advance(s); /* " */
    return 0;
}

static int scan_value(scanner *s, int key_line, int key_column);

/* After a member or an element: a comma (1, more follow), the closing bracket (0), or -1. */
static int next_item(scanner *s, char close)
{
    skip_space(s);
    if (!at_end(s) && *s->p == ',') {
        advance(s);
        return 1;
    }
    if (!at_end(s) && *s->p == close) {
        advance(s);
        return 0;
    }
    return fail(s, "',' or '%c' expected", close);
}

static int scan_object(scanner *s)
{
    size_t parent = s->path_len;
    advance(s); /* { */
    skip_space(s);
    if (!at_end(s) && *s->p == '}') {
        advance(s);
        return 0;
    }
    int more = 1;
    while (more == 1) {
        skip_space(s);
        if (at_end(s) || *s->p != '"')
            return fail(s, "a string key expected");
        int key_line = s->line, key_column = s->column;
        if ((parent != 0 && path_append(s, ".", 1) != 0) || scan_string(s, 1) != 0)
            return -1;
        skip_space(s);
        if (at_end(s) || *s->p != ':')
            return fail(s, "':' expected");
        advance(s);
        skip_space(s);
        if (scan_value(s, key_line, key_column) != 0)
            return -1;
        s->path_len = parent;
        s->path[parent] = '\0';
        more = next_item(s, '}');
    }
    return more;
}

static int scan_array(scanner *s)
{
    size_t parent = s->path_len;
    advance(s); /* [ */
    skip_space(s);
    if (!at_end(s) && *s->p == ']') {
        advance(s);
        return 0;
    }
    int more = 1;
    for (size_t index = 0; more == 1; index++) {
        char element[32];
        int n = snprintf(element, sizeof(element), "[%zu]", index);
        skip_space(s);
        if (path_append(s, element, (size_t)n) != 0 || scan_value(s, 0, 0) != 0)
            return -1;
        s->path_len = parent;
        s->path[parent] = '\0';
        more = next_item(s, ']');
    }
    return more;
}

/* A number, true, false or null: the characters that can make one, at least one. */
static int scan_scalar(scanner *s)
{
    const char *start = s->p;
    while (!at_end(s) && one_of(*s->p, "0123456789+-.eEtruefalsn"))
        advance(s);
    if (s->p == start)
        return at_end(s) ? fail(s, "a value expected") : fail(s, "unexpected '%c'", *s->p);
    return 0;
}

static int scan_value(scanner *s, int key_line, int key_column)
{
    if (record(s, key_line, key_column) != 0)
        return -1;
    if (at_end(s))
        return fail(s, "a value expected");
    if (*s->p != '{' && *s->p != '[')
        return *s->p == '"' ? scan_string(s, 0) : scan_scalar(s);
    if (s->depth == JSON_POSITIONS_MAX_DEPTH)
        return fail(s, "nested deeper than %d", JSON_POSITIONS_MAX_DEPTH);
    s->depth++;
    int rc = *s->p == '{' ? scan_object(s) : scan_array(s);
    s->depth--;
    return rc;
}

int json_text_check(const char *text, size_t len, json_error_t *error)
{
    memset(error, 0, sizeof(*error));
    scanner s = {
        .p = text, .start = text, .end = text + len, .line = 1, .column = 1, .error = error};
    return refuse_nul(&s);
}

int json_positions_scan(json_positions *positions, const char *text, size_t len,
                        json_error_t *error)
{
    memset(positions, 0, sizeof(*positions));
    memset(error, 0, sizeof(*error));
    scanner s = {.p = text,
                 .start = text,
                 .end = text + len,
                 .line = 1,
                 .column = 1,
                 .out = positions,
                 .error = error};
    int rc = json_text_check(text, len, error);
    if (rc == 0)
        rc = path_append(&s, "", 0);
    if (rc == 0) {
        skip_space(&s);
        rc = scan_value(&s, 0, 0);
    }
    if (rc == 0) {
        skip_space(&s);
        if (!at_end(&s))
            rc = fail(&s, "text after the end of the document");
    }
    free(s.path);
    if (rc != 0)
        json_positions_free(positions);
    return rc;
}

const json_position *json_positions_find(const json_positions *positions, const char *path)
{
    for (size_t i = 0; i < positions->count; i++) {
        if (strcmp(positions->items[i].path, path) == 0)
            return &positions->items[i];
    }
    return NULL;
}

void json_positions_free(json_positions *positions)
{
    for (size_t i = 0; i < positions->count; i++)
        free(positions->items[i].path);
    free(positions->items);
    memset(positions, 0, sizeof(*positions));
}
