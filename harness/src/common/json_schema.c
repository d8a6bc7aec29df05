/*
 * json_schema.c - the parts of a JSON input loader that do not depend on its
 * schema: parsing with positions, errors placed at a value or its key, and
 * unknown keys answered with the nearest known one (edit distance).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_schema.h"
#include "message_text.h"

int json_schema_open(json_schema *schema, const char *file, const char *text, size_t len,
                     json_t **root, char *err, size_t errlen)
{
    *schema = (json_schema){.file = file, .err = err, .errlen = errlen};
    *root = NULL;
    json_error_t jerr;
    if (json_text_check(text, len, &jerr) == 0)
        *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (*root == NULL || json_positions_scan(&schema->positions, text, len, &jerr) != 0) {
        snprintf(err, errlen, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
        json_decref(*root);
        *root = NULL;
        return -1;
    }
    return 0;
}

void json_schema_close(json_schema *schema)
{
    json_positions_free(&schema->positions);
}

int json_schema_vfail(json_schema *schema, const char *path, int at_key, const char *fmt,
                      va_list ap)
{
    const json_position *pos = json_positions_find(&schema->positions, path);
    int line = 1, column = 1;
    if (pos != NULL) {
        line = at_key && pos->key_line ? pos->key_line : pos->line;
        column = at_key && pos->key_line ? pos->key_column : pos->column;
    }
    int used = snprintf(schema->err, schema->errlen, "%s:%d:%d: ", schema->file, line, column);
    if (used >= 0 && (size_t)used < schema->errlen)
        vsnprintf(schema->err + used, schema->errlen - (size_t)used, fmt, ap);
    return -1;
}

int json_schema_fail(json_schema *schema, const char *path, int at_key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_schema_vfail(schema, path, at_key, fmt, ap);
    va_end(ap);
    return -1;
}

const char *json_schema_child(char *buf, size_t buflen, const char *path, const char *key)
{
    snprintf(buf, buflen, "%s%s%s", path, *path ? "." : "", key);
    return buf;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[64];
    if (lb >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diagonal + cost;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

int json_schema_check_keys(json_schema *schema, json_t *obj, const char *const *known,
                           const char *path, const char *what)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        int found = 0;
        const char *nearest = NULL;
        size_t best = (size_t)-1;
        for (const char *const *k = known; *k != NULL; k++) {
            if (strcmp(*k, key) == 0)
                found = 1;
            size_t d = edit_distance(key, *k);
            if (d < best) {
                best = d;
                nearest = *k;
            }
        }
        if (found)
            continue;
        char *child, quoted[MESSAGE_QUOTE_SIZE];
        if (asprintf(&child, "%s%s%s", path, *path ? "." : "", key) < 0)
            return json_schema_fail(schema, path, 0, "out of memory");
        message_quote(quoted, sizeof(quoted), key);
        /* A suggestion only when the key is within about a third of its length of it. */
        if (nearest != NULL && best <= (strlen(key) + 2) / 3 + 1)
            json_schema_fail(schema, child, 1, "unknown key %s; did you mean \"%s\"?", quoted,
                             nearest);
        else
            json_schema_fail(schema, child, 1, "unknown key %s in %s", quoted, *path ? path : what);
        free(child);
        return -1;
    }
    return 0;
}
