/*
 * json_positions.c - a small recursive scanner over well-formed JSON that
 * records the line and column of every value and key by path. It trusts
 * jansson to have rejected malformed text, so it only has to follow the
 * structure, not judge it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_positions.h"

typedef struct scanner {
    const char *p, *end;
    int line, column;
    json_positions *out;
} scanner;

static void advance(scanner *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->column = 1;
    } else {
        s->column++;
    }
    s->p++;
}

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        advance(s);
}

static int record(scanner *s, const char *path, int key_line, int key_column)
{
    json_positions *out = s->out;
    if (out->count == out->cap) {
        size_t cap = out->cap != 0 ? out->cap * 2 : 32;
        json_position *grown = realloc(out->items, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        out->items = grown;
        out->cap = cap;
    }
    json_position *pos = &out->items[out->count];
    if ((pos->path = strdup(path)) == NULL)
        return -1;
    pos->line = s->line;
    pos->column = s->column;
    pos->key_line = key_line;
    pos->key_column = key_column;
    out->count++;
    return 0;
}

/* Copies a string token (the scanner is on its opening quote) into buf, unescaped only as far
 * as keys need: \" and \\ and \/; other escapes are kept as written. */
static void scan_string(scanner *s, char *buf, size_t buflen)
{
    size_t n = 0;
    advance(s); /* " */
    while (s->p < s->end && *s->p != '"') {
        char c = *s->p;
        if (c == '\\' && s->p + 1 < s->end) {
            advance(s);
            c = *s->p;
        }
        if (buf != NULL && n + 1 < buflen)
            buf[n++] = c;
        advance(s);
    }
    if (buf != NULL)
        buf[n] = '\0';
    if (s->p < s->end)
        advance(s); /* " */
}

static int scan_value(scanner *s, const char *path, int key_line, int key_column);

static int scan_object(scanner *s, const char *path)
{
    advance(s); /* { */
    for (;;) {
        skip_space(s);
        if (s->p >= s->end || *s->p == '}')
            break;
        char key[256], child[1024];
        int key_line = s->line, key_column = s->column;
        scan_string(s, key, sizeof(key));
        snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "", key);
        skip_space(s);
        advance(s); /* : */
        skip_space(s);
        if (scan_value(s, child, key_line, key_column) != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',')
            advance(s);
    }
    if (s->p < s->end)
        advance(s); /* } */
    return 0;
}

static int scan_array(scanner *s, const char *path)
{
    advance(s); /* [ */
    for (size_t index = 0;; index++) {
        skip_space(s);
        if (s->p >= s->end || *s->p == ']')
            break;
        char child[1024];
        snprintf(child, sizeof(child), "%s[%zu]", path, index);
        if (scan_value(s, child, 0, 0) != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',')
            advance(s);
    }
    if (s->p < s->end)
        advance(s); /* ] */
    return 0;
}

static int scan_value(scanner *s, const char *path, int key_line, int key_column)
{
    if (record(s, path, key_line, key_column) != 0)
        return -1;
    switch (*s->p) {
    case '{':
        return scan_object(s, path);
    case '[':
        return scan_array(s, path);
    case '"':
        scan_string(s, NULL, 0);
        return 0;
    default: /* a number, true, false or null: up to the next delimiter */
        while (s->p < s->end && strchr(",}] \t\r\n", *s->p) == NULL)
            advance(s);
        return 0;
    }
}

int json_positions_scan(json_positions *positions, const char *text, size_t len)
{
    memset(positions, 0, sizeof(*positions));
    scanner s = {.p = text, .end = text + len, .line = 1, .column = 1, .out = positions};
    skip_space(&s);
    if (s.p >= s.end)
        return 0;
    return scan_value(&s, "", 0, 0);
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
